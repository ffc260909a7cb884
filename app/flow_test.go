package app

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/onramp/onramp/emulator"
)

var formTokenRe = regexp.MustCompile(`name="_form_token" value="([^"]+)"`)

func formToken(tb testing.TB, body string) string {
	tb.Helper()
	m := formTokenRe.FindStringSubmatch(body)
	if m == nil {
		tb.Fatalf("no form token in page:\n%s", body)
	}
	return m[1]
}

// follow GETs a redirect chain (up to 10 hops) and returns the final page and path.
func (ts *testServer) follow(tb testing.TB, resp *http.Response) (string, string) {
	tb.Helper()
	loc := resp.Header.Get("Location")
	for i := 0; i < 10 && loc != ""; i++ {
		r, body := ts.get(tb, loc)
		if r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusFound {
			if r.StatusCode != http.StatusOK {
				tb.Fatalf("GET %s: got %d\n%s", loc, r.StatusCode, body)
			}
			return loc, body
		}
		loc = r.Header.Get("Location")
	}
	tb.Fatalf("too many redirects, last %s", loc)
	return "", ""
}

func mysqlForm(csrf, ft string) url.Values {
	return url.Values{
		"_csrf": {csrf}, "_form_token": {ft}, "display_name": {"Shop DB"},
		"host": {"db.example.com"}, "port": {"3306"}, "user": {"stitch"}, "password": {"s3cret-pw"},
		"database": {"shop"}, "frequency_in_minutes": {"60"},
	}
}

var sourcePath = regexp.MustCompile(`^/sources/(\d+)/([a-z]+)$`)

// createMySQL creates a MySQL source through the form and returns its id.
func (ts *testServer) createMySQL(tb testing.TB, csrf string, edit func(url.Values)) (string, *http.Response) {
	tb.Helper()
	_, body := ts.get(tb, "/sources/new/platform.mysql")
	form := mysqlForm(csrf, formToken(tb, body))
	if edit != nil {
		edit(form)
	}
	resp, body := ts.post(tb, "/sources/new/platform.mysql", form)
	if resp.StatusCode != http.StatusSeeOther {
		tb.Fatalf("create: got %d, want 303\n%s", resp.StatusCode, body)
	}
	m := sourcePath.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		tb.Fatalf("create redirected to %q, want a source step page", resp.Header.Get("Location"))
	}
	return m[1], resp
}

func TestMySQLJourney(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "mysql@example.com")
	id, resp := ts.createMySQL(t, csrf, nil)
	if got := resp.Header.Get("Location"); got != "/sources/"+id+"/discover" {
		t.Fatalf("after create: got %q, want the discover page", got)
	}
	path, body := ts.follow(t, resp)
	if path != "/sources/"+id+"/fields" {
		t.Fatalf("after discovery: landed on %q, want the fields page\n%s", path, body)
	}
	contains(t, body, "Choose the data to replicate", `data-testid="stream-list"`, "shop.customers", `aria-current="step"`)
	if strings.Contains(body, "s3cret-pw") {
		t.Fatal("the password is echoed in a page")
	}

	// Select two streams on the page.
	ids := streamIDs(t, body)
	if len(ids) < 3 {
		t.Fatalf("got streams %v, want at least 3", ids)
	}
	form := url.Values{"_csrf": {csrf}, "action": {"save"}, "shown": ids, "stream": ids[:2]}
	resp, body = ts.post(t, "/sources/"+id+"/fields", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sources/"+id+"/done" {
		t.Fatalf("save streams: got %d → %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	_, body = ts.follow(t, resp)
	contains(t, body, "Shop DB is set up", "Every hour", `data-testid="sync-now"`)

	// Actions confirm what happened.
	for _, a := range []struct{ path, want string }{
		{"/sync", "Replication of Shop DB has started."},
		{"/pause", "Shop DB is paused."},
		{"/unpause", "Shop DB is running again."},
	} {
		resp, _ := ts.post(t, "/sources/"+id+a.path, url.Values{"_csrf": {csrf}})
		_, body := ts.follow(t, resp)
		contains(t, body, a.want)
	}
	_, body = ts.get(t, "/sources")
	contains(t, body, "Shop DB", "Ready")

	resp, _ = ts.post(t, "/sources/"+id+"/delete", url.Values{"_csrf": {csrf}})
	_, body = ts.follow(t, resp)
	contains(t, body, "Shop DB was deleted.")
	if r, _ := ts.get(t, "/sources/"+id+"/done"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted source: got %d, want 404", r.StatusCode)
	}
}

func TestCreateShowsFieldErrorsAndKeepsValues(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "errors@example.com")
	_, body := ts.get(t, "/sources/new/platform.mysql")
	form := mysqlForm(csrf, formToken(t, body))
	form.Set("port", "not-a-port")
	form.Del("user")
	resp, body := ts.post(t, "/sources/new/platform.mysql", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("got %d, want 422", resp.StatusCode)
	}
	contains(t, body, "There is a problem", `aria-invalid="true"`, `value="db.example.com"`, `value="not-a-port"`, `value="Shop DB"`)
	if strings.Contains(body, "s3cret-pw") {
		t.Fatal("the password is echoed back after an error")
	}
}

func TestFailedCheckAndRecovery(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "check@example.com")
	id, resp := ts.createMySQL(t, csrf, func(v url.Values) { v.Set("password", "wrong") })
	path, body := ts.follow(t, resp)
	if path != "/sources/"+id+"/discover" {
		t.Fatalf("landed on %q, want discover", path)
	}
	contains(t, body, `data-state="failed"`, "was not accepted", `href="/sources/`+id+`/form"`)

	// Fix the password on the form; values other than secrets are kept.
	_, body = ts.get(t, "/sources/"+id+"/form")
	contains(t, body, `value="db.example.com"`, `value="Shop DB"`)
	if strings.Contains(body, `value="wrong"`) {
		t.Fatal("saved password shown in the edit form")
	}
	resp, body = ts.post(t, "/sources/"+id+"/form", url.Values{
		"_csrf": {csrf}, "display_name": {"Shop DB"}, "_choice.password": {"replace"}, "password": {"right-one"},
		"host": {"db.example.com"}, "port": {"3306"}, "user": {"stitch"}, "database": {"shop"}, "frequency_in_minutes": {"60"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update: got %d\n%s", resp.StatusCode, body)
	}
	path, _ = ts.follow(t, resp)
	if path != "/sources/"+id+"/fields" {
		t.Fatalf("after fixing the password: landed on %q, want fields", path)
	}
}

func TestDoubleSubmitCreatesOneSource(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "double@example.com")
	_, body := ts.get(t, "/sources/new/platform.mysql")
	form := mysqlForm(csrf, formToken(t, body))
	var wg sync.WaitGroup
	locs := make([]string, 3)
	for i := range locs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := ts.Client.PostForm(ts.URL+"/sources/new/platform.mysql", form)
			if err != nil {
				t.Errorf("post: %v", err)
				return
			}
			resp.Body.Close()
			locs[i] = resp.Header.Get("Location")
		}()
	}
	wg.Wait()
	ids := map[string]bool{}
	for _, l := range locs {
		m := regexp.MustCompile(`^/sources/(\d+)`).FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("a submit went to %q, want a source page", l)
		}
		ids[m[1]] = true
	}
	if len(ids) != 1 {
		t.Fatalf("got sources %v from one form, want exactly one", ids)
	}
	// A later replay shows the source already created.
	resp, _ := ts.post(t, "/sources/new/platform.mysql", form)
	_, body = ts.follow(t, resp)
	contains(t, body, "already created")
	_, body = ts.get(t, "/sources")
	if n := strings.Count(body, "data-source-id="); n != 1 {
		t.Fatalf("got %d sources listed, want 1", n)
	}
}

func TestUpstream503DuringCreateKeepsValues(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "upstream@example.com")
	_, body := ts.get(t, "/sources/new/platform.mysql")
	form := mysqlForm(csrf, formToken(t, body))
	ts.App.Emulator.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Method: "POST", Path: "/v4/sources", Status: 503}}})
	resp, body := ts.post(t, "/sources/new/platform.mysql", form)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("got %d, want 503", resp.StatusCode)
	}
	contains(t, body, "Stitch did not answer", `value="db.example.com"`, `value="shop"`, `value="Shop DB"`, `data-testid="submit"`)
	if strings.Contains(body, "s3cret-pw") {
		t.Fatal("password echoed after an upstream failure")
	}
	ts.App.Emulator.SetFaults(emulator.Faults{})
	resp, _ = ts.post(t, "/sources/new/platform.mysql", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: got %d, want 303", resp.StatusCode)
	}
}

func TestHubSpotUpToOAuth(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "hubspot@example.com")
	_, body := ts.get(t, "/sources/new/platform.hubspot")
	contains(t, body, `name="start_date"`, `type="date"`, `name="frequency_in_minutes"`)
	if strings.Contains(body, `name="client_secret"`) || strings.Contains(body, `name="image_version"`) {
		t.Fatal("system or read-only properties shown on the form")
	}
	resp, body := ts.post(t, "/sources/new/platform.hubspot", url.Values{
		"_csrf": {csrf}, "_form_token": {formToken(t, body)}, "display_name": {"HubSpot"},
		"start_date": {"2024-01-01"}, "frequency_in_minutes": {"30"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: got %d\n%s", resp.StatusCode, body)
	}
	path, body := ts.follow(t, resp)
	if !strings.HasSuffix(path, "/oauth") {
		t.Fatalf("landed on %q, want the oauth step", path)
	}
	contains(t, body, "Sign in to HubSpot", `data-testid="authorize"`, `data-testid="authorize-new-tab"`, `data-testid="finished"`)

	// The colleague who owns the HubSpot account can be sent this step.
	id := sourcePath.FindStringSubmatch(path)[1]
	contains(t, body, `data-testid="handoff-start"`, `href="/sources/`+id+`/handoff?step=oauth"`)
	link := ts.handoffLink(t, csrf, id, "oauth")
	colleague := mustStartSameEmulator(t, ts)
	r, _ := colleague.openHandoff(t, link)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sources/"+id+"/oauth" {
		t.Fatalf("open the oauth hand-off: got %d → %q", r.StatusCode, r.Header.Get("Location"))
	}
	_, page := colleague.get(t, "/sources/"+id+"/oauth")
	contains(t, page, `data-testid="authorize"`)
	if strings.Contains(page, `data-testid="handoff-start"`) {
		t.Fatal("a hand-off session offers to hand the step on again")
	}
}

func TestUnknownTypeAndForeignSourceAre404(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "owner@example.com")
	id, _ := ts.createMySQL(t, csrf, nil)
	if r, body := ts.get(t, "/sources/new/platform.nope"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown type: got %d, want 404\n%s", r.StatusCode, body)
	}
	other := mustStartSameEmulator(t, ts)
	other.signUp(t, "intruder@example.com")
	if r, body := other.get(t, "/sources/"+id+"/form"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("another account's source: got %d, want 404\n%s", r.StatusCode, body)
	} else {
		contains(t, body, "Page not found")
	}
}

// mustStartSameEmulator returns a second browser (cookie jar) on the same server.
func mustStartSameEmulator(tb testing.TB, ts *testServer) *testServer {
	tb.Helper()
	c := *ts
	jar, _ := newJar()
	client := *ts.Client
	client.Jar = jar
	c.Client = &client
	return &c
}

var streamIDRe = regexp.MustCompile(`data-stream="([^"]+)"`)

// streamIDs lists the tap_stream_ids shown on a fields page.
func streamIDs(tb testing.TB, body string) []string {
	tb.Helper()
	var out []string
	for _, m := range streamIDRe.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}
