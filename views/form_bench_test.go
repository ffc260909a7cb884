package views

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
)

func benchBuildRender(b *testing.B, file string) {
	e := forms.NewEngine(forms.EngineOptions{})
	rc, step := cardStep(b, file, connect.StepForm)
	var buf bytes.Buffer
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		f := e.Build(rc.Type, step, nil, forms.BuildOptions{})
		if err := FormFields(f).Render(ctx, &buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildRenderHubSpot builds and renders HubSpot's form step (target ≤ 50 µs).
func BenchmarkBuildRenderHubSpot(b *testing.B) {
	benchBuildRender(b, "source-types/platform.hubspot.json")
}

// BenchmarkBuildRenderMySQL builds and renders MySQL's form step (target ≤ 50 µs).
func BenchmarkBuildRenderMySQL(b *testing.B) { benchBuildRender(b, "source-types/platform.mysql.json") }

func TestHostileNamesRenderEscaped(t *testing.T) {
	step := connect.Step{Type: "form", Properties: []connect.Property{
		{Name: `<script>alert("x")</script>`, PropertyType: "user_provided", IsRequired: true, JSONSchema: json.RawMessage(`{"type":"string","pattern":"<script>|\"'"}`)},
		{Name: `x" onmouseover="alert(1)`, PropertyType: "user_provided", JSONSchema: json.RawMessage(`{"enum":["<img src=x onerror=alert(1)>","b"]}`)},
	}}
	f := forms.NewEngine(forms.EngineOptions{}).Build("<script>type</script>", step, nil, forms.BuildOptions{})
	f.Decode(nil)
	page := renderForm(t, f)
	for _, bad := range []string{"<script>", "<img", `" onmouseover="`} {
		if strings.Contains(page, bad) {
			t.Fatalf("unescaped %q in:\n%s", bad, page)
		}
	}
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Fatalf("the hostile name is not shown escaped:\n%s", page)
	}
	checkLabelled(t, "hostile", page, nil)
}

func TestHTMLWriterEscapesLikeHTMLPackage(t *testing.T) {
	for _, s := range []string{"", "plain", `<a href="x">'&'</a>`, "ü名 & <", "\"'"} {
		var w htmlWriter
		w.text(s)
		if got, want := w.b.String(), html.EscapeString(s); got != want {
			t.Errorf("text(%q): got %q, want %q", s, got, want)
		}
	}
}
