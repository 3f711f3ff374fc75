// Command flood measures what a login flood does to gatewayd (issue 11):
// peak RSS against the budget 64 MiB + cap × 19 MiB, and the p99 latency
// of an authenticated proxied route during the flood against its p99 when
// idle, in the same run.
//
// It builds gatewayd and bench/upstream, and for every hashing cap in -caps
// and memory-limit mode in -limits starts both on 127.0.0.1 (SQLite in a
// temporary directory, rate limits opened wide so every login reaches the
// hasher), registers one user, measures the proxied route for -idle, then
// runs -logins concurrent login loops for -flood while measuring it again,
// and prints one Markdown table. Every process is stopped before it exits;
// all traffic stays on 127.0.0.1.
//
// Usage: go run ./bench/flood [-flood 20s] [-caps 0,2,4,8] [-limits on,off] [-env "GOGC=200"]
//
// Cap 0 is the default (authcore.DefaultMaxConcurrent). Limit "on" is what
// serve does by default (a memory limit derived from the cap); "off" runs
// with GOMEMLIMIT=off, as every version before issue 11 did.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	email    = "flood@example.com"
	password = "correct horse battery staple"
	secret   = "bench-flood-secret-0123456789-abcdefghijklmnop"
	// argonMiB is memory_kib of the default argon2 parameters, in MiB.
	argonMiB = 19
	baseMiB  = 64
)

// gatewayEnv is -env, added to gatewayd's environment in every row.
var gatewayEnv []string

func main() {
	flood := flag.Duration("flood", 20*time.Second, "length of the login flood per row")
	idle := flag.Duration("idle", 5*time.Second, "length of the idle latency measurement per row")
	logins := flag.Int("logins", 200, "concurrent login loops")
	capsFlag := flag.String("caps", "0,2,4,8", "password.max_concurrent values (0: default)")
	limitsFlag := flag.String("limits", "on,off", "memory limit modes: on (derived from the cap) or off (GOMEMLIMIT=off)")
	extraEnv := flag.String("env", "", "extra environment for gatewayd, space-separated (e.g. \"GOGC=200\")")
	flag.Parse()
	gatewayEnv = strings.Fields(*extraEnv)
	if err := run(*flood, *idle, *logins, *capsFlag, *limitsFlag); err != nil {
		fmt.Fprintln(os.Stderr, "flood:", err)
		os.Exit(1)
	}
}

func run(flood, idle time.Duration, logins int, capsFlag, limitsFlag string) error {
	work, err := os.MkdirTemp("", "gatewayd-flood-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	fmt.Fprintln(os.Stderr, "flood: building gatewayd and the upstream")
	for _, b := range [][2]string{{"gatewayd", "./cmd/gatewayd"}, {"upstream", "./bench/upstream"}} {
		cmd := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(work, b[0]), b[1])
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %w\n%s", b[1], err, out)
		}
	}
	upAddr, err := freeAddr()
	if err != nil {
		return err
	}
	up := exec.Command(filepath.Join(work, "upstream"), "-listen", upAddr)
	if err := up.Start(); err != nil {
		return err
	}
	defer func() { _ = up.Process.Kill(); _ = up.Wait() }()
	if err := waitHTTP("http://"+upAddr+"/", 10*time.Second); err != nil {
		return err
	}

	fmt.Printf("%d concurrent logins for %s per row, GOMAXPROCS of the machine: %d\n\n", logins, flood, runtimeCPUs())
	fmt.Println("| cap | memory limit | peak RSS MiB | budget MiB (64 + cap×19) | peak / budget | logins 200/s | 503s | proxied p99 idle ms | p99 flood ms | flood / idle |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, c := range strings.Split(capsFlag, ",") {
		capN, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil {
			return fmt.Errorf("-caps: %w", err)
		}
		for _, mode := range strings.Split(limitsFlag, ",") {
			r, err := row(work, upAddr, capN, strings.TrimSpace(mode), flood, idle, logins)
			if err != nil {
				return err
			}
			capLabel := strconv.Itoa(r.cap)
			if capN == 0 {
				capLabel += " (default)"
			}
			budget := baseMiB + r.cap*argonMiB
			fmt.Printf("| %s | %s | %.0f | %d | %.2f | %.1f | %d | %.1f | %.1f | %.1f× |\n",
				capLabel, mode, r.peakMiB, budget, r.peakMiB/float64(budget), float64(r.ok)/flood.Seconds(), r.busy,
				ms(r.idleP99), ms(r.floodP99), float64(r.floodP99)/float64(r.idleP99))
		}
	}
	return nil
}

type result struct {
	cap               int
	peakMiB           float64
	ok, busy          int64
	idleP99, floodP99 time.Duration
}

func row(work, upAddr string, capN int, mode string, flood, idle time.Duration, logins int) (result, error) {
	gwAddr, err := freeAddr()
	if err != nil {
		return result{}, err
	}
	cfg := filepath.Join(work, "gateway.yaml")
	if err := os.WriteFile(cfg, []byte(config(gwAddr, upAddr)), 0o600); err != nil {
		return result{}, err
	}
	db := filepath.Join(work, fmt.Sprintf("gw-%d-%s.db", capN, mode))
	gw := exec.Command(filepath.Join(work, "gatewayd"), "--config", cfg, "serve")
	gw.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"JWT_SECRET=" + secret,
		"DATABASE_URL=sqlite:" + db,
		"GATEWAY_PASSWORD_MAX_CONCURRENT=" + strconv.Itoa(capN),
	}
	if mode == "off" {
		gw.Env = append(gw.Env, "GOMEMLIMIT=off")
	}
	gw.Env = append(gw.Env, gatewayEnv...)
	var logs bytes.Buffer
	gw.Stdout, gw.Stderr = &logs, &logs
	if err := gw.Start(); err != nil {
		return result{}, err
	}
	defer func() { _ = gw.Process.Kill(); _ = gw.Wait() }()
	base := "http://" + gwAddr
	if err := waitHTTP(base+"/healthz", 30*time.Second); err != nil {
		return result{}, fmt.Errorf("%w\n%s", err, logs.String())
	}
	capInForce := capN
	if capN == 0 {
		capInForce = max(1, runtimeCPUs()/2)
	}

	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	token, err := register(client, base)
	if err != nil {
		return result{}, err
	}
	idleP99 := probe(client, base, token, idle, nil)

	ctx, cancel := context.WithTimeout(context.Background(), flood)
	defer cancel()
	var ok, busy atomic.Int64
	var wg sync.WaitGroup
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	floodClient := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: logins}}
	for range logins {
		wg.Go(func() {
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/auth/login", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := floodClient.Do(req)
				if err != nil {
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusOK:
					ok.Add(1)
				case http.StatusServiceUnavailable:
					busy.Add(1)
				}
			}
		})
	}
	floodP99 := probe(client, base, token, flood, ctx.Done())
	wg.Wait()
	peak, err := peakRSS(gw.Process.Pid)
	if err != nil {
		return result{}, err
	}
	return result{cap: capInForce, peakMiB: peak, ok: ok.Load(), busy: busy.Load(), idleP99: idleP99, floodP99: floodP99}, nil
}

// probe sends authenticated proxied GETs from 4 workers, each pausing 5ms
// between requests, for d (or until stop), and returns the p99 latency.
func probe(client *http.Client, base, token string, d time.Duration, stop <-chan struct{}) time.Duration {
	var (
		mu  sync.Mutex
		lat []time.Duration
		wg  sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	for range 4 {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if stop != nil {
					select {
					case <-stop:
						return
					default:
					}
				}
				req, _ := http.NewRequest(http.MethodGet, base+"/app/item", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				start := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						mu.Lock()
						lat = append(lat, time.Since(start))
						mu.Unlock()
					}
				}
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	if len(lat) == 0 {
		return 0
	}
	slices.Sort(lat)
	return lat[len(lat)*99/100]
}

func register(client *http.Client, base string) (string, error) {
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := client.Post(base+"/auth/register", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.AccessToken == "" {
		return "", fmt.Errorf("register: status %d: %v", resp.StatusCode, err)
	}
	return out.AccessToken, nil
}

// peakRSS reads VmHWM, the process's peak resident set, in MiB.
func peakRSS(pid int) (float64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

func config(listen, upstream string) string {
	return fmt.Sprintf(`server:
  listen: %q
log:
  level: warn
jwt:
  access_ttl: 2h
ratelimit:
  store: memory
  # Every login must reach the hasher.
  login: "100000000-M"
  login_account: "100000000-M"
docs:
  enabled: false
admin:
  listen: ""
routes:
  - name: app
    match:
      path_prefix: /app/
    upstream: "http://%s"
    auth: required
`, listen, upstream)
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func waitHTTP(url string, within time.Duration) error {
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer within %s", url, within)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func runtimeCPUs() int { return runtime.GOMAXPROCS(0) }
