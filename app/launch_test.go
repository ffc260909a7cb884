package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/store/redistest"
)

const testAPIKey = "test-partner-key-0123456789"

func (ts *testServer) launch(t *testing.T, key string, body map[string]any) (*http.Response, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/launch", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := ts.Client.Do(req)
	if err != nil {
		t.Fatalf("launch: %v", err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

func launchEnv(extra map[string]string) map[string]string {
	env := map[string]string{
		"ONRAMP_API_KEYS":      testAPIKey,
		"ONRAMP_RETURN_URLS":   "https://app.example.com/",
		"ONRAMP_EMBED_ORIGINS": "https://app.example.com",
	}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func errorCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

func TestLaunchTokens(t *testing.T) {
	ts := mustStart(t, launchEnv(nil))
	tok, id := ts.App.Emulator.NewAccount("")
	valid := map[string]any{"access_token": tok, "stitch_account_id": id, "source_type": "platform.mysql", "return_url": "https://app.example.com/done",
		"theme": map[string]any{"primary": "#0b5394", "compact": true}}

	cases := []struct {
		name, key string
		body      map[string]any
		status    int
		code      string
	}{
		{"wrong key", "nope-nope-nope-nope", valid, 401, "unauthorized"},
		{"no key", "", valid, 401, "unauthorized"},
		{"return_url not allowed", testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": id, "return_url": "https://evil.example.net/"}, 400, "return_url_not_allowed"},
		{"missing token", testAPIKey, map[string]any{"stitch_account_id": id}, 400, "invalid_request"},
		{"unreadable theme", testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": id, "theme": map[string]any{"text": "#777777", "background": "#888888"}}, 400, "invalid_theme"},
		{"unknown field", testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": id, "colour": "red"}, 400, "invalid_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := ts.launch(t, tc.key, tc.body)
			if resp.StatusCode != tc.status || errorCode(body) != tc.code {
				t.Fatalf("got %d %v, want %d with code %q", resp.StatusCode, body, tc.status, tc.code)
			}
		})
	}

	resp, body := ts.launch(t, testAPIKey, valid)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("valid launch: got %d %v", resp.StatusCode, body)
	}
	u, _ := body["url"].(string)
	if !strings.HasPrefix(u, ts.URL+"/launch/") || body["expires_at"] == nil {
		t.Fatalf("launch response: got %v", body)
	}
	browser := mustStartSameEmulator(t, ts)
	r, _ := browser.get(t, strings.TrimPrefix(u, ts.URL))
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sources/new/platform.mysql" {
		t.Fatalf("redeem: got %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	_, page := browser.get(t, "/sources/new/platform.mysql")
	contains(t, page, "Connect MySQL", "/theme.css?v=", `class="compact widget"`)
	// A full embedded session (token, account, theme, return URL, events,
	// CSRF and form token) stays well under the 4 KB cookie limit.
	bu, _ := url.Parse(browser.URL)
	for _, c := range browser.Client.Jar.Cookies(bu) {
		if c.Name == "onramp" && len(c.Name)+len(c.Value) > 3000 {
			t.Fatalf("session cookie is %d bytes", len(c.Value))
		}
	}

	// Reused: a clear page, and no session for a new browser.
	other := mustStartSameEmulator(t, ts)
	r, page = other.get(t, strings.TrimPrefix(u, ts.URL))
	if r.StatusCode != http.StatusGone || !strings.Contains(page, "already used") {
		t.Fatalf("reuse: got %d", r.StatusCode)
	}
	if r, _ := other.get(t, "/sources/new"); r.StatusCode != http.StatusSeeOther {
		t.Fatal("a reused launch token started a session")
	}
	r, page = other.get(t, "/launch/not-a-token")
	if r.StatusCode != http.StatusGone || !strings.Contains(page, "does not work") {
		t.Fatalf("unknown: got %d", r.StatusCode)
	}
}

func TestLaunchTokenExpires(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	ts := mustStartWith(t, launchEnv(map[string]string{"ONRAMP_LAUNCH_TTL": "1m"}), io.Discard, func(c *Config) { c.Now = clock.Now })
	tok, id := ts.App.Emulator.NewAccount("")
	_, body := ts.launch(t, testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": id})
	u, _ := body["url"].(string)
	clock.Add(61 * time.Second)
	r, page := ts.get(t, strings.TrimPrefix(u, ts.URL))
	if r.StatusCode != http.StatusGone || !strings.Contains(page, "expired") {
		t.Fatalf("expired: got %d", r.StatusCode)
	}
	if r, _ := ts.get(t, "/sources/new"); r.StatusCode != http.StatusSeeOther {
		t.Fatal("an expired launch token started a session")
	}
}

func TestLaunchAcrossReplicasWithRedis(t *testing.T) {
	redisURL := redistest.Start(t).URL
	a := mustStart(t, launchEnv(map[string]string{"REDIS_URL": redisURL}))
	// Replica B talks to the same Stitch (A's embedded emulator) and the same Redis.
	key := strings.Repeat("ab", 32) + ":" + strings.Repeat("cd", 32)
	b := mustStart(t, launchEnv(map[string]string{
		"REDIS_URL": redisURL, "STITCH_API_URL": a.URL + "/_stitch", "STITCH_APP_URL": a.URL + "/_stitch",
		"STITCH_PARTNER_ID": DemoPartnerID, "STITCH_PARTNER_SECRET": DemoPartnerSecret, "ONRAMP_SESSION_KEYS": key,
	}))
	tok, id := a.App.Emulator.NewAccount("")
	_, body := a.launch(t, testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": id})
	u, _ := body["url"].(string)
	path := strings.TrimPrefix(u, a.URL)

	r, _ := b.get(t, path)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("redeem on replica B: got %d, want 303", r.StatusCode)
	}
	if r, _ := b.get(t, "/sources/new"); r.StatusCode != http.StatusOK {
		t.Fatalf("replica B session: got %d, want 200", r.StatusCode)
	}
	for _, replica := range []*testServer{a, b} {
		other := mustStartSameEmulator(t, replica)
		if r, page := other.get(t, path); r.StatusCode != http.StatusGone || !strings.Contains(page, "already used") {
			t.Fatalf("second redemption: got %d, want 410 already used", r.StatusCode)
		}
	}
}

// TestLaunchFailsFast: every value the customer's browser would trip over is
// refused at mint time, each with its own code, and the message names what
// is wrong.
func TestLaunchFailsFast(t *testing.T) {
	ts := mustStart(t, launchEnv(nil))
	tok, id := ts.App.Emulator.NewAccount("fast@example.com")
	limitedTok, limitedID := ts.App.Emulator.NewAccount("ada+limited@example.com")
	otherTok, _ := ts.App.Emulator.NewAccount("other@example.com")
	revoked, revokedID := ts.App.Emulator.NewAccount("revoked@example.com")
	ts.App.Emulator.RevokeToken(revoked)
	src, err := ts.App.Client.CreateSource(context.Background(), tok, connect.CreateSourceRequest{Type: "platform.mysql", DisplayName: "Mine", Properties: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	otherSrc, err := ts.App.Client.CreateSource(context.Background(), otherTok, connect.CreateSourceRequest{Type: "platform.mysql", DisplayName: "Theirs", Properties: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	base := func(extra map[string]any) map[string]any {
		m := map[string]any{"access_token": tok, "stitch_account_id": id}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name    string
		body    map[string]any
		status  int
		code    string
		message string // a part of the message
	}{
		{"unknown source type", base(map[string]any{"source_type": "platform.nope"}), 400, "unknown_source_type", "platform.nope"},
		{"destination type as a source", base(map[string]any{"source_type": "postgres"}), 400, "unknown_source_type", ""},
		{"type the plan cannot use", map[string]any{"access_token": limitedTok, "stitch_account_id": limitedID, "source_type": "platform.salesforce"}, 400, "source_type_not_available", "platform.salesforce"},
		{"another account's source", base(map[string]any{"source_id": int64(otherSrc.ID)}), 400, "unknown_source_id", ""},
		{"missing source", base(map[string]any{"source_id": "999999"}), 400, "unknown_source_id", "999999"},
		{"source id not a number", base(map[string]any{"source_id": "12a"}), 400, "invalid_source_id", ""},
		{"negative source id", base(map[string]any{"source_id": -4}), 400, "invalid_source_id", ""},
		{"revoked access token", map[string]any{"access_token": revoked, "stitch_account_id": revokedID}, 400, "invalid_access_token", ""},
		{"misspelled theme key", base(map[string]any{"theme": map[string]any{"primry": "#6b21a8"}}), 400, "invalid_theme", `"primry"`},
		{"unknown field named", base(map[string]any{"colour": "red"}), 400, "invalid_request", `"colour"`},
		{"wrong type named", base(map[string]any{"locale": 5}), 400, "invalid_request", `"locale"`},
		{"return_url on a look-alike host", base(map[string]any{"return_url": "https://app.example.com.evil.example/"}), 400, "return_url_not_allowed", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := ts.launch(t, testAPIKey, tc.body)
			e, _ := body["error"].(map[string]any)
			msg, _ := e["message"].(string)
			if resp.StatusCode != tc.status || errorCode(body) != tc.code || !strings.Contains(msg, tc.message) {
				t.Fatalf("got %d %v, want %d with code %q and a message naming %q", resp.StatusCode, body, tc.status, tc.code, tc.message)
			}
		})
	}
	// A source id may be a number, as Stitch ids are, or a string.
	for _, sid := range []any{int64(src.ID), src.ID.String()} {
		resp, body := ts.launch(t, testAPIKey, base(map[string]any{"source_id": sid}))
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("source_id %#v: got %d %v, want 201", sid, resp.StatusCode, body)
		}
		u, _ := body["url"].(string)
		browser := mustStartSameEmulator(t, ts)
		if r, _ := browser.get(t, strings.TrimPrefix(u, ts.URL)); r.Header.Get("Location") != "/sources/"+src.ID.String() {
			t.Fatalf("source_id %#v: redeem went to %q, want /sources/%s", sid, r.Header.Get("Location"), src.ID)
		}
	}
	// The checks are never answered from a cache: a token revoked after a
	// successful launch is refused at the next one.
	late, lateID := ts.App.Emulator.NewAccount("late@example.com")
	for i, want := range []int{http.StatusCreated, http.StatusBadRequest} {
		if i == 1 {
			ts.App.Emulator.RevokeToken(late)
		}
		resp, body := ts.launch(t, testAPIKey, map[string]any{"access_token": late, "stitch_account_id": lateID, "source_type": "platform.mysql"})
		if resp.StatusCode != want || (i == 1 && errorCode(body) != "invalid_access_token") {
			t.Fatalf("launch %d of a token revoked in between: got %d %v, want %d", i+1, resp.StatusCode, body, want)
		}
	}
	// The limited account may still launch into a type it can use.
	if resp, body := ts.launch(t, testAPIKey, map[string]any{"access_token": limitedTok, "stitch_account_id": limitedID, "source_type": "platform.mysql"}); resp.StatusCode != http.StatusCreated {
		t.Fatalf("limited account, usable type: got %d %v, want 201", resp.StatusCode, body)
	}
}

// TestLaunchOversizedBodyIsJSON413: a 2 MiB launch, with a length or
// chunked, gets 413 in the API's JSON shape, not an HTML page.
func TestLaunchOversizedBodyIsJSON413(t *testing.T) {
	ts := mustStart(t, launchEnv(nil))
	big := `{"access_token":"` + strings.Repeat("a", 2<<20) + `","stitch_account_id":1}`
	for _, chunked := range []bool{false, true} {
		var r io.Reader = strings.NewReader(big)
		if chunked {
			r = io.MultiReader(strings.NewReader(big)) // no length: sent chunked
		}
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/v1/launch", r)
		req.Header.Set("Authorization", "Bearer "+testAPIKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := ts.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || errorCode(body) != "request_too_large" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("chunked %v: got %d %q %v, want 413 JSON request_too_large", chunked, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
}
