package selection

import (
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
)

var catalog = i18n.MustNew(i18n.Options{})

func withRows(s connect.Stream, n int64, method string) connect.Stream {
	s.Metadata.RowCount = &n
	s.Metadata.ReplicationMethod = method
	return s
}

// Row counts use the locale's digit grouping and its plural rules: French
// counts 0 as singular and says "de" after a million, Spanish groups only
// from five digits.
func TestDetailRowCountsPerLocale(t *testing.T) {
	t.Parallel()
	nb := "\u00a0"
	cases := []struct {
		locale string
		rows   int64
		method string
		want   string
	}{
		{"en", 1, "", "1 row"},
		{"en", 0, "", "0 rows"},
		{"en", 1234, FullTable, "1,234 rows · Full table"},
		{"en", 2204117, LogBased, "2,204,117 rows · Log-based"},
		{"de", 1, "", "1 Zeile"},
		{"de", 1234, FullTable, "1.234 Zeilen · Vollständige Tabelle"},
		{"de", 0, "", "0 Zeilen"},
		{"fr", 0, "", "0 ligne"},
		{"fr", 1, "", "1 ligne"},
		{"fr", 1234, FullTable, "1" + nb + "234 lignes · Table complète"},
		{"fr", 1000000, "", "1" + nb + "000" + nb + "000 de lignes"},
		{"es", 1, "", "1 fila"},
		{"es", 1234, FullTable, "1234 filas · Tabla completa"},
		{"es", 12345, "", "12.345 filas"},
		{"es", 1000000, "", "1.000.000 de filas"},
	}
	for _, c := range cases {
		got := Detail(catalog.Localizer(c.locale), withRows(table(1, "shop-orders"), c.rows, c.method))
		if got != c.want {
			t.Errorf("%s, %d rows: got %q, want %q", c.locale, c.rows, got, c.want)
		}
	}
}

func TestDetailOfViewsAndIncrementalStreams(t *testing.T) {
	t.Parallel()
	v := withRows(view(2, "shop-daily"), 365, "")
	inc := table(3, "shop-events")
	inc.Metadata.ReplicationMethod, inc.Metadata.ReplicationKey = Incremental, "updated_at"
	for loc, want := range map[string][2]string{
		"en": {"View · 365 rows", "Incremental on updated_at"},
		"de": {"Ansicht · 365 Zeilen", "Inkrementell nach updated_at"},
		"fr": {"Vue · 365 lignes", "Incrémentale sur updated_at"},
		"es": {"Vista · 365 filas", "Incremental por updated_at"},
	} {
		l := catalog.Localizer(loc)
		if got := Detail(l, v); got != want[0] {
			t.Errorf("%s view: got %q, want %q", loc, got, want[0])
		}
		if got := Detail(l, inc); got != want[1] {
			t.Errorf("%s incremental: got %q, want %q", loc, got, want[1])
		}
	}
}

// Every word of the list, a stream's page and a plan's problems comes from
// the catalog: in German no English is left, and without words the
// message ids show (a missing localizer is visible, not silently English).
func TestListAndPageWordsComeFromTheCatalog(t *testing.T) {
	t.Parallel()
	de := catalog.Localizer("de")
	st := withRows(table(1, "shop-customers", "id"), 1234, "")
	v := view(2, "shop-daily")
	d := &Draft{}
	d.Set(st.TapStreamID, Choice{Selected: true, Method: Incremental})
	d.Set(v.TapStreamID, Choice{Selected: true})
	sc := map[string]*Schema{v.TapStreamID: ParseSchema(schemaOf(t, map[string]any{}, fieldSpec{name: "day", inclusion: Available}))}
	plan := Build([]connect.Stream{st, v}, d, sc)
	if plan.OK() {
		t.Fatal("a key-based table without a key and a view without keys: got no problems")
	}
	l := NewList(ListInput{Streams: []connect.Stream{st, v}, Draft: d, Schemas: sc, Problems: plan.Problems, Prompts: []string{st.TapStreamID}, Words: de})
	var words []string
	for _, r := range l.Rows {
		words = append(words, r.Detail, r.Problem, r.Prompt)
		for _, m := range r.Methods {
			words = append(words, m.Label)
		}
	}
	rows := map[string]Row{}
	for _, r := range l.Rows {
		rows[r.TapStreamID] = r
	}
	if got := rows[st.TapStreamID].Methods; len(got) != 2 || got[0].Label != "Vollständige Tabelle" || got[1].Label != "Inkrementell nach Schlüssel" {
		t.Errorf("German methods: got %+v", got)
	}
	if got := rows[v.TapStreamID].Problem; !strings.Contains(got, "Schlüsselspalten der Ansicht daily") {
		t.Errorf("German view problem: got %q", got)
	}
	page := NewStreamPage(de, st, ParseSchema(schemaOf(t, map[string]any{}, customers...)), Choice{Selected: true, Method: Incremental}, true, plan.Problems[:1])
	for _, f := range page.Fields {
		words = append(words, f.Reason)
	}
	for _, m := range page.Methods {
		words = append(words, m.Label)
	}
	for _, p := range page.Problems {
		words = append(words, p.Message)
	}
	if len(page.Problems) != 1 || !strings.Contains(page.Problems[0].Message, "Replikationsschlüssel von customers") {
		t.Errorf("German stream problem: got %+v", page.Problems)
	}
	for _, w := range words {
		for _, en := range []string{" rows", "Full table", "Key-based", "Choose", "Always", "Primary key", "Some columns", "View"} {
			if strings.Contains(w, en) {
				t.Errorf("German page: %q has the English %q", w, en)
			}
		}
	}
	if got := Detail(nil, st); got != "selection.rows" {
		t.Errorf("no words: got %q, want the message id", got)
	}
	if got := (Problem{ID: "selection.needOne"}).Text(de); got != "Wählen Sie mindestens einen Stream für die Replikation aus." {
		t.Errorf("whole-selection problem in German: got %q", got)
	}
}
