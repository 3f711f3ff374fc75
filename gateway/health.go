package gateway

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// statusResponse is the body of the health endpoints.
type statusResponse struct {
	Status string `json:"status"`
}

// handleHealthz is liveness: it only proves the process serves HTTP, so an
// orchestrator never restarts the gateway because the database blinked.
func (s *Server) handleHealthz() echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, statusResponse{Status: "ok"})
	}
}

// handleReadyz is readiness: it runs every ReadyCheck (and Options.Ready)
// concurrently, each under a short timeout, and answers 200 with each
// check's outcome, or 503 not_ready naming the failed checks — never their
// error text, which may hold addresses. After Drain it answers 503 at once.
func (s *Server) handleReadyz() echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		checks, err := s.readiness(c.Request().Context())
		if err != nil {
			return err
		}
		return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, readyResponse{Status: "ready", Checks: checks})
	}
}

// readyResponse is the body of a successful /readyz.
type readyResponse struct {
	Status string            `json:"status"`
	Checks map[string]string `json:"checks,omitempty"`
}
