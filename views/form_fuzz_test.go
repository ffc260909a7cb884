package views

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
)

// FuzzRenderForm renders arbitrary steps, before and after an arbitrary
// submission, and checks the page stays well-formed: nothing a report card
// or a user sends becomes markup, every control is labelled, ids are unique.
//
//	go test -run=^$ -fuzz=^FuzzRenderForm$ -fuzztime=30s ./views/
func FuzzRenderForm(f *testing.F) {
	for _, rc := range reportCards(f) {
		for _, s := range rc.Steps {
			if len(s.Properties) > 0 {
				b, _ := json.Marshal(s)
				f.Add(b, "host=db&port=3306&_add=report_definitions")
				break
			}
		}
	}
	for _, s := range []string{
		`{"type":"form","properties":[{"name":"<script>alert(1)</script>","is_required":true,"json_schema":{"type":"string","pattern":"<script>|\"'"}}]}`,
		`{"type":"form","properties":[{"name":"x\" onfocus=\"alert(1)","json_schema":{"enum":["<img src=x onerror=alert(1)>","b"]}}]}`,
		`{"type":"form","properties":[{"name":"r","json_schema":{"type":"array","items":{"type":"object","properties":{"<b onclick=x>":{"type":"string"},"a-b":{"type":"string"}}}}},{"name":"r-0-a-b"}]}`,
		`{"type":"form","properties":[{"name":"pw","is_credential":true,"provided":true},{"name":"pw-keep"},{"name":"pw-hint"}]}`,
		`{"type":"form","properties":[{"name":"look","json_schema":{"type":"string","pattern":"(?=x)"}},{"name":"n","json_schema":{"type":"string","pattern":"^(a+)+$"}}]}`,
	} {
		f.Add([]byte(s), "%3Cscript%3E=1&look=%22%3E%3Cscript%3E&r[0].a-b=%3Cscript%3E&_choice.pw=replace&pw=secret")
	}
	e := forms.NewEngine(forms.EngineOptions{})
	f.Fuzz(func(t *testing.T, data []byte, query string) {
		var step connect.Step
		if json.Unmarshal(data, &step) != nil || len(step.Properties) > 200 {
			return
		}
		values, _ := url.ParseQuery(query)
		for _, opts := range []forms.BuildOptions{{}, {Edit: true}, {OwnOAuth: true, ShowAll: true}} {
			form := e.Build("platform.<fuzz>", step, map[string]any{"host": "<script>"}, opts)
			checkRendered(t, renderForm(t, form))
			form.Decode(values)
			form.AddAPIErrors([]string{"<script>"}, "<script>alert(1)</script>")
			checkRendered(t, renderForm(t, form))
		}
	})
}

// checkRendered fails when a page has markup that did not come from the
// templates: a script element or an event handler attribute.
func checkRendered(t *testing.T, page string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><html><body>" + page + "</body></html>"))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "img", "b", "iframe", "style":
				t.Fatalf("a <%s> element was injected:\n%s", n.Data, page)
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(a.Key, "on") {
					t.Fatalf("an event handler attribute %q was injected:\n%s", a.Key, page)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	checkLabelled(t, "fuzz", page, nil)
}
