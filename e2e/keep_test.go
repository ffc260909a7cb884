package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/emulator"
)

// fillMySQL fills the new MySQL form with working values.
func fillMySQL(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	must(t, page.Locator("#display_name").Fill(name), "name")
	must(t, field(page, "host").Fill("db.example.com"), "host")
	must(t, field(page, "port").Fill("3306"), "port")
	must(t, field(page, "user").Fill("stitch"), "user")
	must(t, field(page, "password").Fill("correct horse"), "password")
	must(t, field(page, "database").Fill("shop"), "database")
}

// noHorizontalScroll fails when the page is wider than its viewport.
func noHorizontalScroll(t *testing.T, page playwright.Page, what string) {
	t.Helper()
	v, err := page.Evaluate(`() => [document.documentElement.scrollWidth, window.innerWidth]`)
	must(t, err, "measure "+what)
	w, ok := v.([]any)
	if !ok || len(w) != 2 {
		t.Fatalf("measure %s: got %v", what, v)
	}
	if fmt.Sprint(w[0]) != fmt.Sprint(w[1]) {
		t.Errorf("%s: page is %v px wide in a %v px viewport", what, w[0], w[1])
	}
}

func sourceRows(t *testing.T, page playwright.Page, name string) int {
	t.Helper()
	open(t, page, "/sources")
	n, err := page.Locator(`[data-testid=sources-table] tr[data-source-id]`, playwright.PageLocatorOptions{HasText: name}).Count()
	must(t, err, "count rows")
	return n
}

func TestKeepBackAndResubmitCreatesNoDuplicate(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	open(t, page, "/sources/new/platform.mysql")
	fillMySQL(t, page, "Back DB")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/sources/\d+/(discover|fields)$`)
	_, err := page.GoBack()
	must(t, err, "back")
	waitPath(t, page, `/sources/new/platform.mysql$`)
	if v, _ := page.Locator("#display_name").InputValue(); v != "Back DB" {
		fillMySQL(t, page, "Back DB") // the page was loaded again: the user types it again
	} else if p, _ := field(page, "password").InputValue(); p == "" {
		must(t, field(page, "password").Fill("correct horse"), "password")
	}
	must(t, page.Locator("[data-testid=submit]").Click(), "resubmit")
	waitPath(t, page, `/sources/\d+/(discover|fields)$`)
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToContainText("already created"), "told it exists")
	shotBoth(t, page, "keep-back-resubmit")
	if n := sourceRows(t, page, "Back DB"); n != 1 {
		t.Fatalf("got %d sources named Back DB, want 1", n)
	}
}

func TestKeepTwoTabsGetAConflictPage(t *testing.T) {
	a := newPage(t)
	createAccount(t, a)
	open(t, a, "/sources/new/platform.mysql")
	fillMySQL(t, a, "Tabs DB")
	must(t, a.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, a, `/sources/\d+/(discover|fields)$`)
	id := strings.Split(strings.TrimPrefix(a.URL(), baseURL+"/sources/"), "/")[0]
	b, err := a.Context().NewPage()
	must(t, err, "second tab")
	open(t, a, "/sources/"+id+"/form")
	open(t, b, "/sources/"+id+"/form")
	must(t, field(a, "host").Fill("a.example.com"), "tab A host")
	must(t, a.Locator("[data-testid=submit]").Click(), "tab A saves")
	waitPath(t, a, `/sources/\d+/(discover|fields|done)$`)
	must(t, field(b, "database").Fill("from_b"), "tab B database")
	must(t, b.Locator("[data-testid=submit]").Click(), "tab B saves")
	must(t, expect.Locator(b.Locator("[data-testid=conflict]")).ToContainText("a.example.com"), "conflict shows tab A's value")
	must(t, expect.Locator(b.Locator("[data-testid=conflict]")).ToContainText("from_b"), "conflict shows tab B's value")
	visit(t, b, "keep-conflict")
	noHorizontalScroll(t, b, "conflict page")
}

func TestKeepFailingEditListAndDestinationStatus(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	addMySQL(t, page, "keep")
	must(t, page.Locator("[data-testid=edit-settings]").Click(), "edit")
	waitPath(t, page, `/form$`)
	must(t, field(page, "host").Fill("db.invalid"), "failing host")
	must(t, page.Locator("[data-testid=submit]").Click(), "save")
	waitPath(t, page, `/sources/\d+/(discover|done)$`)
	must(t, expect.Locator(page.Locator("[data-testid=source-status], [data-testid=discover-heading]").First()).ToContainText("Connection failed", pwTimeout(8000)), "the edit's failure is shown")
	visit(t, page, "keep-failing-edit")
	open(t, page, "/sources")
	must(t, expect.Locator(page.Locator("[data-testid=source-status]").First()).ToContainText("Connection failed"), "list agrees")
	if n, _ := page.GetByText("Checking the connection").Count(); n != 0 {
		t.Fatal("the list shows Checking the connection beside a failed check")
	}
	visit(t, page, "keep-sources-list")

	// A destination reads Checking while its check runs, then Connected.
	open(t, page, "/destination/new/postgres")
	must(t, field(page, "host").Fill("db.example.com"), "host")
	must(t, field(page, "port").Fill("5432"), "port")
	must(t, field(page, "username").Fill("stitch"), "user")
	must(t, field(page, "password").Fill("pw"), "password")
	must(t, field(page, "database").Fill("warehouse"), "database")
	_, err := page.Locator(`select[name="encryption_type"]`).SelectOption(selectValue("none"))
	must(t, err, "encryption")
	must(t, page.Locator("[data-testid=submit]").Click(), "save destination")
	waitPath(t, page, `/destination$`)
	st := page.Locator("[data-testid=destination-status]")
	var text string
	text, err = st.TextContent()
	must(t, err, "status")
	chk, _ := page.Locator("[data-testid=destination-check]").GetAttribute("data-state")
	if chk == "running" && text != "Checking the connection" {
		t.Fatalf("check running but status reads %q", text)
	}
	if text == "Checking the connection" {
		shotBoth(t, page, "keep-destination-checking")
	}
	must(t, expect.Locator(st).ToContainText("Connected", pwTimeout(10000)), "then connected")
	visit(t, page, "keep-destination")
}

func TestKeepBusyStateAndMobileWidths(t *testing.T) {
	page := newPage(t, func(o *playwright.BrowserNewContextOptions) { o.Viewport = &playwright.Size{Width: 375, Height: 800} })
	createAccount(t, page)
	open(t, page, "/sources/new/platform.mysql")
	fillMySQL(t, page, "Busy DB")
	must(t, field(page, "port").Fill("99999"), "bad port")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	must(t, expect.Locator(page.Locator("[data-testid=error-summary]")).ToContainText("between 1 and 65535"), "port error")
	must(t, expect.Locator(page.Locator("[data-testid=kept-password]")).ToContainText("kept"), "password kept")
	shot(t, page, "keep-port-error-375")
	must(t, field(page, "port").Fill("3306"), "fix port")
	// With a slow Stitch the button turns busy on submit and cannot send twice.
	started.Emulator.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Method: "POST", Path: "/v4/sources", Hang: true, Times: 1}}})
	t.Cleanup(func() { started.Emulator.SetFaults(emulator.Faults{}) })
	btn := page.Locator("[data-testid=submit]")
	// The slow answer loads into a frame so the page itself can be inspected meanwhile.
	_, err := page.Evaluate(`() => { const f = document.createElement("iframe"); f.name = "sink"; f.hidden = true; document.body.appendChild(f);
		document.querySelector("form[data-busy-form]").target = "sink"; }`)
	must(t, err, "answer into a frame")
	must(t, btn.Click(playwright.LocatorClickOptions{NoWaitAfter: playwright.Bool(true)}), "submit again")
	must(t, expect.Locator(btn).ToHaveText("Saving…"), "busy label")
	must(t, expect.Locator(btn).ToBeDisabled(), "busy button disabled")
	shot(t, page, "keep-busy-375")
	started.Emulator.SetFaults(emulator.Faults{})
	if n := sourceRows(t, page, "Busy DB"); n > 1 {
		t.Fatalf("got %d sources named Busy DB, want at most 1", n)
	}

	paths := []string{"/", "/sources", "/sources/new", "/sources/new/platform.mysql", "/destination", "/destination/new/postgres", "/account/new-nope"}
	for _, w := range []int{375, 320} {
		must(t, page.SetViewportSize(w, 800), "viewport")
		for _, p := range paths {
			if _, err := page.Goto(p); err != nil {
				t.Fatalf("goto %s: %v", p, err)
			}
			noHorizontalScroll(t, page, fmt.Sprintf("%s at %d px", p, w))
			shot(t, page, fmt.Sprintf("keep-%d-%s", w, safeName(strings.Trim(p, "/"))))
		}
	}
}
