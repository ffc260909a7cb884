package handlers

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// Health answers liveness and readiness probes.
type Health struct {
	// Ready checks that the Stitch API (or the emulator) answers.
	Ready func(ctx context.Context) error
	// StoreReady, when set, checks that the shared store (Redis) answers.
	StoreReady func(ctx context.Context) error
}

// Live answers GET /healthz: the process is up.
func (h *Health) Live(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// Readiness answers GET /readyz: Stitch and, when configured, Redis answer.
// An outage gives 503 until it ends; no restart is needed.
func (h *Health) Readiness(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if h.StoreReady != nil {
		if err := h.StoreReady(ctx); err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "redis did not answer"})
		}
	}
	if h.Ready != nil {
		if err := h.Ready(ctx); err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "the Stitch API did not answer"})
		}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
