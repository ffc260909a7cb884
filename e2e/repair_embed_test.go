package e2e

import (
	"context"
	"testing"

	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/connect"
)

// A white-label source inside the embed demo's cross-site iframe, whose
// grant was revoked, is signed in again from the frame: the repair page's
// button opens the provider in a popup bound to the frame's session by a
// ticket, the frame applies the new tokens and lands on its repaired
// source, with every other setting kept (read back from the emulator).
func TestEmbeddedWhiteLabelRepair(t *testing.T) {
	a := startEmbedDemo(t)
	page := newPage(t)
	rec := record(page)
	frame := gaInFrame(t, page, a)
	popup, err := page.ExpectPopup(func() error { return frame.Locator("[data-testid=authorize]").Click() })
	must(t, err, "sign-in popup")
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
	viewIDInFrame(t, frame)
	list := frame.Locator("[data-testid=stream-list]")
	must(t, expect.Locator(list).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "fields in the iframe")
	must(t, list.Locator("input[type=checkbox]").First().Check(), "tick a stream")
	streamsSettled(t, frame.Locator(".stream-tools"), frame.Locator("[data-testid=stream-count]"), 1)
	must(t, frame.Locator("[data-testid=save-streams]").Click(), "save")
	must(t, expect.Locator(frame.Locator("h1")).ToContainText("set up", playwright.LocatorAssertionsToContainTextOptions{Timeout: playwright.Float(20000)}), "done in the iframe")

	id := frameSourceID(t, page)
	token := embeddedToken(t, page, a)
	before, err := a.Client.GetSource(context.Background(), token, connect.Int(id))
	must(t, err, "read the source")
	streamsBefore := selected(t, a, token, id)
	breakSource(t, a, token, id, "HTTP-error-code: 401, Error: the refresh_token provided was rejected by the API (invalid credentials)")

	// The frame shows its source again (as the partner's app would): the
	// health says what broke and offers the repair.
	_, err = page.Evaluate(`u => { document.querySelector("[data-testid=onramp-frame]").src = u }`, a.Config.BaseURL+"/sources/"+connect.Int(id).String()+"/done")
	must(t, err, "show the source in the frame")
	must(t, frame.Locator("[data-testid=repair-source]").Click(), "repair")
	again := frame.Locator("[data-testid=reauthorize]")
	must(t, expect.Locator(again).ToBeVisible(), "sign in again in the iframe")
	checkA11y(t, page)
	shot(t, page, "embed-ga-repair")
	popup, err = page.ExpectPopup(func() error { return again.Click() })
	must(t, err, "repair popup")
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve again")
	must(t, expect.Locator(frame.Locator("[data-testid=flash]")).ToContainText("is repaired", playwright.LocatorAssertionsToContainTextOptions{Timeout: playwright.Float(20000)}), "repaired in the iframe")
	shot(t, page, "embed-ga-repaired")

	after, err := a.Client.GetSource(context.Background(), token, connect.Int(id))
	must(t, err, "read the source again")
	if after.Properties["view_id"] != before.Properties["view_id"] {
		t.Errorf("view_id after the repair: %v, want %v", after.Properties["view_id"], before.Properties["view_id"])
	}
	if got := selected(t, a, token, id); len(got) != len(streamsBefore) {
		t.Errorf("streams after the repair: %v, want %v", got, streamsBefore)
	}
	assertNoSecrets(t, rec)
}
