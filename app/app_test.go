package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	ts := mustStart(t, nil)
	resp, _ := ts.get(t, "/")
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'self'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows unsafe-inline: %q", csp)
	}
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "strict-origin-when-cross-origin",
		"X-Frame-Options":        "SAMEORIGIN",
	} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s: got %q, want %q", h, got, want)
		}
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id header")
	}
}

func TestFrameAncestorsFromEmbedOrigins(t *testing.T) {
	ts := mustStart(t, map[string]string{"ONRAMP_EMBED_ORIGINS": "https://app.example.com, http://127.0.0.1:9999"})
	resp, _ := ts.get(t, "/")
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'self' https://app.example.com http://127.0.0.1:9999") {
		t.Errorf("CSP frame-ancestors: got %q", csp)
	}
	if xfo := resp.Header.Get("X-Frame-Options"); xfo != "" {
		t.Errorf("X-Frame-Options must be absent when embedding is allowed, got %q", xfo)
	}
}

func TestSessionCookieAttributes(t *testing.T) {
	cases := []struct {
		name        string
		env         map[string]string
		secure      bool
		sameSite    string
		partitioned bool
	}{
		{"plain loopback", nil, false, "SameSite=Lax", false},
		{"https base URL", map[string]string{"ONRAMP_BASE_URL": "https://onramp.example.com"}, true, "SameSite=Lax", false},
		{"embedded", map[string]string{"ONRAMP_EMBED_ORIGINS": "https://app.example.com"}, true, "SameSite=None", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ts := mustStart(t, tc.env)
			resp, _ := ts.get(t, "/account/new") // a form page sets the session (CSRF token)
			var raw string
			for _, c := range resp.Header.Values("Set-Cookie") {
				if strings.HasPrefix(c, "onramp=") {
					raw = c
				}
			}
			if raw == "" {
				t.Fatalf("no session cookie; Set-Cookie: %q", resp.Header.Values("Set-Cookie"))
			}
			if !strings.Contains(raw, "HttpOnly") {
				t.Errorf("cookie %q is not HttpOnly", raw)
			}
			if got := strings.Contains(raw, "; Secure"); got != tc.secure {
				t.Errorf("Secure: got %v, want %v (%q)", got, tc.secure, raw)
			}
			if !strings.Contains(raw, tc.sameSite) {
				t.Errorf("cookie %q lacks %s", raw, tc.sameSite)
			}
			if got := strings.Contains(raw, "Partitioned"); got != tc.partitioned {
				t.Errorf("Partitioned: got %v, want %v (%q)", got, tc.partitioned, raw)
			}
			if len(raw) > 4096 {
				t.Errorf("cookie is %d bytes, want under 4 KB", len(raw))
			}
		})
	}
}

func TestPostWithoutCSRFIsForbidden(t *testing.T) {
	ts := mustStart(t, nil)
	ts.get(t, "/account/new")
	for _, form := range []url.Values{
		{"first_name": {"Ada"}},
		{"_csrf": {"forged"}, "first_name": {"Ada"}},
	} {
		resp, body := ts.post(t, "/account", form)
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("got %d, want 403", resp.StatusCode)
		}
		contains(t, body, "This form has expired", `data-status="403"`)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	ts := mustStart(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		resp, body := ts.get(t, p)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: got %d (%s), want 200", p, resp.StatusCode, body)
		}
	}
}

func TestNotFoundPageUsesLayout(t *testing.T) {
	ts := mustStart(t, nil)
	resp, body := ts.get(t, "/no/such/page")
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("got %d, want 404", resp.StatusCode)
	}
	contains(t, body, "<html lang=\"en\">", "Page not found", "Skip to main content")
	if strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
		t.Errorf("404 page leaks internals:\n%s", body)
	}
}

func TestSourceTypesPageListsEmulatorTypes(t *testing.T) {
	ts := mustStart(t, nil)
	resp, _ := ts.get(t, "/sources/new")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("signed out: got %d → %q, want 303 → /", resp.StatusCode, resp.Header.Get("Location"))
	}
	ts.signUp(t, "types@example.com")
	resp, body := ts.get(t, "/sources/new")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d, want 200", resp.StatusCode)
	}
	if n := strings.Count(body, `data-testid="source-type-link"`); n < 15 {
		t.Fatalf("got %d source types, want ≥ 15", n)
	}
	contains(t, body, "HubSpot", "MySQL", `href="/sources/new/platform.hubspot"`)

	_, body = ts.get(t, "/sources/new?q=hubspot")
	if n := strings.Count(body, `data-testid="source-type-link"`); n != 1 {
		t.Fatalf("search hubspot: got %d results, want 1", n)
	}
}

func TestStaticAssetsAreVersionedAndCached(t *testing.T) {
	ts := mustStart(t, nil)
	_, body := ts.get(t, "/")
	i := strings.Index(body, "/static/app.css?v=")
	if i < 0 {
		t.Fatalf("no versioned app.css link in page")
	}
	href := body[i : i+strings.Index(body[i:], `"`)]
	resp, css := ts.get(t, href)
	if resp.StatusCode != http.StatusOK || !strings.Contains(css, "--color-accent") {
		t.Fatalf("GET %s: got %d", href, resp.StatusCode)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control: got %q, want immutable", cc)
	}
	resp, _ = ts.get(t, "/static/app.css?v=old")
	if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("stale version Cache-Control: got %q, want no-cache", cc)
	}
}
