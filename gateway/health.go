package gateway

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// readyTimeout bounds the readiness check so a hung dependency turns into a
// prompt 503 instead of a probe timeout.
const readyTimeout = 2 * time.Second

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

// handleReadyz is readiness: it runs Options.Ready (nil → always ready) and
// answers 503 not_ready when a dependency is down, without saying which.
func (s *Server) handleReadyz() echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		if s.ready != nil {
			ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
			defer cancel()
			if err := s.ready(ctx); err != nil {
				return fmt.Errorf("%w: %w", ErrNotReady, err)
			}
		}
		return writeJSON(c, http.StatusOK, echo.MIMEApplicationJSON, statusResponse{Status: "ready"})
	}
}
