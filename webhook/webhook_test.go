package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/onramp/onramp/metrics"
	"github.com/onramp/onramp/store/redistest"
	"github.com/onramp/onramp/webhook"
)

var secret = []byte("whsec_0123456789abcdef")

// delivery is one POST the receiver got.
type delivery struct {
	id, typ string
	body    []byte
	verr    error // what Verify said
}

// receiver is a real local partner endpoint: it verifies every delivery's
// signature and answers what answer says (200 by default).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []delivery
	answer func(n int) int // n counts deliveries from 1
}

func mustReceiver(tb testing.TB, answer func(n int) int) *receiver {
	tb.Helper()
	r := &receiver{answer: answer}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		err := webhook.Verify(secret, req.Header.Get(webhook.HeaderTimestamp), req.Header.Get(webhook.HeaderSignature), body, time.Now(), 5*time.Minute)
		r.mu.Lock()
		r.got = append(r.got, delivery{id: req.Header.Get(webhook.HeaderEventID), typ: req.Header.Get(webhook.HeaderEventType), body: body, verr: err})
		n := len(r.got)
		r.mu.Unlock()
		status := http.StatusOK
		if r.answer != nil {
			status = r.answer(n)
		}
		w.WriteHeader(status)
	}))
	tb.Cleanup(r.Close)
	return r
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func fast(cfg webhook.Config) webhook.Config {
	cfg.BaseDelay, cfg.MaxDelay, cfg.Poll = 10*time.Millisecond, 20*time.Millisecond, 5*time.Millisecond
	cfg.Timeout = 2 * time.Second
	cfg.Secret = secret
	return cfg
}

func mustStartDispatcher(tb testing.TB, cfg webhook.Config) *webhook.Dispatcher {
	tb.Helper()
	d := webhook.New(cfg)
	d.Start()
	tb.Cleanup(func() { _ = d.Close() })
	return d
}

func TestDeliverySignatureVerifies(t *testing.T) {
	t.Parallel()
	rcv := mustReceiver(t, nil)
	d := mustStartDispatcher(t, fast(webhook.Config{URL: rcv.URL}))
	ev := webhook.Event{Type: webhook.SourceCreated, AccountID: 116078, Data: webhook.Data{SourceID: "45612", SourceType: "platform.mysql"}}
	if err := d.Emit(context.Background(), ev); err != nil {
		t.Fatalf("emit: %v", err)
	}
	waitFor(t, "the delivery", func() bool { return len(rcv.deliveries()) == 1 })
	got := rcv.deliveries()[0]
	if got.verr != nil {
		t.Fatalf("signature: got %v, want it to verify", got.verr)
	}
	var body webhook.Event
	if err := json.Unmarshal(got.body, &body); err != nil {
		t.Fatalf("body: %v\n%s", err, got.body)
	}
	if body.ID == "" || body.ID != got.id || body.Type != webhook.SourceCreated || got.typ != webhook.SourceCreated ||
		body.AccountID != 116078 || body.Data.SourceID != "45612" || body.Data.SourceType != "platform.mysql" || body.CreatedAt.IsZero() {
		t.Errorf("got body %s with id header %q, want the event with its id, type, time, account and source", got.body, got.id)
	}
	// A tampered body, another secret or an old timestamp do not verify.
	ts := time.Now().Unix()
	sig := webhook.Sign(secret, ts, got.body)
	for name, err := range map[string]error{
		"tampered body": webhook.Verify(secret, itoa(ts), sig, append([]byte(" "), got.body...), time.Now(), time.Minute),
		"other secret":  webhook.Verify([]byte("another-secret-0123"), itoa(ts), sig, got.body, time.Now(), time.Minute),
		"stale":         webhook.Verify(secret, itoa(ts), sig, got.body, time.Now().Add(time.Hour), time.Minute),
	} {
		if err == nil {
			t.Errorf("%s: got a valid signature, want an error", name)
		}
	}
	if err := webhook.Verify(secret, itoa(ts), sig, got.body, time.Now(), time.Minute); err != nil {
		t.Errorf("fresh signature: got %v, want nil", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestRetryAfter500SendsTheSameID(t *testing.T) {
	t.Parallel()
	rcv := mustReceiver(t, func(n int) int {
		if n == 1 {
			return http.StatusInternalServerError
		}
		return http.StatusOK
	})
	m := metrics.New()
	d := mustStartDispatcher(t, fast(webhook.Config{URL: rcv.URL, Metrics: m}))
	if err := d.Emit(context.Background(), webhook.Event{Type: webhook.AccountCreated, AccountID: 7}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "two deliveries", func() bool { return len(rcv.deliveries()) == 2 })
	got := rcv.deliveries()
	if got[0].id == "" || got[0].id != got[1].id || string(got[0].body) != string(got[1].body) {
		t.Errorf("got ids %q and %q, want the same id and body twice", got[0].id, got[1].id)
	}
	waitFor(t, "the delivered count", func() bool {
		return deliveries(m, webhook.AccountCreated, metrics.WebhookDelivered) == 1
	})
	if f := deliveries(m, webhook.AccountCreated, metrics.WebhookFailed); f != 1 {
		t.Errorf("failed attempts: got %v, want 1", f)
	}
	// Nothing more arrives: the event left the queue.
	waitFor(t, "an empty queue", func() bool { n, _ := d.Queue().Len(context.Background()); return n == 0 })
}

func deliveries(m *metrics.Metrics, event, outcome string) float64 {
	return m.Sum("webhook_deliveries_total", map[string]string{"event": event, "outcome": outcome})
}

// clock is a fake clock tests move by hand.
type clock struct{ ns atomic.Int64 }

func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()) }
func (c *clock) Add(d time.Duration) { c.ns.Add(int64(d)) }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.ns.Store(t.UnixNano())
	return c
}

func TestGivesUpAfterMaxAge(t *testing.T) {
	t.Parallel()
	rcv := mustReceiver(t, func(int) int { return http.StatusServiceUnavailable })
	clk := newClock(time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC))
	m := metrics.New()
	d := mustStartDispatcher(t, webhook.Config{
		URL: rcv.URL, Secret: secret, Metrics: m, Now: clk.Now, Poll: 5 * time.Millisecond,
		BaseDelay: 10 * time.Minute, MaxDelay: time.Hour, MaxAge: 24 * time.Hour,
	})
	if err := d.Emit(context.Background(), webhook.Event{Type: webhook.SourceConfigured, AccountID: 7}); err != nil {
		t.Fatal(err)
	}
	attempts := 0
	for hour := 0; hour < 30; hour++ {
		waitFor(t, "an attempt", func() bool { return len(rcv.deliveries()) > attempts })
		attempts = len(rcv.deliveries())
		waitFor(t, "the attempt to be rescheduled or dropped", func() bool {
			return deliveries(m, webhook.SourceConfigured, metrics.WebhookFailed)+deliveries(m, webhook.SourceConfigured, metrics.WebhookGaveUp) == float64(attempts)
		})
		if n, _ := d.Queue().Len(context.Background()); n == 0 {
			break
		}
		clk.Add(time.Hour) // past any backoff (capped at 1 h)
	}
	waitFor(t, "the event to be dropped", func() bool { n, _ := d.Queue().Len(context.Background()); return n == 0 })
	if f := deliveries(m, webhook.SourceConfigured, metrics.WebhookGaveUp); f != 1 {
		t.Errorf("gave up: got %v, want 1", f)
	}
	if attempts < 20 || attempts > 26 {
		t.Errorf("got %d attempts over a day, want about one an hour", attempts)
	}
}

func TestMemoryQueuePushIsIdempotent(t *testing.T) {
	t.Parallel()
	q := &webhook.MemoryQueue{}
	testPushIdempotent(t, q)
}

func testPushIdempotent(t *testing.T, q webhook.Queue) {
	t.Helper()
	ctx := context.Background()
	now := time.Now()
	j := webhook.Job{ID: "evt_same", Type: webhook.AccountCreated, Body: []byte(`{}`), CreatedAt: now}
	for range 2 {
		if err := q.Push(ctx, j, now); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := q.Len(ctx); n != 1 {
		t.Fatalf("got %d jobs after pushing one id twice, want 1", n)
	}
	got, err := q.Claim(ctx, now, time.Minute)
	if err != nil || got == nil || got.ID != "evt_same" {
		t.Fatalf("claim: got %v, %v, want the job", got, err)
	}
	if again, _ := q.Claim(ctx, now, time.Minute); again != nil {
		t.Fatalf("claim during the lease: got %v, want nothing", again)
	}
	if again, _ := q.Claim(ctx, now.Add(2*time.Minute), time.Minute); again == nil {
		t.Fatal("claim after the lease: got nothing, want the job back")
	}
	if err := q.Ack(ctx, "evt_same"); err != nil {
		t.Fatal(err)
	}
	if err := q.Retry(ctx, j, now); err != nil { // a late retry must not bring it back
		t.Fatal(err)
	}
	if n, _ := q.Len(ctx); n != 0 {
		t.Fatalf("got %d jobs after ack and a late retry, want 0", n)
	}
}

func mustRedis(tb testing.TB, url string) *redis.Client {
	tb.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	tb.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

func TestRedisQueue(t *testing.T) {
	srv := redistest.Start(t)
	testPushIdempotent(t, webhook.NewRedisQueue(mustRedis(t, srv.URL), "t1:"))
}

// TestRedisDeliversWhenTheQueuingReplicaStops: two replicas share Redis.
// Replica A queues events and stops — once before any attempt, once in the
// middle of one (the receiver hangs), once dead with a claimed event it
// never hands back — and replica B delivers every event, each with its id.
func TestRedisDeliversWhenTheQueuingReplicaStops(t *testing.T) {
	srv := redistest.Start(t)
	var hang atomic.Bool
	release := make(chan struct{})
	entered := make(chan struct{}, 8)
	rcv := mustReceiver(t, func(int) int { return http.StatusOK })
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hang.Load() {
			entered <- struct{}{}
			select {
			case <-r.Context().Done():
			case <-release:
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		rcv.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(hanging.Close)
	t.Cleanup(func() { close(release) })
	ctx := context.Background()

	// 1. A queues and stops before its workers ever run.
	a := webhook.New(fast(webhook.Config{URL: hanging.URL, Queue: webhook.NewRedisQueue(mustRedis(t, srv.URL), "onramp:")}))
	if err := a.Emit(ctx, webhook.Event{ID: "evt_before", Type: webhook.AccountCreated, AccountID: 1}); err != nil {
		t.Fatal(err)
	}
	_ = a.Close()

	// 2. A is in the middle of an attempt when it stops: it hands the event back.
	hang.Store(true)
	a2 := webhook.New(fast(webhook.Config{URL: hanging.URL, Queue: webhook.NewRedisQueue(mustRedis(t, srv.URL), "onramp:"), Workers: 1}))
	a2.Start()
	<-entered
	_ = a2.Close()
	hang.Store(false)

	// It was handed back due at once (not left leased for the whole lease).
	qa := webhook.NewRedisQueue(mustRedis(t, srv.URL), "onramp:")
	if j, err := qa.Claim(ctx, time.Now(), 300*time.Millisecond); err != nil || j == nil || j.ID != "evt_before" {
		t.Fatalf("after A stopped mid-attempt: claimed %v (%v), want evt_before back at once", j, err)
	}

	// 3. A claimed an event and died without handing it back: its lease ends.
	if err := qa.Push(ctx, webhook.Job{ID: "evt_crashed", Type: webhook.SourceCreated, Body: []byte(`{"id":"evt_crashed"}`), CreatedAt: time.Now()}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if j, err := qa.Claim(ctx, time.Now(), 300*time.Millisecond); err != nil || j == nil || j.ID != "evt_crashed" {
		t.Fatalf("claimed %v (%v), want evt_crashed", j, err)
	}

	b := mustStartDispatcher(t, fast(webhook.Config{URL: rcv.URL, Queue: webhook.NewRedisQueue(mustRedis(t, srv.URL), "onramp:")}))
	waitFor(t, "both events at the receiver", func() bool {
		ids := map[string]bool{}
		for _, d := range rcv.deliveries() {
			ids[d.id] = true
		}
		return ids["evt_before"] && ids["evt_crashed"]
	})
	for _, d := range rcv.deliveries() {
		if d.id != "evt_before" && d.id != "evt_crashed" {
			t.Errorf("got event %q, want only the two queued", d.id)
		}
	}
	waitFor(t, "an empty queue", func() bool { n, _ := b.Queue().Len(ctx); return n == 0 })
}
