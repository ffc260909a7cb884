package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/journey"
)

// Journey hears where customers get to: the onboarding funnel and the
// partner's webhooks. Its rules live in package journey; handlers only say
// what happened, where it happens. *journey.Recorder satisfies it.
type Journey interface {
	Record(ctx context.Context, e journey.Event)
}

var _ Journey = (*journey.Recorder)(nil)

// record tells the journey what happened (nothing when none is configured).
func (u *UI) record(ctx context.Context, e journey.Event) {
	if u.Journey != nil {
		u.Journey.Record(ctx, e)
	}
}

// serveMetrics serves the metrics handler, or 404 when metrics are off here
// (not configured, or on their own listener: ONRAMP_METRICS_ADDR).
func serveMetrics(h http.Handler) echo.HandlerFunc {
	if h == nil {
		return func(echo.Context) error { return echo.ErrNotFound }
	}
	return echo.WrapHandler(h)
}
