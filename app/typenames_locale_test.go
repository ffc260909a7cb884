package app

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A partner's type name for a locale reaches every heading that names the
// type, not only the form's own words: the form page, the catalog, the
// sources list and the sign-in step, while English keeps the top-level name.
func TestPartnerTypeNamePerLocaleOnPages(t *testing.T) {
	path := filepath.Join(t.TempDir(), "texts.json")
	texts := `{"types": {"platform.mysql": "Shop MySQL", "platform.hubspot": "Shop CRM"}, "locales": {"de": {"types": {"platform.mysql": "Laden-MySQL", "platform.hubspot": "Laden-CRM"}}}}`
	if err := os.WriteFile(path, []byte(texts), 0o600); err != nil {
		t.Fatal(err)
	}
	ts := mustStart(t, map[string]string{"ONRAMP_TEXTS_FILE": path})
	csrf := ts.signUp(t, "typenames@example.com")
	_, body := ts.get(t, "/sources/new/platform.mysql")
	contains(t, body, "Shop MySQL")
	ts.createMySQL(t, csrf, nil)
	_, body = ts.get(t, "/sources/new/platform.hubspot")
	resp, _ := ts.post(t, "/sources/new/platform.hubspot", url.Values{
		"_csrf": {csrf}, "_form_token": {formToken(t, body)}, "display_name": {"CRM"}, "start_date": {"2024-01-01"},
	})
	oauthPath, _ := ts.follow(t, resp)
	if !strings.HasSuffix(oauthPath, "/oauth") {
		t.Fatalf("HubSpot after create: landed on %q, want its sign-in step", oauthPath)
	}

	ts.get(t, "/locale?set=de&return=/")
	for _, p := range []string{"/sources/new/platform.mysql", "/sources/new", "/sources"} {
		_, body := ts.get(t, p)
		if !strings.Contains(body, "Laden-MySQL") || strings.Contains(body, "Shop MySQL") {
			t.Errorf("%s in German: want the German name only", p)
		}
	}
	if _, body := ts.get(t, oauthPath); !strings.Contains(body, "Laden-CRM") || strings.Contains(body, "Shop CRM") {
		t.Errorf("%s in German: want the German type name only", oauthPath)
	}
}
