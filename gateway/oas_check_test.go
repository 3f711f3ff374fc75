package gateway_test

import (
	"fmt"
	"net/http"
	"testing"
)

// oasRecorder collects what check reports instead of failing the test.
type oasRecorder struct{ errs []string }

func (r *oasRecorder) Helper() {}
func (r *oasRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *oasRecorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }

// TestOpenAPICheckCatchesDrift proves the contract check has teeth: each
// of these answers differs from the document in one way and must be
// reported, while the first (correct) one must pass.
func TestOpenAPICheckCatchesDrift(t *testing.T) {
	spec := loadOASSpec(t)
	const (
		user    = `{"id":"0b7f4c1e-7c33-4a0e-9a55-3f1f6a8b2c10","email":"ada@example.com","roles":["user"],"created_at":"2025-01-02T03:04:05Z"}`
		problem = `{"type":"urn:gatewayd:problem:invalid_token","title":"t","status":401,"detail":"d","code":"invalid_token","locale":"en","request_id":"abc"}`
	)
	hdr := func(kv ...string) http.Header {
		h := http.Header{"X-Request-Id": {"abc"}}
		for i := 0; i+1 < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	jsonCT, problemCT := "application/json", "application/problem+json"
	for _, tc := range []struct {
		name    string
		x       exchange
		wantErr bool
	}{
		{"documented answer passes", exchange{opMe, 200, hdr("Content-Type", jsonCT), []byte(user)}, false},
		{"undocumented status", exchange{opMe, http.StatusTeapot, hdr("Content-Type", problemCT), []byte(problem)}, true},
		{"undocumented media type", exchange{opMe, 200, hdr("Content-Type", "text/html"), []byte(user)}, true},
		{"extra member leaks", exchange{opMe, 200, hdr("Content-Type", jsonCT),
			[]byte(`{"id":"0b7f4c1e-7c33-4a0e-9a55-3f1f6a8b2c10","email":"ada@example.com","roles":[],"created_at":"2025-01-02T03:04:05Z","password_hash":"$argon2id$"}`)}, true},
		{"missing member", exchange{opMe, 200, hdr("Content-Type", jsonCT), []byte(`{"id":"0b7f4c1e-7c33-4a0e-9a55-3f1f6a8b2c10"}`)}, true},
		{"format is asserted", exchange{opMe, 200, hdr("Content-Type", jsonCT),
			[]byte(`{"id":"42","email":"ada@example.com","roles":[],"created_at":"yesterday"}`)}, true},
		{"required challenge header missing", exchange{opMe, 401, hdr("Content-Type", problemCT), []byte(problem)}, true},
		{"challenge present passes", exchange{opMe, 401, hdr("Content-Type", problemCT, "WWW-Authenticate", `Bearer realm="gatewayd"`), []byte(problem)}, false},
		{"X-Request-Id missing", exchange{opHealthz, 200, http.Header{"Content-Type": {jsonCT}}, []byte(`{"status":"ok"}`)}, true},
		{"problem with an unknown code", exchange{opMe, 401, hdr("Content-Type", problemCT, "WWW-Authenticate", "Bearer"),
			[]byte(`{"type":"urn:gatewayd:problem:oops","title":"t","status":401,"detail":"d","code":"oops","locale":"en","request_id":"abc"}`)}, true},
		{"body on a 204", exchange{opLogout, 204, hdr(), []byte(`{}`)}, true},
		{"Retry-After not an integer", exchange{opLogin, 429, hdr("Content-Type", problemCT, "Retry-After", "soon"),
			[]byte(`{"type":"urn:gatewayd:problem:rate_limited","title":"t","status":429,"detail":"d","code":"rate_limited","locale":"en","request_id":"abc"}`)}, true},
		{"validation problem without errors", exchange{opRegister, 422, hdr("Content-Type", problemCT),
			[]byte(`{"type":"urn:gatewayd:problem:validation_failed","title":"t","status":422,"detail":"d","code":"validation_failed","locale":"en","request_id":"abc"}`)}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &oasRecorder{}
			spec.check(rec, tc.x)
			if got := len(rec.errs) > 0; got != tc.wantErr {
				t.Fatalf("reported %v, want error=%v", rec.errs, tc.wantErr)
			}
		})
	}
}
