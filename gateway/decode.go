package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/authgate/gatewayd/gateway/proxy"
)

// maxReportedFieldLength bounds a client-supplied field name that we echo
// back in an error list.
const maxReportedFieldLength = 64

// decodeJSON is the one place request bodies are read. It insists on
// application/json, caps the body at the server's limit, and accepts exactly
// one JSON object whose fields all exist in dst — so a typo in a field name
// is an error instead of a silently ignored value — and whose strings are
// valid UTF-8 without lone surrogate escapes (see checkJSONText).
func (s *Server) decodeJSON(c echo.Context, dst any) error {
	r := c.Request()
	mediaType, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	if err != nil || mediaType != echo.MIMEApplicationJSON {
		return ErrUnsupportedMediaType
	}
	if r.ContentLength > s.bodyLimit {
		return ErrPayloadTooLarge
	}
	// MaxBytesReader on net/http's own writer (not Echo's Response or the
	// exchange) lets net/http close the connection after answering, so a
	// client cannot keep streaming an oversized body at us.
	body, err := io.ReadAll(http.MaxBytesReader(proxy.ServerWriter(c.Response()), r.Body, s.bodyLimit))
	if err != nil {
		if maxErr := (*http.MaxBytesError)(nil); errors.As(err, &maxErr) {
			return ErrPayloadTooLarge
		}
		return &malformedError{err: err}
	}
	// Only an object is a valid request: this also rejects an empty body,
	// "null" (which json would accept as "no fields") and arrays.
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) == 0 || trimmed[0] != '{' {
		return &malformedError{err: errors.New("body is not a JSON object")}
	}
	if err := checkJSONText(body); err != nil {
		return &malformedError{err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	// Exactly one value: `{"a":1}{"b":2}` or `{"a":1} x` is a client bug
	// (or a smuggling attempt) and must not be half-accepted.
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &malformedError{err: errors.New("trailing data after the JSON object")}
	}
	return nil
}

// decodeError names the offending field when encoding/json tells us.
func decodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return &malformedError{field: reportedField(typeErr.Field), code: fieldWrongType, err: err}
	}
	// encoding/json has no typed error for unknown fields (golang/go#29035);
	// its message format is stable and this only enriches the response: the
	// status is 400 either way.
	if name, ok := strings.CutPrefix(err.Error(), `json: unknown field "`); ok {
		return &malformedError{field: reportedField(strings.TrimSuffix(name, `"`)), code: fieldUnknown, err: err}
	}
	return &malformedError{err: err}
}

func reportedField(name string) string {
	if len(name) > maxReportedFieldLength {
		name = name[:maxReportedFieldLength]
	}
	return strings.ToValidUTF8(name, "")
}
