package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A partner's type name for a locale reaches every heading that names the
// type, not only the form's own words: the form page, the catalog and the
// sources list, while English keeps the top-level name.
func TestPartnerTypeNamePerLocaleOnPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "texts.json")
	texts := `{"types": {"platform.mysql": "Shop MySQL"}, "locales": {"de": {"types": {"platform.mysql": "Laden-MySQL"}}}}`
	if err := os.WriteFile(path, []byte(texts), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := mustStart(t, map[string]string{"ONRAMP_TEXTS_FILE": path})
	csrf := ts.signUp(t, "typenames@example.com")
	_, body := ts.get(t, "/sources/new/platform.mysql")
	contains(t, body, "Shop MySQL")
	ts.createMySQL(t, csrf, nil)

	ts.get(t, "/locale?set=de&return=/")
	for _, p := range []string{"/sources/new/platform.mysql", "/sources/new", "/sources"} {
		_, body := ts.get(t, p)
		if !strings.Contains(body, "Laden-MySQL") || strings.Contains(body, "Shop MySQL") {
			t.Errorf("%s in German: want the German name only", p)
		}
	}
}
