package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// LaunchStore keeps launch tokens: minted by a partner backend, redeemed once
// by a browser. Redeem tells a reused or expired token from an unknown one.
type LaunchStore interface {
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

// tombstoneFor is how long a used or expired token is remembered, to say so.
const tombstoneFor = time.Hour

// MemoryStore keeps launch tokens, one-time values and claims in memory: one replica only.
type MemoryStore struct {
	MemoryOneTime
	MemoryClaims

	mu       sync.Mutex
	launches map[string]memLaunch
}

type memLaunch struct {
	payload []byte
	expires time.Time
	used    bool
}

// Put implements LaunchStore.
func (m *MemoryStore) Put(_ context.Context, token string, payload []byte, expires time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.launches == nil {
		m.launches = map[string]memLaunch{}
	}
	now := time.Now()
	for k, v := range m.launches {
		if now.After(v.expires.Add(tombstoneFor)) {
			delete(m.launches, k)
		}
	}
	m.launches[token] = memLaunch{payload: payload, expires: expires}
	return nil
}

// Redeem implements LaunchStore.
func (m *MemoryStore) Redeem(_ context.Context, token string) ([]byte, RedeemStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.launches[token]
	switch {
	case !ok:
		return nil, RedeemUnknown, nil
	case l.used:
		return nil, RedeemUsed, nil
	}
	l.used = true
	m.launches[token] = l
	if time.Now().After(l.expires) {
		return nil, RedeemExpired, nil
	}
	return l.payload, RedeemOK, nil
}

// RedisStore keeps launch tokens, used OAuth states and form claims in Redis
// with TTLs, redeemed atomically, so single use holds across replicas.
type RedisStore struct {
	rdb    *redis.Client
	prefix string
}

// NewRedisStore connects to redisURL (redis://host:port/db) and checks it answers.
func NewRedisStore(ctx context.Context, redisURL string) (*RedisStore, error) {
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	rdb := redis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("connect to redis: %w", err)
	}
	return &RedisStore{rdb: rdb, prefix: "onramp:"}, nil
}

// Close closes the connection pool.
func (r *RedisStore) Close() error { return r.rdb.Close() }

// Ping reports whether Redis answers.
func (r *RedisStore) Ping(ctx context.Context) error { return r.rdb.Ping(ctx).Err() }

const usedMarker = "\x00used"

// Put implements LaunchStore. The key outlives the token by an hour so a late
// or second redemption can be told apart from an unknown token.
func (r *RedisStore) Put(ctx context.Context, token string, payload []byte, expires time.Time) error {
	ttl := time.Until(expires) + tombstoneFor
	b := make([]byte, 0, len(payload)+20)
	b = append(b, expires.UTC().Format(time.RFC3339Nano)...)
	b = append(b, '|')
	b = append(b, payload...)
	if err := r.rdb.Set(ctx, r.prefix+"launch:"+token, b, ttl).Err(); err != nil {
		return fmt.Errorf("store launch token: %w", err)
	}
	return nil
}

// Redeem implements LaunchStore: SET … GET swaps the payload for a marker in
// one atomic step, so exactly one redemption sees it.
func (r *RedisStore) Redeem(ctx context.Context, token string) ([]byte, RedeemStatus, error) {
	old, err := r.rdb.SetArgs(ctx, r.prefix+"launch:"+token, usedMarker, redis.SetArgs{Get: true, KeepTTL: true}).Result()
	switch {
	case errors.Is(err, redis.Nil):
		// Nothing was there: remove the marker we just wrote.
		r.rdb.Del(ctx, r.prefix+"launch:"+token)
		return nil, RedeemUnknown, nil
	case err != nil:
		return nil, RedeemUnknown, fmt.Errorf("redeem launch token: %w", err)
	case old == usedMarker:
		return nil, RedeemUsed, nil
	}
	ts, payload, ok := strings.Cut(old, "|")
	exp, perr := time.Parse(time.RFC3339Nano, ts)
	if !ok || perr != nil {
		return nil, RedeemUnknown, nil
	}
	if time.Now().After(exp) {
		return nil, RedeemExpired, nil
	}
	return []byte(payload), RedeemOK, nil
}

// Use implements OneTimeStore with SET NX.
func (r *RedisStore) Use(ctx context.Context, key string) bool {
	ok, err := r.rdb.SetNX(ctx, r.prefix+"once:"+key, "1", time.Hour).Result()
	return err == nil && ok
}

// Claim implements Claims with SET NX.
func (r *RedisStore) Claim(ctx context.Context, key string) bool {
	ok, err := r.rdb.SetNX(ctx, r.prefix+"claim:"+key, "", 24*time.Hour).Result()
	return err == nil && ok
}

// Resolve implements Claims.
func (r *RedisStore) Resolve(ctx context.Context, key, result string) {
	r.rdb.Set(ctx, r.prefix+"claim:"+key, result, 24*time.Hour)
}

// Release implements Claims.
func (r *RedisStore) Release(ctx context.Context, key string) {
	r.rdb.Del(ctx, r.prefix+"claim:"+key)
}

// Result implements Claims.
func (r *RedisStore) Result(ctx context.Context, key string) string {
	v, _ := r.rdb.Get(ctx, r.prefix+"claim:"+key).Result()
	return v
}
