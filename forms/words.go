package forms

import (
	"strings"
	"sync"

	"github.com/onramp/onramp/i18n"
)

// words are the built-in words of the forms in one locale: labels, hints,
// option labels, legends, categories, descriptions and messages, read from
// the message catalog (i18n/locales/forms.LOC.toml, English the source) by
// id. Words without data are remembered on first use, so a form page looks
// each one up once per locale; messages with data (a validation message
// naming its field) are rendered when they are shown.
//
// Ids of field words: forms.field.NAME.MEMBER and, for one type,
// forms.typeField.TYPE.NAME.MEMBER, MEMBER one of label, hint, placeholder,
// required, invalid, item. Placeholders that are examples of values rather
// than words (db.example.com, 5432) are data, in catalog.go.
type words struct {
	l *i18n.Localizer
	// english says the locale uses English grammar (articles, plurals in
	// "s"): the source language and its pseudo-locale.
	english bool
	// The remembered words, by key so that a hit builds no id (a form page
	// asks for dozens).
	mu     sync.RWMutex
	plain  map[wordKey]string    // a message without data; "" when the catalog has none
	fields map[wordKey]FieldText // {"", TYPE, NAME}: the built-in words of a property
}

// wordKey names a remembered word: the id prefix+a(+"."+b).
type wordKey struct{ prefix, a, b string }

// maxRemembered bounds each map of remembered words. The catalog's words
// are far fewer; the bound is for keys that come from a submission (an
// option value or a field name nobody defined), which are then looked up
// each time rather than kept.
const maxRemembered = 1 << 14

// remember keeps v under k in m (under w.mu) unless m is full.
func remember[V any](w *words, m map[wordKey]V, k wordKey, v V) {
	w.mu.Lock()
	if len(m) < maxRemembered {
		m[k] = v
	}
	w.mu.Unlock()
}

func newWords(l *i18n.Localizer) *words {
	return &words{l: l, english: strings.HasPrefix(l.Locale(), "en"), plain: map[wordKey]string{}, fields: map[wordKey]FieldText{}}
}

// t renders a message with data (name, value pairs).
func (w *words) t(id string, kv ...any) string { return w.l.T(id, kv...) }

// word returns a message without data, remembered, or "" when the catalog
// has no such message.
func (w *words) word(id string) string { return w.keyed(id, "", "") }

// keyed is word for the id prefix+a, or prefix+a+"."+b when b is set.
func (w *words) keyed(prefix, a, b string) string {
	k := wordKey{prefix, a, b}
	w.mu.RLock()
	s, ok := w.plain[k]
	w.mu.RUnlock()
	if ok {
		return s
	}
	id := prefix + a
	if b != "" {
		id += "." + b
	}
	if s = w.l.T(id); s == id {
		s = "" // not in the catalog (the localizer answers with the id)
	}
	remember(w, w.plain, k, s)
	return s
}

// catalogField reads the words of one property stored under prefix.
func (w *words) catalogField(prefix string) FieldText {
	return FieldText{
		Label: w.l.T(prefix + ".label"), Hint: w.l.T(prefix + ".hint"), Placeholder: w.l.T(prefix + ".placeholder"),
		Required: w.l.T(prefix + ".required"), Invalid: w.l.T(prefix + ".invalid"), Item: w.l.T(prefix + ".item"),
	}.found(prefix)
}

// found blanks the members the catalog has no message for (answered with their id).
func (ft FieldText) found(prefix string) FieldText {
	for _, m := range []struct {
		s    *string
		name string
	}{{&ft.Label, ".label"}, {&ft.Hint, ".hint"}, {&ft.Placeholder, ".placeholder"}, {&ft.Required, ".required"}, {&ft.Invalid, ".invalid"}, {&ft.Item, ".item"}} {
		if *m.s == prefix+m.name {
			*m.s = ""
		}
	}
	return ft
}

// field returns the built-in words of a property for a type: the type's
// own, then those of the name for every type (with the data of catalog.go).
func (w *words) field(typ, name string) FieldText {
	k := wordKey{"", typ, name}
	w.mu.RLock()
	ft, ok := w.fields[k]
	w.mu.RUnlock()
	if ok {
		return ft
	}
	out := mergeText(w.catalogField("forms.typeField."+typ+"."+name), typeData[typ][name])
	if port, ok := defaultPorts[typ]; ok && name == "port" {
		out = mergeText(out, FieldText{
			Placeholder: port, Default: port,
			Required: w.t("forms.port.requiredLike", "Port", port),
			Invalid:  w.t("forms.port.invalidLike", "Port", port),
		})
	}
	out = mergeText(out, w.catalogField("forms.field."+name))
	out = mergeText(out, fieldData[name])
	remember(w, w.fields, k, out)
	return out
}

// option returns the built-in label of a property's option value.
func (w *words) option(name, value string) string {
	if l := w.keyed("forms.option.", name, value); l != "" {
		return l
	}
	if l := w.keyed("forms.optionWord.", value, ""); l != "" {
		return l
	}
	return w.humanize(value)
}

// humanize is a property name made readable ("filter_dbs" → "Filter dbs")
// for a property the catalog has no words for: Stitch's own words, marked as
// coming through the catalog (forms.humanized). Remembered.
func (w *words) humanize(name string) string {
	k := wordKey{"\x00humanize", name, ""}
	w.mu.RLock()
	s, ok := w.plain[k]
	w.mu.RUnlock()
	if ok {
		return s
	}
	if h := humanizeWords(name, false); h == "" {
		s = w.word("forms.unnamedSetting")
	} else {
		s = w.t("forms.humanized", "Name", h)
	}
	remember(w, w.plain, k, s)
	return s
}

// labelData are the template data of a message about a field: its label as
// shown (Label) and, for English grammar, lowered (Lower) and with its
// article (A: "an API key").
func (w *words) labelData(label string, kv ...any) []any {
	low := lowerFirst(label)
	return append([]any{"Label", label, "Lower", low, "A", article(low), "One", singular(low)}, kv...)
}
