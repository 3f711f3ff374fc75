package config_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/config"
)

func TestSecretsFromFiles(t *testing.T) {
	secretFile := writeFile(t, "jwt", "file-secret-DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\n")
	dbFile := writeFile(t, "db", "postgres://gw:pw@127.0.0.1/gw\r\n")
	redisFile := writeFile(t, "redis", "redis://:pw@127.0.0.1:6379/0")
	prevFile := writeFile(t, "prev", "old-secret-1-EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE\nold-secret-2-FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\n")
	cfg := mustLoad(t, "", envOf(map[string]string{
		"JWT_SECRET":                        "",
		"JWT_SECRET_FILE":                   secretFile,
		"DATABASE_URL_FILE":                 dbFile,
		"REDIS_URL_FILE":                    redisFile,
		"GATEWAY_JWT_PREVIOUS_SECRETS_FILE": prevFile,
	}))
	tests := []struct {
		name      string
		got, want string
	}{
		{"JWT_SECRET_FILE, trailing newline trimmed", cfg.JWT.Secret.Reveal(), "file-secret-DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"},
		{"DATABASE_URL_FILE, CRLF trimmed", cfg.Database.URL.Reveal(), "postgres://gw:pw@127.0.0.1/gw"},
		{"REDIS_URL_FILE", cfg.RateLimit.RedisURL.Reveal(), "redis://:pw@127.0.0.1:6379/0"},
		{"GATEWAY_JWT_PREVIOUS_SECRETS_FILE one per line", strings.Join(config.RevealAll(cfg.JWT.PreviousSecrets), " "),
			"old-secret-1-EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE old-secret-2-FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestPreviousSecretsFromEnvList(t *testing.T) {
	a, b := "prev-a-GGGGGGGGGGGGGGGGGGGGGGGGGGGGGGGG", "prev-b-HHHHHHHHHHHHHHHHHHHHHHHHHHHHHHHH"
	cfg := mustLoad(t, "", envOf(map[string]string{"GATEWAY_JWT_PREVIOUS_SECRETS": a + "," + b}))
	if got := config.RevealAll(cfg.JWT.PreviousSecrets); !slices.Equal(got, []string{a, b}) {
		t.Errorf("previous secrets = %d items, want 2", len(got))
	}
}

func TestSecretFileProblems(t *testing.T) {
	const content = "leaky-content-IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII"
	secretFile := writeFile(t, "jwt", content+"\n")
	missing := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name string
		env  map[string]string
		want []string
	}{
		{"both JWT_SECRET and JWT_SECRET_FILE", map[string]string{"JWT_SECRET": testSecret, "JWT_SECRET_FILE": secretFile},
			[]string{"JWT_SECRET and JWT_SECRET_FILE are both set"}},
		{"both DATABASE_URL and DATABASE_URL_FILE", map[string]string{"DATABASE_URL": "sqlite:a.db", "DATABASE_URL_FILE": secretFile},
			[]string{"DATABASE_URL and DATABASE_URL_FILE are both set"}},
		{"both REDIS_URL and REDIS_URL_FILE", map[string]string{"REDIS_URL": "redis://x", "REDIS_URL_FILE": secretFile},
			[]string{"REDIS_URL and REDIS_URL_FILE are both set"}},
		{"unreadable file", map[string]string{"DATABASE_URL_FILE": missing},
			[]string{"DATABASE_URL_FILE", missing, "no such file"}},
		{"empty file", map[string]string{"REDIS_URL_FILE": writeFile(t, "empty", "\n")},
			[]string{"REDIS_URL_FILE", "is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := loadProblems(t, "", envOf(tt.env))
			for _, w := range tt.want {
				if !strings.Contains(ps.Error(), w) {
					t.Errorf("want %q in:\n%v", w, ps)
				}
			}
			if strings.Contains(ps.Error(), content) || strings.Contains(ps.Error(), testSecret) {
				t.Errorf("problem text leaks a secret:\n%v", ps)
			}
		})
	}
}

// TestProblemsNameTheEnvironmentVariable: a value that came from the
// environment is reported by its key and its variable (issue 10), both
// for an owner's rule and for a value that does not decode.
func TestProblemsNameTheEnvironmentVariable(t *testing.T) {
	for value, want := range map[string]string{
		"-1s":  "jwt.access_ttl (GATEWAY_JWT_ACCESS_TTL): must not be negative",
		"soon": "jwt.access_ttl (GATEWAY_JWT_ACCESS_TTL): ",
	} {
		ps := loadProblems(t, "", envOf(map[string]string{"GATEWAY_JWT_ACCESS_TTL": value}))
		if !strings.Contains(ps.Error(), want) {
			t.Errorf("GATEWAY_JWT_ACCESS_TTL=%s: problems %q lack %q", value, ps.Error(), want)
		}
	}
	// From the file, the key alone.
	ps := loadProblems(t, writeFile(t, "gw.yaml", "jwt:\n  access_ttl: -1s\n"), envOf(nil))
	if !strings.Contains(ps.Error(), "jwt.access_ttl: must not be negative") {
		t.Errorf("file value: %q", ps.Error())
	}
}
