package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LocaleTexts are a partner's words for one locale, under "locales" in
// ONRAMP_TEXTS_FILE:
//
//	{"types": {…}, "fields": {…},
//	 "locales": {"de": {"messages": {"home.heading": "Verbinden Sie Ihre Daten mit ACME",
//	                                 "sources.count": {"one": "1 Quelle", "other": "{{.Count}} Quellen"}}}}}
//
// Messages are page words by their catalog id (package i18n), a string or
// plural forms; they replace the built-in words of that locale only.
type LocaleTexts struct {
	Messages map[string]json.RawMessage `json:"messages,omitempty"`
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
	}
	return &t, msgs, nil
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
