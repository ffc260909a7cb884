package handlers

import (
	"context"
	"sync"
	"time"

	"github.com/onramp/onramp/connect"
)

// TypesAPI is the part of the Connect API that describes source and
// destination types.
type TypesAPI interface {
	ListSourceTypes(ctx context.Context, token string) ([]connect.ReportCard, error)
	GetSourceType(ctx context.Context, token, typ string) (*connect.ReportCard, error)
	ListDestinationTypes(ctx context.Context, token string) ([]connect.ReportCard, error)
	GetDestinationType(ctx context.Context, token, typ string) (*connect.ReportCard, error)
}

// TypeCache keeps report cards of types for a short TTL: types rarely change,
// so rendering a new-source form makes at most one Stitch call, none when warm.
// Cached values are shared: callers must not modify them.
type TypeCache struct {
	api TypesAPI
	ttl time.Duration
	now func() time.Time

	mu      sync.Mutex
	entries map[string]cacheEntry
}

type cacheEntry struct {
	list    []connect.ReportCard
	card    *connect.ReportCard
	expires time.Time
}

// NewTypeCache wraps api with a cache of the given TTL (0 disables caching).
func NewTypeCache(api TypesAPI, ttl time.Duration) *TypeCache {
	return &TypeCache{api: api, ttl: ttl, now: time.Now, entries: map[string]cacheEntry{}}
}

func (tc *TypeCache) get(key string) (cacheEntry, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	e, ok := tc.entries[key]
	if !ok || tc.now().After(e.expires) {
		return cacheEntry{}, false
	}
	return e, true
}

func (tc *TypeCache) put(key string, e cacheEntry) {
	if tc.ttl <= 0 {
		return
	}
	e.expires = tc.now().Add(tc.ttl)
	tc.mu.Lock()
	tc.entries[key] = e
	tc.mu.Unlock()
}

func (tc *TypeCache) list(key string, fetch func() ([]connect.ReportCard, error)) ([]connect.ReportCard, error) {
	if e, ok := tc.get(key); ok {
		return e.list, nil
	}
	l, err := fetch()
	if err != nil {
		return nil, err
	}
	tc.put(key, cacheEntry{list: l})
	return l, nil
}

func (tc *TypeCache) card(key string, fetch func() (*connect.ReportCard, error)) (*connect.ReportCard, error) {
	if e, ok := tc.get(key); ok {
		return e.card, nil
	}
	rc, err := fetch()
	if err != nil {
		return nil, err
	}
	tc.put(key, cacheEntry{card: rc})
	return rc, nil
}

// SourceTypes lists source types.
func (tc *TypeCache) SourceTypes(ctx context.Context, token string) ([]connect.ReportCard, error) {
	return tc.list("sources", func() ([]connect.ReportCard, error) { return tc.api.ListSourceTypes(ctx, token) })
}

// SourceType returns one source type's report card.
func (tc *TypeCache) SourceType(ctx context.Context, token, typ string) (*connect.ReportCard, error) {
	return tc.card("source:"+typ, func() (*connect.ReportCard, error) { return tc.api.GetSourceType(ctx, token, typ) })
}

// DestinationTypes lists destination types.
func (tc *TypeCache) DestinationTypes(ctx context.Context, token string) ([]connect.ReportCard, error) {
	return tc.list("destinations", func() ([]connect.ReportCard, error) { return tc.api.ListDestinationTypes(ctx, token) })
}

// DestinationType returns one destination type's report card.
func (tc *TypeCache) DestinationType(ctx context.Context, token, typ string) (*connect.ReportCard, error) {
	return tc.card("destination:"+typ, func() (*connect.ReportCard, error) { return tc.api.GetDestinationType(ctx, token, typ) })
}
