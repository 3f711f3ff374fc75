package nginx_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The exact text in gateway-tls.conf that the tests replace.
const (
	tlsExampleGatewayd = "server 127.0.0.1:8080;"
	tlsExampleHTTP     = "listen 80 default_server;"
	tlsExampleHTTPS    = "listen 443 ssl http2 default_server;"
	tlsExampleCert     = "/etc/ssl/gatewayd/fullchain.pem"
	tlsExampleKey      = "/etc/ssl/gatewayd/privkey.pem"
)

// selfSignedCert writes a certificate and key for 127.0.0.1 and localhost
// into dir, made at test time so no key is committed.
func selfSignedCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "gatewayd test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// substitute replaces each old text, which must occur exactly once, so an
// edit to the shipped file cannot make the test quietly check something
// else.
func substitute(t *testing.T, name, text string, pairs ...string) string {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		if n := strings.Count(text, pairs[i]); n != 1 {
			t.Fatalf("%s: want %q exactly once, found %d times; keep the file and this test in sync", name, pairs[i], n)
		}
		text = strings.Replace(text, pairs[i], pairs[i+1], 1)
	}
	return text
}

// harness wraps a server-level file in an nginx.conf whose pid, logs and
// temp paths all live in dir, so nginx needs no root and leaves nothing.
func harness(t *testing.T, dir, include string) string {
	t.Helper()
	main := fmt.Sprintf(`daemon off;
master_process off;
pid %[1]s/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path %[1]s/client_body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    include %[2]s;
}
`, dir, include)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTLSFrontServesHTTP2WithHSTSAndReplacesForwardedHeaders runs
// gateway-tls.conf for real in front of a recording upstream standing in
// for gatewayd: HTTPS with HTTP/2, HSTS on the answer, the client's
// X-Forwarded-For replaced by its real address, and plain HTTP redirected,
// never proxied.
func TestTLSFrontServesHTTP2WithHSTSAndReplacesForwardedHeaders(t *testing.T) {
	nginx := nginxBinary(t)
	dir := t.TempDir()
	certFile, keyFile, pool := selfSignedCert(t, dir)
	up := newRecorder(t)
	httpAddr, httpsAddr := loopback(freePort(t)), loopback(freePort(t))
	raw, err := os.ReadFile("gateway-tls.conf")
	if err != nil {
		t.Fatal(err)
	}
	conf := substitute(t, "gateway-tls.conf", string(raw),
		tlsExampleGatewayd, "server "+up.addr()+";",
		tlsExampleHTTP, "listen "+httpAddr+" default_server;",
		tlsExampleHTTPS, "listen "+httpsAddr+" ssl http2 default_server;",
		tlsExampleCert, certFile,
		tlsExampleKey, keyFile,
	)
	site := filepath.Join(dir, "gateway-tls.conf")
	if err := os.WriteFile(site, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	main := harness(t, dir, site)
	ng := startProcess(t, "nginx", exec.Command(nginx, "-p", dir, "-c", main, "-e", "stderr"))

	client := &http.Client{
		Timeout: requestTimeout,
		Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
			ForceAttemptHTTP2: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	waitHTTPWith(t, ng, client, "https://"+httpsAddr+"/ready", http.StatusOK)
	up.reset()

	req, _ := http.NewRequest(http.MethodGet, "https://"+httpsAddr+"/orders/1", nil)
	req.Header.Set("X-Forwarded-For", "6.6.6.6")
	req.Header.Set("X-Forwarded-Proto", "http")
	req.Header.Set("Forwarded", "for=6.6.6.6")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Errorf("TLS front answered over %s, want HTTP/2", resp.Proto)
	}
	if got := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(got, "max-age=63072000") {
		t.Errorf("Strict-Transport-Security = %q", got)
	}
	reqs := up.requests()
	if len(reqs) != 1 {
		t.Fatalf("upstream got %d requests, want 1", len(reqs))
	}
	h := reqs[0].header
	for name, want := range map[string]string{
		"X-Forwarded-For":   "127.0.0.1",
		"X-Real-Ip":         "127.0.0.1",
		"X-Forwarded-Proto": "https",
		"Forwarded":         "",
	} {
		if got := strings.Join(h.Values(name), ","); got != want {
			t.Errorf("upstream saw %s = %q, want %q", name, got, want)
		}
	}

	// Plain HTTP is redirected to HTTPS and never reaches the upstream.
	up.reset()
	resp, err = client.Get("http://" + httpAddr + "/orders/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusPermanentRedirect || !strings.HasPrefix(resp.Header.Get("Location"), "https://") {
		t.Errorf("plain HTTP = %d Location %q, want 308 to https://", resp.StatusCode, resp.Header.Get("Location"))
	}
	if n := len(up.requests()); n != 0 {
		t.Errorf("plain HTTP reached the upstream %d times", n)
	}
}
