// Package store keeps Onramp's short-lived shared state: launch tokens, used
// one-time values (OAuth states) and form claims, in memory for one replica
// or in Redis for many. Every operation says what happened: a store that
// cannot answer returns an error wrapping ErrUnavailable, never a "no" that
// the page would have to guess about.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrUnavailable wraps every error of a store that could not be reached
// (Redis down, timed out, refusing connections). Pages answer it with
// "temporarily unavailable, try again".
var ErrUnavailable = errors.New("store unavailable")

// Launches keeps launch tokens: minted by a partner backend, redeemed once
// by a browser. Redeem tells a reused or expired token from an unknown one.
type Launches interface {
	Put(ctx context.Context, token string, payload []byte, expires time.Time) error
	Redeem(ctx context.Context, token string) (payload []byte, status RedeemStatus, err error)
}

// RedeemStatus is the outcome of redeeming a launch token.
type RedeemStatus int

// Redeem outcomes.
const (
	RedeemOK RedeemStatus = iota
	RedeemUnknown
	RedeemUsed
	RedeemExpired
)

// String names the outcome ("ok", "unknown", "used", "expired").
func (s RedeemStatus) String() string {
	switch s {
	case RedeemOK:
		return "ok"
	case RedeemUsed:
		return "used"
	case RedeemExpired:
		return "expired"
	}
	return "unknown"
}

// OneTime remembers used one-time values (OAuth states) so each can be
// redeemed once, across replicas when backed by Redis.
type OneTime interface {
	// Use marks key used and reports whether it was unused until now.
	Use(ctx context.Context, key string) (bool, error)
}

// Claims makes a form submit single use: the first request claims the form's
// token, later ones (a double click, a replay) find the result of the first.
type Claims interface {
	// Claim reports whether key was unclaimed; it is claimed from now on.
	Claim(ctx context.Context, key string) (bool, error)
	// Resolve records the outcome of a claimed key (e.g. the created source id).
	Resolve(ctx context.Context, key, result string) error
	// Release gives up a claim after a failure, so the user can submit again.
	Release(ctx context.Context, key string) error
	// Result returns the outcome of a claimed key, "" while it is pending or unknown.
	Result(ctx context.Context, key string) (string, error)
}

// All is every store Onramp needs; Memory and Redis implement it.
type All interface {
	Launches
	OneTime
	Claims
	// Ping reports whether the store answers (readiness).
	Ping(ctx context.Context) error
}

// tombstoneFor is how long a used or expired token is remembered, to say so.
const tombstoneFor = time.Hour

// pollEvery is how often WaitResult looks for the first submit's result.
const pollEvery = 50 * time.Millisecond

// WaitResult waits up to within for a concurrent first submit to record its
// result; "" means it did not finish in time. A store error ends the wait.
func WaitResult(ctx context.Context, c Claims, key string, within time.Duration) (string, error) {
	deadline := time.Now().Add(within)
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		r, err := c.Result(ctx, key)
		if err != nil || r != "" {
			return r, err
		}
		if time.Now().After(deadline) {
			return "", nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-t.C:
		}
	}
}
