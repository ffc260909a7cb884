package store

import (
	"context"
	"sync"
	"time"
)

// Memory keeps launch tokens, one-time values and claims in memory: one
// replica only. The zero value is ready to use; it never fails.
type Memory struct {
	// ClaimTTL and OneTimeTTL default to 24 hours and 1 hour.
	ClaimTTL, OneTimeTTL time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	mu       sync.Mutex
	launches map[string]memLaunch
	used     map[string]time.Time
	claims   map[string]memClaim
}

type memLaunch struct {
	payload []byte
	expires time.Time
	used    bool
}

type memClaim struct {
	result  string
	expires time.Time
}

var _ All = (*Memory)(nil)

func (m *Memory) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Ping implements All: memory always answers.
func (m *Memory) Ping(context.Context) error { return nil }

// Put implements Launches.
func (m *Memory) Put(_ context.Context, token string, payload []byte, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.launches == nil {
		m.launches = map[string]memLaunch{}
	}
	now := m.now()
	for k, v := range m.launches {
		if now.After(v.expires.Add(tombstoneFor)) {
			delete(m.launches, k)
		}
	}
	m.launches[token] = memLaunch{payload: payload, expires: expires}
	return nil
}

// Redeem implements Launches.
func (m *Memory) Redeem(_ context.Context, token string) ([]byte, RedeemStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.launches[token]
	switch {
	case !ok:
		return nil, RedeemUnknown, nil
	case l.used:
		return nil, RedeemUsed, nil
	}
	payload := l.payload
	// Only the tombstone stays: a redeemed payload (e.g. an OAuth result
	// with a refresh token) must not outlive its one use in memory.
	l.used, l.payload = true, nil
	m.launches[token] = l
	if m.now().After(l.expires) {
		return nil, RedeemExpired, nil
	}
	return payload, RedeemOK, nil
}

// Use implements OneTime.
func (m *Memory) Use(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if m.used == nil {
		m.used = map[string]time.Time{}
	}
	for k, exp := range m.used {
		if now.After(exp) {
			delete(m.used, k)
		}
	}
	if _, ok := m.used[key]; ok {
		return false, nil
	}
	ttl := m.OneTimeTTL
	if ttl == 0 {
		ttl = time.Hour
	}
	m.used[key] = now.Add(ttl)
	return true, nil
}

func (m *Memory) claimTTL() time.Duration {
	if m.ClaimTTL == 0 {
		return 24 * time.Hour
	}
	return m.ClaimTTL
}

// Claim implements Claims.
func (m *Memory) Claim(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if m.claims == nil {
		m.claims = map[string]memClaim{}
	}
	for k, c := range m.claims {
		if now.After(c.expires) {
			delete(m.claims, k)
		}
	}
	if _, ok := m.claims[key]; ok {
		return false, nil
	}
	m.claims[key] = memClaim{expires: now.Add(m.claimTTL())}
	return true, nil
}

// Resolve implements Claims.
func (m *Memory) Resolve(_ context.Context, key, result string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.claims == nil {
		m.claims = map[string]memClaim{}
	}
	m.claims[key] = memClaim{result: result, expires: m.now().Add(m.claimTTL())}
	return nil
}

// Release implements Claims.
func (m *Memory) Release(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.claims, key)
	return nil
}

// Result implements Claims.
func (m *Memory) Result(_ context.Context, key string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.claims[key]
	if !ok || m.now().After(c.expires) {
		return "", nil
	}
	return c.result, nil
}
