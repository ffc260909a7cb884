// Package i18n is Onramp's message catalog: the words of every page in
// English, German, French and Spanish (go-i18n v2 message files with CLDR
// plural rules, embedded), the choice of a request's locale, and the
// formatting of numbers, dates and relative dates per locale. It knows no
// HTTP: handlers negotiate with Catalog.Negotiate and put the Localizer on
// the request's context (WithLocalizer); templates read it back (From).
//
// A pseudo-locale, en-XA, marks every translated string as ⟦…⟧ so a test can
// find words that bypass the catalog; it is offered only when enabled.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var localeFiles embed.FS

// Shipped are the locales Onramp ships, in the switcher's order; the first
// is the catalog's source language.
var Shipped = []string{"en", "de", "fr", "es"}

// Pseudo is the pseudo-locale that marks every translated string.
const Pseudo = "en-XA"

// Pseudo-locale marks around every translated string.
const (
	PseudoOpen  = "⟦"
	PseudoClose = "⟧"
)

// names are the locales' names in their own language, for the switcher.
var names = map[string]string{"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", Pseudo: "Pseudo"}

// Options configure a Catalog.
type Options struct {
	// Default is the locale used when nothing else decides (ONRAMP_DEFAULT_LOCALE);
	// empty means English. It must be a shipped locale (or Pseudo when enabled).
	Default string
	// Pseudo offers the pseudo-locale en-XA (tests, translators).
	Pseudo bool
	// Overrides are a partner's words per locale: locale → message id →
	// either a string or a plural object {"one": …, "other": …}. They
	// replace the catalog's message for that locale only.
	Overrides map[string]map[string]json.RawMessage
}

// Catalog holds every message of every locale. It is safe for concurrent use
// once built.
type Catalog struct {
	bundle    *goi18n.Bundle
	tags      []language.Tag // shipped, matcher order
	matcher   language.Matcher
	def       string
	pseudo    bool
	ids       []string            // every message id of the source language, sorted
	files     map[string][]string // locale → message ids its file defines
	plurals   map[string]bool     // ids of plural messages
	localizer map[string]*Localizer
	// raw are the messages as the bundle holds them, locale → id (the last
	// added wins, as in the bundle): the source of Localizer.T's fast path.
	raw map[string]map[string]*goi18n.Message
	// negotiated remembers Negotiate's answers (parsing Accept-Language
	// and matching it is a good part of a page's cost otherwise).
	negotiated  sync.Map // negotiation → locale
	negotiatedN atomic.Int64
}

// keep records messages added to the bundle for a locale.
func (c *Catalog) keep(locale string, msgs []*goi18n.Message) {
	m := c.raw[locale]
	if m == nil {
		m = map[string]*goi18n.Message{}
		c.raw[locale] = m
	}
	for _, msg := range msgs {
		m[msg.ID] = msg
	}
}

// New loads the embedded message files and applies opts.
func New(opts Options) (*Catalog, error) {
	c := &Catalog{
		bundle:    goi18n.NewBundle(language.English),
		files:     map[string][]string{},
		plurals:   map[string]bool{},
		localizer: map[string]*Localizer{},
		raw:       map[string]map[string]*goi18n.Message{},
		pseudo:    opts.Pseudo,
	}
	c.bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	var source []*goi18n.Message
	for _, loc := range Shipped {
		paths, err := localePaths(loc)
		if err != nil {
			return nil, err
		}
		for _, path := range paths {
			mf, err := c.bundle.LoadMessageFileFS(localeFiles, path)
			if err != nil {
				return nil, fmt.Errorf("i18n: load %s: %w", path, err)
			}
			for _, m := range mf.Messages {
				c.files[loc] = append(c.files[loc], m.ID)
			}
			c.keep(loc, mf.Messages)
			if loc == Shipped[0] {
				source = append(source, mf.Messages...)
			}
		}
		seen := map[string]bool{}
		for _, id := range c.files[loc] {
			if seen[id] {
				return nil, fmt.Errorf("i18n: %s: message %q is defined in two files", loc, id)
			}
			seen[id] = true
		}
		c.tags = append(c.tags, language.MustParse(loc))
	}
	for _, m := range source {
		c.ids = append(c.ids, m.ID)
		if m.One != "" {
			c.plurals[m.ID] = true
		}
	}
	sort.Strings(c.ids)
	c.matcher = language.NewMatcher(c.tags)
	if opts.Pseudo {
		pt := language.MustParse(Pseudo)
		marked := make([]*goi18n.Message, 0, len(source))
		for _, m := range source {
			marked = append(marked, pseudoMessage(m))
		}
		c.keep(Pseudo, marked)
		if err := c.bundle.AddMessages(pt, marked...); err != nil {
			return nil, fmt.Errorf("i18n: pseudo-locale: %w", err)
		}
	}
	if err := c.applyOverrides(opts.Overrides); err != nil {
		return nil, err
	}
	c.def = Shipped[0]
	if opts.Default != "" {
		d, ok := c.Supported(opts.Default)
		if !ok {
			return nil, fmt.Errorf("i18n: default locale %q is not one of %s", opts.Default, strings.Join(c.Locales(), ", "))
		}
		c.def = d
	}
	for _, loc := range c.Locales() {
		c.localizer[loc] = newLocalizer(c, loc)
	}
	return c, nil
}

// localePaths lists a locale's message files: locales/LOC.toml, then every
// locales/AREA.LOC.toml (one file an area, such as forms or the setup guide),
// sorted. A message id defined twice is refused.
func localePaths(loc string) ([]string, error) {
	extra, err := fs.Glob(localeFiles, "locales/*."+loc+".toml")
	if err != nil {
		return nil, fmt.Errorf("i18n: list %s files: %w", loc, err)
	}
	sort.Strings(extra)
	return append([]string{"locales/" + loc + ".toml"}, extra...), nil
}

// MustNew is New for tests and fixed options; it panics on error.
func MustNew(opts Options) *Catalog {
	c, err := New(opts)
	if err != nil {
		panic(err)
	}
	return c
}

func pseudoMessage(m *goi18n.Message) *goi18n.Message {
	mark := func(s string) string {
		if s == "" {
			return ""
		}
		return PseudoOpen + s + PseudoClose
	}
	return &goi18n.Message{ID: m.ID, Zero: mark(m.Zero), One: mark(m.One), Two: mark(m.Two), Few: mark(m.Few), Many: mark(m.Many), Other: mark(m.Other)}
}

// applyOverrides replaces messages with a partner's words, per locale.
// Unknown locales and message ids are refused so a typo does not silently
// leave the built-in words in place.
func (c *Catalog) applyOverrides(ov map[string]map[string]json.RawMessage) error {
	known := map[string]bool{}
	for _, id := range c.ids {
		known[id] = true
	}
	locs := make([]string, 0, len(ov))
	for loc := range ov {
		locs = append(locs, loc)
	}
	sort.Strings(locs)
	for _, loc := range locs {
		tag, ok := c.Supported(loc)
		if !ok {
			return fmt.Errorf("i18n: texts for locale %q: not one of %s", loc, strings.Join(c.Locales(), ", "))
		}
		var msgs []*goi18n.Message
		for id, raw := range ov[loc] {
			if !known[id] {
				return fmt.Errorf("i18n: texts for locale %q: unknown message %q", loc, id)
			}
			m, err := overrideMessage(id, raw)
			if err != nil {
				return fmt.Errorf("i18n: texts for locale %q, message %q: %w", loc, id, err)
			}
			msgs = append(msgs, m)
		}
		c.keep(tag, msgs)
		if err := c.bundle.AddMessages(language.MustParse(tag), msgs...); err != nil {
			return fmt.Errorf("i18n: texts for locale %q: %w", loc, err)
		}
	}
	return nil
}

func overrideMessage(id string, raw json.RawMessage) (*goi18n.Message, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if s == "" {
			return nil, fmt.Errorf("empty text")
		}
		return &goi18n.Message{ID: id, Other: s}, nil
	}
	var p struct {
		Zero, One, Two, Few, Many, Other string
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("want a string or {\"one\": …, \"other\": …}: %w", err)
	}
	if p.Other == "" {
		return nil, fmt.Errorf("a plural text needs \"other\"")
	}
	return &goi18n.Message{ID: id, Zero: p.Zero, One: p.One, Two: p.Two, Few: p.Few, Many: p.Many, Other: p.Other}, nil
}

// Locales lists the locales a user may choose: the shipped ones, then the
// pseudo-locale when enabled.
func (c *Catalog) Locales() []string {
	out := append([]string(nil), Shipped...)
	if c.pseudo {
		out = append(out, Pseudo)
	}
	return out
}

// Name is a locale's name in its own language ("Deutsch").
func Name(locale string) string { return names[locale] }

// Default is the catalog's default locale.
func (c *Catalog) Default() string { return c.def }

// Supported maps a BCP 47 tag ("de-AT", "en_GB", "FR") to the shipped locale
// that serves it, if any. The pseudo-locale matches only itself.
func (c *Catalog) Supported(tag string) (string, bool) {
	tag = strings.TrimSpace(strings.ReplaceAll(tag, "_", "-"))
	if tag == "" {
		return "", false
	}
	if strings.EqualFold(tag, Pseudo) {
		return Pseudo, c.pseudo
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", false
	}
	return c.match([]language.Tag{t})
}

func (c *Catalog) match(tags []language.Tag) (string, bool) {
	if len(tags) == 0 {
		return "", false
	}
	_, i, conf := c.matcher.Match(tags...)
	if conf == language.No {
		return "", false
	}
	return Shipped[i], true
}

// Negotiate picks a request's locale, first that decides: a launch's locale
// (kept in the session), the language switcher's cookie, the browser's
// Accept-Language, then the default.
func (c *Catalog) Negotiate(launch, cookie, acceptLanguage string) string {
	k := negotiation{launch, cookie, acceptLanguage}
	if v, ok := c.negotiated.Load(k); ok {
		return v.(string)
	}
	loc := c.negotiate(launch, cookie, acceptLanguage)
	// Browsers send few distinct, short headers: remember the first
	// answers, a bounded number of bounded size (random or huge headers
	// cannot grow the memory).
	if len(launch)+len(cookie)+len(acceptLanguage) <= maxNegotiationBytes && c.negotiatedN.Add(1) <= maxNegotiated {
		c.negotiated.Store(k, loc)
	}
	return loc
}

// negotiation is what Negotiate decides from.
type negotiation struct{ launch, cookie, acceptLanguage string }

// maxNegotiated bounds the remembered negotiations, maxNegotiationBytes the
// size of one (real Accept-Language headers are well under 100 bytes).
const (
	maxNegotiated       = 4096
	maxNegotiationBytes = 256
)

func (c *Catalog) negotiate(launch, cookie, acceptLanguage string) string {
	for _, pick := range []string{launch, cookie} {
		if loc, ok := c.Supported(pick); ok {
			return loc
		}
	}
	if tags, _, err := language.ParseAcceptLanguage(acceptLanguage); err == nil {
		if loc, ok := c.match(tags); ok {
			return loc
		}
	}
	return c.def
}

// Localizer returns the localizer of a locale chosen by Negotiate or
// Supported; any other value gets the default locale's.
func (c *Catalog) Localizer(locale string) *Localizer {
	if l, ok := c.localizer[locale]; ok {
		return l
	}
	return c.localizer[c.def]
}

// MessageIDs lists every message id of the catalog, sorted.
func (c *Catalog) MessageIDs() []string { return append([]string(nil), c.ids...) }

// IsPlural reports whether a message has plural forms.
func (c *Catalog) IsPlural(id string) bool { return c.plurals[id] }

// Missing lists, per shipped locale, the source messages its file lacks,
// and the messages it has that the source does not (stale), sorted.
func (c *Catalog) Missing() (missing, stale map[string][]string) {
	missing, stale = map[string][]string{}, map[string][]string{}
	src := map[string]bool{}
	for _, id := range c.ids {
		src[id] = true
	}
	for _, loc := range Shipped[1:] {
		has := map[string]bool{}
		for _, id := range c.files[loc] {
			has[id] = true
			if !src[id] {
				stale[loc] = append(stale[loc], id)
			}
		}
		for _, id := range c.ids {
			if !has[id] {
				missing[loc] = append(missing[loc], id)
			}
		}
		sort.Strings(stale[loc])
	}
	return missing, stale
}

// filesFS lets tests read the message files themselves.
func filesFS() fs.FS { return localeFiles }
