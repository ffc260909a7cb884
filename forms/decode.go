package forms

import (
	"errors"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Action kinds returned by Form.Action.
const (
	ActionKindAdd    = "add"
	ActionKindRemove = "remove"
)

type action struct {
	kind, property string
	index          int
}

// ErrorItem is one entry of the error summary.
type ErrorItem struct {
	// ID is the id of the field to link to; empty for a message about the whole form.
	ID string
	// Message says what to do, in words for people.
	Message string
}

// Decode reads a submission into the property values of the Connect API and
// validates them; it keeps what was typed (secrets excepted) for a re-render.
// ok is false when a value is invalid, or when the submission was an add or
// remove row action (see Action), and props is then nil.
//
// props holds only what to send: read-only and hidden properties never,
// empty optional values never (Stitch rejects empty strings), saved
// credentials only when replaced (a removed optional one is nil, sent as
// JSON null), unchecked optional checkboxes only when they turn a saved
// "true" off. On edit, a required value left empty keeps the saved one.
func (f *Form) Decode(values url.Values) (props map[string]any, ok bool) {
	f.action = f.parseAction(values)
	props = make(map[string]any, len(f.fields))
	for _, fld := range f.fields {
		if fld.ReadOnly {
			continue
		}
		if v, send := f.decodeField(fld, values); send {
			props[fld.Name] = v
		}
	}
	if f.action.kind != "" {
		f.applyAction()
		for _, fld := range f.fields {
			fld.clearErrors()
		}
		return nil, false
	}
	if f.HasErrors() {
		return nil, false
	}
	return props, true
}

// Action reports whether the submission was an "Add another" (kind "add",
// index -1) or "Remove" (kind "remove", row index) button of a repeatable
// group, after Decode. The handler then re-renders the form (status 200)
// instead of saving. kind is empty for an ordinary submission.
func (f *Form) Action() (kind, property string, index int) {
	return f.action.kind, f.action.property, f.action.index
}

func (f *Form) parseAction(values url.Values) action {
	if name := values.Get(ActionAdd); name != "" {
		if fld := f.byName[name]; fld != nil && fld.Widget == WidgetRows {
			return action{kind: ActionKindAdd, property: name, index: -1}
		}
	}
	if v := values.Get(ActionRemove); v != "" {
		open := strings.LastIndexByte(v, '[')
		if open > 0 && strings.HasSuffix(v, "]") {
			name := v[:open]
			i, err := strconv.Atoi(v[open+1 : len(v)-1])
			if fld := f.byName[name]; err == nil && i >= 0 && fld != nil && fld.Widget == WidgetRows {
				return action{kind: ActionKindRemove, property: name, index: i}
			}
		}
	}
	return action{index: -1}
}

func (f *Form) applyAction() {
	fld := f.byName[f.action.property]
	switch f.action.kind {
	case ActionKindAdd:
		if len(fld.Rows) < maxRows {
			fld.Rows = append(fld.Rows, f.engine.row(f, fld, nil))
		}
	case ActionKindRemove:
		if f.action.index < len(fld.Rows) {
			fld.Rows = slices.Delete(fld.Rows, f.action.index, f.action.index+1)
		}
		if len(fld.Rows) == 0 {
			fld.Rows = append(fld.Rows, f.engine.row(f, fld, nil))
		}
	}
	f.renumber(fld)
}

func (fld *Field) clearErrors() {
	fld.Error = ""
	for _, r := range fld.Rows {
		for _, c := range r.Cells {
			c.Error = ""
		}
	}
}

// decodeField reads one field; send reports whether its value goes to the API.
func (f *Form) decodeField(fld *Field, values url.Values) (v any, send bool) {
	fld.Error = ""
	switch {
	case fld.Widget == WidgetCheckbox:
		return f.decodeCheckbox(fld, values)
	case fld.Widget == WidgetRows:
		return f.decodeRows(fld, values)
	case fld.Credential:
		return f.decodeCredential(fld, values)
	case fld.spec.format == formatLines:
		return f.decodeLines(fld, values)
	}
	raw := clean(values.Get(fld.Name))
	fld.Value = raw
	if raw == "" {
		if fld.Required {
			fld.Error = requiredMessage(fld)
		}
		return nil, false
	}
	return f.parseAndCheck(fld, raw)
}

// parseAndCheck converts typed text to its JSON value and validates it.
func (f *Form) parseAndCheck(fld *Field, raw string) (any, bool) {
	v, ok := parse(fld, raw)
	if !ok {
		fld.Error = invalidMessage(fld)
		return nil, false
	}
	if err := validate(fld.spec, v); err != nil {
		fld.Error = invalidMessage(fld)
		return nil, false
	}
	return v, true
}

func (f *Form) decodeCheckbox(fld *Field, values url.Values) (any, bool) {
	checked := false
	for _, v := range values[fld.Name] {
		if v == "true" || v == "on" {
			checked = true
		}
	}
	fld.Checked = checked
	// An untouched checkbox leaves Stitch's default (or the saved value) alone.
	if !checked && !truthy(f.current[fld.Name]) && !fld.prop.IsRequired {
		return nil, false
	}
	var v any = strconv.FormatBool(checked)
	if fld.spec.value == valueBoolean {
		v = checked
	}
	if err := validate(fld.spec, v); err != nil {
		fld.Error = invalidMessage(fld)
		return nil, false
	}
	return v, true
}

func (f *Form) decodeCredential(fld *Field, values url.Values) (any, bool) {
	raw := clean(values.Get(fld.Name))
	fld.Value = "" // never echoed
	if fld.Saved {
		choice := values.Get(fld.ChoiceName())
		switch {
		case choice == ChoiceClear && fld.CanClear:
			fld.CredentialChoice = ChoiceClear
			return nil, true
		case raw != "":
			fld.CredentialChoice = ChoiceReplace
		case choice == ChoiceReplace:
			fld.CredentialChoice = ChoiceReplace
			fld.Error = requiredMessage(fld)
			return nil, false
		default:
			fld.CredentialChoice = ChoiceKeep
			return nil, false
		}
	}
	if raw == "" {
		if fld.Required {
			fld.Error = requiredMessage(fld)
		}
		return nil, false
	}
	return f.parseAndCheck(fld, raw)
}

func (f *Form) decodeLines(fld *Field, values url.Values) (any, bool) {
	raw := clean(values.Get(fld.Name))
	fld.Value = raw
	var list []any
	for _, line := range strings.Split(raw, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			list = append(list, line)
		}
	}
	if len(list) == 0 {
		switch {
		case fld.Required:
			fld.Error = requiredMessage(fld)
		case hasValue(f.current[fld.Name]):
			return []any{}, true
		}
		return nil, false
	}
	if err := validate(fld.spec, list); err != nil {
		fld.Error = invalidMessage(fld)
		return nil, false
	}
	return list, true
}

// decodeRows reads NAME[i].SUB inputs into an array of objects.
func (f *Form) decodeRows(fld *Field, values url.Values) (any, bool) {
	keepBlank := f.action.kind != ""
	fld.Rows = fld.Rows[:0]
	for _, i := range rowIndexes(fld.Name, values) {
		vals := make(map[string]string, len(fld.spec.columns))
		blank := true
		for _, c := range fld.spec.columns {
			v := clean(values.Get(fld.Name + "[" + strconv.Itoa(i) + "]." + c.name))
			vals[c.name] = v
			blank = blank && v == ""
		}
		if blank && !keepBlank {
			continue
		}
		fld.Rows = append(fld.Rows, f.engine.row(f, fld, vals))
	}
	empty := len(fld.Rows) == 0
	if empty {
		fld.Rows = append(fld.Rows, f.engine.row(f, fld, nil))
	}
	f.renumber(fld)
	if empty {
		switch {
		case fld.Required:
			fld.Error = requiredMessage(fld)
		case hasValue(f.current[fld.Name]):
			return []any{}, true
		}
		return nil, false
	}
	list := make([]any, 0, len(fld.Rows))
	for _, r := range fld.Rows {
		obj := make(map[string]any, len(r.Cells))
		for _, c := range r.Cells {
			if c.Value == "" {
				if c.Required {
					c.Error = requiredMessage(c) + " in row " + strconv.Itoa(r.Number)
				}
				continue
			}
			obj[c.column.name] = c.Value
		}
		list = append(list, obj)
	}
	if fld.HasErrors() {
		return nil, false
	}
	if err := validate(fld.spec, list); err != nil {
		f.rowErrors(fld, err)
		return nil, false
	}
	return list, true
}

// rowErrors puts validation errors on the cells they are about, by instance
// location (/ROW/SUB), and on the whole field otherwise.
func (f *Form) rowErrors(fld *Field, err error) {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		fld.Error = invalidMessage(fld)
		return
	}
	for _, leaf := range leaves(ve) {
		parts := strings.Split(strings.TrimPrefix(leaf.InstanceLocation, "/"), "/")
		if len(parts) == 2 {
			i, err := strconv.Atoi(parts[0])
			if err == nil && i >= 0 && i < len(fld.Rows) {
				if c := fld.Rows[i].cell(unescapePointer(parts[1])); c != nil {
					if c.Error == "" {
						c.Error = invalidMessage(c) + " in row " + strconv.Itoa(i+1)
					}
					continue
				}
			}
		}
		if fld.Error == "" {
			fld.Error = invalidMessage(fld)
		}
	}
}

func (r *Row) cell(name string) *Field {
	for _, c := range r.Cells {
		if c.column.name == name {
			return c
		}
	}
	return nil
}

func unescapePointer(s string) string {
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
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

// rowIndexes lists the row indexes present in a submission, in order.
func rowIndexes(name string, values url.Values) []int {
	prefix := name + "["
	seen := map[int]bool{}
	for key := range values {
		rest, ok := strings.CutPrefix(key, prefix)
		if !ok {
			continue
		}
		end := strings.IndexByte(rest, ']')
		if end <= 0 || end > 6 {
			continue
		}
		i, err := strconv.Atoi(rest[:end])
		if err != nil || i < 0 {
			continue
		}
		seen[i] = true
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	if len(out) > maxRows {
		out = out[:maxRows]
	}
	return out
}

// clean trims a typed value and normalises line endings.
func clean(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// parse converts typed text to the JSON value the schema expects.
func parse(fld *Field, raw string) (any, bool) {
	sp := fld.spec
	switch {
	case sp.format == formatDate:
		return parseDate(raw)
	case sp.format == formatDateTime:
		return parseDateTime(raw)
	case sp.value == valueInteger:
		n, err := strconv.ParseInt(raw, 10, 64)
		return n, err == nil
	case sp.value == valueNumber:
		n, err := strconv.ParseFloat(raw, 64)
		return n, err == nil
	case fld.Widget == WidgetSelect:
		for _, o := range fld.Options {
			if o.Value == raw {
				return raw, true
			}
		}
		return nil, false
	}
	return raw, true
}

func parseDate(raw string) (any, bool) {
	if t, err := time.Parse(time.DateOnly, raw); err == nil {
		return t.Format(time.DateOnly) + "T00:00:00Z", true
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return t.UTC().Format(time.DateOnly) + "T00:00:00Z", true
	}
	return nil, false
}

func parseDateTime(raw string) (any, bool) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", time.RFC3339} {
		if t, err := time.Parse(layout, raw); err == nil {
			return t.UTC().Format(time.RFC3339), true
		}
	}
	return nil, false
}

// validate checks a value against the compiled schema, when there is one.
func validate(sp *spec, v any) error {
	if sp.schema == nil {
		return nil
	}
	return sp.schema.Validate(v)
}

// requiredMessage says what to do when a required value is missing.
func requiredMessage(fld *Field) string {
	if fld.text.Required != "" {
		return fld.text.Required
	}
	label := lowerFirst(fld.Label)
	switch {
	case fld.Widget == WidgetSelect:
		return "Choose " + label
	case fld.Widget == WidgetRows:
		return "Add at least one entry to " + label
	case fld.Credential:
		return "Enter your " + label
	}
	return "Enter " + label
}

// invalidMessage says what a valid value looks like.
func invalidMessage(fld *Field) string {
	if fld.text.Invalid != "" {
		return fld.text.Invalid
	}
	label := lowerFirst(fld.Label)
	switch fld.spec.format {
	case formatDate:
		return "Enter a date, like 2024-01-31"
	case formatDateTime:
		return "Enter a date and time, like 2024-01-31 09:30"
	case formatNumeric:
		return "Enter a whole number, like 30"
	case formatDecimal:
		return "Enter a number, like 2.5"
	case formatHost:
		return "Enter a host name or IP address, like db.example.com"
	case formatURI:
		return "Enter a web address, like https://example.com"
	case formatEmail:
		return "Enter an email address, like name@example.com"
	case formatSelect:
		return "Choose one of the listed options for " + label
	case formatBoolean:
		return "Tick or untick " + label
	case formatLines:
		return "Enter " + label + ", one per line"
	}
	return "Enter " + label + " in the correct format"
}

// AddAPIErrors shows the properties Stitch rejected (the bad_properties of
// an InvalidProperties answer, or the field names of an error's "errors")
// next to their fields. Names that match no editable field, and message when
// no name matches, go to the summary; message must be words for people
// (not the API's text) and may be empty for a default.
func (f *Form) AddAPIErrors(badProperties []string, message string) {
	unmatched := len(badProperties) == 0
	for _, name := range badProperties {
		fld := f.byName[name]
		if fld == nil || fld.ReadOnly {
			unmatched = true
			continue
		}
		if fld.text.Invalid != "" {
			fld.Error = fld.text.Invalid
		} else {
			fld.Error = "Check " + lowerFirst(fld.Label) + ": Stitch did not accept it"
		}
	}
	if unmatched {
		if message == "" {
			message = "Stitch did not accept these settings. Check them and try again."
		}
		if !slices.Contains(f.general, message) {
			f.general = append(f.general, message)
		}
	}
}

// AddError adds a message to the error summary, linked to the element id
// (empty for none). Pages use it for their own fields; see AddFieldError.
func (f *Form) AddError(id, message string) {
	f.extra = append(f.extra, ErrorItem{ID: id, Message: message})
}

// AddFieldError sets the error of a page's own field (see NewTextField) and
// lists it first in the summary.
func (f *Form) AddFieldError(fld *Field, message string) {
	fld.Error = message
	f.AddError(fld.ID, message)
}

// Errors lists the error summary in page order: the page's own fields,
// messages about the whole form, then each field with an error.
func (f *Form) Errors() []ErrorItem {
	out := slices.Clone(f.extra)
	for _, m := range f.general {
		out = append(out, ErrorItem{Message: m})
	}
	for _, fld := range f.fields {
		if fld.Error != "" {
			out = append(out, ErrorItem{ID: fld.ID, Message: fld.Error})
		}
		for _, r := range fld.Rows {
			for _, c := range r.Cells {
				if c.Error != "" {
					out = append(out, ErrorItem{ID: c.ID, Message: c.Error})
				}
			}
		}
	}
	return out
}

// HasErrors reports whether the summary has anything to show.
func (f *Form) HasErrors() bool {
	if len(f.extra) > 0 || len(f.general) > 0 {
		return true
	}
	for _, fld := range f.fields {
		if fld.HasErrors() {
			return true
		}
	}
	return false
}

// Field returns the field of a property, or nil when it is not shown.
func (f *Form) Field(name string) *Field { return f.byName[name] }

// Fields returns every field in page order.
func (f *Form) Fields() []*Field { return f.fields }
