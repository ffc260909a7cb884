package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/onramp/onramp/metrics"
)

// Defaults of Config.
const (
	DefaultBaseDelay = 30 * time.Second
	DefaultMaxDelay  = time.Hour
	DefaultMaxAge    = 24 * time.Hour
	DefaultPoll      = time.Second
	DefaultTimeout   = 10 * time.Second
	DefaultWorkers   = 4
)

// Config configures a Dispatcher. Zero values take the defaults above.
type Config struct {
	// URL receives the POSTs; Secret keys their signature.
	URL    string
	Secret []byte
	// Queue holds undelivered events (default: a MemoryQueue).
	Queue Queue
	// HTTPClient sends the POSTs; each attempt is bounded by Timeout.
	HTTPClient *http.Client
	Timeout    time.Duration
	// BaseDelay is the wait after the first failure; it doubles per failure
	// up to MaxDelay, with jitter. Events older than MaxAge are dropped.
	BaseDelay, MaxDelay, MaxAge time.Duration
	// Poll is how often an idle worker looks for due events (other
	// replicas' and retries); Lease how long a claimed event stays hidden.
	Poll, Lease time.Duration
	Workers     int
	Now         func() time.Time
	Log         *slog.Logger
	Metrics     *metrics.Metrics
}

// Dispatcher queues events and delivers them.
type Dispatcher struct {
	cfg   Config
	nudge chan struct{}

	mu     sync.Mutex
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New returns a Dispatcher; Start runs its workers.
func New(cfg Config) *Dispatcher {
	if cfg.Queue == nil {
		cfg.Queue = &MemoryQueue{}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.BaseDelay <= 0 {
		cfg.BaseDelay = DefaultBaseDelay
	}
	if cfg.MaxDelay < cfg.BaseDelay {
		cfg.MaxDelay = max(DefaultMaxDelay, cfg.BaseDelay)
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	if cfg.Lease <= cfg.Timeout {
		cfg.Lease = 2*cfg.Timeout + 5*time.Second
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{cfg: cfg, nudge: make(chan struct{}, 1)}
}

// Emit queues e for delivery, filling its id and time when empty. It
// returns once the event is queued (in Redis, durably for every replica).
func (d *Dispatcher) Emit(ctx context.Context, e Event) error {
	if e.ID == "" {
		e.ID = NewID()
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = d.cfg.Now()
	}
	e.CreatedAt = e.CreatedAt.UTC().Truncate(time.Millisecond)
	body, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode webhook event: %w", err)
	}
	if err := d.cfg.Queue.Push(ctx, Job{ID: e.ID, Type: e.Type, Body: body, CreatedAt: e.CreatedAt}, d.cfg.Now()); err != nil {
		d.cfg.Metrics.StoreError("webhook_push")
		return err
	}
	d.cfg.Metrics.WebhookQueued(e.Type)
	select {
	case d.nudge <- struct{}{}:
	default:
	}
	return nil
}

// Start runs the workers until Close.
func (d *Dispatcher) Start() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	for range d.cfg.Workers {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			d.work(ctx)
		}()
	}
}

// Close stops the workers and waits for them. An attempt cut short is
// handed back to the queue, due at once (for another replica with Redis).
func (d *Dispatcher) Close() error {
	d.mu.Lock()
	cancel := d.cancel
	d.mu.Unlock()
	if cancel != nil {
		cancel()
		d.wg.Wait()
	}
	return nil
}

func (d *Dispatcher) work(ctx context.Context) {
	t := time.NewTicker(d.cfg.Poll)
	defer t.Stop()
	for {
		for ctx.Err() == nil && d.step(ctx) {
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.nudge:
		}
	}
}

// step delivers one due job; it reports whether there was one.
func (d *Dispatcher) step(ctx context.Context) bool {
	j, err := d.cfg.Queue.Claim(ctx, d.cfg.Now(), d.cfg.Lease)
	if err != nil {
		if ctx.Err() == nil {
			d.cfg.Metrics.StoreError("webhook_claim")
			d.cfg.Log.WarnContext(ctx, "webhook queue unavailable", "err", err)
		}
		return false
	}
	if j == nil {
		return false
	}
	d.deliver(ctx, *j)
	return true
}

func (d *Dispatcher) deliver(ctx context.Context, j Job) {
	start := time.Now()
	status, err := d.post(ctx, j)
	took := time.Since(start).Seconds()
	bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if ctx.Err() != nil { // shutting down: let another worker or replica try at once
		_ = d.cfg.Queue.Retry(bg, j, d.cfg.Now())
		return
	}
	if err == nil && status/100 == 2 {
		if err := d.cfg.Queue.Ack(bg, j.ID); err != nil {
			d.cfg.Metrics.StoreError("webhook_ack") // delivered again after the lease: receivers deduplicate by id
		}
		d.cfg.Metrics.WebhookAttempt(j.Type, metrics.WebhookDelivered, took)
		return
	}
	j.Attempts++
	wait := d.backoff(j.Attempts)
	due := d.cfg.Now().Add(wait)
	if due.Sub(j.CreatedAt) > d.cfg.MaxAge {
		d.cfg.Log.Error("webhook dropped after retrying for its whole lifetime", "event", j.ID, "type", j.Type, "attempts", j.Attempts, "status", status, "err", errText(err))
		if err := d.cfg.Queue.Ack(bg, j.ID); err != nil {
			d.cfg.Metrics.StoreError("webhook_ack")
		}
		d.cfg.Metrics.WebhookAttempt(j.Type, metrics.WebhookGaveUp, took)
		return
	}
	d.cfg.Log.Warn("webhook delivery failed, will retry", "event", j.ID, "type", j.Type, "attempt", j.Attempts, "status", status, "wait", wait, "err", errText(err))
	if err := d.cfg.Queue.Retry(bg, j, due); err != nil {
		d.cfg.Metrics.StoreError("webhook_retry") // the lease ends and the job comes back anyway
	}
	d.cfg.Metrics.WebhookAttempt(j.Type, metrics.WebhookFailed, took)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// post sends one attempt and returns the receiver's status.
func (d *Dispatcher) post(ctx context.Context, j Job) (int, error) {
	actx, cancel := context.WithTimeout(ctx, d.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, d.cfg.URL, bytes.NewReader(j.Body))
	if err != nil {
		return 0, fmt.Errorf("build webhook request: %w", err)
	}
	ts := d.cfg.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "onramp-webhooks/1")
	req.Header.Set(HeaderEventID, j.ID)
	req.Header.Set(HeaderEventType, j.Type)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(d.cfg.Secret, ts, j.Body))
	resp, err := d.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// backoff is the wait after the n-th failure: BaseDelay·2^(n-1) capped at
// MaxDelay, its upper half randomised so receivers recovering from an
// outage are not hit by every retry at once.
func (d *Dispatcher) backoff(n int) time.Duration {
	w := d.cfg.BaseDelay
	for i := 1; i < n && w < d.cfg.MaxDelay; i++ {
		w *= 2
	}
	w = min(w, d.cfg.MaxDelay)
	half := w / 2
	if half <= 0 {
		return w
	}
	return half + rand.N(half+1)
}

// Queue is where the dispatcher keeps undelivered events.
func (d *Dispatcher) Queue() Queue { return d.cfg.Queue }
