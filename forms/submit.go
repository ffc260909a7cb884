package forms

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/onramp/onramp/i18n"
)

// ErrorItem is one entry of the error summary: the id of the input it links
// to (empty for a problem with the whole form) and the message.
type ErrorItem struct {
	ID, Message string
}

// Row actions of a repeatable group, submitted without JavaScript.
const (
	ActionKindAdd    = "add"
	ActionKindRemove = "remove"
)

// action is an "Add another" or "Remove" submit found by Decode.
type action struct {
	kind, property string
	index          int
}

// Action reports the row action of the last decoded submission: ("add",
// property, -1) or ("remove", property, index); kind is "" for a real submit.
// The page then re-renders the form (status 200) instead of saving it.
func (f *Form) Action() (kind, property string, index int) {
	return f.action.kind, f.action.property, f.action.index
}

// AddError adds an error about one of the page's own inputs (by id), or
// about the whole form (id "", or an id such as "submit"), to the summary.
func (f *Form) AddError(id, message string) {
	f.extra = append(f.extra, ErrorItem{ID: id, Message: message})
}

// AddAPIErrors puts Stitch's verdict on a submission onto the form: each
// named property that is on the form gets a message next to it; the message
// goes to the summary when no property could be named.
func (f *Form) AddAPIErrors(badProperties []string, message string) {
	placed := false
	for _, name := range badProperties {
		fld, ok := f.byName[name]
		if !ok || fld.ReadOnly {
			continue
		}
		if fld.Error == "" {
			fld.Error = fld.invalidMessage()
		}
		placed = true
	}
	if !placed || message != "" && len(badProperties) == 0 {
		if message == "" {
			message = f.engine.words.word("forms.msg.notAccepted")
		}
		f.general = append(f.general, message)
	}
}

// Errors lists every problem in page order, for the error summary.
func (f *Form) Errors() []ErrorItem {
	var out []ErrorItem
	for _, e := range f.extra {
		if e.ID != "submit" && e.ID != "" {
			out = append(out, e)
		}
	}
	for _, top := range f.fields {
		walk(top, func(fld *Field) {
			if fld.Error != "" {
				out = append(out, ErrorItem{ID: fld.ID, Message: fld.Error})
			}
		})
		fld := top
		for _, r := range fld.Rows {
			for _, c := range r.Cells {
				if c.Error != "" {
					out = append(out, ErrorItem{ID: c.ID, Message: c.Error})
				}
			}
		}
	}
	for _, m := range f.general {
		out = append(out, ErrorItem{Message: m})
	}
	for _, e := range f.extra {
		if e.ID == "submit" || e.ID == "" {
			out = append(out, e)
		}
	}
	return out
}

// HasErrors reports whether the form has any error.
func (f *Form) HasErrors() bool { return len(f.Errors()) > 0 }

// Decode reads a submission: it keeps what was typed (secrets excepted) for
// a re-render, validates each value against its property's JSON schema and
// is_required, and returns the properties to send to Stitch. ok is false when
// a field has an error or when the submission was a row action (add/remove).
//
// On edit, a saved credential left on "keep" is omitted (Stitch keeps it), an
// empty optional field is omitted, and an untouched optional checkbox that
// was never set is omitted rather than sent as "false".
func (f *Form) Decode(values url.Values) (map[string]any, bool) {
	f.action = readAction(values)
	for _, fld := range f.fields {
		clearErrors(fld) // a form decoded twice judges the second submission only
	}
	props := make(map[string]any, len(f.fields))
	for _, fld := range f.fields {
		if fld.ReadOnly || fld.column != nil {
			continue
		}
		v, set := f.decodeField(fld, values)
		if fld.Error != "" || !set {
			continue
		}
		props[fld.Name] = v
	}
	f.requireSwitched()
	if f.action.kind != "" {
		// A row was added or removed: show the form again without judging it.
		for _, fld := range f.fields {
			clearErrors(fld)
		}
		return props, false
	}
	return props, !f.HasErrors()
}

func clearErrors(fld *Field) {
	fld.Error, fld.Detail = "", ""
	for _, m := range fld.Members {
		clearErrors(m)
	}
	for _, r := range fld.Rows {
		for _, c := range r.Cells {
			c.Error = ""
		}
	}
}

func readAction(values url.Values) action {
	if p := values.Get(ActionAdd); p != "" {
		return action{kind: ActionKindAdd, property: p, index: -1}
	}
	if r := values.Get(ActionRemove); r != "" {
		name, idx, ok := splitIndex(r)
		if ok {
			return action{kind: ActionKindRemove, property: name, index: idx}
		}
	}
	return action{}
}

// splitIndex reads "NAME[3]".
func splitIndex(s string) (string, int, bool) {
	open := strings.LastIndexByte(s, '[')
	if open <= 0 || !strings.HasSuffix(s, "]") {
		return "", 0, false
	}
	n, err := strconv.Atoi(s[open+1 : len(s)-1])
	if err != nil || n < 0 || n >= maxRows {
		return "", 0, false
	}
	return s[:open], n, true
}

// decodeField reads one field; set is false when nothing is to be sent.
func (f *Form) decodeField(fld *Field, values url.Values) (any, bool) {
	raw := strings.TrimSpace(values.Get(fld.Name))
	if fld.Widget == WidgetFile {
		src := values.Get(fld.FileName()) // an uploaded file wins over the paste box
		if strings.TrimSpace(src) == "" {
			src = values.Get(fld.Name)
		}
		if raw = strings.TrimSpace(src); len(src) > MaxFileBytes {
			raw = src // too large, however it is padded
		}
	}
	switch {
	case fld.Widget == WidgetCheckbox:
		return f.decodeCheckbox(fld, values)
	case fld.Widget == WidgetRows:
		return f.decodeRows(fld, values)
	case fld.Widget == WidgetObject:
		return f.decodeObject(fld, values)
	case fld.Credential:
		return f.decodeCredential(fld, values, raw)
	}
	if fld.Widget == WidgetTextarea && !fld.Monospace {
		fld.Value = values.Get(fld.Name)
	} else {
		fld.Value = raw
		if fld.Monospace {
			fld.Value = strings.TrimSpace(values.Get(fld.Name))
		}
	}
	if fld.Widget == WidgetSelect {
		fld.Options = f.engine.options(fld)
	}
	if raw == "" {
		if fld.Required {
			fld.Error = fld.requiredMessage()
		}
		return nil, false
	}
	v, ok := convert(fld, fld.Value)
	if !ok {
		fld.Error = fld.invalidMessage()
		return nil, false
	}
	if !fld.valid(v) {
		fld.Error = fld.invalidMessage()
		return nil, false
	}
	if msg := fld.portProblem(raw); msg != "" {
		fld.Error = msg
		return nil, false
	}
	return v, true
}

func (f *Form) decodeCheckbox(fld *Field, values url.Values) (any, bool) {
	checked := false
	for _, v := range values[fld.Name] {
		if v == "true" {
			checked = true
		}
	}
	fld.Checked = checked
	was, hadValue := f.current[fld.Name]
	if !hadValue && !f.opts.Edit && fld.text.Default != "" {
		was, hadValue = fld.text.Default, true // turning a default off must be sent
	}
	if !checked && !fld.prop.IsRequired && (!hadValue || !truthy(was)) && !fld.prop.Provided {
		return nil, false // never set, still off: leave Stitch's default alone
	}
	if fld.spec.value == valueBoolean && fld.spec.format == formatBoolean && fld.spec.jsonBool {
		return checked, true
	}
	return strconv.FormatBool(checked), true
}

func (f *Form) decodeCredential(fld *Field, values url.Values, raw string) (any, bool) {
	fld.Value = "" // never echo a secret
	fld.Kept, fld.Sealed = false, ""
	choice := values.Get(fld.ChoiceName())
	if sealed := values.Get(fld.SealedName()); sealed != "" && (choice == ChoiceTyped || choice == "" && raw == "") {
		// The user kept the secret typed in an earlier submission.
		v, ok := f.openKept(fld, sealed)
		if !ok {
			if fld.Saved {
				fld.CredentialChoice = ChoiceReplace
			}
			return nil, false
		}
		raw, choice = v, ChoiceReplace
	}
	if fld.Saved {
		switch choice {
		case ChoiceReplace, ChoiceClear:
		default:
			choice = ChoiceKeep
		}
		if choice == ChoiceClear && !fld.CanClear {
			choice = ChoiceKeep
		}
		fld.CredentialChoice = choice
		switch choice {
		case ChoiceKeep:
			return nil, false
		case ChoiceClear:
			return nil, true
		}
		if raw == "" {
			fld.Error = fld.w().t("forms.msg.keepOrReplace", fld.w().labelData(fld.Label)...)
			return nil, false
		}
	} else if raw == "" {
		if fld.Required {
			fld.Error = fld.requiredMessage()
		}
		return nil, false
	}
	if fld.Widget == WidgetFile {
		v, msg := fld.parseKeyFile(raw)
		if msg != "" {
			fld.Error = msg
			return nil, false
		}
		f.keep(fld, raw)
		return v, true
	}
	v, ok := convert(fld, raw)
	if !ok || !fld.valid(v) {
		fld.Error = fld.invalidMessage()
		return nil, false
	}
	f.keep(fld, raw)
	return v, true
}

// decodeRows reads NAME[i].SUB inputs into an array of objects, applying a
// pending add or remove, dropping empty rows, and checking required cells.
func (f *Form) decodeRows(fld *Field, values url.Values) (any, bool) {
	prefix := fld.Name + "["
	byIndex := map[int]map[string]string{}
	for key, vs := range values {
		if !strings.HasPrefix(key, prefix) || len(vs) == 0 {
			continue
		}
		rest := key[len(prefix):]
		close := strings.IndexByte(rest, ']')
		if close < 0 || !strings.HasPrefix(rest[close:], "].") {
			continue
		}
		idx, err := strconv.Atoi(rest[:close])
		if err != nil || idx < 0 || idx >= maxRows {
			continue
		}
		col := rest[close+2:]
		if byIndex[idx] == nil {
			byIndex[idx] = map[string]string{}
		}
		byIndex[idx][col] = strings.TrimSpace(vs[0])
	}
	indexes := make([]int, 0, len(byIndex))
	for i := range byIndex {
		indexes = append(indexes, i)
	}
	sort.Ints(indexes)
	if f.action.property == fld.Name && f.action.kind == ActionKindRemove {
		indexes = removeIndex(indexes, f.action.index)
	}
	fld.Rows = fld.Rows[:0]
	var items []any
	for _, i := range indexes {
		vals := byIndex[i]
		row := f.engine.row(f, fld, vals)
		fld.Rows = append(fld.Rows, row)
		empty := true
		obj := map[string]any{}
		for _, c := range row.Cells {
			if c.Value != "" {
				empty = false
				obj[c.column.name] = c.Value
			}
		}
		if empty {
			continue
		}
		for _, c := range row.Cells {
			if c.Value == "" && c.Required {
				c.Error = fld.rowMessage("forms.msg.rowRequired", c, len(fld.Rows))
			}
		}
		items = append(items, obj)
	}
	if f.action.property == fld.Name && f.action.kind == ActionKindAdd && len(fld.Rows) < maxRows {
		fld.Rows = append(fld.Rows, f.engine.row(f, fld, nil))
	}
	if len(fld.Rows) == 0 {
		fld.Rows = append(fld.Rows, f.engine.row(f, fld, nil))
	}
	f.assignIDs()
	if len(items) == 0 {
		if fld.Required {
			fld.Error = fld.requiredMessage()
		}
		return nil, false
	}
	if fld.HasErrors() {
		return nil, false // a required cell is empty: the schema would only say so again
	}
	if err := validate(fld.spec, items); err != nil {
		placed := false
		var ve *jsonschema.ValidationError
		if errors.As(err, &ve) {
			for _, leaf := range leaves(ve) {
				parts := strings.Split(strings.TrimPrefix(leaf.InstanceLocation, "/"), "/")
				if len(parts) != 2 {
					continue
				}
				i, err := strconv.Atoi(parts[0])
				if err != nil || i >= len(items) {
					continue
				}
				if cell, number := rowCell(fld, i, parts[1]); cell != nil && cell.Error == "" {
					cell.Error = fld.rowMessage("forms.msg.rowInvalid", cell, number)
					placed = true
				}
			}
		}
		if !placed {
			fld.Error = fld.invalidMessage()
		}
		return nil, false
	}
	return items, true
}

// rowCell finds the cell of the i-th non-empty row for a column, and the
// number of its row as shown (empty rows stay on the page).
func rowCell(fld *Field, i int, col string) (*Field, int) {
	n := -1
	for _, r := range fld.Rows {
		empty := true
		for _, c := range r.Cells {
			if c.Value != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		n++
		if n == i {
			for _, c := range r.Cells {
				if c.column.name == col {
					return c, r.Number
				}
			}
		}
	}
	return nil, 0
}

func removeIndex(list []int, idx int) []int {
	out := list[:0]
	for _, i := range list {
		if i != idx {
			out = append(out, i)
		}
	}
	return out
}

func singular(label string) string {
	if strings.HasSuffix(label, "s") && !strings.HasSuffix(label, "ss") {
		return label[:len(label)-1]
	}
	return label
}

// leaves returns the innermost causes of a validation error.
func leaves(ve *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return []*jsonschema.ValidationError{ve}
	}
	var out []*jsonschema.ValidationError
	for _, c := range ve.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// convert turns the text of an input into the value Stitch expects.
func convert(fld *Field, s string) (any, bool) {
	switch fld.spec.format {
	case formatDate:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			if t2, err2 := time.Parse(time.RFC3339, s); err2 == nil {
				t = t2
			} else {
				return nil, false
			}
		}
		return t.UTC().Format(time.DateOnly) + "T00:00:00Z", true
	case formatDateTime:
		for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", time.RFC3339} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC().Format(time.RFC3339), true
			}
		}
		return nil, false
	case formatLines:
		var out []any
		for _, line := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }) {
			if line = strings.TrimSpace(line); line != "" {
				out = append(out, line)
			}
		}
		if len(out) == 0 {
			return nil, false
		}
		return out, true
	}
	if fld.spec.format == formatNumeric && !allDigits(s) {
		// Patterns like ^\d+ are unanchored: "33o6" would pass the schema.
		return nil, false
	}
	switch fld.spec.value {
	case valueInteger:
		if _, err := strconv.ParseInt(s, 10, 64); err != nil {
			return nil, false
		}
		return json.Number(s), true
	case valueNumber:
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return nil, false
		}
		return json.Number(s), true
	}
	return s, true
}

// valid checks a value against the property's compiled schema.
func (fld *Field) valid(v any) bool {
	return validate(fld.spec, v) == nil
}

func validate(sp *spec, v any) error {
	if sp == nil || sp.schema == nil || sp.quick != nil && sp.quick.valid(v) {
		return nil
	}
	return sp.schema.Validate(v)
}

// w returns the words of the field's locale.
func (fld *Field) w() *words {
	if fld.words == nil {
		return newWords(i18n.From(context.Background())) // a page's own field: English
	}
	return fld.words
}

// rowMessage is a message about a cell of a repeatable group's row n:
// English names the row by its item ("the name of report 2"), other
// locales by the group's label and the row's number.
func (fld *Field) rowMessage(id string, cell *Field, n int) string {
	w := fld.w()
	return w.t(id, w.labelData(cell.Label, "Group", fld.Label, "Item", lowerFirst(singular(fld.Label)), "Row", strconv.Itoa(n))...)
}

// requiredMessage is the message for a missing value.
func (fld *Field) requiredMessage() string {
	if fld.text.Required != "" {
		return fld.text.Required
	}
	w := fld.w()
	data := w.labelData(fld.Label)
	switch {
	case fld.Widget == WidgetSelect:
		return w.t("forms.msg.choose", data...)
	case fld.Widget == WidgetRows:
		return w.t("forms.msg.addOne", data...)
	case fld.spec.format == formatLines:
		return w.t("forms.msg.enterOne", data...)
	case w.english && isPlural(lowerFirst(fld.Label)):
		return w.t("forms.msg.enterThe", data...)
	}
	return w.t("forms.msg.enter", data...)
}

// requiredFor is the message for a missing value needed by a group or an
// object that is switched on (an SSH tunnel): "Enter the SSH host for the
// SSH tunnel".
func (fld *Field) requiredFor(group string) string {
	w := fld.w()
	return w.t("forms.msg.requiredFor", "Message", fld.requiredMessage(), "Group", group, "Lower", lowerFirst(group))
}

// isPlural reports whether a label names several things ("channel IDs", "tables").
func isPlural(label string) bool {
	return strings.HasSuffix(label, "s") && !strings.HasSuffix(label, "ss")
}

// invalidMessage is the message for a value that does not fit.
func (fld *Field) invalidMessage() string {
	if fld.text.Invalid != "" {
		return fld.text.Invalid
	}
	w := fld.w()
	switch fld.spec.format {
	case formatHost:
		return w.word("forms.msg.invalidHost")
	case formatNumeric:
		return w.word("forms.msg.invalidWhole")
	case formatDecimal:
		return w.word("forms.msg.invalidNumber")
	case formatDate:
		return w.word("forms.msg.invalidDate")
	case formatDateTime:
		return w.word("forms.msg.invalidDateTime")
	case formatURI:
		return w.word("forms.msg.invalidURL")
	case formatEmail:
		return w.word("forms.msg.invalidEmail")
	case formatSelect:
		return w.t("forms.msg.invalidOption", w.labelData(fld.Label)...)
	case formatRows:
		return w.t("forms.msg.invalidRows", w.labelData(fld.Label)...)
	}
	return w.t("forms.msg.invalidFormat", w.labelData(fld.Label)...)
}

// article puts "a" or "an" before a label, by its sound: "an API key",
// "an SSH host", "a URL", "a user ID", "an account ID".
func article(label string) string {
	if label == "" {
		return "a value"
	}
	word, _, _ := strings.Cut(label, " ")
	if len(word) > 1 && strings.ToUpper(word) == word {
		// An acronym is read letter by letter: "an" before A, E, F, H, I, L, M, N, O, R, S, X.
		if strings.IndexByte("AEFHILMNORSX", word[0]) >= 0 {
			return "an " + label
		}
		return "a " + label
	}
	switch word[0] {
	case 'a', 'e', 'i', 'o', 'A', 'E', 'I', 'O':
		return "an " + label
	case 'u', 'U':
		if len(word) > 2 && strings.IndexByte("aeiou", word[2]) >= 0 && strings.IndexByte("aeiou", word[1]) < 0 {
			return "a " + label // "a user", "a unit", but "an update"
		}
		return "an " + label
	}
	return "a " + label
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
