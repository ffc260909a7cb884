package e2e

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

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
	streamsSettled(t, page.Locator(".stream-tools"), page.Locator("[data-testid=stream-count]"), 1)
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

// stitchPopupSpy runs in every page of a context before its scripts. In
// Stitch's popup it records the messages the popup receives and makes the
// popup unable to close itself (as the real app with
// preventIntegrationFormClose): only another window's close() works.
const stitchPopupSpy = `(() => {
  // Installed in every document (a popup's first document is about:blank,
  // whose window object the same-origin navigation may keep).
  if (window.__spy) return;
  window.__spy = true;
  window.__received = [];
  window.__selfClose = 0;
  window.addEventListener("message", (e) => {
    if (!location.pathname.endsWith("/v2/js-client")) return;
    try { window.__received.push(JSON.parse(JSON.stringify(e.data))); } catch (x) {}
  }, true);
  const close = window.close;
  window.close = function () {
    if ((new Error().stack || "").includes("/assets/js-client.js")) { window.__selfClose++; return; }
    return close.call(window);
  };
})();`

// managedPage is a signed-in page at HubSpot's oauth step, with the spy.
func managedPage(t *testing.T, opts ...func(*playwright.BrowserNewContextOptions)) (playwright.Page, *recorder) {
	t.Helper()
	page := newPage(t, opts...)
	must(t, page.Context().AddInitScript(playwright.Script{Content: playwright.String(stitchPopupSpy)}), "popup spy")
	rec := record(page)
	createAccount(t, page)
	createHubSpot(t, page)
	return page, rec
}

// openStitch clicks Authorize and returns Stitch's popup once its consent shows.
func openStitch(t *testing.T, page playwright.Page) playwright.Page {
	t.Helper()
	popup, err := page.ExpectPopup(func() error { return page.Locator("[data-testid=authorize]").Click() })
	must(t, err, "popup opens")
	must(t, expect.Locator(popup.Locator("[data-testid=approve]")).ToBeVisible(), "consent shown")
	return popup
}

// waitClosed waits until the popup is closed (by its opener: it cannot close itself).
func waitClosed(t *testing.T, popup playwright.Page) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !popup.IsClosed() {
		if time.Now().After(deadline) {
			t.Fatal("the opener did not close Stitch's window")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// assertExactContext checks that every update the popup received is the
// official client's context for onlyAuthorizeSource({id}).
func assertExactContext(t *testing.T, popup playwright.Page, id int64) {
	t.Helper()
	v, err := popup.Evaluate(`() => JSON.stringify(window.__received.filter(m => m && m.type === "update"))`)
	must(t, err, "read the popup's messages")
	var updates []struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	s, _ := v.(string)
	must(t, json.Unmarshal([]byte(s), &updates), "decode messages")
	if len(updates) != 1 {
		t.Fatalf("popup received %d updates, want 1: %s", len(updates), s)
	}
	d := updates[0].Data
	tok, _ := d["additionalState"].(map[string]any)["ephemeral_token"].(string)
	if tok == "" {
		t.Fatalf("no ephemeral token in the context: %v", d)
	}
	want := map[string]any{
		"version": 2.0, "hideNav": true, "preventIntegrationFormClose": true,
		"additionalState": map[string]any{"default_selections": nil, "ephemeral_token": tok},
		"targetState":     map[string]any{"name": "app.connections.details.authorize", "params": map[string]any{"id": float64(id)}},
	}
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("context: got %v, want %v", d, want)
	}
}

func sourceIDOf(t *testing.T, page playwright.Page) int64 {
	t.Helper()
	m := regexp.MustCompile(`/sources/(\d+)/`).FindStringSubmatch(page.URL())
	if m == nil {
		t.Fatalf("no source id in %s", page.URL())
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

// HubSpot through Stitch's own OAuth, in Stitch's popup (which cannot close
// itself), to done: Onramp sends the exact context, closes the window on the
// final event and moves on.
func TestHubSpotStitchManagedPopup(t *testing.T) {
	page, rec := managedPage(t)
	visit(t, page, "managed-oauth")
	id := sourceIDOf(t, page)

	popup := openStitch(t, page)
	checkA11y(t, popup)
	shot(t, popup, "managed-oauth-popup")
	assertExactContext(t, popup, id)
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
	waitClosed(t, popup)
	selectStreamsToDone(t, page, "managed-hubspot")
	assertNoSecrets(t, rec)
}

// Each way the sign-in can end badly shows its own words and a retry; the
// opener closes Stitch's window every time.
func TestHubSpotStitchManagedFailures(t *testing.T) {
	page, rec := managedPage(t)
	status := page.Locator("[data-testid=oauth-status]")
	retry := func(what, words string) {
		t.Helper()
		must(t, expect.Locator(status).ToContainText(words), what+": words")
		must(t, expect.Locator(page.Locator("[data-testid=authorize]")).ToHaveText("Try again"), what+": retry button")
		must(t, expect.Locator(page.Locator("[data-testid=authorize]")).ToBeEnabled(), what+": retry enabled")
	}

	// Deny.
	popup := openStitch(t, page)
	must(t, popup.Locator("[data-testid=deny]").Click(), "deny")
	waitClosed(t, popup)
	retry("deny", "was not approved")
	visit(t, page, "managed-oauth-denied")

	// The user closes the window.
	popup = openStitch(t, page)
	must(t, popup.Close(), "close the popup")
	retry("close", "closed before you approved access")
	shot(t, page, "managed-oauth-closed")

	// Stitch's own Close in its form (integrationFormClose).
	popup = openStitch(t, page)
	must(t, popup.Locator("[data-testid=cancel]").Click(), "close in Stitch")
	waitClosed(t, popup)
	retry("integrationFormClose", "closed from inside")

	// A bad ephemeral token: Stitch cannot upgrade it.
	must(t, page.Route("**/oauth/session", func(r playwright.Route) {
		must(t, r.Fulfill(playwright.RouteFulfillOptions{Status: playwright.Int(200), ContentType: playwright.String("application/json"),
			Body: `{"ephemeral_token":"not-a-real-token"}`}), "fulfil")
	}), "route")
	popup, err := page.ExpectPopup(func() error { return page.Locator("[data-testid=authorize]").Click() })
	must(t, err, "popup")
	waitClosed(t, popup)
	retry("bad token", "could not sign you in")
	shot(t, page, "managed-oauth-bad-token")
	must(t, page.Unroute("**/oauth/session"), "unroute")

	// Then it works.
	popup = openStitch(t, page)
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
	waitClosed(t, popup)
	waitPath(t, page, `/sources/\d+/(discover|fields)$`)
	assertNoSecrets(t, rec)
}

// A reload of the opener while Stitch's window is open recovers: approving
// in that window moves the reloaded page on (and the window is closed), and
// Authorize after a reload reuses the window.
func TestHubSpotStitchManagedReload(t *testing.T) {
	t.Run("approve in the old window", func(t *testing.T) {
		page, _ := managedPage(t)
		popup := openStitch(t, page)
		_, err := page.Reload()
		must(t, err, "reload")
		must(t, expect.Locator(page.Locator("[data-testid=oauth-status]")).ToContainText("may still be open"), "explains")
		must(t, expect.Locator(page.Locator("[data-testid=authorize]")).ToBeEnabled(), "authorize offered again")
		shot(t, page, "managed-oauth-reloaded")
		must(t, popup.Locator("[data-testid=approve]").Click(), "approve in the old window")
		waitClosed(t, popup)
		waitPath(t, page, `/sources/\d+/(discover|fields)$`)
	})
	t.Run("authorize again", func(t *testing.T) {
		page, _ := managedPage(t)
		id := sourceIDOf(t, page)
		popup := openStitch(t, page)
		_, err := page.Reload()
		must(t, err, "reload")
		// The same window is reused and asks the reloaded page for its context.
		must(t, page.Locator("[data-testid=authorize]").Click(), "authorize again")
		must(t, expect.Locator(popup.Locator("[data-testid=approve]")).ToBeVisible(), "consent shown again")
		assertExactContext(t, popup, id)
		must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
		waitClosed(t, popup)
		waitPath(t, page, `/sources/\d+/(discover|fields)$`)
	})
}

// Popup blocked: an Onramp page in a new tab becomes Stitch's opener (same
// protocol, same script) and tells the first tab, which moves on.
func TestHubSpotStitchManagedNewTab(t *testing.T) {
	page, rec := managedPage(t)
	must(t, page.AddInitScript(playwright.Script{Content: playwright.String(`window.open = () => null;`)}), "block popups")
	_, err := page.Reload()
	must(t, err, "reload")
	must(t, page.Locator("[data-testid=authorize]").Click(), "authorize")
	must(t, expect.Locator(page.Locator("[data-testid=oauth-status]")).ToContainText("blocked the Stitch window"), "blocked words")
	shot(t, page, "managed-oauth-blocked")

	tab, err := page.Context().ExpectPage(func() error { return page.Locator("[data-testid=authorize-new-tab]").Click() })
	must(t, err, "new tab")
	must(t, tab.WaitForLoadState(), "tab loaded")
	visit(t, tab, "managed-oauth-window")
	popup, err := tab.ExpectPopup(func() error { return tab.Locator("[data-testid=authorize]").Click() })
	must(t, err, "popup from the new tab")
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
	waitClosed(t, popup)
	must(t, expect.Locator(tab.Locator("[data-testid=oauth-status]")).ToContainText("Go back to your first tab"), "new tab says done")
	shot(t, tab, "managed-oauth-window-done")
	// The first tab moves on by itself.
	waitPath(t, page, `/sources/\d+/(discover|fields)$`)
	assertNoSecrets(t, rec)
}

// Without JavaScript: Stitch's sign-in needs it, and the page says so plainly
// (no hand-off to an endpoint only the emulator has).
func TestHubSpotStitchManagedWithoutJavaScript(t *testing.T) {
	page := newPage(t, func(o *playwright.BrowserNewContextOptions) { o.JavaScriptEnabled = playwright.Bool(false) })
	createAccount(t, page)
	createHubSpot(t, page)
	must(t, expect.Locator(page.Locator("[data-testid=authorize]")).ToBeHidden(), "no JS button")
	must(t, expect.Locator(page.Locator("[data-testid=oauth-nojs]")).ToContainText("needs JavaScript"), "says what is needed")
	html, err := page.Content()
	must(t, err, "content")
	if strings.Contains(html, "/v2/js-client") || strings.Contains(html, "ephemeral_token") {
		t.Fatal("the page hands off to the emulator's old form entry")
	}
	shot(t, page, "nojs-oauth")
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
	// Sign-in first; the page says the view id comes after.
	visit(t, page, "ga-authorize")
	must(t, expect.Locator(page.Locator("[data-testid=oauth-next]")).ToContainText("View ID"), "view id next")
	must(t, expect.Locator(page.Locator(`[name="view_id"]`)).ToHaveCount(0), "no view id before the sign-in")
	m := regexp.MustCompile(`/sources/(\d+)/oauth$`).FindStringSubmatch(page.URL())
	must(t, page.Locator("[data-testid=authorize]").Click(), "authorize")
	waitPath(t, page, `/_stitch/provider/authorize`)
	visit(t, page, "ga-provider-consent")
	must(t, page.Locator("[data-testid=approve]").Click(), "approve")
	// Back on the oauth step: now the view id, with where to find it.
	waitPath(t, page, `/sources/\d+/oauth$`)
	must(t, expect.Locator(page.Locator("[data-testid=authorize]")).ToHaveCount(0), "no second sign-in")
	visit(t, page, "ga-view-id")
	must(t, field(page, "view_id").Fill("143355753"), "view id")
	must(t, page.Locator("[data-testid=submit]").Click(), "save view id")
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
