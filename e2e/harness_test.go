// Package e2e drives the real Onramp (started in-process on 127.0.0.1:0 with
// its embedded Stitch emulator) in Debian's Chromium through playwright-go.
// Setup: scripts/e2e-setup.sh (make e2e runs it).
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/app"
	"github.com/onramp/onramp/handlers"
)

var (
	pw      *playwright.Playwright
	browser playwright.Browser
	baseURL string
	axeJS   string
	logs    = &syncBuffer{}
	// started is the most recently started app (tests reach its emulator).
	started *app.App
)

// syncBuffer collects the server's log lines (tests grep them for secrets).
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	flushes []func() error // each started app's FlushLogs: String reads every line logged so far
}

// flushing makes String flush a's buffered log lines first.
func (s *syncBuffer) flushing(a *app.App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.flushes = append(s.flushes, a.FlushLogs)
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	flushes := slices.Clone(s.flushes)
	s.mu.Unlock()
	for _, f := range flushes {
		_ = f() // writes into s: not under s.mu
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestMain(m *testing.M) {
	handlers.VerifyPageCache = true // every cached page a browser reads is checked against its rendering
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	for _, v := range []string{"PLAYWRIGHT_DRIVER_PATH", "CHROMIUM_PATH", "AXE_JS"} {
		if os.Getenv(v) == "" {
			fmt.Fprintf(os.Stderr, "e2e: %s is not set; run the browser tests with `make e2e` (it installs Chromium, the Playwright driver and axe-core)\n", v)
			return 1
		}
	}
	axe, err := os.ReadFile(os.Getenv("AXE_JS"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: read axe-core:", err)
		return 1
	}
	axeJS = string(axe)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, stop, err := startOnramp(ctx, map[string]string{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start onramp:", err)
		return 1
	}
	defer stop()
	started, baseURL = a, a.Config.BaseURL

	pw, err = playwright.Run(&playwright.RunOptions{
		DriverDirectory:     os.Getenv("PLAYWRIGHT_DRIVER_PATH"),
		SkipInstallBrowsers: true,
		Verbose:             false,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start playwright:", err)
		return 1
	}
	defer pw.Stop()
	browser, err = pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(os.Getenv("CHROMIUM_PATH")),
		Headless:       playwright.Bool(true),
		Args: []string{"--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: launch chromium:", err)
		return 1
	}
	defer browser.Close()
	return m.Run()
}

// startOnramp runs the whole product in-process on 127.0.0.1:0 with the
// embedded emulator and waits for /healthz.
func startOnramp(ctx context.Context, env map[string]string) (*app.App, func(), error) {
	defaults := map[string]string{
		"ONRAMP_ADDR":                 "127.0.0.1:0",
		"ONRAMP_LOG_LEVEL":            "debug",
		"ONRAMP_EMULATOR_CHECK_DELAY": "400ms",
	}
	getenv := func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		return defaults[k]
	}
	ctx, cancel := context.WithCancel(ctx)
	appc := make(chan *app.App, 1)
	errc := make(chan error, 1)
	go func() { errc <- app.Run(ctx, getenv, logs, func(a *app.App) { appc <- a }) }()
	var a *app.App
	select {
	case a = <-appc:
	case err := <-errc:
		cancel()
		return nil, nil, err
	case <-time.After(20 * time.Second):
		cancel()
		return nil, nil, fmt.Errorf("onramp did not start within 20s")
	}
	logs.flushing(a)
	u := a.Config.BaseURL
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(u + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			return nil, nil, fmt.Errorf("onramp /healthz not ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop := func() {
		cancel()
		select {
		case <-errc:
		case <-time.After(10 * time.Second):
		}
	}
	return a, stop, nil
}

// Viewports used for screenshots.
var (
	desktop = &playwright.Size{Width: 1280, Height: 800}
	mobile  = &playwright.Size{Width: 375, Height: 800}
)

// newPage opens a page in a fresh browser context (its own cookies). On
// failure it saves a screenshot next to the others.
func newPage(t *testing.T, opts ...func(*playwright.BrowserNewContextOptions)) playwright.Page {
	t.Helper()
	o := playwright.BrowserNewContextOptions{BaseURL: playwright.String(baseURL), Viewport: desktop}
	for _, f := range opts {
		f(&o)
	}
	bctx, err := browser.NewContext(o)
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	bctx.SetDefaultTimeout(10000)
	page, err := bctx.NewPage()
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			dir := screenshotDir()
			if dir == "" {
				dir = filepath.Join(os.TempDir(), "onramp-e2e-failures")
			}
			p := filepath.Join(dir, "FAILED-"+safeName(t.Name())+".png")
			if _, err := page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(p), FullPage: playwright.Bool(true)}); err == nil {
				t.Logf("failure screenshot: %s", p)
			}
		}
		bctx.Close()
	})
	return page
}

func screenshotDir() string { return os.Getenv("E2E_SCREENSHOTS") }

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

// shot saves a full-page screenshot when E2E_SCREENSHOTS names a directory.
func shot(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	dir := screenshotDir()
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot dir: %v", err)
	}
	p := filepath.Join(dir, safeName(name)+".png")
	if _, err := page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(p), FullPage: playwright.Bool(true)}); err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
}

// shotBoth saves the page at desktop and mobile widths.
func shotBoth(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	if screenshotDir() == "" {
		return
	}
	shot(t, page, name+"-desktop")
	if err := page.SetViewportSize(mobile.Width, mobile.Height); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	shot(t, page, name+"-mobile")
	if err := page.SetViewportSize(desktop.Width, desktop.Height); err != nil {
		t.Fatalf("viewport: %v", err)
	}
}

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkA11y runs axe-core (WCAG 2.1 A/AA) on the page and fails on any violation.
func checkA11y(t *testing.T, page playwright.Page) {
	t.Helper()
	if _, err := page.Evaluate(axeJS); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	res, err := page.Evaluate(`async () => {
		const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa']}});
		return JSON.stringify(r.violations);
	}`)
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	s, _ := res.(string)
	var vs []axeViolation
	if err := json.Unmarshal([]byte(s), &vs); err != nil {
		t.Fatalf("decode axe result: %v", err)
	}
	for _, v := range vs {
		var targets []string
		for _, n := range v.Nodes {
			targets = append(targets, fmt.Sprint(n.Target...))
		}
		t.Errorf("axe %s (%s) on %s: %s — %s", v.ID, v.Impact, page.URL(), v.Help, strings.Join(targets, ", "))
	}
}

// checkA11yNoJS runs axe-core on what a page without JavaScript shows: axe
// needs scripts, so the page's markup is copied into a page of a fresh
// context where every script request is refused (the same HTML and CSS,
// none of the page's own JavaScript), and checked there.
func checkA11yNoJS(t *testing.T, page playwright.Page) {
	t.Helper()
	html, err := page.Content()
	must(t, err, "page content")
	bctx, err := browser.NewContext(playwright.BrowserNewContextOptions{Viewport: desktop})
	must(t, err, "a11y context")
	defer bctx.Close()
	must(t, bctx.Route(regexp.MustCompile(`\.js(\?.*)?$`), func(r playwright.Route) { _ = r.Abort() }), "block scripts")
	p, err := bctx.NewPage()
	must(t, err, "a11y page")
	html = headTag.ReplaceAllString(html, `$0<base href="`+page.URL()+`">`)
	must(t, p.SetContent(html, playwright.PageSetContentOptions{WaitUntil: playwright.WaitUntilStateLoad}), "copy markup of "+page.URL())
	// A JSON data block (words for the scripts) is not run, and the CSP lets it be.
	if n, _ := p.Locator(`script:not([src]):not([type="application/json"])`).Count(); n > 0 {
		t.Errorf("%s has %d inline scripts (the CSP forbids them)", page.URL(), n)
	}
	checkA11y(t, p)
}

var headTag = regexp.MustCompile(`(?i)<head[^>]*>`)

// streamsSettled waits, when the fields page runs its JavaScript, until the
// page has taken in the ticks (its count starts with n): the live refresh
// after a tick can grow a row and move the Save button under a click.
// tools is the page's ".stream-tools", count its "[data-testid=stream-count]".
func streamsSettled(t *testing.T, tools, count playwright.Locator, n int) {
	t.Helper()
	if on, _ := tools.IsVisible(); !on {
		return // no JavaScript: nothing is refreshed
	}
	must(t, expect.Locator(count).ToHaveText(regexp.MustCompile(fmt.Sprintf(`^\s*%d\D`, n))), "the page counts the ticks")
}

// must fails the test on err.
func must(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// goto opens a path and fails on a navigation error or an error status.
func open(t *testing.T, page playwright.Page, path string) {
	t.Helper()
	resp, err := page.Goto(path)
	must(t, err, "goto "+path)
	if resp != nil && resp.Status() >= 400 {
		t.Fatalf("goto %s: status %d", path, resp.Status())
	}
}

var emailSeq struct {
	sync.Mutex
	n int
}

// uniqueEmail returns an email address no other test uses.
func uniqueEmail(prefix string) string {
	emailSeq.Lock()
	defer emailSeq.Unlock()
	emailSeq.n++
	return fmt.Sprintf("%s-%d-%d@example.com", prefix, time.Now().UnixNano()%1e9, emailSeq.n)
}

// createAccount signs a fresh browser context up through the UI.
func createAccount(t *testing.T, page playwright.Page) string {
	t.Helper()
	email := uniqueEmail("e2e")
	open(t, page, "/account/new")
	must(t, page.Locator("#first_name").Fill("Ada"), "fill first name")
	must(t, page.Locator("#last_name").Fill("Lovelace"), "fill last name")
	must(t, page.Locator("#email").Fill(email), "fill email")
	must(t, page.Locator("#company").Fill("Analytical Engines Ltd"), "fill company")
	must(t, page.Locator("#region-eu-central-1").Check(), "choose region")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit account form")
	must(t, page.WaitForURL(baseURL+"/"), "back on the start page")
	return email
}

func selectValue(v string) playwright.SelectOptionValues {
	return playwright.SelectOptionValues{Values: &[]string{v}}
}

func pwTimeout(ms float64) playwright.LocatorAssertionsToContainTextOptions {
	return playwright.LocatorAssertionsToContainTextOptions{Timeout: playwright.Float(ms)}
}
