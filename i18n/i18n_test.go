package i18n

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

func mustCatalog(tb testing.TB, o Options) *Catalog {
	tb.Helper()
	c, err := New(o)
	if err != nil {
		tb.Fatalf("New(%+v): %v", o, err)
	}
	return c
}

// TestEveryLocaleIsComplete fails when a message lacks a translation in a
// shipped locale, or a locale keeps a message the source no longer has.
func TestEveryLocaleIsComplete(t *testing.T) {
	c := mustCatalog(t, Options{})
	missing, stale := c.Missing()
	for _, loc := range Shipped[1:] {
		if len(missing[loc]) > 0 {
			t.Errorf("%s lacks %d messages: %s", loc, len(missing[loc]), strings.Join(missing[loc], ", "))
		}
		if len(stale[loc]) > 0 {
			t.Errorf("%s has messages English does not: %s", loc, strings.Join(stale[loc], ", "))
		}
	}
	if len(c.MessageIDs()) < 100 {
		t.Fatalf("got %d messages, want the whole catalog", len(c.MessageIDs()))
	}
}

// TestEveryMessageRendersInEveryLocale renders each message (plurals with
// counts that pick every CLDR form) and wants no error, no leftover
// template and, outside English, not the English text.
func TestEveryMessageRendersInEveryLocale(t *testing.T) {
	c := mustCatalog(t, Options{})
	en := c.Localizer("en")
	args := []any{"Selected", "1", "Page", "1", "Pages", "2", "URL", "u", "Button", "B", "Method", "M", "Detail", "D", "Text", "X", "Name", "N", "Product", "P", "ID", "I", "Query", "Q", "Title", "T", "Source", "S", "Names", "A, B", "Cron", "C",
		"Key", "K", "Column", "C1", "Other", "C2", "Columns", "C3, C4", "When", "W", "Fields", "F", "FieldsLower", "f",
		"Items", "I1, I2", "Last", "L", "Step", "St", "StepLower", "st", "TTL", "72 h",
		// the forms' messages (forms.msg.*, forms.keyFile.*)
		"Label", "L", "Lower", "l", "A", "a l", "One", "o", "Group", "G", "Item", "i", "Row", "2", "Message", "M", "What", "w", "AWhat", "a w",
		"KB", "64", "Missing", "m", "Type", "t", "Member", "m", "Schema", "s", "Length", "60", "Max", "50", "Port", "5432", "Kind", "k"}
	same := map[string]bool{ // the same word in that language, rightly
		// the forms' words that are the same in some language (Host, Port, Marketing, CSV, "No" in Spanish) or are data only
		"forms.humanized": true, "forms.list.separator": true, "forms.rows.legend": true, "forms.category.destination": true,
		"forms.category.lakehouse": true, "forms.category.marketing": true, "forms.field.domain.label": true, "forms.field.subdomain.label": true,
		"forms.field.warehouse.label": true, "forms.field.host.label": true, "forms.field.port.label": true, "forms.optionWord.csv": true,
		"forms.optionWord.json": true, "forms.optionWord.jsonl": true, "forms.optionWord.false": true, "forms.readOnly.no": true,
		"common.optional": true, "common.errorPrefix": true, "layout.navDestination": true, "layout.navSources": true,
		"sources.title": true, "sources.colName": true, "sources.colType": true, "sources.colStatus": true, "sources.colActions": true,
		"destination.type": true, "destination.status": true, "done.status": true, "done.source": true, "sourceForm.conflictName": true,
		"home.destHeading": true, "home.sourcesHeading": true, "account.regionEU": true, "sources.count": true, "fields.streams": true, "fields.page": true,
		"common.errorTitle": true, "handoff.ttlMinutes": true, "selection.incremental": true,
	}
	for _, loc := range Shipped {
		l := c.Localizer(loc)
		for _, id := range c.MessageIDs() {
			counts := []int{0}
			if c.IsPlural(id) {
				counts = []int{0, 1, 2, 5, 1000000}
			}
			for _, n := range counts {
				var got, eng string
				if c.IsPlural(id) {
					got, eng = l.N(id, n, args...), en.N(id, n, args...)
				} else {
					got, eng = l.T(id, args...), en.T(id, args...)
				}
				_, err := l.loc.Localize(lcOf(id, n, c.IsPlural(id), args))
				if err != nil {
					t.Errorf("%s %s (%d): %v", loc, id, n, err)
				}
				if got == "" || got == id || strings.Contains(got, "{{") || strings.Contains(got, "<no value>") {
					t.Errorf("%s %s (%d): got %q", loc, id, n, got)
				}
				if loc != "en" && got == eng && !same[id] {
					t.Errorf("%s %s: got the English %q; translate it (or list it as the same word)", loc, id, got)
				}
			}
		}
	}
}

func TestNegotiationOrder(t *testing.T) {
	t.Parallel()
	c := mustCatalog(t, Options{Default: "fr"})
	cases := []struct {
		name, launch, cookie, accept, want string
	}{
		{"launch wins over everything", "de", "es", "fr", "de"},
		{"launch region variant", "de-AT", "es", "fr", "de"},
		{"launch with underscore", "en_GB", "es", "de", "en"},
		{"unsupported launch falls to the cookie", "pt-BR", "es", "de", "es"},
		{"cookie wins over Accept-Language", "", "es", "de-DE,de;q=0.9", "es"},
		{"garbage cookie falls to Accept-Language", "", "klingon!", "de-DE,de;q=0.9,en;q=0.8", "de"},
		{"Accept-Language picks the best supported", "", "", "pt-BR,pt;q=0.9,es;q=0.8,en;q=0.5", "es"},
		{"nothing decides: the default", "", "", "", "fr"},
		{"only unsupported languages: the default", "", "", "ja,zh;q=0.8", "fr"},
		{"pseudo-locale off: ignored", Pseudo, "", "de", "de"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.Negotiate(tc.launch, tc.cookie, tc.accept); got != tc.want {
				t.Fatalf("Negotiate(%q, %q, %q): got %q, want %q", tc.launch, tc.cookie, tc.accept, got, tc.want)
			}
		})
	}
	p := mustCatalog(t, Options{Pseudo: true})
	if got := p.Negotiate("", Pseudo, "de"); got != Pseudo {
		t.Fatalf("pseudo enabled: got %q, want %q", got, Pseudo)
	}
	if got := p.Negotiate("en-GB", "", ""); got != "en" {
		t.Fatalf("en-GB with pseudo enabled: got %q, want en (never the pseudo-locale)", got)
	}
}

func TestDefaultLocaleMustBeShipped(t *testing.T) {
	t.Parallel()
	if _, err := New(Options{Default: "pt"}); err == nil || !strings.Contains(err.Error(), "pt") {
		t.Fatalf("Default pt: got %v, want an error naming it", err)
	}
	if c := mustCatalog(t, Options{Default: "de-CH"}); c.Default() != "de" {
		t.Fatalf("Default de-CH: got %q, want de", c.Default())
	}
}

func TestPlurals(t *testing.T) {
	t.Parallel()
	c := mustCatalog(t, Options{})
	cases := []struct {
		loc  string
		n    int
		want string
	}{
		{"en", 1, "1 source"}, {"en", 0, "0 sources"}, {"en", 2, "2 sources"}, {"en", 1234, "1,234 sources"},
		{"de", 1, "1 Datenquelle"}, {"de", 0, "0 Datenquellen"}, {"de", 12345, "12.345 Datenquellen"},
		{"fr", 0, "0 source"}, {"fr", 1, "1 source"}, {"fr", 2, "2 sources"}, {"fr", 1000000, "1\u00a0000\u00a0000 de sources"},
		{"es", 1, "1 fuente"}, {"es", 2, "2 fuentes"}, {"es", 1234, "1234 fuentes"}, {"es", 1000000, "1.000.000 de fuentes"},
	}
	for _, tc := range cases {
		if got := c.Localizer(tc.loc).N("sources.count", tc.n); got != tc.want {
			t.Errorf("%s N(sources.count, %d): got %q, want %q", tc.loc, tc.n, got, tc.want)
		}
	}
	if got := c.Localizer("de").N("done.streamsSelected", 1); got != "1 Stream ausgewählt:" {
		t.Errorf("de 1 stream: got %q", got)
	}
	if got := c.Localizer("en").N("done.streamsSelected", 3); got != "3 streams selected:" {
		t.Errorf("en 3 streams: got %q", got)
	}
}

func TestNumbers(t *testing.T) {
	t.Parallel()
	c := mustCatalog(t, Options{})
	cases := []struct {
		loc  string
		n    int
		want string
	}{
		{"en", 999, "999"}, {"en", 1234567, "1,234,567"},
		{"de", 1234567, "1.234.567"},
		{"fr", 1234567, "1\u00a0234\u00a0567"},
		{"es", 1234, "1234"}, {"es", 12345, "12.345"}, {"es", -1234, "-1234"},
	}
	for _, tc := range cases {
		if got := c.Localizer(tc.loc).Number(tc.n); got != tc.want {
			t.Errorf("%s Number(%d): got %q, want %q", tc.loc, tc.n, got, tc.want)
		}
	}
}

func TestDates(t *testing.T) {
	t.Parallel()
	c := mustCatalog(t, Options{Pseudo: true})
	first := time.Date(2026, time.December, 1, 15, 4, 0, 0, time.UTC)
	march := time.Date(2027, time.March, 23, 8, 5, 0, 0, time.FixedZone("CET", 3600))
	cases := []struct {
		loc            string
		date, dateTime string
	}{
		{"en", "1 December 2026", "23 March 2027 at 07:05 UTC"},
		{"de", "1. Dezember 2026", "23. März 2027 um 07:05 UTC"},
		{"fr", "1er décembre 2026", "23 mars 2027 à 07:05 UTC"},
		{"es", "1 de diciembre de 2026", "23 de marzo de 2027 a las 07:05 UTC"},
		{Pseudo, "1 ⟦December⟧ 2026", "23 ⟦March⟧ 2027 ⟦at⟧ 07:05 UTC"},
	}
	for _, tc := range cases {
		l := c.Localizer(tc.loc)
		if got := l.Date(first); got != tc.date {
			t.Errorf("%s Date: got %q, want %q", tc.loc, got, tc.date)
		}
		if got := l.DateTime(march); got != tc.dateTime {
			t.Errorf("%s DateTime: got %q, want %q", tc.loc, got, tc.dateTime)
		}
	}
}

func TestRelative(t *testing.T) {
	t.Parallel()
	c := mustCatalog(t, Options{})
	now := time.Date(2026, time.December, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		loc  string
		d    time.Duration
		want string
	}{
		{"en", 10 * time.Second, "just now"},
		{"en", time.Minute, "1 minute ago"},
		{"en", 5 * time.Minute, "5 minutes ago"},
		{"en", -3 * time.Hour, "in 3 hours"},
		{"en", 30 * time.Hour, "yesterday"},
		{"en", 3 * 24 * time.Hour, "3 days ago"},
		{"de", 3 * 24 * time.Hour, "vor 3 Tagen"},
		{"de", -1 * time.Hour, "in 1 Stunde"},
		{"de", -30 * time.Hour, "morgen"},
		{"fr", 3 * 24 * time.Hour, "il y a 3 jours"},
		{"fr", 90 * time.Second, "il y a 1 minute"},
		{"es", 3 * 24 * time.Hour, "hace 3 días"},
		{"es", -60 * 24 * time.Hour, "dentro de 2 meses"},
		{"en", 400 * 24 * time.Hour, "27 October 2025"},
		{"de", 400 * 24 * time.Hour, "27. Oktober 2025"},
	}
	for _, tc := range cases {
		if got := c.Localizer(tc.loc).Relative(now.Add(-tc.d), now); got != tc.want {
			t.Errorf("%s Relative(now-%v): got %q, want %q", tc.loc, tc.d, got, tc.want)
		}
	}
}

func TestPseudoLocaleMarksEveryMessage(t *testing.T) {
	t.Parallel()
	c := mustCatalog(t, Options{Pseudo: true})
	l := c.Localizer(Pseudo)
	if l.Lang() != Pseudo {
		t.Fatalf("Lang: got %q", l.Lang())
	}
	for _, id := range c.MessageIDs() {
		got := l.T(id, "Name", "x")
		if c.IsPlural(id) {
			got = l.N(id, 2, "Name", "x")
		}
		if !strings.HasPrefix(got, PseudoOpen) || !strings.HasSuffix(got, PseudoClose) {
			t.Errorf("%s: got %q, want it marked", id, got)
		}
	}
	if _, ok := mustCatalog(t, Options{}).Supported(Pseudo); ok {
		t.Fatal("pseudo-locale supported although not enabled")
	}
}

func TestPartnerOverridesPerLocale(t *testing.T) {
	t.Parallel()
	ov := map[string]map[string]json.RawMessage{
		"de":    {"home.heading": json.RawMessage(`"Bringen Sie Ihre Daten zu ACME"`), "sources.count": json.RawMessage(`{"one": "eine Quelle", "other": "{{.Count}} Quellen"}`)},
		"en-GB": {"home.heading": json.RawMessage(`"Connect your data, mate"`)},
	}
	c := mustCatalog(t, Options{Overrides: ov})
	if got := c.Localizer("de").T("home.heading"); got != "Bringen Sie Ihre Daten zu ACME" {
		t.Errorf("de override: got %q", got)
	}
	if got := c.Localizer("de").N("sources.count", 1); got != "eine Quelle" {
		t.Errorf("de plural override one: got %q", got)
	}
	if got := c.Localizer("de").N("sources.count", 3); got != "3 Quellen" {
		t.Errorf("de plural override other: got %q", got)
	}
	if got := c.Localizer("en").T("home.heading"); got != "Connect your data, mate" {
		t.Errorf("en override (given as en-GB): got %q", got)
	}
	if got := c.Localizer("fr").T("home.heading"); got != "Connectez vos données à Stitch" {
		t.Errorf("fr is not overridden: got %q", got)
	}
	if got := c.Localizer("de").T("home.lead"); !strings.HasPrefix(got, "Richten Sie") {
		t.Errorf("de other messages keep the catalog: got %q", got)
	}
	bad := []map[string]map[string]json.RawMessage{
		{"pt": {"home.heading": json.RawMessage(`"x"`)}},
		{"de": {"home.headline": json.RawMessage(`"x"`)}},
		{"de": {"home.heading": json.RawMessage(`""`)}},
		{"de": {"home.heading": json.RawMessage(`{"one": "x"}`)}},
		{"de": {"home.heading": json.RawMessage(`{"other": "x", "several": "y"}`)}},
	}
	for _, b := range bad {
		if _, err := New(Options{Overrides: b}); err == nil {
			t.Errorf("Overrides %s: got no error, want one", b)
		}
	}
}

func TestFromWithoutLocalizerIsEnglish(t *testing.T) {
	t.Parallel()
	if got := From(nil).T("common.cancel"); got != "Cancel" {
		t.Fatalf("got %q", got)
	}
	c := mustCatalog(t, Options{})
	ctx := WithLocalizer(t.Context(), c.Localizer("es"))
	if got := From(ctx).T("common.cancel"); got != "Cancelar" {
		t.Fatalf("got %q", got)
	}
	if got := From(ctx).T("no.such.message"); got != "no.such.message" {
		t.Fatalf("missing id: got %q, want the id", got)
	}
}

func lcOf(id string, n int, plural bool, kv []any) *goi18n.LocalizeConfig {
	d := data(kv)
	lc := &goi18n.LocalizeConfig{MessageID: id, TemplateData: d}
	if plural {
		d["Count"] = ""
		lc.PluralCount = n
	}
	return lc
}
