package forms

import (
	"context"
	"log/slog"
	"sync"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
)

// EngineOptions configure an Engine.
type EngineOptions struct {
	// Texts are the partner's overrides of labels, hints and type names; nil for none.
	Texts *Texts
	// Logger receives the few things worth logging (schemas that fail to
	// compile, once each); nil discards them.
	Logger *slog.Logger
}

// Engine builds forms from report card steps. It holds the words and a cache
// of compiled schemas, and is safe for concurrent use; make one per program.
// It speaks English; In returns the same engine speaking a request's locale.
type Engine struct {
	texts  *Texts
	log    *slog.Logger
	schema *schemaCache
	words  *words       // the built-in words of the engine's locale
	local  *LocaleTexts // the partner's words of the engine's locale; nil for none
	en     *words       // English, for what is the same in every locale (catalog search)
	locs   *sync.Map    // *i18n.Localizer → *Engine, shared by an engine and its locales
}

// NewEngine returns an Engine.
func NewEngine(opts EngineOptions) *Engine {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	en := newWords(i18n.From(context.Background()))
	e := &Engine{texts: opts.Texts, log: log, words: en, en: en, locs: &sync.Map{}}
	e.schema = newSchemaCache(func(msg string, args ...any) { log.Warn(msg, args...) })
	return e
}

// In returns the engine speaking l's locale: the built-in words of that
// locale (i18n/locales/forms.LOC.toml) under the partner's words for it
// (Texts.Locales), the partner's top-level words, then the built-in ones.
// The engines of each locale are made once and shared; a nil l is English.
func (e *Engine) In(l *i18n.Localizer) *Engine {
	if l == nil || l == e.words.l {
		return e
	}
	if v, ok := e.locs.Load(l); ok {
		if le, ok := v.(*Engine); ok {
			return le
		}
	}
	le := *e
	le.words = newWords(l)
	le.local = e.texts.locale(l.Locale())
	v, _ := e.locs.LoadOrStore(l, &le)
	if got, ok := v.(*Engine); ok {
		return got
	}
	return &le
}

// Locale is the locale of the engine's words ("de").
func (e *Engine) Locale() string { return e.words.l.Locale() }

// TypeName returns the display name of a source or destination type, with
// the partner's overrides: for the locale, then the top-level ones.
func (e *Engine) TypeName(typ string) string {
	if n := e.local.typeName(typ); n != "" {
		return n
	}
	if e.texts != nil {
		if n := e.texts.Types[typ]; n != "" {
			return n
		}
	}
	return e.words.typeName(typ)
}

// OptionLabel returns the label of a property's option, with the partner's
// overrides, e.g. OptionLabel("frequency_in_minutes", "60") is "Every hour".
func (e *Engine) OptionLabel(name, value string) string { return e.optionLabel(name, value) }

// CheckValue validates a value that does not come from a form (a partner
// template's default) against its property's JSON schema, with the same
// compiled schema Decode uses; nil when it fits or no schema is published.
func (e *Engine) CheckValue(p connect.Property, v any) error {
	return validate(e.schema.get(p.JSONSchema), v)
}
