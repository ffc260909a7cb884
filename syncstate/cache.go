package syncstate

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/onramp/onramp/connect"
)

// Defaults of a Cache.
const (
	// DefaultMinInterval is how long an answer (or a failure) is reused:
	// JobsRateWindow / JobsRateLimit, so one-page lists alone keep the limit.
	DefaultMinInterval = connect.JobsRateWindow / connect.JobsRateLimit
	// DefaultMaxAccounts bounds the accounts kept in memory.
	DefaultMaxAccounts = 10000
	// DefaultTimeout bounds one reading of the list (every page).
	DefaultTimeout = 10 * time.Second
)

// Lister reads a client account's extractions, at most maxPages pages,
// and reports how many requests it made; (*connect.Client).ListExtractionsUpTo fits.
type Lister func(ctx context.Context, token string, clientID int64, maxPages int) ([]connect.Extraction, int, error)

// Options configure a Cache. Zero values take the defaults.
type Options struct {
	List Lister
	// MinInterval is how long a reading (or its failure) is reused.
	MinInterval time.Duration
	// Budget is how many requests a client id may make per Window
	// (connect.JobsRateLimit per connect.JobsRateWindow).
	Budget int
	Window time.Duration
	// MaxAccounts bounds memory; beyond it idle accounts are dropped first.
	MaxAccounts int
	// Timeout bounds one reading, whoever waits for it.
	Timeout time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// Cache keeps each account's extractions (in memory, per process) and
// spends the jobs rate limit for it: one reading per MinInterval at most,
// concurrent pages share one reading, and a reading never makes more
// requests than the Budget left in the Window (a list of several pages
// reads fewer pages, then waits). Keyed by the client account id: the
// answer depends on nothing else (the token only authorizes it, and a
// session holds both). Safe for concurrent use.
type Cache struct {
	o     Options
	mu    sync.Mutex
	accts map[int64]*entry
}

type entry struct {
	inflight chan struct{} // closed when the reading in flight ends
	snap     *Snapshot     // last reading; nil when it failed (or none yet)
	last     *Snapshot     // last successful reading, for a spent budget
	readAt   time.Time     // start of the last reading
	calls    []time.Time   // requests made within Window
	used     time.Time     // last Get
}

// NewCache returns a cache reading through o.List.
func NewCache(o Options) *Cache {
	if o.MinInterval <= 0 {
		o.MinInterval = DefaultMinInterval
	}
	if o.Budget <= 0 {
		o.Budget = connect.JobsRateLimit
	}
	if o.Window <= 0 {
		o.Window = connect.JobsRateWindow
	}
	if o.MaxAccounts <= 0 {
		o.MaxAccounts = DefaultMaxAccounts
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Cache{o: o, accts: map[int64]*entry{}}
}

// Get returns the account's extractions: the last reading when it is less
// than MinInterval old (or one in flight, waited for), else a new one. err
// is returned only to the call that made a failed reading, so a caller
// logs it once; later calls get (nil, nil) until MinInterval has passed.
// With connect.ErrPageLimit the snapshot is returned too (incomplete).
// When the budget is spent, the last successful reading is returned, as
// old as it is.
func (c *Cache) Get(ctx context.Context, token string, clientID int64) (*Snapshot, error) {
	c.mu.Lock()
	now := c.o.Now()
	e := c.entry(clientID, now)
	if ch := e.inflight; ch != nil {
		c.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, nil
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		return e.snap, nil
	}
	if !e.readAt.IsZero() && now.Sub(e.readAt) < c.o.MinInterval {
		defer c.mu.Unlock()
		return e.snap, nil
	}
	left := min(c.o.Budget-e.spent(now, c.o.Window), connect.MaxExtractionPages)
	if left <= 0 {
		defer c.mu.Unlock()
		return e.last, nil
	}
	e.readAt, e.inflight = now, make(chan struct{})
	c.mu.Unlock()

	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.o.Timeout)
	list, n, err := c.o.List(rctx, token, clientID, left)
	cancel()
	var snap *Snapshot
	if err == nil || errors.Is(err, connect.ErrPageLimit) {
		snap = NewSnapshot(list, err == nil, now)
	}

	// The requests reached Stitch at some time during the reading: counted
	// from its end, the latest, the budget is never freed before Stitch's.
	done := c.o.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	for range max(n, 1) {
		e.calls = append(e.calls, done)
	}
	e.snap = snap
	if snap != nil {
		e.last = snap
	}
	close(e.inflight)
	e.inflight = nil
	return snap, err
}

// spent counts the requests made within window of now, forgetting older ones.
func (e *entry) spent(now time.Time, window time.Duration) int {
	keep := e.calls[:0]
	for _, t := range e.calls {
		if now.Sub(t) < window {
			keep = append(keep, t)
		}
	}
	e.calls = keep
	return len(keep)
}

// entry returns the account's entry, making room when the cache is full:
// idle accounts (nothing in flight, no request within Window) go first,
// then the least recently used. Callers hold c.mu.
func (c *Cache) entry(id int64, now time.Time) *entry {
	if e, ok := c.accts[id]; ok {
		e.used = now
		return e
	}
	if len(c.accts) >= c.o.MaxAccounts {
		c.evict(now)
	}
	e := &entry{used: now}
	c.accts[id] = e
	return e
}

func (c *Cache) evict(now time.Time) {
	var lru int64
	var lruAt time.Time
	found := false
	for id, e := range c.accts {
		if e.inflight != nil {
			continue
		}
		if e.spent(now, c.o.Window) == 0 {
			delete(c.accts, id)
			continue
		}
		if !found || e.used.Before(lruAt) {
			lru, lruAt, found = id, e.used, true
		}
	}
	if len(c.accts) >= c.o.MaxAccounts && found {
		delete(c.accts, lru) // its budget is forgotten: only when more accounts than MaxAccounts are busy at once
	}
}

// Len is how many accounts the cache holds (for tests and metrics).
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.accts)
}
