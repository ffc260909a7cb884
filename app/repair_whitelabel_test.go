package app

import (
	"net/http"
	"strings"
	"testing"
)

// A white-label source whose grant was revoked is signed in again from a
// framed page: the repair page's ticket (?repair=1) carries the handshake
// through a top-level popup without the frame's session, the frame's
// session applies the new tokens, and the repair result follows. Every
// other setting (the view id) is kept.
func TestRepairWhiteLabelFromAFrame(t *testing.T) {
	ts := mustStart(t, nil)
	const email = "repair+wl@example.com"
	csrf := ts.signUp(t, email)
	id := gaAtOAuth(t, ts, csrf)
	r, _ := ts.get(t, ts.providerConsent(t, id, "approve"))
	ts.follow(t, r)
	path := gaViewID(t, ts, csrf, id)
	_, body := ts.get(t, path)
	ids := streamIDs(t, body)
	if r, b := ts.post(t, "/sources/"+id+"/fields", map[string][]string{"_csrf": {csrf}, "action": {"save"}, "shown": ids, "stream": ids[:1]}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save streams: got %d\n%s", r.StatusCode, b)
	}
	before := ts.getSource(t, id)

	ts.breakChecks(t, email, id, "HTTP-error-code: 401, Error: the refresh_token provided was rejected by the API (invalid credentials)")
	_, body = ts.get(t, "/sources/"+id+"/repair")
	contains(t, body, `data-testid="reauthorize"`, `id="wl-oauth"`, `data-ticket-url="/sources/`+id+`/oauth/ticket?repair=1"`,
		`href="/sources/`+id+`/repair/authorize"`)

	// Without JavaScript in the frame: the framed navigation gets the new-tab hand-off.
	if r, _ := ts.getWith(t, ts.Client, "/sources/"+id+"/repair/authorize", "Sec-Fetch-Dest", "iframe"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sources/"+id+"/oauth/handoff" {
		t.Fatalf("framed repair authorize: got %d → %q", r.StatusCode, r.Header.Get("Location"))
	}

	// With JavaScript: the frame asks for a ticket, the popup signs in.
	ticket := ts.ticket(t, csrf, "/sources/"+id+"/oauth/ticket?repair=1")
	popup := popupClient()
	r, _ = ts.getWith(t, popup, ticket, "Sec-Fetch-Site", "same-origin")
	cb := consentAs(t, popup, r.Header.Get("Location"), "approve")
	if r, b := ts.getWith(t, popup, cb); r.StatusCode != http.StatusOK || !strings.Contains(b, `data-ok="true"`) {
		t.Fatalf("popup callback: got %d\n%s", r.StatusCode, b)
	}
	r, body = ts.post(t, "/sources/"+id+"/oauth/ticket/apply", map[string][]string{"_csrf": {csrf}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/sources/"+id+"/repair/result" {
		t.Fatalf("apply: got %d → %q\n%s", r.StatusCode, r.Header.Get("Location"), body)
	}
	// A replay of the apply (a second tab) goes back to the repair pages,
	// not through the oauth step past the repair's result.
	if again, b := ts.post(t, "/sources/"+id+"/oauth/ticket/apply", map[string][]string{"_csrf": {csrf}}); again.StatusCode != http.StatusSeeOther || again.Header.Get("Location") != "/sources/"+id+"/repair" {
		t.Fatalf("apply replayed: got %d → %q, want the repair page\n%s", again.StatusCode, again.Header.Get("Location"), b)
	}
	path, body = ts.follow(t, r)
	if path != "/sources/"+id+"/done" {
		t.Fatalf("after the repair: landed on %q\n%s", path, body)
	}
	contains(t, body, "is repaired")
	after := ts.getSource(t, id)
	if after.Properties["view_id"] != before.Properties["view_id"] || len(selectedStreams(t, ts, id)) != 1 {
		t.Fatalf("after signing in again: view_id %v (was %v), streams %v", after.Properties["view_id"], before.Properties["view_id"], selectedStreams(t, ts, id))
	}
}
