package app

import (
	"context"
	"strconv"

	"github.com/onramp/onramp/connect"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// testServer is a whole Onramp (with its embedded emulator) on 127.0.0.1:0.
type testServer struct {
	URL    string
	App    *App
	Client *http.Client // cookie jar, redirects not followed
}

func mustStart(tb testing.TB, env map[string]string) *testServer {
	tb.Helper()
	return mustStartLogged(tb, env, io.Discard)
}

// mustStartLogged is mustStart with the log written to w (at
// ONRAMP_LOG_LEVEL, default info).
func mustStartLogged(tb testing.TB, env map[string]string, w io.Writer) *testServer {
	tb.Helper()
	return mustStartWith(tb, env, w, nil)
}

// mustStartWith is mustStartLogged with a last change to the loaded config
// (e.g. a fake clock) before the app is built.
func mustStartWith(tb testing.TB, env map[string]string, w io.Writer, tweak func(*Config)) *testServer {
	tb.Helper()
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["ONRAMP_EMULATOR_CHECK_DELAY"]; !ok {
		env["ONRAMP_EMULATOR_CHECK_DELAY"] = "0s"
	}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		tb.Fatalf("config: %v", err)
	}
	if tweak != nil {
		tweak(&cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("listen: %v", err)
	}
	log := NewLogger(cfg, w)
	a, err := New(cfg, ln.Addr().String(), log)
	if err != nil {
		tb.Fatalf("new app: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = a.Serve(ctx, ln); close(done) }()
	tb.Cleanup(func() { cancel(); <-done })
	jar, _ := cookiejar.New(nil)
	return &testServer{
		URL: "http://" + ln.Addr().String(),
		App: a,
		Client: &http.Client{
			Jar:           jar,
			Timeout:       10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

func (ts *testServer) get(tb testing.TB, path string) (*http.Response, string) {
	tb.Helper()
	resp, err := ts.Client.Get(ts.URL + path)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (ts *testServer) post(tb testing.TB, path string, form url.Values) (*http.Response, string) {
	tb.Helper()
	resp, err := ts.Client.PostForm(ts.URL+path, form)
	if err != nil {
		tb.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrfFrom extracts the CSRF token from a page.
func csrfFrom(tb testing.TB, body string) string {
	tb.Helper()
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		tb.Fatalf("no CSRF field in page:\n%s", body)
	}
	return m[1]
}

// signUp creates an account through the form and returns the CSRF token.
func (ts *testServer) signUp(tb testing.TB, email string) string {
	tb.Helper()
	_, body := ts.get(tb, "/account/new")
	tok := csrfFrom(tb, body)
	resp, body := ts.post(tb, "/account", url.Values{
		"_csrf": {tok}, "first_name": {"Ada"}, "last_name": {"Lovelace"},
		"email": {email}, "company": {"Engines"}, "region": {"us-east-1"},
	})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		tb.Fatalf("sign up: got %d → %q, want 303 → /\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	return tok
}

func contains(tb testing.TB, body string, wants ...string) {
	tb.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			tb.Errorf("page does not contain %q", w)
		}
	}
}

func newJar() (http.CookieJar, error) { return cookiejar.New(nil) }

// getSource reads a source from Stitch with the browser's token (tests only).
func (ts *testServer) getSource(tb testing.TB, id string) *connect.Source {
	tb.Helper()
	t, ok := tb.(*testing.T)
	if !ok {
		tb.Fatal("getSource needs a *testing.T")
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	src, err := ts.App.Client.GetSource(context.Background(), ts.sessionToken(t), connect.Int(n))
	if err != nil {
		tb.Fatalf("get source %s: %v", id, err)
	}
	return src
}
