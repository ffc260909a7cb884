package syncstate_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/syncstate"
)

var (
	t0   = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	t1   = t0.Add(5 * time.Second)
	zero = 0
	one  = 1
)

func str(s string) *string { return &s }

func TestOf(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", syncstate.MaxDetail+50)
	cases := []struct {
		name string
		e    connect.Extraction
		want syncstate.Line
	}{
		{"succeeded", connect.Extraction{StartTime: &t0, CompletionTime: &t1, DiscoveryExitStatus: &zero, TapExitStatus: &zero, TargetExitStatus: &zero},
			syncstate.Line{State: syncstate.Succeeded, Key: "sync.succeeded", At: t1, Tone: syncstate.OK}},
		{"running since its start", connect.Extraction{StartTime: &t0},
			syncstate.Line{State: syncstate.Running, Key: "sync.running", At: t0, Tone: syncstate.Busy}},
		{"tap failed, first line of its text", connect.Extraction{StartTime: &t0, CompletionTime: &t1, DiscoveryExitStatus: &zero, TapExitStatus: &one, TapDescription: str("Response returned http error code 401\n401 Client Error"), TargetExitStatus: &zero},
			syncstate.Line{State: syncstate.Failed, Key: "sync.failedTap", At: t1, Phase: connect.PhaseTap, Detail: "Response returned http error code 401…", Tone: syncstate.Bad}},
		{"discovery failed, long text cut", connect.Extraction{StartTime: &t0, CompletionTime: &t1, DiscoveryExitStatus: &one, DiscoveryDescription: &long},
			syncstate.Line{State: syncstate.Failed, Key: "sync.failedDiscovery", At: t1, Phase: connect.PhaseDiscovery, Detail: long[:syncstate.MaxDetail] + "…", Tone: syncstate.Bad}},
		{"target failed without text, not completed: named by its start", connect.Extraction{StartTime: &t0, DiscoveryExitStatus: &zero, TapExitStatus: &zero, TargetExitStatus: &one},
			syncstate.Line{State: syncstate.Failed, Key: "sync.failedTarget", At: t0, Phase: connect.PhaseTarget, Tone: syncstate.Bad}},
		{"terminated", connect.Extraction{StartTime: &t0, CompletionTime: &t1, DiscoveryDescription: str("Terminated"), TapDescription: str("Terminated")},
			syncstate.Line{State: syncstate.Failed, Key: "sync.failed", At: t1, Detail: "Terminated", Tone: syncstate.Bad}},
		{"ended", connect.Extraction{StartTime: &t0, CompletionTime: &t1, DiscoveryExitStatus: &zero},
			syncstate.Line{State: syncstate.Ended, Key: "sync.ended", At: t1}},
	}
	for _, c := range cases {
		if got := syncstate.Of(c.e); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestWhenNeverAfterNow(t *testing.T) {
	t.Parallel()
	l := syncstate.Line{At: t1}
	if got := l.When(t0); !got.Equal(t0) {
		t.Errorf("a time ahead of now: got %v, want now", got)
	}
	if got := l.When(t1.Add(time.Hour)); !got.Equal(t1) {
		t.Errorf("a past time: got %v, want it", got)
	}
	if got := syncstate.NoSync().When(t0); !got.Equal(t0) {
		t.Errorf("no time: got %v, want now", got)
	}
}

func TestSnapshotLine(t *testing.T) {
	t.Parallel()
	ok := connect.Extraction{SourceID: 7, StartTime: &t0, CompletionTime: &t1, DiscoveryExitStatus: &zero, TapExitStatus: &zero, TargetExitStatus: &zero}
	complete := syncstate.NewSnapshot([]connect.Extraction{ok}, true, t1)
	partial := syncstate.NewSnapshot([]connect.Extraction{ok}, false, t1)
	var unknown *syncstate.Snapshot
	cases := []struct {
		name       string
		s          *syncstate.Snapshot
		id         int64
		configured bool
		want       string // state, "" = nothing shown
	}{
		{"listed", complete, 7, true, syncstate.Succeeded},
		{"listed, even before set-up ends", complete, 7, false, syncstate.Succeeded},
		{"absent from a complete list, configured", complete, 8, true, syncstate.None},
		{"absent, not configured", complete, 8, false, ""},
		{"absent from an incomplete list", partial, 8, true, ""},
		{"unknown", unknown, 7, true, ""},
	}
	for _, c := range cases {
		l, shown := c.s.Line(c.id, c.configured)
		if got := map[bool]string{true: l.State, false: ""}[shown]; got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	if l, _ := complete.Line(8, true); l.Key != "sync.none" || l.Tone != "" {
		t.Errorf("no sync: got %+v", l)
	}
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// lister counts its calls; pages is how many requests each reading makes.
type lister struct {
	mu      sync.Mutex
	calls   int
	maxSeen []int
	pages   int
	err     error
	gate    chan struct{} // non-nil: each call waits for it
	clock   *clock        // with takes: the first reading moves it on by takes
	takes   time.Duration
}

func (l *lister) List(_ context.Context, _ string, _ int64, maxPages int) ([]connect.Extraction, int, error) {
	if l.gate != nil {
		<-l.gate
	}
	l.mu.Lock()
	if l.clock != nil && l.calls == 0 {
		l.clock.Add(l.takes) // a slow reading: its requests reach Stitch up to takes later
	}
	defer l.mu.Unlock()
	l.calls++
	l.maxSeen = append(l.maxSeen, maxPages)
	n := max(min(l.pages, maxPages), 1)
	if l.err != nil {
		return nil, 1, l.err
	}
	list := []connect.Extraction{{SourceID: 1, StartTime: &t0, CompletionTime: &t1, DiscoveryExitStatus: &zero, TapExitStatus: &zero, TargetExitStatus: &zero}}
	if l.pages > maxPages {
		return list, n, connect.ErrPageLimit
	}
	return list, n, nil
}

func (l *lister) count() int { l.mu.Lock(); defer l.mu.Unlock(); return l.calls }

func newCache(l *lister, c *clock) *syncstate.Cache {
	return syncstate.NewCache(syncstate.Options{List: l.List, Now: c.Now})
}

// Concurrent pages share one reading; a reading is reused for 20 s.
func TestCacheOneReadingPerInterval(t *testing.T) {
	t.Parallel()
	c := &clock{t: t0}
	l := &lister{pages: 1, gate: make(chan struct{})}
	cache := newCache(l, c)
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s, err := cache.Get(context.Background(), "tok", 42); s == nil || err != nil {
				t.Errorf("got %v, %v, want a snapshot", s, err)
			}
		}()
	}
	close(l.gate) // let the one reading finish once everyone asked
	wg.Wait()
	c.Add(19 * time.Second)
	if _, err := cache.Get(context.Background(), "tok", 42); err != nil {
		t.Fatal(err)
	}
	if got := l.count(); got != 1 {
		t.Fatalf("20 concurrent pages then one 19 s later: got %d readings, want 1", got)
	}
	c.Add(time.Second)
	cache.Get(context.Background(), "tok", 42)
	if got := l.count(); got != 2 {
		t.Fatalf("after 20 s: got %d readings, want 2", got)
	}
	cache.Get(context.Background(), "tok", 43)
	if got := l.count(); got != 3 {
		t.Fatalf("another account: got %d readings, want its own", got)
	}
}

// A failure is returned once (to be logged once) and remembered for the
// interval, so a broken endpoint is not called on every page.
func TestCacheRemembersFailures(t *testing.T) {
	t.Parallel()
	c := &clock{t: t0}
	boom := errors.New("boom")
	l := &lister{pages: 1, err: boom}
	cache := newCache(l, c)
	if s, err := cache.Get(context.Background(), "tok", 1); s != nil || !errors.Is(err, boom) {
		t.Fatalf("first: got %v, %v, want the error", s, err)
	}
	for range 5 {
		if s, err := cache.Get(context.Background(), "tok", 1); s != nil || err != nil {
			t.Fatalf("later: got %v, %v, want nothing and no error", s, err)
		}
	}
	if got := l.count(); got != 1 {
		t.Fatalf("got %d readings, want 1", got)
	}
}

// Whatever the traffic, a client id never makes more than 30 requests in
// any 10 minutes, even when its list takes several pages.
func TestCacheKeepsTheRateLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pages int
		takes time.Duration
	}{{1, 0}, {3, 0}, {25, 0}, {3, 9 * time.Second}, {25, 9 * time.Second}} {
		pages := tc.pages
		c := &clock{t: t0}
		l := &lister{pages: pages, clock: c, takes: tc.takes}
		cache := newCache(l, c)
		var calls []time.Time
		spent := 0
		for i := range 3600 { // a page view every second for an hour
			before := l.count()
			s, err := cache.Get(context.Background(), "tok", 9)
			if l.count() > before {
				n := max(min(pages, l.maxSeen[len(l.maxSeen)-1]), 1)
				for range n {
					calls = append(calls, c.Now()) // when the reading ended: the latest a request reached Stitch
				}
				spent += n
			}
			if s == nil && err == nil && i > 0 {
				t.Fatalf("%d pages: view %d got no snapshot", pages, i)
			}
			c.Add(time.Second)
		}
		for i := range calls {
			n := 0
			for _, t2 := range calls[i:] {
				if t2.Sub(calls[i]) < connect.JobsRateWindow {
					n++
				}
			}
			if n > connect.JobsRateLimit {
				t.Fatalf("%d pages a list: %d requests in 10 minutes from %v, want ≤ %d", pages, n, calls[i], connect.JobsRateLimit)
			}
		}
		if spent < 100 {
			t.Fatalf("%d pages a list: only %d requests in an hour, want the budget used (≥ 100)", pages, spent)
		}
	}
}

// An incomplete list (page cap) still answers for the sources it names.
func TestCachePageLimit(t *testing.T) {
	t.Parallel()
	c := &clock{t: t0}
	cache := newCache(&lister{pages: 50}, c)
	s, err := cache.Get(context.Background(), "tok", 1)
	if !errors.Is(err, connect.ErrPageLimit) || s == nil || s.Complete {
		t.Fatalf("got %v, %v, want an incomplete snapshot and ErrPageLimit", s, err)
	}
	if _, shown := s.Line(1, true); !shown {
		t.Fatal("a listed source: want its line")
	}
	if _, shown := s.Line(2, true); shown {
		t.Fatal("an unlisted source of an incomplete list: want nothing")
	}
}

func TestCacheIsBounded(t *testing.T) {
	t.Parallel()
	c := &clock{t: t0}
	cache := syncstate.NewCache(syncstate.Options{List: (&lister{pages: 1}).List, Now: c.Now, MaxAccounts: 3})
	for id := range int64(10) {
		cache.Get(context.Background(), "tok", id)
		c.Add(time.Second)
	}
	if got := cache.Len(); got > 3 {
		t.Fatalf("got %d accounts kept, want at most 3", got)
	}
}
