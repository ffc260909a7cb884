package forms

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
)

// Version fingerprints what an edit form shows of a connection: its display
// name and saved property values (credentials never come back, so they are
// not part of it). An edit form carries the Version it was built from; a save
// whose Version no longer matches would overwrite a change made meanwhile.
func Version(displayName string, props map[string]any) string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	h := sha256.New()
	enc := json.NewEncoder(h)
	_ = enc.Encode(displayName)
	for _, k := range keys {
		_ = enc.Encode(k)
		_ = enc.Encode(display(props[k]))
	}
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// Difference is one property whose saved value changed after a form was opened.
type Difference struct {
	Name, Label, Saved, Yours string
}

// Differences compares what the user is about to send (props, from Decode)
// with what is saved now, for the fields of the form; credentials are never
// shown. Properties the user did not send are not compared.
func (f *Form) Differences(saved map[string]any, props map[string]any) []Difference {
	var out []Difference
	for _, fld := range f.fields {
		if fld.Credential || fld.ReadOnly || fld.column != nil {
			continue
		}
		yours, sent := props[fld.Name]
		if !sent {
			continue
		}
		a, b := display(saved[fld.Name]), display(yours)
		if a == b {
			continue
		}
		out = append(out, Difference{Name: fld.Name, Label: fld.Label, Saved: shown(a), Yours: shown(b)})
	}
	return out
}

func shown(s string) string {
	if s == "" {
		return "(empty)"
	}
	return s
}
