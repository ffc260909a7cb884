package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/handlers"
	"github.com/onramp/onramp/journey"
	"github.com/onramp/onramp/webhook"
)

// observability builds what lets operators and partners see what happens:
// the funnel and event rules (journey), the webhook dispatcher and, with
// REDIS_URL, the Redis client both share across replicas.
func (a *App) observability(cfg Config, log *slog.Logger) (*journey.Recorder, error) {
	rec := &journey.Recorder{Metrics: a.Metrics, Log: log.With("component", "journey"), Now: cfg.Now}
	queue := webhook.Queue(&webhook.MemoryQueue{})
	if cfg.RedisURL != "" {
		opt, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return nil, fmt.Errorf("parse REDIS_URL: %w", err)
		}
		opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = 2*time.Second, 2*time.Second, 2*time.Second
		rdb := redis.NewClient(opt)
		defer func() { a.closers = append(a.closers, rdb.Close) }() // after the dispatcher's Close, which may still need it
		rec.Seen = journey.NewRedisSeen(rdb, "onramp:")
		queue = webhook.NewRedisQueue(rdb, "onramp:")
	}
	if cfg.WebhookURL == "" {
		return rec, nil
	}
	r := cfg.WebhookRetry
	a.Webhooks = webhook.New(webhook.Config{
		URL: cfg.WebhookURL, Secret: []byte(cfg.WebhookSecret), Queue: queue,
		BaseDelay: r.BaseDelay, MaxDelay: r.MaxDelay, MaxAge: r.MaxAge, Poll: r.Poll, Lease: r.Lease, Timeout: r.Timeout,
		Now: cfg.Now, Log: log.With("component", "webhook"), Metrics: a.Metrics,
	})
	a.closers = append(a.closers, a.Webhooks.Close)
	rec.Events = a.Webhooks
	return rec, nil
}

// observedTransport counts and times each Connect API attempt and passes
// the request id on (X-Request-Id).
func (a *App) observedTransport(next http.RoundTripper, apiURL string) http.RoundTripper {
	base := ""
	if u, err := url.Parse(apiURL); err == nil {
		base = u.Path
	}
	return a.Metrics.Transport(next, base, handlers.RequestID)
}

// typeCache is the report card cache, its hits and misses counted.
func (a *App) typeCache(api handlers.TypesAPI, ttl time.Duration) *handlers.TypeCache {
	tc := handlers.NewTypeCache(api, ttl)
	tc.OnLookup = a.Metrics.CacheLookup
	return tc
}

// metricsHandler is /metrics on the main listener, when it is served there.
func (a *App) metricsHandler(cfg Config) http.Handler {
	if !cfg.MetricsServed() {
		return nil
	}
	return a.Metrics.Handler(cfg.MetricsToken)
}

// serveMetrics serves /metrics on ONRAMP_METRICS_ADDR until ctx ends.
func (a *App) serveMetrics(ctx context.Context, ln net.Listener) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", a.Metrics.Handler(a.Config.MetricsToken))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	a.MetricsURL = "http://" + ln.Addr().String() + "/metrics"
}

var _ handlers.TypesAPI = (*connect.Client)(nil)
