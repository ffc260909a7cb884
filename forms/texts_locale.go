package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/onramp/onramp/i18n"
)

// LocaleTexts are a partner's words for one locale, under "locales" in
// ONRAMP_TEXTS_FILE:
//
//	{"types": {…}, "fields": {…},
//	 "locales": {"de": {"messages": {"home.heading": "Verbinden Sie Ihre Daten mit ACME",
//	                                 "sources.count": {"one": "1 Quelle", "other": "{{.Count}} Quellen"}}}}}
//
// Messages are page words by their catalog id (package i18n), a string or
// plural forms; they replace the built-in words of that locale only (the
// forms' own messages too: forms.msg.enter…).
//
// Fields, types, descriptions, options and groups have the shapes of the
// top level (Texts) and win over it in that locale:
//
//	"locales": {"de": {"fields": {"*": {"host": {"hint": "…"}}}, "types": {"platform.hubspot": "HubSpot-CRM"}}}
type LocaleTexts struct {
	Messages map[string]json.RawMessage `json:"messages,omitempty"`
	// Fields maps a type (or "*") to property names and their words.
	Fields map[string]map[string]FieldText `json:"fields,omitempty"`
	// Types maps a type to its display name.
	Types map[string]string `json:"types,omitempty"`
	// Descriptions maps a type to the one line its catalog tile shows.
	Descriptions map[string]string `json:"descriptions,omitempty"`
	// Options maps a property name (or "*") to option values and their labels.
	Options map[string]map[string]string `json:"options,omitempty"`
	// Groups maps a group id to its legend.
	Groups map[string]string `json:"groups,omitempty"`
	// Guides are setup guide words for this locale (see Texts.Guides).
	Guides map[string]GuideText `json:"guides,omitempty"`
}

// LoadTextsWithLocales reads ONRAMP_TEXTS_FILE like LoadTexts, and its
// locale level: locale → message id → words. Unknown keys are refused at
// every level, so a typo does not silently leave the default words.
func LoadTextsWithLocales(path string) (*Texts, map[string]map[string]json.RawMessage, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return nil, nil, fmt.Errorf("load texts %s: YAML is not supported, write the file as JSON", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load texts: %w", err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, nil, fmt.Errorf("load texts %s: %w", path, err)
	}
	var locales map[string]LocaleTexts
	if raw, ok := top["locales"]; ok {
		if err := strictJSON(raw, &locales); err != nil {
			return nil, nil, fmt.Errorf("load texts %s: locales: %w", path, err)
		}
		delete(top, "locales")
	}
	rest, err := json.Marshal(top)
	if err != nil {
		return nil, nil, fmt.Errorf("load texts %s: %w", path, err)
	}
	var t Texts
	if err := strictJSON(rest, &t); err != nil {
		return nil, nil, fmt.Errorf("load texts %s: %w", path, err)
	}
	var msgs map[string]map[string]json.RawMessage
	for loc, lt := range locales {
		if msgs == nil {
			msgs = map[string]map[string]json.RawMessage{}
		}
		msgs[loc] = lt.Messages
		if lt.hasWords() {
			if !slices.Contains(i18n.Shipped, loc) {
				return nil, nil, fmt.Errorf("load texts %s: locales: fields, types, descriptions, options or groups for %q: not one of %s",
					path, loc, strings.Join(i18n.Shipped, ", "))
			}
			if t.Locales == nil {
				t.Locales = map[string]LocaleTexts{}
			}
			t.Locales[loc] = lt
		}
		if lt.Guides != nil {
			if t.LocaleGuides == nil {
				t.LocaleGuides = map[string]map[string]GuideText{}
			}
			t.LocaleGuides[loc] = lt.Guides
		}
	}
	return &t, msgs, nil
}

// hasWords reports whether a locale has words for the forms (not only page messages).
func (lt LocaleTexts) hasWords() bool {
	return len(lt.Fields)+len(lt.Types)+len(lt.Descriptions)+len(lt.Options)+len(lt.Groups) > 0
}

func (lt *LocaleTexts) typeName(typ string) string {
	if lt == nil {
		return ""
	}
	return lt.Types[typ]
}

func (lt *LocaleTexts) description(typ string) string {
	if lt == nil {
		return ""
	}
	return lt.Descriptions[typ]
}

func (lt *LocaleTexts) group(id string) string {
	if lt == nil {
		return ""
	}
	return lt.Groups[id]
}

func (lt *LocaleTexts) options() map[string]map[string]string {
	if lt == nil {
		return nil
	}
	return lt.Options
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
