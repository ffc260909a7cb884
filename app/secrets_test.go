package app

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/onramp/onramp/emulator"
)

var basedOnRe = regexp.MustCompile(`name="_based_on" value="([^"]+)"`)

// mustNotLog fails for every secret that appears in the log.
func mustNotLog(t *testing.T, logs string, secrets map[string]string) {
	t.Helper()
	for name, s := range secrets {
		if s == "" {
			t.Fatalf("secret %s is empty: the test would prove nothing", name)
		}
		if strings.Contains(logs, s) {
			for _, line := range strings.Split(logs, "\n") {
				if strings.Contains(line, s) {
					t.Errorf("the log contains %s: %s", name, line)
				}
			}
		}
	}
}

// TestDebugLogOfFullJourneysHasNoSecrets runs account creation, a launch, a
// database source with a password and white-label OAuth with debug logging
// on, then greps the whole log for every secret and token that went by.
func TestDebugLogOfFullJourneysHasNoSecrets(t *testing.T) {
	var logs syncBuffer
	ts := mustStartLogged(t, launchEnv(map[string]string{"ONRAMP_LOG_LEVEL": "debug"}), &logs)
	csrf := ts.signUp(t, "secrets@example.com")
	accessToken := ts.sessionToken(t)
	id, resp := ts.createMySQL(t, csrf, nil)
	ts.follow(t, resp)
	// An update with a new password, and one the check rejects.
	_, page := ts.get(t, "/sources/"+id+"/form")
	form := url.Values{"_csrf": {csrf}, "display_name": {"Shop DB"}, "host": {"db.example.com"}, "port": {"3306"},
		"user": {"stitch"}, "password": {"n3w-s3cret-pw"}, "_choice.password": {"replace"}, "database": {"shop"}, "frequency_in_minutes": {"60"}}
	if m := basedOnRe.FindStringSubmatch(page); m != nil {
		form.Set("_based_on", m[1])
	}
	ts.post(t, "/sources/"+id+"/form", form)

	// White-label OAuth: client secret, code, state and tokens go by.
	gaID := gaAtOAuth(t, ts, csrf)
	cb := ts.providerConsent(t, gaID, "approve")
	cbURL, _ := url.Parse(cb)
	if r, _ := ts.get(t, cb); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("callback: got %d", r.StatusCode)
	}

	// A launch, redeemed, then replayed.
	tok, acct := ts.App.Emulator.NewAccount("launch-secrets@example.com")
	_, lb := ts.launch(t, testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": acct, "source_type": "platform.mysql"})
	launchURL, _ := lb["url"].(string)
	launchToken := strings.TrimPrefix(launchURL, ts.URL+"/launch/")
	browser := mustStartSameEmulator(t, ts)
	browser.get(t, "/launch/"+launchToken)
	browser.get(t, "/launch/"+launchToken)

	out := logs.String()
	if !strings.Contains(out, "/launch/[redacted]") || !strings.Contains(out, "level=DEBUG") {
		t.Fatalf("the log does not show the journey at debug level:\n%s", out)
	}
	mustNotLog(t, out, map[string]string{
		"the account's access token": accessToken,
		"the launched access token":  tok,
		"the launch token":           launchToken,
		"the typed password":         "s3cret-pw",
		"the replaced password":      "n3w-s3cret-pw",
		"the partner secret":         DemoPartnerSecret,
		"the partner API key":        testAPIKey,
		"the OAuth client secret":    emulator.DefaultProviderClientSecret,
		"the OAuth code":             cbURL.Query().Get("code"),
		"the OAuth state":            cbURL.Query().Get("state"),
		"the CSRF token":             csrf,
	})
}

// TestEchoingUpstreamPasswordNeverLogged: Stitch (here a proxy in front of
// the emulator) answers updates with a 503 that echoes the request body, so
// the typed password comes back inside the error, which the client logs as
// it retries and Onramp logs when it gives up; no log line carries the
// password.
func TestEchoingUpstreamPasswordNeverLogged(t *testing.T) {
	emu := newEmulator(t, nil)
	var echoed atomic.Int32
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/v4/sources/") {
			body, _ := io.ReadAll(r.Body)
			echoed.Add(1)
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, `{"error":{"type":"Unavailable","message":"could not save %s"}}`, strings.ReplaceAll(string(body), `"`, `\"`))
			return
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(upstream.Close)
	var logs syncBuffer
	key := strings.Repeat("ab", 32) + ":" + strings.Repeat("cd", 32)
	ts := mustStartLogged(t, map[string]string{
		"STITCH_API_URL": upstream.URL, "STITCH_APP_URL": upstream.URL,
		"STITCH_PARTNER_ID": "oc_partner", "STITCH_PARTNER_SECRET": "oc_right",
		"ONRAMP_SESSION_KEYS": key, "ONRAMP_LOG_LEVEL": "debug",
	}, &logs)
	csrf := ts.signUp(t, "echo@example.com")
	id, _ := ts.createMySQL(t, csrf, nil)
	const password = `Typed-p@ss-w0rd!` // quotes and escapes are the client's unit test
	_, page := ts.get(t, "/sources/"+id+"/form")
	form := url.Values{"_csrf": {csrf}, "display_name": {"Shop DB"}, "host": {"db.example.com"}, "port": {"3306"},
		"user": {"stitch"}, "password": {password}, "_choice.password": {"replace"}, "database": {"shop"}, "frequency_in_minutes": {"60"}}
	if m := basedOnRe.FindStringSubmatch(page); m != nil {
		form.Set("_based_on", m[1])
	}
	resp, body := ts.post(t, "/sources/"+id+"/form", form)
	if resp.StatusCode < 500 {
		t.Fatalf("update against the echoing upstream: got %d, want a 5xx page\n%s", resp.StatusCode, body)
	}
	if echoed.Load() == 0 {
		t.Fatal("the upstream echoed nothing: the test proves nothing")
	}
	out := logs.String()
	mustNotLog(t, out, map[string]string{
		"the typed password": password,
		"the partner secret": "oc_right",
	})
	if !strings.Contains(out, "[REDACTED]") {
		t.Fatalf("no redacted error was logged, so the test proves nothing:\n%s", out)
	}
	if strings.Contains(body, password) {
		t.Error("the page repeats the password")
	}
}
