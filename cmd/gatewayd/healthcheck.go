package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"
)

// healthcheck asks a running gateway for GET /healthz and exits 0 on 200,
// 1 otherwise. It exists so the container image's HEALTHCHECK needs no
// curl or shell (the image is distroless): the binary checks itself.
// Without --url it derives the address from server.listen, dialling
// loopback when the listener binds every interface.
func healthcheck(ctx context.Context, configPath string, args []string, e env) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	target := fs.String("url", "", "URL to probe (default: http://<server.listen>/healthz)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if *target == "" {
		cfg, ok := loadConfig(configPath, e)
		if !ok {
			return exitFailure
		}
		*target = "http://" + probeAddr(cfg.Server.Listen) + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		fmt.Fprintln(e.stderr, "gatewayd healthcheck:", err)
		return exitFailure
	}
	// A client of its own: no proxy from the environment (HTTP_PROXY must
	// not redirect a loopback probe) and no redirects followed.
	client := &http.Client{
		Transport:     &http.Transport{Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(e.stderr, "gatewayd healthcheck:", err)
		return exitFailure
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(e.stderr, "gatewayd healthcheck: %s answered %d\n", *target, resp.StatusCode)
		return exitFailure
	}
	fmt.Fprintln(e.stdout, "ok")
	return exitOK
}

// probeAddr turns a listen address into one a local client can dial: an
// empty or unspecified host (":8080", "0.0.0.0:8080", "[::]:8080") becomes
// loopback.
func probeAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
