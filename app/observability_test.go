package app

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/onramp/onramp/emulator"
	"github.com/onramp/onramp/store/redistest"
	"github.com/onramp/onramp/webhook"
)

const (
	testMetricsToken  = "metrics-token-0123456789"
	testWebhookSecret = "whsec-test-0123456789abcdef"
)

// hook is one webhook the partner receiver got.
type hook struct {
	event  webhook.Event
	body   string
	status int   // what the receiver answered
	verify error // what webhook.Verify said
}

// partner is a real local webhook receiver that verifies every signature.
type partner struct {
	*httptest.Server
	mu      sync.Mutex
	got     []hook
	failing atomic.Bool // answer 500 while set
}

func mustPartner(tb testing.TB) *partner {
	tb.Helper()
	p := &partner{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h := hook{body: string(body), status: http.StatusOK,
			verify: webhook.Verify([]byte(testWebhookSecret), r.Header.Get(webhook.HeaderTimestamp), r.Header.Get(webhook.HeaderSignature), body, time.Now(), 5*time.Minute)}
		_ = json.Unmarshal(body, &h.event)
		if p.failing.Load() {
			h.status = http.StatusInternalServerError
		}
		p.mu.Lock()
		p.got = append(p.got, h)
		p.mu.Unlock()
		w.WriteHeader(h.status)
	}))
	tb.Cleanup(p.Close)
	return p
}

func (p *partner) hooks() []hook {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]hook(nil), p.got...)
}

// delivered counts the events of each type answered 200, once per id.
func (p *partner) delivered() map[string]int {
	seen, out := map[string]bool{}, map[string]int{}
	for _, h := range p.hooks() {
		if h.status == http.StatusOK && !seen[h.event.ID] {
			seen[h.event.ID] = true
			out[h.event.Type]++
		}
	}
	return out
}

// eventually polls cond until it holds or the deadline passes.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func observedEnv(p *partner, extra map[string]string) map[string]string {
	env := map[string]string{"ONRAMP_METRICS_TOKEN": testMetricsToken}
	if p != nil {
		env["ONRAMP_WEBHOOK_URL"], env["ONRAMP_WEBHOOK_SECRET"] = p.URL, testWebhookSecret
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func fastWebhooks(c *Config) {
	c.WebhookRetry = WebhookRetry{BaseDelay: 20 * time.Millisecond, MaxDelay: 100 * time.Millisecond, Poll: 10 * time.Millisecond, Lease: 3 * time.Second, Timeout: 2 * time.Second}
}

// funnel reads every funnel series: "source/platform.mysql/created" → value.
func funnel(ts *testServer) map[string]float64 {
	out := map[string]float64{}
	fams, err := ts.App.Metrics.Registry.Gather()
	if err != nil {
		return nil
	}
	for _, f := range fams {
		kind, ok := strings.CutPrefix(f.GetName(), "onramp_funnel_")
		if !ok {
			continue
		}
		kind = strings.TrimSuffix(kind, "_steps_total")
		for _, m := range f.GetMetric() {
			typ, step := "", ""
			for _, l := range m.GetLabel() {
				switch l.GetName() {
				case "step":
					step = l.GetValue()
				default:
					typ = l.GetValue()
				}
			}
			if v := m.GetCounter().GetValue(); v != 0 {
				out[kind+"/"+typ+"/"+step] = v
			}
		}
	}
	return out
}

// mustFunnel fails unless the funnel is exactly want.
func mustFunnel(tb testing.TB, ts *testServer, stage string, want map[string]float64) {
	tb.Helper()
	got := funnel(ts)
	var diffs []string
	for k, v := range want {
		if got[k] != v {
			diffs = append(diffs, fmt.Sprintf("%s: got %v, want %v", k, got[k], v))
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s: got %v, want 0", k, v))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 0 {
		tb.Fatalf("funnel after %s:\n%s", stage, strings.Join(diffs, "\n"))
	}
}

// accountIDFromSession decodes the session cookie (tests only) for the account id.
func (ts *testServer) accountIDFromSession(t *testing.T) int64 {
	t.Helper()
	u, _ := url.Parse(ts.URL)
	for _, c := range ts.Client.Jar.Cookies(u) {
		if c.Name != "onramp" {
			continue
		}
		values := map[any]any{}
		codecs := securecookie.CodecsFromPairs(ts.App.Config.SessionKeys...)
		if err := securecookie.DecodeMulti("onramp", c.Value, &values, codecs...); err != nil {
			t.Fatalf("decode session: %v", err)
		}
		s, _ := values["a"].(string)
		id, _ := strconv.ParseInt(s, 10, 64)
		return id
	}
	t.Fatal("no session cookie")
	return 0
}

// destinations lists the ids of the account's destinations at Stitch.
func (ts *testServer) destinations(t *testing.T) []string {
	t.Helper()
	ds, err := ts.App.Client.ListDestinations(context.Background(), ts.sessionToken(t))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range ds {
		out = append(out, d.ID.String())
	}
	return out
}

// routePattern reports whether a route label is an Echo pattern (or
// "unmatched"): no segment is a number.
func routePattern(v string) bool {
	if v == "unmatched" {
		return true
	}
	if !strings.HasPrefix(v, "/") {
		return false
	}
	for _, seg := range strings.Split(v, "/") {
		if _, err := strconv.ParseInt(seg, 10, 64); err == nil {
			return false
		}
	}
	return true
}

// journeyIDs are the identifiers and secrets a journey used; no metric
// label may carry one.
type journeyIDs struct {
	ids     []string // account, sources, destination: must not be a label or a path segment of one
	secrets []string // must not appear inside any label
}

// runJourney walks an account through the whole onboarding, checking the
// funnel after every step: each step moves its counter by exactly one, and
// pages seen again (reloads, polls, the step router) move nothing.
func runJourney(t *testing.T, ts *testServer) journeyIDs {
	t.Helper()
	var j journeyIDs
	mustFunnel(t, ts, "start", map[string]float64{})

	// Account: the create form, then the account.
	email := "funnel@example.com"
	csrf := ts.signUp(t, email)
	want := map[string]float64{"account//form_shown": 1, "account//created": 1}
	mustFunnel(t, ts, "sign up", want)
	j.secrets = append(j.secrets, email, csrf, ts.sessionToken(t), DemoPartnerSecret, testWebhookSecret, testMetricsToken, "s3cret-pw", "pw-secret")

	// Destination: the form, then the destination.
	ts.get(t, "/destination/new/postgres")
	want["destination/postgres/form_shown"] = 1
	mustFunnel(t, ts, "destination form", want)
	resp, body := ts.post(t, "/destination/new/postgres", url.Values{"_csrf": {csrf}, "host": {"db.example.com"}, "port": {"5432"},
		"username": {"stitch"}, "password": {"pw-secret"}, "database": {"warehouse"}, "encryption_type": {"none"}, "ssl": {"true"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create destination: got %d\n%s", resp.StatusCode, body)
	}
	ts.follow(t, resp)
	want["destination/postgres/created"] = 1
	mustFunnel(t, ts, "destination created", want)

	// A MySQL source, all the way.
	id, resp := ts.createMySQL(t, csrf, nil)
	j.ids = append(j.ids, id)
	want["source/platform.mysql/form_shown"] = 1
	want["source/platform.mysql/created"] = 1
	path, body := ts.follow(t, resp) // discover, then fields
	if path != "/sources/"+id+"/fields" {
		t.Fatalf("after discovery: landed on %s", path)
	}
	want["source/platform.mysql/discovery_succeeded"] = 1
	mustFunnel(t, ts, "discovery", want)
	ts.get(t, "/sources/"+id+"/discover") // seen again: no change
	ts.get(t, "/sources/"+id)
	mustFunnel(t, ts, "discovery seen again", want)
	ids := streamIDs(t, body)
	resp, body = ts.post(t, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"save"}, "shown": ids, "stream": ids[:2]})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save streams: got %d\n%s", resp.StatusCode, body)
	}
	ts.follow(t, resp)
	want["source/platform.mysql/fields_saved"] = 1
	want["source/platform.mysql/fully_configured"] = 1
	mustFunnel(t, ts, "fields saved", want)
	ts.get(t, "/sources/"+id+"/done")
	ts.get(t, "/sources/"+id)
	ts.get(t, "/sources")
	mustFunnel(t, ts, "done seen again", want)

	// A MySQL source whose connection check fails: counted once, however
	// often the page polls.
	bad, resp := ts.createMySQL(t, csrf, func(v url.Values) { v.Set("host", "db.invalid"); v.Set("display_name", "Broken DB") })
	j.ids = append(j.ids, bad)
	_, body = ts.follow(t, resp)
	contains(t, body, "Stitch could not find that host")
	ts.get(t, "/sources/"+bad+"/discover/status")
	ts.get(t, "/sources/"+bad+"/discover/status")
	want["source/platform.mysql/form_shown"] = 2
	want["source/platform.mysql/created"] = 2
	want["source/platform.mysql/discovery_failed"] = 1
	mustFunnel(t, ts, "check failed", want)

	// Google Analytics: white-label OAuth, then discovery.
	ga := gaAtOAuth(t, ts, csrf)
	j.ids = append(j.ids, ga)
	want["source/platform.google-analytics/form_shown"] = 1
	want["source/platform.google-analytics/created"] = 1
	mustFunnel(t, ts, "oauth step", want)
	cb := ts.providerConsent(t, ga, "approve")
	resp, _ = ts.get(t, cb)
	ts.follow(t, resp)
	mustFunnel(t, ts, "signed in, view id left", want)
	gaViewID(t, ts, csrf, ga)
	eventually(t, "GA at field selection", func() bool {
		r, _ := ts.get(t, "/sources/"+ga)
		return r.Header.Get("Location") == "/sources/"+ga+"/fields"
	})
	want["source/platform.google-analytics/oauth_completed"] = 1
	want["source/platform.google-analytics/discovery_succeeded"] = 1
	mustFunnel(t, ts, "oauth completed", want)

	acct := ts.accountIDFromSession(t)
	j.ids = append(j.ids, strconv.FormatInt(acct, 10))
	for _, d := range ts.destinations(t) {
		j.ids = append(j.ids, d)
	}
	return j
}

func TestJourneyMovesTheFunnelByOnePerStepAndSendsWebhooks(t *testing.T) {
	p := mustPartner(t)
	ts := mustStartWith(t, observedEnv(p, nil), io.Discard, fastWebhooks)
	j := runJourney(t, ts)

	wantHooks := map[string]int{
		webhook.AccountCreated: 1, webhook.DestinationCreated: 1, webhook.SourceCreated: 3,
		webhook.SourceConfigured: 1, webhook.SourceCheckFailed: 1,
	}
	eventually(t, "every webhook", func() bool { return fmt.Sprint(p.delivered()) == fmt.Sprint(wantHooks) })
	acct := ts.accountIDFromSession(t)
	for _, h := range p.hooks() {
		if h.verify != nil {
			t.Errorf("%s: signature: %v", h.event.Type, h.verify)
		}
		if h.event.AccountID != acct || h.event.ID == "" || h.event.CreatedAt.IsZero() {
			t.Errorf("%s: got id %q, account %d, time %v; want an id, account %d and a time", h.event.Type, h.event.ID, h.event.AccountID, h.event.CreatedAt, acct)
		}
		for _, s := range j.secrets {
			if strings.Contains(h.body, s) && s != "" {
				t.Errorf("%s carries %q: %s", h.event.Type, s, h.body)
			}
		}
		switch h.event.Type {
		case webhook.SourceCreated, webhook.SourceConfigured, webhook.SourceCheckFailed:
			if h.event.Data.SourceID == "" || h.event.Data.SourceType == "" {
				t.Errorf("%s lacks the source: %s", h.event.Type, h.body)
			}
		case webhook.DestinationCreated:
			if h.event.Data.DestinationID == "" || h.event.Data.DestinationType != "postgres" {
				t.Errorf("%s lacks the destination: %s", h.event.Type, h.body)
			}
		}
	}
}

// TestNoMetricLabelCarriesAnIDOrSecret scans every label value of the
// gathered registry after a journey.
func TestNoMetricLabelCarriesAnIDOrSecret(t *testing.T) {
	p := mustPartner(t)
	ts := mustStartWith(t, observedEnv(p, nil), io.Discard, fastWebhooks)
	j := runJourney(t, ts)
	// Also a launch token and a request id of our own.
	ts.get(t, "/launch/"+strings.Repeat("t0k3n", 8))
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/sources/987654321", nil)
	req.Header.Set("X-Request-Id", "req-label-check-42")
	if resp, err := ts.Client.Do(req); err == nil {
		resp.Body.Close()
	}
	j.secrets = append(j.secrets, "t0k3nt0k3n", "req-label-check-42", "987654321")
	eventually(t, "the webhooks", func() bool { return len(p.delivered()) == 5 })

	fams, err := ts.App.Metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				n++
				v := l.GetValue()
				for _, id := range j.ids {
					if v == id || strings.Contains(v, "/"+id) {
						t.Errorf("%s{%s=%q} carries the id %s", f.GetName(), l.GetName(), v, id)
					}
				}
				for _, s := range j.secrets {
					if strings.Contains(v, s) {
						t.Errorf("%s{%s=%q} carries %q", f.GetName(), l.GetName(), v, s)
					}
				}
				if l.GetName() == "route" && !routePattern(v) {
					t.Errorf("%s{route=%q} is not a route pattern", f.GetName(), v)
				}
				if l.GetName() == "endpoint" && v != "other" && !strings.HasPrefix(v, "/") {
					t.Errorf("%s{endpoint=%q} is not an endpoint pattern", f.GetName(), v)
				}
			}
		}
	}
	if n < 50 {
		t.Fatalf("scanned only %d labels: the journey was not measured", n)
	}
	// The families the README promises are all there.
	for _, name := range []string{
		"onramp_http_requests_total", "onramp_http_request_duration_seconds", "onramp_stitch_requests_total",
		"onramp_stitch_request_duration_seconds", "onramp_type_cache_lookups_total", "onramp_launch_tokens_total",
		"onramp_funnel_source_steps_total", "onramp_funnel_destination_steps_total", "onramp_funnel_account_steps_total",
		"onramp_webhook_events_total", "onramp_webhook_deliveries_total", "onramp_webhook_delivery_duration_seconds",
		"go_goroutines", "process_cpu_seconds_total",
	} {
		found := false
		for _, f := range fams {
			found = found || f.GetName() == name
		}
		if !found {
			t.Errorf("no %s after a journey", name)
		}
	}
	if got := ts.App.Metrics.Sum("http_requests_total", map[string]string{"route": "/sources/:id/done", "method": "GET", "status": "200"}); got < 2 {
		t.Errorf("GET /sources/:id/done 200: got %v, want at least 2", got)
	}
	if got := ts.App.Metrics.Sum("stitch_requests_total", map[string]string{"endpoint": "/v4/sources/{id}", "method": "GET", "status_class": "2xx"}); got < 1 {
		t.Errorf("Stitch GET /v4/sources/{id}: got %v, want some", got)
	}
	if got := ts.App.Metrics.Sum("launch_tokens_total", map[string]string{"outcome": "refused"}); got != 1 {
		t.Errorf("refused launch tokens: got %v, want 1", got)
	}
	if hit, miss := ts.App.Metrics.Sum("type_cache_lookups_total", map[string]string{"result": "hit"}),
		ts.App.Metrics.Sum("type_cache_lookups_total", map[string]string{"result": "miss"}); hit < 1 || miss < 1 {
		t.Errorf("type cache: got %v hits and %v misses, want both", hit, miss)
	}
}

func TestMetricsEndpointRefusesWithoutTheToken(t *testing.T) {
	ts := mustStart(t, observedEnv(nil, nil))
	ts.get(t, "/")
	for _, c := range []struct{ name, auth string }{{"no token", ""}, {"wrong token", "Bearer not-the-token-at-all"}, {"basic", "Basic " + testMetricsToken}} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/metrics", nil)
		if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp, err := ts.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || strings.Contains(string(b), "onramp_") {
			t.Errorf("%s: got %d, want 401 without metrics", c.name, resp.StatusCode)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testMetricsToken)
	resp, err := ts.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), `onramp_http_requests_total{method="GET",route="/",status="200"} 1`) || !strings.Contains(string(b), "go_goroutines") {
		t.Fatalf("with the token: got %d, want the metrics\n%.2000s", resp.StatusCode, b)
	}

	// Without a token (and no metrics address) /metrics is not served at all.
	plain := mustStart(t, nil)
	if r, _ := plain.get(t, "/metrics"); r.StatusCode != http.StatusNotFound {
		t.Errorf("unconfigured /metrics: got %d, want 404", r.StatusCode)
	}
}

func TestMetricsOnTheirOwnListener(t *testing.T) {
	env := map[string]string{"ONRAMP_ADDR": "127.0.0.1:0", "ONRAMP_METRICS_ADDR": "127.0.0.1:0", "ONRAMP_METRICS_TOKEN": testMetricsToken, "ONRAMP_EMULATOR_CHECK_DELAY": "0s"}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan *App, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, func(k string) string { return env[k] }, io.Discard, func(a *App) { ready <- a })
	}()
	t.Cleanup(func() { cancel(); <-done })
	var a *App
	select {
	case a = <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("Onramp did not start")
	}
	if a.MetricsURL == "" {
		t.Fatal("no metrics URL")
	}
	get := func(u, token string) int {
		req, _ := http.NewRequest(http.MethodGet, u, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(a.MetricsURL, testMetricsToken); got != http.StatusOK {
		t.Errorf("metrics listener with the token: got %d, want 200", got)
	}
	if got := get(a.MetricsURL, ""); got != http.StatusUnauthorized {
		t.Errorf("metrics listener without the token: got %d, want 401", got)
	}
	if got := get(a.Config.BaseURL+"/metrics", testMetricsToken); got != http.StatusNotFound {
		t.Errorf("main listener /metrics with a metrics address: got %d, want 404", got)
	}
}

// jsonLogSink collects JSON log lines, safe for the server's goroutines.
type jsonLogSink struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *jsonLogSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *jsonLogSink) lines(tb testing.TB) []map[string]any {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(s.b.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			tb.Fatalf("log line is not one JSON object: %v\n%s", err, sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// TestLogLinesCarryTheRequestID: in JSON mode, a handler's own line and the
// Connect client's retry line of a request carry that request's id, like
// its access line; the retry is counted.
func TestLogLinesCarryTheRequestID(t *testing.T) {
	var logs jsonLogSink
	ts := mustStartWith(t, observedEnv(nil, map[string]string{"ONRAMP_LOG_FORMAT": "json"}), &logs, nil)
	email := "logs@example.com"
	ts.signUp(t, email)
	if err := ts.App.Emulator.SetAccountFaults(email, emulator.Faults{Rules: []emulator.FaultRule{{Method: "GET", Path: "/v4/sources", Status: 503, Times: 1}}}); err != nil {
		t.Fatal(err)
	}
	send := func(path, id string) {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		req.Header.Set("X-Request-Id", id)
		resp, err := ts.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	send("/sources", "req-retry-1")                              // Stitch answers 503 once: the client retries
	send("/oauth/stitch/callback?state=forged", "req-handler-2") // the handler warns about the state
	eventually(t, "the log lines", func() bool { return len(logs.lines(t)) > 3 })

	byID := map[string][]string{}
	for _, l := range logs.lines(t) {
		id, _ := l["id"].(string)
		msg, _ := l["msg"].(string)
		byID[id] = append(byID[id], msg)
	}
	for id, want := range map[string][]string{
		"req-retry-1":   {"stitch connect request failed, retrying", "request"},
		"req-handler-2": {"account oauth callback with a missing, mismatched or reused state", "request"},
	} {
		for _, w := range want {
			if !strings.Contains(strings.Join(byID[id], "\n"), w) {
				t.Errorf("request %s: lines %q, want one saying %q", id, byID[id], w)
			}
		}
	}
	if got := ts.App.Metrics.Sum("stitch_retries_total", map[string]string{"endpoint": "/v4/sources", "method": "GET"}); got != 1 {
		t.Errorf("retries of GET /v4/sources: got %v, want 1", got)
	}
	if got := ts.App.Metrics.Sum("stitch_requests_total", map[string]string{"endpoint": "/v4/sources", "status_class": "5xx"}); got != 1 {
		t.Errorf("5xx of GET /v4/sources: got %v, want 1", got)
	}
}

// replica is one Onramp of several sharing Redis, which a test can stop.
type replica struct {
	*testServer
	stop func()
}

func startReplica(t *testing.T, env map[string]string) *replica {
	t.Helper()
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	fastWebhooks(&cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(cfg, ln.Addr().String(), NewLogger(cfg, io.Discard))
	if err != nil {
		t.Fatalf("new app: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = a.Serve(ctx, ln); close(done) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	jar, _ := cookiejar.New(nil)
	return &replica{testServer: &testServer{URL: "http://" + ln.Addr().String(), App: a,
		Client: &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}, stop: stop}
}

// TestWebhooksSurviveTheReplicaThatQueuedThem: with Redis, replica A queues
// account.created, fails to deliver it (the partner answers 500) and stops;
// replica B delivers it, with the same id.
func TestWebhooksSurviveTheReplicaThatQueuedThem(t *testing.T) {
	redis := redistest.Start(t)
	p := mustPartner(t)
	p.failing.Store(true)
	env := observedEnv(p, map[string]string{"REDIS_URL": redis.URL, "ONRAMP_EMULATOR_CHECK_DELAY": "0s"})

	a := startReplica(t, env)
	a.signUp(t, "replicas@example.com")
	eventually(t, "A's failed attempts", func() bool { return len(p.hooks()) >= 2 })
	a.stop()
	first := p.hooks()[0].event
	if first.Type != webhook.AccountCreated || first.ID == "" {
		t.Fatalf("got %+v, want account.created with an id", first)
	}

	p.failing.Store(false)
	startReplica(t, env)
	eventually(t, "B to deliver A's event", func() bool { return p.delivered()[webhook.AccountCreated] == 1 })
	for _, h := range p.hooks() {
		if h.event.ID != first.ID || h.verify != nil {
			t.Errorf("got event %s (signature %v), want only %s, signed", h.event.ID, h.verify, first.ID)
		}
	}
}

func TestObservabilityConfig(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		env  map[string]string
		want string // "" = valid
	}{
		{"webhooks", map[string]string{"ONRAMP_WEBHOOK_URL": "https://partner.example.com/hooks", "ONRAMP_WEBHOOK_SECRET": testWebhookSecret}, ""},
		{"webhook without secret", map[string]string{"ONRAMP_WEBHOOK_URL": "https://partner.example.com/hooks"}, "ONRAMP_WEBHOOK_SECRET"},
		{"short secret", map[string]string{"ONRAMP_WEBHOOK_URL": "https://partner.example.com/hooks", "ONRAMP_WEBHOOK_SECRET": "short"}, "ONRAMP_WEBHOOK_SECRET"},
		{"secret without URL", map[string]string{"ONRAMP_WEBHOOK_SECRET": testWebhookSecret}, "ONRAMP_WEBHOOK_URL"},
		{"bad webhook URL", map[string]string{"ONRAMP_WEBHOOK_URL": "partner.example.com", "ONRAMP_WEBHOOK_SECRET": testWebhookSecret}, "ONRAMP_WEBHOOK_URL"},
		{"metrics address", map[string]string{"ONRAMP_METRICS_ADDR": "127.0.0.1:9100"}, ""},
		{"bad metrics address", map[string]string{"ONRAMP_METRICS_ADDR": "9100"}, "ONRAMP_METRICS_ADDR"},
		{"short metrics token", map[string]string{"ONRAMP_METRICS_TOKEN": "abc"}, "ONRAMP_METRICS_TOKEN"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(func(k string) string { return c.env[k] })
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("got %v, want a valid configuration", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("got %v, want an error naming %s", err, c.want)
			}
			if c.want == "" && cfg.MetricsServed() {
				t.Error("metrics served on the main port without a token")
			}
		})
	}
}

func TestConnectingAnAccountCountsAndNotifies(t *testing.T) {
	p := mustPartner(t)
	ts := mustStartWith(t, observedEnv(p, nil), io.Discard, fastWebhooks)
	cb := ts.connectFlow(t, "connect-funnel@example.com", "approve")
	mustFunnel(t, ts, "consent page", map[string]float64{"account//connect_started": 1})
	resp, err := ts.Client.Get(cb)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	mustFunnel(t, ts, "connected", map[string]float64{"account//connect_started": 1, "account//connected": 1})
	eventually(t, "account.connected", func() bool { return p.delivered()[webhook.AccountConnected] == 1 })
	if h := p.hooks()[0]; h.event.AccountID != ts.accountIDFromSession(t) || h.verify != nil {
		t.Errorf("got %+v (signature %v), want the connected account, signed", h.event, h.verify)
	}
}
