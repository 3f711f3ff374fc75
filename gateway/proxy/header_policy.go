package proxy

import (
	"cmp"
	"net/http"
	"strings"
)

// IdentityHeaders names the request headers that carry the authenticated
// identity to upstreams. Presets match what common upstream apps already
// understand, so they can sit behind this gateway unchanged.
type IdentityHeaders struct {
	UserID string // carries the user's stable ID
	Email  string // carries the normalized email
	Roles  string // carries the roles, comma-separated
	// Assertion carries the signed identity assertion (issue 13); empty
	// means DefaultAssertionHeader. Strip removes it like the others.
	Assertion string
}

// DefaultAssertionHeader carries the gateway's signed identity assertion.
// It is reserved whatever proxy.assertion.header says: an upstream that
// verifies it must never receive a copy a client supplied.
const DefaultAssertionHeader = "X-Gateway-Assertion"

// DefaultIdentityHeaders returns X-User-Id, X-User-Email and X-User-Roles.
func DefaultIdentityHeaders() IdentityHeaders {
	return IdentityHeaders{UserID: "X-User-Id", Email: "X-User-Email", Roles: "X-User-Roles"}
}

// OAuth2ProxyIdentityHeaders returns the names oauth2-proxy sends
// (X-Forwarded-User, X-Forwarded-Email, X-Forwarded-Groups).
func OAuth2ProxyIdentityHeaders() IdentityHeaders {
	return IdentityHeaders{UserID: "X-Forwarded-User", Email: "X-Forwarded-Email", Roles: "X-Forwarded-Groups"}
}

// AutheliaIdentityHeaders returns the names Authelia sends (Remote-User,
// Remote-Email, Remote-Groups).
func AutheliaIdentityHeaders() IdentityHeaders {
	return IdentityHeaders{UserID: "Remote-User", Email: "Remote-Email", Roles: "Remote-Groups"}
}

// reservedIdentityHeaders are stripped whatever preset is configured.
// An upstream may have been written for a different auth proxy (or may be
// switched later), and it would trust these names just the same; a client
// must never be able to supply any of them.
func reservedIdentityHeaders() []string {
	return []string{
		"X-User-Id", "X-User-Email", "X-User-Roles",
		"X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Groups",
		"X-Forwarded-Preferred-Username", "X-Forwarded-Access-Token",
		"Remote-User", "Remote-Email", "Remote-Groups", "Remote-Name",
		"X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Groups",
		"X-Auth-Request-Preferred-Username", "X-Auth-Request-Access-Token",
		"X-Remote-User",
		DefaultAssertionHeader,
	}
}

// identityPrefix is the namespace stripped in full: every "X-User-*".
const identityPrefix = "x-user-"

// HeaderPolicy removes client-supplied identity headers and injects the
// gateway's own. It is immutable and safe for concurrent use.
type HeaderPolicy struct {
	names IdentityHeaders // canonical forms, written by Inject
	// namespace holds every stripped name, and the "x-user-" prefix.
	namespace nameSet
}

// NewHeaderPolicy builds the policy for the configured names. An empty name
// falls back to the default preset's, so a partial config cannot turn
// injection off silently.
func NewHeaderPolicy(names IdentityHeaders) *HeaderPolicy {
	def := DefaultIdentityHeaders()
	names.UserID = cmp.Or(names.UserID, def.UserID)
	names.Email = cmp.Or(names.Email, def.Email)
	names.Roles = cmp.Or(names.Roles, def.Roles)
	names.Assertion = cmp.Or(names.Assertion, DefaultAssertionHeader)
	p := &HeaderPolicy{
		names: IdentityHeaders{
			UserID: http.CanonicalHeaderKey(names.UserID),
			Email:  http.CanonicalHeaderKey(names.Email),
			Roles:  http.CanonicalHeaderKey(names.Roles),
			// Assertion is written by the gateway's outbound hook, not Inject.
			Assertion: http.CanonicalHeaderKey(names.Assertion),
		},
		namespace: newNameSet(identityPrefix,
			append(reservedIdentityHeaders(), names.UserID, names.Email, names.Roles, names.Assertion)),
	}
	return p
}

// Names returns the canonical header names Inject writes.
func (p *HeaderPolicy) Names() IdentityHeaders { return p.names }

// Strip deletes every header in the identity namespace from h: any name
// that, lower-cased with '_' read as '-', starts with "x-user-" or equals a
// configured or reserved identity name. It inspects every key as stored, so
// it also catches non-canonical keys put into the map directly ("X_user_id"
// stays non-canonical because Go only canonicalizes keys made of letters,
// digits and '-').
//
// Security: this runs on every request before anything else reads the
// headers. An identity header that survives would let a client claim to be
// any user, so the check is spelling-insensitive rather than a Del of the
// canonical names. Nothing is allocated when no key matches.
func (p *HeaderPolicy) Strip(h http.Header) {
	p.namespace.deleteFrom(h)
}

// Inject sets the identity headers on h (usually the inbound request's,
// after Strip): user ID, email and the roles comma-joined.
//
// Security: a value that could not be sent verbatim is never altered into
// something else. A user ID or email containing a control character (CR,
// LF, NUL, ...) is left out, and so is a role containing one or a comma (a
// role "user,admin" would read as two roles upstream). Dropping a value
// makes the upstream see less identity, never a different one. Empty
// values and an empty role list are left out too.
func (p *HeaderPolicy) Inject(h http.Header, userID, email string, roles []string) {
	// One backing array for the three values: one allocation instead of
	// three (issue 14); capacity-1 windows, so a later append copies.
	vals := new([3]string)
	set := func(i int, name, v string) {
		vals[i] = v
		h[name] = vals[i : i+1 : i+1]
	}
	if userID != "" && isSafeValue(userID) {
		set(0, p.names.UserID, userID)
	}
	if email != "" && isSafeValue(email) {
		set(1, p.names.Email, email)
	}
	n := 0
	for _, r := range roles {
		if isSafeRole(r) {
			n++
		}
	}
	switch {
	case n == 0:
	case n == len(roles):
		set(2, p.names.Roles, strings.Join(roles, ","))
	default:
		safe := make([]string, 0, n)
		for _, r := range roles {
			if isSafeRole(r) {
				safe = append(safe, r)
			}
		}
		set(2, p.names.Roles, strings.Join(safe, ","))
	}
}

func isSafeRole(r string) bool {
	return r != "" && isSafeValue(r) && strings.IndexByte(r, ',') < 0 &&
		strings.TrimSpace(r) == r
}

// isSafeValue reports whether v has no control characters (RFC 9110 §5.5
// allows HTAB in field values, but an identity never needs one).
func isSafeValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}
