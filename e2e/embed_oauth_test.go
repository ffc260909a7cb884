package e2e

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/gorilla/securecookie"
	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/app"
	"github.com/onramp/onramp/connect"
)

// startEmbedDemo starts an Onramp with the embed demo (a partner page on
// another site that frames Onramp).
func startEmbedDemo(t *testing.T) *app.App {
	t.Helper()
	a, stop, err := startOnramp(context.Background(), map[string]string{"ONRAMP_EMBED_DEMO": "true", "ONRAMP_PARTNER_NAME": "Acme Analytics"})
	if err != nil {
		t.Fatalf("start onramp with the embed demo: %v", err)
	}
	t.Cleanup(stop)
	if a.EmbedDemoURL == "" {
		t.Fatal("no embed demo URL")
	}
	return a
}

// gaInFrame launches the demo at Google Analytics and fills the form inside
// the cross-site iframe, up to the Authorize button (the view id comes after
// the sign-in: viewIDInFrame).
func gaInFrame(t *testing.T, page playwright.Page, a *app.App) playwright.FrameLocator {
	t.Helper()
	open(t, page, a.EmbedDemoURL+"?source_type=platform.google-analytics")
	frame := page.FrameLocator("[data-testid=onramp-frame]")
	must(t, frame.Locator(`[data-property="start_date"] [name="start_date"]`).First().Fill("2024-01-01"), "start date")
	must(t, frame.Locator("[data-testid=submit]").Click(), "submit")
	must(t, expect.Locator(frame.Locator("[data-testid=authorize]")).ToBeVisible(), "authorize in the iframe")
	must(t, expect.Locator(frame.Locator("[data-testid=oauth-next]")).ToContainText("View ID"), "says the view id comes next")
	must(t, expect.Locator(frame.Locator(`[name="view_id"]`)).ToHaveCount(0), "no view id before the sign-in")
	return frame
}

// viewIDInFrame answers the oauth step's last question once the sign-in is
// done: the iframe shows the view id field (the sign-in's result applied).
func viewIDInFrame(t *testing.T, frame playwright.FrameLocator) {
	t.Helper()
	input := frame.Locator(`[data-property="view_id"] [name="view_id"]`).First()
	must(t, expect.Locator(input).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "view id asked after the sign-in")
	must(t, expect.Locator(frame.Locator("[data-testid=authorize]")).ToHaveCount(0), "no second sign-in")
	must(t, input.Fill("143355753"), "view id")
	must(t, frame.Locator("[data-testid=submit]").Click(), "save view id")
}

// frameSourceID reads the source id from the iframe's URL.
func frameSourceID(t *testing.T, page playwright.Page) int64 {
	t.Helper()
	for _, f := range page.Frames() {
		if m := regexp.MustCompile(`/sources/(\d+)/`).FindStringSubmatch(f.URL()); m != nil {
			id, _ := strconv.ParseInt(m[1], 10, 64)
			return id
		}
	}
	t.Fatal("no source id in any frame")
	return 0
}

// embeddedToken reads the Stitch token from the iframe's (partitioned)
// session cookie (tests only).
func embeddedToken(t *testing.T, page playwright.Page, a *app.App) string {
	t.Helper()
	cookies, err := page.Context().Cookies()
	must(t, err, "cookies")
	for _, c := range cookies {
		if c.Name != "onramp" {
			continue
		}
		values := map[any]any{}
		v, _ := url.QueryUnescape(c.Value)
		if securecookie.DecodeMulti("onramp", v, &values, securecookie.CodecsFromPairs(a.Config.SessionKeys...)...) != nil {
			continue
		}
		if tok, _ := values["t"].(string); tok != "" {
			return tok
		}
	}
	t.Fatal("no session cookie with a Stitch token")
	return ""
}

// assertOAuthProvided checks the emulator's stored source: every oauth
// property provided and the report card moved on.
func assertOAuthProvided(t *testing.T, page playwright.Page, a *app.App, id int64) {
	t.Helper()
	src, err := a.Client.GetSource(context.Background(), embeddedToken(t, page, a), connect.Int(id))
	must(t, err, "read the source from the emulator")
	step, _ := src.ReportCard.Step(connect.StepOAuth)
	for _, p := range step.Properties {
		if p.IsRequired && !p.Provided {
			t.Errorf("oauth property %s not provided at Stitch", p.Name)
		}
	}
	for _, name := range []string{"client_id", "client_secret", "refresh_token", "view_id"} {
		found := false
		for _, p := range step.Properties {
			if p.Name == name {
				found = p.Provided
			}
		}
		if !found {
			t.Errorf("oauth property %s not provided at Stitch", name)
		}
	}
	if src.ReportCard.CurrentStepType == connect.StepOAuth {
		t.Errorf("report card still at oauth")
	}
}

// Google Analytics white-label OAuth inside the embed demo's cross-site
// iframe, with a popup: the popup (top level, without the iframe's
// partitioned cookie) runs the handshake with a single-use ticket; the
// iframe's session applies the result.
func TestEmbeddedWhiteLabelPopup(t *testing.T) {
	a := startEmbedDemo(t)
	page := newPage(t)
	rec := record(page)
	frame := gaInFrame(t, page, a)
	shot(t, page, "embed-ga-authorize")
	popup, err := page.ExpectPopup(func() error { return frame.Locator("[data-testid=authorize]").Click() })
	must(t, err, "popup opens")
	must(t, expect.Locator(popup.Locator("[data-testid=approve]")).ToBeVisible(), "provider consent in the popup")
	shot(t, popup, "embed-ga-provider-popup")
	must(t, expect.Locator(frame.Locator("[data-testid=oauth-status]")).ToContainText("in the window that opened"), "iframe waits")
	shot(t, page, "embed-ga-waiting")
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
	viewIDInFrame(t, frame)
	must(t, expect.Locator(frame.Locator("[data-testid=stream-list]")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "fields in the iframe")
	shot(t, page, "embed-ga-fields")
	// Its last page nudged the iframe and closed itself (a window it may close).
	waitClosed(t, popup)
	assertOAuthProvided(t, page, a, frameSourceID(t, page))
	assertNoSecrets(t, rec)
}

// The same with the popup blocked: the iframe offers the sign-in in a new
// tab and continues by itself when the result is there.
func TestEmbeddedWhiteLabelNewTab(t *testing.T) {
	a := startEmbedDemo(t)
	page := newPage(t)
	rec := record(page)
	must(t, page.AddInitScript(playwright.Script{Content: playwright.String(`if (window.top !== window.self) window.open = () => null;`)}), "block popups in the iframe")
	frame := gaInFrame(t, page, a)
	must(t, frame.Locator("[data-testid=authorize]").Click(), "authorize")
	must(t, expect.Locator(frame.Locator("[data-testid=authorize-new-tab]")).ToBeVisible(), "new-tab hand-off in the iframe")
	shot(t, page, "embed-ga-handoff")
	ticketURL, err := frame.Locator("[data-testid=authorize-new-tab]").GetAttribute("href")
	must(t, err, "ticket link")
	tab, err := page.Context().ExpectPage(func() error { return frame.Locator("[data-testid=authorize-new-tab]").Click() })
	must(t, err, "new tab")
	must(t, tab.Locator("[data-testid=approve]").Click(), "approve in the new tab")
	must(t, expect.Locator(tab.Locator("[data-testid=complete-heading]")).ToContainText("Signed in to Google Analytics"), "the tab says so")
	shot(t, tab, "embed-ga-newtab-done")
	viewIDInFrame(t, frame)
	must(t, expect.Locator(frame.Locator("[data-testid=stream-list]")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "fields in the iframe")
	assertOAuthProvided(t, page, a, frameSourceID(t, page))
	// The ticket was single use. Typed into the address bar (not opened by
	// Onramp's page) it first asks; continuing, it is refused.
	_, err = tab.Goto(a.Config.BaseURL + ticketURL)
	must(t, err, "replay the ticket")
	must(t, expect.Locator(tab.Locator("[data-testid=complete-heading]")).ToHaveText("Continue signing in?"), "asks first")
	shot(t, tab, "embed-ga-ticket-confirm")
	resp, err := tab.ExpectNavigation(func() error { return tab.Locator("[data-testid=continue]").Click() })
	must(t, err, "continue")
	if resp.Status() != 400 {
		t.Fatalf("ticket replay: got %d, want 400", resp.Status())
	}
	must(t, expect.Locator(tab.Locator("[data-testid=complete-heading]")).ToContainText("cannot be used again"), "replay refused")
	assertNoSecrets(t, rec)
}

// Without JavaScript in the iframe: the framed navigation gets the new-tab
// hand-off (Sec-Fetch-Dest: iframe), the sign-in runs in a new tab, and
// "I have finished — continue" applies the result.
func TestEmbeddedWhiteLabelWithoutJavaScript(t *testing.T) {
	a := startEmbedDemo(t)
	page := newPage(t, func(o *playwright.BrowserNewContextOptions) { o.JavaScriptEnabled = playwright.Bool(false) })
	rec := record(page)
	frame := gaInFrame(t, page, a)
	must(t, frame.Locator("[data-testid=authorize]").Click(), "authorize")
	must(t, expect.Locator(frame.Locator("[data-testid=authorize-new-tab]")).ToBeVisible(), "new-tab hand-off in the iframe")
	// Too early: it says so and stays.
	must(t, frame.Locator("[data-testid=finished]").Click(), "finished too early")
	must(t, expect.Locator(frame.Locator("[data-testid=oauth-message]")).ToContainText("has not confirmed your sign-in yet"), "not yet")
	tab, err := page.Context().ExpectPage(func() error { return frame.Locator("[data-testid=authorize-new-tab]").Click() })
	must(t, err, "new tab")
	must(t, tab.Locator("[data-testid=approve]").Click(), "approve in the new tab")
	must(t, expect.Locator(tab.Locator("[data-testid=complete-heading]")).ToContainText("Signed in to Google Analytics"), "the tab says so")
	must(t, frame.Locator("[data-testid=finished]").Click(), "finished")
	// The discover page reloads itself (meta refresh) until fields.
	viewIDInFrame(t, frame)
	must(t, expect.Locator(frame.Locator("[data-testid=stream-list]")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "fields in the iframe")
	shot(t, page, "embed-ga-nojs-after")
	id := frameSourceID(t, page)
	assertOAuthProvided(t, page, a, id)
	assertNoSecrets(t, rec)
}

// Stitch-managed OAuth from the cross-site iframe: the framed page is the
// opener of Stitch's popup and closes it when done.
func TestEmbeddedStitchManagedPopup(t *testing.T) {
	a := startEmbedDemo(t)
	page := newPage(t)
	must(t, page.Context().AddInitScript(playwright.Script{Content: playwright.String(stitchPopupSpy)}), "popup spy")
	rec := record(page)
	open(t, page, a.EmbedDemoURL+"?source_type=platform.hubspot")
	frame := page.FrameLocator("[data-testid=onramp-frame]")
	must(t, frame.Locator(`[data-property="start_date"] [name="start_date"]`).First().Fill("2024-01-31"), "start date")
	must(t, frame.Locator("[data-testid=submit]").Click(), "submit")
	must(t, expect.Locator(frame.Locator("[data-testid=authorize]")).ToBeVisible(), "authorize in the iframe")
	must(t, expect.Locator(frame.Locator("[data-testid=authorize-new-tab]")).ToBeHidden(), "no new-tab route inside a frame")
	popup, err := page.ExpectPopup(func() error { return frame.Locator("[data-testid=authorize]").Click() })
	must(t, err, "popup opens")
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
	waitClosed(t, popup)
	must(t, expect.Locator(frame.Locator("[data-testid=stream-list]")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "fields in the iframe")
	shot(t, page, "embed-hubspot-fields")
	assertNoSecrets(t, rec)
}
