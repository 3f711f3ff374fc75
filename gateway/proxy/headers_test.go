package proxy_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// spoofSpellings returns the ways a client (or a buggy middleware writing
// the map directly) can spell name.
func spoofSpellings(name string) []string {
	under := strings.ReplaceAll(name, "-", "_")
	mixed := []byte(strings.ToLower(name))
	for i := 0; i < len(mixed); i += 2 {
		if 'a' <= mixed[i] && mixed[i] <= 'z' {
			mixed[i] -= 'a' - 'A'
		}
	}
	firstUnder := strings.Replace(strings.ToLower(name), "-", "_", 1)
	return []string{
		name,
		strings.ToLower(name),
		strings.ToUpper(name),
		http.CanonicalHeaderKey(name),
		under,
		strings.ToLower(under),
		strings.ToUpper(under),
		string(mixed),
		firstUnder,
	}
}

func TestSpoofedIdentityHeadersNeverReachUpstream(t *testing.T) {
	up := newUpstream(t, nil)
	presets := []struct {
		name  string
		names proxy.IdentityHeaders
	}{
		{"default", proxy.DefaultIdentityHeaders()},
		{"oauth2-proxy", proxy.OAuth2ProxyIdentityHeaders()},
		{"authelia", proxy.AutheliaIdentityHeaders()},
		{"custom", proxy.IdentityHeaders{UserID: "X-Principal", Email: "X-Principal-Mail", Roles: "X-Principal-Groups"}},
		{"custom assertion header", proxy.IdentityHeaders{UserID: "X-User-Id", Email: "X-User-Email", Roles: "X-User-Roles", Assertion: "X-Upstream-Jwt"}},
	}
	// Every preset's names, the auth-request names, and arbitrary X-User-*
	// names are in the namespace whatever preset is configured.
	spoofable := []string{
		"X-User-Id", "X-User-Email", "X-User-Roles", "X-User-Admin", "X-User-Anything-At-All",
		"X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups",
		"Remote-User", "Remote-Email", "Remote-Groups",
		"X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Groups",
		// The signed identity assertion's default name (issue 13) is
		// reserved whatever name is configured.
		"X-Gateway-Assertion",
	}
	for _, preset := range presets {
		t.Run(preset.name, func(t *testing.T) {
			policy := proxy.NewHeaderPolicy(preset.names)
			fwd := proxy.NewForwarder(&proxy.Route{Name: "r", PathPrefix: "/", Upstreams: []*url.URL{up.url(t)}},
				newTransport(t, proxy.TransportOptions{}), proxy.ForwarderOptions{Identity: preset.names})
			names := append(spoofable, preset.names.UserID, preset.names.Email, preset.names.Roles)
			if preset.names.Assertion != "" {
				names = append(names, preset.names.Assertion)
			}
			req := newRequest(t, "GET", "/whoami")
			for _, n := range names {
				for _, s := range spoofSpellings(n) {
					req.Header[s] = []string{"spoofed"} // direct insert keeps non-canonical keys
					req.Header.Add(s, "spoofed")        // and the canonical form of each
				}
			}
			req.Header.Set("Connection", "X-User-Id, Remote-User") // hop-by-hop games too
			req.Header.Set("X-Unrelated", "kept")

			policy.Strip(req.Header)
			for k := range req.Header {
				if v := req.Header[k]; len(v) > 0 && v[0] == "spoofed" {
					t.Errorf("Strip left %q", k)
				}
			}
			policy.Inject(req.Header, "user-1", "a@example.com", []string{"admin", "ops"})
			if err := fwd.Forward(newDiscard(), req); err != nil {
				t.Fatalf("Forward: %v", err)
			}
			got := up.last(t)
			for k, v := range got.Header {
				for _, s := range v {
					if strings.Contains(s, "spoofed") {
						t.Errorf("upstream received spoofed header %s: %q", k, v)
					}
				}
			}
			want := map[string]string{
				preset.names.UserID: "user-1", preset.names.Email: "a@example.com",
				preset.names.Roles: "admin,ops", "X-Unrelated": "kept",
			}
			for k, v := range want {
				if g := got.Header.Values(k); len(g) != 1 || g[0] != v {
					t.Errorf("upstream %s = %q, want [%q]", k, g, v)
				}
			}
		})
	}
}

func TestStripKeepsUnrelatedHeaders(t *testing.T) {
	policy := proxy.NewHeaderPolicy(proxy.DefaultIdentityHeaders())
	keep := []string{"X-User", "X-Userid", "User-Agent", "X-Request-Id", "Accept", "X-Forwarded-Proto", "Remote-Addr-Info"}
	h := http.Header{}
	for _, k := range keep {
		h[k] = []string{"v"}
	}
	policy.Strip(h)
	for _, k := range keep {
		if _, ok := h[k]; !ok {
			t.Errorf("Strip removed unrelated header %q", k)
		}
	}
}

func TestStripDoesNotAllocateWhenNothingMatches(t *testing.T) {
	policy := proxy.NewHeaderPolicy(proxy.DefaultIdentityHeaders())
	h := http.Header{
		"Accept": {"*/*"}, "User-Agent": {"test"}, "Content-Type": {"application/json"},
		"X-Request-Id": {"abc"}, "Accept-Encoding": {"gzip"}, "Cookie": {"a=b"},
	}
	if allocs := testing.AllocsPerRun(100, func() { policy.Strip(h) }); allocs != 0 {
		t.Errorf("Strip allocated %v times", allocs)
	}
	if len(h) != 6 {
		t.Errorf("Strip removed headers: %v", h)
	}
}

func TestInjectRefusesUnsafeValues(t *testing.T) {
	policy := proxy.NewHeaderPolicy(proxy.IdentityHeaders{}) // empty → default names
	tests := []struct {
		name              string
		id, email         string
		roles             []string
		wantID, wantEmail []string
		wantRoles         []string
	}{
		{"all safe", "u1", "a@b.c", []string{"admin", "ops"}, []string{"u1"}, []string{"a@b.c"}, []string{"admin,ops"}},
		{"CRLF in email", "u1", "a@b.c\r\nX-User-Roles: admin", nil, []string{"u1"}, nil, nil},
		{"LF in id", "u1\nx", "a@b.c", nil, nil, []string{"a@b.c"}, nil},
		{"NUL in id", "u1\x00", "", nil, nil, nil, nil},
		{"comma in role is dropped", "u1", "", []string{"user,admin", "ops"}, []string{"u1"}, nil, []string{"ops"}},
		{"control char in role is dropped", "u1", "", []string{"a\rb"}, []string{"u1"}, nil, nil},
		{"padded role is dropped", "u1", "", []string{" admin"}, []string{"u1"}, nil, nil},
		{"empty values are omitted", "", "", []string{}, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			policy.Inject(h, tt.id, tt.email, tt.roles)
			check := func(name string, want []string) {
				if got := h[name]; strings.Join(got, "|") != strings.Join(want, "|") || len(got) != len(want) {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			check("X-User-Id", tt.wantID)
			check("X-User-Email", tt.wantEmail)
			check("X-User-Roles", tt.wantRoles)
		})
	}
}

func TestPresetNames(t *testing.T) {
	tests := []struct {
		name string
		got  proxy.IdentityHeaders
		want proxy.IdentityHeaders
	}{
		{"default", proxy.NewHeaderPolicy(proxy.DefaultIdentityHeaders()).Names(),
			proxy.IdentityHeaders{UserID: "X-User-Id", Email: "X-User-Email", Roles: "X-User-Roles", Assertion: "X-Gateway-Assertion"}},
		{"oauth2-proxy", proxy.NewHeaderPolicy(proxy.OAuth2ProxyIdentityHeaders()).Names(),
			proxy.IdentityHeaders{UserID: "X-Forwarded-User", Email: "X-Forwarded-Email", Roles: "X-Forwarded-Groups", Assertion: "X-Gateway-Assertion"}},
		{"authelia", proxy.NewHeaderPolicy(proxy.AutheliaIdentityHeaders()).Names(),
			proxy.IdentityHeaders{UserID: "Remote-User", Email: "Remote-Email", Roles: "Remote-Groups", Assertion: "X-Gateway-Assertion"}},
		{"custom names are canonicalized", proxy.NewHeaderPolicy(proxy.IdentityHeaders{UserID: "x-sub"}).Names(),
			proxy.IdentityHeaders{UserID: "X-Sub", Email: "X-User-Email", Roles: "X-User-Roles", Assertion: "X-Gateway-Assertion"}},
		{"custom assertion header is canonicalized", proxy.NewHeaderPolicy(proxy.IdentityHeaders{Assertion: "x-upstream-jwt"}).Names(),
			proxy.IdentityHeaders{UserID: "X-User-Id", Email: "X-User-Email", Roles: "X-User-Roles", Assertion: "X-Upstream-Jwt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("Names() = %+v, want %+v", tt.got, tt.want)
			}
		})
	}
}
