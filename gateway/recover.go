package gateway

import (
	"net/http"
	"runtime/debug"

	"github.com/labstack/echo/v4"
)

// recoverPanics turns a panic anywhere below it into a 500 internal_error.
// The panic value and stack go to the log (once, via the error renderer),
// never to the client.
func (s *Server) recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			// http.ErrAbortHandler is net/http's deliberate way to abort a
			// response (ReverseProxy uses it when a copy fails midway);
			// re-panic so the server drops the connection as intended.
			if v == http.ErrAbortHandler {
				panic(v)
			}
			err = &panicError{value: v, stack: debug.Stack()}
		}()
		return next(c)
	}
}
