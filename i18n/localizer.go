package i18n

import (
	"context"
	"errors"
	"fmt"
	"strconv"
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
}

func newLocalizer(c *Catalog, locale string) *Localizer {
	tag := language.MustParse(locale)
	l := &Localizer{cat: c, locale: locale, tag: tag, loc: goi18n.NewLocalizer(c.bundle, locale)}
	base, _ := tag.Base()
	l.printer = message.NewPrinter(language.Make(base.String()))
	l.dates = dateFormats[locale]
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
