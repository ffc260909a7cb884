package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/connect"
)

// Conformance of the emulator's Stitch popup with the official client: a
// reference opener of our own (e2e/testdata/stitchjs, written from
// STITCHJS.md, independent of static/oauth.js) on its own origin drives the
// emulator's /v2/js-client in Chromium. Onramp's own page meets the same
// strict popup in oauth_test.go.

type refOutcome struct {
	OK       bool           `json:"ok"`
	Error    string         `json:"error"`
	Result   map[string]any `json:"result"`
	Messages []string       `json:"messages"`
}

// conformanceSource is a HubSpot source at its oauth step, in a fresh
// emulator account, with an ephemeral token for it.
func conformanceSource(t *testing.T) (token string, id int64, ephemeral string) {
	t.Helper()
	ctx := context.Background()
	token, _ = started.Emulator.NewAccount("")
	src, err := started.Client.CreateSource(ctx, token, connect.CreateSourceRequest{Type: "platform.hubspot", DisplayName: "HubSpot",
		Properties: map[string]any{"start_date": "2024-01-31T00:00:00Z"}})
	must(t, err, "create source")
	if src.ReportCard.CurrentStepType != connect.StepOAuth {
		t.Fatalf("source at %s, want oauth", src.ReportCard.CurrentStepType)
	}
	ephemeral, err = started.Client.CreateEphemeralSession(ctx, token)
	must(t, err, "ephemeral session")
	id = int64(src.ID)
	return token, id, ephemeral
}

// refPage opens the reference opener on its own origin.
func refPage(t *testing.T) playwright.Page {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir("testdata/stitchjs")))
	t.Cleanup(srv.Close)
	page := newPage(t)
	open(t, page, srv.URL+"/index.html")
	_, err := page.WaitForFunction(`() => !!window.stitchRef`, nil)
	must(t, err, "reference opener loaded")
	return page
}

// runRef starts onlyAuthorizeSource with opts, lets act play the user in the
// popup, and returns the outcome once the opener has settled.
func runRef(t *testing.T, page playwright.Page, opts map[string]any, act func(popup playwright.Page)) refOutcome {
	t.Helper()
	popup, err := page.ExpectPopup(func() error {
		_, err := page.Evaluate(`o => { window.__out = null; window.stitchRef.onlyAuthorizeSource(o).then(r => { window.__out = r; }); }`, opts)
		return err
	})
	must(t, err, "popup opens")
	act(popup)
	return waitOutcome(t, page)
}

func waitOutcome(t *testing.T, page playwright.Page) refOutcome {
	t.Helper()
	_, err := page.WaitForFunction(`() => window.__out !== null`, nil, playwright.PageWaitForFunctionOptions{Timeout: playwright.Float(10000)})
	must(t, err, "the opener settles")
	v, err := page.Evaluate(`() => JSON.stringify(window.__out)`)
	must(t, err, "read outcome")
	var out refOutcome
	s, _ := v.(string)
	must(t, jsonUnmarshal(s, &out), "decode outcome")
	return out
}

func refOptions(id int64, ephemeral string) map[string]any {
	// A float64, as JavaScript numbers are (playwright-go sends int64 as BigInt).
	return map[string]any{"app": started.Config.StitchAppURL, "id": float64(id), "ephemeral_token": ephemeral}
}

func stepOf(t *testing.T, token string, id int64) string {
	t.Helper()
	src, err := started.Client.GetSource(context.Background(), token, connect.Int(id))
	must(t, err, "read source")
	return src.ReportCard.CurrentStepType
}

// settleMessages waits a moment so a message sent after the final one would arrive.
func settleMessages(t *testing.T, page playwright.Page) []string {
	t.Helper()
	time.Sleep(700 * time.Millisecond)
	v, err := page.Evaluate(`() => JSON.stringify(window.stitchRef.state().messages)`)
	must(t, err, "messages")
	var m []string
	s, _ := v.(string)
	must(t, jsonUnmarshal(s, &m), "decode messages")
	return m
}

func TestStitchJSConformanceApprove(t *testing.T) {
	page := refPage(t)
	tok, id, et := conformanceSource(t)
	out := runRef(t, page, refOptions(id, et), func(popup playwright.Page) {
		must(t, expect.Locator(popup.Locator("[data-testid=approve]")).ToBeVisible(), "consent")
		must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
	})
	if !out.OK || out.Result["type"] != "platform.hubspot" || out.Result["id"] != float64(id) {
		t.Fatalf("approve: got %+v, want success with {id: %d, type: platform.hubspot}", out, id)
	}
	if want := []string{"bootstrap", "authorizeSuccess"}; !reflect.DeepEqual(out.Messages, want) {
		t.Fatalf("messages %v, want %v (nothing after the final event)", out.Messages, want)
	}
	if got := settleMessages(t, page); len(got) != 2 {
		t.Fatalf("messages after settling %v: the popup posted after its final event", got)
	}
	if s := stepOf(t, tok, id); s == connect.StepOAuth {
		t.Fatal("approved, but the source is still at its oauth step")
	}
}

func TestStitchJSConformanceFailures(t *testing.T) {
	cases := []struct {
		name   string
		opts   func(id int64, et string) map[string]any
		act    func(t *testing.T, popup playwright.Page)
		err    string
		final  string
		silent bool // the popup posts nothing but bootstrap
	}{
		{name: "deny", opts: refOptions, act: func(t *testing.T, p playwright.Page) {
			must(t, expect.Locator(p.Locator("[data-testid=deny]")).ToBeVisible(), "consent")
			must(t, p.Locator("[data-testid=deny]").Click(), "deny")
		}, err: "Error authorizing connection.", final: "authorizeFailure"},
		{name: "close in Stitch", opts: refOptions, act: func(t *testing.T, p playwright.Page) {
			must(t, expect.Locator(p.Locator("[data-testid=cancel]")).ToBeVisible(), "consent")
			must(t, p.Locator("[data-testid=cancel]").Click(), "close")
		}, err: "App closed before reaching end of flow.", final: "integrationFormClose"},
		{name: "user closes the window", opts: refOptions, act: func(t *testing.T, p playwright.Page) {
			must(t, expect.Locator(p.Locator("[data-testid=approve]")).ToBeVisible(), "consent")
			must(t, p.Close(), "close")
		}, err: "App closed before reaching end of flow."},
		{name: "bad token", opts: func(id int64, _ string) map[string]any { return refOptions(id, "not-a-token") },
			act: func(*testing.T, playwright.Page) {}, err: "Error upgrading ephemeral token.", final: "errorUpgradingEphemeralToken"},
		{name: "unknown id", opts: func(_ int64, et string) map[string]any { return refOptions(987654321, et) },
			act: func(*testing.T, playwright.Page) {}, err: "Integration with id 987654321 not found.", final: "errorLoadingConnection"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			page := refPage(t)
			tok, id, et := conformanceSource(t)
			out := runRef(t, page, tc.opts(id, et), func(p playwright.Page) { tc.act(t, p) })
			if out.OK || out.Error != tc.err {
				t.Fatalf("got %+v, want the error %q", out, tc.err)
			}
			if tc.final != "" {
				if want := []string{"bootstrap", tc.final}; !reflect.DeepEqual(out.Messages, want) {
					t.Fatalf("messages %v, want %v", out.Messages, want)
				}
			}
			if s := stepOf(t, tok, id); s != connect.StepOAuth {
				t.Fatalf("source moved to %s", s)
			}
		})
	}
}

// A source of another account is not found, like an unknown one.
func TestStitchJSConformanceForeignSource(t *testing.T) {
	page := refPage(t)
	_, id, _ := conformanceSource(t)
	_, _, otherET := conformanceSource(t)
	out := runRef(t, page, refOptions(id, otherET), func(playwright.Page) {})
	if want := "Integration with id " + itoa(id) + " not found."; out.OK || out.Error != want {
		t.Fatalf("got %+v, want %q", out, want)
	}
}

// The popup authorizes nothing on a context the official client never
// sends: the old short one, or a partial one. It answers nothing (the real
// app would not route it), so the opener settles only when the window closes.
func TestStitchJSConformanceRefusesOtherContexts(t *testing.T) {
	contexts := map[string]func(id int64, et string) map[string]any{
		"old short context": func(id int64, et string) map[string]any {
			return map[string]any{"targetState": map[string]any{"type": "authorizeSource", "id": float64(id)}, "ephemeral_token": et}
		},
		"no version": func(id int64, et string) map[string]any {
			return map[string]any{"hideNav": true, "preventIntegrationFormClose": true,
				"additionalState": map[string]any{"ephemeral_token": et},
				"targetState":     map[string]any{"name": "app.connections.details.authorize", "params": map[string]any{"id": float64(id)}}}
		},
		"id as a string": func(id int64, et string) map[string]any {
			return map[string]any{"version": 2, "hideNav": true, "preventIntegrationFormClose": true,
				"additionalState": map[string]any{"default_selections": nil, "ephemeral_token": et},
				"targetState":     map[string]any{"name": "app.connections.details.authorize", "params": map[string]any{"id": itoa(id)}}}
		},
		"token outside additionalState": func(id int64, et string) map[string]any {
			return map[string]any{"version": 2, "hideNav": true, "preventIntegrationFormClose": true, "ephemeral_token": et,
				"targetState": map[string]any{"name": "app.connections.details.authorize", "params": map[string]any{"id": float64(id)}}}
		},
	}
	for name, ctxOf := range contexts {
		t.Run(name, func(t *testing.T) {
			page := refPage(t)
			tok, id, et := conformanceSource(t)
			opts := refOptions(id, et)
			opts["context"] = ctxOf(id, et)
			out := runRef(t, page, opts, func(p playwright.Page) {
				status := p.Locator("[data-testid=status]")
				must(t, expect.Locator(status).Not().ToHaveText("Waiting for the application that opened this window…"), "the popup read the context")
				txt, _ := status.TextContent()
				if !strings.Contains(txt, "did not understand") && !strings.Contains(txt, "Sign in to Stitch") {
					t.Errorf("popup says %q, want a refusal", txt)
				}
				if v, _ := p.Locator("[data-testid=approve]").IsVisible(); v {
					t.Error("the popup offers to approve a context the official client never sends")
				}
				shot(t, p, "conformance-refused-"+name)
				time.Sleep(500 * time.Millisecond)
				must(t, p.Close(), "close")
			})
			if out.OK || out.Error != "App closed before reaching end of flow." {
				t.Fatalf("got %+v", out)
			}
			for _, m := range out.Messages {
				if m != "bootstrap" {
					t.Fatalf("the popup answered %v", out.Messages)
				}
			}
			if s := stepOf(t, tok, id); s != connect.StepOAuth {
				t.Fatalf("source moved to %s on a refused context", s)
			}
		})
	}
}

// preventIntegrationFormClose: true means the popup never closes itself; a
// passive opener (that does not close it) leaves it open after the final event.
func TestStitchJSConformancePopupStaysOpen(t *testing.T) {
	page := refPage(t)
	_, id, et := conformanceSource(t)
	opts := refOptions(id, et)
	opts["closeOnFinal"] = false
	popup, err := page.ExpectPopup(func() error {
		_, err := page.Evaluate(`o => { window.__out = null; window.stitchRef.onlyAuthorizeSource(o).then(r => { window.__out = r; }); }`, opts)
		return err
	})
	must(t, err, "popup")
	must(t, popup.Locator("[data-testid=approve]").Click(), "approve")
	must(t, expect.Locator(popup.Locator("[data-testid=status]")).ToHaveText("Authorized."), "authorized")
	time.Sleep(1500 * time.Millisecond)
	if popup.IsClosed() {
		t.Fatal("the popup closed itself although preventIntegrationFormClose is true")
	}
	shot(t, popup, "conformance-popup-stays-open")
	v, err := page.Evaluate(`() => window.stitchRef.state().status`)
	must(t, err, "state")
	if v != "success" {
		t.Fatalf("opener state %v, want success", v)
	}
	must(t, popup.Close(), "close")
	if out := waitOutcome(t, page); !out.OK {
		t.Fatalf("outcome %+v", out)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// With preventIntegrationFormClose false the popup closes itself after its
// final event (and posts nothing more).
func TestStitchJSConformanceSelfCloseWhenAllowed(t *testing.T) {
	page := refPage(t)
	_, id, et := conformanceSource(t)
	opts := refOptions(id, et)
	opts["closeOnFinal"] = false
	opts["context"] = map[string]any{"version": 2, "hideNav": true, "preventIntegrationFormClose": false,
		"additionalState": map[string]any{"default_selections": nil, "ephemeral_token": et},
		"targetState":     map[string]any{"name": "app.connections.details.authorize", "params": map[string]any{"id": float64(id)}}}
	out := runRef(t, page, opts, func(p playwright.Page) {
		must(t, p.Locator("[data-testid=deny]").Click(), "deny")
	})
	if out.OK || out.Error != "Error authorizing connection." || !reflect.DeepEqual(out.Messages, []string{"bootstrap", "authorizeFailure"}) {
		t.Fatalf("got %+v", out)
	}
}
