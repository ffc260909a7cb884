package guide_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/guide"
	"github.com/onramp/onramp/i18n"
)

var catalog = i18n.MustNew(i18n.Options{})

func mustGuides(tb testing.TB, t *forms.Texts) *guide.Guides {
	tb.Helper()
	g, err := guide.New(catalog, t)
	if err != nil {
		tb.Fatalf("guide.New: %v", err)
	}
	return g
}

// mysqlFields are fields a MySQL form shows, in its order; "nothing_known"
// has no built-in words anywhere.
var mysqlFields = []guide.Field{
	{Name: "host", Label: "Host", ID: "host"},
	{Name: "port", Label: "Port", ID: "port"},
	{Name: "nothing_known", Label: "Nothing known", ID: "nothing_known"},
	{Name: "user", Label: "Username", ID: "user"},
	{Name: "ssh_host", Label: "SSH host", ID: "ssh_host"},
}

func names(g guide.Guide) []string {
	var out []string
	for _, e := range g.Entries {
		out = append(out, e.Name)
	}
	return out
}

func entry(g guide.Guide, name string) (guide.Entry, bool) {
	for _, e := range g.Entries {
		if e.Name == name {
			return e, true
		}
	}
	return guide.Entry{}, false
}

func TestEntriesOnlyForShownFieldsInFormOrder(t *testing.T) {
	t.Parallel()
	g := mustGuides(t, nil)
	en := catalog.Localizer("en")
	cases := []struct {
		name   string
		typ    string
		fields []guide.Field
		want   []string
	}{
		{"mysql: a field without words has no entry", "platform.mysql", mysqlFields, []string{"host", "port", "user", "ssh_host"}},
		{"order is the form's", "platform.mysql", []guide.Field{mysqlFields[4], mysqlFields[0]}, []string{"ssh_host", "host"}},
		{"nothing shown, nothing listed", "platform.mysql", nil, nil},
		{"an unknown type gets the generic entries", "platform.unheard-of", mysqlFields[:2], []string{"host", "port"}},
		{"aliases: username and dbname read as user and database", "redshift", []guide.Field{{Name: "username"}, {Name: "dbname"}, {Name: "encryption_host"}}, []string{"username", "dbname", "encryption_host"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := g.Resolve(en, tc.typ, "MySQL", tc.fields)
			if !reflect.DeepEqual(names(got), tc.want) {
				t.Errorf("entries: got %v, want %v", names(got), tc.want)
			}
		})
	}
}

func TestTypeEntriesComeBeforeGenericOnes(t *testing.T) {
	t.Parallel()
	g := mustGuides(t, nil)
	en := catalog.Localizer("en")
	mysql := g.Resolve(en, "platform.mysql", "MySQL", mysqlFields)
	generic := g.Resolve(en, "platform.unheard-of", "Unheard of", mysqlFields)
	host, _ := entry(mysql, "host")
	if !strings.Contains(host.Text, "rds.amazonaws.com") {
		t.Errorf("MySQL host: got %q, want MySQL's own words (Amazon RDS)", host.Text)
	}
	if host.Label != "Host" || host.FieldID != "host" {
		t.Errorf("MySQL host: got label %q id %q, want Host, host", host.Label, host.FieldID)
	}
	gh, _ := entry(generic, "host")
	if gh.Text == host.Text || gh.Text == "" {
		t.Errorf("generic host: got %q, want the generic words", gh.Text)
	}
	if ssh, _ := entry(mysql, "ssh_host"); ssh.Text != en.T("guide.field.ssh_host") {
		t.Errorf("MySQL ssh_host: got %q, want the generic entry", ssh.Text)
	}
	if mysql.Intro != en.T("guide.type.platform_mysql.intro") {
		t.Errorf("MySQL intro: got %q, want MySQL's own", mysql.Intro)
	}
	if want := en.T("guide.intro", "Name", "Unheard of"); generic.Intro != want {
		t.Errorf("generic intro: got %q, want %q", generic.Intro, want)
	}
	if mysql.URL != "" {
		t.Errorf("built-in URL: got %q, want none", mysql.URL)
	}
}

func TestPartnerPrecedence(t *testing.T) {
	t.Parallel()
	texts := &forms.Texts{
		Guides: map[string]forms.GuideText{
			"platform.mysql": {Intro: "top mysql intro", Fields: map[string]string{"host": "top mysql host", "port": "top mysql port"}},
			"*":              {URL: "https://partner.example/docs", Fields: map[string]string{"host": "top any host", "user": "top any user"}},
		},
		LocaleGuides: map[string]map[string]forms.GuideText{
			"de": {
				"platform.mysql": {Fields: map[string]string{"host": "de mysql host"}},
				"*":              {URL: "https://partner.example/de/docs", Fields: map[string]string{"port": "de any port"}},
			},
		},
	}
	g := mustGuides(t, texts)
	cases := []struct {
		locale, typ, field string
		want               string
	}{
		{"de", "platform.mysql", "host", "de mysql host"},       // locale, type
		{"de", "platform.mysql", "port", "de any port"},         // locale "*" over top type
		{"de", "platform.mysql", "user", "top any user"},        // top "*"
		{"en", "platform.mysql", "host", "top mysql host"},      // no English locale level: top type
		{"en", "platform.mysql", "port", "top mysql port"},      // top type over top "*"
		{"en", "platform.postgres", "host", "top any host"},     // top "*" for another type
		{"fr", "platform.mysql", "ssh_host", "__builtin_fr__"},  // nothing from the partner: built-in, French
		{"en", "platform.mysql", "nothing_known", "__absent__"}, // a partner's "*" does not invent entries
	}
	for _, tc := range cases {
		t.Run(tc.locale+" "+tc.typ+" "+tc.field, func(t *testing.T) {
			l := catalog.Localizer(tc.locale)
			got, ok := entry(g.Resolve(l, tc.typ, "X", mysqlFields), tc.field)
			want := tc.want
			switch want {
			case "__builtin_fr__":
				want = l.T("guide.field.ssh_host")
			case "__absent__":
				if ok {
					t.Fatalf("got entry %q, want none", got.Text)
				}
				return
			}
			if got.Text != want {
				t.Errorf("got %q, want %q", got.Text, want)
			}
		})
	}
	de := g.Resolve(catalog.Localizer("de"), "platform.mysql", "MySQL", mysqlFields)
	if de.URL != "https://partner.example/de/docs" {
		t.Errorf("de URL: got %q, want the German one", de.URL)
	}
	if de.Intro != "top mysql intro" {
		t.Errorf("de intro: got %q, want the top-level one (no German intro given)", de.Intro)
	}
	if en := g.Resolve(catalog.Localizer("en"), "platform.mysql", "MySQL", mysqlFields); en.URL != "https://partner.example/docs" {
		t.Errorf("en URL: got %q, want the top-level one", en.URL)
	}
}

func TestURLAloneReplacesOnlyTheLink(t *testing.T) {
	t.Parallel()
	plain := mustGuides(t, nil)
	linked := mustGuides(t, &forms.Texts{Guides: map[string]forms.GuideText{"platform.mysql": {URL: "https://partner.example/docs/mysql"}}})
	for _, loc := range i18n.Shipped {
		l := catalog.Localizer(loc)
		a := plain.Resolve(l, "platform.mysql", "MySQL", mysqlFields)
		b := linked.Resolve(l, "platform.mysql", "MySQL", mysqlFields)
		if b.URL != "https://partner.example/docs/mysql" {
			t.Errorf("%s: URL got %q, want the partner's", loc, b.URL)
		}
		b.URL = ""
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the url changed more than the link:\n got %+v\nwant %+v", loc, b, a)
		}
	}
}

func TestBuiltInWordsFollowTheLocale(t *testing.T) {
	t.Parallel()
	g := mustGuides(t, nil)
	seen := map[string]string{}
	for _, loc := range i18n.Shipped {
		got := g.Resolve(catalog.Localizer(loc), "platform.mysql", "MySQL", mysqlFields)
		host, ok := entry(got, "host")
		if !ok || host.Text == "" {
			t.Fatalf("%s: no host entry", loc)
		}
		for other, text := range seen {
			if text == host.Text {
				t.Errorf("%s host reads like %s: %q", loc, other, text)
			}
		}
		seen[loc] = host.Text
	}
	if de := seen["de"]; !strings.Contains(de, "Sie") {
		t.Errorf("de host: got %q, want the formal Sie", de)
	}
}

// TestRequiredTypesHaveTheirOwnWords guards the built-in content: each
// type the issue names has its own intro and at least one entry of its own.
func TestRequiredTypesHaveTheirOwnWords(t *testing.T) {
	t.Parallel()
	ids := map[string]bool{}
	for _, id := range catalog.MessageIDs() {
		ids[id] = true
	}
	for _, typ := range []string{"platform.mysql", "platform.postgres", "platform.mssql", "snowflake", "redshift", "bigquery_v2",
		"platform.hubspot", "platform.google-analytics", "platform.salesforce", "platform.stripe", "platform.shopify"} {
		prefix := "guide.type." + guide.Slug(typ) + "."
		n := 0
		for id := range ids {
			if strings.HasPrefix(id, prefix) && id != prefix+"intro" {
				n++
			}
		}
		if !ids[prefix+"intro"] || n == 0 {
			t.Errorf("%s: intro %v, %d entries of its own; want both", typ, ids[prefix+"intro"], n)
		}
	}
}

func TestNewRefusesBadPartnerGuides(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		texts *forms.Texts
		want  string
	}{
		{"relative url", &forms.Texts{Guides: map[string]forms.GuideText{"*": {URL: "/docs"}}}, "absolute"},
		{"javascript url", &forms.Texts{Guides: map[string]forms.GuideText{"platform.mysql": {URL: "javascript:alert(1)"}}}, "absolute"},
		{"bad locale url", &forms.Texts{LocaleGuides: map[string]map[string]forms.GuideText{"de": {"*": {URL: "ftp://x"}}}}, "locales.de.guides"},
		{"unknown locale", &forms.Texts{LocaleGuides: map[string]map[string]forms.GuideText{"xx": {"*": {Intro: "hi"}}}}, `"xx"`},
		{"one locale twice", &forms.Texts{LocaleGuides: map[string]map[string]forms.GuideText{"de": {}, "de-AT": {}}}, "both name de"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := guide.New(catalog, tc.texts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error naming %s", err, tc.want)
			}
		})
	}
}

// TestTextsFileGuides loads the partner's guides the way the program does
// (ONRAMP_TEXTS_FILE, strictly) and resolves them.
func TestTextsFileGuides(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "texts.json")
	body := map[string]any{
		"guides": map[string]any{"platform.mysql": map[string]any{"url": "https://partner.example/docs/mysql", "fields": map[string]string{"host": "Ask ACME support."}}},
		"locales": map[string]any{"es": map[string]any{
			"guides": map[string]any{"platform.mysql": map[string]any{"fields": map[string]string{"host": "Pregunta al soporte de ACME."}}},
		}, "fr-CA": map[string]any{ // a regional tag is the shipped locale's
			"guides": map[string]any{"platform.mysql": map[string]any{"fields": map[string]string{"host": "Demandez au support ACME."}}},
		}},
	}
	b, _ := json.Marshal(body)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	texts, _, err := forms.LoadTextsWithLocales(path)
	if err != nil {
		t.Fatalf("LoadTextsWithLocales: %v", err)
	}
	g := mustGuides(t, texts)
	for loc, want := range map[string]string{"en": "Ask ACME support.", "de": "Ask ACME support.", "es": "Pregunta al soporte de ACME.", "fr": "Demandez au support ACME."} {
		got := g.Resolve(catalog.Localizer(loc), "platform.mysql", "MySQL", mysqlFields)
		if host, _ := entry(got, "host"); host.Text != want || got.URL != "https://partner.example/docs/mysql" {
			t.Errorf("%s: got host %q url %q, want %q and the partner's url", loc, host.Text, got.URL, want)
		}
	}
	if err := os.WriteFile(path, []byte(`{"guides": {"*": {"link": "https://x.example"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := forms.LoadTextsWithLocales(path); err == nil {
		t.Error(`a misspelt key ("link") loaded; want it refused`)
	}
}

func TestFieldsOfFollowsTheForm(t *testing.T) {
	t.Parallel()
	str := json.RawMessage(`{"type":"string"}`)
	step := connect.Step{Type: connect.StepForm, Properties: []connect.Property{
		{Name: "host", IsRequired: true, PropertyType: "user_provided", JSONSchema: str},
		{Name: "port", IsRequired: true, PropertyType: "user_provided", JSONSchema: str},
		{Name: "user", IsRequired: true, PropertyType: "user_provided", JSONSchema: str},
		{Name: "password", IsRequired: true, IsCredential: true, PropertyType: "user_provided", JSONSchema: str},
		{Name: "image_version", PropertyType: "read_only", JSONSchema: str},
	}}
	f := forms.NewEngine(forms.EngineOptions{}).Build("platform.mysql", step, nil, forms.BuildOptions{})
	var got []string
	for _, fld := range guide.FieldsOf(f) {
		got = append(got, fld.Name)
		if fld.Label == "" || fld.ID == "" {
			t.Errorf("%s: label %q id %q, want both", fld.Name, fld.Label, fld.ID)
		}
	}
	for _, want := range []string{"host", "port", "user", "password"} {
		if !contains(got, want) {
			t.Errorf("fields %v lack %s", got, want)
		}
	}
	g := mustGuides(t, nil).For(catalog.Localizer("en"), f)
	if len(g.Entries) == 0 || g.Entries[0].Name != got[0] {
		t.Errorf("For: entries %v, want them in the form's order %v", names(g), got)
	}
	var nilGuides *guide.Guides
	if !nilGuides.For(catalog.Localizer("en"), f).Empty() {
		t.Error("a nil *Guides resolved a guide; want none")
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
