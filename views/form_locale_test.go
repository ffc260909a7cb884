package views

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/i18n"
)

// localeForm is a form with every piece the templates word themselves: an
// optional field, a row group, a saved secret, a key file, errors with
// Stitch's detail; rendered in a locale with its summary.
func localeForm(tb testing.TB, loc string) string {
	tb.Helper()
	l := i18n.MustNew(i18n.Options{Pseudo: true}).Localizer(loc)
	e := forms.NewEngine(forms.EngineOptions{}).In(l)
	str := json.RawMessage(`{"type":"string"}`)
	step := connect.Step{Type: connect.StepForm, Properties: []connect.Property{
		{Name: "host", PropertyType: "user_provided", IsRequired: true, JSONSchema: str},
		{Name: "database", PropertyType: "user_provided", JSONSchema: str},
		{Name: "api_key", PropertyType: "user_provided", IsRequired: true, IsCredential: true, Provided: true, JSONSchema: str},
		{Name: "report_definitions", PropertyType: "user_provided", JSONSchema: json.RawMessage(
			`{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"id":{"type":"string"}},"required":["name","id"]}}`)},
		{Name: "service_account_credentials", PropertyType: "user_provided", IsCredential: true, JSONSchema: json.RawMessage(`{"type":"object"}`)},
	}}
	f := e.Build("platform.test", step, nil, forms.BuildOptions{Edit: true})
	f.Decode(url.Values{"report_definitions[0].name": {"Weekly"}, forms.ChoicePrefix + "api_key": {forms.ChoiceReplace}})
	f.SetFieldError("host", f.Field("host").Error, "bad host")
	ctx := i18n.WithLocalizer(context.Background(), l)
	var b strings.Builder
	if err := ErrorSummary(f).Render(ctx, &b); err != nil {
		tb.Fatal(err)
	}
	if err := FormFields(f).Render(ctx, &b); err != nil {
		tb.Fatal(err)
	}
	return b.String()
}

// TestFormWordsPerLocale renders the same form in each locale and wants the
// templates' own words in it, and none of the English ones elsewhere.
func TestFormWordsPerLocale(t *testing.T) {
	t.Parallel()
	english := []string{"There is a problem", "Error:", "Stitch said", "Keep the saved", "Replace it", "Add another", ">Remove<", "Or paste", "(optional)"}
	want := map[string][]string{
		"en": english,
		"de": {"Bitte prüfen Sie Ihre Angaben", "Fehler:", "Meldung von Stitch: „bad host“", "Gespeicherten Wert für „API-Schlüssel“ behalten", ">Ersetzen<",
			"Weiteren Eintrag hinzufügen", "Bericht 1", ">Entfernen<", "Oder fügen Sie den Inhalt der Datei ein", "Geben Sie in „Berichte“, Eintrag 1, einen Wert für „Kennung (ID)“ ein"},
		"fr": {"Un problème est survenu", "Erreur :", "Message de Stitch : « bad host »", "Conserver la valeur enregistrée pour « Clé API »", "Ajouter une autre entrée", "Rapport 1", "Ou collez le contenu du fichier"},
		"es": {"Hay un problema", "Mensaje de Stitch: «bad host»", "Conservar el valor guardado para «Clave de API»", "Añadir otra entrada", "Informe 1", ">Quitar<", "O pega el contenido del archivo"},
	}
	for loc, words := range want {
		t.Run(loc, func(t *testing.T) {
			t.Parallel()
			page := localeForm(t, loc)
			for _, w := range words {
				if !strings.Contains(page, w) {
					t.Errorf("no %q in the %s form", w, loc)
				}
			}
			if loc == "en" {
				return
			}
			for _, w := range english {
				same := w == "(optional)" || w == "Error:" && loc == "es" // the same words in those languages
				if !same && strings.Contains(page, w) {
					t.Errorf("the %s form shows the English %q", loc, w)
				}
			}
		})
	}
}

// TestFormWordsInPseudoLocale wants the templates' own words marked.
func TestFormWordsInPseudoLocale(t *testing.T) {
	t.Parallel()
	page := localeForm(t, i18n.Pseudo)
	for _, w := range []string{"⟦There is a problem⟧", "⟦Error:⟧", "⟦Stitch said:⟧", "⟦Replace it⟧", "⟦Add another⟧", "⟦Remove⟧", "⟦Or paste the content of the file⟧", "⟦(optional)⟧"} {
		if !strings.Contains(page, w) {
			t.Errorf("no %q in the pseudo-locale form", w)
		}
	}
}
