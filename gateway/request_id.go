package gateway

import (
	"crypto/rand"
	"encoding/hex"

	"github.com/labstack/echo/v4"
)

// maxRequestIDLength bounds an inbound X-Request-Id we are willing to keep.
const maxRequestIDLength = 128

// assignRequestID keeps a sane inbound X-Request-Id (so a trace started by a
// front proxy continues here) and otherwise generates one. The ID goes on
// the response, on the request (so the upstream logs the same ID) and into
// the exchange for the access log and the error renderer.
func (s *Server) assignRequestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		id := r.Header.Get(echo.HeaderXRequestID)
		// SECURITY: the ID is echoed into logs and headers; anything but a
		// short token of safe characters could forge log lines or smuggle
		// markup, so it is replaced rather than escaped.
		if !saneRequestID(id) {
			id = newRequestID()
		}
		// One value slice for both headers (capacity 1: an append to
		// either copies, so they cannot change each other).
		v := []string{id}
		r.Header[echo.HeaderXRequestID] = v
		c.Response().Header()[echo.HeaderXRequestID] = v
		if x := exchangeOf(c); x != nil {
			x.requestID = id
		}
		return next(c)
	}
}

// requestID returns the ID assigned by assignRequestID ("" before it ran).
func requestID(c echo.Context) string {
	if x := exchangeOf(c); x != nil {
		return x.requestID
	}
	return ""
}

// saneRequestID accepts 1–128 characters of [A-Za-z0-9._-].
func saneRequestID(id string) bool {
	if len(id) == 0 || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch b := id[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9', b == '.', b == '_', b == '-':
		default:
			return false
		}
	}
	return true
}

// newRequestID returns 16 random bytes in hex: unguessable, so IDs leak
// nothing about request volume.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}
