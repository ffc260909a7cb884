package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var handoffURLRe = regexp.MustCompile(`data-testid="handoff-url"|value="(http://[^"]+/handoff/[^"]+)"`)

// handoffLink creates a hand-off link for a source's step from its page
// and returns the URL's path (shown once).
func (ts *testServer) handoffLink(t *testing.T, csrf, id, step string) string {
	t.Helper()
	resp, body := ts.get(t, "/sources/"+id+"/handoff?step="+step)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("hand-off page: got %d\n%s", resp.StatusCode, body)
	}
	contains(t, body, `data-testid="handoff-create"`)
	resp, body = ts.post(t, "/sources/"+id+"/handoff", url.Values{"_csrf": {csrf}, "step": {step}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("create link: got %d\n%s", resp.StatusCode, body)
	}
	for _, m := range handoffURLRe.FindAllStringSubmatch(body, -1) {
		if m[1] != "" {
			return strings.TrimPrefix(m[1], ts.URL)
		}
	}
	t.Fatalf("no link shown:\n%s", body)
	return ""
}

// openHandoff opens a link in browser b: the page, then its button.
func (b *testServer) openHandoff(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	r, page := b.get(t, path)
	if r.StatusCode != http.StatusOK || !strings.Contains(page, `data-testid="handoff-open"`) {
		t.Fatalf("open %s: got %d\n%s", "/handoff/…", r.StatusCode, page)
	}
	return b.post(t, path, url.Values{"_csrf": {csrfFrom(t, page)}})
}

// A link opens the one step in another browser (no session of the first
// user), works once, keeps the colleague inside that step, and its token
// never reaches the log.
func TestHandoffLinkOpensOneStepOnce(t *testing.T) {
	logs := &syncBuffer{}
	ts := mustStartLogged(t, nil, logs)
	csrf := ts.signUp(t, "handoff+owner@example.com")
	id, _ := ts.createMySQL(t, csrf, func(v url.Values) { v.Set("password", "wrong") })
	other, _ := ts.createMySQL(t, csrf, func(v url.Values) { v.Set("display_name", "Other DB") })

	_, form := ts.get(t, "/sources/"+id+"/form")
	contains(t, form, `data-testid="handoff-start"`, `href="/sources/`+id+`/handoff?step=form"`)
	link := ts.handoffLink(t, csrf, id, "form")
	token := strings.TrimPrefix(link, "/handoff/")
	if _, again := ts.get(t, "/sources/"+id+"/handoff?step=form"); strings.Contains(again, token) {
		t.Fatal("the link is shown a second time")
	}

	colleague := mustStartSameEmulator(t, ts)
	// A HEAD or a link previewer's GET does not use it up.
	if r, err := colleague.Client.Head(colleague.URL + link); err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("HEAD: %v %v", r, err)
	}
	resp, body := colleague.openHandoff(t, link)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sources/"+id+"/form" {
		t.Fatalf("use the link: got %d → %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	resp, body = colleague.get(t, "/sources/"+id+"/form")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the step: got %d\n%s", resp.StatusCode, body)
	}
	contains(t, body, `name="password"`, `value="db.example.com"`)
	for _, absent := range []string{`data-testid="site-nav"`, `data-testid="disconnect"`, `data-testid="handoff-start"`} {
		if strings.Contains(body, absent) {
			t.Errorf("the colleague's step shows %s", absent)
		}
	}
	for _, p := range []string{"/sources", "/", "/destination", "/sources/" + other + "/form", "/sources/new/platform.mysql", "/sources/" + id + "/handoff"} {
		if r, page := colleague.get(t, p); r.StatusCode != http.StatusForbidden || !strings.Contains(page, "opens one step only") {
			t.Errorf("GET %s in the colleague's session: got %d, want 403", p, r.StatusCode)
		}
	}
	if r, _ := colleague.post(t, "/account/disconnect", url.Values{"_csrf": {csrfFrom(t, body)}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("disconnect in the colleague's session: got %d, want 403", r.StatusCode)
	}

	// The colleague fixes the password; when the step is done, their part ends.
	resp, body = colleague.post(t, "/sources/"+id+"/form", url.Values{
		"_csrf": {csrfFrom(t, body)}, "display_name": {"Shop DB"}, "_choice.password": {"replace"}, "password": {"right-one"},
		"host": {"db.example.com"}, "port": {"3306"}, "user": {"stitch"}, "database": {"shop"}, "frequency_in_minutes": {"60"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save the step: got %d\n%s", resp.StatusCode, body)
	}
	path, body := colleague.follow(t, resp)
	if path != "/sources/"+id+"/fields" || !strings.Contains(body, "your part is done") {
		t.Fatalf("after the step: landed on %q\n%s", path, body)
	}
	if got := lastCheckStatus(t, ts, id); got != "succeeded" {
		t.Fatalf("the colleague's details: check %q, want succeeded", got)
	}

	// Once only.
	third := mustStartSameEmulator(t, ts)
	if resp, body := third.openHandoff(t, link); resp.StatusCode != http.StatusGone || !strings.Contains(body, "already used") {
		t.Fatalf("second use: got %d\n%s", resp.StatusCode, body)
	}
	if r, _ := third.get(t, "/sources/"+id+"/form"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a used link started a session: %d", r.StatusCode)
	}
	if strings.Contains(logs.String(), token) {
		t.Fatal("the hand-off token is in the log")
	}
	if !strings.Contains(logs.String(), "/handoff/[redacted]") {
		t.Error("the access log does not show the redacted hand-off path")
	}
}

// Links expire (fake clock, ONRAMP_HANDOFF_TTL) and can be revoked, also
// after they were opened: the colleague's session then ends.
func TestHandoffLinkExpiresAndIsRevoked(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	ts := mustStartWith(t, map[string]string{"ONRAMP_HANDOFF_TTL": "2h"}, io.Discard, func(c *Config) { c.Now = clock.Now })
	csrf := ts.signUp(t, "handoff+expiry@example.com")
	id, _ := ts.createMySQL(t, csrf, func(v url.Values) { v.Set("password", "wrong") })

	_, page := ts.get(t, "/sources/"+id+"/handoff")
	contains(t, page, "within 2 hours")
	expiring := ts.handoffLink(t, csrf, id, "form")
	clock.Add(2*time.Hour + time.Second)
	if resp, body := mustStartSameEmulator(t, ts).openHandoff(t, expiring); resp.StatusCode != http.StatusGone || !strings.Contains(body, "expired") {
		t.Fatalf("expired link: got %d\n%s", resp.StatusCode, body)
	}

	// Revoked before use.
	unused := ts.handoffLink(t, csrf, id, "form")
	_, page = ts.get(t, "/sources/"+id+"/handoff")
	linkID := regexp.MustCompile(`name="link" value="([0-9a-f]{32})"`).FindAllStringSubmatch(page, -1)
	if len(linkID) != 1 {
		t.Fatalf("links listed: %v, want the one live link", linkID)
	}
	resp, body := ts.post(t, "/sources/"+id+"/handoff/revoke", url.Values{"_csrf": {csrf}, "link": {linkID[0][1]}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "was revoked") {
		t.Fatalf("revoke: got %d\n%s", resp.StatusCode, body)
	}
	if resp, body := mustStartSameEmulator(t, ts).openHandoff(t, unused); resp.StatusCode != http.StatusGone || !strings.Contains(body, "revoked") {
		t.Fatalf("revoked link: got %d\n%s", resp.StatusCode, body)
	}

	// Revoked while in use: the colleague's session ends.
	inUse := ts.handoffLink(t, csrf, id, "form")
	colleague := mustStartSameEmulator(t, ts)
	if resp, _ := colleague.openHandoff(t, inUse); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("open: got %d", resp.StatusCode)
	}
	if r, _ := colleague.get(t, "/sources/"+id+"/form"); r.StatusCode != http.StatusOK {
		t.Fatalf("the step: got %d", r.StatusCode)
	}
	_, page = ts.get(t, "/sources/"+id+"/handoff")
	linkID = regexp.MustCompile(`name="link" value="([0-9a-f]{32})"`).FindAllStringSubmatch(page, -1)
	ts.post(t, "/sources/"+id+"/handoff/revoke", url.Values{"_csrf": {csrf}, "link": {linkID[0][1]}})
	if r, body := colleague.get(t, "/sources/"+id+"/form"); r.StatusCode != http.StatusGone || !strings.Contains(body, "revoked") {
		t.Fatalf("after revocation: got %d\n%s", r.StatusCode, body)
	}
	if r, _ := colleague.get(t, "/sources/"+id+"/form"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the session survived revocation: %d", r.StatusCode)
	}
	// Someone else's link id cannot be revoked from this browser.
	if r, _ := ts.post(t, "/sources/"+id+"/handoff/revoke", url.Values{"_csrf": {csrf}, "link": {strings.Repeat("a", 32)}}); r.StatusCode != http.StatusNotFound {
		t.Fatalf("revoke an unknown link: got %d, want 404", r.StatusCode)
	}
}

func (ts *testServer) handoffAPI(t *testing.T, method, path, key string, body any) (*http.Response, map[string]any) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, ts.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := ts.Client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}

// The partner's backend mints and revokes links with its API key.
func TestHandoffAPI(t *testing.T) {
	ts := mustStart(t, launchEnv(nil))
	csrf := ts.signUp(t, "handoff+api@example.com")
	id, _ := ts.createMySQL(t, csrf, func(v url.Values) { v.Set("password", "wrong") })
	tok := ts.sessionToken(t)
	acct := ts.getSourceAccount(t, id)
	body := map[string]any{"access_token": tok, "stitch_account_id": acct, "source_id": id}

	if r, out := ts.handoffAPI(t, http.MethodPost, "/api/v1/handoff", "", body); r.StatusCode != http.StatusUnauthorized || errorCode(out) != "unauthorized" {
		t.Fatalf("no key: got %d %v", r.StatusCode, out)
	}
	for _, tc := range []struct {
		body map[string]any
		code string
	}{
		{map[string]any{"access_token": tok, "stitch_account_id": acct, "source_id": 999999}, "unknown_source_id"},
		{map[string]any{"access_token": tok, "stitch_account_id": acct, "source_id": id, "step": "done"}, "invalid_step"},
		{map[string]any{"access_token": tok, "stitch_account_id": acct, "source_id": id, "extra": 1}, "invalid_request"},
	} {
		if r, out := ts.handoffAPI(t, http.MethodPost, "/api/v1/handoff", testAPIKey, tc.body); r.StatusCode != http.StatusBadRequest || errorCode(out) != tc.code {
			t.Errorf("%v: got %d %v, want 400 %s", tc.body, r.StatusCode, out, tc.code)
		}
	}
	r, out := ts.handoffAPI(t, http.MethodPost, "/api/v1/handoff", testAPIKey, body)
	if r.StatusCode != http.StatusCreated || out["step"] != "form" || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("mint: got %d %v", r.StatusCode, out)
	}
	u, _ := out["url"].(string)
	linkID, _ := out["id"].(string)
	exp, _ := time.Parse(time.RFC3339, out["expires_at"].(string))
	if d := time.Until(exp); d < 71*time.Hour || d > 73*time.Hour {
		t.Errorf("expires_at in %v, want the default 72 hours", d)
	}
	if r, out := ts.handoffAPI(t, http.MethodDelete, "/api/v1/handoff/"+linkID, testAPIKey, nil); r.StatusCode != http.StatusOK || out["revoked"] != true {
		t.Fatalf("revoke: got %d %v", r.StatusCode, out)
	}
	if resp, page := mustStartSameEmulator(t, ts).openHandoff(t, strings.TrimPrefix(u, ts.URL)); resp.StatusCode != http.StatusGone || !strings.Contains(page, "revoked") {
		t.Fatalf("a revoked link: got %d", resp.StatusCode)
	}
	if r, out := ts.handoffAPI(t, http.MethodDelete, "/api/v1/handoff/"+strings.Repeat("b", 32), testAPIKey, nil); r.StatusCode != http.StatusNotFound || errorCode(out) != "unknown_handoff" {
		t.Fatalf("revoke unknown: got %d %v", r.StatusCode, out)
	}
}
