package forms

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// decodeObject reads an object's members (NAME.SUB inputs) into one JSON
// object. An optional object left empty is not sent; with a switch member
// (an SSH tunnel's "ssh") off, the other members are not sent either.
func (f *Form) decodeObject(fld *Field, values url.Values) (any, bool) {
	obj := make(map[string]any, len(fld.Members))
	sw, rest := fld.MemberSwitch()
	for _, m := range fld.Members {
		v, set := f.decodeField(m, values)
		if set {
			obj[m.member] = v
		}
	}
	if sw != nil {
		on := sw.Checked
		for _, m := range rest {
			switch {
			case !on:
				clearErrors(m)
				delete(obj, m.member) // the tunnel is off: its settings are not sent
			case m.Error == "" && m.RequiredWhenOn && !hasValue(obj[m.member]):
				m.Error = m.requiredFor(fld.Label)
			}
		}
	}
	if !fld.HasErrors() && !anyFilled(fld) && !fld.prop.IsRequired {
		return nil, false // an optional object left empty
	}
	for _, m := range fld.Members {
		if m.Error == "" && isRequiredMember(fld, m) && !hasValue(obj[m.member]) && (sw == nil || m == sw || sw.Checked) {
			m.Error = m.requiredMessage()
		}
	}
	if fld.HasErrors() {
		return nil, false
	}
	if fld.member != "" {
		return obj, true // the outermost object validates the whole value
	}
	if err := validate(fld.spec, obj); err != nil {
		if !placeObjectErrors(fld, err) {
			fld.Error = fld.invalidMessage()
		}
		return nil, false
	}
	return obj, true
}

// isRequiredMember reports whether the schema requires m once its object
// is sent at all (an optional object that is partly filled).
func isRequiredMember(obj, m *Field) bool {
	for i := range obj.spec.members {
		if c := &obj.spec.members[i]; c.name == m.member {
			return c.required
		}
	}
	return false
}

// anyFilled reports whether a member of an object was filled in (a
// checkbox left off does not count).
func anyFilled(fld *Field) bool {
	for _, m := range fld.Members {
		switch {
		case m.Widget == WidgetObject:
			if anyFilled(m) {
				return true
			}
		case m.Widget == WidgetCheckbox:
			if m.Checked {
				return true
			}
		case strings.TrimSpace(m.Value) != "" || m.Kept:
			return true
		}
	}
	return false
}

// placeObjectErrors puts each schema error on the member at its instance
// location; it reports false when none could be placed.
func placeObjectErrors(fld *Field, err error) bool {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	placed := false
	for _, leaf := range leaves(ve) {
		m := memberAt(fld, strings.Split(strings.TrimPrefix(leaf.InstanceLocation, "/"), "/"))
		if m != nil && m != fld && m.Error == "" {
			m.Error = m.invalidMessage()
			placed = true
		}
	}
	return placed
}

// memberAt finds the member at a JSON pointer's tokens; the deepest known one.
func memberAt(fld *Field, path []string) *Field {
	if len(path) == 0 || path[0] == "" {
		return fld
	}
	for _, m := range fld.Members {
		if m.member == path[0] {
			return memberAt(m, path[1:])
		}
	}
	return fld
}

// parseKeyFile reads a key file (uploaded or pasted) as a JSON object and
// checks it; it returns the object, or the message to show.
func (fld *Field) parseKeyFile(raw string) (map[string]any, string) {
	w := fld.w()
	kind := "plain"
	shape, hasShape := keyFileShapeOf(fld.baseName())
	if hasShape {
		kind = shape.kind
	}
	what := w.word("forms.keyFile." + kind + ".what") // "key file"
	data := []any{"What", what, "AWhat", article(what)}
	if len(raw) > MaxFileBytes {
		return nil, w.t("forms.keyFile.tooLarge", append(data, "KB", strconv.Itoa(MaxFileBytes>>10))...)
	}
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, w.t("forms.keyFile.notJSON", data...)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, w.t("forms.keyFile.notObject", data...)
	}
	if hasShape {
		var missing []string
		for _, name := range shape.members {
			if s, ok := obj[name].(string); !ok || strings.TrimSpace(s) == "" {
				missing = append(missing, name)
			}
		}
		if len(missing) > 0 {
			return nil, w.t("forms.keyFile."+kind+".missing", append(data, "Missing", w.joinWords(missing))...)
		}
		if t, _ := obj["type"].(string); t != "service_account" {
			return nil, w.t("forms.keyFile."+kind+".wrongType", append(data, "Type", truncate(t, 40))...)
		}
	}
	if err := validate(fld.spec, obj); err != nil {
		if name := firstMember(err); name != "" {
			return nil, w.t("forms.keyFile.badMember", append(data, "Member", name)...)
		}
		return nil, fld.invalidMessage()
	}
	return obj, ""
}

// firstMember names the top-level member of the first schema error, if any.
func firstMember(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return ""
	}
	for _, leaf := range leaves(ve) {
		loc := strings.TrimPrefix(leaf.InstanceLocation, "/")
		if name, _, _ := strings.Cut(loc, "/"); name != "" && len(name) <= 64 {
			return name
		}
	}
	return ""
}

// joinWords writes "a", "a and b", "a, b and c" in the locale's words.
func (w *words) joinWords(list []string) string {
	var b bytes.Buffer
	for i, s := range list {
		switch {
		case i == 0:
		case i == len(list)-1:
			b.WriteString(w.word("forms.list.lastSeparator"))
		default:
			b.WriteString(w.word("forms.list.separator"))
		}
		b.WriteString(s)
	}
	return b.String()
}
