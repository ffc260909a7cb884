package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
)

// The partner's page (the embed demo, on http://localhost:PORT) frames Onramp
// (on http://127.0.0.1:PORT2), a cross-site iframe: launch → MySQL to done.
func TestEmbeddedMySQLJourney(t *testing.T) {
	a, stop, err := startOnramp(context.Background(), map[string]string{
		"ONRAMP_EMBED_DEMO": "true", "ONRAMP_PARTNER_NAME": "Acme Analytics",
	})
	if err != nil {
		t.Fatalf("start onramp with the embed demo: %v", err)
	}
	defer stop()
	if a.EmbedDemoURL == "" {
		t.Fatal("no embed demo URL")
	}
	page := newPage(t)
	var mu sync.Mutex
	var wg sync.WaitGroup
	var setCookies []string
	page.OnResponse(func(r playwright.Response) {
		if !strings.HasPrefix(r.URL(), a.Config.BaseURL) {
			return
		}
		wg.Add(1)
		go func() { // protocol calls cannot run on the event dispatcher
			defer wg.Done()
			if v, err := r.HeaderValue("set-cookie"); err == nil && v != "" {
				mu.Lock()
				setCookies = append(setCookies, v)
				mu.Unlock()
			}
		}()
	})
	theme := `{"primary":"#6b21a8","background":"#faf5ff","radius":"12px","font":"Georgia, serif","compact":true}`
	open(t, page, a.EmbedDemoURL+"?source_type=platform.mysql&theme="+url.QueryEscape(theme))
	frame := page.FrameLocator("[data-testid=onramp-frame]")

	must(t, expect.Locator(frame.Locator("h1")).ToHaveText("Connect MySQL"), "launch opened the MySQL form in the iframe")
	mustBeWidget(t, frame)
	// compact is visibly compact: smaller headings than the full layout (1.75rem).
	fs, err := frame.Locator("h1").Evaluate("el => getComputedStyle(el).fontSize", nil)
	must(t, err, "h1 font size")
	if fs != "22px" {
		t.Errorf("compact h1 font size %v, want 22px", fs)
	}
	shot(t, page, "embed-form")
	must(t, frame.Locator("#display_name").Fill("Embedded DB"), "name")
	for name, v := range map[string]string{"host": "db.example.com", "port": "3306", "user": "stitch", "password": "embedded-pw", "database": "shop"} {
		must(t, frame.Locator(`[data-property="`+name+`"] [name="`+name+`"]`).First().Fill(v), name)
	}
	must(t, frame.Locator("[data-testid=submit]").Click(), "submit")
	must(t, expect.Locator(frame.Locator("[data-testid=stream-list]")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "fields page in the iframe")
	shot(t, page, "embed-fields")
	must(t, frame.Locator(`[data-testid=stream-list] input[type=checkbox]`).First().Check(), "select")
	streamsSettled(t, frame.Locator(".stream-tools"), frame.Locator("[data-testid=stream-count]"), 1)
	must(t, frame.Locator("[data-testid=save-streams]").Click(), "save")
	must(t, expect.Locator(frame.Locator("[data-testid=done-heading]")).ToContainText("Embedded DB is set up"), "done in the iframe")
	must(t, expect.Locator(frame.Locator("[data-testid=return]")).ToHaveText("Back to Acme Analytics"), "return link")
	shot(t, page, "embed-done")
	shot(t, page, "embed-done-themed")

	// The host received the events, in order.
	var types []string
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, err := page.Evaluate(`() => window.onrampEvents.map(e => e.type).join(" ")`)
		must(t, err, "read events")
		s, _ := v.(string)
		types = strings.Fields(s)
		if strings.Contains(s, "onramp:source_configured") || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	wantOrder := []string{"onramp:ready", "onramp:account_connected", "onramp:step", "onramp:source_created", "onramp:step", "onramp:source_configured", "onramp:step"}
	if !inOrder(types, wantOrder) {
		t.Fatalf("events %v, want in order %v", types, wantOrder)
	}
	if !contains(types, "onramp:resize") {
		t.Fatalf("no onramp:resize event in %v", types)
	}
	v, err := page.Locator("[data-testid=onramp-frame]").Evaluate("el => el.style.height", nil)
	must(t, err, "iframe height")
	if h, _ := v.(string); h == "" || h == "600px" {
		t.Fatalf("iframe height %q, want it set from onramp:resize", h)
	}
	step, err := page.Evaluate(`() => JSON.stringify(window.onrampEvents.filter(e => e.type === "onramp:source_created")[0].data)`)
	must(t, err, "source_created payload")
	if s, _ := step.(string); !strings.Contains(s, `"type":"platform.mysql"`) || !strings.Contains(s, `"source_id"`) {
		t.Fatalf("source_created payload %v", step)
	}

	// The session cookie is partitioned, for third-party-cookie restrictions.
	wg.Wait()
	mu.Lock()
	joined := strings.Join(setCookies, "\n")
	mu.Unlock()
	for _, want := range []string{"onramp=", "SameSite=None", "Secure", "Partitioned"} {
		if !strings.Contains(joined, want) {
			t.Fatalf("session Set-Cookie %q lacks %s", joined, want)
		}
	}
}

// A page on an origin that is not allowed cannot frame Onramp.
func TestFramingFromOtherOriginsIsRefused(t *testing.T) {
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><head><title>Not allowed</title></head><body><iframe id="f" title="onramp" src="%s/"></iframe></body></html>`, baseURL)
	}))
	defer host.Close()
	page := newPage(t)
	var blocked sync.WaitGroup
	blocked.Add(1)
	var once sync.Once
	page.OnConsole(func(m playwright.ConsoleMessage) {
		if strings.Contains(m.Text(), "frame-ancestors") || strings.Contains(m.Text(), "Refused to display") {
			once.Do(blocked.Done)
		}
	})
	open(t, page, host.URL)
	done := make(chan struct{})
	go func() { blocked.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the browser did not refuse to frame Onramp")
	}
	n, err := page.FrameLocator("#f").Locator(".brand").Count()
	must(t, err, "count")
	if n != 0 {
		t.Fatal("Onramp rendered inside a frame from a disallowed origin")
	}
	frames := page.Frames()
	if len(frames) < 2 || regexp.MustCompile(`^http://127\.0\.0\.1:\d+/$`).MatchString(frames[1].URL()) && frames[1].URL() != "" {
		if len(frames) >= 2 {
			if txt, _ := frames[1].Content(); strings.Contains(txt, "Onramp") {
				t.Fatalf("frame shows Onramp: %s", frames[1].URL())
			}
		}
	}
}

func inOrder(got, want []string) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// mustBeWidget checks a page in a launch session has none of Onramp's own
// site chrome: no header, navigation, disconnect or account switching.
func mustBeWidget(t *testing.T, frame playwright.FrameLocator) {
	t.Helper()
	for _, sel := range []string{".site-header", "[data-testid=site-nav]", "[data-testid=disconnect]", "[data-testid=create-account]", "[data-testid=connect-account]"} {
		n, err := frame.Locator(sel).Count()
		must(t, err, "count "+sel)
		if n != 0 {
			t.Errorf("the launch session shows %s", sel)
		}
	}
}

// waitEvent waits until the host page has received an event of type typ
// and returns its data as JSON.
func waitEvent(t *testing.T, page playwright.Page, typ string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		v, err := page.Evaluate(`(t) => { const e = (window.onrampEvents || []).find(e => e.type === t); return e ? JSON.stringify(e.data || {}) : "" }`, typ)
		must(t, err, "read events")
		if s, _ := v.(string); s != "" {
			return s
		}
		if time.Now().After(deadline) {
			all, _ := page.Evaluate(`() => JSON.stringify(window.onrampEvents || [])`)
			t.Fatalf("no %s event; got %v", typ, all)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// In a sandboxed iframe without allow-modals (window.confirm() is blocked
// there and answers false), a launch session is a widget and deleting a
// source works: the confirmation is a step in the page.
func TestEmbeddedSandboxedWidgetDeletes(t *testing.T) {
	a, stop, err := startOnramp(context.Background(), map[string]string{"ONRAMP_EMBED_DEMO": "true"})
	if err != nil {
		t.Fatalf("start onramp with the embed demo: %v", err)
	}
	defer stop()
	page := newPage(t)
	open(t, page, a.EmbedDemoURL+"?sandbox=1&source_type=platform.mysql")
	sandbox, err := page.Locator("[data-testid=onramp-frame]").GetAttribute("sandbox")
	must(t, err, "sandbox attribute")
	if sandbox == "" || strings.Contains(sandbox, "allow-modals") {
		t.Fatalf("iframe sandbox %q, want one without allow-modals", sandbox)
	}
	frame := page.FrameLocator("[data-testid=onramp-frame]")
	must(t, expect.Locator(frame.Locator("h1")).ToHaveText("Connect MySQL"), "launch in the sandboxed iframe")
	mustBeWidget(t, frame)
	must(t, frame.Locator("#display_name").Fill("Sandboxed DB"), "name")
	for name, v := range map[string]string{"host": "db.example.com", "port": "3306", "user": "stitch", "password": "sandboxed-pw", "database": "shop"} {
		must(t, frame.Locator(`[data-property="`+name+`"] [name="`+name+`"]`).First().Fill(v), name)
	}
	must(t, frame.Locator("[data-testid=submit]").Click(), "submit")
	must(t, expect.Locator(frame.Locator("[data-testid=stream-list]")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "fields page")
	must(t, frame.Locator(`[data-testid=stream-list] input[type=checkbox]`).First().Check(), "select")
	streamsSettled(t, frame.Locator(".stream-tools"), frame.Locator("[data-testid=stream-count]"), 1)
	must(t, frame.Locator("[data-testid=save-streams]").Click(), "save")
	must(t, expect.Locator(frame.Locator("[data-testid=done-heading]")).ToContainText("Sandboxed DB is set up"), "done")
	mustBeWidget(t, frame)

	must(t, frame.Locator("details.danger-zone summary").Click(), "open the danger zone")
	must(t, frame.Locator("[data-testid=delete]").Click(), "delete")
	must(t, expect.Locator(frame.Locator("[data-testid=confirm-step]")).ToBeVisible(), "the in-page confirmation")
	shot(t, page, "embed-delete-confirm")
	must(t, frame.Locator("[data-testid=confirm-yes]").Click(), "confirm")
	must(t, expect.Locator(frame.Locator("[data-testid=flash]")).ToContainText("Sandboxed DB was deleted"), "deleted inside the sandboxed iframe")
	mustBeWidget(t, frame)
}

// A launch whose Stitch token was revoked after minting, and a launch link
// that does not exist, each show a clear page in the iframe (no sign-up, no
// site chrome) and post onramp:error to the host.
func TestEmbeddedRevokedAndBadTokensPostError(t *testing.T) {
	a, stop, err := startOnramp(context.Background(), map[string]string{"ONRAMP_EMBED_DEMO": "true"})
	if err != nil {
		t.Fatalf("start onramp with the embed demo: %v", err)
	}
	defer stop()
	for _, tc := range []struct{ query, heading, code string }{
		{"?revoke=1", "Your connection to Stitch has ended", "stitch_token_rejected"},
		{"?bad_token=1", "This link does not work", "launch_unknown"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			page := newPage(t)
			open(t, page, a.EmbedDemoURL+tc.query)
			frame := page.FrameLocator("[data-testid=onramp-frame]")
			must(t, expect.Locator(frame.Locator("h1")).ToHaveText(tc.heading), "clear page in the iframe")
			mustBeWidget(t, frame)
			data := waitEvent(t, page, "onramp:error")
			if !strings.Contains(data, `"code":"`+tc.code+`"`) {
				t.Errorf("onramp:error data %s, want code %s", data, tc.code)
			}
			shot(t, page, "embed-error-"+tc.code)
		})
	}
}
