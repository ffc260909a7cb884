package e2e

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/gorilla/securecookie"
	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/connect"
)

// selectStreamsToDone ticks the first stream and saves, ending on the done page.
func selectStreamsToDone(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	waitPath(t, page, `/sources/\d+/fields$`)
	visit(t, page, name+"-fields")
	must(t, page.Locator(`[data-testid=stream-list] input[type=checkbox]`).First().Check(), "select a stream")
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save")
	waitPath(t, page, `/sources/\d+/done$`)
	visit(t, page, name+"-done")
}

func createHubSpot(t *testing.T, page playwright.Page) {
	t.Helper()
	open(t, page, "/sources/new/platform.hubspot")
	must(t, field(page, "start_date").Fill("2024-01-31"), "start date")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/sources/\d+/oauth$`)
}

// HubSpot through Stitch's own OAuth, in Stitch's popup, to done.
func TestHubSpotStitchManagedPopup(t *testing.T) {
	page := newPage(t)
	rec := record(page)
	createAccount(t, page)
	createHubSpot(t, page)
	visit(t, page, "managed-oauth")

	// Deny first: the page stays, explains, and offers a retry.
	popup, err := page.ExpectPopup(func() error { return page.Locator("[data-testid=authorize]").Click() })
	must(t, err, "popup opens")
	must(t, expect.Locator(popup.Locator("[data-testid=deny]")).ToBeVisible(), "consent shown")
	must(t, popup.Locator("[data-testid=deny]").Click(), "deny")
	must(t, expect.Locator(page.Locator("[data-testid=oauth-status]")).ToContainText("not approved"), "failure message")
	must(t, expect.Locator(page.Locator("[data-testid=authorize]")).ToHaveText("Try again"), "retry button")
	visit(t, page, "managed-oauth-denied")

	// Then approve.
	popup, err = page.ExpectPopup(func() error { return page.Locator("[data-testid=authorize]").Click() })
	must(t, err, "popup opens again")
	must(t, expect.Locator(popup.Locator("[data-testid=approve]")).ToBeVisible(), "consent shown")
	checkA11y(t, popup)
	shot(t, popup, "managed-oauth-popup")
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
	selectStreamsToDone(t, page, "managed-hubspot")
	assertNoSecrets(t, rec)
}

// Without JavaScript: a plain link opens the hand-off in a new tab, and
// "I have finished" re-reads the report card.
func TestHubSpotStitchManagedWithoutJavaScript(t *testing.T) {
	page := newPage(t, func(o *playwright.BrowserNewContextOptions) { o.JavaScriptEnabled = playwright.Bool(false) })
	createAccount(t, page)
	createHubSpot(t, page)
	must(t, expect.Locator(page.Locator("[data-testid=authorize]")).ToBeHidden(), "no JS button")
	shot(t, page, "nojs-oauth")

	// "I have finished" before approving explains what is missing.
	must(t, page.Locator("[data-testid=finished]").Click(), "finished too early")
	must(t, expect.Locator(page.Locator("[data-testid=oauth-message]")).ToContainText("has not received your approval"), "not yet")

	tab, err := page.Context().ExpectPage(func() error { return page.Locator("[data-testid=authorize-new-tab]").Click() })
	must(t, err, "new tab")
	must(t, tab.Locator("[data-testid=continue-to-stitch]").Click(), "continue to Stitch")
	must(t, tab.Locator("[data-testid=approve]").Click(), "approve")
	must(t, expect.Locator(tab.Locator("body")).ToContainText("close this tab"), "done tab")
	shot(t, tab, "nojs-oauth-approved")

	must(t, page.Locator("[data-testid=finished]").Click(), "finished")
	// The discover page reloads itself (meta refresh) until fields.
	must(t, page.WaitForURL(regexp.MustCompile(`/sources/\d+/fields$`), playwright.PageWaitForURLOptions{Timeout: playwright.Float(20000)}), "fields")
}

// Google Analytics with the partner's own OAuth app: the view id, the
// provider's consent (state + PKCE), then done; Stitch has the tokens.
func TestGoogleAnalyticsWhiteLabel(t *testing.T) {
	page := newPage(t)
	rec := record(page)
	createAccount(t, page)
	open(t, page, "/sources/new/platform.google-analytics")
	must(t, field(page, "start_date").Fill("2024-01-01"), "start date")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/sources/\d+/oauth$`)
	visit(t, page, "ga-view-id")
	must(t, field(page, "view_id").Fill("143355753"), "view id")
	must(t, page.Locator("[data-testid=submit]").Click(), "save view id")
	waitPath(t, page, `/sources/\d+/oauth$`)
	visit(t, page, "ga-authorize")
	m := regexp.MustCompile(`/sources/(\d+)/oauth$`).FindStringSubmatch(page.URL())
	must(t, page.Locator("[data-testid=authorize]").Click(), "authorize")
	waitPath(t, page, `/_stitch/provider/authorize`)
	visit(t, page, "ga-provider-consent")
	must(t, page.Locator("[data-testid=approve]").Click(), "approve")
	selectStreamsToDone(t, page, "ga-whitelabel")
	assertNoSecrets(t, rec)

	// The emulator stored the oauth properties and moved the report card on.
	id, _ := strconv.ParseInt(m[1], 10, 64)
	src, err := started.Client.GetSource(context.Background(), sessionToken(t, page), connect.Int(id))
	must(t, err, "read the source from the emulator")
	oauth, _ := src.ReportCard.Step(connect.StepOAuth)
	provided := map[string]bool{}
	for _, p := range oauth.Properties {
		provided[p.Name] = p.Provided
	}
	for _, name := range []string{"client_id", "client_secret", "refresh_token", "view_id"} {
		if !provided[name] {
			t.Errorf("oauth property %s not provided at Stitch", name)
		}
	}
	if src.ReportCard.CurrentStepType != connect.StepFullyConfigured {
		t.Errorf("report card at %q, want fully_configured", src.ReportCard.CurrentStepType)
	}
	if src.Properties["view_id"] != "143355753" {
		t.Errorf("view_id: got %v", src.Properties["view_id"])
	}
}

// sessionToken reads the Stitch token from the browser's session cookie (tests only).
func sessionToken(t *testing.T, page playwright.Page) string {
	t.Helper()
	cookies, err := page.Context().Cookies(baseURL)
	must(t, err, "cookies")
	for _, c := range cookies {
		if c.Name != "onramp" {
			continue
		}
		values := map[any]any{}
		v, _ := url.QueryUnescape(c.Value)
		if err := securecookie.DecodeMulti("onramp", v, &values, securecookie.CodecsFromPairs(started.Config.SessionKeys...)...); err != nil {
			t.Fatalf("decode session: %v", err)
		}
		tok, _ := values["t"].(string)
		return tok
	}
	t.Fatal("no session cookie")
	return ""
}
