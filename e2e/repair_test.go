package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/app"
	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/emulator"
)

// breakSource makes the next connection check of the account (named by
// its token) fail with msg, starts one through the API, then lifts the
// fault: the source stays broken until a repair's own check passes.
func breakSource(t *testing.T, a *app.App, token string, id int64, msg string) {
	t.Helper()
	zero := time.Duration(0)
	must(t, a.Emulator.SetAccountFaults(token, emulator.Faults{FailChecks: msg, CheckDelay: &zero}), "set faults")
	src, err := a.Client.GetSource(context.Background(), token, connect.Int(id))
	must(t, err, "read the source")
	// Saving a property as it is starts a check and changes nothing.
	_, err = a.Client.UpdateSource(context.Background(), token, connect.Int(id), connect.UpdateSourceRequest{Properties: map[string]any{"frequency_in_minutes": src.Properties["frequency_in_minutes"]}})
	must(t, err, "start a failing check")
	must(t, a.Emulator.ClearAccountFaults(token), "clear faults")
}

func selected(t *testing.T, a *app.App, token string, id int64) []string {
	t.Helper()
	streams, err := a.Client.ListStreams(context.Background(), token, connect.Int(id))
	must(t, err, "list streams")
	var out []string
	for _, s := range streams {
		if s.Selected != nil && *s.Selected {
			out = append(out, s.TapStreamID)
		}
	}
	slices.Sort(out)
	return out
}

// A MySQL source whose password stops working shows its health on
// /sources and is repaired with only the password retyped; read back from
// the emulator, it is healthy and nothing else changed.
func TestRepairMySQLInPlace(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	addMySQL(t, page, "repair")
	id := sourceIDOf(t, page)
	token := sessionToken(t, page)
	before, err := started.Client.GetSource(context.Background(), token, connect.Int(id))
	must(t, err, "read the source")
	streamsBefore := selected(t, started, token, id)

	breakSource(t, started, token, id, `(1045, "Access denied for user 'stitch'@'db.example.com' (using password: YES)")`)

	open(t, page, "/sources")
	health := page.Locator("[data-testid=source-health]")
	must(t, expect.Locator(health).ToHaveAttribute("data-broken", "true"), "the source needs repairing")
	must(t, expect.Locator(health.Locator("[data-testid=last-check]")).ToContainText("failed"), "last check shown")
	must(t, expect.Locator(health.Locator("[data-testid=health-fields]")).ToContainText("Password"), "the field at fault")
	visit(t, page, "repair-sources-list")

	must(t, page.Locator("[data-testid=fix-connection]").Click(), "repair")
	waitPath(t, page, `/sources/\d+/repair$`)
	form := page.Locator("[data-testid=repair-form]")
	for _, other := range []string{"host", "port", "user", "database"} {
		n, err := form.Locator(`[name="` + other + `"]`).Count()
		must(t, err, "count "+other)
		if n != 0 {
			t.Errorf("the repair form asks for %s again", other)
		}
	}
	visit(t, page, "repair-form")
	must(t, field(page, "password").Fill("rotated password"), "retype the password")
	must(t, page.Locator("[data-testid=repair-submit]").Click(), "save")
	waitPath(t, page, `/sources/\d+/done$`)
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToContainText("is repaired"), "repaired")
	visit(t, page, "repair-done")

	after, err := started.Client.GetSource(context.Background(), token, connect.Int(id))
	must(t, err, "read the source back")
	chk, err := started.Client.SourceLastConnectionCheck(context.Background(), token, connect.Int(id))
	must(t, err, "read the check back")
	if chk.Status != connect.CheckSucceeded || after.ReportCard.CurrentStepType != connect.StepFullyConfigured {
		t.Fatalf("after the repair: check %s, step %s; want succeeded, fully_configured", chk.Status, after.ReportCard.CurrentStepType)
	}
	for _, k := range []string{"host", "port", "user", "database", "frequency_in_minutes"} {
		if after.Properties[k] != before.Properties[k] {
			t.Errorf("%s: got %v, want %v (unchanged)", k, after.Properties[k], before.Properties[k])
		}
	}
	if got := selected(t, started, token, id); !slices.Equal(got, streamsBefore) {
		t.Errorf("selection: got %v, want %v", got, streamsBefore)
	}
	if strings.Contains(logs.String(), "rotated password") {
		t.Fatal("the new password is in the log")
	}
}

// A HubSpot source whose grant was revoked signs in again in place, in
// Stitch's window; its stream selection is kept (read back from the emulator).
func TestRepairHubSpotReauthorizeInPlace(t *testing.T) {
	page, rec := managedPage(t)
	id := sourceIDOf(t, page)
	popup := openStitch(t, page)
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
	waitClosed(t, popup)
	selectStreamsToDone(t, page, "repair-hubspot")
	token := sessionToken(t, page)
	want := selected(t, started, token, id)
	if len(want) == 0 {
		t.Fatal("no stream selected before the repair")
	}

	breakSource(t, started, token, id, "HTTP-error-code: 401, Error: the refresh_token provided was rejected by the API (invalid credentials)")
	open(t, page, "/sources")
	must(t, expect.Locator(page.Locator("[data-testid=source-health]")).ToContainText("revoked or has expired"), "plain words")
	must(t, page.Locator("[data-testid=fix-connection]").Click(), "repair")
	waitPath(t, page, `/sources/\d+/repair$`)
	visit(t, page, "repair-oauth")

	popup, err := page.ExpectPopup(func() error { return page.Locator("[data-testid=reauthorize]").Click() })
	must(t, err, "Stitch's window opens")
	must(t, expect.Locator(popup.Locator("[data-testid=approve]")).ToBeVisible(), "consent shown")
	assertExactContext(t, popup, id)
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve again")
	waitClosed(t, popup)
	waitPath(t, page, `/sources/\d+/done$`)
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToContainText("is repaired"), "repaired")
	if got := selected(t, started, token, id); !slices.Equal(got, want) {
		t.Fatalf("selection after signing in again: got %v, want %v", got, want)
	}
	chk, err := started.Client.SourceLastConnectionCheck(context.Background(), token, connect.Int(id))
	must(t, err, "read the check back")
	if chk.Status != connect.CheckSucceeded {
		t.Fatalf("check after signing in again: %s", chk.Status)
	}
	assertNoSecrets(t, rec)
}

const e2eAPIKey = "e2e-partner-key-0123456789abcdef"

// mint posts JSON to one of Onramp's partner APIs.
func mint(t *testing.T, a *app.App, path string, body map[string]any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, a.Config.BaseURL+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+e2eAPIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultTransport.RoundTrip(req)
	must(t, err, "POST "+path)
	defer resp.Body.Close()
	out := map[string]any{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST %s: got %d %v", path, resp.StatusCode, out)
	}
	return out
}

// brokenMySQL creates, through the API, a MySQL source whose check fails
// on its password, in a new sandbox account.
func brokenMySQL(t *testing.T, a *app.App) (string, int64, int64) {
	t.Helper()
	token, acct := a.Emulator.NewAccount(uniqueEmail("e2e-broken"))
	src, err := a.Client.CreateSource(context.Background(), token, connect.CreateSourceRequest{
		Type: "platform.mysql", DisplayName: "Orders DB",
		Properties: map[string]any{"host": "db.example.com", "port": "3306", "user": "stitch", "password": "wrong", "database": "orders"},
	})
	must(t, err, "create the source")
	return token, acct, int64(src.ID)
}

// A launch with "mode": "repair" lands on the source's repair page, as a widget.
func TestLaunchInRepairModeLandsOnRepair(t *testing.T) {
	a, stop, err := startOnramp(context.Background(), map[string]string{"ONRAMP_API_KEYS": e2eAPIKey})
	if err != nil {
		t.Fatalf("start onramp: %v", err)
	}
	defer stop()
	token, acct, id := brokenMySQL(t, a)
	deadline := time.Now().Add(5 * time.Second)
	for {
		chk, err := a.Client.SourceLastConnectionCheck(context.Background(), token, connect.Int(id))
		if err == nil && chk.Status == connect.CheckFailed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the check did not fail in time")
		}
		time.Sleep(100 * time.Millisecond)
	}
	out := mint(t, a, "/api/v1/launch", map[string]any{"access_token": token, "stitch_account_id": acct, "source_id": id, "mode": "repair"})
	page := newPage(t, func(o *playwright.BrowserNewContextOptions) { o.BaseURL = playwright.String(a.Config.BaseURL) })
	u, _ := out["url"].(string)
	open(t, page, u)
	waitPath(t, page, `/sources/\d+/repair$`)
	must(t, expect.Locator(page.Locator("[data-testid=repair-heading]")).ToContainText("Repair Orders DB"), "the repair page")
	must(t, expect.Locator(page.Locator("[data-testid=repair-form]")).ToBeVisible(), "the repair form")
	if n, _ := page.Locator("[data-testid=site-nav]").Count(); n != 0 {
		t.Error("a launch session shows the site navigation")
	}
	visit(t, page, "repair-launch")
}
