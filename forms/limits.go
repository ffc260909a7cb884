package forms

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits where a report card's schema is silent but the service is not.
const (
	// MaxDisplayName bounds a display name (Stitch documents no limit; its
	// schema names must stay under 50 characters, see CheckDisplayName).
	MaxDisplayName = 255
	// maxSchemaName: a source's name must be under 50 characters (API.md §8.2).
	maxSchemaName = 50
)

// DeriveName is the schema name Stitch makes from a display name (API.md
// §8.2): lowercase, spaces become underscores, other characters outside
// a–z, 0–9, _ and $ are dropped.
func DeriveName(display string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(display) {
		switch {
		case r == ' ':
			b.WriteByte('_')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_', r == '$':
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CheckDisplayName returns what is wrong with a new source's display name by
// Stitch's rules, in plain words, or "" when Stitch will accept it (unless
// another source already uses it). The schema name derived from it must be
// under 50 characters of lowercase letters, numbers, underscores or dollar
// signs, starting with a letter or an underscore.
// The message is in the engine's locale.
func (e *Engine) CheckDisplayName(display string) string {
	if msg := e.CheckEditedDisplayName(display); msg != "" {
		return msg
	}
	name := DeriveName(display)
	switch {
	case name == "":
		return e.words.word("forms.msg.nameNoLetters")
	case len(name) >= maxSchemaName:
		return e.words.t("forms.msg.nameSchemaTooLong", "Schema", name, "Length", strconv.Itoa(len(name)), "Max", strconv.Itoa(maxSchemaName))
	case !(name[0] >= 'a' && name[0] <= 'z' || name[0] == '_'):
		return e.words.word("forms.msg.nameStart")
	}
	return ""
}

// CheckEditedDisplayName is CheckDisplayName for a source that exists: its
// schema name is fixed, so only an empty or overlong display name is refused.
func (e *Engine) CheckEditedDisplayName(display string) string {
	switch {
	case display == "":
		return e.words.word("forms.msg.nameEmpty")
	case utf8.RuneCountInString(display) > MaxDisplayName:
		return e.words.t("forms.msg.nameTooLong", "Max", strconv.Itoa(MaxDisplayName))
	}
	return ""
}

// isPort names the properties that hold a TCP port.
func isPort(name string) bool {
	return name == "port" || strings.HasSuffix(name, "_port")
}

// portProblem returns the message for a port outside 1–65535, or "".
func (fld *Field) portProblem(raw string) string {
	if !isPort(fld.Name) || fld.column != nil {
		return ""
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > 65535 {
		return fld.w().t("forms.msg.portRange", "Port", fld.portExample())
	}
	return ""
}

// portExample is the type's usual port (from the texts), else a common one.
func (fld *Field) portExample() string {
	if allDigits(fld.text.Placeholder) {
		return fld.text.Placeholder
	}
	name := fld.Name
	if strings.HasPrefix(name, "ssh") || strings.HasPrefix(name, "encryption") {
		return "22"
	}
	return "5432"
}

// tunnelGroups are the groups whose fields are all needed once their switch is on.
func tunnelGroup(id string) bool { return id == groupSSH || id == groupEncryption }

// switchedOn reports whether a group's switch is on after Decode.
func switchedOn(g *Group) bool {
	if g.Switch == nil {
		return false
	}
	if g.Switch.Widget == WidgetCheckbox {
		return g.Switch.Checked
	}
	v := strings.TrimSpace(g.Switch.Value)
	return v != "" && v != "none"
}

// requireSwitched flags the empty fields of a tunnel group that is switched
// on: the schema makes them optional (they are, with the tunnel off).
func (f *Form) requireSwitched() {
	for _, g := range f.Groups {
		if !tunnelGroup(g.ID) || !switchedOn(g) {
			continue
		}
		for _, fld := range g.Fields {
			if fld.ReadOnly || fld.Widget == WidgetCheckbox || fld.Widget == WidgetRows || fld.Widget == WidgetObject || fld.Error != "" {
				continue
			}
			if fld.Credential && (fld.Saved || fld.Kept) {
				continue
			}
			if strings.TrimSpace(fld.Value) == "" && !fld.Credential {
				fld.Error = fld.requiredFor(g.Legend)
			}
		}
	}
}

// markSwitched shows the fields of tunnel groups as needed (no "(optional)"),
// since they are asked for only once the switch is on.
func (f *Form) markSwitched() {
	for _, g := range f.Groups {
		if !tunnelGroup(g.ID) || g.Switch == nil {
			continue
		}
		for _, fld := range g.Fields {
			if !fld.ReadOnly && fld.Widget != WidgetCheckbox && fld.Widget != WidgetObject && !fld.Credential {
				fld.Optional = false
				fld.RequiredWhenOn = true
			}
		}
	}
}

// SetFieldError puts a message from Stitch on the named field, keeping
// Stitch's own words as Detail; it reports false when the form has no such
// editable field (the caller then shows the message in the summary).
func (f *Form) SetFieldError(name, message, detail string) bool {
	fld, ok := f.byName[name]
	if !ok || fld.ReadOnly {
		return false
	}
	fld.Error, fld.Detail = message, detail
	return true
}
