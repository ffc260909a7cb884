package app

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTextsFileReachesEveryPage: with ONRAMP_TEXTS_FILE renaming MySQL and
// an option, the catalog, the form heading, the overview, the sources list
// and the done page all use the partner's words; the built-in ones are gone.
func TestTextsFileReachesEveryPage(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "texts.json")
	texts := `{"types": {"platform.mysql": "Acme Warehouse DB"}, "options": {"frequency_in_minutes": {"60": "Hourly, the Acme way"}}}`
	if err := os.WriteFile(path, []byte(texts), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := mustStart(t, map[string]string{"ONRAMP_TEXTS_FILE": path})
	csrf := ts.signUp(t, "words@example.com")

	_, body := ts.get(t, "/sources/new")
	contains(t, body, "Acme Warehouse DB")
	if strings.Contains(body, `<span class="name">MySQL</span>`) {
		t.Error("catalog still shows the built-in name MySQL")
	}
	_, body = ts.get(t, "/sources/new?q=acme")
	if n := strings.Count(body, `data-testid="source-type-link"`); n != 1 {
		t.Errorf("search by the partner's name: got %d results, want 1", n)
	}
	_, body = ts.get(t, "/sources/new/platform.mysql")
	contains(t, body, "Connect Acme Warehouse DB")
	if strings.Contains(body, "Connect MySQL") {
		t.Error("form heading still says Connect MySQL")
	}

	id, resp := ts.createMySQL(t, csrf, nil)
	path2, body := ts.follow(t, resp)
	if !strings.HasSuffix(path2, "/fields") {
		t.Fatalf("after create: landed on %s, want fields", path2)
	}
	ids := streamIDs(t, body)
	if len(ids) == 0 {
		t.Fatal("no streams")
	}
	resp, body = ts.post(t, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"save"}, "shown": ids, "stream": ids[:1]})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save streams: got %d\n%s", resp.StatusCode, body)
	}
	_, body = ts.follow(t, resp)
	contains(t, body, "Acme Warehouse DB", "Hourly, the Acme way")
	if strings.Contains(body, "Every hour") {
		t.Error("done page shows the built-in schedule label")
	}
	for _, p := range []string{"/", "/sources"} {
		_, body = ts.get(t, p)
		contains(t, body, "Acme Warehouse DB")
	}
}
