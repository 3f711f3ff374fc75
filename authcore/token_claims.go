package authcore

import (
	"bytes"
	"errors"

	"github.com/golang-jwt/jwt/v5"
)

// accessClaims is the JWT payload: the registered claims plus what
// upstreams need to authorize without calling back. It spells out the
// registered claims instead of embedding jwt.RegisteredClaims so that the
// three time claims can use numericDate (issue 9).
type accessClaims struct {
	Issuer    string           `json:"iss"`
	Subject   string           `json:"sub"`
	Audience  jwt.ClaimStrings `json:"aud"`
	ExpiresAt numericDate      `json:"exp"`
	NotBefore numericDate      `json:"nbf"`
	IssuedAt  numericDate      `json:"iat"`
	ID        string           `json:"jti"`
	Email     string           `json:"email"`
	Roles     []string         `json:"roles"`
}

var _ jwt.Claims = (*accessClaims)(nil)

// GetExpirationTime implements jwt.Claims; nil means the claim is absent.
func (c *accessClaims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt.get(), nil }

// GetNotBefore implements jwt.Claims; nil means the claim is absent.
func (c *accessClaims) GetNotBefore() (*jwt.NumericDate, error) { return c.NotBefore.get(), nil }

// GetIssuedAt implements jwt.Claims; nil means the claim is absent.
func (c *accessClaims) GetIssuedAt() (*jwt.NumericDate, error) { return c.IssuedAt.get(), nil }

// GetIssuer implements jwt.Claims.
func (c *accessClaims) GetIssuer() (string, error) { return c.Issuer, nil }

// GetSubject implements jwt.Claims.
func (c *accessClaims) GetSubject() (string, error) { return c.Subject, nil }

// GetAudience implements jwt.Claims.
func (c *accessClaims) GetAudience() (jwt.ClaimStrings, error) { return c.Audience, nil }

// errNotNumericDate is the decode error for a time claim that is not a JSON
// number; golang-jwt wraps it in ErrTokenMalformed.
var errNotNumericDate = errors.New("time claim is not a JSON number")

// numericDate is an RFC 7519 §2 NumericDate that must be a JSON number.
//
// Security: golang-jwt's NumericDate decodes through json.Number, and
// encoding/json lets a json.Number take a quoted string, so "exp":"1999999999"
// verified; a null on its pointer claims silently meant "absent". Two
// spellings of one claim are two chances for another JWT library (an
// upstream re-checking the token) to disagree with us. A value type (not a
// pointer) makes encoding/json call UnmarshalJSON for null too, so null is
// refused here instead of dropped.
type numericDate struct {
	jwt.NumericDate
	set bool
}

// newNumericDate wraps an issued time.
func newNumericDate(d *jwt.NumericDate) numericDate { return numericDate{NumericDate: *d, set: true} }

// get returns the date, or nil when the claim was absent.
func (d *numericDate) get() *jwt.NumericDate {
	if !d.set {
		return nil
	}
	return &d.NumericDate
}

// UnmarshalJSON accepts only a JSON number literal: its first byte is a
// digit or '-' (RFC 8259 §6), which rules out strings, true/false, null,
// objects and arrays before golang-jwt's lenient decoder sees them.
func (d *numericDate) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return errNotNumericDate
	}
	if err := d.NumericDate.UnmarshalJSON(b); err != nil {
		return err
	}
	d.set = true
	return nil
}
