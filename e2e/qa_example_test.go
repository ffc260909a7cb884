package e2e

// This file is the runnable example of docs/testing-with-onramp.md: copy it
// into your own suite. It starts Onramp with the embedded Stitch emulator
// and a launch API key, creates a sandbox Stitch account through the
// emulator's admin endpoint, injects faults for that account only, signs in
// through a launch token and drives the journey by data-testid. Both tests
// run in parallel against the same Onramp: each has its own account, so
// their faults cannot collide.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/app"
)

// qaAPIKey is the partner API key the example's Onramp accepts for
// POST /api/v1/launch (any string of 16 characters or more).
const qaAPIKey = "qa-example-api-key-0001"

// qaHTTP is the client of the example's API calls (every call has a timeout).
var qaHTTP = &http.Client{Timeout: 10 * time.Second}

// qaOnramp starts an Onramp for the example (a second one beside the suite's,
// because the launch API needs ONRAMP_API_KEYS); it stops when the test ends,
// after its parallel subtests.
func qaOnramp(t *testing.T) string {
	t.Helper()
	a, stop, err := startOnramp(context.Background(), map[string]string{
		"ONRAMP_API_KEYS":             qaAPIKey,
		"ONRAMP_EMULATOR_CHECK_DELAY": "300ms",
	})
	if err != nil {
		t.Fatalf("start onramp: %v", err)
	}
	t.Cleanup(stop)
	return a.Config.BaseURL
}

// emulatorAdmin calls the embedded emulator's admin endpoint (mounted under
// /_stitch) with the demo partner credentials and decodes the answer into out.
func emulatorAdmin(t *testing.T, base, method, path string, body, out any) {
	t.Helper()
	var rd io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		must(t, err, "encode admin body")
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+"/_stitch/_emulator"+path, rd)
	must(t, err, "admin request")
	req.SetBasicAuth(app.DemoPartnerID, app.DemoPartnerSecret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := qaHTTP.Do(req)
	must(t, err, method+" "+path)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: got %d, want 200", method, path, resp.StatusCode)
	}
	if out != nil {
		must(t, json.NewDecoder(resp.Body).Decode(out), "decode admin answer")
	}
}

// sandboxAccount is a Stitch account of the emulator.
type sandboxAccount struct {
	Email       string
	AccessToken string `json:"access_token"`
	AccountID   int64  `json:"stitch_account_id"`
}

// newSandboxAccount creates an emulator account with a unique email (the
// "+…@" part can also pick a sandbox plan, see emulator/README.md).
func newSandboxAccount(t *testing.T, base, tag string) sandboxAccount {
	t.Helper()
	a := sandboxAccount{Email: fmt.Sprintf("qa+%s-%d@example.com", tag, time.Now().UnixNano())}
	emulatorAdmin(t, base, "POST", "/accounts", map[string]string{"email": a.Email}, &a)
	return a
}

// setAccountFaults replaces the faults of one account; the cleanup clears them.
func setAccountFaults(t *testing.T, base string, a sandboxAccount, faults map[string]any) {
	t.Helper()
	q := "/faults?email=" + url.QueryEscape(a.Email)
	emulatorAdmin(t, base, "PUT", q, faults, nil)
	t.Cleanup(func() { emulatorAdmin(t, base, "DELETE", q, nil, nil) })
}

// launch mints a launch token for the account (what a partner's backend
// does) and returns the URL that signs a browser in.
func launch(t *testing.T, base string, a sandboxAccount, sourceType string) string {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"access_token": a.AccessToken, "stitch_account_id": a.AccountID, "source_type": sourceType})
	req, err := http.NewRequest("POST", base+"/api/v1/launch", bytes.NewReader(b))
	must(t, err, "launch request")
	req.Header.Set("Authorization", "Bearer "+qaAPIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := qaHTTP.Do(req)
	must(t, err, "POST /api/v1/launch")
	defer resp.Body.Close()
	var out struct {
		URL string `json:"url"`
	}
	must(t, json.NewDecoder(resp.Body).Decode(&out), "decode launch answer")
	if resp.StatusCode != http.StatusCreated || out.URL == "" {
		t.Fatalf("launch: got %d %+v, want 201 with a url", resp.StatusCode, out)
	}
	return out.URL
}

// fillPostgres fills the PostgreSQL form by property name (input name = property).
func fillPostgres(t *testing.T, page playwright.Page, display string) {
	t.Helper()
	must(t, page.Locator("#display_name").Fill(display), "display name")
	for name, v := range map[string]string{"host": "db.example.com", "port": "5432", "user": "stitch", "password": "qa-password", "dbname": "shop"} {
		must(t, field(page, name).Fill(v), name)
	}
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
}

func TestQAExample(t *testing.T) {
	base := qaOnramp(t)

	// A failing connection check for this account only; it is lifted and the
	// journey completes.
	t.Run("check fails then recovers", func(t *testing.T) {
		t.Parallel()
		acct := newSandboxAccount(t, base, "check")
		setAccountFaults(t, base, acct, map[string]any{"fail_checks": "FATAL:  the database system is starting up", "check_delay": "0s"})

		page := newPage(t)
		open(t, page, launch(t, base, acct, "platform.postgres"))
		waitPath(t, page, `/sources/new/platform.postgres$`)
		fillPostgres(t, page, "QA warehouse")

		status := page.Locator("[data-testid=discover-status]")
		must(t, expect.Locator(status).ToHaveAttribute("data-state", "failed"), "the check failed")
		must(t, expect.Locator(status).ToContainText("the database system is starting up"), "Stitch's message is shown")

		emulatorAdmin(t, base, "DELETE", "/faults?email="+url.QueryEscape(acct.Email), nil, nil)
		must(t, page.Locator("[data-testid=fix-settings]").Click(), "back to the form")
		waitPath(t, page, `/sources/\d+/form$`)
		must(t, page.Locator("[data-testid=submit]").Click(), "resubmit")
		waitPath(t, page, `/sources/\d+/fields$`)
		must(t, page.Locator(`[data-testid=stream-list] input[type=checkbox]`).First().Check(), "select a table")
		streamsSettled(t, page.Locator(".stream-tools"), page.Locator("[data-testid=stream-count]"), 1)
		must(t, page.Locator("[data-testid=save-streams]").Click(), "save")
		must(t, expect.Locator(page.Locator("[data-testid=done-heading]")).ToContainText("QA warehouse is set up"), "done")
	})

	// Stitch unavailable for this account only: a plain error page, then the
	// list once Stitch answers again. Meanwhile the other test's account is
	// not affected.
	t.Run("stitch unavailable", func(t *testing.T) {
		t.Parallel()
		acct := newSandboxAccount(t, base, "outage")
		page := newPage(t)
		open(t, page, launch(t, base, acct, "")) // signed in, on the home page

		setAccountFaults(t, base, acct, map[string]any{"rules": []map[string]any{{"method": "GET", "path": "/v4/sources", "status": 503}}})
		_, err := page.Goto(base + "/sources")
		must(t, err, "open /sources")
		must(t, expect.Locator(page.Locator("[data-testid=error-page]")).ToBeVisible(), "error page")

		emulatorAdmin(t, base, "DELETE", "/faults?email="+url.QueryEscape(acct.Email), nil, nil)
		_, err = page.Reload()
		must(t, err, "reload")
		must(t, expect.Locator(page.Locator("[data-testid=add-source]").First()).ToBeVisible(), "sources page")
	})
}
