package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/emulator"
	"github.com/onramp/onramp/handlers"
)

// The benchmarks below serve whole requests through the app's handler: the
// router, every middleware (request id, access log, security headers,
// session, origin check, CSRF), the handler and the render. The page itself
// goes through no network; the app still calls its emulator over loopback
// where the page needs Stitch.

// signedInRequest is a GET of path carrying the test browser's cookies,
// after the browser has read the start page once (as it does after signing
// in), so the session holds no flash message and is not rewritten.
func signedInRequest(tb testing.TB, ts *testServer, path string, header http.Header) *http.Request {
	tb.Helper()
	ts.get(tb, "/")  // takes the sign-up's flash, as the browser's redirect would
	ts.get(tb, path) // a first visit may start state (a selection draft)
	u, _ := url.Parse(ts.URL)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, c := range ts.Client.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	return req
}

// benchGet serves path through the app's handler b.N times.
func benchGet(b *testing.B, ts *testServer, path string, wantStatus int, wantBody string) {
	b.Helper()
	benchRequest(b, ts.App.Handler, signedInRequest(b, ts, path, nil), wantStatus, wantBody)
}

func benchRequest(b *testing.B, h http.Handler, req *http.Request, wantStatus int, wantBody string) {
	b.Helper()
	// The tests verify every page cache hit (main_test.go); a benchmark
	// measures the page as served.
	handlers.VerifyPageCache = false
	defer func() { handlers.VerifyPageCache = true }()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != wantStatus || !strings.Contains(rec.Body.String(), wantBody) {
		b.Fatalf("GET %s: got %d, want %d with %q", req.URL.Path, rec.Code, wantStatus, wantBody)
	}
	if rec.Header().Get("Set-Cookie") != "" {
		b.Fatalf("GET %s rewrote the session cookie: the benchmark would measure a sign-in, not a page", req.URL.Path)
	}
	b.SetBytes(int64(rec.Body.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != wantStatus {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkHelloWorld is a bare Echo handler through the same kind of
// recorder: the floor the page benchmarks compare with.
func BenchmarkHelloWorld(b *testing.B) {
	e := echo.New()
	e.GET("/", func(c echo.Context) error { return c.String(http.StatusOK, "Hello, World!") })
	benchRequest(b, e, httptest.NewRequest(http.MethodGet, "/", nil), http.StatusOK, "Hello")
}

// BenchmarkNewSourceFormPage is GET /sources/new/platform.mysql with a warm
// report card cache: no Stitch call, build + render only (target ≤ 60 µs,
// ≤ 150 allocations).
func BenchmarkNewSourceFormPage(b *testing.B) {
	ts := mustStart(b, nil)
	ts.signUp(b, "bench-form@example.com")
	benchGet(b, ts, "/sources/new/platform.mysql", http.StatusOK, `data-property="host"`)
}

// BenchmarkNewSourceFormPageGzip is the same page for a browser that
// accepts gzip: the CPU compression costs, per page.
func BenchmarkNewSourceFormPageGzip(b *testing.B) {
	ts := mustStart(b, nil)
	ts.signUp(b, "bench-form-gzip@example.com")
	req := signedInRequest(b, ts, "/sources/new/platform.mysql", http.Header{"Accept-Encoding": {"gzip, deflate, br"}})
	benchRequest(b, ts.App.Handler, req, http.StatusOK, "")
}

// BenchmarkSourcesPage is GET /sources for an account with three sources:
// one Stitch call to list them and one per source for its last check,
// against the embedded emulator over loopback.
func BenchmarkSourcesPage(b *testing.B) {
	ts := mustStart(b, nil)
	csrf := ts.signUp(b, "bench-sources@example.com")
	createSources(b, ts, csrf, 3)
	benchGet(b, ts, "/sources", http.StatusOK, `data-testid="sources-table"`)
}

// BenchmarkSourcesPageSlowStitch is GET /sources with 200 ms of Stitch
// latency and three sources: with the last checks read in parallel it takes
// about two round trips (the list, then the checks), not four.
func BenchmarkSourcesPageSlowStitch(b *testing.B) {
	ts := mustStart(b, nil)
	const email = "bench-sources-slow@example.com"
	csrf := ts.signUp(b, email)
	createSources(b, ts, csrf, 3)
	if err := ts.App.Emulator.SetAccountFaults(email, emulator.Faults{Latency: 200 * time.Millisecond}); err != nil {
		b.Fatal(err)
	}
	benchGet(b, ts, "/sources", http.StatusOK, `data-testid="sources-table"`)
}

// createSources creates n MySQL sources, each with its own name.
func createSources(tb testing.TB, ts *testServer, csrf string, n int) {
	tb.Helper()
	for i := range n {
		ts.createMySQL(tb, csrf, func(v url.Values) { v.Set("display_name", fmt.Sprintf("Shop %d", i)) })
	}
}

// BenchmarkFieldsPage2000Streams is GET /sources/{id}/fields for a database
// with 2,000 tables (the emulator's many_2000 sandbox value): the stream list
// is fetched, filtered and paginated; no schema is fetched.
func BenchmarkFieldsPage2000Streams(b *testing.B) {
	ts := mustStart(b, nil)
	csrf := ts.signUp(b, "bench-fields@example.com")
	id, _ := ts.createMySQL(b, csrf, func(v url.Values) { v.Set("database", "many_2000") })
	benchGet(b, ts, "/sources/"+id+"/fields", http.StatusOK, "0 of 2,000 streams selected") // the count in the locale's number format
}
