package gateway

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestExchangeDecidesEveryGatewayHead: however a gateway handler sends its
// response head (Echo's Response, a bare Write on the writer beneath it, a
// flush before anything was written), the exchange makes the head's
// decisions: the security headers are there, and under /auth
// Cache-Control: no-store.
func TestExchangeDecidesEveryGatewayHead(t *testing.T) {
	e := echo.New()
	e.GET("/auth/echo", func(c echo.Context) error { return c.String(http.StatusTeapot, "tea") })
	e.GET("/auth/raw-write", func(c echo.Context) error {
		_, err := c.Response().Writer.Write([]byte("raw"))
		return err
	})
	e.GET("/auth/flush-first", func(c echo.Context) error {
		if err := http.NewResponseController(c.Response().Writer).Flush(); err != nil {
			return err
		}
		_, err := c.Response().Writer.Write([]byte("late"))
		return err
	})
	s := &Server{echo: e}
	s.chain = s.route

	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/auth/echo", http.StatusTeapot},
		{"/auth/raw-write", http.StatusOK},
		{"/auth/flush-first", http.StatusOK},
	} {
		t.Run(tc.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tc.path, nil))
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d", w.Code, tc.status)
			}
			h := w.Result().Header
			if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
				t.Errorf("security headers missing: %v", h)
			}
			if h.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q under /auth, want no-store", h.Get("Cache-Control"))
			}
		})
	}
}

// TestExchangePoolSkipsArmedGuard: an exchange whose stream guard was
// armed may still be referenced by the guard's timer or revocation watch,
// so the pool never hands it out again.
func TestExchangePoolSkipsArmedGuard(t *testing.T) {
	var p exchangePool
	x := p.get(nil, httptest.NewRecorder())
	x.proxy.guard.armed = true
	p.put(x)
	for range 100 {
		if p.get(nil, httptest.NewRecorder()) == x {
			t.Fatal("an exchange with an armed stream guard was reused")
		}
	}
}
