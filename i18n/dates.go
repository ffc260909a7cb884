package i18n

import (
	"strconv"
	"time"
)

// dateFormat is how a locale writes a day and a moment. CLDR's long date
// patterns, written out for the four locales rather than pulled from a
// library: they are small and stable.
type dateFormat struct {
	months [12]string
	// day writes the day of the month ("1er" in French).
	day func(d int) string
	// layout joins day, month name and year.
	layout func(day, month string, year int) string
	// dateTime is a fmt pattern of the date and the time ("%s at %s UTC").
	dateTime string
}

func (f dateFormat) date(t time.Time) string {
	return f.layout(f.day(t.Day()), f.months[t.Month()-1], t.Year())
}

func plainDay(d int) string { return strconv.Itoa(d) }

var dateFormats = map[string]dateFormat{
	"en": {
		months:   [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		day:      plainDay,
		layout:   func(d, m string, y int) string { return d + " " + m + " " + strconv.Itoa(y) },
		dateTime: "%s at %s UTC",
	},
	"de": {
		months:   [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		day:      func(d int) string { return strconv.Itoa(d) + "." },
		layout:   func(d, m string, y int) string { return d + " " + m + " " + strconv.Itoa(y) },
		dateTime: "%s um %s UTC",
	},
	"fr": {
		months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		day: func(d int) string {
			if d == 1 {
				return "1er"
			}
			return strconv.Itoa(d)
		},
		layout:   func(d, m string, y int) string { return d + " " + m + " " + strconv.Itoa(y) },
		dateTime: "%s à %s UTC",
	},
	"es": {
		months:   [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		day:      plainDay,
		layout:   func(d, m string, y int) string { return d + " de " + m + " de " + strconv.Itoa(y) },
		dateTime: "%s a las %s UTC",
	},
}

func init() {
	// The pseudo-locale writes English dates with its words marked.
	p := dateFormats["en"]
	for i, m := range p.months {
		p.months[i] = PseudoOpen + m + PseudoClose
	}
	p.dateTime = "%s " + PseudoOpen + "at" + PseudoClose + " %s UTC"
	dateFormats[Pseudo] = p
}
