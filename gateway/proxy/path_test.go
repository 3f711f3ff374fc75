package proxy_test

import (
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

func TestCleanPath(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"/", "/", true},
		{"/a/b", "/a/b", true},
		{"/a/b/", "/a/b/", true},
		{"/a/../b", "/b", true},
		{"/public/../admin", "/admin", true},
		{"/public/../admin/", "/admin/", true},
		{"//x", "/x", true},
		{"/a//b///c", "/a/b/c", true},
		{"/a/./b/", "/a/b/", true},
		{"/a/.", "/a", true},
		{"/a/..", "/", true},
		{"/..", "/", true},
		{"/../../etc/passwd", "/etc/passwd", true},
		{"/a/b/../../..", "/", true},
		{"/.hidden/..dots/...", "/.hidden/..dots/...", true},
		{"/%2e%2e/raw-escapes-are-not-decoded-here", "/%2e%2e/raw-escapes-are-not-decoded-here", true},
		{"", "", false},
		{"a/b", "", false},
		{"../a", "", false},
		{"*", "", false},
		{"/a\x00b", "", false},
		{`/public/..\admin`, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := proxy.CleanPath(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("CleanPath(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			if ok {
				if again, _ := proxy.CleanPath(got); again != got {
					t.Errorf("CleanPath is not idempotent: %q → %q", got, again)
				}
			}
		})
	}
}

func TestCleanPathDoesNotAllocateForCleanPaths(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() {
		if _, ok := proxy.CleanPath("/api/v1/users/42/"); !ok {
			t.Fatal("clean path rejected")
		}
	})
	if allocs != 0 {
		t.Errorf("CleanPath allocated %v times for a clean path", allocs)
	}
}
