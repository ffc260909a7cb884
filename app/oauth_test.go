package app

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onramp/onramp/emulator"
)

// gaAtOAuth creates a Google Analytics source at the oauth step
// (white-label: the emulator's pretend provider in emulator mode). The step
// asks for the sign-in first: the view id is looked up in the provider's
// account, so it is asked after (gaViewID).
func gaAtOAuth(t *testing.T, ts *testServer, csrf string) string {
	t.Helper()
	_, body := ts.get(t, "/sources/new/platform.google-analytics")
	resp, body := ts.post(t, "/sources/new/platform.google-analytics", url.Values{
		"_csrf": {csrf}, "_form_token": {formToken(t, body)}, "display_name": {"GA"}, "start_date": {"2024-01-01"},
		"report_definitions[0].name": {"Traffic"}, "report_definitions[0].id": {"a1"},
	})
	path, body := ts.follow(t, resp)
	if !strings.HasSuffix(path, "/oauth") {
		t.Fatalf("landed on %s, want oauth\n%s", path, body)
	}
	id := sourcePath.FindStringSubmatch(path)[1]
	if strings.Contains(body, `name="view_id"`) {
		t.Fatalf("the view id is asked before the sign-in:\n%s", body)
	}
	contains(t, body, `href="/sources/`+id+`/oauth/authorize"`, `data-testid="oauth-next"`, "View ID")
	return id
}

// gaViewID answers the step's last question once the sign-in is done: the
// oauth page now asks for the view id, with help on where to find it, and
// saving it moves the source on. It returns the path landed on.
func gaViewID(t *testing.T, ts *testServer, csrf, id string) string {
	t.Helper()
	_, body := ts.get(t, "/sources/"+id+"/oauth")
	contains(t, body, `name="view_id"`, "View settings")
	if strings.Contains(body, `data-testid="authorize"`) {
		t.Fatalf("the sign-in is offered again after it was done:\n%s", body)
	}
	resp, body := ts.post(t, "/sources/"+id+"/oauth", url.Values{"_csrf": {csrf}, "view_id": {"143355753"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save view id: got %d\n%s", resp.StatusCode, body)
	}
	path, _ := ts.follow(t, resp)
	return path
}

// signedInNotDone checks what Stitch holds after the sign-in: every
// sign-in property provided, the view id not yet, the step still oauth.
func signedInNotDone(t *testing.T, ts *testServer, id string) {
	t.Helper()
	src := ts.getSource(t, id)
	if src.ReportCard.CurrentStepType != "oauth" {
		t.Fatalf("after the sign-in without a view id: step %s, want oauth", src.ReportCard.CurrentStepType)
	}
	oauth, _ := src.ReportCard.Step("oauth")
	for _, p := range oauth.Properties {
		if p.Name == "view_id" && p.Provided {
			t.Errorf("view_id provided before the user typed it")
		}
		if p.Name != "view_id" && p.IsRequired && !p.Provided {
			t.Errorf("oauth property %s not provided at Stitch after the sign-in", p.Name)
		}
	}
}

// providerConsent follows /oauth/authorize to the provider and answers it;
// it returns the callback URL (path and query) the provider redirected to.
func (ts *testServer) providerConsent(t *testing.T, id, decision string) string {
	t.Helper()
	resp, _ := ts.get(t, "/sources/"+id+"/oauth/authorize")
	auth, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusSeeOther || !strings.Contains(auth.Path, "/provider/authorize") {
		t.Fatalf("authorize: got %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	q := auth.Query()
	for _, k := range []string{"state", "code_challenge", "client_id", "redirect_uri"} {
		if q.Get(k) == "" {
			t.Fatalf("authorization URL lacks %s: %s", k, auth)
		}
	}
	if q.Get("code_challenge_method") != "S256" || q.Get("access_type") != "offline" {
		t.Fatalf("authorization URL: want S256 PKCE and access_type=offline: %s", auth)
	}
	form := url.Values{"decision": {decision}}
	for _, k := range []string{"client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"} {
		form.Set(k, q.Get(k))
	}
	auth.RawQuery = ""
	r, err := ts.Client.PostForm(auth.String(), form)
	if err != nil {
		t.Fatalf("consent: %v", err)
	}
	io.Copy(io.Discard, r.Body)
	r.Body.Close()
	cb, _ := url.Parse(r.Header.Get("Location"))
	if cb == nil || cb.Path != "/oauth/source/callback" {
		t.Fatalf("provider redirected to %q", r.Header.Get("Location"))
	}
	return cb.RequestURI()
}

func TestWhiteLabelOAuthSuccessAndReplay(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "wl@example.com")
	id := gaAtOAuth(t, ts, csrf)
	cb := ts.providerConsent(t, id, "approve")
	resp, body := ts.get(t, cb)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("callback: got %d\n%s", resp.StatusCode, body)
	}
	path, _ := ts.follow(t, resp)
	if path != "/sources/"+id+"/oauth" {
		t.Fatalf("after sign-in: landed on %s, want the oauth step's view id", path)
	}
	signedInNotDone(t, ts, id)
	if path := gaViewID(t, ts, csrf, id); !strings.HasSuffix(path, "/fields") && !strings.HasSuffix(path, "/discover") {
		t.Fatalf("after the view id: landed on %s, want discovery or fields", path)
	}
	src := ts.getSource(t, id)
	oauth, _ := src.ReportCard.Step("oauth")
	for _, p := range oauth.Properties {
		if p.IsRequired && !p.Provided {
			t.Errorf("oauth property %s not provided at Stitch", p.Name)
		}
	}
	// Replaying the callback is refused: the state was single use.
	resp, body = ts.get(t, cb)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "old or already used") {
		t.Fatalf("replay: got %d", resp.StatusCode)
	}
}

func TestWhiteLabelOAuthFailures(t *testing.T) {
	cases := []struct {
		name     string
		faults   emulator.Faults
		decision string
		tamper   bool
		status   int
		want     string
	}{
		{"denied", emulator.Faults{}, "deny", false, http.StatusOK, "You did not allow access"},
		{"state mismatch", emulator.Faults{}, "approve", true, http.StatusBadRequest, "old or already used"},
		{"no refresh token", emulator.Faults{ProviderOmitRefreshToken: true}, "approve", false, http.StatusBadGateway, "no refresh token"},
		{"token endpoint 500", emulator.Faults{ProviderTokenError: true}, "approve", false, http.StatusBadGateway, "did not answer"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := mustStart(t, nil)
			csrf := ts.signUp(t, "wlf@example.com")
			id := gaAtOAuth(t, ts, csrf)
			ts.App.Emulator.SetFaults(tc.faults)
			cb := ts.providerConsent(t, id, tc.decision)
			if tc.tamper {
				u, _ := url.Parse(cb)
				q := u.Query()
				q.Set("state", "forged")
				u.RawQuery = q.Encode()
				cb = u.RequestURI()
			}
			resp, body := ts.get(t, cb)
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Fatalf("got %d, want %d with %q\n%s", resp.StatusCode, tc.status, tc.want, body)
			}
			contains(t, body, `href="/sources/`+id+`/oauth"`)
			if src := ts.getSource(t, id); src.ReportCard.CurrentStepType != "oauth" {
				t.Fatalf("source moved to %s after a failed sign-in", src.ReportCard.CurrentStepType)
			}
			for _, secret := range []string{emulator.DefaultProviderClientSecret, "prt_"} {
				if strings.Contains(body, secret) {
					t.Fatalf("page leaks %q", secret)
				}
			}
		})
	}
}

func TestStitchManagedOAuthEndpoints(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "managed@example.com")
	_, body := ts.get(t, "/sources/new/platform.hubspot")
	resp, _ := ts.post(t, "/sources/new/platform.hubspot", url.Values{
		"_csrf": {csrf}, "_form_token": {formToken(t, body)}, "display_name": {"HubSpot"}, "start_date": {"2024-01-01"},
	})
	path, body := ts.follow(t, resp)
	id := sourcePath.FindStringSubmatch(path)[1]
	contains(t, body, `data-app-origin="`+ts.URL+`"`, `data-session-url="/sources/`+id+`/oauth/session"`)

	// The popup's ephemeral token needs the CSRF header.
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/sources/"+id+"/oauth/session", nil)
	r, err := ts.Client.Do(req)
	if err != nil || r.StatusCode != http.StatusForbidden {
		t.Fatalf("session without CSRF: got %v %v, want 403", r.StatusCode, err)
	}
	req.Header.Set("X-CSRF-Token", csrf)
	r, err = ts.Client.Do(req)
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("session: got %v %v", r.StatusCode, err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if !strings.Contains(string(b), "ephemeral_token") {
		t.Fatalf("session answer %s", b)
	}
	// No Onramp page posts to an endpoint only the emulator has: the new-tab
	// fallback is an Onramp page that becomes the popup's opener.
	_, body = ts.get(t, "/sources/"+id+"/oauth")
	contains(t, body, `href="/sources/`+id+`/oauth/window"`, `data-testid="oauth-nojs"`, `data-status-url="/sources/`+id+`/oauth/status"`)
	if strings.Contains(body, "/v2/js-client") || strings.Contains(body, `name="ephemeral_token"`) {
		t.Fatal("the oauth page relies on an emulator-only form entry")
	}
	_, body = ts.get(t, "/sources/"+id+"/oauth/window")
	contains(t, body, `data-mode="window"`, `data-app-url="`+ts.URL+`/_stitch"`, "Open the Stitch sign-in")
	if strings.Contains(body, "ephemeral_token") {
		t.Fatal("the new-tab page carries an ephemeral token")
	}
	resp, body = ts.get(t, "/sources/"+id+"/oauth/status")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"step":"oauth"`) || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("status: got %d %q", resp.StatusCode, body)
	}
	if r, _ := ts.get(t, "/sources/"+id+"/oauth/start"); r.StatusCode != http.StatusNotFound && r.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("the old form hand-off still answers: %d", r.StatusCode)
	}
	// "I have finished" before approving explains, and stays.
	_, body = ts.get(t, "/sources/"+id+"/oauth/continue")
	contains(t, body, "has not received your approval")
}

// Facebook Ads: form, Stitch-managed OAuth, then the profile step's own form.
func TestProfileStep(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "profile@example.com")
	_, body := ts.get(t, "/sources/new/platform.facebook")
	resp, _ := ts.post(t, "/sources/new/platform.facebook", url.Values{
		"_csrf": {csrf}, "_form_token": {formToken(t, body)}, "display_name": {"Ads"}, "start_date": {"2024-01-01"},
	})
	path, _ := ts.follow(t, resp)
	if !strings.HasSuffix(path, "/oauth") {
		t.Fatalf("landed on %s, want oauth", path)
	}
	id := sourcePath.FindStringSubmatch(path)[1]
	// Approve in Stitch's window (the emulator popup's internal JSON helper).
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/sources/"+id+"/oauth/session", nil)
	req.Header.Set("X-CSRF-Token", csrf)
	r, err := ts.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	tok := strings.Split(strings.Split(string(b), `"ephemeral_token":"`)[1], `"`)[0]
	r, err = ts.Client.Post(ts.URL+"/_stitch/v2/js-client/authorize", "application/json", strings.NewReader(`{"ephemeral_token":"`+tok+`","source_id":`+id+`}`))
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("authorize: %v %v", r.StatusCode, err)
	}
	r.Body.Close()
	resp, _ = ts.get(t, "/sources/"+id)
	if resp.Header.Get("Location") != "/sources/"+id+"/profile" {
		t.Fatalf("after authorizing: step router sends to %q, want the profile step", resp.Header.Get("Location"))
	}
	_, body = ts.get(t, "/sources/"+id+"/profile")
	contains(t, body, `name="account_id"`, `aria-current="step"`, "Choose profile")
	resp, body = ts.post(t, "/sources/"+id+"/profile", url.Values{"_csrf": {csrf}, "account_id": {"act-1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad account id: got %d", resp.StatusCode)
	}
	resp, _ = ts.post(t, "/sources/"+id+"/profile", url.Values{"_csrf": {csrf}, "account_id": {"123456789"}})
	path, _ = ts.follow(t, resp)
	if !strings.HasSuffix(path, "/fields") && !strings.HasSuffix(path, "/discover") {
		t.Fatalf("after the profile: landed on %s", path)
	}
}

// consentAs answers the provider's consent page at authURL with client.
func consentAs(t *testing.T, client *http.Client, authURL, decision string) string {
	t.Helper()
	auth, err := url.Parse(authURL)
	if err != nil || !strings.Contains(auth.Path, "/provider/authorize") {
		t.Fatalf("not the provider: %q", authURL)
	}
	q := auth.Query()
	if q.Get("state") == "" || q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" {
		t.Fatalf("authorization URL lacks state or S256 PKCE: %s", auth)
	}
	form := url.Values{"decision": {decision}}
	for _, k := range []string{"client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"} {
		form.Set(k, q.Get(k))
	}
	auth.RawQuery = ""
	r, err := client.PostForm(auth.String(), form)
	if err != nil {
		t.Fatalf("consent: %v", err)
	}
	r.Body.Close()
	cb, _ := url.Parse(r.Header.Get("Location"))
	if cb == nil || cb.Path != "/oauth/source/callback" {
		t.Fatalf("provider redirected to %q", r.Header.Get("Location"))
	}
	return cb.RequestURI()
}

// popupClient is a browser window with none of the iframe's cookies (a
// top-level popup cannot see a partitioned cookie).
func popupClient() *http.Client {
	jar, _ := newJar()
	return &http.Client{Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (ts *testServer) getWith(t *testing.T, client *http.Client, path string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var ticketLink = regexp.MustCompile(`href="(/oauth/source/ticket\?t=[^"]+)"`)

// White-label OAuth from a framed page: a ticket made by the iframe's
// session carries the handshake through a top-level window that has no
// session; the iframe's session applies the result, once.
func TestWhiteLabelTicketFlow(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "ticket@example.com")
	id := gaAtOAuth(t, ts, csrf)

	// A framed navigation without JavaScript gets the new-tab hand-off.
	resp, _ := ts.getWith(t, ts.Client, "/sources/"+id+"/oauth/authorize", "Sec-Fetch-Dest", "iframe")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sources/"+id+"/oauth/handoff" {
		t.Fatalf("framed authorize: got %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := ts.get(t, "/sources/"+id+"/oauth/handoff")
	m := ticketLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("hand-off page has no ticket link:\n%s", body)
	}
	contains(t, body, `target="_blank"`, `action="/sources/`+id+`/oauth/ticket/apply"`, "I have finished")
	ticket := strings.ReplaceAll(m[1], "&amp;", "&")
	_, status := ts.get(t, "/sources/"+id+"/oauth/ticket/status")
	if !strings.Contains(status, `"status":"issued"`) {
		t.Fatalf("status before the popup: %s", status)
	}

	// "I have finished" too early explains and keeps the ticket.
	_, body = ts.post(t, "/sources/"+id+"/oauth/ticket/apply", url.Values{"_csrf": {csrf}})
	contains(t, body, "has not confirmed your sign-in yet")

	// The popup: no cookies at all. Opened from another site (someone
	// else's link), the ticket asks first and is not used up.
	popup := popupClient()
	resp, body = ts.getWith(t, popup, ticket, "Sec-Fetch-Site", "cross-site")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Continue signing in?") || !strings.Contains(body, `action="/oauth/source/ticket"`) {
		t.Fatalf("ticket from another site: got %d\n%s", resp.StatusCode, body)
	}
	resp, _ = ts.getWith(t, popup, ticket, "Sec-Fetch-Site", "same-origin")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("ticket start: got %d", resp.StatusCode)
	}
	authURL := resp.Header.Get("Location")
	// The ticket works once.
	if r, b := ts.getWith(t, popup, ticket); r.StatusCode != http.StatusBadRequest || !strings.Contains(b, "cannot be used again") {
		t.Fatalf("ticket replay: got %d", r.StatusCode)
	}
	cb := consentAs(t, popup, authURL, "approve")
	resp, body = ts.getWith(t, popup, cb)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Signed in to Google Analytics") || !strings.Contains(body, `data-ok="true"`) {
		t.Fatalf("popup callback: got %d\n%s", resp.StatusCode, body)
	}
	if resp.Header.Get("Cross-Origin-Opener-Policy") != "unsafe-none" {
		t.Fatalf("the last popup page must keep its opener: COOP %q", resp.Header.Get("Cross-Origin-Opener-Policy"))
	}
	for _, secret := range []string{emulator.DefaultProviderClientSecret, "prt_", "pat_"} {
		if strings.Contains(body, secret) {
			t.Fatalf("popup page leaks %q", secret)
		}
	}
	// The callback is single use.
	if r, _ := ts.getWith(t, popup, cb); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("callback replay: got %d, want 400", r.StatusCode)
	}
	if src := ts.getSource(t, id); src.ReportCard.CurrentStepType != "oauth" {
		t.Fatalf("the popup applied the tokens itself (step %s)", src.ReportCard.CurrentStepType)
	}

	_, status = ts.get(t, "/sources/"+id+"/oauth/ticket/status")
	if !strings.Contains(status, `"status":"ready"`) {
		t.Fatalf("status after the popup: %s", status)
	}
	// Apply needs the CSRF token of the iframe's session.
	if r, _ := ts.post(t, "/sources/"+id+"/oauth/ticket/apply", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("apply without CSRF: got %d", r.StatusCode)
	}
	resp, body = ts.post(t, "/sources/"+id+"/oauth/ticket/apply", url.Values{"_csrf": {csrf}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sources/"+id+"/oauth" {
		t.Fatalf("apply: got %d → %q, want the view id next\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	signedInNotDone(t, ts, id)
	gaViewID(t, ts, csrf, id)
	src := ts.getSource(t, id)
	oauth, _ := src.ReportCard.Step("oauth")
	for _, p := range oauth.Properties {
		if p.IsRequired && !p.Provided {
			t.Errorf("oauth property %s not provided at Stitch", p.Name)
		}
	}
	if src.ReportCard.CurrentStepType == "oauth" {
		t.Fatal("still at the oauth step after apply")
	}
	_, status = ts.get(t, "/sources/"+id+"/oauth/ticket/status")
	if !strings.Contains(status, `"status":"none"`) {
		t.Fatalf("status after apply: %s", status)
	}
}

// A ticket's denial reaches the framed page, and a result cannot be applied
// by another session or twice.
func TestWhiteLabelTicketDeniedAndReplay(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "ticket-deny@example.com")
	id := gaAtOAuth(t, ts, csrf)
	newTicket := func() string { return ts.ticket(t, csrf, "/sources/"+id+"/oauth/ticket") }
	popup := popupClient()
	resp, _ := ts.getWith(t, popup, newTicket())
	cb := consentAs(t, popup, resp.Header.Get("Location"), "deny")
	_, body := ts.getWith(t, popup, cb)
	contains(t, body, "You did not allow access")
	_, body = ts.post(t, "/sources/"+id+"/oauth/ticket/apply", url.Values{"_csrf": {csrf}})
	contains(t, body, "You did not allow access to Google Analytics", `data-testid="oauth-message"`)

	// Approve with a fresh ticket; another session cannot apply it.
	resp, _ = ts.getWith(t, popup, newTicket())
	cb = consentAs(t, popup, resp.Header.Get("Location"), "approve")
	ts.getWith(t, popup, cb)
	other := mustStartSibling(t, ts)
	otherCSRF := other.signUp(t, "intruder@example.com")
	other.post(t, "/sources/"+id+"/oauth/ticket/apply", url.Values{"_csrf": {otherCSRF}})
	if st, _ := ts.getSource(t, id).ReportCard.Step("oauth"); st.SignedIn() {
		t.Fatal("another session applied the ticket: Stitch has the sign-in")
	}
	if r, b := ts.post(t, "/sources/"+id+"/oauth/ticket/apply", url.Values{"_csrf": {csrf}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply: got %d\n%s", r.StatusCode, b)
	}
	signedInNotDone(t, ts, id)
	// Replayed: nothing left to apply (the result was single use, no second PUT).
	if r, _ := ts.post(t, "/sources/"+id+"/oauth/ticket/apply", url.Values{"_csrf": {csrf}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sources/"+id+"/oauth" {
		t.Fatalf("replayed apply: got %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// ticket asks for a white-label handshake ticket as the framed page's
// script does (POST with the CSRF header, JSON) and returns its URL.
func (ts *testServer) ticket(t *testing.T, csrf, path string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+path, nil)
	req.Header.Set("X-CSRF-Token", csrf)
	req.Header.Set("Accept", "application/json")
	r, err := ts.Client.Do(req)
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("ticket: %v %v", r, err)
	}
	defer r.Body.Close()
	var out struct{ URL string }
	if err := json.NewDecoder(r.Body).Decode(&out); err != nil || !strings.HasPrefix(out.URL, "/oauth/source/ticket?t=") {
		t.Fatalf("ticket answer %+v %v", out, err)
	}
	return out.URL
}

// mustStartSibling is a second browser (its own cookie jar) on the same server.
func mustStartSibling(t *testing.T, ts *testServer) *testServer {
	t.Helper()
	jar, _ := newJar()
	c := *ts.Client
	c.Jar = jar
	return &testServer{URL: ts.URL, App: ts.App, Client: &c}
}
