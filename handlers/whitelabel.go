package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/views"
)

// OAuthApp is a partner's own OAuth client for one source type (white-label
// OAuth): Onramp runs the handshake and gives Stitch the resulting tokens.
type OAuthApp struct {
	AuthURL      string            `json:"auth_url"`
	TokenURL     string            `json:"token_url"`
	ClientID     string            `json:"client_id"`
	ClientSecret string            `json:"client_secret"`
	Scopes       []string          `json:"scopes,omitempty"`
	Params       map[string]string `json:"params,omitempty"`
}

// OAuthApps maps source types to the partner's OAuth apps.
type OAuthApps map[string]OAuthApp

// LoadOAuthApps reads OAuth apps from a JSON file or inline JSON.
func LoadOAuthApps(fileOrJSON string) (OAuthApps, error) {
	s := strings.TrimSpace(fileOrJSON)
	if s == "" {
		return nil, nil
	}
	b := []byte(s)
	if !strings.HasPrefix(s, "{") {
		var err error
		if b, err = os.ReadFile(s); err != nil {
			return nil, fmt.Errorf("read OAuth apps: %w", err)
		}
	}
	var apps OAuthApps
	if err := json.Unmarshal(b, &apps); err != nil {
		return nil, fmt.Errorf("parse OAuth apps: %w", err)
	}
	for typ, a := range apps {
		if a.AuthURL == "" || a.TokenURL == "" || a.ClientID == "" || a.ClientSecret == "" {
			return nil, fmt.Errorf("OAuth app for %s: auth_url, token_url, client_id and client_secret are required", typ)
		}
	}
	return apps, nil
}

// Has reports whether the partner brings its own OAuth app for a type.
func (a OAuthApps) Has(sourceType string) bool {
	_, ok := a[sourceType]
	return ok
}

// WhiteLabelOAuth runs the authorization code flow (with state and PKCE) with
// the partner's own OAuth client, then PUTs the tokens to the source.
type WhiteLabelOAuth struct {
	*Sources
	Apps OAuthApps
	// CallbackURL is the absolute redirect URI, BASE/oauth/source/callback.
	CallbackURL string
	// States makes states single use across replicas.
	States OneTimeStore
	// HTTPClient talks to providers' token endpoints.
	HTTPClient *http.Client
}

const wlStateKey = "wl"

// handshake is what the session remembers while a handshake runs.
type handshake struct {
	State    string `json:"s"`
	SourceID string `json:"i"`
	Verifier string `json:"v"`
	Popup    bool   `json:"p,omitempty"`
}

func (h *WhiteLabelOAuth) config(typ string) (*oauth2.Config, OAuthApp, bool) {
	app, ok := h.Apps[typ]
	if !ok {
		return nil, app, false
	}
	return &oauth2.Config{
		ClientID: app.ClientID, ClientSecret: app.ClientSecret, Scopes: app.Scopes, RedirectURL: h.CallbackURL,
		Endpoint: oauth2.Endpoint{AuthURL: app.AuthURL, TokenURL: app.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
	}, app, true
}

// Authorize handles GET /sources/:id/oauth/authorize: send the user to the
// provider with a fresh state and PKCE challenge.
func (h *WhiteLabelOAuth) Authorize(c echo.Context) error {
	src, _, err := h.load(c)
	if err != nil {
		return err
	}
	if src.ReportCard.CurrentStepType != connect.StepOAuth {
		return redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
	}
	conf, app, ok := h.config(src.Type)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	hs := handshake{State: randomToken(24), SourceID: src.ID.String(), Verifier: oauth2.GenerateVerifier(), Popup: c.QueryParam("popup") == "1"}
	b, _ := json.Marshal(hs)
	sessionOf(c).Set(wlStateKey, string(b))
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(hs.Verifier)}
	for k, v := range app.Params {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	return c.Redirect(http.StatusSeeOther, conf.AuthCodeURL(hs.State, opts...))
}

func (h *WhiteLabelOAuth) fail(c echo.Context, status int, sourceID, heading, msg string) error {
	retry := "/sources"
	if sourceID != "" {
		retry = "/sources/" + sourceID + "/oauth"
	}
	return render(c, status, views.OAuthDenied(views.OAuthDeniedPage{Base: h.base(c, heading, "sources"), Heading: heading, Message: msg, RetryURL: retry}))
}

// Callback handles GET /oauth/source/callback: check the state (single use,
// bound to this session and source), exchange the code with the PKCE
// verifier, and give Stitch the tokens with PUT /v4/sources/{id}.
func (h *WhiteLabelOAuth) Callback(c echo.Context) error {
	ctx := c.Request().Context()
	var hs handshake
	raw := sessionOf(c).Take(wlStateKey)
	_ = json.Unmarshal([]byte(raw), &hs)
	state := c.QueryParam("state")
	if hs.State == "" || state != hs.State || (h.States != nil && !h.States.Use(ctx, "src:"+state)) {
		h.Log.Warn("source oauth callback with a missing, mismatched or reused state")
		return h.fail(c, http.StatusBadRequest, hs.SourceID, "We could not finish signing in", "The sign-in link was old or already used, so we stopped for your safety. Start again from the source's sign-in step.")
	}
	if e := c.QueryParam("error"); e != "" {
		if e == "access_denied" {
			return h.fail(c, http.StatusOK, hs.SourceID, "You did not allow access", "Without your permission Stitch cannot read this data. You can try again whenever you are ready.")
		}
		return h.fail(c, http.StatusOK, hs.SourceID, "The sign-in did not work", "The provider reported a problem while signing in. Try again.")
	}
	acct := mustAccount(c)
	src, err := h.API.GetSource(ctx, acct.Token, connect.Int(parseID(hs.SourceID)))
	if err != nil {
		return err
	}
	conf, app, ok := h.config(src.Type)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	xctx, cancel := context.WithTimeout(context.WithValue(ctx, oauth2.HTTPClient, h.HTTPClient), 20*time.Second)
	defer cancel()
	tok, err := conf.Exchange(xctx, c.QueryParam("code"), oauth2.VerifierOption(hs.Verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			h.Log.Warn("oauth code exchange refused", "source", hs.SourceID, "status", re.Response.StatusCode, "code", re.ErrorCode)
			return h.fail(c, http.StatusBadGateway, hs.SourceID, "The sign-in did not work", "The provider did not accept the sign-in, perhaps because it took too long. Try again.")
		}
		h.Log.Warn("oauth token endpoint unavailable", "source", hs.SourceID, "err", redactErr(err))
		return h.fail(c, http.StatusBadGateway, hs.SourceID, "The provider is not answering", "We could not finish signing in because the provider did not answer. Nothing was saved. Try again in a moment.")
	}
	if tok.RefreshToken == "" {
		return h.fail(c, http.StatusBadGateway, hs.SourceID, "The sign-in did not give lasting access", "The provider signed you in but did not allow Stitch to keep reading your data (no refresh token). Try again; if it keeps happening, ask the team running this service to check the OAuth app's offline access.")
	}
	step, _ := src.ReportCard.Step(connect.StepOAuth)
	props := map[string]any{}
	for _, p := range step.Properties {
		if p.Kind() != connect.PropertySystemProvidedByDefault {
			continue
		}
		switch p.Name {
		case "client_id":
			props[p.Name] = app.ClientID
		case "client_secret":
			props[p.Name] = app.ClientSecret
		case "refresh_token":
			props[p.Name] = tok.RefreshToken
		case "redirect_uri":
			props[p.Name] = h.CallbackURL
		case "access_token":
			props[p.Name] = tok.AccessToken
		}
	}
	updated, err := h.API.UpdateSource(ctx, acct.Token, src.ID, connect.UpdateSourceRequest{Properties: props})
	if err != nil {
		return err
	}
	next := StepURL(updated.ID.String(), updated.ReportCard.CurrentStepType)
	if hs.Popup {
		return render(c, http.StatusOK, views.OAuthComplete(views.OAuthCompletePage{Base: h.base(c, "Signed in", "sources"), NextURL: next, TypeName: forms.TypeName(src.Type)}))
	}
	sessionOf(c).SetFlash(FlashSuccess, "Signed in to "+forms.TypeName(src.Type)+".")
	return redirect(c, next)
}

// parseID reads a positive decimal id; anything else is 0.
func parseID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || s[0] == '+' {
		return 0
	}
	return n
}

// redactErr keeps an error's kind but not URLs or bodies that may carry codes.
func redactErr(err error) string {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		return fmt.Sprintf("token endpoint answered %d", re.Response.StatusCode)
	}
	var ue interface{ Timeout() bool }
	if errors.As(err, &ue) && ue.Timeout() {
		return "timeout"
	}
	return "request failed"
}
