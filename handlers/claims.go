package handlers

import (
	"context"
	"time"

	"github.com/onramp/onramp/store"
)

// The stores live in package store; handlers name the parts they use.
type (
	// Claims makes a form submit single use (see store.Claims).
	Claims = store.Claims
	// OneTimeStore makes OAuth states single use (see store.OneTime).
	OneTimeStore = store.OneTime
	// LaunchStore keeps launch tokens (see store.Launches).
	LaunchStore = store.Launches
)

// waitResult waits a little for a concurrent first submit to finish; a store
// outage ends the wait with an error.
func waitResult(ctx context.Context, c Claims, key string, within time.Duration) (string, error) {
	return store.WaitResult(ctx, c, key, within)
}

// useOnce marks a one-time value used and reports whether it was fresh; with
// no store configured every value is fresh.
func useOnce(ctx context.Context, s OneTimeStore, key string) (bool, error) {
	if s == nil {
		return true, nil
	}
	return s.Use(ctx, key)
}
