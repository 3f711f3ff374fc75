package gateway_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/gateway"
	"github.com/authgate/gatewayd/gateway/docs"
)

// Documented operations, by name, for the scenarios below.
var (
	opRegister  = oasOperation{http.MethodPost, "/auth/register"}
	opLogin     = oasOperation{http.MethodPost, "/auth/login"}
	opRefresh   = oasOperation{http.MethodPost, "/auth/refresh"}
	opLogout    = oasOperation{http.MethodPost, "/auth/logout"}
	opLogoutAll = oasOperation{http.MethodPost, "/auth/logout-all"}
	opMe        = oasOperation{http.MethodGet, "/auth/me"}
	opVerify    = oasOperation{http.MethodGet, "/auth/verify"}
	opHealthz   = oasOperation{http.MethodGet, "/healthz"}
	opReadyz    = oasOperation{http.MethodGet, "/readyz"}
	opJWKS      = oasOperation{http.MethodGet, "/.well-known/jwks.json"}
)

// TestOpenAPIPathsMatchTheRouter: every documented operation is routed,
// and every route the gateway registers is documented, so neither side can
// gain or lose an endpoint silently.
func TestOpenAPIPathsMatchTheRouter(t *testing.T) {
	spec := loadOASSpec(t)
	env := newOASEnv(t, oasEnvConfig{})

	var documented []string
	for _, op := range spec.operations() {
		documented = append(documented, op.String())
	}
	var registered []string
	for _, r := range gateway.DocsRouteTable(env.srv) {
		method, p, _ := strings.Cut(r, " ")
		// HEAD mirrors GET; the documentation's own pages are not API.
		if method == http.MethodHead || p == docs.SpecPath || p == docs.UIPath || strings.HasPrefix(p, docs.UIPath+"/") {
			continue
		}
		registered = append(registered, r)
	}
	slices.Sort(registered)
	registered = slices.Compact(registered)
	for _, r := range registered {
		if !slices.Contains(documented, r) {
			t.Errorf("route %s is registered but not documented in openapi.json", r)
		}
	}
	for _, d := range documented {
		if !slices.Contains(registered, d) {
			t.Errorf("openapi.json documents %s, which the router does not register", d)
		}
	}

	// And each documented operation really reaches a handler: no 404 or
	// 405 from the router, no default-deny from the proxy fallback.
	for _, op := range spec.operations() {
		t.Run(op.String(), func(t *testing.T) {
			x := env.do(op, oasRequest{})
			var p struct{ Code string }
			_ = json.Unmarshal(x.body, &p)
			if x.status == http.StatusNotFound || x.status == http.StatusMethodNotAllowed ||
				p.Code == "not_found" || p.Code == "method_not_allowed" || p.Code == "route_not_found" {
				t.Fatalf("not routed: %d %s", x.status, x.body)
			}
		})
	}
}

// TestOpenAPIEnumsMatchTheCode: the codes, field codes and locales the
// document promises are exactly those the gateway can produce.
func TestOpenAPIEnumsMatchTheCode(t *testing.T) {
	spec := loadOASSpec(t)
	schemas := spec.doc["components"].(map[string]any)["schemas"].(map[string]any)
	enum := func(v any) []string {
		var out []string
		for _, e := range v.(map[string]any)["enum"].([]any) {
			out = append(out, e.(string))
		}
		slices.Sort(out)
		return out
	}
	sorted := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
	props := func(schema string) map[string]any {
		return schemas[schema].(map[string]any)["properties"].(map[string]any)
	}
	for _, tc := range []struct {
		name      string
		doc, code []string
	}{
		{"ProblemCode", enum(schemas["ProblemCode"]), sorted(gateway.DocsProblemCodes())},
		{"FieldProblem.code", enum(props("FieldProblem")["code"]), sorted(gateway.DocsFieldCodes())},
		{"Problem.locale", enum(props("Problem")["locale"]), sorted(gateway.DocsLocales())},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if !slices.Equal(tc.doc, tc.code) {
				t.Fatalf("documented %v, code has %v", tc.doc, tc.code)
			}
		})
	}
}

// oasRun sends requests, checks each answer against the document and
// records which statuses of which operation were seen.
type oasRun struct {
	t         *testing.T
	spec      *oasSpec
	exercised map[oasOperation]map[int]bool
}

func (r *oasRun) expect(env *oasEnv, op oasOperation, want int, req oasRequest) exchange {
	r.t.Helper()
	x := env.do(op, req)
	if x.status != want {
		r.t.Errorf("%s: status %d, want %d: %s", op, x.status, want, x.body)
	}
	r.spec.check(r.t, x)
	if r.exercised[op] == nil {
		r.exercised[op] = map[int]bool{}
	}
	r.exercised[op][x.status] = true
	return x
}

// requireCoverage insists each documented operation was seen answering a
// success and, when it documents any, an error.
func (r *oasRun) requireCoverage() {
	r.t.Helper()
	for _, op := range r.spec.operations() {
		var okSeen, errSeen, errDocumented bool
		for _, s := range r.spec.statuses(op) {
			errDocumented = errDocumented || s >= 400
		}
		for s := range r.exercised[op] {
			okSeen = okSeen || s < 300
			errSeen = errSeen || s >= 400
		}
		if !okSeen || (errDocumented && !errSeen) {
			r.t.Errorf("%s: exercised %v; need a success and an error status", op, keysOfInt(r.exercised[op]))
		}
	}
}

func keysOfInt(m map[int]bool) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// session is the part of a token response the scenarios reuse.
type session struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

func decodeSession(t *testing.T, x exchange) session {
	t.Helper()
	var s session
	if err := json.Unmarshal(x.body, &s); err != nil || s.AccessToken == "" || s.RefreshToken == "" {
		t.Fatalf("no session in %s: %v", x.body, err)
	}
	return s
}
