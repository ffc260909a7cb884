package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Test partner credentials.
const (
	testPartnerID     = "oc_test_partner"
	testPartnerSecret = "oc_test_secret"
)

// fakeClock is a settable clock for Config.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one emulator behind an httptest server.
type env struct {
	srv   *Server
	ts    *httptest.Server
	clock *fakeClock
}

// mustEnv starts an emulator with the embedded catalog, a fake clock and a
// 10s check delay; mutate may adjust the config.
func mustEnv(tb testing.TB, mutate func(*Config)) *env {
	tb.Helper()
	clock := newFakeClock()
	cfg := Config{PartnerID: testPartnerID, PartnerSecret: testPartnerSecret, CheckDelay: 10 * time.Second, Now: clock.Now}
	if mutate != nil {
		mutate(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		tb.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv)
	tb.Cleanup(ts.Close)
	return &env{srv: srv, ts: ts, clock: clock}
}

// resp is an answer read in full.
type resp struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value.
func (r resp) json(tb testing.TB) any {
	tb.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		tb.Fatalf("decode body %q: %v", r.body, err)
	}
	return v
}

// obj decodes the body as an object.
func (r resp) obj(tb testing.TB) map[string]any {
	tb.Helper()
	m, ok := r.json(tb).(map[string]any)
	if !ok {
		tb.Fatalf("body is not an object: %s", r.body)
	}
	return m
}

// mustDo sends a request; body may be nil, a string (sent verbatim) or any
// value (sent as JSON).
func (e *env) mustDo(tb testing.TB, method, path, token string, body any) resp {
	tb.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			tb.Fatalf("marshal body: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		tb.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return mustSend(tb, e.ts.Client(), req)
}

// mustForm posts form fields without following redirects.
func (e *env) mustForm(tb testing.TB, path string, form url.Values) resp {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, e.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		tb.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return mustSend(tb, e.noRedirect(), req)
}

func (e *env) noRedirect() *http.Client {
	c := *e.ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func mustSend(tb testing.TB, c *http.Client, req *http.Request) resp {
	tb.Helper()
	res, err := c.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatalf("read body: %v", err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// mustStatus fails unless the answer has the wanted status.
func mustStatus(tb testing.TB, r resp, want int) {
	tb.Helper()
	if r.status != want {
		tb.Fatalf("status: got %d, want %d (body %s)", r.status, want, r.body)
	}
}

// mustJSONEqual compares a body with the wanted JSON text.
func mustJSONEqual(tb testing.TB, r resp, want string) {
	tb.Helper()
	var got, exp any
	if err := json.Unmarshal(r.body, &got); err != nil {
		tb.Fatalf("decode body %q: %v", r.body, err)
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		tb.Fatalf("decode want %q: %v", want, err)
	}
	gb, _ := json.Marshal(got)
	eb, _ := json.Marshal(exp)
	if !bytes.Equal(gb, eb) {
		tb.Fatalf("body: got %s, want %s", gb, eb)
	}
}

// mustToken mints an account token.
func (e *env) mustToken(tb testing.TB, email string) (string, int64) {
	tb.Helper()
	tok, id := e.srv.NewAccount(email)
	if !strings.HasPrefix(tok, "at_") || id == 0 {
		tb.Fatalf("NewAccount: got %q, %d", tok, id)
	}
	return tok, id
}

// mustCreateSource creates a source and returns its decoded object.
func (e *env) mustCreateSource(tb testing.TB, token, typ, display string, props map[string]any) map[string]any {
	tb.Helper()
	r := e.mustDo(tb, "POST", "/v4/sources", token, map[string]any{"type": typ, "display_name": display, "properties": props})
	mustStatus(tb, r, http.StatusOK)
	return r.obj(tb)
}

// mustGetSource reads a source.
func (e *env) mustGetSource(tb testing.TB, token string, id any) map[string]any {
	tb.Helper()
	r := e.mustDo(tb, "GET", "/v4/sources/"+str(id), token, nil)
	mustStatus(tb, r, http.StatusOK)
	return r.obj(tb)
}

// step returns current_step and current_step_type of an object's report card.
func step(tb testing.TB, obj map[string]any) (string, string) {
	tb.Helper()
	rc, ok := obj["report_card"].(map[string]any)
	if !ok {
		tb.Fatalf("no report_card in %v", obj)
	}
	return str(rc["current_step"]), str(rc["current_step_type"])
}

// mustStep fails unless the object's card is at the wanted step.
func mustStep(tb testing.TB, obj map[string]any, wantN, wantType string) {
	tb.Helper()
	n, typ := step(tb, obj)
	if n != wantN || typ != wantType {
		tb.Fatalf("current step: got %s/%s, want %s/%s", n, typ, wantN, wantType)
	}
}

// provided returns the provided flag of a property in an object's card.
func provided(tb testing.TB, obj map[string]any, name string) bool {
	tb.Helper()
	rc, _ := obj["report_card"].(map[string]any)
	steps, _ := rc["steps"].([]any)
	for _, s := range steps {
		sm, _ := s.(map[string]any)
		props, _ := sm["properties"].([]any)
		for _, p := range props {
			pm, _ := p.(map[string]any)
			if pm["name"] == name {
				b, _ := pm["provided"].(bool)
				return b
			}
		}
	}
	tb.Fatalf("property %s not in report card", name)
	return false
}

// str formats a decoded JSON scalar.
func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return "null"
	}
	b, _ := json.Marshal(v)
	return string(b)
}
