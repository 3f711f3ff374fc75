package config_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/config"
)

func TestSecretRendering(t *testing.T) {
	s := config.Secret("hunter2-hunter2")
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"%s", fmt.Sprintf("<%s>", s), "<[REDACTED]>"},
		{"%v", fmt.Sprintf("<%v>", s), "<[REDACTED]>"},
		{"%x", fmt.Sprintf("%x", s), fmt.Sprintf("%x", "[REDACTED]")},
		{"slice %v", fmt.Sprintf("%v", []config.Secret{s}), "[[REDACTED]]"},
		{"%q", fmt.Sprintf("%q", s), `"[REDACTED]"`},
		{"%#v", fmt.Sprintf("%#v", s), `"[REDACTED]"`},
		{"json", jsonOf(t, s), `"[REDACTED]"`},
		{"empty stays empty", config.Secret("").String(), ""},
		{"empty json", jsonOf(t, config.Secret("")), `""`},
		{"Reveal", s.Reveal(), "hunter2-hunter2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %s, want %s", tt.got, tt.want)
			}
		})
	}
}

func TestSecretsNeverInErrorOrLogs(t *testing.T) {
	const (
		jwtSecret = "jwt-SECRET-value-JJJJJJJJJJJJJJJJJJJJJJJJJJJJJJJ"
		prev      = "prev-SECRET-value-KKKKKKKKKKKKKKKKKKKKKKKKKKKKKK"
		dbPass    = "db-PASSWORD-value"
		redisPass = "redis-PASSWORD-value"
	)
	cfg := mustLoad(t, "", envOf(map[string]string{
		"JWT_SECRET":                   jwtSecret,
		"GATEWAY_JWT_PREVIOUS_SECRETS": prev,
		"DATABASE_URL":                 "postgres://gw:" + dbPass + "@127.0.0.1/gw",
		"REDIS_URL":                    "redis://:" + redisPass + "@127.0.0.1:6379/0",
	}))
	secrets := []string{jwtSecret, prev, dbPass, redisPass}

	var jsonLog, textLog bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("config", "cfg", cfg, "secret", cfg.JWT.Secret)
	slog.New(slog.NewTextHandler(&textLog, nil)).Info("config", "cfg", cfg, "db", cfg.Database.URL)
	renderings := map[string]string{
		"%v":        fmt.Sprintf("%v", cfg),
		"%+v":       fmt.Sprintf("%+v", cfg),
		"%#v":       fmt.Sprintf("%#v", cfg),
		"%v value":  fmt.Sprintf("%v", *cfg),
		"json":      jsonOf(t, cfg),
		"slog json": jsonLog.String(),
		"slog text": textLog.String(),
	}
	for name, out := range renderings {
		t.Run(name, func(t *testing.T) {
			for _, s := range secrets {
				if strings.Contains(out, s) {
					t.Errorf("output contains secret %q:\n%s", s, out)
				}
			}
			if !strings.Contains(out, "[REDACTED]") {
				t.Errorf("output has no [REDACTED] marker:\n%s", out)
			}
		})
	}

	badURLs := map[string]string{
		"DATABASE_URL bad scheme": "mysql://gw:" + dbPass + "@db/gw",
		"DATABASE_URL unparsable": "postgres://gw:" + dbPass + "@db:port/%zz",
		"REDIS_URL bad scheme":    "http://:" + redisPass + "@redis",
		"REDIS_URL unparsable":    "redis://:" + redisPass + "@redis:port/%zz",
	}
	for name, bad := range badURLs {
		t.Run(name, func(t *testing.T) {
			env := map[string]string{}
			env[strings.Fields(name)[0]] = bad
			ps := loadProblems(t, "", envOf(env))
			if strings.Contains(ps.Error(), dbPass) || strings.Contains(ps.Error(), redisPass) {
				t.Errorf("problem leaks the URL:\n%v", ps)
			}
			if !ps.Has(map[bool]string{true: "database.url", false: "ratelimit.redis_url"}[strings.HasPrefix(name, "DATABASE")]) {
				t.Errorf("want a problem naming the key:\n%v", ps)
			}
		})
	}

	t.Run("secret given as a map", func(t *testing.T) {
		ps := loadProblems(t, writeFile(t, "gw.yaml", "jwt:\n  secret: {value: "+jwtSecret+"}\n"), envOf(map[string]string{"JWT_SECRET": ""}))
		if strings.Contains(ps.Error(), jwtSecret) {
			t.Errorf("problem leaks the secret:\n%v", ps)
		}
	})
}

func TestRevealAll(t *testing.T) {
	got := config.RevealAll([]config.Secret{"a", "b"})
	if strings.Join(got, ",") != "a,b" {
		t.Errorf("RevealAll = %v", got)
	}
	if out, _ := json.Marshal([]config.Secret{"a"}); string(out) != `["[REDACTED]"]` {
		t.Errorf("json of []Secret = %s", out)
	}
}
