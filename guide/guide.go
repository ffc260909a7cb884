// Package guide resolves the setup guide shown beside a source's or a
// destination's form: an intro line, one entry per field the form shows
// (where to find that value, in plain words) and an optional link to the
// partner's own documentation. It knows no HTTP.
//
// Words come, first that has them, from the partner's texts for the
// request's locale (ONRAMP_TEXTS_FILE "locales.LOC.guides"), the partner's
// texts for every locale ("guides"), then the built-in catalog in that
// locale (package i18n, message ids guide.*). At each partner level the
// type's own words come before those written for every type ("*"); in the
// catalog a type's own entry (guide.type.SLUG.NAME) comes before the
// generic one by property name (guide.field.NAME).
package guide

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/i18n"
)

// anyType is the partner key whose words apply to every type.
const anyType = "*"

// Field is one field a form shows, in form order.
type Field struct {
	// Name is the property name ("host"; "PARENT.SUB" for an object's member).
	Name string
	// Label is the field's label as the form shows it.
	Label string
	// ID is the id of the field's element, the target of the entry's link.
	ID string
}

// Entry says where to find one field's value.
type Entry struct {
	Name, Label, FieldID string
	// Text is where to find the value, in plain words.
	Text string
}

// Guide is the resolved guide of one form in one locale.
type Guide struct {
	// Intro is the line above the entries.
	Intro string
	// Entries follow the form's order; fields with nothing to say have none.
	Entries []Entry
	// URL, when set, is the partner's documentation of the type.
	URL string
}

// Empty reports whether the guide has nothing to show (no panel then).
func (g Guide) Empty() bool { return len(g.Entries) == 0 && g.URL == "" }

// aliases are property names that mean the same thing under another name:
// the generic entry of the first is the second's.
var aliases = map[string]string{
	"username":            "user",
	"dbname":              "database",
	"encryption_host":     "ssh_host",
	"encryption_port":     "ssh_port",
	"encryption_username": "ssh_user",
	"is_sandbox":          "sandbox",
	"api_token":           "api_key",
	"token":               "api_key",
	"api_secret":          "client_secret",
	"secret_key":          "client_secret",
	"account":             "account_id",
	"account_name":        "account_id",
	"sslrootcert":         "ssl_ca",
	"role_name":           "role",
}

// Guides resolves setup guides. Build one with New; it is safe for
// concurrent use and never modified after New.
type Guides struct {
	ids     map[string]bool                       // every catalog message id
	top     map[string]forms.GuideText            // partner, every locale
	locales map[string]map[string]forms.GuideText // partner, by locale
}

// New returns the guides of the catalog's built-in words and the partner's
// texts (nil for none). A partner link that is not an absolute http(s) URL
// is refused, so a typo shows at start-up rather than as a broken link.
func New(cat *i18n.Catalog, t *forms.Texts) (*Guides, error) {
	if cat == nil {
		cat = i18n.MustNew(i18n.Options{})
	}
	g := &Guides{ids: map[string]bool{}}
	for _, id := range cat.MessageIDs() {
		g.ids[id] = true
	}
	if t == nil {
		return g, nil
	}
	g.top = t.Guides
	if err := checkLinks("guides", g.top); err != nil {
		return nil, err
	}
	// Keyed by the locale a request gets ("de-AT" is written for "de").
	g.locales = map[string]map[string]forms.GuideText{}
	named := map[string]string{}
	for loc, byType := range t.LocaleGuides {
		shipped, ok := cat.Supported(loc)
		if !ok {
			return nil, fmt.Errorf("guides: locale %q is not one of %s", loc, strings.Join(cat.Locales(), ", "))
		}
		if other, dup := named[shipped]; dup {
			return nil, fmt.Errorf("guides: locales %q and %q both name %s; keep one", other, loc, shipped)
		}
		if err := checkLinks("locales."+loc+".guides", byType); err != nil {
			return nil, err
		}
		named[shipped], g.locales[shipped] = loc, byType
	}
	return g, nil
}

func checkLinks(where string, byType map[string]forms.GuideText) error {
	for typ, gt := range byType {
		if gt.URL == "" {
			continue
		}
		u, err := url.Parse(gt.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("%s[%q].url: want an absolute https:// link, got %q", where, typ, gt.URL)
		}
	}
	return nil
}

// For resolves the guide of a form in l's locale.
func (g *Guides) For(l *i18n.Localizer, f *forms.Form) Guide {
	if g == nil || f == nil {
		return Guide{}
	}
	return g.Resolve(l, f.Type, f.TypeName, FieldsOf(f))
}

// Resolve resolves the guide of a type (typeName is its display name) for
// the fields a form shows, in l's locale.
func (g *Guides) Resolve(l *i18n.Localizer, typ, typeName string, fields []Field) Guide {
	if g == nil {
		return Guide{}
	}
	partner := g.partner(l.Locale(), typ)
	var out Guide
	for _, p := range partner {
		if out.URL == "" {
			out.URL = p.URL
		}
		if out.Intro == "" {
			out.Intro = p.Intro
		}
	}
	if out.Intro == "" {
		out.Intro = g.builtin(l, "guide.type."+Slug(typ)+".intro", "Name", typeName)
	}
	if out.Intro == "" {
		out.Intro = l.T("guide.intro", "Name", typeName)
	}
	for _, f := range fields {
		if text := g.fieldText(l, partner, typ, f.Name); text != "" {
			out.Entries = append(out.Entries, Entry{Name: f.Name, Label: f.Label, FieldID: f.ID, Text: text})
		}
	}
	return out
}

// partner lists the partner's words that apply, first that wins.
func (g *Guides) partner(locale, typ string) []forms.GuideText {
	var out []forms.GuideText
	for _, byType := range []map[string]forms.GuideText{g.locales[locale], g.top} {
		for _, k := range []string{typ, anyType} {
			if gt, ok := byType[k]; ok {
				out = append(out, gt)
			}
		}
	}
	return out
}

func (g *Guides) fieldText(l *i18n.Localizer, partner []forms.GuideText, typ, name string) string {
	for _, p := range partner {
		if s := strings.TrimSpace(p.Fields[name]); s != "" {
			return s
		}
	}
	if s := g.builtin(l, "guide.type."+Slug(typ)+"."+name); s != "" {
		return s
	}
	if s := g.builtin(l, "guide.field."+name); s != "" {
		return s
	}
	if alias, ok := aliases[name]; ok {
		return g.builtin(l, "guide.field."+alias)
	}
	return ""
}

// builtin is a catalog message, or "" when the catalog has no such id.
func (g *Guides) builtin(l *i18n.Localizer, id string, kv ...any) string {
	if !g.ids[id] {
		return ""
	}
	return l.T(id, kv...)
}

// Slug is a type as it appears in the catalog's message ids:
// "platform.google-analytics" becomes "platform_google_analytics".
func Slug(typ string) string { return slugger.Replace(typ) }

var slugger = strings.NewReplacer(".", "_", "-", "_")

// FieldsOf lists the fields a form shows, in form order: each group's
// switch, then its fields, an object's members after the object.
func FieldsOf(f *forms.Form) []Field {
	var out []Field
	EachField(f, func(fld Field) { out = append(out, fld) })
	return out
}

// EachField calls fn for each field a form shows, in FieldsOf's order.
func EachField(f *forms.Form, fn func(Field)) {
	var walk func(fld *forms.Field)
	walk = func(fld *forms.Field) {
		fn(Field{Name: fld.Name, Label: fld.Label, ID: fld.ID})
		for _, m := range fld.Members {
			walk(m)
		}
	}
	for _, grp := range f.Groups {
		if grp.Switch != nil {
			walk(grp.Switch)
		}
		for _, fld := range grp.Fields {
			walk(fld)
		}
	}
}
