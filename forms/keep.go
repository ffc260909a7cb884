package forms

import (
	"errors"
	"net/url"
	"slices"
	"strings"
)

// Keeper seals the secrets a user typed so that a re-rendered form keeps
// them without echoing them (seal.Scope satisfies it). Open returns an error
// for a value sealed for another session, form or field, altered or expired;
// an error with an Expired() bool method returning true says it expired.
type Keeper interface {
	Seal(name, secret string) string
	Open(name, sealed string) (string, error)
}

func expired(err error) bool {
	var e interface{ Expired() bool }
	return errors.As(err, &e) && e.Expired()
}

// Input names of kept secrets.
const (
	// SealedPrefix prefixes the hidden input carrying a sealed secret: "_sealed.NAME".
	SealedPrefix = "_sealed."
	// SecretsField lists the form's credential names (comma-separated), so a
	// form re-rendered without its report card still knows what to seal.
	SecretsField = "_secrets"
	// ChoiceTyped is the credential choice "use the value I typed before (sealed)".
	ChoiceTyped = "typed"
)

// SealedName is the name of the hidden input holding the field's sealed value.
func (f *Field) SealedName() string { return SealedPrefix + f.Name }

// KeepSecrets makes Decode seal every valid secret typed, and open those
// sealed by an earlier submission, with k. Without it secrets are dropped
// from a re-rendered form (the user types them again).
func (f *Form) KeepSecrets(k Keeper) { f.keeper = k }

// CredentialNames lists the form's credential inputs, for SecretsField.
func (f *Form) CredentialNames() string {
	var names []string
	for _, top := range f.fields {
		walk(top, func(fld *Field) {
			if fld.Credential && !fld.ReadOnly {
				names = append(names, fld.Name)
			}
		})
	}
	return strings.Join(names, ",")
}

// openKept opens the sealed value of a credential the user chose to keep; it
// reports false (and sets the field's error) when it cannot be opened.
func (f *Form) openKept(fld *Field, sealed string) (string, bool) {
	w := fld.w()
	if f.keeper == nil {
		fld.Error = w.t("forms.msg.again", w.labelData(fld.Label)...)
		return "", false
	}
	v, err := f.keeper.Open(fld.Name, sealed)
	switch {
	case expired(err):
		fld.Error = w.t("forms.msg.againExpired", w.labelData(fld.Label)...)
		return "", false
	case err != nil:
		fld.Error = w.t("forms.msg.again", w.labelData(fld.Label)...)
		return "", false
	}
	return v, true
}

// keep seals a valid typed secret so the re-rendered form shows it as kept.
func (f *Form) keep(fld *Field, secret string) {
	if f.keeper == nil || secret == "" {
		return
	}
	if s := f.keeper.Seal(fld.Name, secret); s != "" {
		fld.Kept, fld.Sealed, fld.CredentialChoice = true, s, ChoiceTyped
	}
}

// Unloaded builds a form from a submission alone, for when the report card
// it came from cannot be loaded (Stitch did not answer): every submitted
// value becomes a text input under its own name, so nothing typed is lost and
// sending it again reaches the real form's decoder unchanged. Names in
// SecretsField (and names that look like secrets) are sealed with k, never
// echoed. skip names the page's own inputs (such as display_name).
func (e *Engine) Unloaded(typ, stepType string, values url.Values, k Keeper, skip ...string) *Form {
	f := &Form{
		Type: typ, TypeName: e.TypeName(typ), StepType: stepType,
		byName: map[string]*Field{}, engine: e, keeper: k,
	}
	secret := map[string]bool{}
	for _, n := range strings.Split(values.Get(SecretsField), ",") {
		if n = strings.TrimSpace(n); n != "" {
			secret[n] = true
		}
	}
	names := map[string]bool{}
	for key := range values {
		switch {
		case strings.HasPrefix(key, SealedPrefix):
			names[key[len(SealedPrefix):]] = true
		case strings.HasPrefix(key, ChoicePrefix):
			names[key[len(ChoicePrefix):]] = true
		case strings.HasPrefix(key, FilePrefix):
			names[key[len(FilePrefix):]] = true
			secret[key[len(FilePrefix):]] = true // a key file holds a private key
		case strings.HasPrefix(key, "_") || slices.Contains(skip, key):
		default:
			names[key] = true
		}
	}
	sorted := make([]string, 0, len(names))
	for n := range names {
		if n != "" && !strings.HasPrefix(n, "_") && !slices.Contains(skip, n) {
			sorted = append(sorted, n)
		}
	}
	slices.Sort(sorted)
	if len(sorted) > maxUnloaded {
		sorted = sorted[:maxUnloaded]
	}
	g := &Group{ID: groupConnection, Legend: e.groupLegend(groupConnection)}
	for _, name := range sorted {
		fld := &Field{
			Name: name, Label: e.fieldText(typ, baseName(name)).Label, Widget: WidgetInput, InputType: "text",
			Optional: true, spec: plainText, words: e.words,
		}
		if secret[name] || looksSecret(name) {
			e.unloadedSecret(f, fld, values)
		} else {
			fld.Value = values.Get(name)
			if strings.ContainsAny(fld.Value, "\r\n") {
				fld.Widget, fld.InputType, fld.Monospace = WidgetTextarea, "", true
			}
		}
		f.fields = append(f.fields, fld)
		f.byName[name] = fld
		g.Fields = append(g.Fields, fld)
	}
	if len(g.Fields) > 0 {
		f.Groups = []*Group{g}
	}
	f.assignIDs()
	return f
}

// maxUnloaded bounds the inputs of an Unloaded form.
const maxUnloaded = 500

// unloadedSecret fills a secret of an Unloaded form: a value typed or kept
// is sealed again; a saved one left alone keeps its choice.
func (e *Engine) unloadedSecret(f *Form, fld *Field, values url.Values) {
	fld.Credential, fld.InputType, fld.Autocomplete = true, "password", "new-password"
	choice := values.Get(fld.ChoiceName())
	_, saved := values[fld.ChoiceName()]
	raw := strings.TrimSpace(values.Get(fld.Name))
	if file := strings.TrimSpace(values.Get(fld.FileName())); file != "" && len(file) <= MaxFileBytes {
		raw = file
	}
	if sealed := values.Get(fld.SealedName()); sealed != "" && (choice == ChoiceTyped || raw == "" && choice == "") {
		if v, ok := f.openKept(fld, sealed); ok {
			raw = v
		}
	} else if saved && choice != ChoiceReplace {
		raw = ""
	}
	if saved && raw == "" {
		fld.Saved, fld.CredentialChoice, fld.CanClear = true, ChoiceKeep, choice == ChoiceClear
		if choice == ChoiceClear {
			fld.CredentialChoice = ChoiceClear
		}
		return
	}
	fld.Saved = saved
	f.keep(fld, raw)
}

// baseName is the property name of a row cell input ("NAME[0].SUB" → "SUB").
func baseName(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && strings.Contains(name[:i], "[") {
		return name[i+1:]
	}
	return name
}

// looksSecret guesses, from its name alone, whether an input holds a secret.
func looksSecret(name string) bool {
	n := strings.ToLower(baseName(name))
	for _, w := range []string{"password", "secret", "token", "private", "passphrase", "api_key", "apikey", "ssl_key", "access_key", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return n == "key"
}
