package e2e

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// guideEntry is the setup guide's entry of a property.
func guideEntry(page playwright.Page, name string) playwright.Locator {
	return page.Locator("[data-testid=guide-entry-" + name + "]")
}

// guideBox is an element's bounding box; it fails the test when there is none.
func guideBox(t *testing.T, l playwright.Locator, what string) *playwright.Rect {
	t.Helper()
	b, err := l.BoundingBox()
	must(t, err, "bounding box of "+what)
	if b == nil {
		t.Fatalf("%s has no box (not displayed)", what)
	}
	return b
}

// viewShot saves what the viewport shows (not the full page) when
// E2E_SCREENSHOTS names a directory: the panel as the user sees it.
func viewShot(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	dir := screenshotDir()
	if dir == "" {
		return
	}
	p := filepath.Join(dir, safeName(name)+".png")
	if _, err := page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(p)}); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
}

// entryInView fails unless the entry of a property lies inside the visible
// part of its scrolling container (the guide scrolled to it), polling
// until the smooth scroll ends.
func entryInView(t *testing.T, page playwright.Page, container, name string) {
	t.Helper()
	// Polled inside the page, frame by frame, for up to 5 s (WaitForFunction
	// evaluates strings, which the CSP forbids).
	in, err := page.Evaluate(`([c, n]) => new Promise(resolve => {
		const deadline = performance.now() + 5000;
		const check = () => {
			const p = document.querySelector(c).getBoundingClientRect();
			const e = document.querySelector("[data-testid=guide-entry-" + n + "]").getBoundingClientRect();
			if (e.top >= p.top - 1 && e.bottom <= p.bottom + 1) return resolve(true);
			if (performance.now() > deadline) return resolve(false);
			requestAnimationFrame(check);
		};
		check();
	})`, []string{container, name})
	must(t, err, "where the "+name+" entry is")
	if in != true {
		t.Errorf("the %s entry is outside the visible part of %s; want it scrolled into view there", name, container)
	}
}

// noHorizontalOverflow fails when the page is wider than its viewport.
func noHorizontalOverflow(t *testing.T, page playwright.Page) {
	t.Helper()
	w, err := page.Evaluate(`() => [document.documentElement.scrollWidth, window.innerWidth]`)
	must(t, err, "page width")
	ws, _ := w.([]any)
	if len(ws) != 2 || toFloat(ws[0]) > toFloat(ws[1]) {
		t.Errorf("page is %v wide in a %v viewport: something overflows", ws[0], ws[1])
	}
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case float64:
		return n
	}
	return -1
}

func TestSetupGuideHighlightsTheFocusedField(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	open(t, page, "/sources/new/platform.mysql")
	panel := page.Locator("[data-testid=guide-panel]")
	host := guideEntry(page, "host")
	must(t, expect.Locator(panel).ToBeVisible(), "the guide is shown")
	must(t, expect.Locator(host).ToBeVisible(), "its entries are shown beside the form")
	must(t, expect.Locator(host.Locator("a")).ToHaveAttribute("href", "#host"), "the entry links to its field")
	must(t, expect.Locator(host).Not().ToHaveAttribute("aria-current", "true"), "nothing is marked before a field has focus")
	visit(t, page, "setup-guide-mysql") // axe with JavaScript; 1280 and 375 wide

	// Beside the form: to its right, not above it.
	form := guideBox(t, page.Locator("[data-testid=source-form]"), "form")
	side := guideBox(t, panel, "guide")
	if side.X < form.X+form.Width-1 {
		t.Errorf("guide at x=%.0f, form spans %.0f–%.0f: want the guide beside the form", side.X, form.X, form.X+form.Width)
	}

	input := field(page, "host")
	before := guideBox(t, input, "host input")
	must(t, input.Focus(), "focus host")
	must(t, expect.Locator(host).ToHaveAttribute("aria-current", "true"), "the host entry is current")
	must(t, expect.Locator(host).ToHaveClass(regexp.MustCompile(`\bis-current\b`)), "and highlighted")
	if after := guideBox(t, input, "host input"); after.X != before.X || after.Y != before.Y || after.Width != before.Width {
		t.Errorf("host input moved from %+v to %+v when its entry was marked: want no layout shift", before, after)
	}
	must(t, field(page, "port").Focus(), "focus port")
	must(t, expect.Locator(guideEntry(page, "port")).ToHaveAttribute("aria-current", "true"), "the port entry is current")
	must(t, expect.Locator(host).Not().ToHaveAttribute("aria-current", "true"), "the host entry is not any more")

	// A field far down the form: its entry is scrolled into the panel's view.
	must(t, field(page, "frequency_in_minutes").Focus(), "focus frequency")
	freq := guideEntry(page, "frequency_in_minutes")
	must(t, expect.Locator(freq).ToHaveAttribute("aria-current", "true"), "the frequency entry is current")
	must(t, expect.Locator(freq).ToBeInViewport(), "and scrolled into view")
	entryInView(t, page, "[data-testid=guide-panel]", "frequency_in_minutes")

	// The name in the guide moves focus to its field.
	must(t, host.Locator("a").Click(), "click the host name")
	must(t, expect.Locator(input).ToBeFocused(), "the host field has focus")
	must(t, expect.Locator(host).ToHaveAttribute("aria-current", "true"), "and its entry is current again")
	must(t, field(page, "user").Focus(), "focus user")
	viewShot(t, page, "setup-guide-mysql-focus-desktop")

	// Narrow screens: a closed <details> below the heading, nothing overflows.
	must(t, page.SetViewportSize(mobile.Width, mobile.Height), "narrow viewport")
	open(t, page, "/sources/new/platform.mysql")
	must(t, expect.Locator(host).Not().ToBeVisible(), "closed by default on a narrow screen")
	heading := guideBox(t, page.Locator("h1"), "heading")
	summary := page.Locator(".guide__summary")
	if s := guideBox(t, summary, "guide summary"); s.Y < heading.Y+heading.Height || s.Y > guideBox(t, field(page, "host"), "host").Y {
		t.Errorf("guide summary at y=%.0f: want it below the heading (%.0f) and above the form", s.Y, heading.Y)
	}
	noHorizontalOverflow(t, page)
	must(t, summary.Click(), "open the guide")
	must(t, expect.Locator(host).ToBeVisible(), "open: the entries show")
	must(t, field(page, "host").Focus(), "focus host on a narrow screen")
	must(t, expect.Locator(host).ToHaveAttribute("aria-current", "true"), "the host entry is current on a narrow screen")
	// Open above the form, the guide scrolls on its own: a later field's entry is scrolled into its view.
	must(t, field(page, "frequency_in_minutes").Focus(), "focus frequency on a narrow screen")
	must(t, expect.Locator(freq).ToHaveAttribute("aria-current", "true"), "the frequency entry is current on a narrow screen")
	entryInView(t, page, "[data-guide-body]", "frequency_in_minutes")
	noHorizontalOverflow(t, page)
	checkA11y(t, page)
	_, err := page.Evaluate(`() => window.scrollTo(0, 0)`)
	must(t, err, "scroll to the top")
	viewShot(t, page, "setup-guide-mysql-mobile-open")
	must(t, page.SetViewportSize(desktop.Width, desktop.Height), "desktop viewport")
}

func TestSetupGuideWithoutJavaScript(t *testing.T) {
	page := newPage(t, func(o *playwright.BrowserNewContextOptions) { o.JavaScriptEnabled = playwright.Bool(false) })
	createAccount(t, page)
	open(t, page, "/sources/new/platform.mysql")
	host := guideEntry(page, "host")
	must(t, expect.Locator(host).ToBeVisible(), "a plain list beside the form")
	must(t, expect.Locator(host).ToContainText("rds.amazonaws.com"), "MySQL's own words for the host")
	must(t, expect.Locator(host.Locator("a")).ToHaveText("Host"), "the term is the field's label")
	must(t, host.Locator("a").Click(), "follow the host name")
	must(t, page.WaitForURL("**/sources/new/platform.mysql#host"), "the link leads to the field")
	shotBoth(t, page, "setup-guide-mysql-nojs")
	checkA11yNoJS(t, page)

	must(t, page.SetViewportSize(mobile.Width, mobile.Height), "narrow viewport")
	open(t, page, "/sources/new/platform.mysql")
	must(t, expect.Locator(host).Not().ToBeVisible(), "closed by default on a narrow screen")
	noHorizontalOverflow(t, page)
	must(t, page.Locator(".guide__summary").Click(), "open the guide")
	must(t, expect.Locator(host).ToBeVisible(), "the summary opens it without JavaScript")
	noHorizontalOverflow(t, page)
}
