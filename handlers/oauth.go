package handlers

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/views"
)

// SessionsAPI creates the ephemeral tokens Stitch's web app accepts.
type SessionsAPI interface {
	CreateEphemeralSession(ctx context.Context, token string) (string, error)
}

// SourceOAuth serves a source's oauth step: the step's own fields, then
// Stitch-managed authorization in Stitch's window (or the partner's own
// OAuth app when one is configured for the type).
type SourceOAuth struct {
	*Sources
	Sessions SessionsAPI
	// AppURL is the Stitch web app serving /v2/js-client.
	AppURL string
	// WhiteLabel reports whether the partner's own OAuth app handles a type.
	WhiteLabel func(sourceType string) bool
}

func (h *SourceOAuth) page(c echo.Context, src *connect.Source, message string) (views.OAuthPage, connect.Step) {
	step, _ := src.ReportCard.Step(connect.StepOAuth)
	m := views.OAuthPage{
		Base:      h.stepBase(c, tr(c).T("oauth.heading", "Name", h.typeName(tr(c), src.Type)), src.ID.String(), connect.StepOAuth),
		Steps:     stepItems(src.ReportCard, connect.StepOAuth),
		SourceID:  src.ID.String(),
		Name:      h.sourceName(tr(c), src),
		TypeName:  h.typeName(tr(c), src.Type),
		AppURL:    h.AppURL,
		AppOrigin: OriginOf(h.AppURL),
		Message:   message,
	}
	if step.SignedIn() && step.MissingUserValues() {
		m.Title = tr(c).T("oauth.detailsHeading", "Name", m.TypeName)
	}
	if !inHandoff(c) {
		m.HandoffURL = "/sources/" + src.ID.String() + "/handoff?step=" + connect.StepOAuth
	}
	if h.WhiteLabel != nil && h.WhiteLabel(src.Type) {
		m.WhiteLabel = true
		m.AuthorizeURL = "/sources/" + src.ID.String() + "/oauth/authorize"
	}
	return m, step
}

// loadAtOAuth loads the source and sends it elsewhere when it is not at the oauth step.
func (h *SourceOAuth) loadAtOAuth(c echo.Context) (*connect.Source, Account, bool, error) {
	src, acct, err := h.load(c)
	if err != nil {
		return nil, acct, false, err
	}
	if src.ReportCard.CurrentStepType != connect.StepOAuth {
		return src, acct, false, redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
	}
	return src, acct, true, nil
}

// Show handles GET /sources/:id/oauth.
func (h *SourceOAuth) Show(c echo.Context) error {
	src, _, ok, err := h.loadAtOAuth(c)
	if !ok || err != nil {
		return err
	}
	m, step := h.page(c, src, "")
	// Sign-in first: what the user types on this step (a Google Analytics
	// view id) is found in the provider's account, so it is asked once
	// Stitch has the sign-in, not before.
	if step.SignedIn() && step.MissingUserValues() {
		m.Form = h.Forms.In(tr(c)).Build(src.Type, step, src.Properties, forms.BuildOptions{Edit: true})
	} else if step.MissingUserValues() {
		m.NextAsk = h.userFieldLabels(tr(c), src.Type, step)
	}
	return render(c, http.StatusOK, views.OAuth(m))
}

// Save handles POST /sources/:id/oauth: the step's user-provided fields.
func (h *SourceOAuth) Save(c echo.Context) error {
	src, acct, ok, err := h.loadAtOAuth(c)
	if !ok || err != nil {
		return err
	}
	m, step := h.page(c, src, "")
	f := h.Forms.In(tr(c)).Build(src.Type, step, src.Properties, forms.BuildOptions{Edit: true})
	f.KeepSecrets(keeperFor(c, h.Seal))
	m.Form = f
	values, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	props, valid := f.Decode(values)
	if kind, _, _ := f.Action(); kind != "" {
		return render(c, http.StatusOK, views.OAuth(m))
	}
	if !valid {
		m.Title = "Error: " + m.Title
		return render(c, http.StatusUnprocessableEntity, views.OAuth(m))
	}
	updated, err := h.API.UpdateSource(c.Request().Context(), acct.Token, src.ID, connect.UpdateSourceRequest{Properties: props})
	if err != nil {
		if status, handled := applyAPIErrorIn(tr(c), f, nil, err); handled {
			m.Title = "Error: " + m.Title
			return render(c, status, views.OAuth(m))
		}
		return err
	}
	return redirect(c, StepURL(updated.ID.String(), updated.ReportCard.CurrentStepType))
}

// Session handles POST /sources/:id/oauth/session: an ephemeral token for
// the popup, as JSON (the CSRF token comes in a header).
func (h *SourceOAuth) Session(c echo.Context) error {
	src, acct, ok, err := h.loadAtOAuth(c)
	if err != nil {
		return err
	}
	if !ok {
		return c.JSON(http.StatusConflict, map[string]string{"code": "not_at_oauth_step", "message": "This source does not need authorization now."})
	}
	return ephemeralSession(c, h.UI, h.Sessions, acct, src)
}

// ephemeralSession answers with a fresh ephemeral token for Stitch's popup
// (never cached), or a 502 JSON error when Stitch does not give one.
func ephemeralSession(c echo.Context, u *UI, sessions SessionsAPI, acct Account, src *connect.Source) error {
	tok, err := sessions.CreateEphemeralSession(c.Request().Context(), acct.Token)
	if err != nil {
		u.Log.WarnContext(c.Request().Context(), "create ephemeral session failed", "source", src.ID.String(), "err", err)
		return c.JSON(http.StatusBadGateway, map[string]string{"code": "upstream_unavailable", "message": "Stitch did not answer."})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]string{"ephemeral_token": tok})
}

// Window handles GET /sources/:id/oauth/window: the page a new tab opens
// when the popup is blocked. A click there opens Stitch's window with this
// tab as its opener (same protocol, same script); when it is done the first
// tab is told (BroadcastChannel, storage event) and re-reads the report card.
// It relies on nothing but Stitch's real /v2/js-client.
func (h *SourceOAuth) Window(c echo.Context) error {
	src, _, ok, err := h.loadAtOAuth(c)
	if !ok || err != nil {
		return err
	}
	m, _ := h.page(c, src, "")
	m.Title = tr(c).T("oauthMsg.windowTitle", "Name", m.TypeName)
	return render(c, http.StatusOK, views.OAuthWindow(views.OAuthWindowPage{OAuthPage: m}))
}

// Status handles GET /sources/:id/oauth/status: where the report card stands,
// as JSON, so a page whose hand-off ran elsewhere (another tab, a popup it
// lost on reload) can move on.
func (h *SourceOAuth) Status(c echo.Context) error {
	src, _, err := h.load(c)
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	step, _ := src.ReportCard.Step(connect.StepOAuth)
	return c.JSON(http.StatusOK, map[string]any{
		"step":     src.ReportCard.CurrentStepType,
		"next_url": StepURL(src.ID.String(), src.ReportCard.CurrentStepType),
		// signed_in: the sign-in is done though the step may still ask for
		// the user's own values (the page then shows them).
		"signed_in": src.ReportCard.CurrentStepType != connect.StepOAuth || step.SignedIn(),
	})
}

// Continue handles GET /sources/:id/oauth/continue ("I have finished"): it
// re-reads the report card and moves on, or explains what is missing.
func (h *SourceOAuth) Continue(c echo.Context) error {
	src, _, err := h.load(c)
	if err != nil {
		return err
	}
	if step, _ := src.ReportCard.Step(connect.StepOAuth); src.ReportCard.CurrentStepType == connect.StepOAuth && !step.SignedIn() {
		m, _ := h.page(c, src, tr(c).T("oauthMsg.notApproved"))
		return render(c, http.StatusOK, views.OAuth(m))
	}
	return redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
}

// userFieldLabels names what the step will ask after the sign-in.
func (h *SourceOAuth) userFieldLabels(l *i18n.Localizer, typ string, step connect.Step) []string {
	var out []string
	for _, g := range h.Forms.In(l).Build(typ, step, nil, forms.BuildOptions{}).Groups {
		for _, f := range g.Fields {
			if f.Required {
				out = append(out, f.Label)
			}
		}
	}
	return out
}
