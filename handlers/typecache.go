package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

// TypeCache keeps report cards of types for a short TTL. A type's steps and
// properties are the same for every account, so they are shared; its
// details.access depends on the requesting account's plan (API.md §6.5), so
// it is kept per account and laid over the shared card on every answer. A warm
// cache therefore answers each account with its own access, and an account
// that has not been seen yet costs one Stitch call.
// Returned values share their steps with the cache: callers must not modify them.
type TypeCache struct {
	api TypesAPI
	ttl time.Duration
	now func() time.Time

	mu     sync.Mutex
	shared map[string]sharedEntry // "source:" / "destination:" + type, or "sources" / "destinations"
	access map[string]accessEntry // account key + "|" + the same keys
	puts   int
}

type sharedEntry struct {
	list    []connect.ReportCard
	card    *connect.ReportCard
	expires time.Time
}

// accessEntry is one account's access to one type; for a list key it only
// records that the account's whole list was read (each type then has its own).
type accessEntry struct {
	access  bool
	known   bool // the card had details
	expires time.Time
}

// NewTypeCache wraps api with a cache of the given TTL (0 disables caching).
func NewTypeCache(api TypesAPI, ttl time.Duration) *TypeCache {
	return &TypeCache{api: api, ttl: ttl, now: time.Now, shared: map[string]sharedEntry{}, access: map[string]accessEntry{}}
}

// accountKey identifies an account by a digest of its token, so the cache
// holds no token.
func accountKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:12])
}

// withAccess returns a copy of rc whose details carry the account's access.
func withAccess(rc connect.ReportCard, a accessEntry) connect.ReportCard {
	if rc.Details != nil && a.known {
		d := *rc.Details
		d.Access = a.access
		rc.Details = &d
	}
	return rc
}

func accessOf(rc *connect.ReportCard) accessEntry {
	if rc.Details == nil {
		return accessEntry{}
	}
	return accessEntry{access: rc.Details.Access, known: true}
}

// sweep drops expired entries now and then, so departed accounts do not pile up.
func (tc *TypeCache) sweep(now time.Time) {
	tc.puts++
	if tc.puts%256 != 0 {
		return
	}
	for k, e := range tc.shared {
		if now.After(e.expires) {
			delete(tc.shared, k)
		}
	}
	for k, e := range tc.access {
		if now.After(e.expires) {
			delete(tc.access, k)
		}
	}
}

// cachedList answers from the cache when both the shared list and the
// account's access to every type in it are fresh.
func (tc *TypeCache) cachedList(kind, acct string) ([]connect.ReportCard, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	now := tc.now()
	s, ok := tc.shared[kind+"s"]
	if !ok || now.After(s.expires) {
		return nil, false
	}
	if a, ok := tc.access[acct+"|"+kind+"s"]; !ok || now.After(a.expires) {
		return nil, false
	}
	out := make([]connect.ReportCard, len(s.list))
	for i, rc := range s.list {
		a, ok := tc.access[acct+"|"+kind+":"+rc.Type]
		if !ok || now.After(a.expires) {
			return nil, false
		}
		out[i] = withAccess(rc, a)
	}
	return out, true
}

func (tc *TypeCache) putList(kind, acct string, list []connect.ReportCard) {
	if tc.ttl <= 0 {
		return
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	now := tc.now()
	exp := now.Add(tc.ttl)
	tc.shared[kind+"s"] = sharedEntry{list: list, expires: exp}
	tc.access[acct+"|"+kind+"s"] = accessEntry{expires: exp}
	for i := range list {
		a := accessOf(&list[i])
		a.expires = exp
		tc.access[acct+"|"+kind+":"+list[i].Type] = a
	}
	tc.sweep(now)
}

func (tc *TypeCache) cachedCard(kind, acct, typ string) (*connect.ReportCard, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	now := tc.now()
	s, ok := tc.shared[kind+":"+typ]
	if !ok || now.After(s.expires) {
		return nil, false
	}
	a, ok := tc.access[acct+"|"+kind+":"+typ]
	if !ok || now.After(a.expires) {
		return nil, false
	}
	rc := withAccess(*s.card, a)
	return &rc, true
}

func (tc *TypeCache) putCard(kind, acct string, rc *connect.ReportCard) {
	if tc.ttl <= 0 {
		return
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	now := tc.now()
	exp := now.Add(tc.ttl)
	tc.shared[kind+":"+rc.Type] = sharedEntry{card: rc, expires: exp}
	a := accessOf(rc)
	a.expires = exp
	tc.access[acct+"|"+kind+":"+rc.Type] = a
	tc.sweep(now)
}

func (tc *TypeCache) list(kind, token string, fetch func() ([]connect.ReportCard, error)) ([]connect.ReportCard, error) {
	acct := accountKey(token)
	if l, ok := tc.cachedList(kind, acct); ok {
		return l, nil
	}
	l, err := fetch()
	if err != nil {
		return nil, err
	}
	tc.putList(kind, acct, l)
	return l, nil
}

func (tc *TypeCache) card(kind, token, typ string, fetch func() (*connect.ReportCard, error)) (*connect.ReportCard, error) {
	acct := accountKey(token)
	if rc, ok := tc.cachedCard(kind, acct, typ); ok {
		return rc, nil
	}
	rc, err := fetch()
	if err != nil {
		return nil, err
	}
	if rc.Type == "" {
		rc.Type = typ
	}
	tc.putCard(kind, acct, rc)
	return rc, nil
}

// SourceTypes lists source types, with the access of token's account.
func (tc *TypeCache) SourceTypes(ctx context.Context, token string) ([]connect.ReportCard, error) {
	return tc.list("source", token, func() ([]connect.ReportCard, error) { return tc.api.ListSourceTypes(ctx, token) })
}

// SourceType returns one source type's report card, with the access of token's account.
func (tc *TypeCache) SourceType(ctx context.Context, token, typ string) (*connect.ReportCard, error) {
	return tc.card("source", token, typ, func() (*connect.ReportCard, error) { return tc.api.GetSourceType(ctx, token, typ) })
}

// DestinationTypes lists destination types, with the access of token's account.
func (tc *TypeCache) DestinationTypes(ctx context.Context, token string) ([]connect.ReportCard, error) {
	return tc.list("destination", token, func() ([]connect.ReportCard, error) { return tc.api.ListDestinationTypes(ctx, token) })
}

// DestinationType returns one destination type's report card, with the access of token's account.
func (tc *TypeCache) DestinationType(ctx context.Context, token, typ string) (*connect.ReportCard, error) {
	return tc.card("destination", token, typ, func() (*connect.ReportCard, error) { return tc.api.GetDestinationType(ctx, token, typ) })
}
