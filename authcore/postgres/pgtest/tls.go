package pgtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// CA is a throwaway certificate authority made at run time, so no key is
// ever committed. Tests use one to sign the server certificate of
// StartTLS, and a second, unrelated one to show that a client trusting the
// wrong CA is refused.
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	der  []byte
}

// NewCA makes a self-signed CA valid for one day.
func NewCA() (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("pgtest: CA key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "pgtest CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("pgtest: CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("pgtest: CA certificate: %w", err)
	}
	return &CA{cert: cert, key: key, der: der}, nil
}

// WriteCert writes the CA certificate as PEM: what a client's sslrootcert
// names.
func (ca *CA) WriteCert(path string) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.der}), 0o644)
}

// issueServer returns PEM certificate and key for a server reachable as
// 127.0.0.1 and localhost, which verify-full checks against the host in
// the URL.
func (ca *CA) issueServer() (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("pgtest: server key: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return nil, nil, fmt.Errorf("pgtest: server certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("pgtest: server key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), nil
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n
}

// StartTLS is Start with ssl=on and a server certificate signed by ca.
// Server.TLSURL connects with sslmode=verify-full against that CA; URL
// still connects without TLS, since the cluster's pg_hba accepts both.
func StartTLS(ctx context.Context, ca *CA) (*Server, error) {
	return start(ctx, ca)
}

// writeServerTLS writes the server's certificate, key and the CA into dir
// and returns the postgres options that turn TLS on. The server refuses a
// key file readable by others, and as root the files must belong to the
// user the server runs as.
func (s *Server) writeServerTLS(ca *CA) (string, error) {
	certPEM, keyPEM, err := ca.issueServer()
	if err != nil {
		return "", err
	}
	certFile, keyFile := filepath.Join(s.dir, "server.crt"), filepath.Join(s.dir, "server.key")
	s.CAFile = filepath.Join(s.dir, "ca.crt")
	for _, f := range []struct {
		path string
		data []byte
	}{{certFile, certPEM}, {keyFile, keyPEM}} {
		if err := os.WriteFile(f.path, f.data, 0o600); err != nil {
			return "", fmt.Errorf("pgtest: write %s: %w", f.path, err)
		}
		if s.cred != nil {
			if err := os.Chown(f.path, int(s.cred.Uid), int(s.cred.Gid)); err != nil {
				return "", fmt.Errorf("pgtest: chown %s: %w", f.path, err)
			}
		}
	}
	if err := ca.WriteCert(s.CAFile); err != nil {
		return "", fmt.Errorf("pgtest: write CA: %w", err)
	}
	return fmt.Sprintf(" -c ssl=on -c ssl_cert_file=%s -c ssl_key_file=%s", certFile, keyFile), nil
}
