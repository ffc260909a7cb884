package forms

import (
	"log/slog"
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
type Engine struct {
	texts  *Texts
	log    *slog.Logger
	schema *schemaCache
}

// NewEngine returns an Engine.
func NewEngine(opts EngineOptions) *Engine {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	e := &Engine{texts: opts.Texts, log: log}
	e.schema = newSchemaCache(func(msg string, args ...any) { log.Warn(msg, args...) })
	return e
}

// TypeName returns the display name of a source or destination type, with
// the partner's overrides.
func (e *Engine) TypeName(typ string) string { return e.texts.TypeName(typ) }

// OptionLabel returns the label of a property's option, with the partner's
// overrides, e.g. OptionLabel("frequency_in_minutes", "60") is "Every hour".
func (e *Engine) OptionLabel(name, value string) string { return e.texts.optionLabel(name, value) }
