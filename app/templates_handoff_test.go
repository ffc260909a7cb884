package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A colleague who opens a hand-off link made in a launch session is held to
// the launch's template: the locked value shows locked, and a crafted POST
// changing it is refused without reaching Stitch.
func TestHandoffKeepsTheLaunchTemplate(t *testing.T) {
	ts := mustStart(t, launchEnv(nil))
	tok, acctID := ts.App.Emulator.NewAccount("handoff-template@example.com")
	resp, body := ts.launch(t, testAPIKey, map[string]any{
		"access_token": tok, "stitch_account_id": acctID, "source_type": "platform.mysql",
		"template": map[string]any{"platform.mysql": map[string]any{"defaults": map[string]any{"port": 3310}, "locked": []string{"port"}}},
	})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("launch: got %d %v", resp.StatusCode, body)
	}
	u, _ := body["url"].(string)
	owner := mustStartSameEmulator(t, ts)
	owner.get(t, strings.TrimPrefix(u, ts.URL))
	_, page := owner.get(t, "/sources/new/platform.mysql")
	csrf := csrfFrom(t, page)
	form := mysqlForm(csrf, formToken(t, page))
	form.Del("port")
	r, out := owner.post(t, "/sources/new/platform.mysql", form)
	m := sourcePath.FindStringSubmatch(r.Header.Get("Location"))
	if r.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create: got %d → %q\n%s", r.StatusCode, r.Header.Get("Location"), out)
	}
	id := m[1]
	link := owner.handoffLink(t, csrf, id, "form")

	colleague := mustStartSameEmulator(t, ts)
	r, _ = colleague.openHandoff(t, link)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("open the link: got %d", r.StatusCode)
	}
	_, page = colleague.get(t, "/sources/"+id+"/form")
	mustLockedInput(t, page, "port", "3310")
	edit := url.Values{"_csrf": {csrfFrom(t, page)}, "port": {"1"}, "host": {"db.example.com"}}
	if m := basedOnRe.FindStringSubmatch(page); m != nil {
		edit.Set("_based_on", m[1])
	}
	r, out = colleague.post(t, "/sources/"+id+"/form", edit)
	if r.StatusCode != http.StatusBadRequest {
		t.Fatalf("crafted edit through the hand-off: got %d, want 400\n%s", r.StatusCode, out)
	}
	if got := owner.getSource(t, id).Properties["port"]; got != "3310" {
		t.Fatalf("port at Stitch after the crafted edit: %v, want 3310", got)
	}
}
