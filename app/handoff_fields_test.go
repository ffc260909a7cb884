package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Stream selection can be sent to the colleague who knows which tables
// matter: the link opens the fields page in their browser, and what they
// save is what Stitch replicates.
func TestHandoffOfStreamSelection(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "handoff+fields@example.com")
	id, resp := ts.createMySQL(t, csrf, nil)
	path, page := ts.follow(t, resp)
	if path != "/sources/"+id+"/fields" {
		t.Fatalf("after discovery: %s", path)
	}
	contains(t, page, `data-testid="handoff-start"`, `href="/sources/`+id+`/handoff?step=field_selection"`)
	link := ts.handoffLink(t, csrf, id, "field_selection")

	colleague := mustStartSameEmulator(t, ts)
	r, _ := colleague.openHandoff(t, link)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path {
		t.Fatalf("open: got %d → %q, want %s", r.StatusCode, r.Header.Get("Location"), path)
	}
	_, page = colleague.get(t, path)
	if strings.Contains(page, `data-testid="handoff-start"`) {
		t.Fatal("a hand-off session offers to hand the step on again")
	}
	ids := streamIDs(t, page)
	r, _ = colleague.post(t, path, url.Values{"_csrf": {csrfFrom(t, page)}, "action": {"save"}, "shown": ids, "stream": ids[:1]})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("colleague saves: got %d", r.StatusCode)
	}
	if got := selectedStreams(t, ts, id); len(got) != 1 {
		t.Fatalf("selected at Stitch after the colleague's save: %v, want one stream", got)
	}
}
