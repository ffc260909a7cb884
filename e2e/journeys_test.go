package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

var expect = playwright.NewPlaywrightAssertions(10000)

// field returns the input of a property on a generated form.
func field(page playwright.Page, name string) playwright.Locator {
	return page.Locator(`[data-property="` + name + `"] [name="` + name + `"]`).First()
}

// visit runs the accessibility check and takes desktop and mobile screenshots.
func visit(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	checkA11y(t, page)
	shotBoth(t, page, name)
}

func waitPath(t *testing.T, page playwright.Page, pattern string) {
	t.Helper()
	must(t, page.WaitForURL(regexp.MustCompile(pattern)), "wait for "+pattern)
}

// addMySQL fills the MySQL form and follows the source to fully configured.
func addMySQL(t *testing.T, page playwright.Page, prefix string) {
	t.Helper()
	open(t, page, "/sources/new/platform.mysql")
	visit(t, page, prefix+"-mysql-form")
	must(t, page.Locator("#display_name").Fill("Shop database"), "name")
	must(t, field(page, "host").Fill("db.example.com"), "host")
	must(t, field(page, "port").Fill("3306"), "port")
	must(t, field(page, "user").Fill("stitch"), "user")
	must(t, field(page, "password").Fill("correct horse"), "password")
	must(t, field(page, "database").Fill("shop"), "database")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/sources/\d+/(discover|fields)$`)
	if strings.HasSuffix(page.URL(), "/discover") {
		visit(t, page, prefix+"-mysql-discover")
		waitPath(t, page, `/sources/\d+/fields$`)
	}
	visit(t, page, prefix+"-mysql-fields")
	boxes := page.Locator(`[data-testid=stream-list] input[type=checkbox]`)
	must(t, boxes.Nth(0).Check(), "select first stream")
	must(t, boxes.Nth(1).Check(), "select second stream")
	streamsSettled(t, page.Locator(".stream-tools"), page.Locator("[data-testid=stream-count]"), 2)
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save streams")
	waitPath(t, page, `/sources/\d+/done$`)
	must(t, expect.Locator(page.Locator("[data-testid=done-heading]")).ToContainText("Shop database is set up"), "done heading")
	visit(t, page, prefix+"-mysql-done")
}

func TestMySQLJourney(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	addMySQL(t, page, "journey")

	// Sync now confirms what happened.
	must(t, page.Locator("[data-testid=sync-now]").Click(), "sync")
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToContainText("has started"), "sync confirmed")
	open(t, page, "/sources")
	must(t, expect.Locator(page.Locator("[data-testid=sources-table]")).ToContainText("Shop database"), "listed")
	visit(t, page, "journey-sources-list")
}

func TestFailedCheckShowsMessageAndRecovers(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	open(t, page, "/sources/new/platform.mysql")
	must(t, page.Locator("#display_name").Fill("Warehouse"), "name")
	must(t, field(page, "host").Fill("db.invalid"), "host")
	must(t, field(page, "port").Fill("3306"), "port")
	must(t, field(page, "user").Fill("stitch"), "user")
	must(t, field(page, "password").Fill("pw"), "password")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/discover$`)
	status := page.Locator("[data-testid=discover-status]")
	must(t, expect.Locator(status).ToHaveAttribute("data-state", "failed"), "check failed (swapped in without reload)")
	must(t, expect.Locator(status).ToContainText("could not find that host"), "plain message")
	visit(t, page, "failed-check")
	must(t, page.Locator("[data-testid=fix-settings]").Click(), "back to the form")
	waitPath(t, page, `/form$`)
	must(t, expect.Locator(field(page, "host")).ToHaveValue("db.invalid"), "host kept")
	must(t, field(page, "host").Fill("db.example.com"), "fix host")
	must(t, page.Locator("[data-testid=submit]").Click(), "resubmit")
	waitPath(t, page, `/sources/\d+/fields$`)
}

func TestMySQLJourneyKeyboardOnly(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	open(t, page, "/sources/new")
	// Tab to the search box, type, and open the match with Enter.
	kb := page.Keyboard()
	focusByTab(t, page, "#q")
	must(t, kb.Type("mysql"), "type search")
	focusByTab(t, page, `#type-list li:not([hidden]) a[href="/sources/new/platform.mysql"]`)
	must(t, kb.Press("Enter"), "open mysql")
	waitPath(t, page, `/sources/new/platform.mysql$`)

	for _, f := range []struct{ sel, text string }{
		{"#display_name", "Keyboard DB"},
		{`[data-property="host"] [name="host"]`, "db.example.com"},
		{`[data-property="port"] [name="port"]`, "3306"},
		{`[data-property="user"] [name="user"]`, "stitch"},
		{`[data-property="password"] [name="password"]`, "secret"},
	} {
		focusByTab(t, page, f.sel)
		must(t, kb.Press("Control+A"), "select")
		must(t, kb.Type(f.text), "type "+f.sel)
	}
	focusByTab(t, page, "[data-testid=submit]")
	must(t, kb.Press("Enter"), "submit by keyboard")
	waitPath(t, page, `/sources/\d+/fields$`)
	focusByTab(t, page, `[data-testid=stream-list] input[type=checkbox] >> nth=0`)
	must(t, kb.Press("Space"), "tick stream")
	focusByTab(t, page, "[data-testid=save-streams]")
	must(t, kb.Press("Enter"), "save by keyboard")
	waitPath(t, page, `/sources/\d+/done$`)
}

// focusByTab presses Tab until the element matching sel has focus.
func focusByTab(t *testing.T, page playwright.Page, sel string) {
	t.Helper()
	target := page.Locator(sel).First()
	for i := 0; i < 200; i++ {
		focused, err := target.Evaluate("el => el === document.activeElement", nil)
		must(t, err, "check focus")
		if b, _ := focused.(bool); b {
			return
		}
		must(t, page.Keyboard().Press("Tab"), "tab")
	}
	t.Fatalf("could not reach %s with the Tab key", sel)
}

func TestHubSpotUpToOAuth(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	open(t, page, "/sources/new/platform.hubspot")
	visit(t, page, "hubspot-form")
	must(t, field(page, "start_date").Fill("2024-01-31"), "start date")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/sources/\d+/oauth$`)
	must(t, expect.Locator(page.Locator("h1")).ToHaveText("Sign in to HubSpot"), "oauth heading")
	visit(t, page, "hubspot-oauth")
}

func TestGoogleAnalyticsReportDefinitions(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	open(t, page, "/sources/new/platform.google-analytics")
	must(t, field(page, "start_date").Fill("2024-01-01"), "start date")
	// Add two report definitions with the repeatable group.
	group := page.Locator(`[data-property="report_definitions"]`)
	add := group.Locator(`button[name="_add"]`)
	rows := func() int {
		n, err := group.Locator(`input[name$="].name"]`).Count()
		must(t, err, "count rows")
		return n
	}
	for rows() < 2 {
		must(t, add.Click(), "add row")
	}
	must(t, group.Locator(`input[name="report_definitions[0].name"]`).Fill("Traffic"), "row 0 name")
	must(t, group.Locator(`input[name="report_definitions[0].id"]`).Fill("a53305a5"), "row 0 id")
	must(t, group.Locator(`input[name="report_definitions[1].name"]`).Fill("Goals"), "row 1 name")
	must(t, group.Locator(`input[name="report_definitions[1].id"]`).Fill("b1"), "row 1 id")
	visit(t, page, "ga-form")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/sources/\d+/oauth$`)
	visit(t, page, "ga-oauth")
}
