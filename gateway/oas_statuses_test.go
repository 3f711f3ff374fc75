package gateway_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/authgate/gatewayd/ratelimit"
)

// TestOpenAPIDocumentsTheRealResponses drives every operation through its
// main successes and failures on a real server and checks each answer —
// status, media type, body schema, required headers — against the
// document. New behaviour that is not documented fails here.
func TestOpenAPIDocumentsTheRealResponses(t *testing.T) {
	spec := loadOASSpec(t)
	run := &oasRun{t: t, spec: spec, exercised: map[oasOperation]map[int]bool{}}
	env := newOASEnv(t, oasEnvConfig{bodyLimit: 1024})

	const creds = `{"email":"ada@example.com","password":"correct horse battery"}`
	oversized := `{"email":"` + strings.Repeat("a", 2048) + `@example.com","password":"x"}`

	t.Run("register", func(t *testing.T) {
		run.expect(env, opRegister, http.StatusCreated, oasRequest{body: creds})
		run.expect(env, opRegister, http.StatusConflict, oasRequest{body: creds})
		run.expect(env, opRegister, http.StatusUnprocessableEntity, oasRequest{body: `{"email":"not-an-email","password":"short"}`})
		run.expect(env, opRegister, http.StatusBadRequest, oasRequest{body: `{"email":"bob@example.com","password":"long enough","admin":true}`})
		run.expect(env, opRegister, http.StatusBadRequest, oasRequest{body: `{"email":42}`})
		run.expect(env, opRegister, http.StatusBadRequest, oasRequest{body: `{`})
		run.expect(env, opRegister, http.StatusUnsupportedMediaType, oasRequest{body: creds, contentType: "text/plain"})
		run.expect(env, opRegister, http.StatusRequestEntityTooLarge, oasRequest{body: oversized})
	})

	var sess session
	t.Run("login", func(t *testing.T) {
		sess = decodeSession(t, run.expect(env, opLogin, http.StatusOK, oasRequest{body: creds}))
		run.expect(env, opLogin, http.StatusUnauthorized, oasRequest{body: `{"email":"ada@example.com","password":"wrong password"}`})
		// A malformed address is the same 401, not a 422 (no account oracle).
		run.expect(env, opLogin, http.StatusUnauthorized, oasRequest{body: `{"email":"not-an-email","password":"whatever"}`})
		run.expect(env, opLogin, http.StatusBadRequest, oasRequest{body: `[]`})
		run.expect(env, opLogin, http.StatusUnsupportedMediaType, oasRequest{body: creds, contentType: "application/x-www-form-urlencoded"})
		run.expect(env, opLogin, http.StatusRequestEntityTooLarge, oasRequest{body: oversized})
	})

	t.Run("me", func(t *testing.T) {
		run.expect(env, opMe, http.StatusOK, oasRequest{bearer: sess.AccessToken})
		run.expect(env, opMe, http.StatusUnauthorized, oasRequest{})
		run.expect(env, opMe, http.StatusUnauthorized, oasRequest{bearer: "not.a.jwt"})
	})

	t.Run("refresh", func(t *testing.T) {
		next := decodeSession(t, run.expect(env, opRefresh, http.StatusOK, oasRequest{body: `{"refresh_token":"` + sess.RefreshToken + `"}`}))
		// Replaying the used token is refused (and revokes the family).
		run.expect(env, opRefresh, http.StatusUnauthorized, oasRequest{body: `{"refresh_token":"` + sess.RefreshToken + `"}`})
		run.expect(env, opRefresh, http.StatusUnauthorized, oasRequest{body: `{"refresh_token":"` + next.RefreshToken + `"}`})
		run.expect(env, opRefresh, http.StatusBadRequest, oasRequest{body: `{"refresh_token":1}`})
		run.expect(env, opRefresh, http.StatusUnsupportedMediaType, oasRequest{body: `{}`, contentType: "text/json"})
		run.expect(env, opRefresh, http.StatusRequestEntityTooLarge, oasRequest{body: oversized})
	})

	t.Run("logout", func(t *testing.T) {
		s := decodeSession(t, run.expect(env, opLogin, http.StatusOK, oasRequest{body: creds}))
		run.expect(env, opLogout, http.StatusNoContent, oasRequest{body: `{"refresh_token":"` + s.RefreshToken + `"}`})
		// Idempotent: an unknown token is not an error.
		run.expect(env, opLogout, http.StatusNoContent, oasRequest{body: `{"refresh_token":"unknown"}`})
		run.expect(env, opLogout, http.StatusBadRequest, oasRequest{body: `{"token":"x"}`})
		run.expect(env, opLogout, http.StatusUnsupportedMediaType, oasRequest{body: `x`, contentType: "text/plain"})
		run.expect(env, opLogout, http.StatusRequestEntityTooLarge, oasRequest{body: oversized})
	})

	t.Run("logout-all", func(t *testing.T) {
		s := decodeSession(t, run.expect(env, opLogin, http.StatusOK, oasRequest{body: creds}))
		run.expect(env, opLogoutAll, http.StatusUnauthorized, oasRequest{})
		run.expect(env, opLogoutAll, http.StatusNoContent, oasRequest{bearer: s.AccessToken})
		run.expect(env, opRefresh, http.StatusUnauthorized, oasRequest{body: `{"refresh_token":"` + s.RefreshToken + `"}`})
	})

	t.Run("probes", func(t *testing.T) {
		run.expect(env, opHealthz, http.StatusOK, oasRequest{})
		run.expect(env, opJWKS, http.StatusOK, oasRequest{})
		run.expect(env, opReadyz, http.StatusOK, oasRequest{})
		env.cacheDown.Store(true) // optional dependency: degraded, still 200
		run.expect(env, opReadyz, http.StatusOK, oasRequest{})
		env.setNotReady(errOASDown)
		run.expect(env, opReadyz, http.StatusServiceUnavailable, oasRequest{})
		env.setNotReady(nil)
		env.cacheDown.Store(false)
	})

	t.Run("draining", func(t *testing.T) {
		draining := newOASEnv(t, oasEnvConfig{})
		draining.srv.Drain()
		run.expect(draining, opReadyz, http.StatusServiceUnavailable, oasRequest{})
		run.expect(draining, opHealthz, http.StatusOK, oasRequest{})
	})

	// One request per minute per IP: the second of each is refused.
	t.Run("rate limited", func(t *testing.T) {
		tight := newOASEnv(t, oasEnvConfig{limits: map[string]string{
			ratelimit.PolicyRegister: "1-M", ratelimit.PolicyLogin: "1-M", ratelimit.PolicyRefresh: "1-M",
			ratelimit.PolicyLogout: "1-M",
		}})
		s := decodeSession(t, run.expect(tight, opRegister, http.StatusCreated, oasRequest{body: creds}))
		run.expect(tight, opRegister, http.StatusTooManyRequests, oasRequest{body: creds})
		run.expect(tight, opLogin, http.StatusOK, oasRequest{body: creds})
		run.expect(tight, opLogin, http.StatusTooManyRequests, oasRequest{body: creds})
		run.expect(tight, opRefresh, http.StatusOK, oasRequest{body: `{"refresh_token":"` + s.RefreshToken + `"}`})
		run.expect(tight, opRefresh, http.StatusTooManyRequests, oasRequest{body: `{"refresh_token":"` + s.RefreshToken + `"}`})
		run.expect(tight, opLogout, http.StatusNoContent, oasRequest{body: `{"refresh_token":"` + s.RefreshToken + `"}`})
		run.expect(tight, opLogout, http.StatusTooManyRequests, oasRequest{body: `{"refresh_token":"` + s.RefreshToken + `"}`})
	})

	t.Run("forward-auth", func(t *testing.T) {
		fa := newOASEnv(t, oasEnvConfig{proxied: true})
		user := decodeSession(t, run.expect(fa, opRegister, http.StatusCreated, oasRequest{body: creds}))
		traefik := func(method, uri string) http.Header {
			return http.Header{"X-Forwarded-Method": {method}, "X-Forwarded-Host": {"app.example.com"}, "X-Forwarded-Uri": {uri}}
		}
		x := run.expect(fa, opVerify, http.StatusOK, oasRequest{bearer: user.AccessToken, header: traefik("GET", "/app/page")})
		if x.header.Get("X-User-Id") == "" || x.header.Get("X-User-Email") != "ada@example.com" {
			t.Errorf("allowed without identity headers: %v", x.header)
		}
		nginx := http.Header{"X-Original-Method": {"POST"}, "X-Original-Url": {"https://app.example.com/app/form?x=1"}}
		run.expect(fa, opVerify, http.StatusOK, oasRequest{bearer: user.AccessToken, header: nginx})
		run.expect(fa, opVerify, http.StatusOK, oasRequest{header: traefik("GET", "/public/page")})
		run.expect(fa, opVerify, http.StatusUnauthorized, oasRequest{header: traefik("GET", "/app/page")})
		run.expect(fa, opVerify, http.StatusUnauthorized, oasRequest{bearer: "not.a.jwt", header: traefik("GET", "/app/page")})
		run.expect(fa, opVerify, http.StatusForbidden, oasRequest{bearer: user.AccessToken, header: traefik("GET", "/admin/users")})
		// The route's own limit (one a minute) counts forward-auth checks.
		run.expect(fa, opVerify, http.StatusOK, oasRequest{header: traefik("GET", "/metered/x")})
		run.expect(fa, opVerify, http.StatusTooManyRequests, oasRequest{header: traefik("GET", "/metered/x")})
		// The gateway's own paths are never a route: denied, not allowed.
		run.expect(fa, opVerify, http.StatusForbidden, oasRequest{bearer: user.AccessToken, header: traefik("GET", "/auth/me")})
		if n := int64(fa.upstream.Count()); n != 0 {
			t.Errorf("forward-auth forwarded %d requests; it must only decide", n)
		}
	})

	t.Run("registration closed", func(t *testing.T) {
		closed := newOASEnv(t, oasEnvConfig{registrationClosed: true})
		run.expect(closed, opRegister, http.StatusForbidden, oasRequest{body: creds})
	})

	// A store that fails underneath every operation: the 500s and 503s.
	t.Run("database gone", func(t *testing.T) {
		broken := newOASEnv(t, oasEnvConfig{})
		s := decodeSession(t, run.expect(broken, opRegister, http.StatusCreated, oasRequest{body: creds}))
		if err := broken.store.Close(); err != nil {
			t.Fatal(err)
		}
		run.expect(broken, opRegister, http.StatusInternalServerError, oasRequest{body: `{"email":"eve@example.com","password":"long enough"}`})
		run.expect(broken, opLogin, http.StatusInternalServerError, oasRequest{body: creds})
		run.expect(broken, opRefresh, http.StatusInternalServerError, oasRequest{body: `{"refresh_token":"` + s.RefreshToken + `"}`})
		run.expect(broken, opLogout, http.StatusInternalServerError, oasRequest{body: `{"refresh_token":"` + s.RefreshToken + `"}`})
		run.expect(broken, opLogoutAll, http.StatusInternalServerError, oasRequest{bearer: s.AccessToken})
		run.expect(broken, opMe, http.StatusInternalServerError, oasRequest{bearer: s.AccessToken})
		run.expect(broken, opReadyz, http.StatusServiceUnavailable, oasRequest{})
	})

	run.requireCoverage()
}
