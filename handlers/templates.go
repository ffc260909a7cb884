package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/presets"
)

// embedTemplateKey is the session slot naming the launch's template.
const embedTemplateKey = "tpl"

// Templates finds the partner template of a page (package presets): the
// global one (ONRAMP_TEMPLATES_FILE) with the launch's laid over it.
//
// A launch's template is kept in the shared store, not in the session: the
// session is a cookie that already carries the token, theme, return URL and
// queued events under a 4 KB limit, and a template may hold several types'
// values (up to the launch body's 16 KB). The session holds only a random
// id; the store keeps the template for 24 hours (Claims.Resolve), longer
// than a session lives, and every replica reads it (Redis).
type Templates struct {
	Global presets.Template
	Store  Claims
}

func templateStoreKey(id string) string { return "template:" + id }

// save keeps a launch's template and returns the id the session names it by.
func (t *Templates) save(ctx context.Context, tpl presets.Template) (string, error) {
	b, err := json.Marshal(tpl)
	if err != nil {
		return "", fmt.Errorf("encode launch template: %w", err)
	}
	id := randomToken(18)
	if err := t.Store.Resolve(ctx, templateStoreKey(id), string(b)); err != nil {
		return "", fmt.Errorf("store launch template: %w", err)
	}
	return id, nil
}

// raw is the JSON of this session's launch template, "" when it has none.
func (t *Templates) raw(c echo.Context) (string, error) {
	id := sessionOf(c).Get(embedTemplateKey)
	if t == nil || id == "" {
		return "", nil
	}
	raw, err := t.Store.Result(c.Request().Context(), templateStoreKey(id))
	if err != nil {
		return "", fmt.Errorf("read launch template: %w", err)
	}
	if raw == "" {
		return "", echo.NewHTTPError(http.StatusGone).SetInternal(errTemplateGone)
	}
	return raw, nil
}

// saveRaw keeps a template's JSON (from a hand-off record) for a new session.
func (t *Templates) saveRaw(ctx context.Context, raw string) (string, error) {
	tpl, err := presets.Parse([]byte(raw))
	if err != nil {
		return "", fmt.Errorf("read hand-off template: %w", err)
	}
	return t.save(ctx, tpl)
}

// errTemplateGone is a session naming a launch template the store no longer has.
var errTemplateGone = errors.New("the launch's template is no longer stored")

// rules returns the rules of typ for this session: the global template's,
// with the launch's over them, property by property.
func (t *Templates) rules(c echo.Context, typ string) (presets.Rules, error) {
	if t == nil {
		return presets.Rules{}, nil
	}
	// A template the store lost answers 410 (raw): never fall back to
	// fewer rules than the partner asked for.
	launch, err := t.launch(c)
	if err != nil {
		return presets.Rules{}, err
	}
	global := t.Global.Rules(typ)
	if launch == nil {
		return global, nil
	}
	return presets.Merge(global, launch.Rules(typ)), nil
}

// launchMemo is a request's reading of its launch template.
type launchMemo struct {
	id  string // the session's template id it was read for
	tpl presets.Template
	err error
}

// launchMemoKey is the echo context slot of the request's launchMemo.
const launchMemoKey = "onramp.launchTemplate"

// launch is this session's launch template (nil: none), read from the store
// and parsed once per request however often the request's forms ask (a
// repair or edit save builds its form and then enforces the same rules).
func (t *Templates) launch(c echo.Context) (presets.Template, error) {
	id := sessionOf(c).Get(embedTemplateKey)
	if m, ok := c.Get(launchMemoKey).(*launchMemo); ok && m.id == id {
		return m.tpl, m.err
	}
	m := &launchMemo{id: id}
	raw, err := t.raw(c)
	if err == nil && raw != "" {
		if m.tpl, err = presets.Parse([]byte(raw)); err != nil {
			err = fmt.Errorf("read launch template: %w", err)
		}
	}
	m.err = err
	c.Set(launchMemoKey, m)
	return m.tpl, m.err
}

// lockedNote is the note of a locked field, in the page's language.
func (u *UI) lockedNote(c echo.Context) string {
	if u.PartnerName != "" {
		return tr(c).T("presets.lockedBy", "Name", u.PartnerName)
	}
	return tr(c).T("presets.locked")
}

// templatedForm builds a form step of typ with rules applied: hidden
// properties left out, locked ones read-only with the partner's note.
func (h *Sources) templatedForm(c echo.Context, r presets.Rules, typ string, step connect.Step, values map[string]any, opts forms.BuildOptions) *forms.Form {
	f := h.Forms.In(tr(c)).Build(typ, r.Step(step), values, r.BuildOptions(opts))
	r.Mark(f, h.lockedNote(c))
	return f
}

// enforce applies the rules to a decoded submission; a value sent for a
// locked or hidden property is put on the form as an error (see refused).
func (h *Sources) enforce(c echo.Context, r presets.Rules, typ string, step connect.Step, edit bool, values map[string][]string, f *forms.Form, props map[string]any) bool {
	err := r.Enforce(typ, step, edit, values, props)
	if err == nil {
		return true
	}
	var pe *presets.Error
	name := ""
	if errors.As(err, &pe) {
		name = pe.Property
	}
	h.Log.Warn("submission refused: a value for a property the partner's template sets", "id", RequestID(c.Request().Context()), "type", typ, "property", name)
	f.AddError("submit", tr(c).T("presets.refused"))
	return false
}
