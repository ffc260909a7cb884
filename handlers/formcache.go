package handlers

import (
	"bytes"
	"context"
	"maps"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/views"
)

// freshForms remembers, per type, the create form nobody has typed in yet
// and its rendered fields. Building a form from its report card and
// rendering its fields are most of the cost of a form page, and both depend
// only on the type's step (shared by every account in the TypeCache, and
// replaced when it refreshes), the type's defaults, the engine's texts and
// the page's language: the same for every visitor of a language until the
// card changes. The remembered form is
// never modified (a submission builds its own), so concurrent pages share
// it. One entry per type, ShowAll and language: memory is bounded by the
// catalog.
type freshForms struct {
	mu sync.RWMutex // every form page reads; a changed card writes
	m  map[freshKey]*freshForm
}

type freshKey struct {
	typ     string
	showAll bool
	loc     *i18n.Localizer // the page's language: the fields' words are in it
}

type freshForm struct {
	props    *connect.Property // identity of the step it was built from
	nprops   int
	defaults map[string]any
	form     *forms.Form
	fields   string // FormFields(form), rendered
}

func (e *freshForm) builtFrom(step connect.Step, defaults map[string]any) bool {
	return e.nprops == len(step.Properties) && (e.nprops == 0 || e.props == &step.Properties[0]) &&
		maps.Equal(e.defaults, defaults)
}

// get returns the fresh form of typ's step, building and rendering it when
// the step or the defaults changed.
func (ff *freshForms) get(ctx context.Context, engine *forms.Engine, typ string, step connect.Step, defaults map[string]any, showAll bool) (*freshForm, error) {
	key := freshKey{typ, showAll, i18n.From(ctx)}
	ff.mu.RLock()
	e := ff.m[key]
	ff.mu.RUnlock()
	if e != nil && e.builtFrom(step, defaults) {
		return e, nil
	}
	f := engine.In(key.loc).Build(typ, step, defaults, forms.BuildOptions{ShowAll: showAll})
	var buf bytes.Buffer
	if err := views.FormFields(f).Render(ctx, &buf); err != nil {
		return nil, err
	}
	e = &freshForm{defaults: defaults, form: f, fields: buf.String(), nprops: len(step.Properties)}
	if e.nprops > 0 {
		e.props = &step.Properties[0]
	}
	ff.mu.Lock()
	if ff.m == nil {
		ff.m = map[freshKey]*freshForm{}
	}
	ff.m[key] = e
	ff.mu.Unlock()
	return e, nil
}

// fields returns the rendered fields of f when f is a remembered fresh
// form, else "" (the page renders f itself).
func (ff *freshForms) fields(ctx context.Context, f *forms.Form, typ string, showAll bool) string {
	ff.mu.RLock()
	defer ff.mu.RUnlock()
	if e := ff.m[freshKey{typ, showAll, i18n.From(ctx)}]; e != nil && e.form == f {
		return e.fields
	}
	return ""
}

// freshForm is newForm for a page that only shows the form (GET): the form
// is shared, never modified; renderCreate then reuses its rendered fields.
func (h *Sources) freshForm(c echo.Context, typ string) (*connect.ReportCard, *forms.Form, error) {
	acct := mustAccount(c)
	rc, err := h.Types.SourceType(c.Request().Context(), acct.Token, typ)
	if err != nil {
		return nil, nil, err
	}
	step, ok := rc.Step(connect.StepForm)
	if !ok || !rc.Usable() {
		return nil, nil, echo.NewHTTPError(404)
	}
	e, err := h.fresh.get(c.Request().Context(), h.Forms, rc.Type, step, typeDefaults(rc, step), h.showAll(c))
	if err != nil {
		return nil, nil, err
	}
	return rc, e.form, nil
}
