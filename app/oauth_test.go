package app

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/onramp/onramp/emulator"
)

// gaAtOAuth creates a Google Analytics source with its view id saved, at the
// oauth step (white-label: the emulator's pretend provider in emulator mode).
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
	contains(t, body, `name="view_id"`)
	resp, body = ts.post(t, path, url.Values{"_csrf": {csrf}, "view_id": {"143355753"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save view id: got %d\n%s", resp.StatusCode, body)
	}
	_, body = ts.follow(t, resp)
	contains(t, body, `href="/sources/`+id+`/oauth/authorize"`)
	return id
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
	if !strings.HasSuffix(path, "/fields") && !strings.HasSuffix(path, "/discover") {
		t.Fatalf("after sign-in: landed on %s, want discovery or fields", path)
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
	// No-JS hand-off: the token travels in a form post, never in a URL.
	_, body = ts.get(t, "/sources/"+id+"/oauth/start")
	contains(t, body, `action="`+ts.URL+`/_stitch/v2/js-client"`, `name="ephemeral_token"`, `name="source_id" value="`+id+`"`)
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
	// Approve in Stitch's window (the emulator's js-client endpoint).
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
