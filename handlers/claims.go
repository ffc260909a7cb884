package handlers

import (
	"context"
	"sync"
	"time"
)

// Claims makes a form submit single use: the first request claims the form's
// token, later ones (a double click, a replay) find the result of the first.
type Claims interface {
	// Claim reports whether key was unclaimed; it is claimed from now on.
	Claim(ctx context.Context, key string) bool
	// Resolve records the outcome of a claimed key (e.g. the created source id).
	Resolve(ctx context.Context, key, result string)
	// Release gives up a claim after a failure, so the user can submit again.
	Release(ctx context.Context, key string)
	// Result returns the outcome of a claimed key, "" while it is pending or unknown.
	Result(ctx context.Context, key string) string
}

// MemoryClaims keeps claims in memory for one replica.
type MemoryClaims struct {
	TTL time.Duration

	mu sync.Mutex
	m  map[string]claim
}

type claim struct {
	result  string
	expires time.Time
}

func (m *MemoryClaims) ttl() time.Duration {
	if m.TTL == 0 {
		return 24 * time.Hour
	}
	return m.TTL
}

// Claim implements Claims.
func (m *MemoryClaims) Claim(_ context.Context, key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	if m.m == nil {
		m.m = map[string]claim{}
	}
	for k, c := range m.m {
		if now.After(c.expires) {
			delete(m.m, k)
		}
	}
	if _, ok := m.m[key]; ok {
		return false
	}
	m.m[key] = claim{expires: now.Add(m.ttl())}
	return true
}

// Resolve implements Claims.
func (m *MemoryClaims) Resolve(_ context.Context, key, result string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]claim{}
	}
	m.m[key] = claim{result: result, expires: time.Now().Add(m.ttl())}
}

// Release implements Claims.
func (m *MemoryClaims) Release(_ context.Context, key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.m, key)
}

// Result implements Claims.
func (m *MemoryClaims) Result(_ context.Context, key string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.m[key].result
}

// waitResult waits a little for a concurrent first submit to finish.
func waitResult(ctx context.Context, c Claims, key string, within time.Duration) string {
	deadline := time.Now().Add(within)
	for {
		if r := c.Result(ctx, key); r != "" {
			return r
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return ""
		}
		time.Sleep(50 * time.Millisecond)
	}
}
