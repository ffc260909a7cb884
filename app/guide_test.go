package app

import (
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// guideTexts is a partner's ONRAMP_TEXTS_FILE that points MySQL's guide to
// its own documentation and, in German, words the host entry itself.
const guideTexts = `{
  "guides": {"platform.mysql": {"url": "https://partner.example/docs/mysql"}},
  "locales": {"de": {"guides": {"platform.mysql": {"fields": {"host": "Fragen Sie den ACME-Support nach der Adresse."}}}}}
}`

var (
	guideEntryRe = regexp.MustCompile(`data-testid="guide-entry-([^"]+)"`)
	propertyRe   = regexp.MustCompile(`data-property="([^"]+)"`)
)

func TestSetupGuideOnMySQLForm(t *testing.T) {
	path := filepath.Join(t.TempDir(), "texts.json")
	if err := os.WriteFile(path, []byte(guideTexts), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := mustStart(t, map[string]string{"ONRAMP_TEXTS_FILE": path})
	csrf := ts.signUp(t, "guide@example.com")

	resp, body := ts.get(t, "/sources/new/platform.mysql")
	if resp.StatusCode != 200 {
		t.Fatalf("form: got %d, want 200", resp.StatusCode)
	}
	contains(t, body,
		`data-testid="guide-panel"`, `data-testid="guide-entry-host"`, `<a href="#host" data-guide-target="host">Host</a>`,
		"rds.amazonaws.com", // MySQL's own host entry
		`href="https://partner.example/docs/mysql"`, `data-testid="guide-link"`,
		"/static/guide.js?v=", "/static/guide.css?v=")
	// The panel comes before the form (below the heading on narrow screens).
	if strings.Index(body, `data-testid="guide-panel"`) > strings.Index(body, `data-testid="source-form"`) {
		t.Error("the guide comes after the form; want it between the heading and the form")
	}
	// Entries only for fields the form shows, in the form's order.
	shown := map[string]int{}
	for i, m := range propertyRe.FindAllStringSubmatch(body, -1) {
		if _, ok := shown[m[1]]; !ok {
			shown[m[1]] = i
		}
	}
	last := -1
	entries := guideEntryRe.FindAllStringSubmatch(body, -1)
	if len(entries) < 5 {
		t.Fatalf("got %d entries, want one for each field with words (host, port, user, password, ssl…)", len(entries))
	}
	for _, m := range entries {
		at, ok := shown[m[1]]
		if !ok {
			t.Errorf("entry %s: the form shows no such field", m[1])
			continue
		}
		if at < last {
			t.Errorf("entry %s is out of the form's order", m[1])
		}
		last = at
	}
	if strings.Contains(body, `guide-entry-display_name`) {
		t.Error("the source's name got an entry; want entries for the type's properties only")
	}

	// German: the partner's words for the host, the partner's link kept.
	ts.get(t, "/locale?set=de&return=/")
	_, de := ts.get(t, "/sources/new/platform.mysql")
	contains(t, de, "Fragen Sie den ACME-Support nach der Adresse.", "Wo Sie diese Angaben finden", `href="https://partner.example/docs/mysql"`)
	if strings.Contains(de, "rds.amazonaws.com") { // only MySQL's built-in host entry names it
		t.Error("German host entry is the built-in one as well; want the partner's only")
	}
	ts.get(t, "/locale?set=en&return=/")

	// A destination's form has its guide too (Snowflake's own words).
	_, snow := ts.get(t, "/destination/new/snowflake")
	contains(t, snow, `data-testid="guide-entry-warehouse"`, "snowflakecomputing.com")

	// The edit form of the source shows the guide too; the list does not load it.
	id, _ := ts.createMySQL(t, csrf, nil)
	_, edit := ts.get(t, "/sources/"+id+"/form")
	contains(t, edit, `data-testid="guide-panel"`, `data-testid="guide-entry-host"`)
	_, list := ts.get(t, "/sources")
	if strings.Contains(list, "guide.js") || strings.Contains(list, "guide-panel") {
		t.Error("the sources list loads the guide; want it only on pages with the panel")
	}
}

func TestSetupGuideRefusesARelativeLink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "texts.json")
	if err := os.WriteFile(path, []byte(`{"guides": {"*": {"url": "/docs"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(func(k string) string {
		return map[string]string{"ONRAMP_TEXTS_FILE": path}[k]
	})
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	if _, err := New(cfg, "127.0.0.1:0", slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "ONRAMP_TEXTS_FILE") {
		t.Errorf("got %v, want ONRAMP_TEXTS_FILE refused for its relative guide link", err)
	}
}

// The repair page's re-enter form shows the guide for only what it asks.
func TestSetupGuideOnRepairForm(t *testing.T) {
	ts := mustStart(t, nil)
	const email = "guide+repair@example.com"
	csrf := ts.signUp(t, email)
	id := ts.configuredMySQL(t, csrf)
	ts.breakChecks(t, email, id, `(1045, "Access denied for user 'stitch'@'db.example.com' (using password: YES)")`)
	_, body := ts.get(t, "/sources/"+id+"/repair")
	contains(t, body, `data-testid="repair-form"`, `data-testid="guide-panel"`, `data-testid="guide-entry-password"`)
	if got := guideEntryRe.FindAllStringSubmatch(body, -1); len(got) != 1 {
		t.Errorf("got %d guide entries, want 1 (the password, the only field asked again)", len(got))
	}
}
