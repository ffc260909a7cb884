package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/seal"
	"github.com/onramp/onramp/store"
	"github.com/onramp/onramp/views"
)

// sealSessionKey names the session slot holding the random value sealed
// secrets are bound to: a value sealed in one session opens in no other.
const sealSessionKey = "seal"

// basedOnField carries the version of a source or destination an edit form
// was built from, so a save over a newer change is caught (see conflict).
const basedOnField = "_based_on"

func sealSession(c echo.Context) string {
	s := sessionOf(c)
	if v := s.Get(sealSessionKey); v != "" {
		return v
	}
	v := randomToken(18)
	s.Set(sealSessionKey, v)
	return v
}

// formScope names the form a POST came from: its path and, for a create
// form, its single-use token. The normal form and the kept form below use
// the same scope, so a secret sealed by one opens in the other.
func formScope(c echo.Context) string {
	return c.Request().URL.Path + "|" + c.FormValue(formTokenField)
}

// keeperFor seals the typed secrets of the request's form.
func keeperFor(c echo.Context, s *seal.Sealer) forms.Keeper {
	return seal.Scope{S: s, Session: sealSession(c), Form: formScope(c)}
}

// Keep is the one failure path of every form POST: when a handler fails for
// a reason that trying again may fix (Stitch did not answer, answered 5xx or
// 429, or something broke on our side) before or after its Stitch call, the
// same form comes back with everything typed (secrets sealed, never echoed),
// an error summary in plain words and a "Try again" button, instead of the
// generic error page.
type Keep struct {
	*UI
	Forms *forms.Engine
	Seal  *seal.Sealer
}

// Typed is the middleware applied to form POST routes.
func (k *Keep) Typed(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := next(c)
		if err == nil || c.Response().Committed || c.Request().Method != http.MethodPost || !retryable(err) {
			return err
		}
		return k.render(c, err)
	}
}

// retryable reports whether sending the same form again may succeed.
func retryable(err error) bool {
	var he *echo.HTTPError
	var ae *connect.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, ErrCSRF), errors.Is(err, errPartnerConfig):
		return false
	case connect.IsUnauthorized(err), connect.IsNotFound(err):
		return false
	case connect.IsUpstreamUnavailable(err):
		return true
	case errors.As(err, &he):
		return he.Code >= 500
	case errors.As(err, &ae):
		return ae.Status >= 500
	}
	return true // an internal error: the user's input is still worth keeping
}

// upstreamMessage says in plain words, in l's language, why a form was not saved.
func upstreamMessage(l *i18n.Localizer, err error) string {
	var ne *connect.NetworkError
	var ae *connect.Error
	switch {
	case errors.Is(err, store.ErrUnavailable):
		return l.T("keep.storeDown")
	case connect.IsRateLimited(err):
		return l.T("keep.busy")
	case errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded):
		return l.T("keep.timeout")
	case errors.As(err, &ae) && ae.Status >= 500:
		return l.T("keep.stitchError")
	}
	return l.T("keep.internal")
}

// keptAfter logs, for operators, a Stitch failure after which a form was
// shown again with what was typed (the error text is redacted by connect).
func (u *UI) keptAfter(c echo.Context, status int, err error) {
	if status >= 500 {
		u.Log.Warn("stitch failed; form kept", "id", RequestID(c.Request().Context()), "path", c.Request().URL.Path, "err", err)
	}
}

// render shows the submitted form again without its report card, built
// from the submission alone (forms.Engine.Unloaded).
func (k *Keep) render(c echo.Context, cause error) error {
	ctx := c.Request().Context()
	values, err := c.FormParams()
	if err != nil {
		return cause
	}
	k.Log.Warn("form kept after a failure", "id", RequestID(ctx), "path", c.Request().URL.Path, "err", cause)
	f := k.Forms.In(tr(c)).Unloaded("", "", values, keeperFor(c, k.Seal), "display_name", "confirm_replace")
	f.AddError("submit", upstreamMessage(tr(c), cause))
	path := c.Request().URL.Path
	nav, cancel := "sources", "/sources"
	if strings.HasPrefix(path, "/destination") {
		nav, cancel = "destination", "/destination"
	}
	m := views.SourceFormPage{
		Base:      k.base(c, "Error: "+tr(c).T("keep.heading"), nav),
		Heading:   tr(c).T("keep.heading"),
		Intro:     tr(c).T("keep.intro"),
		Action:    path,
		Form:      f,
		FormToken: values.Get(formTokenField),
		Submit:    tr(c).T("common.tryAgain"),
		CancelURL: cancel,
		Retry:     true,
	}
	if _, ok := values["display_name"]; ok {
		m.DisplayName = localDisplayName(c, strings.TrimSpace(values.Get("display_name")))
	}
	for _, name := range []string{basedOnField, "confirm_replace"} {
		if v := values.Get(name); v != "" {
			m.Hidden = append(m.Hidden, views.Hidden{Name: name, Value: v})
		}
	}
	return render(c, http.StatusServiceUnavailable, views.SourceForm(m))
}
