package views

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// sharedDir is the Stitch reference beside the checkout (CI has it).
func sharedDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "stitch-connect")
	if _, err := os.Stat(dir); err != nil {
		tb.Fatalf("the shared Stitch reference is missing at %s (tests read it at run time): %v", dir, err)
	}
	return dir
}

// reportCards returns every report card example by file name.
func reportCards(tb testing.TB) map[string]connect.ReportCard {
	tb.Helper()
	dir := filepath.Join(sharedDir(tb), "report-cards")
	var paths []string
	for _, pattern := range []string{"source-type*.json", "source-report-card*.json", "destination-type*.json", "destination-report-card*.json", "source-types/*.json", "destination-types/*.json"} {
		m, err := filepath.Glob(filepath.Join(dir, pattern))
		if err != nil {
			tb.Fatal(err)
		}
		paths = append(paths, m...)
	}
	out := map[string]connect.ReportCard{}
	for _, p := range paths {
		if strings.HasSuffix(p, "list-response.json") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		var rc connect.ReportCard
		if err := json.Unmarshal(b, &rc); err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		if len(rc.Steps) == 0 {
			continue // stub entries of deprecated types
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = rc
	}
	if len(out) < 190 {
		tb.Fatalf("found %d report cards, want the 184 real source cards and the destination cards", len(out))
	}
	return out
}

// sourcesJSONCards builds a report card for every documented type of sources.json.
func sourcesJSONCards(tb testing.TB) map[string]connect.ReportCard {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(sharedDir(tb), "sources.json"))
	if err != nil {
		tb.Fatal(err)
	}
	type prop struct {
		Name       string `json:"name"`
		Required   bool   `json:"required"`
		ReadOnly   bool   `json:"read_only"`
		Credential bool   `json:"credential"`
		ReportCard *struct {
			Step         string          `json:"step"`
			IsRequired   bool            `json:"is_required"`
			IsCredential bool            `json:"is_credential"`
			PropertyType string          `json:"property_type"`
			JSONSchema   json.RawMessage `json:"json_schema"`
		} `json:"report_card"`
	}
	var doc struct {
		Entries []struct {
			APIType string `json:"api_type"`
			Form    []prop `json:"form_properties"`
			OAuth   []prop `json:"oauth_properties"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatal(err)
	}
	// Each property goes to the step its report card names; without one, to
	// the list it is documented in, with the documented flags.
	addProps := func(rc *connect.ReportCard, ps []prop, listStep string) {
		for _, p := range ps {
			cp := connect.Property{Name: p.Name, IsRequired: p.Required, IsCredential: p.Credential, SystemProvided: p.ReadOnly}
			step := listStep
			if p.ReportCard != nil {
				cp.IsRequired, cp.IsCredential, cp.PropertyType, cp.JSONSchema = p.ReportCard.IsRequired, p.ReportCard.IsCredential, p.ReportCard.PropertyType, p.ReportCard.JSONSchema
				if p.ReportCard.Step != "" {
					step = p.ReportCard.Step
				}
			}
			i := slices.IndexFunc(rc.Steps, func(s connect.Step) bool { return s.Type == step })
			if i < 0 {
				rc.Steps = append(rc.Steps, connect.Step{Type: step})
				i = len(rc.Steps) - 1
			}
			rc.Steps[i].Properties = append(rc.Steps[i].Properties, cp)
		}
	}
	out := map[string]connect.ReportCard{}
	for _, e := range doc.Entries {
		rc := connect.ReportCard{Type: e.APIType}
		addProps(&rc, e.Form, connect.StepForm)
		addProps(&rc, e.OAuth, connect.StepOAuth)
		out["sources.json:"+e.APIType] = rc
	}
	if len(out) < 140 {
		tb.Fatalf("sources.json has %d types, want 142", len(out))
	}
	return out
}

func renderForm(tb testing.TB, f *forms.Form) string {
	tb.Helper()
	var buf bytes.Buffer
	if err := ErrorSummary(f).Render(context.Background(), &buf); err != nil {
		tb.Fatal(err)
	}
	if err := FormFields(f).Render(context.Background(), &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.String()
}

// checkLabelled parses rendered fields and checks every control is labelled,
// every wrapper names its property and ids are unique.
func checkLabelled(t *testing.T, name, page string, readOnly map[string]bool) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><html><body>" + page + "</body></html>"))
	if err != nil {
		t.Fatalf("%s: parse: %v", name, err)
	}
	labels := map[string]bool{}
	ids := map[string]int{}
	var controls []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if id := attr(n, "id"); id != "" {
				ids[id]++
			}
			switch n.Data {
			case "label":
				labels[attr(n, "for")] = true
			case "input", "select", "textarea":
				controls = append(controls, n)
			case "div":
				if strings.HasPrefix(attr(n, "class"), "field ") && attr(n, "data-property") == "" && attr(n, "data-cell") == "" {
					t.Errorf("%s: a field wrapper has no data-property", name)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, c := range controls {
		typ := attr(c, "type")
		if typ == "hidden" || typ == "submit" || typ == "button" {
			continue
		}
		id := attr(c, "id")
		if id == "" || !labels[id] {
			t.Errorf("%s: %s name=%q id=%q has no <label for>", name, c.Data, attr(c, "name"), id)
		}
		if readOnly[attr(c, "name")] {
			t.Errorf("%s: read-only property %q is an input", name, attr(c, "name"))
		}
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("%s: id %q used %d times", name, id, n)
		}
	}
}

// checkShownReadOnly checks that, in operator mode, every read_only property
// is shown as a read-only input that has no name (it is never submitted).
func checkShownReadOnly(t *testing.T, name, page string, readOnly map[string]bool) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader("<!DOCTYPE html><html><body>" + page + "</body></html>"))
	if err != nil {
		t.Fatalf("%s: parse: %v", name, err)
	}
	shown := map[string]bool{}
	var walk func(n *html.Node, property string)
	walk = func(n *html.Node, property string) {
		if n.Type == html.ElementNode {
			if p := attr(n, "data-property"); p != "" {
				property = p
			}
			if n.Data == "input" && readOnly[property] {
				_, ro := attrOK(n, "readonly")
				_, named := attrOK(n, "name")
				if !ro || named {
					t.Errorf("%s: read_only property %q: got readonly=%v name=%v, want a read-only input without a name", name, property, ro, named)
				}
				shown[property] = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, property)
		}
	}
	walk(doc, "")
	for p := range readOnly {
		if !shown[p] {
			t.Errorf("%s: read_only property %q is not listed in operator mode", name, p)
		}
	}
}

func attrOK(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// TestEveryDocumentedCardRenders builds and renders every step of every
// shared report card and documented type, in create, edit and operator modes.
func TestEveryDocumentedCardRenders(t *testing.T) {
	e := forms.NewEngine(forms.EngineOptions{})
	cards := reportCards(t)
	for k, v := range sourcesJSONCards(t) {
		cards[k] = v
	}
	rendered := 0
	for name, rc := range cards {
		for _, step := range rc.Steps {
			if len(step.Properties) == 0 {
				continue
			}
			readOnly := map[string]bool{}
			current := map[string]any{}
			provided := step
			provided.Properties = append([]connect.Property(nil), step.Properties...)
			for i, p := range provided.Properties {
				if p.Kind() == connect.PropertyReadOnly {
					readOnly[p.Name] = true
				}
				provided.Properties[i].Provided = true
				if !p.IsCredential {
					current[p.Name] = "1"
				}
			}
			for _, tc := range []struct {
				mode string
				step connect.Step
				cur  map[string]any
				opts forms.BuildOptions
			}{
				{"create", step, nil, forms.BuildOptions{}},
				{"edit", provided, current, forms.BuildOptions{Edit: true}},
				{"operator", step, nil, forms.BuildOptions{OwnOAuth: true, ShowAll: true}},
			} {
				f := e.Build(rc.Type, tc.step, tc.cur, tc.opts)
				f.Decode(nil) // errors render too
				page := renderForm(t, f)
				checkLabelled(t, name+"/"+step.Type+"/"+tc.mode, page, readOnly)
				if tc.opts.ShowAll {
					checkShownReadOnly(t, name+"/"+step.Type+"/"+tc.mode, page, readOnly)
				}
				rendered++
			}
		}
	}
	if rendered < 900 {
		t.Fatalf("rendered %d forms, want every step of every card in three modes", rendered)
	}
}
