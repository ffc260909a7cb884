package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FieldText holds the words shown for one property. Empty members fall back
// to the next source: partner text for the type, partner text for every
// type, built-in text for the type, built-in text, then a humanised name.
type FieldText struct {
	Label       string `json:"label,omitempty"`
	Hint        string `json:"hint,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`
	// Required is the message shown when a required value is missing.
	Required string `json:"required,omitempty"`
	// Invalid is the message shown when a value does not match its schema.
	Invalid string `json:"invalid,omitempty"`
	// Default is the value a new form starts with ("5432", "none", "true"
	// for a checkbox); the user can change it.
	Default string `json:"default,omitempty"`
	// Item names one row of a repeatable group ("Report" for "Reports"),
	// for the row's legend.
	Item string `json:"item,omitempty"`
}

// Texts are a partner's overrides of the built-in words, loaded from a JSON
// file named in the configuration (see LoadTexts). A nil *Texts is valid and
// overrides nothing. Texts must not be modified once given to an Engine.
//
//	{
//	  "types":   {"platform.hubspot": "HubSpot CRM"},
//	  "fields":  {"*": {"host": {"hint": "…"}}, "platform.mysql": {"port": {"placeholder": "3307"}}},
//	  "options": {"frequency_in_minutes": {"30": "Twice an hour"}},
//	  "groups":  {"ssh": "Secure tunnel"},
//	  "descriptions": {"platform.hubspot": "Your CRM: contacts, companies and deals."}
//	}
//
// A field's words may also set "default", the value a new form starts with
// (a port, "none" for a select, "true" for a checkbox); an object's member is
// named "PARENT.SUB" ("staging_area.bucket_name").
type Texts struct {
	// Types maps a source or destination type to its display name.
	Types map[string]string `json:"types,omitempty"`
	// Fields maps a type (or "*" for every type) to property names and their words.
	Fields map[string]map[string]FieldText `json:"fields,omitempty"`
	// Options maps a property name (or "*") to option values and their labels.
	Options map[string]map[string]string `json:"options,omitempty"`
	// Groups maps a group id (connection, oauth-app, ssh, ssl, encryption,
	// schedule, advanced, diagnostics) to its legend.
	Groups map[string]string `json:"groups,omitempty"`
	// Descriptions maps a type to the one line its catalog tile shows.
	Descriptions map[string]string `json:"descriptions,omitempty"`
	// Guides maps a type (or "*") to the words of the setup guide beside
	// its form (package guide).
	Guides map[string]GuideText `json:"guides,omitempty"`
	// LocaleGuides are the guides under "locales.LOC.guides", by locale;
	// LoadTextsWithLocales fills it.
	LocaleGuides map[string]map[string]GuideText `json:"-"`
	// Locales are the words under "locales" by locale ("de"): fields, types,
	// descriptions, options and groups of that locale, with the shapes above;
	// LoadTextsWithLocales fills it. The top-level words are written in the
	// partner's own language and apply to every locale that lacks a word of
	// its own: a locale's word for the type, then its word for "*", then the
	// top-level word for the type, then for "*", then the built-in words of
	// the locale.
	Locales map[string]LocaleTexts `json:"-"`
}

// GuideText is a partner's words for a type's setup guide: its link to the
// partner's own documentation, its intro line, and where to find each
// property's value (by property name). Empty members keep the next source's.
type GuideText struct {
	URL    string            `json:"url,omitempty"`
	Intro  string            `json:"intro,omitempty"`
	Fields map[string]string `json:"fields,omitempty"`
}

// anyType is the key of Texts.Fields and Texts.Options that applies to every type or property.
const anyType = "*"

// LoadTexts reads partner overrides from a JSON file. Unknown keys are
// rejected so that a typo does not silently leave the default words in place.
func LoadTexts(path string) (*Texts, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return nil, fmt.Errorf("load texts %s: YAML is not supported, write the file as JSON", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load texts: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var t Texts
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("load texts %s: %w", path, err)
	}
	return &t, nil
}

// typeName returns the built-in display name of a source or destination
// type, such as "HubSpot" for "platform.hubspot" (product names are the same
// in every locale; "(legacy)" is worded for it), or a humanised type when it
// is unknown.
func (w *words) typeName(typ string) string {
	if n, ok := typeNames[typ]; ok {
		if base, ok := strings.CutSuffix(n, " (legacy)"); ok {
			return w.t("forms.typeName.legacy", "Name", base)
		}
		return n
	}
	for _, p := range []string{"platform.", "webhook.", "hp."} {
		typ = strings.TrimPrefix(typ, p)
	}
	if h := humanizeWords(typ, true); h != "" {
		return w.t("forms.humanized", "Name", h)
	}
	return w.word("forms.unnamedIntegration")
}

// locale returns the partner's words of a locale, or nil.
func (t *Texts) locale(loc string) *LocaleTexts {
	if t == nil {
		return nil
	}
	if lt, ok := t.Locales[loc]; ok {
		return &lt
	}
	return nil
}

// partnerText is the partner's words of a property for a type: the
// locale's for the type, the locale's for "*", the top level's for the
// type, the top level's for "*".
func (e *Engine) partnerText(typ, name string) FieldText {
	var out FieldText
	if lt := e.local; lt != nil {
		out = mergeText(out, lt.Fields[typ][name])
		out = mergeText(out, lt.Fields[anyType][name])
	}
	if t := e.texts; t != nil {
		out = mergeText(out, t.Fields[typ][name])
		out = mergeText(out, t.Fields[anyType][name])
	}
	return out
}

// fieldText resolves the words of a property for a type, member by member:
// the partner's (partnerText), then the built-in words of the locale.
func (e *Engine) fieldText(typ, name string) FieldText {
	out := mergeText(e.partnerText(typ, name), e.words.field(typ, name))
	if out.Label == "" {
		out.Label = e.words.humanize(name)
	}
	return out
}

// memberText resolves the words of an object's member: those written for
// "PARENT.SUB" first, then those of the name SUB.
func (e *Engine) memberText(typ, parent, name string) FieldText {
	full := parent + "." + name
	out := mergeText(e.partnerText(typ, full), e.words.field(typ, full))
	return mergeText(out, e.fieldText(typ, name))
}

func mergeText(dst, src FieldText) FieldText {
	if dst.Label == "" {
		dst.Label = src.Label
	}
	if dst.Hint == "" {
		dst.Hint = src.Hint
	}
	if dst.Placeholder == "" {
		dst.Placeholder = src.Placeholder
	}
	if dst.Required == "" {
		dst.Required = src.Required
	}
	if dst.Invalid == "" {
		dst.Invalid = src.Invalid
	}
	if dst.Default == "" {
		dst.Default = src.Default
	}
	if dst.Item == "" {
		dst.Item = src.Item
	}
	return dst
}

// optionLabel returns the label of a select option: the partner's for the
// locale, the partner's top-level, then the built-in label of the locale.
func (e *Engine) optionLabel(name, value string) string {
	for _, opts := range []map[string]map[string]string{e.local.options(), e.texts.options()} {
		if l := opts[name][value]; l != "" {
			return l
		}
		if l := opts[anyType][value]; l != "" {
			return l
		}
	}
	return e.words.option(name, value)
}

func (t *Texts) options() map[string]map[string]string {
	if t == nil {
		return nil
	}
	return t.Options
}

// groupLegend returns the legend of a group.
func (e *Engine) groupLegend(id string) string {
	if l := e.local.group(id); l != "" {
		return l
	}
	if e.texts != nil {
		if l := e.texts.Groups[id]; l != "" {
			return l
		}
	}
	return e.words.keyed("forms.group.", id, "")
}

// acronyms are words written in capitals (or their own casing) when humanising.
var acronyms = map[string]string{
	"id": "ID", "ids": "IDs", "api": "API", "url": "URL", "urls": "URLs", "uri": "URI",
	"ssl": "SSL", "ssh": "SSH", "sql": "SQL", "aws": "AWS", "s3": "S3", "csv": "CSV",
	"json": "JSON", "jsonl": "JSON Lines", "oauth": "OAuth", "ip": "IP", "uat": "UAT",
	"rsa": "RSA", "jwt": "JWT", "sid": "SID", "guid": "GUID", "eu": "EU", "arn": "ARN",
	"lsn": "LSN", "scn": "SCN", "sas": "SAS", "dsp": "DSP", "crm": "CRM", "ci": "CI",
	"qb": "QB", "tpl": "TPL", "cron": "cron", "utc": "UTC", "http": "HTTP", "https": "HTTPS",
}

// Humanize turns a property name into words for people: "filter_dbs" becomes
// "Filter dbs", "customerId" becomes "Customer ID"; Stitch's names are
// English, so are these. Engine.Humanize marks them for the request's locale.
func Humanize(name string) string {
	if h := humanizeWords(name, false); h != "" {
		return h
	}
	return "Unnamed setting"
}

// humanizeWords splits on separators and camel case; title capitalises every
// word (for product names), otherwise only the first.
func humanizeWords(s string, title bool) string {
	words := splitWords(s)
	for i, w := range words {
		lw := strings.ToLower(w)
		if a, ok := acronyms[lw]; ok {
			words[i] = a
			continue
		}
		if i == 0 || title {
			words[i] = upperFirst(lw)
		} else {
			words[i] = lw
		}
	}
	return strings.Join(words, " ")
}

func splitWords(s string) []string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	var prev rune
	for _, r := range s {
		switch {
		case r == '_' || r == '-' || r == '.' || unicode.IsSpace(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush()
			cur = append(cur, r)
		case unicode.IsPrint(r):
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return words
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// lowerFirst lowers the first letter unless the word is an acronym ("API key" stays).
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	if r2, _ := utf8.DecodeRuneInString(s[n:]); unicode.IsUpper(r2) {
		return s // "API key", "OAuth client ID"
	}
	if word, _, _ := strings.Cut(s, " "); len(word) > n && !strings.ContainsFunc(word, unicode.IsLower) {
		return s // "S3 bucket"
	}
	return string(unicode.ToLower(r)) + s[n:]
}
