package gateway_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/authgate/gatewayd/authcore"
	"github.com/authgate/gatewayd/gateway"
)

// TestDecodeJSONRejectsEverythingButOneKnownObject covers the single JSON
// decoder through /auth/login: only a lone object with known fields of the
// right types, sent as application/json and within the limit, reaches the
// service.
func TestDecodeJSONRejectsEverythingButOneKnownObject(t *testing.T) {
	const limit = 256
	tests := []struct {
		name        string
		contentType string
		body        string
		status      int
		code        string
		field       string // expected errors[0].field, "" for none
		fieldCode   string
	}{
		{"valid", "application/json", `{"email":"a@example.com","password":"pw"}`, 200, "", "", ""},
		{"valid with charset", "application/json; charset=utf-8", `{"email":"a@example.com","password":"pw"}`, 200, "", "", ""},
		{"valid with whitespace", "application/json", " \n{\"email\":\"a@example.com\"}\n\t ", 200, "", "", ""},
		{"syntax error", "application/json", `{"email":`, 400, "malformed_request", "", ""},
		{"not json at all", "application/json", `email=a@example.com`, 400, "malformed_request", "", ""},
		{"unknown field", "application/json", `{"email":"a@example.com","passwrd":"pw"}`, 400, "malformed_request", "passwrd", "unknown_field"},
		{"wrong type", "application/json", `{"email":"a@example.com","password":12345}`, 400, "malformed_request", "password", "wrong_type"},
		{"trailing object", "application/json", `{"email":"a@example.com"}{"email":"b@example.com"}`, 400, "malformed_request", "", ""},
		{"trailing garbage", "application/json", `{"email":"a@example.com"} x`, 400, "malformed_request", "", ""},
		{"empty body", "application/json", ``, 400, "malformed_request", "", ""},
		{"whitespace body", "application/json", "  \n", 400, "malformed_request", "", ""},
		{"null", "application/json", `null`, 400, "malformed_request", "", ""},
		{"array", "application/json", `[{"email":"a@example.com"}]`, 400, "malformed_request", "", ""},
		{"string", "application/json", `"a@example.com"`, 400, "malformed_request", "", ""},
		{"missing content type", "", `{"email":"a@example.com"}`, 415, "unsupported_media_type", "", ""},
		{"form content type", "application/x-www-form-urlencoded", `{"email":"a@example.com"}`, 415, "unsupported_media_type", "", ""},
		{"text/plain (CORS simple request)", "text/plain", `{"email":"a@example.com"}`, 415, "unsupported_media_type", "", ""},
		{"json suffix type", "application/vnd.api+json", `{"email":"a@example.com"}`, 415, "unsupported_media_type", "", ""},
		{"exactly at limit", "application/json", `{"email":"` + strings.Repeat("a", limit-12) + `"}`, 200, "", "", ""},
		{"one byte over limit", "application/json", `{"email":"` + strings.Repeat("a", limit-11) + `"}`, 413, "payload_too_large", "", ""},
		{"huge", "application/json", `{"email":"` + strings.Repeat("a", 1<<20) + `"}`, 413, "payload_too_large", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) {
				called = true
				return testSession(), nil
			}}
			srv, _ := newStubServer(t, auth, func(o *gateway.Options) { o.AuthBodyLimit = limit })
			r := httptest.NewRequest(http.MethodPost, "/auth/login", strings.NewReader(tc.body))
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			w := serve(srv.Handler(), r)
			if tc.status == 200 {
				if w.Code != 200 || !called {
					t.Fatalf("status %d (service called: %v): %s", w.Code, called, w.Body)
				}
				return
			}
			p := decodeProblem(t, w, tc.status, tc.code)
			if called {
				t.Fatal("service was called for a rejected body")
			}
			if tc.field == "" {
				if len(p.Errors) != 0 {
					t.Fatalf("unexpected errors list %+v", p.Errors)
				}
				return
			}
			if len(p.Errors) != 1 || p.Errors[0].Field != tc.field || p.Errors[0].Code != tc.fieldCode || p.Errors[0].Message == "" {
				t.Fatalf("errors = %+v, want field %q code %q", p.Errors, tc.field, tc.fieldCode)
			}
		})
	}
}

// TestChunkedBodyOverLimit: without Content-Length the limit still holds
// while reading, and the service is never called. The request is written on
// a raw connection so the chunked encoding is exactly what a client sends.
func TestChunkedBodyOverLimit(t *testing.T) {
	called := false
	auth := &stubAuth{login: func(context.Context, string, string) (*authcore.Session, error) {
		called = true
		return testSession(), nil
	}}
	srv, _ := newStubServer(t, auth, func(o *gateway.Options) { o.AuthBodyLimit = 1024 })
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var req strings.Builder
	req.WriteString("POST /auth/login HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
	chunk := `{"email":"` + strings.Repeat("a", 1000)
	for i := 0; i < 8; i++ { // 8 KiB in 1 KiB chunks, well past the limit
		fmt.Fprintf(&req, "%x\r\n%s\r\n", len(chunk), chunk)
		chunk = strings.Repeat("a", 1024)
	}
	req.WriteString("0\r\n\r\n")
	if _, err := io.WriteString(conn, req.String()); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body := readAll(t, res.Body)
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, `"code":"payload_too_large"`) {
		t.Fatalf("status %d body %s", res.StatusCode, body)
	}
	if !res.Close {
		t.Error("server keeps the connection open after an oversized body; want Connection: close")
	}
	if called {
		t.Fatal("service was called")
	}
}
