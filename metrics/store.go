package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/onramp/onramp/store"
)

// Store wraps s so its failures are counted by operation and launch tokens
// by outcome. A nil *Metrics returns s unchanged.
func (m *Metrics) Store(s store.All) store.All {
	if m == nil || s == nil {
		return s
	}
	return &observedStore{s: s, m: m}
}

type observedStore struct {
	s store.All
	m *Metrics
}

var _ store.All = (*observedStore)(nil)

func (o *observedStore) failed(op string, err error) error {
	if err != nil && !errors.Is(err, context.Canceled) { // the caller's own cancellation is no outage
		o.m.StoreError(op)
	}
	return err
}

// Put implements store.Launches: a stored token is minted.
func (o *observedStore) Put(ctx context.Context, token string, payload []byte, expires time.Time) error {
	err := o.s.Put(ctx, token, payload, expires)
	if err == nil {
		o.m.LaunchToken(LaunchMinted)
	}
	return o.failed("launch_put", err)
}

// Redeem implements store.Launches.
func (o *observedStore) Redeem(ctx context.Context, token string) ([]byte, store.RedeemStatus, error) {
	p, st, err := o.s.Redeem(ctx, token)
	if err != nil {
		return p, st, o.failed("launch_redeem", err)
	}
	switch st {
	case store.RedeemOK:
		o.m.LaunchToken(LaunchRedeemed)
	case store.RedeemExpired:
		o.m.LaunchToken(LaunchExpired)
	default:
		o.m.LaunchToken(LaunchRefused)
	}
	return p, st, nil
}

// Use implements store.OneTime.
func (o *observedStore) Use(ctx context.Context, key string) (bool, error) {
	ok, err := o.s.Use(ctx, key)
	return ok, o.failed("once_use", err)
}

// Claim implements store.Claims.
func (o *observedStore) Claim(ctx context.Context, key string) (bool, error) {
	ok, err := o.s.Claim(ctx, key)
	return ok, o.failed("claim", err)
}

// Resolve implements store.Claims.
func (o *observedStore) Resolve(ctx context.Context, key, result string) error {
	return o.failed("claim_resolve", o.s.Resolve(ctx, key, result))
}

// Release implements store.Claims.
func (o *observedStore) Release(ctx context.Context, key string) error {
	return o.failed("claim_release", o.s.Release(ctx, key))
}

// Result implements store.Claims.
func (o *observedStore) Result(ctx context.Context, key string) (string, error) {
	r, err := o.s.Result(ctx, key)
	return r, o.failed("claim_result", err)
}

// Ping implements store.All.
func (o *observedStore) Ping(ctx context.Context) error {
	return o.failed("ping", o.s.Ping(ctx))
}
