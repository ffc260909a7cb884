package forms_test

// The fuzz targets live in the external test package so that FuzzBuild can
// render through the views package, as the pages do.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/views"
)

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
		`{"type":"form","properties":[{"name":"sel","json_schema":{"type":"string","pattern":"^(<script>|\"><img src=x>)$"}}]}`,
		`{"type":"form","properties":[{"name":"look","json_schema":{"type":"string","pattern":"(?=x)(?<!y)"}}]}`,
		`{"type":"form","properties":[{"name":"` + strings.Repeat("ü名", 2000) + `","json_schema":{"enum":["` + strings.Repeat("é", 5000) + `"]}}]}`,
		`{"type":"form","properties":[{"name":"r","json_schema":{"type":"array","items":{"type":"object","properties":{"<b>":{"type":"string"},"x":{"type":"array","items":{"$ref":"#"}}}}}}]}`,
		`{"type":"form","properties":[{"name":"ref","json_schema":{"$ref":"http://example.com/remote.json"}},{"name":"file","json_schema":{"$ref":"file:///etc/passwd"}}]}`,
		`{"type":"form","properties":[{"name":"","json_schema":{}},{"name":"dup"},{"name":"dup"}]}`,
		`{"type":"form","properties":[{"name":"n","json_schema":{"anyOf":[]}},{"name":"m","json_schema":[1,2]},{"name":"o","json_schema":"string"}]}`,
		`{"type":"form","properties":[{"name":"zz_secret","is_credential":true,"provided":true,"json_schema":{"type":"string"}},{"name":"ssh","json_schema":{"type":"string","pattern":"^(true|false)$"}},{"name":"ssh_host","property_type":"user_provided_advanced"}]}`,
	}
}

// render draws a form the way the pages do.
func render(t *testing.T, f *forms.Form) string {
	t.Helper()
	var buf bytes.Buffer
	if err := views.ErrorSummary(f).Render(context.Background(), &buf); err != nil {
		t.Fatalf("render summary: %v", err)
	}
	if err := views.FormFields(f).Render(context.Background(), &buf); err != nil {
		t.Fatalf("render fields: %v", err)
	}
	return buf.String()
}

// FuzzBuild feeds arbitrary steps to Build, Decode and the views: nothing
// may panic, no secret may be echoed and no markup may come from the card.
func FuzzBuild(f *testing.F) {
	for _, s := range forms.SharedSteps(f) {
		b, _ := json.Marshal(s)
		f.Add(b)
	}
	for _, s := range hostileSteps() {
		f.Add([]byte(s))
	}
	e := forms.NewEngine(forms.EngineOptions{})
	current := map[string]any{"host": "x\"><script>", "report_definitions": []any{map[string]any{"name": 1}}, "zz_secret": "secret-value"}
	f.Fuzz(func(t *testing.T, data []byte) {
		var step connect.Step
		if json.Unmarshal(data, &step) != nil {
			return
		}
		for _, opts := range []forms.BuildOptions{{}, {Edit: true}, {OwnOAuth: true, ShowAll: true}} {
			form := e.Build("platform.<fuzz>", step, current, opts)
			form.Decode(url.Values{"zz_secret": {"typed-secret"}})
			form.AddAPIErrors([]string{"host", "nope"}, "")
			out := render(t, form)
			bad := []string{"<script", "<img", "<b>"}
			if fld := form.Field("zz_secret"); fld != nil && fld.Credential {
				bad = append(bad, "typed-secret", "secret-value")
			}
			for _, bad := range bad {
				if strings.Contains(out, bad) {
					t.Fatalf("rendered form contains %q unescaped or echoed (options %+v)", bad, opts)
				}
			}
		}
	})
}

// FuzzDecode feeds arbitrary submissions to the real cards' forms.
func FuzzDecode(f *testing.F) {
	steps := forms.SharedSteps(f)
	f.Add(0, "host=db.example.com&port=3306&password=x")
	f.Add(1, "report_definitions[0].name=a&report_definitions[0].id=b&_add=report_definitions")
	f.Add(2, "_remove=report_definitions[99999999999999999999]&_choice.password=clear")
	f.Add(3, "start_date=2024-02-30&anchor_time=2024-01-01T25:00&frequency_in_minutes=<script>")
	f.Add(4, "x[0].y=1&x[-1].y=2&x[]=3&%ZZ")
	e := forms.NewEngine(forms.EngineOptions{})
	f.Fuzz(func(t *testing.T, which int, query string) {
		if which < 0 {
			which = -which
		}
		if which < 0 {
			which = 0
		}
		step := steps[which%len(steps)]
		values, _ := url.ParseQuery(query)
		for _, opts := range []forms.BuildOptions{{}, {Edit: true}} {
			form := e.Build("platform.fuzz", step, nil, opts)
			props, ok := form.Decode(values)
			for _, fld := range form.Fields() {
				if fld.Credential && fld.Value != "" && !fld.ReadOnly {
					t.Fatalf("credential %q echoed", fld.Name)
				}
				if _, sent := props[fld.Name]; sent && fld.ReadOnly {
					t.Fatalf("read-only %q sent", fld.Name)
				}
			}
			if ok && form.HasErrors() {
				t.Fatalf("ok with errors: %+v", form.Errors())
			}
			for name, v := range props {
				if s, isString := v.(string); isString && s == "" {
					t.Fatalf("%q sent as an empty string (Stitch rejects it)", name)
				}
			}
			if _, err := json.Marshal(props); err != nil {
				t.Fatalf("properties do not encode: %v", err)
			}
		}
	})
}
