package app

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/onramp/onramp/emulator"
)

func TestCreateAccountValidation(t *testing.T) {
	ts := mustStart(t, nil)
	_, body := ts.get(t, "/account/new")
	csrf := csrfFrom(t, body)
	resp, body := ts.post(t, "/account", url.Values{"_csrf": {csrf}, "first_name": {"Ada"}, "email": {"not-an-email"}, "company": {"X"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("got %d, want 422", resp.StatusCode)
	}
	contains(t, body, "There is a problem", "Enter your last name", "Enter an email address in the correct format", "Choose where your data should be processed", `value="not-an-email"`, `value="Ada"`)

	// An email already in use is reported on the email field, values kept.
	ts.signUp(t, "taken@example.com")
	other := mustStartSameEmulator(t, ts)
	_, body = other.get(t, "/account/new")
	resp, body = other.post(t, "/account", url.Values{"_csrf": {csrfFrom(t, body)}, "first_name": {"Grace"}, "last_name": {"Hopper"}, "email": {"taken@example.com"}, "company": {"Navy"}, "region": {"eu-central-1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("existing user: got %d, want 422", resp.StatusCode)
	}
	contains(t, body, "already has a Stitch account", `value="Grace"`, `value="Navy"`)
}

// startAgainst runs Onramp against a separately started emulator, as with real Stitch.
func startAgainst(t *testing.T, emu *emulator.Server, partnerSecret string) *testServer {
	t.Helper()
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	key := strings.Repeat("ab", 32) + ":" + strings.Repeat("cd", 32)
	return mustStart(t, map[string]string{
		"STITCH_API_URL": srv.URL, "STITCH_APP_URL": srv.URL,
		"STITCH_PARTNER_ID": "oc_partner", "STITCH_PARTNER_SECRET": partnerSecret,
		"ONRAMP_SESSION_KEYS": key,
	})
}

func newEmulator(t *testing.T, now func() time.Time) *emulator.Server {
	t.Helper()
	emu, err := emulator.New(emulator.Config{PartnerID: "oc_partner", PartnerSecret: "oc_right", Now: now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	return emu
}

func TestBadPartnerSecretIsAnOperatorError(t *testing.T) {
	ts := startAgainst(t, newEmulator(t, nil), "oc_wrong")
	_, body := ts.get(t, "/account/new")
	resp, body := ts.post(t, "/account", url.Values{"_csrf": {csrfFrom(t, body)}, "first_name": {"Ada"}, "last_name": {"L"}, "email": {"a@example.com"}, "company": {"X"}, "region": {"us-east-1"}})
	if resp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("got %d, want 500", resp.StatusCode)
	}
	contains(t, body, "not set up correctly")
	if strings.Contains(body, "oc_wrong") || strings.Contains(body, "Enter") {
		t.Fatalf("the page blames the user or leaks the secret:\n%s", body)
	}
}

// connectFlow runs GET /account/connect and the emulator's consent page;
// it returns the callback URL Stitch redirected to.
func (ts *testServer) connectFlow(t *testing.T, email, decision string) string {
	t.Helper()
	resp, _ := ts.get(t, "/account/connect?email="+url.QueryEscape(email))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("connect: got %d, want 303", resp.StatusCode)
	}
	authURL, _ := url.Parse(resp.Header.Get("Location"))
	q := authURL.Query()
	if q.Get("client_id") == "" || q.Get("state") == "" || !strings.HasSuffix(q.Get("redirect_uri"), "/oauth/stitch/callback") || q.Get("email") != email {
		t.Fatalf("authorization URL %s lacks client_id, state, redirect_uri or email", authURL)
	}
	consent := url.Values{"client_id": {q.Get("client_id")}, "redirect_uri": {q.Get("redirect_uri")}, "state": {q.Get("state")}, "email": {email}, "decision": {decision}}
	authURL.RawQuery = ""
	resp, err := ts.Client.PostForm(authURL.String(), consent)
	if err != nil {
		t.Fatalf("consent: %v", err)
	}
	resp.Body.Close()
	cb := resp.Header.Get("Location")
	if !strings.Contains(cb, "/oauth/stitch/callback?") {
		t.Fatalf("consent redirected to %q, want the callback", cb)
	}
	return cb
}

func TestConnectExistingAccount(t *testing.T) {
	ts := mustStart(t, nil)
	cb := ts.connectFlow(t, "existing@example.com", "approve")
	resp, _ := ts.Client.Get(cb)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("callback: got %d → %q, want 303 → /", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := ts.get(t, "/")
	contains(t, body, "Your Stitch account is connected.", "Your data pipeline")

	// Replaying the callback (state already used) is refused.
	resp, _ = ts.Client.Get(cb)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(b), "already used") {
		t.Fatalf("replay: got %d, want 400 with an explanation", resp.StatusCode)
	}
}

func TestConnectDeniedAndStateMismatch(t *testing.T) {
	ts := mustStart(t, nil)
	cb := ts.connectFlow(t, "deny@example.com", "deny")
	if !strings.Contains(cb, "error=access_denied") {
		t.Fatalf("deny: callback %q lacks error=access_denied", cb)
	}
	r, body := ts.get(t, strings.TrimPrefix(cb, ts.URL))
	if r.StatusCode != http.StatusOK {
		t.Fatalf("denied: got %d", r.StatusCode)
	}
	contains(t, body, "You did not allow access", `href="/account/connect"`)

	ts.get(t, "/account/connect")
	r, body = ts.get(t, "/oauth/stitch/callback?code=abc&state=forged")
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("state mismatch: got %d, want 400", r.StatusCode)
	}
	contains(t, body, "We could not connect your account")
	if r, _ := ts.get(t, "/sources/new"); r.StatusCode != http.StatusSeeOther {
		t.Fatal("a forged callback signed the user in")
	}
}

// fakeClock is a settable clock for the emulator.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestConnectExpiredAndReplayedCode(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	ts := startAgainst(t, newEmulator(t, clock.Now), "oc_right")

	// Expired: the code is exchanged more than five minutes after it was issued.
	cb := ts.connectFlow(t, "late@example.com", "approve")
	clock.Add(6 * time.Minute)
	r, body := ts.get(t, strings.TrimPrefix(cb, ts.URL))
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("expired code: got %d, want 400", r.StatusCode)
	}
	contains(t, body, "expired or was already used")

	// Replayed: a code used once cannot be used again, even with a fresh state.
	cb = ts.connectFlow(t, "replay@example.com", "approve")
	u, _ := url.Parse(cb)
	code := u.Query().Get("code")
	if r, _ := ts.get(t, u.RequestURI()); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first exchange: got %d, want 303", r.StatusCode)
	}
	cb2 := ts.connectFlow(t, "replay@example.com", "approve")
	u2, _ := url.Parse(cb2)
	q := u2.Query()
	q.Set("code", code)
	r, body = ts.get(t, u2.Path+"?"+q.Encode())
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("replayed code: got %d, want 400", r.StatusCode)
	}
	contains(t, body, "expired or was already used")
}

// sessionToken decodes the session cookie (tests only) to find the access token.
func (ts *testServer) sessionToken(t *testing.T) string {
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
		tok, _ := values["t"].(string)
		return tok
	}
	t.Fatal("no session cookie")
	return ""
}

func TestRevokedTokenEndsSession(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "revoked@example.com")
	id, _ := ts.createMySQL(t, csrf, nil)
	ts.App.Emulator.RevokeToken(ts.sessionToken(t))
	r, _ := ts.get(t, "/sources/"+id+"/fields")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
		t.Fatalf("after revocation: got %d → %q, want 303 → /", r.StatusCode, r.Header.Get("Location"))
	}
	_, body := ts.get(t, "/")
	contains(t, body, "Your connection to Stitch has ended", "Create a new Stitch account")
}

func TestDisconnect(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "bye@example.com")
	resp, _ := ts.post(t, "/account/disconnect", url.Values{"_csrf": {csrf}})
	_, body := ts.follow(t, resp)
	contains(t, body, "stay valid at Stitch", "Create a new Stitch account")
}

func TestDestinations(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "dest@example.com")
	_, body := ts.get(t, "/destination")
	contains(t, body, "Choose a destination", `href="/destination/new/postgres"`, `href="/destination/new/redshift"`)

	// PostgreSQL with a host that cannot resolve: the check fails with a plain message.
	pg := url.Values{"_csrf": {csrf}, "host": {"db.invalid"}, "port": {"5432"}, "username": {"stitch"}, "password": {"pw-secret"},
		"database": {"warehouse"}, "encryption_type": {"none"}, "ssl": {"true"}}
	resp, body := ts.post(t, "/destination/new/postgres", pg)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create postgres: got %d\n%s", resp.StatusCode, body)
	}
	_, body = ts.follow(t, resp)
	contains(t, body, "PostgreSQL", "Stitch could not find that host")

	// Edit: fix the host; the saved password is kept.
	_, body = ts.get(t, "/destination/edit")
	contains(t, body, `value="db.invalid"`, `name="_choice.password"`)
	if strings.Contains(body, "pw-secret") {
		t.Fatal("password shown on the edit form")
	}
	resp, body = ts.post(t, "/destination/edit", url.Values{"_csrf": {csrf}, "host": {"db.example.com"}, "port": {"5432"}, "username": {"stitch"},
		"_choice.password": {"keep"}, "database": {"warehouse"}, "encryption_type": {"none"}, "ssl": {"true"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: got %d\n%s", resp.StatusCode, body)
	}
	_, body = ts.follow(t, resp)
	contains(t, body, "The connection works.", "Connected")

	// Replacing it with Redshift needs a confirmation.
	_, body = ts.get(t, "/destination/new/redshift")
	contains(t, body, "You already have a destination", `name="confirm_replace"`)
	rs := url.Values{"_csrf": {csrf}, "host": {"cluster.invalid"}, "port": {"5439"}, "username": {"stitch"}, "password": {"pw"}, "database": {"dev"}, "encryption_type": {"none"}}
	resp, body = ts.post(t, "/destination/new/redshift", rs)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("replace without confirmation: got %d, want 422", resp.StatusCode)
	}
	contains(t, body, "Confirm that you want to replace")
	rs.Set("confirm_replace", "yes")
	resp, body = ts.post(t, "/destination/new/redshift", rs)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("replace: got %d\n%s", resp.StatusCode, body)
	}
	_, body = ts.follow(t, resp)
	contains(t, body, "Amazon Redshift", "Connection failed", "Stitch could not find that host")

	// Fix Redshift's host: the check passes.
	resp, body = ts.post(t, "/destination/edit", url.Values{"_csrf": {csrf}, "host": {"cluster.example.com"}, "port": {"5439"},
		"username": {"stitch"}, "_choice.password": {"keep"}, "database": {"dev"}, "encryption_type": {"none"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit redshift: got %d\n%s", resp.StatusCode, body)
	}
	_, body = ts.follow(t, resp)
	contains(t, body, "Amazon Redshift", "The connection works.", "Connected")
}
