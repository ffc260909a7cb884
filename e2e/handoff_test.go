package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
)

// A hand-off link, created from the form step, opens that step in a fresh
// browser context (no session of the first user), shows nothing else,
// works once, and its token never appears in the log.
func TestHandoffLinkInAFreshContext(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	open(t, page, "/sources/new/platform.mysql")
	must(t, page.Locator("#display_name").Fill("Finance DB"), "name")
	must(t, field(page, "host").Fill("db.example.com"), "host")
	must(t, field(page, "port").Fill("3306"), "port")
	must(t, field(page, "user").Fill("stitch"), "user")
	must(t, field(page, "password").Fill("wrong"), "a password that does not work")
	must(t, field(page, "database").Fill("finance"), "database")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/discover$`)
	id := sourceIDOf(t, page)
	open(t, page, "/sources/"+strconv.FormatInt(id, 10)+"/form")
	must(t, page.Locator("[data-testid=handoff-start]").Click(), "send this step to someone else")
	waitPath(t, page, `/handoff`)
	must(t, page.Locator("[data-testid=handoff-create]").Click(), "create a link")
	link, err := page.Locator("[data-testid=handoff-url]").InputValue()
	must(t, err, "read the link")
	if !strings.Contains(link, "/handoff/") {
		t.Fatalf("link %q", link)
	}
	visit(t, page, "handoff-created")
	token := link[strings.LastIndex(link, "/")+1:]

	colleague := newPage(t)
	open(t, colleague, link)
	visit(t, colleague, "handoff-open")
	must(t, colleague.Locator("[data-testid=handoff-open]").Click(), "continue")
	waitPath(t, colleague, `/sources/\d+/form$`)
	for _, absent := range []string{"site-nav", "disconnect", "handoff-start"} {
		if n, _ := colleague.Locator("[data-testid=" + absent + "]").Count(); n != 0 {
			t.Errorf("the colleague sees %s", absent)
		}
	}
	visit(t, colleague, "handoff-step")
	resp, err := colleague.Goto("/sources")
	must(t, err, "try the sources list")
	if resp.Status() != 403 {
		t.Errorf("/sources in the colleague's session: got %d, want 403", resp.Status())
	}
	must(t, expect.Locator(colleague.Locator("[data-testid=handoff-end]")).ToContainText("one step only"), "outside the step")
	open(t, colleague, "/sources/"+strconv.FormatInt(id, 10)+"/form")
	replace := colleague.Locator(`[name="_choice.password"][value="replace"]`)
	if n, _ := replace.Count(); n > 0 {
		must(t, replace.Check(), "replace the saved password")
	}
	must(t, field(colleague, "password").Fill("the right one"), "password")
	must(t, colleague.Locator("[data-testid=submit]").Click(), "save")
	must(t, expect.Locator(colleague.Locator("[data-testid=handoff-end]")).ToContainText("your part is done", pwTimeout(15000)), "the colleague's part ends")
	visit(t, colleague, "handoff-done")
	chk, err := started.Client.SourceLastConnectionCheck(context.Background(), sessionToken(t, page), connect.Int(id))
	must(t, err, "read the check")
	if chk.Status != connect.CheckSucceeded {
		t.Fatalf("the colleague's password: check %s, want succeeded", chk.Status)
	}

	// Works once: a third browser is refused.
	third := newPage(t)
	open(t, third, link)
	must(t, third.Locator("[data-testid=handoff-open]").Click(), "continue")
	must(t, expect.Locator(third.Locator("[data-testid=handoff-end]")).ToContainText("already used"), "used once")
	if strings.Contains(logs.String(), token) {
		t.Fatal("the hand-off token is in the log")
	}
}
