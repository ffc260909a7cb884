package forms

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
)

func TestLoadTexts(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "texts.json")
	os.WriteFile(p, []byte(`{"types":{"platform.hubspot":"HubSpot CRM"},"fields":{"*":{"host":{"hint":"Ask your DBA"}},"platform.mysql":{"port":{"label":"MySQL port"}}},"options":{"frequency_in_minutes":{"30":"Twice an hour"}},"groups":{"ssh":"Secure tunnel"}}`), 0o644)
	texts, err := LoadTexts(p)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(EngineOptions{Texts: texts})
	if e.TypeName("platform.hubspot") != "HubSpot CRM" || e.TypeName("platform.mysql") != "MySQL" {
		t.Fatal("type name override")
	}
	f := e.Build("platform.mysql", connect.Step{Type: "form", Properties: []connect.Property{
		prop("host", "user_provided", true, false, hostSchema), prop("port", "user_provided", true, false, portSchema),
		prop("frequency_in_minutes", "user_provided", false, false, freqSchema), prop("ssh", "user_provided", false, false, boolSchema),
	}}, nil, BuildOptions{})
	if f.byName["host"].Hint != "Ask your DBA" || f.byName["port"].Label != "MySQL port" || f.byName["frequency_in_minutes"].Options[2].Label != "Twice an hour" {
		t.Fatalf("overrides not applied: %+v", f.byName["port"])
	}
	found := false
	for _, g := range f.Groups {
		found = found || g.Legend == "Secure tunnel"
	}
	if !found {
		t.Fatal("group legend override not applied")
	}
	os.WriteFile(p, []byte(`{"typos":{}}`), 0o644)
	if _, err := LoadTexts(p); err == nil {
		t.Fatal("an unknown key was accepted")
	}
	if _, err := LoadTexts(filepath.Join(dir, "texts.yaml")); err == nil || !strings.Contains(err.Error(), "JSON") {
		t.Fatalf("YAML: got %v", err)
	}
}

func TestShowAllListsHiddenPropertiesReadOnly(t *testing.T) {
	f := NewEngine(EngineOptions{}).Build("t", connect.Step{Type: "form", Properties: []connect.Property{
		prop("image_version", "read_only", true, false, "null"),
		prop("client_secret", "system_provided_by_default", true, true, `{"type":"string"}`),
	}}, map[string]any{"image_version": "1.latest"}, BuildOptions{ShowAll: true})
	iv, cs := f.byName["image_version"], f.byName["client_secret"]
	if iv == nil || !iv.ReadOnly || iv.Value != "1.latest" || cs == nil || !cs.ReadOnly || cs.Value != "Not set" {
		t.Fatalf("diagnostics: got %+v %+v", iv, cs)
	}
	props, _ := f.Decode(url.Values{"image_version": {"9"}, "client_secret": {"x"}})
	if len(props) != 0 {
		t.Fatalf("read-only properties sent: %v", props)
	}
}
