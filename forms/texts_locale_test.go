package forms

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadTextsWithLocales(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := write("ok.json", `{"types": {"platform.hubspot": "HubSpot CRM"},
		"locales": {"de": {"messages": {"home.heading": "Hallo", "sources.count": {"one": "1 Quelle", "other": "{{.Count}} Quellen"}}}}}`)
	texts, msgs, err := LoadTextsWithLocales(p)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if got := NewEngine(EngineOptions{Texts: texts}).TypeName("platform.hubspot"); got != "HubSpot CRM" {
		t.Errorf("type name: got %q, want HubSpot CRM", got)
	}
	if got := string(msgs["de"]["home.heading"]); got != `"Hallo"` {
		t.Errorf("de message: got %s", got)
	}
	if _, ok := msgs["de"]["sources.count"]; !ok {
		t.Errorf("de plural message missing: got %v", msgs["de"])
	}
	for name, body := range map[string]string{
		"top.json":    `{"typez": {}}`,
		"locale.json": `{"locales": {"de": {"mesages": {}}}}`,
	} {
		if _, _, err := LoadTextsWithLocales(write(name, body)); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got %v, want an error naming the file", name, err)
		}
	}
}
