package main

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

// newNetHTTPServer is configuration (g): net/http serves the client, the
// fasthttp HostClient talks to the upstream, with the minimum in between.
func newNetHTTPServer(client *fasthttp.HostClient, host string) *http.Server {
	return &http.Server{
		Handler:           &netHTTPProxy{client: client, host: host},
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
}

type netHTTPProxy struct {
	client *fasthttp.HostClient
	host   string // the upstream's host:port, sent as Host
}

func (p *netHTTPProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)

	// net/http has already canonicalized the names.
	req.Header.DisableNormalizing()
	req.Header.SetMethod(r.Method)
	if uri := r.RequestURI; strings.HasPrefix(uri, "/") {
		req.SetRequestURI(uri)
	} else {
		req.SetRequestURI(r.URL.RequestURI())
	}
	req.UseHostHeader = true
	req.Header.SetHost(p.host)
	for name, values := range r.Header {
		if isHopByHop(name) || name == "X-Forwarded-For" {
			continue
		}
		for _, v := range values {
			req.Header.Add(name, v)
		}
	}
	// As httputil.ProxyRequest.SetXForwarded: the prior list, then the peer.
	if ip, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		if prior := r.Header["X-Forwarded-For"]; len(prior) > 0 {
			ip = strings.Join(prior, ", ") + ", " + ip
		}
		req.Header.Set("X-Forwarded-For", ip)
	}
	if r.ContentLength > 0 {
		if _, err := io.Copy(req.BodyWriter(), r.Body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
	}

	// Errors are counted by wrk (non-2xx); logging each would cost more
	// than the proxying being measured.
	if err := p.client.Do(req, resp); err != nil {
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	h := w.Header()
	for name, value := range resp.Header.All() {
		k := string(name)
		if isHopByHop(k) || strings.EqualFold(k, "Content-Length") {
			continue
		}
		h.Add(k, string(value))
	}
	body := resp.Body()
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(resp.StatusCode())
	_, _ = w.Write(body)
}

// newFastHTTPServer is configuration (h): fasthttp on both sides. The
// server's own request and response go through the HostClient as they
// are, minus the hop-by-hop headers.
func newFastHTTPServer(client *fasthttp.HostClient, host string) *fasthttp.Server {
	return &fasthttp.Server{
		Handler:               fastHTTPProxy(client, host),
		IdleTimeout:           2 * time.Minute,
		NoDefaultServerHeader: true,
	}
}

func fastHTTPProxy(client *fasthttp.HostClient, host string) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		req := &ctx.Request
		// Deleting Connection forgets "close"; honour it after the hop.
		closeAfter := req.Header.ConnectionClose()
		for _, name := range hopByHop {
			req.Header.Del(name)
		}
		req.UseHostHeader = true
		req.Header.SetHost(host)
		ip := ctx.RemoteIP().String()
		if prior := req.Header.Peek("X-Forwarded-For"); len(prior) > 0 {
			ip = string(prior) + ", " + ip
		}
		req.Header.Set("X-Forwarded-For", ip)

		if err := client.Do(req, &ctx.Response); err != nil {
			ctx.Response.Reset()
			ctx.SetStatusCode(fasthttp.StatusBadGateway)
			return
		}
		for _, name := range hopByHop {
			ctx.Response.Header.Del(name)
		}
		if closeAfter {
			ctx.SetConnectionClose()
		}
	}
}
