// Package presets holds the rules of partner templates: per source type, a
// partner prefills (defaults), locks (shown read-only) or hides (never shown,
// still sent) properties of the form step. A template comes from the
// configuration (ONRAMP_TEMPLATES_FILE) and from a launch (POST
// /api/v1/launch "template"); the launch's wins, property by property.
//
// The package knows report cards and url.Values, not HTTP: it parses a
// template, validates it against a type's report card, merges two, derives
// what the form engine builds from, marks the built form, and enforces the
// rules on a submission.
package presets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
)

// Rules is one source type's template.
type Rules struct {
	// Defaults are values by property name: a new form is prefilled with
	// them, and they are the values of locked and hidden properties.
	Defaults map[string]any `json:"defaults,omitempty"`
	// Locked properties are shown read-only; their value is the default (or,
	// without one, whatever is saved: the user cannot set it).
	Locked []string `json:"locked,omitempty"`
	// Hidden properties are never shown; their default is still sent.
	Hidden []string `json:"hidden,omitempty"`
}

// Template is the rules of each source type, by type.
type Template map[string]Rules

// Limits that keep a launch's template (and its Stitch calls) small.
const (
	MaxTypes      = 20
	MaxProperties = 100
)

// Reasons a template is refused; an *Error wraps one (match with errors.Is).
var (
	ErrSyntax            = errors.New("is not a template: want {\"TYPE\": {\"defaults\": {…}, \"locked\": […], \"hidden\": […]}}")
	ErrUnknownType       = errors.New("is not a source type")
	ErrUnknownProperty   = errors.New("is not a property of the type's form")
	ErrReadOnly          = errors.New("is read-only at Stitch: it cannot be set")
	ErrLockedHidden      = errors.New("is both locked and hidden but has no default: give it a value, or only hide or lock it")
	ErrInvalidDefault    = errors.New("has a default that does not fit its schema")
	ErrRequiredNoValue   = errors.New("is required, and locked or hidden without a default: nobody could give it a value")
	ErrCredentialVisible = errors.New("is a credential: its default can only be sent hidden (a form never shows a secret)")
	ErrTooLarge          = errors.New("is too large")
	// ErrTampered refuses a submission carrying a value for a locked or
	// hidden property: the page never sends one.
	ErrTampered = errors.New("is set by the partner and cannot be changed")
)

// Error is one problem of a template or a submission: which type, which
// property (empty for the whole type) and why.
type Error struct {
	Type, Property string
	Reason         error
	// Detail says more (the schema's verdict); never a credential's value.
	Detail string
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "template for %q", e.Type)
	if e.Property != "" {
		fmt.Fprintf(&b, ": property %q", e.Property)
	}
	b.WriteString(" " + e.Reason.Error())
	if e.Detail != "" {
		b.WriteString(" (" + e.Detail + ")")
	}
	return b.String()
}

// Unwrap returns the reason, for errors.Is.
func (e *Error) Unwrap() error { return e.Reason }

// Message joins the problems of a Validate or Parse error in one line
// (for a JSON answer); any other error is returned as is.
func Message(err error) string {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		parts := make([]string, 0, len(joined.Unwrap()))
		for _, e := range joined.Unwrap() {
			parts = append(parts, e.Error())
		}
		return strings.Join(parts, "; ")
	}
	return err.Error()
}

// Parse reads a template: an object of types, each an object with only
// defaults, locked and hidden. Numbers stay exact (json.Number).
func Parse(b []byte) (Template, error) {
	var raw map[string]json.RawMessage
	if err := strictDecode(b, &raw); err != nil || raw == nil {
		return nil, fmt.Errorf("template %w", ErrSyntax)
	}
	if len(raw) > MaxTypes {
		return nil, fmt.Errorf("template names %d types, at most %d: %w", len(raw), MaxTypes, ErrTooLarge)
	}
	t := make(Template, len(raw))
	for _, typ := range slices.Sorted(maps.Keys(raw)) {
		var r Rules
		if err := strictDecode(raw[typ], &r); err != nil {
			return nil, &Error{Type: typ, Reason: ErrSyntax, Detail: err.Error()}
		}
		if n := len(r.Defaults) + len(r.Locked) + len(r.Hidden); n > MaxProperties {
			return nil, &Error{Type: typ, Reason: ErrTooLarge, Detail: fmt.Sprintf("%d entries, at most %d", n, MaxProperties)}
		}
		t[typ] = r
	}
	return t, nil
}

func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the object")
	}
	return nil
}

// Types lists the template's types, sorted.
func (t Template) Types() []string { return slices.Sorted(maps.Keys(t)) }

// Checker validates a value against a property's JSON schema;
// *forms.Engine is one (CheckValue, the validation Decode uses).
type Checker interface {
	CheckValue(p connect.Property, v any) error
}

var _ Checker = (*forms.Engine)(nil)

// Cards returns a type's report card, or nil (and no error) when the type
// is not a source type.
type Cards func(typ string) (*connect.ReportCard, error)

// TypeReader reads a source type's report card (connect.Client).
type TypeReader interface {
	GetSourceType(ctx context.Context, token, typ string) (*connect.ReportCard, error)
}

// CardsFrom reads each type's report card from api with token; a type
// Stitch refuses (connect.IsUnknownType) is nil, not an error.
func CardsFrom(ctx context.Context, api TypeReader, token string) Cards {
	return func(typ string) (*connect.ReportCard, error) {
		rc, err := api.GetSourceType(ctx, token, typ)
		if connect.IsUnknownType(err) {
			return nil, nil
		}
		return rc, err
	}
}

// Validate checks every type of t against its report card and returns every
// problem (errors.Join of *Error), or an error of cards, wrapped.
func (t Template) Validate(cards Cards, chk Checker) error {
	var errs []error
	for _, typ := range t.Types() {
		rc, err := cards(typ)
		if err != nil {
			return fmt.Errorf("read the report card of %q: %w", typ, err)
		}
		errs = append(errs, t[typ].problems(typ, rc, chk)...)
	}
	return errors.Join(errs...)
}

// problems checks r against the report card of typ (nil: not a source
// type): one *Error per problem, flat, so Message lists them on one line.
func (r Rules) problems(typ string, rc *connect.ReportCard, chk Checker) []error {
	step, ok := formStep(rc)
	if !ok {
		return []error{&Error{Type: typ, Reason: ErrUnknownType}}
	}
	props := make(map[string]connect.Property, len(step.Properties))
	for _, p := range step.Properties {
		props[p.Name] = p
	}
	var errs []error
	for _, name := range r.names() {
		p, ok := props[name]
		if !ok {
			errs = append(errs, &Error{Type: typ, Property: name, Reason: ErrUnknownProperty})
			continue
		}
		if err := r.check(typ, p, chk); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// check judges one property's rules.
func (r Rules) check(typ string, p connect.Property, chk Checker) error {
	v, hasDefault := r.Defaults[p.Name]
	locked, hidden := r.IsLocked(p.Name), r.IsHidden(p.Name)
	fail := func(reason error, detail string) error {
		return &Error{Type: typ, Property: p.Name, Reason: reason, Detail: detail}
	}
	switch {
	case p.Kind() == connect.PropertyReadOnly:
		return fail(ErrReadOnly, "")
	case locked && hidden && !hasDefault:
		return fail(ErrLockedHidden, "")
	case (locked || hidden) && p.IsRequired && !hasDefault:
		return fail(ErrRequiredNoValue, "")
	case !hasDefault:
		return nil
	case p.IsCredential && !hidden:
		return fail(ErrCredentialVisible, "")
	case v == nil:
		return fail(ErrInvalidDefault, "null is not a value")
	}
	if err := chk.CheckValue(p, v); err != nil {
		if p.IsCredential {
			return fail(ErrInvalidDefault, "") // the verdict may quote the secret
		}
		return fail(ErrInvalidDefault, fmt.Sprintf("%s: %s", forms.Display(v), schemaText(p)))
	}
	return nil
}

// schemaText is the property's schema, for the partner reading the error.
func schemaText(p connect.Property) string {
	s := strings.TrimSpace(string(p.JSONSchema))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return "want " + s
}

func formStep(rc *connect.ReportCard) (connect.Step, bool) {
	if rc == nil || len(rc.Steps) == 0 {
		return connect.Step{}, false
	}
	return rc.Step(connect.StepForm)
}

// names lists every property the rules mention, sorted, once each.
func (r Rules) names() []string {
	set := map[string]bool{}
	for k := range r.Defaults {
		set[k] = true
	}
	for _, k := range r.Locked {
		set[k] = true
	}
	for _, k := range r.Hidden {
		set[k] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// IsZero reports whether r changes nothing.
func (r Rules) IsZero() bool { return len(r.Defaults) == 0 && len(r.Locked) == 0 && len(r.Hidden) == 0 }

// IsLocked reports whether a property is locked.
func (r Rules) IsLocked(name string) bool { return slices.Contains(r.Locked, name) }

// IsHidden reports whether a property is hidden.
func (r Rules) IsHidden(name string) bool { return slices.Contains(r.Hidden, name) }

// fixed reports whether the user may not set a property (locked or hidden).
func (r Rules) fixed(name string) bool { return r.IsLocked(name) || r.IsHidden(name) }

// Rules returns the rules of typ (zero when t has none).
func (t Template) Rules(typ string) Rules { return t[typ] }

// Merge lays launch over global: a property the launch mentions (in
// defaults, locked or hidden) takes its whole setting from the launch, any
// other keeps the global one. Both being valid, the result is valid: every
// check is about one property.
func Merge(global, launch Rules) Rules {
	if launch.IsZero() {
		return global
	}
	if global.IsZero() {
		return launch
	}
	mentioned := map[string]bool{}
	for _, n := range launch.names() {
		mentioned[n] = true
	}
	out := Rules{Defaults: map[string]any{}}
	for _, from := range []struct {
		r      Rules
		launch bool
	}{{global, false}, {launch, true}} {
		keep := func(name string) bool { return mentioned[name] == from.launch }
		for k, v := range from.r.Defaults {
			if keep(k) {
				out.Defaults[k] = v
			}
		}
		for _, k := range from.r.Locked {
			if keep(k) && !out.IsLocked(k) {
				out.Locked = append(out.Locked, k)
			}
		}
		for _, k := range from.r.Hidden {
			if keep(k) && !out.IsHidden(k) {
				out.Hidden = append(out.Hidden, k)
			}
		}
	}
	sort.Strings(out.Locked)
	sort.Strings(out.Hidden)
	return out
}

// Step is step without the hidden properties: the form is built from it,
// so they are never rendered (nor asked for when required).
func (r Rules) Step(step connect.Step) connect.Step {
	if len(r.Hidden) == 0 {
		return step
	}
	out := step
	out.Properties = make([]connect.Property, 0, len(step.Properties))
	for _, p := range step.Properties {
		if !r.IsHidden(p.Name) {
			out.Properties = append(out.Properties, p)
		}
	}
	return out
}

// NewValues are the values a new form starts with: base (the type's own
// defaults) with the template's defaults over it.
func (r Rules) NewValues(base map[string]any) map[string]any {
	out := maps.Clone(base)
	if out == nil {
		out = map[string]any{}
	}
	maps.Copy(out, r.Defaults)
	return out
}

// EditValues are the values an edit form shows: the saved ones, with the
// values of locked properties that have a default over them (what saving
// will send).
func (r Rules) EditValues(saved map[string]any) map[string]any {
	out := maps.Clone(saved)
	if out == nil {
		out = map[string]any{}
	}
	for _, k := range r.Locked {
		if v, ok := r.Defaults[k]; ok {
			out[k] = v
		}
	}
	return out
}

// BuildOptions are opts with the locked properties set.
func (r Rules) BuildOptions(opts forms.BuildOptions) forms.BuildOptions {
	if len(r.Locked) == 0 {
		return opts
	}
	opts.Locked = make(map[string]bool, len(r.Locked))
	for _, k := range r.Locked {
		opts.Locked[k] = true
	}
	return opts
}

// Mark puts note (in the page's language: "set by the partner") on the
// locked fields of a built form, in place of the engine's read-only hint.
func (r Rules) Mark(f *forms.Form, note string) {
	for _, k := range r.Locked {
		if fld := f.Field(k); fld != nil && fld.Locked {
			fld.Hint = note
		}
	}
}

// Enforce applies r to a decoded submission of step: a value sent for a
// locked or hidden property (the page never sends one) refuses it with an
// *Error wrapping ErrTampered, unless it equals the template's value; then
// the values of locked and hidden properties that have a default are put
// in props, so Stitch always gets them. On edit, an immutable property
// already saved is left alone (Stitch refuses to change it).
func (r Rules) Enforce(typ string, step connect.Step, edit bool, values url.Values, props map[string]any) error {
	for _, p := range step.Properties {
		if !r.fixed(p.Name) {
			continue
		}
		want, hasDefault := r.Defaults[p.Name]
		if tampered(values, p.Name, want, hasDefault) {
			return &Error{Type: typ, Property: p.Name, Reason: ErrTampered}
		}
	}
	for _, p := range step.Properties {
		want, hasDefault := r.Defaults[p.Name]
		if !r.fixed(p.Name) || !hasDefault {
			continue
		}
		if edit && p.Kind() == connect.PropertyUserProvidedImmutable && p.Provided {
			continue
		}
		props[p.Name] = want
	}
	return nil
}

// tampered reports whether values carry any input of property name — NAME,
// a row cell NAME[i].SUB, an object member NAME.SUB, a credential's choice,
// sealed value or file, or an add-row button naming it — other than NAME
// itself showing the template's value. Every input is judged, not the first
// found: map order must not decide.
func tampered(values url.Values, name string, want any, hasDefault bool) bool {
	for key, vs := range values {
		if !hasText(vs) || !belongsTo(key, vs, name) {
			continue
		}
		if hasDefault && key == name && sameValue(vs, want) {
			continue
		}
		return true
	}
	return false
}

// belongsTo reports whether the input key (with its values vs) is one of
// property name's.
func belongsTo(key string, vs []string, name string) bool {
	switch {
	case key == name, strings.HasPrefix(key, name+"["), strings.HasPrefix(key, name+"."),
		key == forms.ChoicePrefix+name, key == forms.FilePrefix+name, key == forms.SealedPrefix+name:
		return true
	}
	return key == forms.ActionAdd && slices.Contains(vs, name)
}

func hasText(vs []string) bool {
	return slices.ContainsFunc(vs, func(v string) bool { return strings.TrimSpace(v) != "" })
}

// sameValue reports whether every submitted value shows want.
func sameValue(vs []string, want any) bool {
	w := forms.Display(want)
	for _, v := range vs {
		if strings.TrimSpace(v) != "" && strings.TrimSpace(v) != w {
			return false
		}
	}
	return true
}
