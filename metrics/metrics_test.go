package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/metrics"
	"github.com/onramp/onramp/store"
)

func TestEndpointPatterns(t *testing.T) {
	t.Parallel()
	for path, want := range map[string]string{
		"/v4/sources":                             "/v4/sources",
		"/v4/sources/45612":                       "/v4/sources/{id}",
		"/v4/sources/45612/streams/99":            "/v4/sources/{id}/streams/{id}",
		"/v4/sources/45612/streams/metadata":      "/v4/sources/{id}/streams/metadata",
		"/v4/sources/45612/last-connection-check": "/v4/sources/{id}/last-connection-check",
		"/v4/source-types/platform.mysql":         "/v4/source-types/{type}",
		"/v4/destinations/7":                      "/v4/destinations/{id}",
		"/v3/accounts":                            "/v3/accounts",
		"/oauth/token":                            "/oauth/token",
		"/v4/sources/abc":                         "other",
		"/v4/sources/1/unknown":                   "other",
		"/v4/source-types?x=1":                    "/v4/source-types",
		"/v4/116078/extractions?page=2":           "/v4/{id}/extractions",
	} {
		if got := metrics.Endpoint(path); got != want {
			t.Errorf("Endpoint(%q): got %q, want %q", path, got, want)
		}
	}
}

func TestTransportCountsAttemptsByPattern(t *testing.T) {
	t.Parallel()
	var gotID string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotID = r.Header.Get("X-Request-Id")
		if strings.HasSuffix(r.URL.Path, "/slow") {
			<-r.Context().Done() // answers only after the client gave up
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	m := metrics.New()
	type key struct{}
	hc := &http.Client{Transport: m.Transport(nil, "/_stitch", func(ctx context.Context) string { s, _ := ctx.Value(key{}).(string); return s })}
	ctx := context.WithValue(context.Background(), key{}, "req-77")
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/_stitch/v4/sources/12", nil)
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if gotID != "req-77" {
		t.Errorf("X-Request-Id upstream: got %q, want req-77", gotID)
	}
	if req.Header.Get("X-Request-Id") != "" {
		t.Error("the caller's request was modified")
	}
	if got := m.Sum("stitch_requests_total", map[string]string{"endpoint": "/v4/sources/{id}", "method": "GET", "status_class": "5xx"}); got != 1 {
		t.Errorf("5xx: got %v, want 1", got)
	}
	tctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	req, _ = http.NewRequestWithContext(tctx, http.MethodGet, srv.URL+"/_stitch/v4/sources/12/slow", nil)
	if _, err := hc.Do(req); err == nil {
		t.Fatal("want a timeout")
	}
	if got := m.Sum("stitch_timeouts_total", map[string]string{"endpoint": "other"}); got != 1 {
		t.Errorf("timeouts: got %v, want 1", got)
	}
	m.Retry(context.Background(), http.MethodPut, "/v4/sources/12", 1)
	if got := m.Sum("stitch_retries_total", map[string]string{"endpoint": "/v4/sources/{id}", "method": "PUT"}); got != 1 {
		t.Errorf("retries: got %v, want 1", got)
	}
}

func TestHandlerNeedsTheToken(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	h := m.Handler("s3cret-metrics-token")
	for auth, want := range map[string]int{"": 401, "Bearer nope": 401, "Bearer s3cret-metrics-token": 200} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("Authorization %q: got %d, want %d", auth, rec.Code, want)
		}
		body, _ := io.ReadAll(rec.Body)
		if (want == 200) != strings.Contains(string(body), "go_goroutines") {
			t.Errorf("Authorization %q: body shows metrics = %v, want %v", auth, !(want == 200), want == 200)
		}
	}
}

func TestMiddlewareLabelsByRoutePattern(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	e := echo.New()
	e.Pre(m.Middleware(e.Routes))
	e.GET("/sources/:id", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/missing/:id", func(c echo.Context) error { return echo.ErrNotFound })
	for _, p := range []string{"/sources/45612", "/sources/777", "/missing/1", "/nowhere/at/all/12345"} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, p, nil))
	}
	for labels, want := range map[[2]string]float64{
		{"/sources/:id", "200"}:    2,
		{"/missing/:id", "404"}:    1,
		{metrics.Unmatched, "404"}: 1,
	} {
		if got := m.Sum("http_requests_total", map[string]string{"route": labels[0], "status": labels[1], "method": "GET"}); got != want {
			t.Errorf("route %s status %s: got %v, want %v", labels[0], labels[1], got, want)
		}
	}
}

type failingStore struct{ store.Memory }

func (f *failingStore) Claim(context.Context, string) (bool, error) {
	return false, errors.Join(store.ErrUnavailable, errors.New("connection refused"))
}

func TestStoreCountsFailuresAndLaunches(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	s := m.Store(&failingStore{})
	ctx := context.Background()
	if _, err := s.Claim(ctx, "k"); err == nil {
		t.Fatal("want the store's error")
	}
	_ = s.Put(ctx, "tok", []byte("{}"), time.Now().Add(time.Minute))
	_, _, _ = s.Redeem(ctx, "tok")
	_, _, _ = s.Redeem(ctx, "tok")
	_, _, _ = s.Redeem(ctx, "unknown")
	for labels, want := range map[[2]string]float64{
		{"store_errors_total", "claim"}: 1, {"launch_tokens_total", "minted"}: 1,
		{"launch_tokens_total", "redeemed"}: 1, {"launch_tokens_total", "refused"}: 2,
	} {
		key := "op"
		if labels[0] == "launch_tokens_total" {
			key = "outcome"
		}
		if got := m.Sum(labels[0], map[string]string{key: labels[1]}); got != want {
			t.Errorf("%s{%s}: got %v, want %v", labels[0], labels[1], got, want)
		}
	}
}

func TestNilMetricsIsOff(t *testing.T) {
	t.Parallel()
	var m *metrics.Metrics
	m.SourceStep("platform.mysql", "created")
	m.CacheLookup("source", true)
	m.Retry(context.Background(), "GET", "/v4/sources", 1)
	if s := m.Store(nil); s != nil {
		t.Fatal("nil store")
	}
}

// TestREADMEDocumentsEveryMetric: each onramp_ family, once it has a series,
// is named in the README's metrics table.
func TestREADMEDocumentsEveryMetric(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := metrics.New()
	e := echo.New()
	e.Pre(m.Middleware(e.Routes))
	e.GET("/", func(c echo.Context) error { return c.NoContent(http.StatusOK) })
	e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second)) // already over: a timeout
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/v4/sources", nil)
	_, _ = (&http.Client{Transport: m.Transport(nil, "", nil)}).Do(req)
	m.Retry(context.Background(), "GET", "/v4/sources", 1)
	m.CacheLookup("source", true)
	m.LaunchToken(metrics.LaunchMinted)
	m.StoreError("claim")
	m.SourceStep("platform.mysql", "created")
	m.DestinationStep("postgres", "created")
	m.AccountStep("created")
	m.WebhookQueued("account.created")
	m.WebhookAttempt("account.created", metrics.WebhookDelivered, 0.1)
	fams, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fams {
		if !strings.HasPrefix(f.GetName(), "onramp_") {
			continue
		}
		n++
		if !strings.Contains(string(readme), "`"+f.GetName()+"`") {
			t.Errorf("%s is not documented in README.md", f.GetName())
		}
	}
	if n != 15 {
		t.Errorf("got %d onramp_ families, want 15 (a new metric needs a README row and this count)", n)
	}
}
