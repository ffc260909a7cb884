package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The real Stitch app has no form entry point: the popup needs an opener.
func TestJSClientHasNoFormEntry(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "noform@example.com")
	id := str(e.mustCreateSource(t, tok, "platform.shopify", "Shopify", map[string]any{"start_date": startDate, "shop": "demo"})["id"])
	et := e.mustEphemeral(t, tok)
	r := e.mustForm(t, "/v2/js-client", url.Values{"ephemeral_token": {et}, "source_id": {id}, "decision": {"approve"}})
	if r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
		t.Fatalf("POST /v2/js-client: got %d, want 404 or 405", r.status)
	}
	mustStep(t, e.mustGetSource(t, tok, id), "2", "oauth")
}

func TestJSClientPage(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.BasePath = "/_stitch/" })
	r := e.mustDo(t, "GET", "/v2/js-client", "", nil)
	mustStatus(t, r, http.StatusOK)
	body := string(r.body)
	for _, want := range []string{`<script src="/_stitch/assets/js-client.js">`, `data-base="/_stitch"`, `role="status"`, `<h1>`, `data-testid="cancel"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(body, "<form") {
		t.Error("the popup page has a form; the real app is driven by postMessage only")
	}
	js := e.mustDo(t, "GET", "/assets/js-client.js", "", nil)
	mustStatus(t, js, http.StatusOK)
	// The browser tests (e2e/stitchjs_test.go) run this script against a
	// reference opener; here only its vocabulary is checked.
	for _, want := range []string{`"bootstrap"`, `"authorizeSuccess"`, `"authorizeFailure"`, `"integrationFormClose"`,
		`"errorLoadingConnection"`, `"errorUpgradingEphemeralToken"`, `"app.connections.details.authorize"`, "d.version !== 2", "ev.source !== window.opener"} {
		if !strings.Contains(string(js.body), want) {
			t.Errorf("script lacks %q", want)
		}
	}
	for _, banned := range []string{`ts.type`, `data.ephemeral_token`, `"authorizeSource"`} {
		if strings.Contains(string(js.body), banned) {
			t.Errorf("script still reads the old short context (%s)", banned)
		}
	}
	mustStatus(t, e.mustDo(t, "GET", "/assets/emulator.css", "", nil), http.StatusOK)
	mustStatus(t, e.mustDo(t, "GET", "/assets/nope.js", "", nil), http.StatusNotFound)
	mustStatus(t, e.mustDo(t, "POST", "/v2/js-client/authorize", "", "{"), http.StatusBadRequest)
}
