package i18n

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Localizer gives the words and formats of one locale. Build it with
// Catalog.Localizer; it is safe for concurrent use.
type Localizer struct {
	cat     *Catalog
	locale  string
	tag     language.Tag
	loc     *goi18n.Localizer
	printer *message.Printer
	dates   dateFormat
	// fast holds the non-plural messages whose templates only insert values
	// ({{.Name}}), split once: T then needs no template execution. Other
	// messages go through go-i18n (TestFastPathMatchesGoI18n keeps both equal).
	fast map[string]fastMessage
}

// fastMessage is a message split into literal text and the names of the
// values between it: lits has one more element than keys.
type fastMessage struct {
	lits []string
	keys []string
}

// simpleAction is a template action that only prints a value.
var simpleAction = regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// splitMessage returns the message's fast form, or false when its template
// does more than print values (then go-i18n executes it).
func splitMessage(tpl string) (fastMessage, bool) {
	var fm fastMessage
	last := 0
	for _, m := range simpleAction.FindAllStringSubmatchIndex(tpl, -1) {
		fm.lits = append(fm.lits, tpl[last:m[0]])
		fm.keys = append(fm.keys, tpl[m[2]:m[3]])
		last = m[1]
	}
	fm.lits = append(fm.lits, tpl[last:])
	for _, l := range fm.lits {
		if strings.Contains(l, "{{") || strings.Contains(l, "}}") {
			return fastMessage{}, false
		}
	}
	return fm, true
}

// render fills the message with kv (name, value pairs), printing values as
// text/template does.
func (fm fastMessage) render(kv []any) string {
	if len(fm.keys) == 0 {
		return fm.lits[0]
	}
	var b strings.Builder
	for i, k := range fm.keys {
		b.WriteString(fm.lits[i])
		b.WriteString(lookup(kv, k))
	}
	b.WriteString(fm.lits[len(fm.lits)-1])
	return b.String()
}

func lookup(kv []any, key string) string {
	var v any
	found := false
	for i := 0; i+1 < len(kv); i += 2 { // the last pair of a name wins, as in a map
		if k, ok := kv[i].(string); ok && k == key {
			v, found = kv[i+1], true
		}
	}
	if !found || v == nil {
		return "<no value>"
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func newLocalizer(c *Catalog, locale string) *Localizer {
	tag := language.MustParse(locale)
	l := &Localizer{cat: c, locale: locale, tag: tag, loc: goi18n.NewLocalizer(c.bundle, locale)}
	base, _ := tag.Base()
	l.printer = message.NewPrinter(language.Make(base.String()))
	l.dates = dateFormats[locale]
	l.fast = map[string]fastMessage{}
	for _, id := range c.ids {
		if c.plurals[id] {
			continue
		}
		msg := c.raw[locale][id]
		if msg == nil {
			msg = c.raw[Shipped[0]][id] // go-i18n falls back to the source language too
		}
		if msg == nil || msg.Other == "" {
			continue
		}
		if fm, ok := splitMessage(msg.Other); ok {
			l.fast[id] = fm
		}
	}
	return l
}

// Locale is the localizer's locale ("de"), as Negotiate names it.
func (l *Localizer) Locale() string { return l.locale }

// Lang is the value of the lang attribute of pages in this locale.
func (l *Localizer) Lang() string { return l.locale }

// T returns a message; kv are its template data as name, value pairs
// (T("done.heading", "Name", name)). A message missing from the catalog
// reads as its id, so tests notice it.
func (l *Localizer) T(id string, kv ...any) string {
	if fm, ok := l.fast[id]; ok {
		return fm.render(kv)
	}
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data(kv)})
}

// N returns the plural form of a message for count n; the template reads
// the count, formatted for the locale, as {{.Count}}.
func (l *Localizer) N(id string, n int, kv ...any) string {
	d := data(kv)
	d["Count"] = l.Number(n)
	return l.localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: n})
}

func (l *Localizer) localize(lc *goi18n.LocalizeConfig) string {
	s, err := l.loc.Localize(lc)
	var nf *goi18n.MessageNotFoundErr
	if err != nil && s == "" && errors.As(err, &nf) {
		return lc.MessageID
	}
	return s // a fallback (English, or the "other" form) is better than nothing
}

func data(kv []any) map[string]any {
	d := make(map[string]any, len(kv)/2+1)
	for i := 0; i+1 < len(kv); i += 2 {
		if k, ok := kv[i].(string); ok {
			d[k] = kv[i+1]
		}
	}
	return d
}

// Number formats an integer with the locale's digit grouping: 12,345 in
// English, 12.345 in German and Spanish, 12 345 in French. Spanish groups
// only from five digits (CLDR's minimum grouping digits: 1234, 12.345).
func (l *Localizer) Number(n int) string {
	if l.locale == "es" && n > -10000 && n < 10000 {
		return strconv.Itoa(n)
	}
	return l.printer.Sprintf("%d", n)
}

// Date formats a day: "1 December 2026", "1. Dezember 2026",
// "1er décembre 2026", "1 de diciembre de 2026".
func (l *Localizer) Date(t time.Time) string { return l.dates.date(t) }

// DateTime formats a moment in UTC: "1 December 2026 at 15:04 UTC".
func (l *Localizer) DateTime(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf(l.dates.dateTime, l.dates.date(t), t.Format("15:04"))
}

// Relative describes t from now in words: "just now", "3 days ago",
// "in 2 hours", "yesterday"; beyond a year ago or ahead it is a date.
func (l *Localizer) Relative(t, now time.Time) string {
	d := now.Sub(t)
	past := d >= 0
	if !past {
		d = -d
	}
	unit, n := "", 0
	switch {
	case d < time.Minute:
		return l.T("time.justNow")
	case d < time.Hour:
		unit, n = "Minutes", int(d/time.Minute)
	case d < 24*time.Hour:
		unit, n = "Hours", int(d/time.Hour)
	case d < 48*time.Hour:
		if past {
			return l.T("time.yesterday")
		}
		return l.T("time.tomorrow")
	case d < 30*24*time.Hour:
		unit, n = "Days", int(d/(24*time.Hour))
	case d < 365*24*time.Hour:
		unit, n = "Months", int(d/(30*24*time.Hour))
	default:
		return l.Date(t)
	}
	if past {
		return l.N("time."+lowerFirst(unit)+"Ago", n)
	}
	return l.N("time.in"+unit, n)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

type localizerKey struct{}

// WithLocalizer returns ctx carrying l, for templates and handlers.
func WithLocalizer(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, localizerKey{}, l)
}

// fallback serves contexts that carry no localizer (a component rendered
// outside a request): English.
var fallback = MustNew(Options{}).Localizer("en")

// From returns the context's localizer, or English when it has none.
func From(ctx context.Context) *Localizer {
	if ctx != nil {
		if l, ok := ctx.Value(localizerKey{}).(*Localizer); ok && l != nil {
			return l
		}
	}
	return fallback
}
