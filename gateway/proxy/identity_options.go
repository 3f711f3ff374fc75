package proxy

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/authgate/gatewayd/internal/fielderr"
)

// Identity header presets, by the name proxy.identity_preset uses. They
// match what common upstream apps already read, so switching from
// oauth2-proxy or Authelia needs no upstream change.
const (
	PresetDefault     = "default"      // DefaultIdentityHeaders
	PresetOAuth2Proxy = "oauth2-proxy" // OAuth2ProxyIdentityHeaders
	PresetAuthelia    = "authelia"     // AutheliaIdentityHeaders
)

// Preset returns the header names of a named preset; ok is false for an
// unknown name. It is the one table of presets (issue 10).
func Preset(name string) (h IdentityHeaders, ok bool) {
	switch name {
	case PresetDefault:
		return DefaultIdentityHeaders(), true
	case PresetOAuth2Proxy:
		return OAuth2ProxyIdentityHeaders(), true
	case PresetAuthelia:
		return AutheliaIdentityHeaders(), true
	}
	return IdentityHeaders{}, false
}

// IdentityOptions choose the identity header names: a preset, with
// single names overridden. The zero value is the default preset.
type IdentityOptions struct {
	// Preset is PresetDefault (also for ""), PresetOAuth2Proxy or
	// PresetAuthelia.
	Preset string
	// Overrides replaces the preset's names where non-empty; its
	// Assertion is the signed assertion's header (empty means
	// DefaultAssertionHeader).
	Overrides IdentityHeaders
}

// Names resolves the options to the four header names the HeaderPolicy
// strips and injects and every Forwarder re-asserts. An unknown preset
// resolves as the default one (Validate refuses it).
func (o IdentityOptions) Names() IdentityHeaders {
	h, ok := Preset(cmp.Or(o.Preset, PresetDefault))
	if !ok {
		h = DefaultIdentityHeaders()
	}
	h.UserID = cmp.Or(o.Overrides.UserID, h.UserID)
	h.Email = cmp.Or(o.Overrides.Email, h.Email)
	h.Roles = cmp.Or(o.Overrides.Roles, h.Roles)
	h.Assertion = cmp.Or(o.Overrides.Assertion, DefaultAssertionHeader)
	return h
}

// Validate reports every problem as joined *fielderr.Error values: an
// unknown preset, names that are not header names, and names that
// collide. Distinct names matter: if two identity values shared one
// header the upstream would read an e-mail address as a user ID, and an
// assertion header equal to an identity header would be overwritten.
func (o IdentityOptions) Validate() error {
	var errs []error
	if _, ok := Preset(cmp.Or(o.Preset, PresetDefault)); !ok {
		errs = append(errs, fielderr.New("Preset", "must be %s, %s or %s", PresetDefault, PresetOAuth2Proxy, PresetAuthelia))
	}
	for _, f := range []struct{ field, name string }{
		{"Overrides.UserID", o.Overrides.UserID}, {"Overrides.Email", o.Overrides.Email},
		{"Overrides.Roles", o.Overrides.Roles}, {"Overrides.Assertion", o.Overrides.Assertion},
	} {
		if f.name != "" && !isToken(f.name) {
			errs = append(errs, fielderr.New(f.field, "%q is not a valid header name", f.name))
		}
	}
	n := o.Names()
	if strings.EqualFold(n.UserID, n.Email) || strings.EqualFold(n.UserID, n.Roles) || strings.EqualFold(n.Email, n.Roles) {
		errs = append(errs, fielderr.New("Overrides", "user_id, email and roles must be three different headers (now %s, %s, %s)", n.UserID, n.Email, n.Roles))
	}
	for _, id := range []string{n.UserID, n.Email, n.Roles} {
		if strings.EqualFold(id, n.Assertion) {
			errs = append(errs, fielderr.New("Overrides.Assertion", "%q is already an identity header", n.Assertion))
		}
	}
	return errors.Join(errs...)
}

// ValidHeaderNames reports, as joined *fielderr.Error values named
// field[i], every entry of names that is not an RFC 9110 header name.
func ValidHeaderNames(field string, names []string) error {
	var errs []error
	for i, n := range names {
		if !isToken(n) {
			errs = append(errs, fielderr.New(fmt.Sprintf("%s[%d]", field, i), "%q is not a valid header name", n))
		}
	}
	return errors.Join(errs...)
}

// ValidMethods reports, as joined *fielderr.Error values named field[i],
// every entry of methods that is not an upper-case RFC 9110 method token.
// Methods are case-sensitive (RFC 9110 §9.1): "get" would never match a
// browser's GET, so it is a typo, not a method.
func ValidMethods(field string, methods []string) error {
	var errs []error
	for i, m := range methods {
		if !isToken(m) || m != strings.ToUpper(m) {
			errs = append(errs, fielderr.New(fmt.Sprintf("%s[%d]", field, i), "%q must be an upper-case HTTP method such as GET", m))
		}
	}
	return errors.Join(errs...)
}
