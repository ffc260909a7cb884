package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

// keptForm posts a create form that fails on another field and returns the
// re-rendered form's values.
func TestPasswordSurvivesPortErrors(t *testing.T) {
	ts, logs := startKeep(t, map[string]string{})
	csrf := ts.signUp(t, "port@example.com")
	for _, port := range []string{"33o6", "99999", "0"} {
		t.Run(port, func(t *testing.T) {
			_, body := ts.get(t, "/sources/new/platform.mysql")
			form := mysqlForm(csrf, formToken(t, body))
			form.Set("display_name", "Port "+port)
			form.Set("port", port)
			resp, body := ts.post(t, "/sources/new/platform.mysql", form)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("got %d, want 422", resp.StatusCode)
			}
			contains(t, body, `data-testid="kept-password"`, "Your password is kept", `value="`+port+`"`)
			if port != "33o6" {
				contains(t, body, "between 1 and 65535")
			}
			if strings.Contains(body, "s3cret-pw") {
				t.Fatal("the password is echoed")
			}
			kept := formValues(t, body)
			if kept.Get("password") != "" || kept.Get("_sealed.password") == "" || kept.Get("_choice.password") != "typed" {
				t.Fatalf("got password %q, sealed %q, choice %q; want only a sealed value, kept", kept.Get("password"), kept.Get("_sealed.password"), kept.Get("_choice.password"))
			}
			kept.Set("port", "3306")
			resp, body = ts.post(t, "/sources/new/platform.mysql", kept)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("after fixing the port: got %d, want 303\n%s", resp.StatusCode, body)
			}
			if got := ts.sourcesNamed(t, "Port "+port); got != 1 {
				t.Fatalf("got %d sources, want 1", got)
			}
		})
	}
	if strings.Contains(logs.String(), "s3cret-pw") {
		t.Fatal("the typed password is in the logs")
	}
}

// invalidPropertiesOnce answers the first POST /v4/sources with Stitch's
// InvalidProperties naming port, and passes everything else to next.
func invalidPropertiesOnce(next http.Handler) (http.Handler, *atomic.Int32) {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/v4/sources" && n.Add(1) == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]any{"error": "InvalidProperties", "data": map[string]any{
				"message": "properties do not match schema", "bad_properties": []string{"port"}}})
			return
		}
		next.ServeHTTP(w, r)
	}), &n
}

func TestPasswordSurvivesStitchInvalidProperties(t *testing.T) {
	emu := newEmulator(t, nil)
	front, _ := invalidPropertiesOnce(emu)
	srv := httptest.NewServer(front)
	t.Cleanup(srv.Close)
	logs := &syncBuf{}
	ts := mustStartLogged(t, map[string]string{
		"STITCH_API_URL": srv.URL, "STITCH_APP_URL": srv.URL, "ONRAMP_LOG_LEVEL": "debug",
		"STITCH_PARTNER_ID": "oc_partner", "STITCH_PARTNER_SECRET": "oc_right",
		"ONRAMP_SESSION_KEYS": strings.Repeat("ab", 32) + ":" + strings.Repeat("cd", 32),
	}, logs)
	csrf := ts.signUp(t, "badprops@example.com")
	_, body := ts.get(t, "/sources/new/platform.mysql")
	form := mysqlForm(csrf, formToken(t, body))
	resp, body := ts.post(t, "/sources/new/platform.mysql", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("got %d, want 422\n%s", resp.StatusCode, body)
	}
	contains(t, body, `id="port-error"`, `data-testid="kept-password"`, `value="db.example.com"`)
	if strings.Contains(body, "s3cret-pw") {
		t.Fatal("the password is echoed")
	}
	resp, body = ts.post(t, "/sources/new/platform.mysql", formValues(t, body))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resend: got %d, want 303\n%s", resp.StatusCode, body)
	}
	if got := ts.sourcesNamed(t, "Shop DB"); got != 1 {
		t.Fatalf("got %d sources, want 1", got)
	}
	if strings.Contains(logs.String(), "s3cret-pw") {
		t.Fatal("the typed password is in the logs")
	}
}

func TestSealedPasswordOpensInItsOwnSessionOnly(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "owner-seal@example.com")
	_, body := ts.get(t, "/sources/new/platform.mysql")
	form := mysqlForm(csrf, formToken(t, body))
	form.Set("port", "nope")
	_, body = ts.post(t, "/sources/new/platform.mysql", form)
	kept := formValues(t, body)
	kept.Set("port", "3306")
	if kept.Get("_sealed.password") == "" {
		t.Fatal("no sealed password on the page")
	}

	// Another browser, signed in to another account, replays the sealed value.
	other := mustStartSameEmulator(t, ts)
	otherCSRF := other.signUp(t, "thief@example.com")
	stolen := url.Values{}
	for k, v := range kept {
		stolen[k] = v
	}
	stolen.Set("_csrf", otherCSRF)
	resp, body := other.post(t, "/sources/new/platform.mysql", stolen)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("another session: got %d, want 422 (the password must be typed again)", resp.StatusCode)
	}
	contains(t, body, "Enter the password again")
	if got := other.sourcesNamed(t, "Shop DB"); got != 0 {
		t.Fatalf("another session created %d sources with a sealed password, want 0", got)
	}

	// Tampered in its own session: refused too.
	tampered := url.Values{}
	for k, v := range kept {
		tampered[k] = v
	}
	s := []byte(kept.Get("_sealed.password"))
	s[len(s)/2] ^= 1
	tampered.Set("_sealed.password", string(s))
	resp, body = ts.post(t, "/sources/new/platform.mysql", tampered)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("tampered: got %d, want 422", resp.StatusCode)
	}
	contains(t, body, "Enter the password again")

	// The untouched value opens in its own session.
	resp, body = ts.post(t, "/sources/new/platform.mysql", kept)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("own session: got %d, want 303\n%s", resp.StatusCode, body)
	}
}

func TestValidationMatchesStitch(t *testing.T) {
	ts := mustStart(t, map[string]string{})
	csrf := ts.signUp(t, "rules@example.com")
	cases := []struct {
		name  string
		edit  func(url.Values)
		wants []string
	}{
		{"5000-character name", func(v url.Values) { v.Set("display_name", strings.Repeat("a", 5000)) }, []string{"255 characters or fewer"}},
		{"name too long for its schema name", func(v url.Values) { v.Set("display_name", strings.Repeat("Shop ", 12)) }, []string{"must be under 50 characters"}},
		{"name starting with a digit", func(v url.Values) { v.Set("display_name", "1 shop") }, []string{"begin with a letter or an underscore"}},
		{"name without letters", func(v url.Values) { v.Set("display_name", "####") }, []string{"Use letters or numbers"}},
		{"SSH on without its fields", func(v url.Values) { v.Set("ssh", "true") }, []string{`id="ssh_host-error"`, `id="ssh_port-error"`, `id="ssh_user-error"`}},
		{"SSH port out of range", func(v url.Values) {
			v.Set("ssh", "true")
			v.Set("ssh_host", "bastion.example.com")
			v.Set("ssh_user", "tunnel")
			v.Set("ssh_port", "70000")
		}, []string{`id="ssh_port-error"`, "between 1 and 65535"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, body := ts.get(t, "/sources/new/platform.mysql")
			form := mysqlForm(csrf, formToken(t, body))
			tc.edit(form)
			resp, body := ts.post(t, "/sources/new/platform.mysql", form)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("got %d, want 422", resp.StatusCode)
			}
			contains(t, body, tc.wants...)
		})
	}

	// Stitch's cron error lands on the cron field in plain words, its own text in a detail.
	_, body := ts.get(t, "/sources/new/platform.mysql")
	form := mysqlForm(csrf, formToken(t, body))
	form.Set("display_name", "Cron shop")
	form.Set("cron_expression", "0 0 12 * * MON")
	resp, body := ts.post(t, "/sources/new/platform.mysql", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("cron: got %d, want 422\n%s", resp.StatusCode, body)
	}
	contains(t, body, `id="cron_expression-error"`, "Check the cron schedule", "Stitch said:", "day-of-week AND a day-of-month", `data-testid="kept-password"`)
}

func TestTwoTabsEditingOneSourceGetAConflict(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "tabs@example.com")
	id, _ := ts.createMySQL(t, csrf, nil)
	_, tabA := ts.get(t, "/sources/"+id+"/form")
	_, tabB := ts.get(t, "/sources/"+id+"/form")
	a, b := formValues(t, tabA), formValues(t, tabB)
	a.Set("host", "a.example.com")
	b.Set("database", "from_b")
	if resp, body := ts.post(t, "/sources/"+id+"/form", a); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("tab A: got %d, want 303\n%s", resp.StatusCode, body)
	}
	resp, body := ts.post(t, "/sources/"+id+"/form", b)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("tab B: got %d, want 409 (a conflict, not a silent revert)", resp.StatusCode)
	}
	contains(t, body, `data-testid="conflict"`, "a.example.com", "db.example.com", "from_b", "Save my values")
	if got := ts.getSource(t, id).Properties["host"]; got != "a.example.com" {
		t.Fatalf("after the conflict: host is %v, want tab A's a.example.com kept", got)
	}
	// Tab B decides to save its values.
	resp, body = ts.post(t, "/sources/"+id+"/form", formValues(t, body))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save anyway: got %d, want 303\n%s", resp.StatusCode, body)
	}
	if got := ts.getSource(t, id).Properties["database"]; got != "from_b" {
		t.Fatalf("database is %v, want from_b", got)
	}
}

func TestResubmitAfterCreateShowsTheSource(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "back@example.com")
	id, _ := ts.createMySQL(t, csrf, nil)
	// Back, then reload: a fresh form (new token) sent with the same values.
	_, body := ts.get(t, "/sources/new/platform.mysql")
	resp, body := ts.post(t, "/sources/new/platform.mysql", mysqlForm(csrf, formToken(t, body)))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sources/"+id {
		t.Fatalf("resubmit: got %d → %q, want 303 → /sources/%s\n%s", resp.StatusCode, resp.Header.Get("Location"), id, body)
	}
	_, body = ts.follow(t, resp)
	contains(t, body, "already created")
	if got := ts.sourcesNamed(t, "Shop DB"); got != 1 {
		t.Fatalf("got %d sources, want 1", got)
	}
}

// configureMySQL takes a new MySQL source to fully_configured.
func (ts *testServer) configureMySQL(t *testing.T, csrf string) string {
	t.Helper()
	id, resp := ts.createMySQL(t, csrf, nil)
	_, body := ts.follow(t, resp)
	ids := streamIDs(t, body)
	resp, body = ts.post(t, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"save"}, "shown": ids, "stream": ids[:1]})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save streams: got %d\n%s", resp.StatusCode, body)
	}
	return id
}

func TestFailingEditNeverReadsReady(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "failedit@example.com")
	id := ts.configureMySQL(t, csrf)
	_, body := ts.get(t, "/sources/"+id+"/form")
	form := formValues(t, body)
	form.Set("host", "db.invalid")
	resp, body := ts.post(t, "/sources/"+id+"/form", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: got %d\n%s", resp.StatusCode, body)
	}
	path, body := ts.follow(t, resp)
	t.Logf("landed on %s", path)
	contains(t, body, "Connection failed", "Stitch could not find that host")
	if strings.Contains(body, `>Ready<`) || strings.Contains(body, "Checking the connection") {
		t.Fatal("the done page reads Ready after an edit whose check failed")
	}
	_, body = ts.get(t, "/sources")
	contains(t, body, "Connection failed", `data-testid="fix-connection"`)
	if strings.Contains(body, "Checking the connection") || strings.Contains(body, `>Ready<`) {
		t.Fatalf("the list contradicts the failed check:\n%s", body)
	}
}

func TestDestinationWhileCheckingIsNotConnected(t *testing.T) {
	ts := mustStart(t, map[string]string{"ONRAMP_EMULATOR_CHECK_DELAY": "1h"})
	csrf := ts.signUp(t, "destcheck@example.com")
	resp, body := ts.post(t, "/destination/new/postgres", pgForm(csrf))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: got %d\n%s", resp.StatusCode, body)
	}
	_, body = ts.follow(t, resp)
	contains(t, body, `data-testid="destination-status"`, "Checking the connection", "data-poll-reload")
	if strings.Contains(body, ">Connected<") {
		t.Fatal("a destination whose check is running reads Connected")
	}
}

var _ = bytes.NewReader
var _ = io.Discard
