package forms

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onramp/onramp/connect"
)

// Group ids, in the order groups are shown.
const (
	groupConnection  = "connection"
	groupOAuthApp    = "oauth-app"
	groupSSH         = "ssh"
	groupSSL         = "ssl"
	groupEncryption  = "encryption"
	groupSchedule    = "schedule"
	groupAdvanced    = "advanced"
	groupDiagnostics = "diagnostics"
)

var groupOrder = []string{groupConnection, groupOAuthApp, groupSSH, groupSSL, groupEncryption, groupSchedule, groupAdvanced, groupDiagnostics}

// Widget is the kind of control a field is drawn with.
type Widget string

// Widgets.
const (
	WidgetInput    Widget = "input"    // <input type=InputType>
	WidgetTextarea Widget = "textarea" // <textarea>; also arrays of strings, one per line
	WidgetSelect   Widget = "select"   // <select> of Options
	WidgetCheckbox Widget = "checkbox" // a checkbox submitting "true"
	WidgetRows     Widget = "rows"     // a repeatable group of Rows with add/remove buttons
	WidgetReadOnly Widget = "readonly" // a read-only text input showing Value
	WidgetObject   Widget = "object"   // a fieldset of Members, sent as one JSON object
	WidgetFile     Widget = "file"     // a key file: a file upload with a paste alternative, sent as a JSON object
)

// Credential choices offered when a credential is already saved (edit mode).
const (
	ChoiceKeep    = "keep"
	ChoiceReplace = "replace"
	ChoiceClear   = "clear"
)

// Input names reserved by the engine. Property names are used as they are.
const (
	// ActionAdd is the name of the "Add another" submit button; its value is the property name.
	ActionAdd = "_add"
	// ActionRemove is the name of a row's "Remove" submit button; its value is "NAME[i]".
	ActionRemove = "_remove"
	// ChoicePrefix prefixes the name of a saved credential's radio buttons: "_choice.NAME".
	ChoicePrefix = "_choice."
	// FilePrefix prefixes the name of a key file's upload input: "_file.NAME".
	// The page puts the uploaded file's content under that name in the
	// values given to Decode (at most MaxFileBytes+1 bytes of it); the paste
	// alternative is the textarea NAME.
	FilePrefix = "_file."
)

// MaxFileBytes bounds a key file: a service account key is 2–3 KB.
const MaxFileBytes = 64 << 10

// BuildOptions say which form to build.
type BuildOptions struct {
	// Edit builds the form of an existing connection: saved credentials offer
	// keep/replace/clear, immutable properties are read-only, and required
	// properties already provided are not required again.
	Edit bool
	// OwnOAuth shows system_provided_by_default properties (the user brings their own OAuth app).
	OwnOAuth bool
	// ShowAll also lists read_only and hidden system properties, read-only (operator diagnostics).
	ShowAll bool
	// Locked names properties a partner template fixes (package presets):
	// they are shown read-only with the value in current, and never decoded.
	Locked map[string]bool
}

// Form is the view model of one connection step, built by Engine.Build,
// filled by Decode and read by the templates. It is used by one request.
type Form struct {
	// Type is the source or destination type, and TypeName its display name.
	Type, TypeName string
	// StepType is the report card step the form was built from (form, oauth).
	StepType string
	// Groups are the fieldsets, in order; empty groups are left out.
	Groups []*Group

	opts    BuildOptions
	current map[string]any
	fields  []*Field // in render order
	byName  map[string]*Field
	general []string    // summary messages not tied to a field
	extra   []ErrorItem // errors of the page's own fields
	action  action
	engine  *Engine
	keeper  Keeper // seals typed secrets across a re-render; nil drops them
}

// Group is a fieldset of the form.
type Group struct {
	// ID is the group's id (connection, oauth-app, ssh, ssl, encryption, schedule, advanced, diagnostics).
	ID string
	// Legend names the fieldset.
	Legend string
	// Switch, when set, is the checkbox or select that turns the group on;
	// the other fields depend on it (forms.js hides them while it is off).
	Switch *Field
	// Collapsible groups are drawn as a closed <details> (advanced settings).
	Collapsible bool
	// Hint explains the group, when it needs it (advanced settings have defaults).
	Hint string
	// Fields are the group's fields, the switch excepted.
	Fields []*Field
}

// HasErrors reports whether a field of the group has an error (open it then).
func (g *Group) HasErrors() bool {
	if g.Switch != nil && g.Switch.HasErrors() {
		return true
	}
	for _, f := range g.Fields {
		if f.HasErrors() {
			return true
		}
	}
	return false
}

// HasValues reports whether a field of the group holds a saved or typed
// value (advanced settings then start open, so nothing set is hidden).
func (g *Group) HasValues() bool {
	for _, f := range g.Fields {
		if !f.ReadOnly && (strings.TrimSpace(f.Value) != "" || f.Checked || f.Saved || f.Kept) {
			return true
		}
	}
	return false
}

// Option is one choice of a select.
type Option struct {
	Value, Label string
}

// Row is one entry of a repeatable group.
type Row struct {
	// Index is the row's position, used in input names: NAME[Index].SUB.
	Index int
	// Number is Index+1, for people.
	Number int
	// Cells are the row's inputs.
	Cells []*Field
	// Remove is the value of the row's remove button: NAME[Index].
	Remove string
}

// Field is one input of the form.
type Field struct {
	// Name is the input name: the property name, or NAME[i].SUB in a row.
	Name string
	// ID is the element id, unique in the form: the name when it is a safe id.
	ID string
	// Label, Hint and Placeholder are the words shown; Hint may be empty.
	Label, Hint, Placeholder string
	// Widget is the control to draw; InputType the type of an <input>.
	Widget    Widget
	InputType string
	// InputMode and Autocomplete are the attributes of the same name, when set.
	InputMode, Autocomplete string
	// Options are the choices of a select, the empty "Choose…" one first when offered.
	Options []Option
	// Value is the text shown in the control (never a secret); Checked the state of a checkbox.
	Value   string
	Checked bool
	// Rows are the rows of a repeatable group; AddLabel the text of its add
	// button, Item the word for one row, for its legend ("Report", "Eintrag").
	Rows     []*Row
	AddLabel string
	Item     string
	// Required fields must be filled in (aria-required); Optional ones are marked "(optional)".
	Required, Optional bool
	// ReadOnly fields are shown but never sent.
	ReadOnly bool
	// Locked fields are read-only because the partner set their value
	// (BuildOptions.Locked); the value is sent by the page, not the form.
	Locked bool
	// Credential fields are secrets: never pre-filled, never echoed.
	Credential bool
	// Saved is set when a credential already has a value; CredentialChoice
	// then holds keep, replace or clear, and CanClear whether clear is offered.
	Saved            bool
	CredentialChoice string
	CanClear         bool
	// Kept is set when a secret typed in an earlier submission is carried,
	// sealed, in the hidden input SealedName() with the value Sealed; the
	// page offers to keep it (CredentialChoice ChoiceTyped) or replace it.
	Kept   bool
	Sealed string
	// Monospace asks for a fixed-width font (keys, certificates).
	Monospace bool
	// Error is the message shown next to the field; empty when valid.
	Error string
	// Detail is Stitch's own words about the error, shown below it, when Stitch gave them.
	Detail string
	// RequiredWhenOn fields are needed once their group's switch (an SSH
	// tunnel) is on; Decode then asks for them.
	RequiredWhenOn bool
	// Members are the sub-fields of an object (WidgetObject), named NAME.SUB.
	Members []*Field
	// Accept lists the file types a key file upload offers (WidgetFile).
	Accept string

	prop   connect.Property
	spec   *spec
	text   FieldText
	words  *words  // the form's locale; nil for a page's own field (English)
	column *column // set on the cells of a row
	member string  // set on the members of an object: the member's own name
}

// FileName is the input name of a key file's upload (WidgetFile).
func (f *Field) FileName() string { return FilePrefix + f.Name }

// PasteID is the id of a key file's paste alternative (WidgetFile).
func (f *Field) PasteID() string { return f.ID + "-paste" }

// MemberSwitch splits an object's members into the checkbox that turns the
// others on (an SSH tunnel's "ssh") and the others; sw is nil when there is none.
func (f *Field) MemberSwitch() (sw *Field, rest []*Field) {
	if len(f.Members) > 1 && f.Members[0].Widget == WidgetCheckbox && switchNames[f.Members[0].member] {
		return f.Members[0], f.Members[1:]
	}
	return nil, f.Members
}

// SoleObject returns the group's field when it is its only one and an
// object: the page then draws the object's fieldset as the group's.
func (g *Group) SoleObject() *Field {
	if g.Switch == nil && len(g.Fields) == 1 && g.Fields[0].Widget == WidgetObject {
		return g.Fields[0]
	}
	return nil
}

// Multipart reports whether the form has a file upload: the page's <form>
// then needs enctype="multipart/form-data".
func (f *Form) Multipart() bool {
	for _, fld := range f.fields {
		if hasFile(fld) {
			return true
		}
	}
	return false
}

func hasFile(fld *Field) bool {
	if fld.Widget == WidgetFile {
		return true
	}
	for _, m := range fld.Members {
		if hasFile(m) {
			return true
		}
	}
	return false
}

// walk calls fn for fld and each of its members, depth first.
func walk(fld *Field, fn func(*Field)) {
	fn(fld)
	for _, m := range fld.Members {
		walk(m, fn)
	}
}

// HintID is the id of the field's hint.
func (f *Field) HintID() string { return f.ID + "-hint" }

// ErrorID is the id of the field's error message.
func (f *Field) ErrorID() string { return f.ID + "-error" }

// DescribedBy is the value of aria-describedby: the hint and error ids present.
func (f *Field) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.HintID())
	}
	if f.Error != "" {
		ids = append(ids, f.ErrorID())
	}
	return strings.Join(ids, " ")
}

// HasErrors reports whether the field or one of its cells has an error.
func (f *Field) HasErrors() bool {
	if f.Error != "" {
		return true
	}
	for _, m := range f.Members {
		if m.HasErrors() {
			return true
		}
	}
	for _, r := range f.Rows {
		for _, c := range r.Cells {
			if c.Error != "" {
				return true
			}
		}
	}
	return false
}

// ChoiceName is the input name of a saved credential's radio buttons.
func (f *Field) ChoiceName() string { return ChoicePrefix + f.Name }

// NewTextField returns a text field for the page's own inputs (such as a
// display name) so that they look like the engine's; set Hint, Value, Error as needed.
func NewTextField(name, label string, required bool) *Field {
	return &Field{
		Name: name, ID: safeID(name), Label: label, Widget: WidgetInput, InputType: "text",
		Required: required, Optional: !required,
	}
}

// Build turns one step of a report card into a form. current holds the
// connection's saved property values (edit) or defaults to pre-fill (create);
// it may be nil. Build never fails: unknown shapes become text inputs.
func (e *Engine) Build(sourceType string, step connect.Step, current map[string]any, opts BuildOptions) *Form {
	f := &Form{
		Type: sourceType, TypeName: e.TypeName(sourceType), StepType: step.Type,
		opts: opts, current: current, byName: make(map[string]*Field, len(step.Properties)), engine: e,
	}
	groups := make(map[string][]*Field, len(groupOrder))
	for _, p := range step.Properties {
		if p.Name == "" {
			continue
		}
		if _, dup := f.byName[p.Name]; dup {
			continue
		}
		group, ok := placement(p, opts)
		if !ok {
			continue
		}
		fld := e.field(f, p, group == groupDiagnostics)
		f.byName[p.Name] = fld
		groups[group] = append(groups[group], fld)
	}
	for _, id := range groupOrder {
		list := groups[id]
		if len(list) == 0 {
			continue
		}
		g := &Group{ID: id, Legend: e.groupLegend(id), Collapsible: id == groupAdvanced}
		if hint, ok := groupHintIDs[id]; ok {
			g.Hint = e.words.word(hint)
		}
		sortFields(list)
		for _, fld := range list {
			if g.Switch == nil && isSwitch(id, fld) {
				g.Switch = fld
				continue
			}
			g.Fields = append(g.Fields, fld)
		}
		if g.Switch != nil {
			f.fields = append(f.fields, g.Switch)
		}
		f.fields = append(f.fields, g.Fields...)
		f.Groups = append(f.Groups, g)
	}
	f.assignIDs()
	f.markSwitched()
	return f
}

// placement returns the group of a property, or false when it is not shown.
func placement(p connect.Property, opts BuildOptions) (string, bool) {
	switch p.Kind() {
	case connect.PropertyUserProvided, connect.PropertyUserProvidedImmutable:
		if !p.IsRequired && isAdvanced(p.Name) {
			return groupAdvanced, true // rarely needed: the default is explained there
		}
		return groupByName(p.Name), true
	case connect.PropertyUserProvidedAdvanced:
		return groupAdvanced, true
	case connect.PropertySystemProvidedByDefault:
		if opts.OwnOAuth {
			return groupOAuthApp, true
		}
	}
	return groupDiagnostics, opts.ShowAll
}

func groupByName(name string) string {
	switch {
	case name == "ssh" || strings.HasPrefix(name, "ssh_"):
		return groupSSH
	case strings.HasPrefix(name, "ssl") || name == "check_hostname":
		// check_hostname only matters on an SSL connection (tap-mysql).
		return groupSSL
	case strings.HasPrefix(name, "encryption_"):
		return groupEncryption
	case name == "frequency_in_minutes" || name == "cron_expression" || name == "anchor_time" || name == "start_date":
		return groupSchedule
	}
	return groupConnection
}

func isSwitch(group string, f *Field) bool {
	switch group {
	case groupSSH:
		return f.Name == "ssh" && f.Widget == WidgetCheckbox
	case groupSSL:
		return f.Name == "ssl" && f.Widget == WidgetCheckbox
	case groupEncryption:
		return f.Name == "encryption_type" && f.Widget == WidgetSelect
	}
	return false
}

// sortFields puts required fields first, then well-known names in a fixed order, then by name.
func sortFields(list []*Field) {
	slices.SortStableFunc(list, func(a, b *Field) int {
		if a.prop.IsRequired != b.prop.IsRequired {
			if a.prop.IsRequired {
				return -1
			}
			return 1
		}
		oa, ob := wellKnownRank(a.Name), wellKnownRank(b.Name)
		return cmp.Or(cmp.Compare(oa, ob), strings.Compare(a.Name, b.Name))
	})
}

// field builds the field of one property.
func (e *Engine) field(f *Form, p connect.Property, diagnostics bool) *Field {
	sp := e.schema.get(p.JSONSchema)
	txt := e.fieldText(f.Type, p.Name)
	cur := f.current[p.Name]
	saved := p.Provided || hasValue(cur)
	fld := &Field{
		Name: p.Name, Label: txt.Label, Hint: txt.Hint, Placeholder: txt.Placeholder,
		Credential: p.IsCredential, Optional: !p.IsRequired,
		Required: p.IsRequired && !(f.opts.Edit && saved),
		prop:     p, spec: sp, text: txt, words: e.words,
	}
	fld.Locked = f.opts.Locked[p.Name]
	readOnly := diagnostics || fld.Locked || (f.opts.Edit && p.Kind() == connect.PropertyUserProvidedImmutable && saved)
	if readOnly {
		e.readOnly(f, fld, diagnostics)
		return fld
	}
	e.widget(f, fld, cur)
	e.secret(f, fld)
	return fld
}

// secret makes a credential's field a secret one: never pre-filled, masked,
// and on edit offering keep, replace or clear. A key file is a credential
// (it holds a private key) whatever the card says; a username is not a
// secret even where the card marks it as a credential, so it is shown as
// typed (on edit Stitch does not return it, so keep/replace still applies).
func (e *Engine) secret(f *Form, fld *Field) {
	if fld.Widget == WidgetFile {
		fld.Credential = true
	}
	provided := f.opts.Edit && fld.prop.Provided
	if !fld.Credential {
		return
	}
	if unmasked[fld.baseName()] && fld.Widget == WidgetInput && !provided {
		fld.Credential, fld.Autocomplete = false, "username"
		return
	}
	fld.Value = ""
	fld.Autocomplete = "new-password"
	switch fld.Widget {
	case WidgetTextarea, WidgetFile:
		fld.Autocomplete = "off" // new-password is for password inputs only
	case WidgetInput:
		if unmasked[fld.baseName()] {
			fld.Autocomplete = "username"
		} else {
			fld.InputType, fld.InputMode = "password", ""
		}
	}
	if provided {
		fld.Saved = true
		fld.CredentialChoice = ChoiceKeep
		fld.CanClear = !fld.prop.IsRequired
	}
}

// baseName is the property's own name: the member's name in an object.
func (f *Field) baseName() string {
	if f.member != "" {
		return f.member
	}
	return f.Name
}

// widget picks the control of an editable field and its initial value; cur
// is the saved value, or nil (then a new form shows the catalog's default).
func (e *Engine) widget(f *Form, fld *Field, cur any) {
	sp := fld.spec
	if cur == nil && !f.opts.Edit && fld.text.Default != "" {
		cur = fld.text.Default
	}
	fld.Widget, fld.InputType = WidgetInput, "text"
	switch sp.format {
	case formatSelect:
		fld.Widget = WidgetSelect
		fld.Value = display(cur)
		fld.Options = e.options(fld)
	case formatBoolean:
		fld.Widget = WidgetCheckbox
		fld.Checked = truthy(cur)
	case formatDate:
		fld.InputType = "date"
		fld.Value = dateValue(display(cur))
	case formatDateTime:
		fld.InputType = "datetime-local"
		fld.Value = dateTimeValue(display(cur))
	case formatNumeric:
		fld.InputMode = "numeric"
		fld.Value = display(cur)
	case formatDecimal:
		fld.InputMode = "decimal"
		fld.Value = display(cur)
	case formatURI:
		fld.InputType = "url"
		fld.Value = display(cur)
	case formatEmail:
		fld.InputType, fld.Autocomplete = "email", "email"
		fld.Value = display(cur)
	case formatLines:
		fld.Widget = WidgetTextarea
		fld.Value = lines(cur)
		if fld.Hint == "" {
			fld.Hint = e.words.word("forms.hint.lines")
		}
	case formatRows:
		fld.Widget = WidgetRows
		fld.AddLabel = e.words.word("forms.rows.add")
		fld.Item = e.itemWord(fld)
		fld.Rows = e.rows(f, fld, cur)
	case formatObject:
		if isKeyFile(fld.baseName()) {
			fld.Widget, fld.Monospace, fld.Accept = WidgetFile, true, ".json,application/json"
			return
		}
		fld.Widget = WidgetObject
		e.members(f, fld, cur)
	case formatKeyFile:
		fld.Widget, fld.Monospace, fld.Accept = WidgetFile, true, ".json,application/json"
	default:
		fld.Value = display(cur)
		if sp.format == formatText && switchNames[fld.baseName()] {
			// "true" or "false" in a plain string (Databricks' ssh_config.ssh).
			fld.Widget, fld.Value, fld.Checked = WidgetCheckbox, "", truthy(cur)
		}
	}
	if fld.Widget == WidgetInput && isMultiline(fld.Name) {
		fld.Widget, fld.InputType, fld.InputMode, fld.Monospace = WidgetTextarea, "", "", true
	}
}

// members builds the sub-fields of an object from its saved value.
func (e *Engine) members(f *Form, parent *Field, cur any) {
	obj := objectValue(cur)
	for i := range parent.spec.members {
		c := &parent.spec.members[i]
		txt := e.memberText(f.Type, parent.Name, c.name)
		m := &Field{
			Name: parent.Name + "." + c.name, Label: txt.Label, Hint: txt.Hint, Placeholder: txt.Placeholder,
			Credential: looksSecret(c.name), Optional: !c.required,
			Required: c.required && parent.prop.IsRequired,
			prop:     connect.Property{Name: c.name, IsRequired: c.required && parent.prop.IsRequired},
			spec:     c.spec, text: txt, member: c.name, words: e.words,
		}
		var v any
		if obj != nil {
			v = obj[c.name]
		}
		e.widget(f, m, v)
		e.secret(f, m)
		parent.Members = append(parent.Members, m)
	}
	if sw, rest := parent.MemberSwitch(); sw != nil {
		for _, m := range rest {
			if m.Widget != WidgetCheckbox && !m.Credential {
				m.Optional, m.RequiredWhenOn = false, true
			}
		}
	}
}

// objectValue reads a saved object, which may come back JSON-encoded in a string.
func objectValue(v any) map[string]any {
	switch v := v.(type) {
	case map[string]any:
		return v
	case string:
		var m map[string]any
		if json.Unmarshal([]byte(v), &m) == nil {
			return m
		}
	}
	return nil
}

// isMultiline names the properties that hold keys, certificates or JSON documents.
func isMultiline(name string) bool {
	switch name {
	case "ssl_ca", "ssl_cert", "ssl_key", "sslrootcert", "rsa_key", "service_account_json":
		return true
	}
	return strings.Contains(name, "private_key")
}

// options lists a select's options, keeping an unknown saved value selectable.
func (e *Engine) options(fld *Field) []Option {
	opts := make([]Option, 0, len(fld.spec.options)+2)
	if !fld.Required || fld.Value == "" {
		opts = append(opts, Option{Value: "", Label: e.words.word("forms.select.choose")})
	}
	known := false
	for _, v := range fld.spec.options {
		opts = append(opts, Option{Value: v, Label: e.optionLabel(fld.Name, v)})
		known = known || v == fld.Value
	}
	if fld.Value != "" && !known {
		opts = append(opts, Option{Value: fld.Value, Label: e.optionLabel(fld.Name, fld.Value)})
	}
	return opts
}

// readOnly turns a field into a read-only display of its saved value.
func (e *Engine) readOnly(f *Form, fld *Field, diagnostics bool) {
	fld.Widget, fld.InputType, fld.ReadOnly, fld.Required = WidgetReadOnly, "text", true, false
	fld.Optional = false
	cur := f.current[fld.Name]
	switch {
	case fld.Credential && (fld.prop.Provided || hasValue(cur)):
		fld.Value = e.words.word("forms.readOnly.saved")
	case fld.Credential || !hasValue(cur):
		fld.Value = e.words.word("forms.readOnly.notSet")
	case fld.spec.format == formatBoolean:
		fld.Value = e.words.word(map[bool]string{true: "forms.readOnly.yes", false: "forms.readOnly.no"}[truthy(cur)])
	case fld.spec.format == formatSelect:
		fld.Value = e.optionLabel(fld.Name, display(cur))
	case fld.spec.format == formatDate:
		fld.Value = dateValue(display(cur))
	case fld.spec.format == formatLines || fld.spec.format == formatRows || fld.spec.format == formatObject:
		b, _ := json.Marshal(cur)
		fld.Value = string(b)
	default:
		fld.Value = display(cur)
	}
	if diagnostics {
		fld.Hint = e.words.t("forms.readOnly.diagnostics", "Kind", string(fld.prop.Kind()), "Name", fld.Name)
	} else {
		fld.Hint = e.words.word("forms.readOnly.immutable")
	}
}

// rows builds the rows of a repeatable group from a saved value; one empty row when none.
func (e *Engine) rows(f *Form, fld *Field, cur any) []*Row {
	var rows []*Row
	if list, ok := cur.([]any); ok {
		for _, item := range list {
			obj, _ := item.(map[string]any)
			vals := make(map[string]string, len(fld.spec.columns))
			for _, c := range fld.spec.columns {
				vals[c.name] = display(obj[c.name])
			}
			rows = append(rows, e.row(f, fld, vals))
			if len(rows) >= maxRows {
				break
			}
		}
	}
	if len(rows) == 0 {
		rows = append(rows, e.row(f, fld, nil))
	}
	return rows
}

// maxRows bounds the rows of a repeatable group.
const maxRows = 100

func (e *Engine) row(f *Form, fld *Field, vals map[string]string) *Row {
	r := &Row{}
	for i := range fld.spec.columns {
		c := &fld.spec.columns[i]
		txt := e.fieldText(f.Type, c.name)
		cell := &Field{
			Label: txt.Label, Hint: "", Placeholder: txt.Placeholder, Widget: WidgetInput, InputType: "text",
			Value: vals[c.name], Required: c.required, Optional: !c.required,
			spec: c.spec, text: txt, column: c, words: e.words,
		}
		r.Cells = append(r.Cells, cell)
	}
	return r
}

// itemWord is the word for one row of a repeatable group: in English the
// label made singular ("Reports" → "Report"), else the texts' item, else the
// locale's generic word ("Eintrag").
func (e *Engine) itemWord(fld *Field) string {
	switch {
	case e.words.english:
		return singular(fld.Label)
	case fld.text.Item != "":
		return fld.text.Item
	}
	return e.words.word("forms.rows.item")
}

// assignIDs gives every field, then every row cell, its element id. Fields
// come first so that their ids do not change when rows are added or removed.
func (f *Form) assignIDs() {
	used := idSet{ids: make(map[string]bool, len(f.fields))}
	for _, fld := range f.fields {
		fld.ID = used.add(safeID(fld.Name))
	}
	for _, fld := range f.fields {
		for _, m := range fld.Members {
			walk(m, func(m *Field) { m.ID = used.add(safeID(m.Name)) })
		}
	}
	for _, fld := range f.fields {
		if fld.Widget == WidgetRows {
			f.renumber(fld, &used)
		}
	}
}

// renumber names the rows of a repeatable group after they changed.
func (f *Form) renumber(fld *Field, used *idSet) {
	for i, r := range fld.Rows {
		r.Index, r.Number = i, i+1
		r.Remove = fld.Name + "[" + strconv.Itoa(i) + "]"
		for _, c := range r.Cells {
			c.Name = r.Remove + "." + c.column.name
			c.ID = used.add(fld.ID + "-" + strconv.Itoa(i) + "-" + safeID(c.column.name))
		}
	}
}

// safeID turns a name into an id made of letters, digits, '-' and '_'.
func safeID(name string) string {
	if isSafeID(name) {
		return name // the common case: property names are already ids
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
		if b.Len() >= 64 {
			break
		}
	}
	id := b.String()
	if id == "" || !(id[0] >= 'a' && id[0] <= 'z' || id[0] >= 'A' && id[0] <= 'Z') {
		id = "f-" + id
	}
	return id
}

// derivedIDs are the suffixes of the ids derived from a field's id (HintID,
// ErrorID and the radios of a saved credential). No suffix ends another, so
// two derived ids are equal only when their field ids are.
var derivedIDs = [...]string{"-hint", "-error", "-keep", "-replace", "-clear", "-typed", "-paste", "-status"}

// idSet hands out element ids that are unique together with the ids derived from them.
type idSet struct {
	ids    map[string]bool
	dashed bool // an id with a dash was given: ids may be derived from one another
}

// add returns id, or id-2, id-3…, so that neither it nor an id derived from
// it equals an id given before or derived from one.
func (u *idSet) add(id string) string {
	out := id
	for n := 2; !u.free(out); n++ {
		out = id + "-" + strconv.Itoa(n)
	}
	u.ids[out] = true
	u.dashed = u.dashed || strings.IndexByte(out, '-') >= 0
	return out
}

func (u *idSet) free(id string) bool {
	if u.ids[id] {
		return false
	}
	if !u.dashed && strings.IndexByte(id, '-') < 0 {
		return true // the common case: derived ids have a dash, so they cannot collide
	}
	for _, s := range derivedIDs {
		if u.ids[id+s] {
			return false // an id given before would be derived from this one
		}
		if base, ok := strings.CutSuffix(id, s); ok && u.ids[base] {
			return false // this id is derived from one given before
		}
	}
	return true
}

// Display is a value as the text of a form input: a saved property, a
// partner's default (package presets).
func Display(v any) string { return display(v) }

// display turns a saved value into the text of an input.
func display(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

func hasValue(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case string:
		return v != ""
	case []any:
		return len(v) > 0
	}
	return true
}

func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(strings.TrimSpace(v), "true")
	}
	return false
}

// dateValue shows a saved 2017-01-01T00:00:00Z as 2017-01-01.
func dateValue(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(time.DateOnly)
	}
	return s
}

// dateTimeValue shows a saved RFC 3339 time as a datetime-local value in UTC.
func dateTimeValue(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format("2006-01-02T15:04")
	}
	return s
}

// lines shows a saved array of strings one per line.
func lines(v any) string {
	switch v := v.(type) {
	case []any:
		out := make([]string, 0, len(v))
		for _, s := range v {
			out = append(out, display(s))
		}
		return strings.Join(out, "\n")
	case []string:
		return strings.Join(v, "\n")
	}
	return display(v)
}

func isSafeID(name string) bool {
	if name == "" || len(name) > 64 || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
