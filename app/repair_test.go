package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/emulator"
)

// configuredMySQL creates a MySQL source through the pages, selects two
// streams and returns its id (fully configured).
func (ts *testServer) configuredMySQL(t *testing.T, csrf string) string {
	t.Helper()
	id, resp := ts.createMySQL(t, csrf, nil)
	path, body := ts.follow(t, resp)
	if path != "/sources/"+id+"/fields" {
		t.Fatalf("after create: landed on %q, want fields", path)
	}
	ids := streamIDs(t, body)
	resp, body = ts.post(t, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"save"}, "shown": ids, "stream": ids[:2]})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sources/"+id+"/done" {
		t.Fatalf("save streams: got %d → %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	return id
}

// breakChecks makes the account's next connection check fail with msg (as
// when a database password is rotated or an OAuth grant revoked): a check
// is started through the API with the fault on, then the fault is cleared,
// so only a repair's own check passes again.
func (ts *testServer) breakChecks(t *testing.T, email, id, msg string) {
	t.Helper()
	zero := 0 * ts.App.Config.CheckDelay
	if err := ts.App.Emulator.SetAccountFaults(email, emulator.Faults{FailChecks: msg, CheckDelay: &zero}); err != nil {
		t.Fatalf("set faults: %v", err)
	}
	n, _ := strconv.ParseInt(id, 10, 64)
	// Saving a property as it is starts a check and changes nothing.
	freq := ts.getSource(t, id).Properties["frequency_in_minutes"]
	if _, err := ts.App.Client.UpdateSource(context.Background(), ts.sessionToken(t), connect.Int(n), connect.UpdateSourceRequest{Properties: map[string]any{"frequency_in_minutes": freq}}); err != nil {
		t.Fatalf("start a check: %v", err)
	}
	if err := ts.App.Emulator.ClearAccountFaults(email); err != nil {
		t.Fatalf("clear faults: %v", err)
	}
}

var repairFieldsRe = regexp.MustCompile(`name="_repair_fields" value="([^"]*)"`)

func selectedStreams(t *testing.T, ts *testServer, id string) []string {
	t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	streams, err := ts.App.Client.ListStreams(context.Background(), ts.sessionToken(t), connect.Int(n))
	if err != nil {
		t.Fatalf("list streams: %v", err)
	}
	var out []string
	for _, s := range streams {
		if s.Selected != nil && *s.Selected {
			out = append(out, s.TapStreamID)
		}
	}
	slices.Sort(out)
	return out
}

func lastCheckStatus(t *testing.T, ts *testServer, id string) string {
	t.Helper()
	n, _ := strconv.ParseInt(id, 10, 64)
	chk, err := ts.App.Client.SourceLastConnectionCheck(context.Background(), ts.sessionToken(t), connect.Int(n))
	if err != nil {
		t.Fatalf("last check: %v", err)
	}
	return chk.Status
}

// A MySQL source whose password stops working shows its health on
// /sources, and is repaired with only the password retyped: the other
// properties and the stream selection stay as they were.
func TestRepairMySQLWithOnlyThePassword(t *testing.T) {
	p := mustPartner(t)
	ts := mustStartWith(t, observedEnv(p, map[string]string{"ONRAMP_EMBED_ORIGINS": "https://partner.example"}), io.Discard, fastWebhooks)
	const email = "repair+mysql@example.com"
	csrf := ts.signUp(t, email)
	id := ts.configuredMySQL(t, csrf)
	before := ts.getSource(t, id)
	streamsBefore := selectedStreams(t, ts, id)

	ts.breakChecks(t, email, id, `(1045, "Access denied for user 'stitch'@'db.example.com' (using password: YES)")`)

	_, body := ts.get(t, "/sources")
	contains(t, body, "Connection failed", `data-testid="source-health"`, `data-broken="true"`, "Last connection check on ", ": failed",
		"The password (or key) was not accepted", "At fault: Password", `href="/sources/`+id+`/repair"`)

	resp, body := ts.get(t, "/sources/"+id+"/repair")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("repair page: got %d\n%s", resp.StatusCode, body)
	}
	contains(t, body, `data-testid="repair-form"`, `name="password"`, "Access denied for user")
	if m := repairFieldsRe.FindStringSubmatch(body); m == nil || m[1] != "password" {
		t.Fatalf("repair fields: got %v, want password only", m)
	}
	for _, other := range []string{`name="host"`, `name="port"`, `name="user"`, `name="database"`, `name="display_name"`} {
		if strings.Contains(body, other) {
			t.Errorf("the repair form asks for %s again, want only the password", other)
		}
	}

	// An empty password is refused, and nothing is sent to Stitch.
	resp, body = ts.post(t, "/sources/"+id+"/repair", url.Values{"_csrf": {csrf}, "_repair_fields": {"password"}, "password": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty password: got %d, want 422\n%s", resp.StatusCode, body)
	}
	// A crafted list of fields (a property that is not editable) is refused.
	if resp, _ := ts.post(t, "/sources/"+id+"/repair", url.Values{"_csrf": {csrf}, "_repair_fields": {"image_version"}, "image_version": {"x"}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("crafted fields: got %d, want 400", resp.StatusCode)
	}

	resp, body = ts.post(t, "/sources/"+id+"/repair", url.Values{"_csrf": {csrf}, "_repair_fields": {"password"}, "password": {"rotated-pw"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sources/"+id+"/repair/result" {
		t.Fatalf("repair: got %d → %q\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	path, body := ts.follow(t, resp)
	if path != "/sources/"+id+"/done" {
		t.Fatalf("after the repair: landed on %q, want the done page\n%s", path, body)
	}
	contains(t, body, "is repaired", `data-testid="last-check"`, ": passed")
	if !hasEvent(eventsIn(t, body), "onramp:source_repaired", "") {
		t.Error("no onramp:source_repaired event for the parent page")
	}

	// Read back from the emulator: healthy, other properties unchanged.
	after := ts.getSource(t, id)
	if got := lastCheckStatus(t, ts, id); got != connect.CheckSucceeded {
		t.Fatalf("last check after the repair: got %q, want succeeded", got)
	}
	if after.ReportCard.CurrentStepType != connect.StepFullyConfigured {
		t.Fatalf("step after the repair: got %q, want fully_configured", after.ReportCard.CurrentStepType)
	}
	for _, k := range []string{"host", "port", "user", "database", "frequency_in_minutes"} {
		if after.Properties[k] != before.Properties[k] {
			t.Errorf("%s: got %v, want %v (unchanged)", k, after.Properties[k], before.Properties[k])
		}
	}
	if got := selectedStreams(t, ts, id); !slices.Equal(got, streamsBefore) || len(got) != 2 {
		t.Errorf("selected streams after the repair: got %v, want %v", got, streamsBefore)
	}
	eventually(t, "a source.repaired webhook", func() bool { return p.delivered()["source.repaired"] == 1 })
	for _, h := range p.hooks() {
		if strings.Contains(h.body, "rotated-pw") {
			t.Fatal("a webhook carries the new password")
		}
	}
}

// A refused connection asks for the host and the port only; a repair that
// still fails comes back to the repair page.
func TestRepairHostAndPortAndAFailedRepair(t *testing.T) {
	ts := mustStart(t, nil)
	const email = "repair+port@example.com"
	csrf := ts.signUp(t, email)
	id := ts.configuredMySQL(t, csrf)
	ts.breakChecks(t, email, id, `(2003, "Can't connect to MySQL server on 'db.example.com' ([Errno 111] Connection refused)")`)

	_, body := ts.get(t, "/sources/"+id+"/repair")
	if m := repairFieldsRe.FindStringSubmatch(body); m == nil || m[1] != "host,port" {
		t.Fatalf("repair fields: got %v, want host,port", m)
	}
	contains(t, body, `value="db.example.com"`, `value="3306"`, "could not reach the server")

	// Port 1 is the emulator's refused port: the repair's own check fails.
	resp, _ := ts.post(t, "/sources/"+id+"/repair", url.Values{"_csrf": {csrf}, "_repair_fields": {"host,port"}, "host": {"db.example.com"}, "port": {"1"}})
	path, body := ts.follow(t, resp)
	if path != "/sources/"+id+"/repair" {
		t.Fatalf("a failed repair: landed on %q, want the repair page", path)
	}
	contains(t, body, "It still does not work", `name="port"`)

	resp, _ = ts.post(t, "/sources/"+id+"/repair", url.Values{"_csrf": {csrf}, "_repair_fields": {"host,port"}, "host": {"db.example.com"}, "port": {"3307"}})
	path, _ = ts.follow(t, resp)
	if path != "/sources/"+id+"/done" {
		t.Fatalf("after the repair: landed on %q, want done", path)
	}
	if src := ts.getSource(t, id); src.Properties["port"] != "3307" || src.Properties["database"] != "shop" {
		t.Fatalf("properties after the repair: %v", src.Properties)
	}
}

// A HubSpot source whose grant was revoked signs in again in place
// (Stitch-managed): its stream selection is kept.
func TestRepairHubSpotReauthorizeKeepsSelection(t *testing.T) {
	ts := mustStart(t, nil)
	const email = "repair+hubspot@example.com"
	csrf := ts.signUp(t, email)
	_, body := ts.get(t, "/sources/new/platform.hubspot")
	resp, _ := ts.post(t, "/sources/new/platform.hubspot", url.Values{
		"_csrf": {csrf}, "_form_token": {formToken(t, body)}, "display_name": {"HubSpot"}, "start_date": {"2024-01-01"},
	})
	path, _ := ts.follow(t, resp)
	id := sourcePath.FindStringSubmatch(path)[1]
	ts.stitchAuthorize(t, csrf, "/sources/"+id+"/oauth/session", id)
	_, body = ts.get(t, "/sources/"+id+"/fields")
	ids := streamIDs(t, body)
	if len(ids) < 3 {
		t.Fatalf("got streams %v, want at least 3", ids)
	}
	resp, body = ts.post(t, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"save"}, "shown": ids, "stream": {ids[0], ids[2]}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save streams: got %d\n%s", resp.StatusCode, body)
	}
	want := selectedStreams(t, ts, id)
	before := ts.getSource(t, id)

	ts.breakChecks(t, email, id, "HTTP-error-code: 401, Error: the refresh_token provided was rejected by the API (invalid credentials)")
	_, body = ts.get(t, "/sources")
	contains(t, body, "Connection failed", "revoked or has expired")

	_, body = ts.get(t, "/sources/"+id+"/repair")
	contains(t, body, `data-testid="reauthorize"`, `data-session-url="/sources/`+id+`/repair/session"`,
		`data-status-url="/sources/`+id+`/repair/status"`, `data-next-url="/sources/`+id+`/repair/result"`)
	if strings.Contains(body, `data-testid="repair-form"`) {
		t.Fatal("an OAuth repair asks for form fields")
	}
	if _, body := ts.get(t, "/sources/"+id+"/repair/status"); !strings.Contains(body, `"step":"oauth"`) {
		t.Fatalf("status before signing in: %s", body)
	}
	ts.stitchAuthorize(t, csrf, "/sources/"+id+"/repair/session", id)
	if _, body := ts.get(t, "/sources/"+id+"/repair/status"); strings.Contains(body, `"step":"oauth"`) {
		t.Fatalf("status after signing in: %s", body)
	}
	resp, body = ts.get(t, "/sources/"+id+"/repair/result")
	path, body = ts.follow(t, resp)
	if path != "/sources/"+id+"/done" {
		t.Fatalf("after signing in again: landed on %q\n%s", path, body)
	}
	contains(t, body, "is repaired")
	if got := selectedStreams(t, ts, id); !slices.Equal(got, want) {
		t.Fatalf("selection after signing in again: got %v, want %v", got, want)
	}
	after := ts.getSource(t, id)
	if after.Properties["start_date"] != before.Properties["start_date"] || lastCheckStatus(t, ts, id) != connect.CheckSucceeded {
		t.Fatalf("after signing in again: start_date %v (was %v), check %s", after.Properties["start_date"], before.Properties["start_date"], lastCheckStatus(t, ts, id))
	}
}

// stitchAuthorize does what Stitch's window does on Approve: an ephemeral
// token from Onramp's session endpoint, then the emulator's authorize.
func (ts *testServer) stitchAuthorize(t *testing.T, csrf, sessionPath, id string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+sessionPath, nil)
	req.Header.Set("X-CSRF-Token", csrf)
	r, err := ts.Client.Do(req)
	if err != nil || r.StatusCode != http.StatusOK {
		t.Fatalf("session %s: got %v %v", sessionPath, r.StatusCode, err)
	}
	var tok struct {
		EphemeralToken string `json:"ephemeral_token"`
	}
	_ = json.NewDecoder(r.Body).Decode(&tok)
	r.Body.Close()
	b, _ := json.Marshal(map[string]any{"ephemeral_token": tok.EphemeralToken, "source_id": json.Number(id)})
	ar, err := http.Post(ts.URL+EmulatorPrefix+"/v2/js-client/authorize", "application/json", bytes.NewReader(b))
	if err != nil || ar.StatusCode != http.StatusOK {
		t.Fatalf("authorize: got %v %v", ar.StatusCode, err)
	}
	ar.Body.Close()
}

// A launch with "mode": "repair" opens the source's repair page.
func TestLaunchInRepairMode(t *testing.T) {
	ts := mustStart(t, launchEnv(nil))
	const email = "repair+launch@example.com"
	csrf := ts.signUp(t, email)
	id := ts.configuredMySQL(t, csrf)
	ts.breakChecks(t, email, id, `(1045, "Access denied for user 'stitch'@'db.example.com' (using password: YES)")`)
	tok := ts.sessionToken(t)
	acct := ts.getSourceAccount(t, id)

	for _, tc := range []struct {
		body map[string]any
		code string
	}{
		{map[string]any{"access_token": tok, "stitch_account_id": acct, "mode": "fix", "source_id": id}, "invalid_request"},
		{map[string]any{"access_token": tok, "stitch_account_id": acct, "mode": "repair"}, "invalid_request"},
	} {
		if resp, body := ts.launch(t, testAPIKey, tc.body); resp.StatusCode != http.StatusBadRequest || errorCode(body) != tc.code {
			t.Errorf("%v: got %d %v, want 400 %s", tc.body, resp.StatusCode, body, tc.code)
		}
	}
	resp, body := ts.launch(t, testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": acct, "mode": "repair", "source_id": id})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("launch: got %d %v", resp.StatusCode, body)
	}
	u, _ := body["url"].(string)
	browser := mustStartSameEmulator(t, ts)
	r, _ := browser.get(t, strings.TrimPrefix(u, ts.URL))
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sources/"+id+"/repair" {
		t.Fatalf("redeem: got %d → %q, want the repair page", r.StatusCode, r.Header.Get("Location"))
	}
	_, page := browser.get(t, "/sources/"+id+"/repair")
	contains(t, page, `data-testid="repair-form"`, `name="password"`)
	if strings.Contains(page, `data-testid="site-nav"`) {
		t.Error("a launch session shows the site navigation")
	}
}

func (ts *testServer) getSourceAccount(t *testing.T, id string) int64 {
	t.Helper()
	return int64(ts.getSource(t, id).StitchClientID)
}
