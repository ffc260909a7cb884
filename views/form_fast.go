package views

import (
	"bytes"
	"context"
	"io"
	"sync"

	"github.com/a-h/templ"

	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/i18n"
)

// The most frequent pieces of a generated form (label, hint and error, text
// input) are written by hand: templ's generated code formats every value
// through fmt, which made large forms miss their 50 µs render budget. Every
// value is HTML-escaped exactly as templ would; the golden files prove the
// output is unchanged.

type htmlWriter struct {
	b bytes.Buffer
}

var writers = sync.Pool{New: func() any { w := &htmlWriter{}; w.b.Grow(2048); return w }}

func getWriter() *htmlWriter { return writers.Get().(*htmlWriter) }

func putWriter(w *htmlWriter) {
	if w.b.Cap() <= 64<<10 {
		w.b.Reset()
		writers.Put(w)
	}
}

func (w *htmlWriter) raw(s string) { w.b.WriteString(s) }

// text writes s escaped like html.EscapeString (&, <, >, " and '), without
// allocating when there is nothing to escape.
func (w *htmlWriter) text(s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&#34;"
		case '\'':
			esc = "&#39;"
		default:
			continue
		}
		w.b.WriteString(s[last:i])
		w.b.WriteString(esc)
		last = i + 1
	}
	w.b.WriteString(s[last:])
}

// attr writes ` name="value"`.
func (w *htmlWriter) attr(name, value string) {
	w.b.WriteByte(' ')
	w.b.WriteString(name)
	w.b.WriteString(`="`)
	w.text(value)
	w.b.WriteByte('"')
}

func (w *htmlWriter) flush(out io.Writer) error {
	_, err := out.Write(w.b.Bytes())
	w.b.Reset()
	return err
}

func (w *htmlWriter) label(f *forms.Field, l *i18n.Localizer) {
	w.raw(`<label class="field__label"`)
	w.attr("for", f.ID)
	w.raw(">")
	w.text(f.Label)
	if f.Optional && !f.ReadOnly {
		w.raw(` <span class="field__optional">`)
		w.text(l.T("common.optional"))
		w.raw(`</span>`)
	}
	w.raw("</label>")
}

// errorMessage writes a field's error, GOV.UK style, when it has one.
func (w *htmlWriter) errorMessage(f *forms.Field, l *i18n.Localizer) {
	if f.Error == "" {
		return
	}
	w.raw(`<p class="error-message"`)
	w.attr("id", f.ErrorID())
	w.raw(`><span class="visually-hidden">`)
	w.text(l.T("common.errorPrefix"))
	w.raw(`</span> `)
	w.text(f.Error)
	if f.Detail != "" {
		w.raw(`<span class="error-detail">`)
		w.text(l.T("common.stitchSaid") + " " + l.T("common.quoted", "Text", f.Detail))
		w.raw(`</span>`)
	}
	w.raw("</p>")
}

func (w *htmlWriter) hintAndError(f *forms.Field, l *i18n.Localizer) {
	if f.Hint != "" {
		w.raw(`<p class="field__hint"`)
		w.attr("id", f.HintID())
		if f.Locked {
			w.attr("data-testid", "locked-"+f.Name) // the partner's note (package presets)
		}
		w.raw(">")
		w.text(f.Hint)
		w.raw("</p>")
	}
	w.errorMessage(f, l)
}

func (w *htmlWriter) input(f *forms.Field) {
	if f.Credential {
		w.raw(`<div class="field__control field__control--secret">`)
	} else {
		w.raw(`<div class="field__control">`)
	}
	w.raw(`<input class="field__input"`)
	w.attr("type", f.InputType)
	w.attr("id", f.ID)
	w.attr("name", f.Name)
	if !f.Credential {
		w.attr("value", f.Value)
	}
	if f.Placeholder != "" {
		w.attr("placeholder", f.Placeholder)
	}
	if f.InputMode != "" {
		w.attr("inputmode", f.InputMode)
	}
	if f.Autocomplete != "" {
		w.attr("autocomplete", f.Autocomplete)
	}
	if f.Credential {
		w.raw(` spellcheck="false" data-secret`)
	}
	if f.Required {
		w.raw(` aria-required="true"`)
	}
	if d := f.DescribedBy(); d != "" {
		w.attr("aria-describedby", d)
	}
	if f.Error != "" {
		w.raw(` aria-invalid="true"`)
	}
	w.raw("></div>")
}

// fieldLabel renders a field's label, "(optional)" included.
func fieldLabel(f *forms.Field) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, out io.Writer) error {
		w := getWriter()
		defer putWriter(w)
		w.label(f, i18n.From(ctx))
		return w.flush(out)
	})
}

// fieldHintAndError renders a field's hint and error message, when present.
func fieldHintAndError(f *forms.Field) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, out io.Writer) error {
		w := getWriter()
		defer putWriter(w)
		w.hintAndError(f, i18n.From(ctx))
		return w.flush(out)
	})
}

func (w *htmlWriter) checkbox(f *forms.Field, l *i18n.Localizer) {
	w.errorMessage(f, l)
	w.raw(`<div class="checkbox"><input type="checkbox"`)
	w.attr("id", f.ID)
	w.attr("name", f.Name)
	w.raw(` value="true"`)
	if f.Checked {
		w.raw(" checked")
	}
	if d := f.DescribedBy(); d != "" {
		w.attr("aria-describedby", d)
	}
	if f.Error != "" {
		w.raw(` aria-invalid="true"`)
	}
	w.raw("><label")
	w.attr("for", f.ID)
	w.raw(">")
	w.text(f.Label)
	w.raw("</label></div>")
	if f.Hint != "" {
		w.raw(`<p class="field__hint field__hint--checkbox"`)
		w.attr("id", f.HintID())
		w.raw(">")
		w.text(f.Hint)
		w.raw("</p>")
	}
}

// FieldBlock renders one field with its label, hint and error, in a wrapper
// naming its property (data-property) for QA.
func FieldBlock(f *forms.Field) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, out io.Writer) error {
		w := getWriter()
		defer putWriter(w)
		l := i18n.From(ctx)
		w.raw("<div")
		w.attr("class", fieldClass(f))
		w.attr("data-property", f.Name)
		w.attr("data-testid", "field-"+f.Name)
		w.raw(">")
		var inner templ.Component
		switch {
		case f.Widget == forms.WidgetCheckbox:
			w.checkbox(f, l)
		case f.Widget == forms.WidgetRows:
			inner = rowsField(f)
		case f.Widget == forms.WidgetObject:
			inner = objectField(f)
		case f.Saved || f.Kept:
			inner = savedCredential(f)
		case f.Widget == forms.WidgetInput:
			w.label(f, l)
			w.hintAndError(f, l)
			w.input(f)
		default:
			w.label(f, l)
			w.hintAndError(f, l)
			inner = control(f)
		}
		if inner != nil {
			if err := w.flush(out); err != nil {
				return err
			}
			if err := inner.Render(ctx, out); err != nil {
				return err
			}
		}
		w.raw("</div>")
		return w.flush(out)
	})
}
