package forms

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
)

// sharedSteps reads every step of the shared report cards (seeds).
func sharedSteps(tb testing.TB) []connect.Step {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "stitch-connect", "report-cards")
	if _, err := os.Stat(dir); err != nil {
		tb.Fatalf("the shared Stitch reference is missing at %s: %v", dir, err)
	}
	var steps []connect.Step
	for _, pattern := range []string{"source-types/*.json", "destination-types/*.json", "*report-card*.json", "source-type.*.json"} {
		paths, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			var rc connect.ReportCard
			if json.Unmarshal(b, &rc) != nil {
				continue
			}
			for _, s := range rc.Steps {
				if len(s.Properties) > 0 {
					steps = append(steps, s)
				}
			}
		}
	}
	if len(steps) < 200 {
		tb.Fatalf("found %d steps with properties, want the real cards", len(steps))
	}
	return steps
}

// hostileSteps are report cards written to break a form builder.
func hostileSteps() []string {
	many := make([]connect.Property, 10000)
	for i := range many {
		many[i] = connect.Property{Name: "p" + strings.Repeat("x", i%50) + string(rune('a'+i%26)), PropertyType: "user_provided", JSONSchema: json.RawMessage(`{"type":"string"}`)}
	}
	big, _ := json.Marshal(connect.Step{Type: "form", Properties: many})
	return []string{
		string(big),
		`{"type":"form","properties":[{"name":"<script>alert(1)</script>","property_type":"user_provided","json_schema":{"type":"string","pattern":"<script>x</script>|\"'"}}]}`,
		`{"type":"form","properties":[{"name":"a\"b'c<>&","is_required":true,"json_schema":{"type":"string","pattern":"^(a+)+$"}}]}`,
		`{"type":"form","properties":[{"name":"look","json_schema":{"type":"string","pattern":"(?=x)(?<!y)"}}]}`,
		`{"type":"form","properties":[{"name":"` + strings.Repeat("ü名", 2000) + `","json_schema":{"enum":["` + strings.Repeat("é", 5000) + `"]}}]}`,
		`{"type":"form","properties":[{"name":"r","json_schema":{"type":"array","items":{"type":"object","properties":{"x":{"type":"array","items":{"$ref":"#"}}}}}}]}`,
		`{"type":"form","properties":[{"name":"ref","json_schema":{"$ref":"http://example.com/remote.json"}}]}`,
		`{"type":"form","properties":[{"name":"","json_schema":{}},{"name":"dup"},{"name":"dup"}]}`,
		`{"type":"form","properties":[{"name":"n","json_schema":{"anyOf":[]}},{"name":"m","json_schema":[1,2]},{"name":"o","json_schema":"string"}]}`,
	}
}

func fuzzBuildOnce(t *testing.T, e *Engine, step connect.Step) {
	for _, opts := range []BuildOptions{{}, {Edit: true}, {OwnOAuth: true, ShowAll: true}} {
		f := e.Build("platform.fuzz", step, map[string]any{"host": "x", "report_definitions": []any{map[string]any{"name": 1}}}, opts)
		f.Decode(url.Values{})
		for _, fld := range f.fields {
			if fld.Credential && fld.Value != "" && !fld.ReadOnly {
				t.Fatalf("credential %q has a value", fld.Name)
			}
		}
	}
}

func FuzzBuild(f *testing.F) {
	for _, s := range sharedSteps(f) {
		b, _ := json.Marshal(s)
		f.Add(b)
	}
	for _, s := range hostileSteps() {
		f.Add([]byte(s))
	}
	e := NewEngine(EngineOptions{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var step connect.Step
		if json.Unmarshal(data, &step) != nil {
			return
		}
		fuzzBuildOnce(t, e, step)
	})
}

func FuzzDecode(f *testing.F) {
	steps := sharedSteps(f)
	f.Add(0, "host=db.example.com&port=3306&password=x")
	f.Add(1, "report_definitions[0].name=a&report_definitions[0].id=b&_add=report_definitions")
	f.Add(2, "_remove=report_definitions[99999999999999999999]&_choice.password=clear")
	f.Add(3, "start_date=2024-02-30&anchor_time=2024-01-01T25:00&frequency_in_minutes=<script>")
	f.Add(4, "x[0].y=1&x[-1].y=2&x[]=3&%ZZ")
	e := NewEngine(EngineOptions{})
	f.Fuzz(func(t *testing.T, which int, query string) {
		if which < 0 {
			which = -which
		}
		step := steps[which%len(steps)]
		values, _ := url.ParseQuery(query)
		for _, opts := range []BuildOptions{{}, {Edit: true}} {
			form := e.Build("platform.fuzz", step, nil, opts)
			props, _ := form.Decode(values)
			for _, fld := range form.fields {
				if fld.Credential && fld.Value != "" && !fld.ReadOnly {
					t.Fatalf("credential %q echoed", fld.Name)
				}
			}
			if _, err := json.Marshal(props); err != nil {
				t.Fatalf("properties do not encode: %v", err)
			}
			_ = form.Errors()
		}
	})
}

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
