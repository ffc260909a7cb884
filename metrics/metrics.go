// Package metrics is Onramp's Prometheus instrumentation: one registry per
// App (no global state), the collectors every part reports to, an Echo
// middleware for HTTP requests, an http.RoundTripper for Stitch API calls
// and the /metrics handler (bearer token or a separate listener).
//
// Labels never carry a customer identifier or a secret: routes are Echo's
// patterns (c.Path()), Stitch endpoints are patterns ("/v4/sources/{id}"),
// types come from Stitch's catalog and everything else is a fixed set of
// words. Every method is safe on a nil *Metrics (instrumentation off).
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"sync"
)

// Metrics holds the registry and every collector Onramp reports to.
type Metrics struct {
	// Registry gathers everything below plus the Go runtime and process collectors.
	Registry *prometheus.Registry

	httpRequests   *prometheus.CounterVec
	httpDuration   *prometheus.HistogramVec
	routes         sync.Map // routeKey → routeObserver
	lookups        sync.Map // lookupKey → the cacheLookups counter
	stitchRequests *prometheus.CounterVec
	stitchDuration *prometheus.HistogramVec
	stitchRetries  *prometheus.CounterVec
	stitchTimeouts *prometheus.CounterVec
	cacheLookups   *prometheus.CounterVec
	launchTokens   *prometheus.CounterVec
	storeErrors    *prometheus.CounterVec

	sourceFunnel      *prometheus.CounterVec
	destinationFunnel *prometheus.CounterVec
	accountFunnel     *prometheus.CounterVec

	webhookEvents     *prometheus.CounterVec
	webhookDeliveries *prometheus.CounterVec
	webhookDuration   *prometheus.HistogramVec
}

// latencyBuckets suit pages and API calls: 5 ms to 30 s.
var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// New builds the collectors and registers them, with the Go runtime and
// process collectors, in a fresh registry.
func New() *Metrics {
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "onramp", Name: name, Help: help}, labels)
	}
	histogram := func(name, help string, labels ...string) *prometheus.HistogramVec {
		return prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "onramp", Name: name, Help: help, Buckets: latencyBuckets}, labels)
	}
	m := &Metrics{
		Registry: prometheus.NewRegistry(),

		httpRequests:   counter("http_requests_total", "HTTP requests answered, by route pattern, method and status.", "route", "method", "status"),
		httpDuration:   histogram("http_request_duration_seconds", "Time to answer HTTP requests, by route pattern and method.", "route", "method"),
		stitchRequests: counter("stitch_requests_total", "Stitch Connect API attempts, by endpoint pattern, method and status class (2xx… or error, timeout, canceled).", "endpoint", "method", "status_class"),
		stitchDuration: histogram("stitch_request_duration_seconds", "Duration of Stitch Connect API attempts, by endpoint pattern and method.", "endpoint", "method"),
		stitchRetries:  counter("stitch_retries_total", "Stitch Connect API requests retried after a transient failure, by endpoint pattern and method.", "endpoint", "method"),
		stitchTimeouts: counter("stitch_timeouts_total", "Stitch Connect API attempts that timed out, by endpoint pattern and method.", "endpoint", "method"),
		cacheLookups:   counter("type_cache_lookups_total", "Report card cache lookups, by cache (source_types, source_type, destination_types, destination_type) and result (hit, miss).", "cache", "result"),
		launchTokens:   counter("launch_tokens_total", "Launch tokens by outcome: minted, redeemed, expired, refused (used or unknown).", "outcome"),
		storeErrors:    counter("store_errors_total", "Failed operations of the shared store (Redis), by operation.", "op"),

		sourceFunnel:      counter("funnel_source_steps_total", "Onboarding funnel of sources: steps reached, by source type.", "source_type", "step"),
		destinationFunnel: counter("funnel_destination_steps_total", "Onboarding funnel of destinations: steps reached, by destination type.", "destination_type", "step"),
		accountFunnel:     counter("funnel_account_steps_total", "Onboarding funnel of accounts: steps reached.", "step"),

		webhookEvents:     counter("webhook_events_total", "Partner webhook events queued, by event type.", "event"),
		webhookDeliveries: counter("webhook_deliveries_total", "Partner webhook delivery attempts, by event type and outcome (delivered, failed, gave_up).", "event", "outcome"),
		webhookDuration:   histogram("webhook_delivery_duration_seconds", "Duration of webhook delivery attempts, by event type.", "event"),
	}
	m.Registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration,
		m.stitchRequests, m.stitchDuration, m.stitchRetries, m.stitchTimeouts,
		m.cacheLookups, m.launchTokens, m.storeErrors,
		m.sourceFunnel, m.destinationFunnel, m.accountFunnel,
		m.webhookEvents, m.webhookDeliveries, m.webhookDuration,
	)
	return m
}

// CacheLookup counts one lookup of the report card cache; key is
// "source", "sources", "destination" or "destinations".
func (m *Metrics) CacheLookup(key string, hit bool) {
	if m == nil {
		return
	}
	k := lookupKey{key, hit}
	if c, ok := m.lookups.Load(k); ok {
		c.(prometheus.Counter).Inc()
		return
	}
	name, ok := cacheNames[key]
	if !ok {
		name = "other"
	}
	result := "miss"
	if hit {
		result = "hit"
	}
	c := m.cacheLookups.WithLabelValues(name, result)
	if ok {
		m.lookups.Store(k, c) // the known keys only: the map stays small
	}
	c.Inc()
}

// lookupKey is CacheLookup's arguments, the key of its counters.
type lookupKey struct {
	key string
	hit bool
}

var cacheNames = map[string]string{
	"source": "source_type", "sources": "source_types",
	"destination": "destination_type", "destinations": "destination_types",
}

// Launch outcomes.
const (
	LaunchMinted   = "minted"
	LaunchRedeemed = "redeemed"
	LaunchExpired  = "expired"
	LaunchRefused  = "refused"
)

// LaunchToken counts one launch token outcome (LaunchMinted…).
func (m *Metrics) LaunchToken(outcome string) {
	if m == nil {
		return
	}
	m.launchTokens.WithLabelValues(outcome).Inc()
}

// StoreError counts one failed store operation (op is a fixed word such as "claim").
func (m *Metrics) StoreError(op string) {
	if m == nil {
		return
	}
	m.storeErrors.WithLabelValues(op).Inc()
}

// SourceStep counts a source of type typ reaching step.
func (m *Metrics) SourceStep(typ, step string) {
	if m == nil {
		return
	}
	m.sourceFunnel.WithLabelValues(safeType(typ), step).Inc()
}

// DestinationStep counts a destination of type typ reaching step.
func (m *Metrics) DestinationStep(typ, step string) {
	if m == nil {
		return
	}
	m.destinationFunnel.WithLabelValues(safeType(typ), step).Inc()
}

// AccountStep counts an account reaching step.
func (m *Metrics) AccountStep(step string) {
	if m == nil {
		return
	}
	m.accountFunnel.WithLabelValues(step).Inc()
}

// WebhookQueued counts an event queued for the partner.
func (m *Metrics) WebhookQueued(event string) {
	if m == nil {
		return
	}
	m.webhookEvents.WithLabelValues(event).Inc()
}

// Webhook delivery outcomes.
const (
	WebhookDelivered = "delivered"
	WebhookFailed    = "failed"  // this attempt failed; it will be retried
	WebhookGaveUp    = "gave_up" // the last attempt failed: the event is dropped
)

// WebhookAttempt counts one delivery attempt and its duration in seconds.
func (m *Metrics) WebhookAttempt(event, outcome string, seconds float64) {
	if m == nil {
		return
	}
	m.webhookDeliveries.WithLabelValues(event, outcome).Inc()
	m.webhookDuration.WithLabelValues(event).Observe(seconds)
}
