package journey

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// SeenFor is how long a counted step is remembered: a source that comes
// back within it does not count again.
const SeenFor = 30 * 24 * time.Hour

// Seen remembers which steps were counted.
type Seen interface {
	// First marks key seen and reports whether it was new.
	First(ctx context.Context, key string) (bool, error)
	// Has reports whether key was seen.
	Has(ctx context.Context, key string) (bool, error)
}

// MemorySeen is a Seen for one replica, holding at most max keys (the
// oldest are forgotten first).
type MemorySeen struct {
	mu    sync.Mutex
	max   int
	keys  map[string]time.Time
	order []string
	now   func() time.Time
}

// NewMemorySeen holds up to max keys (0: 100 000).
func NewMemorySeen(max int) *MemorySeen {
	if max <= 0 {
		max = 100_000
	}
	return &MemorySeen{max: max, keys: map[string]time.Time{}, now: time.Now}
}

// First implements Seen.
func (m *MemorySeen) First(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	if at, ok := m.keys[key]; ok && now.Sub(at) < SeenFor {
		return false, nil
	}
	if len(m.order) >= m.max {
		delete(m.keys, m.order[0])
		m.order = m.order[1:]
	}
	m.keys[key] = now
	m.order = append(m.order, key)
	return true, nil
}

// Has implements Seen.
func (m *MemorySeen) Has(_ context.Context, key string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	at, ok := m.keys[key]
	return ok && m.now().Sub(at) < SeenFor, nil
}

// RedisSeen is a Seen shared by replicas (SET NX with a TTL).
type RedisSeen struct {
	rdb    *redis.Client
	prefix string
}

// NewRedisSeen keeps keys under prefix ("onramp:") in rdb.
func NewRedisSeen(rdb *redis.Client, prefix string) *RedisSeen {
	return &RedisSeen{rdb: rdb, prefix: prefix + "funnel:"}
}

// First implements Seen.
func (r *RedisSeen) First(ctx context.Context, key string) (bool, error) {
	ok, err := r.rdb.SetNX(ctx, r.prefix+key, "1", SeenFor).Result()
	if err != nil {
		return false, fmt.Errorf("funnel seen: %w", err)
	}
	return ok, nil
}

// Has implements Seen.
func (r *RedisSeen) Has(ctx context.Context, key string) (bool, error) {
	n, err := r.rdb.Exists(ctx, r.prefix+key).Result()
	if err != nil {
		return false, fmt.Errorf("funnel seen: %w", err)
	}
	return n > 0, nil
}
