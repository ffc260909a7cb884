package e2e

import (
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/app"
	"github.com/onramp/onramp/emulator"
)

// recorder keeps every URL the pages of a browser context (popups and new
// tabs included) requested and the HTML and JSON of every answer, so a test
// can prove no secret reached the browser.
type recorder struct {
	mu    sync.Mutex
	wg    sync.WaitGroup
	urls  []string
	pages []string
	// ephemeral are the ephemeral tokens Onramp handed its page's script
	// (the one place they may be): they must appear nowhere else.
	ephemeral []string
}

// ephemeralJSON finds the token in POST /sources/{id}/oauth/session's answer.
var ephemeralJSON = regexp.MustCompile(`"ephemeral_token":"([^"]+)"`)

// isSessionAnswer reports whether a recorded answer is the ephemeral-token JSON.
func isSessionAnswer(u string) bool {
	return regexp.MustCompile(`/sources/\d+/oauth/session$`).MatchString(u)
}

func record(page playwright.Page) *recorder {
	r := &recorder{}
	page.Context().OnRequest(func(req playwright.Request) {
		r.mu.Lock()
		r.urls = append(r.urls, req.URL())
		r.mu.Unlock()
	})
	// Bodies are read only once Chromium reports the request finished: a
	// response whose page closed mid-load (Stitch's popup after its final
	// event) never finishes, and asking for its body would wait forever.
	page.Context().OnRequestFinished(func(req playwright.Request) {
		// Event handlers run on playwright-go's dispatcher: a protocol call
		// (HeaderValue, Body) inside one would deadlock, so work aside.
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			resp, err := req.Response()
			if err != nil || resp == nil {
				return
			}
			ct, _ := resp.HeaderValue("content-type")
			if !strings.Contains(ct, "text/html") && !strings.Contains(ct, "json") {
				return
			}
			body, err := resp.Body()
			if err != nil {
				return
			}
			r.mu.Lock()
			if isSessionAnswer(resp.URL()) {
				if m := ephemeralJSON.FindStringSubmatch(string(body)); m != nil {
					r.ephemeral = append(r.ephemeral, m[1])
				}
			} else {
				r.pages = append(r.pages, resp.URL()+"\n"+string(body))
			}
			r.mu.Unlock()
		}()
	})
	return r
}

// secretPatterns are values that must never appear in a page, URL or log line.
var secretPatterns = []*regexp.Regexp{
	regexp.MustCompile(`at_[0-9a-f]{20}`),                       // Stitch access tokens (emulator format)
	regexp.MustCompile(regexp.QuoteMeta(app.DemoPartnerSecret)), // partner secret
	regexp.MustCompile(regexp.QuoteMeta(emulator.DefaultProviderClientSecret)),
	regexp.MustCompile(`prt_[0-9a-f]{8,}`),  // provider refresh tokens
	regexp.MustCompile(`pat_[0-9a-f]{20,}`), // provider access tokens
}

// providerCode is the pretend provider's authorization code: allowed only in
// the URL of the provider's own redirect to Onramp's callback.
var providerCode = regexp.MustCompile(`pc_[0-9a-f]{32}`)

// assertNoSecrets checks the recorded pages and URLs, the server log, and the
// typed secrets (passwords) given.
func assertNoSecrets(t *testing.T, r *recorder, typed ...string) {
	t.Helper()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the recorder still waits for response bodies after 30 s (a protocol call without a deadline)")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.pages) == 0 {
		t.Fatal("nothing was recorded")
	}
	check := func(where, text string) {
		for _, re := range secretPatterns {
			if loc := re.FindStringIndex(text); loc != nil {
				t.Errorf("secret %q found in %s", re.String(), where)
			}
		}
		for _, s := range r.ephemeral {
			if strings.Contains(text, s) {
				t.Errorf("ephemeral token found in %s", where)
			}
		}
		for _, s := range typed {
			if strings.Contains(text, s) {
				t.Errorf("typed secret %q found in %s", s, where)
			}
		}
	}
	for _, u := range r.urls {
		check("URL "+u, u)
		if providerCode.MatchString(u) && !strings.Contains(u, "/oauth/source/callback?") {
			t.Errorf("OAuth code in URL %s", u)
		}
	}
	for _, p := range r.pages {
		url, body, _ := strings.Cut(p, "\n")
		check("page "+url, p)
		if providerCode.MatchString(body) {
			t.Errorf("OAuth code in page %s", url)
		}
	}
	if providerCode.MatchString(logs.String()) {
		t.Error("OAuth code in the server log")
	}
	check("server log", logs.String())
}
