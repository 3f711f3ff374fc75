package postgres_test

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/authgate/gatewayd/authcore/postgres"
	"github.com/authgate/gatewayd/authcore/postgres/pgtest"
)

// TestVerifyFullConnectsEncryptedAndRefusesWrongCA is the database-TLS
// rehearsal (issue 12, SECURITY.md "Database TLS"): against a throwaway
// Postgres with ssl=on and a certificate from a run-time CA,
// sslmode=verify-full with sslrootcert connects, the server reports the
// session as encrypted in pg_stat_ssl, and a client that trusts another
// CA is refused with an error that says why.
func TestVerifyFullConnectsEncryptedAndRefusesWrongCA(t *testing.T) {
	ca, err := pgtest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := pgtest.StartTLS(t.Context(), ca)
	if err != nil {
		t.Fatalf("pgtest.StartTLS (needs initdb/pg_ctl installed): %v", err)
	}
	t.Cleanup(func() { _ = srv.Stop() })

	// The Store opens and works over verify-full.
	s := openStore(t, srv.TLSURL)
	if err := s.MigrateUp(t.Context()); err != nil {
		t.Fatalf("MigrateUp over TLS: %v", err)
	}

	// The server's own view of a verify-full session: encrypted, TLS 1.2+.
	conn, err := pgx.Connect(t.Context(), srv.TLSURL)
	if err != nil {
		t.Fatalf("connect with verify-full: %v", err)
	}
	defer conn.Close(t.Context())
	var ssl bool
	var version string
	if err := conn.QueryRow(t.Context(),
		"SELECT ssl, coalesce(version, '') FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&ssl, &version); err != nil {
		t.Fatal(err)
	}
	if !ssl || (version != "TLSv1.2" && version != "TLSv1.3") {
		t.Fatalf("pg_stat_ssl: ssl=%v version=%q, want an encrypted TLS 1.2+ session", ssl, version)
	}

	// A client trusting an unrelated CA must not connect.
	other, err := pgtest.NewCA()
	if err != nil {
		t.Fatal(err)
	}
	wrongCA := filepath.Join(t.TempDir(), "other-ca.crt")
	if err := other.WriteCert(wrongCA); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.TLSURL)
	q := u.Query()
	q.Set("sslrootcert", wrongCA)
	u.RawQuery = q.Encode()
	st, err := postgres.Open(t.Context(), u.String(), postgres.Options{})
	if err == nil {
		st.Close()
		t.Fatal("verify-full with the wrong CA connected")
	}
	if msg := err.Error(); !strings.Contains(msg, "certificate signed by unknown authority") || !strings.Contains(msg, "postgres: connect to 127.0.0.1:") {
		t.Errorf("wrong-CA error is not clear about the cause: %v", err)
	}
}
