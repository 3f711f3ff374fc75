package ratelimit_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/ratelimit"
)

func TestOptionsValidation(t *testing.T) {
	tests := []struct {
		name string
		opts ratelimit.Options
		want []string // substrings of the error; nil means valid
	}{
		{"zero value is memory with defaults", ratelimit.Options{}, nil},
		{"route policy", ratelimit.Options{Policies: map[string]string{"route:api.v1": "100-S"}}, nil},
		{"bad rate", ratelimit.Options{Policies: map[string]string{"login": "ten-M"}}, []string{"Policies[login]"}},
		{"bad period", ratelimit.Options{Policies: map[string]string{"login": "10-W"}}, []string{`"10-W"`}},
		{"zero limit", ratelimit.Options{Policies: map[string]string{"login": "0-M"}}, []string{"at least 1"}},
		{"negative limit", ratelimit.Options{Policies: map[string]string{"login": "-1-M"}}, []string{`"-1-M"`}},
		{"hostile policy name", ratelimit.Options{Policies: map[string]string{"route:{x} y": "1-M"}}, []string{"policy name"}},
		{"reserved policy name", ratelimit.Options{Policies: map[string]string{"_probe": "1-M"}}, []string{"policy name"}},
		{"empty route name", ratelimit.Options{Policies: map[string]string{"route:": "1-M"}}, []string{"policy name"}},
		{"bad prefix", ratelimit.Options{Prefix: "a:b"}, []string{"Prefix"}},
		{"unknown store", ratelimit.Options{Store: "etcd"}, []string{`Store: "etcd"`}},
		{"redis without url", ratelimit.Options{Store: ratelimit.StoreRedis}, []string{"RedisURL: is required"}},
		{"bad url", ratelimit.Options{RedisURL: "http://x"}, []string{"scheme"}},
		{"bad mode", ratelimit.Options{OnStoreError: "panic"}, []string{"OnStoreError"}},
		{"negative timeout", ratelimit.Options{StoreTimeout: -time.Second}, []string{"StoreTimeout"}},
		{"all problems at once", ratelimit.Options{Store: "etcd", Prefix: "a b", OnStoreError: "x",
			Policies: map[string]string{"login": "x", "register": "0-H"}},
			[]string{"Store", "Prefix", "OnStoreError", "Policies[login]", "Policies[register]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Validate (what config check and cmd's plan run) and New
			// refuse the same options (issue 10).
			if verr := tt.opts.Validate(); (verr == nil) != (tt.want == nil) {
				t.Fatalf("Validate = %v, want an error: %v", verr, tt.want != nil)
			}
			l, err := ratelimit.New(context.Background(), tt.opts)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				_ = l.Close()
				return
			}
			if err == nil {
				_ = l.Close()
				t.Fatalf("New accepted invalid options")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestParseRedisURL(t *testing.T) {
	tests := []struct {
		name        string
		url         string
		addrs       []string
		master      string
		cluster     bool
		db          int
		user, pass  string
		tls         bool
		serverName  string
		sentinelPwd string
		wantErr     string
	}{
		{name: "single", url: "redis://127.0.0.1:6379/2", addrs: []string{"127.0.0.1:6379"}, db: 2},
		{name: "default port", url: "redis://cache", addrs: []string{"cache:6379"}},
		{name: "credentials", url: "redis://app:s%3Acret@cache:6380/0", addrs: []string{"cache:6380"}, user: "app", pass: "s:cret"},
		{name: "tls single keeps server name", url: "rediss://cache.example:6380", addrs: []string{"cache.example:6380"}, tls: true, serverName: "cache.example"},
		{name: "ipv6", url: "redis://[::1]:6379", addrs: []string{"[::1]:6379"}},
		{name: "sentinel", url: "redis://:pw@s1:26379,s2:26379,s3/1?master_name=mymaster&sentinel_password=spw",
			addrs: []string{"s1:26379", "s2:26379", "s3:6379"}, master: "mymaster", db: 1, pass: "pw", sentinelPwd: "spw"},
		{name: "cluster by host list", url: "rediss://n1:6379,n2:6379", addrs: []string{"n1:6379", "n2:6379"}, tls: true, serverName: ""},
		{name: "cluster by flag", url: "redis://cfg:6379?cluster=true&pool_size=20", addrs: []string{"cfg:6379"}, cluster: true},
		{name: "go-redis params pass through", url: "redis://h?dial_timeout=2s", addrs: []string{"h:6379"}},
		{name: "wrong scheme", url: "http://h", wantErr: "scheme"},
		{name: "unix unsupported", url: "unix:///tmp/redis.sock", wantErr: "scheme"},
		{name: "empty host in list", url: "redis://h1,,h2", wantErr: "empty host"},
		{name: "unknown param", url: "redis://h?bogus=1", wantErr: "bogus"},
		{name: "cluster db", url: "redis://h1,h2/3", wantErr: "database 0"},
		{name: "cluster and sentinel", url: "redis://h?cluster=true&master_name=m", wantErr: "exclusive"},
		{name: "bad cluster flag", url: "redis://h?cluster=maybe", wantErr: "cluster"},
		{name: "password not echoed", url: "redis://u:hunter2@h/x", wantErr: "database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ratelimit.ParseRedisURL(tt.url)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("error leaks the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRedisURL: %v", err)
			}
			if !slices.Equal(o.Addrs, tt.addrs) || o.MasterName != tt.master || o.IsClusterMode != tt.cluster || o.DB != tt.db ||
				o.Username != tt.user || o.Password != tt.pass || o.SentinelPassword != tt.sentinelPwd {
				t.Fatalf("got addrs=%v master=%q cluster=%v db=%d user=%q pass=%q sentinelpw=%q",
					o.Addrs, o.MasterName, o.IsClusterMode, o.DB, o.Username, o.Password, o.SentinelPassword)
			}
			if (o.TLSConfig != nil) != tt.tls || (tt.tls && o.TLSConfig.ServerName != tt.serverName) {
				t.Fatalf("TLS config %+v, want tls=%v server name %q", o.TLSConfig, tt.tls, tt.serverName)
			}
		})
	}
}
