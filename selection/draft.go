package selection

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Choice is what the user chose for one stream and has not saved yet. It is
// absolute (the wanted state, not a toggle), so sending it twice is safe.
type Choice struct {
	Selected bool `json:"s"`
	// Method and Key are the replication method and key ("" = keep or default).
	Method string `json:"m,omitempty"`
	Key    string `json:"k,omitempty"`
	// ViewKeys are a view's key columns.
	ViewKeys []string `json:"v,omitempty"`
	// Fields are explicit column choices from the stream's page (available
	// fields only); nil means "as ticking gives" for a newly ticked stream and
	// "keep" for one Stitch already has selected.
	Fields map[string]bool `json:"f,omitempty"`
	// AllColumns comes from Select all: every supported column, replacing
	// earlier column choices.
	AllColumns bool `json:"a,omitempty"`
}

func (c Choice) equal(o Choice) bool {
	return c.Selected == o.Selected && c.Method == o.Method && c.Key == o.Key && c.AllColumns == o.AllColumns &&
		slices.Equal(c.ViewKeys, o.ViewKeys) && maps.Equal(c.Fields, o.Fields)
}

// Draft is one source's pending choices, by tap_stream_id.
type Draft struct {
	Choices map[string]Choice `json:"c,omitempty"`
	// Conflicts are streams whose schema showed fieldExclusions (Select all
	// is not offered once one is known).
	Conflicts map[string]bool `json:"x,omitempty"`
}

// Empty reports whether the draft holds nothing.
func (d *Draft) Empty() bool { return d == nil || (len(d.Choices) == 0 && len(d.Conflicts) == 0) }

// Set records a choice.
func (d *Draft) Set(tap string, c Choice) {
	if d.Choices == nil {
		d.Choices = map[string]Choice{}
	}
	d.Choices[tap] = c
}

// Get returns the choice for a stream.
func (d *Draft) Get(tap string) (Choice, bool) {
	if d == nil {
		return Choice{}, false
	}
	c, ok := d.Choices[tap]
	return c, ok
}

// DraftTTL is how long an untouched draft is kept.
const DraftTTL = 24 * time.Hour

// DraftStore keeps drafts by key (session, account and source). Get returns
// an empty draft when there is none; errors mean the store failed.
type DraftStore interface {
	Get(ctx context.Context, key string) (*Draft, error)
	Put(ctx context.Context, key string, d *Draft) error
	Delete(ctx context.Context, key string) error
}

// MemoryDrafts keeps drafts in memory: one replica only.
type MemoryDrafts struct {
	mu     sync.Mutex
	drafts map[string]memDraft
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
}

type memDraft struct {
	b       []byte
	expires time.Time
}

func (m *MemoryDrafts) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// Get implements DraftStore.
func (m *MemoryDrafts) Get(_ context.Context, key string) (*Draft, error) {
	m.mu.Lock()
	v, ok := m.drafts[key]
	m.mu.Unlock()
	d := &Draft{}
	if !ok || m.now().After(v.expires) {
		return d, nil
	}
	if err := json.Unmarshal(v.b, d); err != nil {
		return nil, fmt.Errorf("read draft: %w", err)
	}
	return d, nil
}

// Put implements DraftStore; an empty draft is deleted.
func (m *MemoryDrafts) Put(ctx context.Context, key string, d *Draft) error {
	if d.Empty() {
		return m.Delete(ctx, key)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("store draft: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.drafts == nil {
		m.drafts = map[string]memDraft{}
	}
	now := m.now()
	for k, v := range m.drafts {
		if now.After(v.expires) {
			delete(m.drafts, k)
		}
	}
	m.drafts[key] = memDraft{b: b, expires: now.Add(DraftTTL)}
	return nil
}

// Delete implements DraftStore.
func (m *MemoryDrafts) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.drafts, key)
	return nil
}

// RedisDrafts keeps drafts in Redis (JSON with a TTL), shared by replicas.
type RedisDrafts struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedisDrafts uses an open Redis client; keys start with prefix.
func NewRedisDrafts(rdb redis.UniversalClient, prefix string) *RedisDrafts {
	return &RedisDrafts{rdb: rdb, prefix: prefix + "draft:"}
}

// OpenRedisDrafts connects to redisURL (redis://host:port/db) and checks it answers.
func OpenRedisDrafts(ctx context.Context, redisURL string) (*RedisDrafts, func() error, error) {
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	rdb := redis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, nil, fmt.Errorf("connect to redis: %w", err)
	}
	return NewRedisDrafts(rdb, "onramp:"), rdb.Close, nil
}

// Get implements DraftStore.
func (r *RedisDrafts) Get(ctx context.Context, key string) (*Draft, error) {
	b, err := r.rdb.Get(ctx, r.prefix+key).Bytes()
	d := &Draft{}
	switch {
	case errors.Is(err, redis.Nil):
		return d, nil
	case err != nil:
		return nil, fmt.Errorf("read draft: %w", err)
	}
	if err := json.Unmarshal(b, d); err != nil {
		return nil, fmt.Errorf("read draft: %w", err)
	}
	return d, nil
}

// Put implements DraftStore; an empty draft is deleted.
func (r *RedisDrafts) Put(ctx context.Context, key string, d *Draft) error {
	if d.Empty() {
		return r.Delete(ctx, key)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("store draft: %w", err)
	}
	if err := r.rdb.Set(ctx, r.prefix+key, b, DraftTTL).Err(); err != nil {
		return fmt.Errorf("store draft: %w", err)
	}
	return nil
}

// Delete implements DraftStore.
func (r *RedisDrafts) Delete(ctx context.Context, key string) error {
	if err := r.rdb.Del(ctx, r.prefix+key).Err(); err != nil {
		return fmt.Errorf("delete draft: %w", err)
	}
	return nil
}
