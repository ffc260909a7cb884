package handlers

import (
	"context"
	"sync"
	"time"
)

// OneTimeStore remembers used one-time values (OAuth states, launch tokens)
// so each can be redeemed once, across replicas when backed by Redis.
type OneTimeStore interface {
	// Use marks key used and reports whether it was unused until now.
	Use(ctx context.Context, key string) bool
}

// MemoryOneTime is an in-memory OneTimeStore for a single replica.
type MemoryOneTime struct {
	TTL time.Duration

	mu   sync.Mutex
	used map[string]time.Time
}

// Use implements OneTimeStore.
func (m *MemoryOneTime) Use(_ context.Context, key string) bool {
	now := time.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.used == nil {
		m.used = map[string]time.Time{}
	}
	for k, exp := range m.used {
		if now.After(exp) {
			delete(m.used, k)
		}
	}
	if _, ok := m.used[key]; ok {
		return false
	}
	ttl := m.TTL
	if ttl == 0 {
		ttl = time.Hour
	}
	m.used[key] = now.Add(ttl)
	return true
}
