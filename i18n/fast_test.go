package i18n

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// TestFastPathMatchesGoI18n: T's fast path (messages split once) gives
// exactly what go-i18n's template execution gives, for every message of
// every locale, the pseudo-locale and a partner override included, with
// full data, missing data and non-string values.
func TestFastPathMatchesGoI18n(t *testing.T) {
	c := mustCatalog(t, Options{Pseudo: true, Overrides: map[string]map[string]json.RawMessage{
		"de": {"home.heading": json.RawMessage(`"Willkommen bei {{.Product}}, {{.Name}}"`)},
	}})
	full := []any{"Selected", "1", "Page", "1", "Pages", "2", "URL", "u", "Button", "B", "Method", "M", "Detail", "D", "Text", "X", "Name", "N", "Product", "P", "ID", "I", "Query", "Q", "Title", "T", "Source", "S", "Names", "A, B", "Cron", "C", "Count", 3, "Row", 7, "Max", 64, "Label", "L", "Email", "e@example.com"}
	datasets := map[string][]any{"full": full, "none": nil, "ints": {"Name", 42, "Product", 1.5, "Count", nil}}
	fastOnes := 0
	for _, loc := range c.Locales() {
		l := c.Localizer(loc)
		for _, id := range c.MessageIDs() {
			if c.IsPlural(id) {
				continue
			}
			if _, ok := l.fast[id]; ok {
				fastOnes++
			}
			for name, kv := range datasets {
				want := l.localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data(kv)})
				if got := l.T(id, kv...); got != want {
					t.Errorf("%s %s (%s data): fast %q, go-i18n %q", loc, id, name, got, want)
				}
			}
		}
	}
	if fastOnes == 0 {
		t.Fatal("no message took the fast path")
	}
	if got := c.Localizer("de").T("home.heading", "Product", "ACME", "Name", "Ada"); got != "Willkommen bei ACME, Ada" {
		t.Errorf("override through the fast path: %q", got)
	}
}

func TestSplitMessage(t *testing.T) {
	cases := []struct {
		tpl  string
		ok   bool
		keys int
	}{
		{"Plain words", true, 0},
		{"Hello {{.Name}}, from {{ .Product }}", true, 2},
		{"{{if .X}}a{{end}}", false, 0},
		{"{{- .Name}}", false, 0},
		{"{{.Name | printf \"%q\"}}", false, 0},
		{"Braces }} alone", false, 0},
	}
	for _, tc := range cases {
		fm, ok := splitMessage(tc.tpl)
		if ok != tc.ok || len(fm.keys) != tc.keys {
			t.Errorf("%q: ok %v keys %d, want %v %d", tc.tpl, ok, len(fm.keys), tc.ok, tc.keys)
		}
	}
}

func BenchmarkLocalizerT(b *testing.B) {
	l := MustNew(Options{}).Localizer("de")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = l.T("oauth.heading", "Name", "HubSpot")
		_ = l.T("common.saveContinue")
	}
}

// BenchmarkLocalizerTGoI18n is the same two messages through go-i18n's
// template execution: what T cost before its fast path.
func BenchmarkLocalizerTGoI18n(b *testing.B) {
	l := MustNew(Options{}).Localizer("de")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = l.localize(&goi18n.LocalizeConfig{MessageID: "oauth.heading", TemplateData: data([]any{"Name", "HubSpot"})})
		_ = l.localize(&goi18n.LocalizeConfig{MessageID: "common.saveContinue", TemplateData: data(nil)})
	}
}

// Negotiate remembers its answers, a bounded number: asked again, or past
// the bound, it answers the same.
func TestNegotiateRemembersBounded(t *testing.T) {
	c := mustCatalog(t, Options{})
	for i := 0; i < maxNegotiated+50; i++ {
		al := fmt.Sprintf("ja-x-n%d,de;q=0.5", i)
		for round := 0; round < 2; round++ {
			if got := c.Negotiate("", "", al); got != "de" {
				t.Fatalf("%q round %d: got %q, want de", al, round, got)
			}
		}
	}
	n := 0
	c.negotiated.Range(func(_, _ any) bool { n++; return true })
	if n > maxNegotiated {
		t.Fatalf("%d negotiations remembered, max %d", n, maxNegotiated)
	}
	if got := c.Negotiate("fr", "", "ja-x-n1,de;q=0.5"); got != "fr" {
		t.Fatalf("the launch still decides first: got %q", got)
	}

	fresh := mustCatalog(t, Options{})
	huge := strings.Repeat("ja-x-abcdefgh,", 200) + "de;q=0.5" // 2.8 KB
	if got := fresh.Negotiate("", "", huge); got != "de" {
		t.Fatalf("a huge header: got %q, want de", got)
	}
	if _, kept := fresh.negotiated.Load(negotiation{"", "", huge}); kept {
		t.Fatal("a huge Accept-Language was remembered: 4,096 of them would pin gigabytes")
	}
}
