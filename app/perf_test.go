package app

import (
	"bytes"
	"compress/gzip"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/emulator"
)

// gatedEmulator is a standalone emulator whose last-connection-check answers
// wait until want of them are in flight together (or a deadline passes), and
// which records the most that were: calls made one after another never
// overlap, whatever the machine's speed.
type gatedEmulator struct {
	srv  *httptest.Server
	want int

	mu       sync.Mutex
	inFlight int
	maxSeen  int
	full     chan struct{} // closed when want checks are in flight
}

func newGatedEmulator(tb testing.TB, partnerID, partnerSecret string, want int) *gatedEmulator {
	tb.Helper()
	emu, err := emulator.New(emulator.Config{PartnerID: partnerID, PartnerSecret: partnerSecret})
	if err != nil {
		tb.Fatalf("emulator: %v", err)
	}
	g := &gatedEmulator{want: want, full: make(chan struct{})}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/last-connection-check") {
			emu.ServeHTTP(w, r)
			return
		}
		g.mu.Lock()
		g.inFlight++
		g.maxSeen = max(g.maxSeen, g.inFlight)
		if g.inFlight == g.want {
			close(g.full)
		}
		g.mu.Unlock()
		select { // a sequential caller waits out the deadline here, once per call
		case <-g.full:
		case <-time.After(2 * time.Second):
		}
		emu.ServeHTTP(w, r)
		g.mu.Lock()
		g.inFlight--
		g.mu.Unlock()
	}))
	tb.Cleanup(g.srv.Close)
	return g
}

func (g *gatedEmulator) max() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.maxSeen
}

// TestSourcesListReadsChecksInParallel: GET /sources reads the last check of
// every source at once, so the page takes about two Stitch round trips (the
// list, then the checks), not one per source.
func TestSourcesListReadsChecksInParallel(t *testing.T) {
	const sources = 4
	key := hex.EncodeToString([]byte("0123456789abcdef0123456789abcdef"))
	g := newGatedEmulator(t, "oc_perf_partner", "oc_perf_secret", sources)
	ts := mustStart(t, map[string]string{
		"STITCH_API_URL": g.srv.URL, "STITCH_PARTNER_ID": "oc_perf_partner", "STITCH_PARTNER_SECRET": "oc_perf_secret",
		"ONRAMP_SESSION_KEYS": key + ":" + key,
	})
	csrf := ts.signUp(t, "parallel-checks@example.com")
	createSources(t, ts, csrf, sources)
	g.mu.Lock()
	g.maxSeen, g.full = 0, make(chan struct{}) // the creations' own reads don't count
	g.mu.Unlock()

	resp, body := ts.get(t, "/sources")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /sources: got %d, want 200\n%s", resp.StatusCode, body)
	}
	for i := range sources {
		contains(t, body, fmt.Sprintf("Shop %d", i))
	}
	if got := g.max(); got != sources {
		t.Fatalf("got at most %d last-check calls in flight together, want %d (one per source, in parallel)", got, sources)
	}
}

// TestFormPageGzip: a browser that accepts gzip gets the same page
// compressed, with Vary and the compressed Content-Length; one that does
// not (or refuses it with q=0) gets it plain.
func TestFormPageGzip(t *testing.T) {
	t.Parallel()
	ts := mustStart(t, nil)
	ts.signUp(t, "gzip@example.com")
	get := func(accept string) *httptest.ResponseRecorder {
		req := signedInRequest(t, ts, "/sources/new/platform.mysql", http.Header{"Accept-Encoding": {accept}})
		rec := httptest.NewRecorder()
		ts.App.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("Accept-Encoding %q: got %d, want 200", accept, rec.Code)
		}
		if got := rec.Header().Get("Vary"); got != "Accept-Encoding" {
			t.Fatalf("Accept-Encoding %q: got Vary %q, want Accept-Encoding", accept, got)
		}
		if got, want := rec.Header().Get("Content-Length"), fmt.Sprint(rec.Body.Len()); got != want {
			t.Fatalf("Accept-Encoding %q: got Content-Length %s, want %s", accept, got, want)
		}
		return rec
	}
	plain := get("")
	if plain.Header().Get("Content-Encoding") != "" || !strings.Contains(plain.Body.String(), `data-property="host"`) {
		t.Fatalf("without Accept-Encoding: got Content-Encoding %q, want a plain page", plain.Header().Get("Content-Encoding"))
	}
	for _, accept := range []string{"gzip", "gzip, deflate, br", "br;q=1.0, GZIP;q=0.5"} {
		rec := get(accept)
		if got := rec.Header().Get("Content-Encoding"); got != "gzip" {
			t.Fatalf("Accept-Encoding %q: got Content-Encoding %q, want gzip", accept, got)
		}
		page := mustGunzip(t, rec.Body.Bytes())
		if !strings.Contains(page, `data-property="host"`) || !strings.HasSuffix(strings.TrimSpace(page), "</html>") {
			t.Fatalf("Accept-Encoding %q: the page does not decompress to the form:\n%.300s", accept, page)
		}
		if rec.Body.Len() >= plain.Body.Len()/2 {
			t.Fatalf("Accept-Encoding %q: got %d bytes compressed of %d, want less than half", accept, rec.Body.Len(), plain.Body.Len())
		}
	}
	for _, accept := range []string{"gzip;q=0", "deflate, br", "identity"} {
		if got := get(accept).Header().Get("Content-Encoding"); got != "" {
			t.Fatalf("Accept-Encoding %q: got Content-Encoding %q, want none", accept, got)
		}
	}
}

func mustGunzip(tb testing.TB, b []byte) string {
	tb.Helper()
	zr, err := gzipReader(b)
	if err != nil {
		tb.Fatalf("gunzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		tb.Fatalf("gunzip: %v", err)
	}
	return string(out)
}

func gzipReader(b []byte) (io.Reader, error) { return gzip.NewReader(bytes.NewReader(b)) }

// TestFreshFormIsShared: the create form page's fields are built and
// rendered once and shared by every visitor (pages served at once, under
// -race, agree), and a submission with errors, which builds its own form,
// leaves the shared one untouched.
func TestFreshFormIsShared(t *testing.T) {
	t.Parallel()
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "fresh-form@example.com")
	const path = "/sources/new/platform.mysql"
	fields := func(body string) string { // the page without its per-request tokens
		body = formTokenRe.ReplaceAllString(body, "")
		return body[strings.Index(body, `<form`):strings.Index(body, `</form>`)]
	}
	_, first := ts.get(t, path)
	want := fields(first)
	if strings.Contains(want, `class="error-message"`) || !strings.Contains(want, `data-property="host"`) {
		t.Fatalf("the fresh form is not a blank form:\n%s", want)
	}
	req := signedInRequest(t, ts, path, nil)
	var wg sync.WaitGroup
	pages := make([]string, 8)
	for i := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			ts.App.Handler.ServeHTTP(rec, req.Clone(req.Context()))
			pages[i] = rec.Body.String()
		}()
	}
	wg.Wait()
	for i, p := range pages {
		if got := fields(p); got != want {
			t.Fatalf("page %d served at once differs from the first:\n%s\nwant:\n%s", i, got, want)
		}
	}

	form := mysqlForm(csrf, formToken(t, first))
	form.Del("host")
	resp, body := ts.post(t, path, form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `class="error-message"`) {
		t.Fatalf("POST without host: got %d, want 422 with an error message", resp.StatusCode)
	}
	if _, again := ts.get(t, path); fields(again) != want {
		t.Fatalf("after a submission with errors the fresh form changed:\n%s", fields(again))
	}
}
