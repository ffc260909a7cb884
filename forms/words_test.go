package forms

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
)

// catalog is the message catalog with the pseudo-locale, shared by the tests.
var catalog = i18n.MustNew(i18n.Options{Pseudo: true})

func mustEngineIn(tb testing.TB, loc string, texts *Texts) *Engine {
	tb.Helper()
	l := catalog.Localizer(loc)
	if l.Locale() != loc {
		tb.Fatalf("no localizer for %s", loc)
	}
	return NewEngine(EngineOptions{Texts: texts}).In(l)
}

// TestValidationMessagesPerLocale decodes the same bad submissions in each
// locale and wants the locale's words, not English grammar.
func TestValidationMessagesPerLocale(t *testing.T) {
	t.Parallel()
	uriSchema := `{"type":"string","format":"uri"}`
	emailSchema := `{"type":"string","format":"email"}`
	props := []connect.Property{
		prop("host", "user_provided", true, false, hostSchema),
		prop("ssh_host", "user_provided", false, false, hostSchema),
		prop("base_url", "user_provided", false, false, uriSchema),
		prop("webhook_target", "user_provided", false, false, uriSchema),
		prop("email", "user_provided", false, false, emailSchema),
		prop("contact_email", "user_provided", false, false, emailSchema),
		prop("account_name", "user_provided", true, false, `{"type":"string"}`),
		prop("batch_limit", "user_provided", false, false, `{"type":"string","pattern":"^[a-z]+$"}`),
		prop("report_definitions", "user_provided", false, false, rowsSchema),
	}
	in := url.Values{
		"ssh_host": {"not a host!"}, "base_url": {"no-url"}, "webhook_target": {"no-url"}, "email": {"nobody"}, "contact_email": {"nobody"},
		"batch_limit": {"123"}, "report_definitions[0].name": {"Weekly"},
	}
	want := map[string]map[string]string{
		"en": {
			"host":                     "Enter the host name or IP address of your server",
			"account_name":             "Enter an account name",
			"ssh_host":                 "Enter a host name or IP address, like bastion.example.com",
			"base_url":                 "Enter a web address, like https://example.com",
			"webhook_target":           "Enter a full web address, like https://example.com",
			"email":                    "Enter an email address, like name@example.com",
			"contact_email":            "Enter an email address, like name@example.com",
			"batch_limit":              "Check the batch limit: it is not in the expected format",
			"report_definitions[0].id": "Enter the ID of report 1",
		},
		"de": {
			"host":                     "Geben Sie den Host-Namen oder die IP-Adresse Ihres Servers ein",
			"account_name":             "Geben Sie einen Wert für „Account name“ ein",
			"ssh_host":                 "Geben Sie einen Host-Namen oder eine IP-Adresse ein, z. B. bastion.example.com",
			"base_url":                 "Geben Sie eine Webadresse ein, z. B. https://example.com",
			"webhook_target":           "Geben Sie eine vollständige Webadresse ein, z. B. https://example.com",
			"email":                    "Geben Sie eine E-Mail-Adresse ein, z. B. name@example.com",
			"contact_email":            "Geben Sie eine E-Mail-Adresse ein, z. B. name@example.com",
			"batch_limit":              "Prüfen Sie „Batch limit“: Der Wert hat nicht das erwartete Format",
			"report_definitions[0].id": "Geben Sie in „Berichte“, Eintrag 1, einen Wert für „Kennung (ID)“ ein",
		},
		"fr": {
			"host":                     "Saisissez le nom d’hôte ou l’adresse IP de votre serveur",
			"account_name":             "Saisissez « Account name »",
			"ssh_host":                 "Saisissez un nom d’hôte ou une adresse IP, par exemple bastion.example.com",
			"base_url":                 "Saisissez une adresse web, par exemple https://example.com",
			"webhook_target":           "Saisissez une adresse web complète, par exemple https://example.com",
			"email":                    "Saisissez une adresse e-mail, par exemple name@example.com",
			"contact_email":            "Saisissez une adresse e-mail, par exemple name@example.com",
			"batch_limit":              "Vérifiez « Batch limit » : la valeur n’a pas le format attendu",
			"report_definitions[0].id": "Saisissez « Identifiant » dans l’entrée 1 de « Rapports »",
		},
		"es": {
			"host":                     "Escribe el nombre de host o la dirección IP de tu servidor",
			"account_name":             "Escribe «Account name»",
			"ssh_host":                 "Escribe un nombre de host o una dirección IP, por ejemplo bastion.example.com",
			"base_url":                 "Escribe una dirección web, por ejemplo https://example.com",
			"webhook_target":           "Escribe una dirección web completa, por ejemplo https://example.com",
			"email":                    "Escribe una dirección de correo electrónico, por ejemplo name@example.com",
			"contact_email":            "Escribe una dirección de correo electrónico, por ejemplo name@example.com",
			"batch_limit":              "Revisa «Batch limit»: el valor no tiene el formato esperado",
			"report_definitions[0].id": "Escribe «Identificador» en la entrada 1 de «Informes»",
		},
	}
	for loc, msgs := range want {
		t.Run(loc, func(t *testing.T) {
			t.Parallel()
			f := mustEngineIn(t, loc, nil).Build("platform.test", connect.Step{Type: connect.StepForm, Properties: props}, nil, BuildOptions{})
			if _, ok := f.Decode(in); ok {
				t.Fatal("got a valid submission, want errors")
			}
			got := map[string]string{}
			for _, e := range f.Errors() {
				got[e.ID] = e.Message
			}
			for name, w := range msgs {
				id := safeID(name)
				if name == "report_definitions[0].id" {
					id = "report_definitions-0-id"
				}
				if got[id] != w {
					t.Errorf("%s: got %q, want %q", name, got[id], w)
				}
			}
			if loc != "en" {
				for id, m := range got {
					if strings.HasPrefix(m, "Enter ") || strings.HasPrefix(m, "Check ") || strings.HasPrefix(m, "Choose ") {
						t.Errorf("%s: English message %q", id, m)
					}
				}
			}
		})
	}
}

// TestKeepOrReplaceAndRowsPerLocale checks the messages built around a
// label: a saved secret to replace, a select, a switched-on tunnel.
func TestKeepOrReplaceAndRowsPerLocale(t *testing.T) {
	t.Parallel()
	props := []connect.Property{
		{Name: "api_key", PropertyType: "user_provided", IsRequired: true, IsCredential: true, Provided: true, JSONSchema: json.RawMessage(`{"type":"string"}`)},
		prop("frequency_in_minutes", "user_provided", true, false, `{"type":"string","enum":["60","1440"]}`),
	}
	in := url.Values{ChoicePrefix + "api_key": {ChoiceReplace}}
	want := map[string][2]string{
		"en": {"Enter the new API key, or keep the saved one", "Choose how often to replicate"},
		"de": {"Geben Sie einen neuen Wert für „API-Schlüssel“ ein oder behalten Sie den gespeicherten", "Wählen Sie, wie oft repliziert werden soll"},
		"fr": {"Saisissez une nouvelle valeur pour « Clé API » ou conservez celle qui est enregistrée", "Choisissez la fréquence de réplication"},
		"es": {"Escribe un nuevo valor para «Clave de API» o conserva el guardado", "Elige con qué frecuencia replicar"},
	}
	for loc, w := range want {
		t.Run(loc, func(t *testing.T) {
			t.Parallel()
			f := mustEngineIn(t, loc, nil).Build("platform.test", connect.Step{Type: connect.StepForm, Properties: props},
				map[string]any{"frequency_in_minutes": ""}, BuildOptions{Edit: true})
			f.Decode(in)
			if got := f.Field("api_key").Error; got != w[0] {
				t.Errorf("keep or replace: got %q, want %q", got, w[0])
			}
			if got := f.Field("frequency_in_minutes").Error; got != w[1] {
				t.Errorf("select: got %q, want %q", got, w[1])
			}
		})
	}
}

// TestTunnelAndDisplayNamePerLocale checks the messages of a switched-on
// SSH tunnel and of a source's name.
func TestTunnelAndDisplayNamePerLocale(t *testing.T) {
	t.Parallel()
	props := []connect.Property{
		prop("ssh", "user_provided", false, false, boolSchema),
		prop("ssh_host", "user_provided", false, false, hostSchema),
	}
	want := map[string][3]string{
		"en": {"Enter the host name or IP address of the SSH server for the SSH tunnel", "Enter a name for this source", "Enter a name of 255 characters or fewer"},
		"de": {"SSH-Tunnel: Geben Sie den Host-Namen oder die IP-Adresse des SSH-Servers ein", "Geben Sie einen Namen für diese Quelle ein", "Der Name darf höchstens 255 Zeichen lang sein"},
		"fr": {"Tunnel SSH : Saisissez le nom d’hôte ou l’adresse IP du serveur SSH", "Saisissez un nom pour cette source", "Saisissez un nom de 255 caractères au plus"},
		"es": {"Túnel SSH: Escribe el nombre de host o la dirección IP del servidor SSH", "Escribe un nombre para esta fuente", "Escribe un nombre de 255 caracteres como máximo"},
	}
	for loc, w := range want {
		t.Run(loc, func(t *testing.T) {
			t.Parallel()
			e := mustEngineIn(t, loc, nil)
			f := e.Build("platform.test", connect.Step{Type: connect.StepForm, Properties: props}, nil, BuildOptions{})
			f.Decode(url.Values{"ssh": {"true"}})
			if got := f.Field("ssh_host").Error; got != w[0] {
				t.Errorf("tunnel: got %q, want %q", got, w[0])
			}
			if got := e.CheckDisplayName(""); got != w[1] {
				t.Errorf("empty name: got %q, want %q", got, w[1])
			}
			if got := e.CheckDisplayName(strings.Repeat("a", MaxDisplayName+1)); got != w[2] {
				t.Errorf("long name: got %q, want %q", got, w[2])
			}
		})
	}
}

// sharedCard reads one report card of the shared Stitch reference, or of
// the emulator's catalog (kind "emulator", for destinations the reference
// lists without properties).
func sharedCard(tb testing.TB, kind, typ string) connect.ReportCard {
	tb.Helper()
	if kind == "emulator" {
		return emulatorCard(tb, typ)
	}
	p := filepath.Join("..", "..", "shared", "stitch-connect", "report-cards", kind, typ+".json")
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatalf("read %s: %v", p, err)
	}
	var rc connect.ReportCard
	if err := json.Unmarshal(b, &rc); err != nil {
		tb.Fatalf("decode %s: %v", p, err)
	}
	return rc
}

// emulatorCard reads a destination of the emulator's catalog as the form step of a report card.
func emulatorCard(tb testing.TB, typ string) connect.ReportCard {
	tb.Helper()
	p := filepath.Join("..", "emulator", "catalog", "destinations", typ+".json")
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatalf("read %s: %v", p, err)
	}
	var d struct {
		Properties []struct {
			Name, Step, Kind     string
			Required, Credential bool
			Schema               json.RawMessage
		}
	}
	if err := json.Unmarshal(b, &d); err != nil {
		tb.Fatalf("decode %s: %v", p, err)
	}
	step := connect.Step{Type: connect.StepForm}
	for _, q := range d.Properties {
		if q.Step == connect.StepForm {
			step.Properties = append(step.Properties, connect.Property{Name: q.Name, PropertyType: q.Kind, IsRequired: q.Required, IsCredential: q.Credential, JSONSchema: q.Schema})
		}
	}
	return connect.ReportCard{Type: typ, Steps: []connect.Step{step}}
}

// sameInGerman are labels that are rightly the same word in German.
var sameInGerman = map[string]bool{"Host": true, "Port": true, "Warehouse": true, "Domain": true, "Subdomain": true}

// TestBuiltinFieldsAreGerman builds the forms of well-known types in English
// and German and wants every label and hint of the German one translated.
func TestBuiltinFieldsAreGerman(t *testing.T) {
	t.Parallel()
	cards := []struct{ kind, typ string }{
		{"source-types", "platform.mysql"}, {"source-types", "platform.postgres"}, {"source-types", "platform.hubspot"},
		{"source-types", "platform.google-analytics"}, {"emulator", "bigquery_v2"}, {"destination-types", "snowflake"},
		{"destination-types", "postgres"},
	}
	en, de := mustEngineIn(t, "en", nil), mustEngineIn(t, "de", nil)
	for _, c := range cards {
		rc := sharedCard(t, c.kind, c.typ)
		checked := 0
		for _, step := range rc.Steps {
			if len(step.Properties) == 0 {
				continue
			}
			fe := en.Build(rc.Type, step, nil, BuildOptions{OwnOAuth: true})
			fd := de.Build(rc.Type, step, nil, BuildOptions{OwnOAuth: true})
			for i, g := range fd.Groups {
				if g.Legend == fe.Groups[i].Legend && g.Legend != "" {
					t.Errorf("%s: legend %q is English in German", rc.Type, g.Legend)
				}
			}
			for i, top := range fd.Fields() {
				var de, en []*Field
				walk(top, func(f *Field) { de = append(de, f) })
				walk(fe.Fields()[i], func(f *Field) { en = append(en, f) })
				for j, f := range de {
					checked++
					if f.Label == en[j].Label && !sameInGerman[f.Label] {
						t.Errorf("%s %s: label %q is English in German", rc.Type, f.Name, f.Label)
					}
					if f.Hint != "" && f.Hint == en[j].Hint {
						t.Errorf("%s %s: hint %q is English in German", rc.Type, f.Name, f.Hint)
					}
					for k, o := range f.Options {
						// A value the catalog has no label for is shown humanised ("Us west2", a region): data, not words.
						if o.Label != "" && o.Label == en[j].Options[k].Label && o.Label != o.Value && o.Label != humanizeWords(o.Value, false) {
							t.Errorf("%s %s: option %q is English in German", rc.Type, f.Name, o.Label)
						}
					}
				}
			}
		}
		if checked == 0 {
			t.Errorf("%s: no fields", rc.Type)
		}
	}
}

// TestPartnerWordsPerLocalePrecedence: the locale's words for the type,
// then for "*", then the top-level words for the type, then for "*", then
// the built-in words of the locale.
func TestPartnerWordsPerLocalePrecedence(t *testing.T) {
	t.Parallel()
	texts := &Texts{
		Types:        map[string]string{"platform.hubspot": "HubSpot CRM", "platform.mysql": "Our MySQL"},
		Descriptions: map[string]string{"platform.mysql": "Our database."},
		Options:      map[string]map[string]string{"frequency_in_minutes": {"60": "Hourly", "1440": "Daily"}},
		Groups:       map[string]string{"ssh": "Secure tunnel", "ssl": "Encryption"},
		Fields: map[string]map[string]FieldText{
			"platform.mysql": {"host": {Label: "Top type host"}, "port": {Label: "Top type port", Hint: "Top type port hint"}},
			anyType:          {"host": {Label: "Top any host", Hint: "Top any host hint"}, "database": {Hint: "Top any database hint"}},
		},
		Locales: map[string]LocaleTexts{"de": {
			Types:        map[string]string{"platform.hubspot": "HubSpot-CRM"},
			Descriptions: map[string]string{"platform.mysql": "Unsere Datenbank."},
			Options:      map[string]map[string]string{"frequency_in_minutes": {"60": "Stündlich"}},
			Groups:       map[string]string{"ssh": "Sicherer Tunnel"},
			Fields: map[string]map[string]FieldText{
				"platform.mysql": {"host": {Label: "DE Typ Host"}},
				anyType:          {"host": {Hint: "DE alle Host-Hinweis"}, "port": {Hint: "DE alle Port-Hinweis"}},
			},
		}},
	}
	props := []connect.Property{
		prop("host", "user_provided", true, false, hostSchema), prop("port", "user_provided", true, false, portSchema),
		prop("database", "user_provided", true, false, `{"type":"string"}`), prop("user", "user_provided", true, false, `{"type":"string"}`),
		prop("frequency_in_minutes", "user_provided", false, false, `{"type":"string","enum":["60","1440","360"]}`),
		prop("ssh", "user_provided", false, false, boolSchema), prop("ssl", "user_provided", false, false, boolSchema),
	}
	step := connect.Step{Type: connect.StepForm, Properties: props}
	type words struct{ what, got, want string }
	de := mustEngineIn(t, "de", texts)
	fd := de.Build("platform.mysql", step, nil, BuildOptions{})
	en := mustEngineIn(t, "en", texts)
	fe := en.Build("platform.mysql", step, nil, BuildOptions{})
	fr := mustEngineIn(t, "fr", texts)
	legend := func(f *Form, id string) string {
		for _, g := range f.Groups {
			if g.ID == id {
				return g.Legend
			}
		}
		return ""
	}
	option := func(f *Form, v string) string {
		for _, o := range f.Field("frequency_in_minutes").Options {
			if o.Value == v {
				return o.Label
			}
		}
		return ""
	}
	for _, c := range []words{
		{"de host label: locale, type", fd.Field("host").Label, "DE Typ Host"},
		{"de host hint: locale, *", fd.Field("host").Hint, "DE alle Host-Hinweis"},
		{"de port label: top, type", fd.Field("port").Label, "Top type port"},
		{"de port hint: locale * before top type", fd.Field("port").Hint, "DE alle Port-Hinweis"},
		{"de database hint: top, *", fd.Field("database").Hint, "Top any database hint"},
		{"de database label: built-in German", fd.Field("database").Label, "Datenbank"},
		{"de user hint: built-in German", fd.Field("user").Hint, "Der Benutzer, mit dem sich Stitch anmeldet. Lesezugriff genügt."},
		{"en host label: top, type", fe.Field("host").Label, "Top type host"},
		{"en host hint: top, *", fe.Field("host").Hint, "Top any host hint"},
		{"en database label: built-in", fe.Field("database").Label, "Database"},
		{"de type: locale", de.TypeName("platform.hubspot"), "HubSpot-CRM"},
		{"de type: top", de.TypeName("platform.mysql"), "Our MySQL"},
		{"de type: built-in", de.TypeName("platform.postgres"), "PostgreSQL"},
		{"fr type: top", fr.TypeName("platform.hubspot"), "HubSpot CRM"},
		{"de description: locale", de.TypeInfo("platform.mysql", false).Description, "Unsere Datenbank."},
		{"fr description: top", fr.TypeInfo("platform.mysql", false).Description, "Our database."},
		{"de description: built-in", de.TypeInfo("platform.postgres", false).Description, "Repliziert Tabellen eines PostgreSQL-Servers, per Abfrage oder aus dem Write-Ahead-Log."},
		{"de option: locale", option(fd, "60"), "Stündlich"},
		{"de option: top", option(fd, "1440"), "Daily"},
		{"de option: built-in", option(fd, "360"), "Alle 6 Stunden"},
		{"de group: locale", legend(fd, "ssh"), "Sicherer Tunnel"},
		{"de group: top", legend(fd, "ssl"), "Encryption"},
		{"de group: built-in", legend(fd, "connection"), "Verbindungsdaten"},
		{"en option: top", option(fe, "60"), "Hourly"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
}

// TestLoadLocaleWords reads locales.LOC.fields, types, descriptions, options
// and groups from the texts file, and refuses a locale Onramp does not ship.
func TestLoadLocaleWords(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "texts.json")
	body := `{"types": {"platform.hubspot": "HubSpot CRM"},
	  "locales": {"de": {"messages": {"home.heading": "Hallo"},
	    "fields": {"*": {"host": {"hint": "Fragen Sie Ihre DBA"}}}, "types": {"platform.hubspot": "HubSpot-CRM"},
	    "descriptions": {"platform.hubspot": "Ihr CRM."}, "options": {"*": {"60": "Stündlich"}}, "groups": {"ssh": "Tunnel"}}}}`
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	texts, msgs, err := LoadTextsWithLocales(p)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if _, ok := msgs["de"]["home.heading"]; !ok {
		t.Errorf("messages: got %v", msgs)
	}
	de := mustEngineIn(t, "de", texts)
	if got := de.TypeName("platform.hubspot"); got != "HubSpot-CRM" {
		t.Errorf("de type: got %q", got)
	}
	if got := de.OptionLabel("frequency_in_minutes", "60"); got != "Stündlich" {
		t.Errorf("de option: got %q", got)
	}
	if got := de.TypeInfo("platform.hubspot", false).Description; got != "Ihr CRM." {
		t.Errorf("de description: got %q", got)
	}
	if got := mustEngineIn(t, "es", texts).TypeName("platform.hubspot"); got != "HubSpot CRM" {
		t.Errorf("es type: got %q, want the top level's", got)
	}
	for name, bad := range map[string]string{
		"unknown-locale.json": `{"locales": {"pt": {"types": {"platform.hubspot": "x"}}}}`,
		"unknown-key.json":    `{"locales": {"de": {"fieldz": {}}}}`,
	} {
		bp := filepath.Join(dir, name)
		if err := os.WriteFile(bp, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := LoadTextsWithLocales(bp); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: got %v, want an error naming the file", name, err)
		}
	}
}

// TestPseudoLocaleMarksForms builds forms in the pseudo-locale and wants
// every built-in word marked: labels, hints, options, legends, messages,
// and the tiles' categories and descriptions.
func TestPseudoLocaleMarksForms(t *testing.T) {
	t.Parallel()
	e := mustEngineIn(t, i18n.Pseudo, nil)
	rc := sharedCard(t, "source-types", "platform.mysql")
	step, ok := rc.Step(connect.StepForm)
	if !ok {
		t.Fatal("no form step")
	}
	f := e.Build(rc.Type, step, nil, BuildOptions{})
	f.Decode(url.Values{"port": {"99999"}})
	marked := func(what, s string) {
		if s != "" && !strings.HasPrefix(s, i18n.PseudoOpen) {
			t.Errorf("%s: %q is not marked", what, s)
		}
	}
	for _, g := range f.Groups {
		marked("legend", g.Legend)
		marked("group hint", g.Hint)
	}
	for _, top := range f.Fields() {
		walk(top, func(fld *Field) {
			marked(fld.Name+" label", fld.Label)
			marked(fld.Name+" hint", fld.Hint)
			marked(fld.Name+" error", fld.Error)
			if strings.ContainsFunc(fld.Placeholder, unicode.IsLetter) && !strings.Contains(fld.Placeholder, "example.com") {
				marked(fld.Name+" placeholder", fld.Placeholder)
			}
			for _, o := range fld.Options {
				marked(fld.Name+" option", o.Label)
			}
		})
	}
	if len(f.Errors()) == 0 {
		t.Fatal("no errors to check")
	}
	for _, typ := range []string{"platform.mysql", "platform.made-up", "platform.hp-mysql"} {
		info := e.TypeInfo(typ, false)
		marked(typ+" category", info.Category)
		marked(typ+" description", info.Description)
		marked(typ+" variant", info.Variant)
	}
	marked("destination category", e.TypeInfo("snowflake", true).Category)
}

// TestInSharesOneEnginePerLocale: a form page asks In per request; the
// locale's engine (and its remembered words) is made once.
func TestInSharesOneEnginePerLocale(t *testing.T) {
	t.Parallel()
	e := NewEngine(EngineOptions{})
	de := catalog.Localizer("de")
	if e.In(de) != e.In(de) || e.In(de).In(de) != e.In(de) {
		t.Errorf("In(de): got a new engine each time, want one")
	}
	if e.In(nil) != e {
		t.Errorf("In(nil): got another engine, want the English one")
	}
	if got := e.In(de).Locale(); got != "de" {
		t.Errorf("Locale: got %q, want de", got)
	}
}

// Words looked up by keys a submission chooses (option values, field names
// nobody defined) are answered the same past the bound, but the maps of
// remembered words stop growing at it.
func TestRememberedWordsAreBounded(t *testing.T) {
	w := newWords(i18n.MustNew(i18n.Options{}).Localizer("en"))
	for i := range maxRemembered + 100 {
		v := fmt.Sprintf("posted_value_%d", i)
		if got, want := w.option("frequency_in_minutes", v), w.t("forms.humanized", "Name", humanizeWords(v, false)); got != want {
			t.Fatalf("option %q: got %q, want %q", v, got, want)
		}
		w.field("platform.mysql", v)
	}
	if len(w.plain) > maxRemembered || len(w.fields) > maxRemembered {
		t.Fatalf("remembered %d words and %d fields, bound %d", len(w.plain), len(w.fields), maxRemembered)
	}
	if got := w.option("frequency_in_minutes", "60"); got == "" || got == "60" {
		t.Fatalf("a catalog option past the bound: got %q", got)
	}
}
