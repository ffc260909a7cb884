package e2e

import (
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

func TestSourceTypeCatalog(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	open(t, page, "/sources/new")

	links := page.Locator("[data-testid=source-type-link]")
	n, err := links.Count()
	must(t, err, "count types")
	if n < 15 {
		t.Fatalf("got %d source types, want at least 15", n)
	}
	shotBoth(t, page, "sources-new")
	checkA11y(t, page)

	// Live search narrows the list without a reload.
	must(t, page.Locator("[data-testid=type-search]").Fill("hubspot"), "type search")
	visible := page.Locator("#type-list li:visible")
	must(t, playwright.NewPlaywrightAssertions().Locator(visible).ToHaveCount(1), "one match for hubspot")
	txt, err := visible.First().InnerText()
	must(t, err, "read match")
	if !strings.Contains(txt, "HubSpot") {
		t.Fatalf("got %q, want HubSpot", txt)
	}
	status, err := page.Locator("[data-testid=type-count]").InnerText()
	must(t, err, "read count")
	if !strings.Contains(status, "1 source type") {
		t.Fatalf("got status %q, want it to count 1 source type", status)
	}
	shot(t, page, "sources-new-search")

	// The link opens the type's page.
	must(t, visible.First().Locator("a").Click(), "open HubSpot")
	must(t, page.WaitForURL("**/sources/new/platform.hubspot"), "on the HubSpot page")
}

func TestSourceTypeCatalogWithoutJavaScript(t *testing.T) {
	page := newPage(t, func(o *playwright.BrowserNewContextOptions) { o.JavaScriptEnabled = playwright.Bool(false) })
	createAccount(t, page)
	open(t, page, "/sources/new")
	must(t, page.Locator("[data-testid=type-search]").Fill("mysql"), "type search")
	must(t, page.Locator("form.search button").Click(), "submit search")
	must(t, page.WaitForURL("**/sources/new?q=mysql"), "server-side search")
	n, err := page.Locator("[data-testid=source-type-link]").Count()
	must(t, err, "count")
	if n < 1 || n > 3 {
		t.Fatalf("got %d results for mysql, want 1 to 3", n)
	}
	checkA11yNoJS(t, page)
}

func TestSignedOutStartPage(t *testing.T) {
	page := newPage(t)
	open(t, page, "/sources/new")
	// Without an account, the catalog sends the visitor to the start page.
	must(t, page.WaitForURL(baseURL+"/"), "redirected to start")
	for _, id := range []string{"create-account", "connect-account"} {
		if n, _ := page.Locator("[data-testid=" + id + "]").Count(); n != 1 {
			t.Fatalf("got %d %s buttons, want 1", n, id)
		}
	}
	checkA11y(t, page)
	shotBoth(t, page, "start-signed-out")
}
