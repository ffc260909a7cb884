package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/store/redistest"
)

// postWith posts a form with extra headers.
func (ts *testServer) postWith(tb testing.TB, path string, form url.Values, headers map[string]string) (*http.Response, string) {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := ts.Client.Do(req)
	if err != nil {
		tb.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestOriginIsCheckedWithAValidToken: a valid CSRF token is not enough when
// the browser says the request comes from another site.
func TestOriginIsCheckedWithAValidToken(t *testing.T) {
	ts := mustStart(t, map[string]string{"ONRAMP_EMBED_ORIGINS": "https://partner.example"})
	csrf := ts.signUp(t, "origin@example.com")
	id, _ := ts.createMySQL(t, csrf, nil)
	pause := "/sources/" + id + "/pause"
	refused := []map[string]string{
		{"Origin": "https://evil.example"},
		{"Origin": "null"},
		{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": ts.URL, "Sec-Fetch-Site": "cross-site"},
		{"Referer": "https://evil.example/page"},
		{"Origin": "https://partner.example.evil.example"},
	}
	for _, h := range refused {
		resp, body := ts.postWith(t, pause, url.Values{"_csrf": {csrf}}, h)
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "another website") {
			t.Errorf("%v: got %d, want 403 naming another website", h, resp.StatusCode)
		}
	}
	if src := ts.getSource(t, id); src.PausedAt != nil {
		t.Fatal("a refused request paused the source")
	}
	allowed := []map[string]string{
		{"Origin": ts.URL, "Sec-Fetch-Site": "same-origin"},
		{"Sec-Fetch-Site": "same-origin"},
		{"Origin": "https://partner.example", "Sec-Fetch-Site": "cross-site"},
		{"Referer": ts.URL + "/sources/" + id + "/done"},
		{}, // a non-browser client: the CSRF token decides
	}
	for _, h := range allowed {
		resp, body := ts.postWith(t, pause, url.Values{"_csrf": {csrf}}, h)
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%v: got %d, want 303\n%s", h, resp.StatusCode, body)
		}
	}
	// The origin check does not replace the token.
	if resp, _ := ts.postWith(t, pause, url.Values{"_csrf": {"wrong"}}, map[string]string{"Origin": ts.URL}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("same origin, bad token: got %d, want 403", resp.StatusCode)
	}
}

// TestOversizedChunkedFormIs413: a 2 MiB form sent chunked is "too large",
// not "this form has expired".
func TestOversizedChunkedFormIs413(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "big@example.com")
	body := "_csrf=" + url.QueryEscape(csrf) + "&display_name=" + strings.Repeat("x", 2<<20)
	for _, chunked := range []bool{false, true} {
		var r io.Reader = strings.NewReader(body)
		if chunked {
			r = io.MultiReader(r)
		}
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/sources/new/platform.mysql", r)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := ts.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(page), "too much to send") {
			t.Errorf("chunked %v: got %d, want 413 with its page", chunked, resp.StatusCode)
		}
	}
}

// TestHeadOnGetRoutesAndFavicon: HEAD answers like GET without a body, also
// for a launch link, which it does not use up; the favicon exists.
func TestHeadOnGetRoutesAndFavicon(t *testing.T) {
	ts := mustStart(t, launchEnv(nil))
	for _, p := range []string{"/", "/healthz", "/readyz", "/account/new", "/favicon.ico", "/theme.css"} {
		// Both ask for gzip explicitly (Go's client asks only on GET, and then
		// hides the compressed length): HEAD must answer what GET would.
		greq, _ := http.NewRequest(http.MethodGet, ts.URL+p, nil)
		greq.Header.Set("Accept-Encoding", "gzip")
		get, err := ts.Client.Do(greq)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, get.Body)
		get.Body.Close()
		req, _ := http.NewRequest(http.MethodHead, ts.URL+p, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		head, err := ts.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(head.Body)
		head.Body.Close()
		if head.StatusCode != get.StatusCode || len(b) != 0 || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") ||
			head.ContentLength != get.ContentLength {
			t.Errorf("HEAD %s: got %d %q with %d bytes, want GET's %d %q and no body", p, head.StatusCode, head.Header.Get("Content-Type"), len(b), get.StatusCode, get.Header.Get("Content-Type"))
		}
	}
	resp, body := ts.get(t, "/favicon.ico")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(body, "<svg") {
		t.Errorf("favicon: got %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	_, page := ts.get(t, "/")
	contains(t, page, `rel="icon"`)

	tok, id := ts.App.Emulator.NewAccount("")
	_, lb := ts.launch(t, testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": id})
	u, _ := lb["url"].(string)
	req, _ := http.NewRequest(http.MethodHead, u, nil)
	head, err := ts.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if head.StatusCode != http.StatusOK {
		t.Errorf("HEAD launch link: got %d, want 200", head.StatusCode)
	}
	if r, _ := mustStartSameEmulator(t, ts).get(t, strings.TrimPrefix(u, ts.URL)); r.StatusCode != http.StatusSeeOther {
		t.Errorf("the link after a HEAD: got %d, want 303 (still unused)", r.StatusCode)
	}
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRedisStoppedMidJourney: with Redis down, creating a source shows the
// honest page at once (503, "temporarily unavailable"), so do a launch and
// an account connection; /readyz says 503; the outage is logged once; when
// Redis is back, the same form goes through without a restart.
func TestRedisStoppedMidJourney(t *testing.T) {
	redis := redistest.Start(t)
	var logs syncBuffer
	ts := mustStartLogged(t, launchEnv(map[string]string{"REDIS_URL": redis.URL}), &logs)
	csrf := ts.signUp(t, "outage@example.com")
	_, page := ts.get(t, "/sources/new/platform.mysql")
	form := mysqlForm(csrf, formToken(t, page))

	redis.Stop()
	start := time.Now()
	resp, body := ts.post(t, "/sources/new/platform.mysql", form)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "temporarily unavailable") || !strings.Contains(body, "try again") {
		t.Fatalf("create during the outage: got %d, want 503 temporarily unavailable\n%s", resp.StatusCode, body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the outage page took %v, want it at once", d)
	}
	if r, body := ts.get(t, "/readyz"); r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "redis") {
		t.Errorf("/readyz during the outage: got %d %s, want 503 naming redis", r.StatusCode, body)
	}
	tok, id := ts.App.Emulator.NewAccount("")
	if r, b := ts.launch(t, testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": id}); r.StatusCode != http.StatusServiceUnavailable || errorCode(b) != "store_unavailable" {
		t.Errorf("launch during the outage: got %d %v, want 503 store_unavailable", r.StatusCode, b)
	}
	if r, body := mustStartSameEmulator(t, ts).get(t, "/launch/some-token"); r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "temporarily unavailable") {
		t.Errorf("redeem during the outage: got %d, want 503", r.StatusCode)
	}
	// Account connection: the state cannot be checked, so say the truth.
	other := mustStartSameEmulator(t, ts)
	r, _ := other.get(t, "/account/connect")
	loc, _ := url.Parse(r.Header.Get("Location"))
	state := loc.Query().Get("state")
	if r, body := other.get(t, "/oauth/stitch/callback?state="+url.QueryEscape(state)+"&code=x"); r.StatusCode != http.StatusServiceUnavailable || strings.Contains(body, "old or already used") {
		t.Errorf("account callback during the outage: got %d, want 503 and no \"already used\"", r.StatusCode)
	}
	if n := strings.Count(logs.String(), "redis is unavailable"); n != 1 {
		t.Errorf("outage logged %d times, want once:\n%s", n, logs.String())
	}

	redis.Restart()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r, _ := ts.get(t, "/readyz")
		if r.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz after redis came back: still %d", r.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
	resp, body = ts.post(t, "/sources/new/platform.mysql", form)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/sources/") {
		t.Fatalf("the same form after recovery: got %d → %q, want 303 to the source\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if !strings.Contains(logs.String(), "redis is available again") {
		t.Error("recovery was not logged")
	}
}

// eventsIn returns the events a page queues for the parent window.
func eventsIn(tb testing.TB, page string) []map[string]any {
	tb.Helper()
	i := strings.Index(page, `data-events="`)
	if i < 0 {
		return nil
	}
	raw := page[i+len(`data-events="`):]
	raw = raw[:strings.Index(raw, `"`)]
	raw = strings.NewReplacer("&#34;", `"`, "&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">", "&#39;", "'").Replace(raw)
	var evs []map[string]any
	if err := json.Unmarshal([]byte(raw), &evs); err != nil {
		tb.Fatalf("events %q: %v", raw, err)
	}
	return evs
}

func hasEvent(evs []map[string]any, typ, code string) bool {
	for _, e := range evs {
		d, _ := e["data"].(map[string]any)
		if e["type"] == typ && (code == "" || d["code"] == code) {
			return true
		}
	}
	return false
}

// TestWidgetHasNoDeadEnds: a launch session has no site header, nav or
// disconnect; a token revoked afterwards shows a clear page (not the
// signed-out start page) and posts onramp:error; a plain session keeps both.
func TestWidgetHasNoDeadEnds(t *testing.T) {
	ts := mustStart(t, launchEnv(nil))
	tok, id := ts.App.Emulator.NewAccount("widget@example.com")
	_, lb := ts.launch(t, testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": id})
	u, _ := lb["url"].(string)
	browser := mustStartSameEmulator(t, ts)
	resp, _ := browser.get(t, strings.TrimPrefix(u, ts.URL))
	_, page := browser.follow(t, resp)
	for _, p := range []string{"/", "/sources", "/sources/new", "/destination"} {
		_, page = browser.get(t, p)
		for _, bad := range []string{`data-testid="site-nav"`, `data-testid="disconnect"`, `class="site-header"`, "/account/disconnect", `href="/account/new"`} {
			if strings.Contains(page, bad) {
				t.Errorf("%s in a launch session contains %s", p, bad)
			}
		}
	}

	ts.App.Emulator.RevokeToken(tok)
	r, page := browser.get(t, "/sources")
	if r.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "Your connection to Stitch has ended") {
		t.Fatalf("revoked token in a launch session: got %d, want 401 with a clear page\n%s", r.StatusCode, page)
	}
	if !hasEvent(eventsIn(t, page), "onramp:error", "stitch_token_rejected") {
		t.Errorf("revoked token: no onramp:error event in %q", page)
	}
	if strings.Contains(page, `href="/account/new"`) {
		t.Error("revoked token page offers to create an account")
	}

	// Outside a launch, the site keeps its header and disconnect.
	plain := mustStartSameEmulator(t, ts)
	plain.signUp(t, "plain@example.com")
	_, page = plain.get(t, "/sources")
	contains(t, page, `data-testid="site-nav"`, `data-testid="disconnect"`)
}

// TestConnectExistingIsNeverFramed: asked from inside an iframe, connecting
// an existing account answers a page that continues in the top-level
// window (Stitch's consent page refuses frames) and sets no state; the start
// page's link targets the top-level window too.
func TestConnectExistingIsNeverFramed(t *testing.T) {
	ts := mustStart(t, nil)
	_, home := ts.get(t, "/")
	contains(t, home, `href="/account/connect" target="_top"`)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/account/connect", nil)
	req.Header.Set("Sec-Fetch-Dest", "iframe")
	resp, err := ts.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(b)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `target="_top"`) || !strings.Contains(page, `data-testid="notice-action"`) {
		t.Fatalf("framed connect: got %d, want a page continuing top-level\n%s", resp.StatusCode, page)
	}
	// Top-level, the same URL goes to Stitch's consent page.
	r, _ := ts.get(t, "/account/connect")
	if r.StatusCode != http.StatusSeeOther || !strings.Contains(r.Header.Get("Location"), "/oauth/authorization?") {
		t.Fatalf("top-level connect: got %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
}
