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

	mu     sync.RWMutex              // lookups read under RLock: every form page makes one
	shared map[typeKey]sharedEntry   // typ "" is the kind's list
	access map[string]*accountAccess // by accountKey
	puts   int

	// OnLookup, when set, hears every lookup ("source", "sources",
	// "destination", "destinations") and whether the cache answered (metrics).
	OnLookup func(key string, hit bool)
}

// typeKey names a cached card ("source" or "destination", and the type).
type typeKey struct{ kind, typ string }

type sharedEntry struct {
	list    []connect.ReportCard
	card    *connect.ReportCard
	expires time.Time
}

// accountAccess is what one account may use, until expires (then it is
// read again as a whole).
type accountAccess struct {
	expires time.Time
	listed  map[string]bool       // kinds whose whole list was read
	types   map[typeKey]accessBit // per type
}

type accessBit struct {
	access bool
	known  bool // the card had details
}

// NewTypeCache wraps api with a cache of the given TTL (0 disables caching).
func NewTypeCache(api TypesAPI, ttl time.Duration) *TypeCache {
	return &TypeCache{api: api, ttl: ttl, now: time.Now, shared: map[typeKey]sharedEntry{}, access: map[string]*accountAccess{}}
}

// accountKey identifies an account by a digest of its token, so the cache
// holds no token.
func accountKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:12])
}

// withAccess returns a copy of rc whose details carry the account's access.
func withAccess(rc connect.ReportCard, a accessBit) connect.ReportCard {
	if rc.Details != nil && a.known {
		d := *rc.Details
		d.Access = a.access
		rc.Details = &d
	}
	return rc
}

func accessOf(rc *connect.ReportCard) accessBit {
	if rc.Details == nil {
		return accessBit{}
	}
	return accessBit{access: rc.Details.Access, known: true}
}

// validAccount returns the account's fresh access entry, or nil.
func (tc *TypeCache) validAccount(acct string, now time.Time) *accountAccess {
	a := tc.access[acct]
	if a == nil || now.After(a.expires) {
		return nil
	}
	return a
}

// account returns the account's access entry for writing, starting a new
// one when it is missing or expired.
func (tc *TypeCache) account(acct string, now time.Time) *accountAccess {
	if a := tc.validAccount(acct, now); a != nil {
		return a
	}
	a := &accountAccess{expires: now.Add(tc.ttl), listed: map[string]bool{}, types: map[typeKey]accessBit{}}
	tc.access[acct] = a
	return a
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
	for k, a := range tc.access {
		if now.After(a.expires) {
			delete(tc.access, k)
		}
	}
}

// cachedList answers from the cache when both the shared list and the
// account's access to its types are fresh.
func (tc *TypeCache) cachedList(kind, acct string) ([]connect.ReportCard, bool) {
	tc.mu.RLock()
	defer tc.mu.RUnlock()
	now := tc.now()
	s, ok := tc.shared[typeKey{kind, ""}]
	a := tc.validAccount(acct, now)
	if !ok || now.After(s.expires) || a == nil || !a.listed[kind] {
		return nil, false
	}
	out := make([]connect.ReportCard, len(s.list))
	for i, rc := range s.list {
		bit, ok := a.types[typeKey{kind, rc.Type}]
		if !ok {
			return nil, false
		}
		out[i] = withAccess(rc, bit)
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
	tc.shared[typeKey{kind, ""}] = sharedEntry{list: list, expires: now.Add(tc.ttl)}
	a := tc.account(acct, now)
	a.listed[kind] = true
	for i := range list {
		a.types[typeKey{kind, list[i].Type}] = accessOf(&list[i])
	}
	tc.sweep(now)
}

func (tc *TypeCache) cachedCard(kind, acct, typ string) (*connect.ReportCard, bool) {
	tc.mu.RLock()
	defer tc.mu.RUnlock()
	now := tc.now()
	s, ok := tc.shared[typeKey{kind, typ}]
	a := tc.validAccount(acct, now)
	if !ok || now.After(s.expires) || a == nil {
		return nil, false
	}
	bit, ok := a.types[typeKey{kind, typ}]
	if !ok {
		return nil, false
	}
	rc := withAccess(*s.card, bit)
	return &rc, true
}

func (tc *TypeCache) putCard(kind, acct string, rc *connect.ReportCard) {
	if tc.ttl <= 0 {
		return
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	now := tc.now()
	tc.shared[typeKey{kind, rc.Type}] = sharedEntry{card: rc, expires: now.Add(tc.ttl)}
	tc.account(acct, now).types[typeKey{kind, rc.Type}] = accessOf(rc)
	tc.sweep(now)
}

func (tc *TypeCache) list(kind, token string, fetch func() ([]connect.ReportCard, error)) ([]connect.ReportCard, error) {
	acct := accountKey(token)
	l, ok := tc.cachedList(kind, acct)
	tc.lookedUp(kind+"s", ok)
	if ok {
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
	rc, ok := tc.cachedCard(kind, acct, typ)
	tc.lookedUp(kind, ok)
	if ok {
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

func (tc *TypeCache) lookedUp(key string, hit bool) {
	if tc.OnLookup != nil {
		tc.OnLookup(key, hit)
	}
}
