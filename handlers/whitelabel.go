package handlers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/oauth2"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/store"
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
//
// At top level the handshake is bound to the session cookie. Inside a
// cross-site iframe it cannot be: the provider refuses to be framed, and the
// popup or new tab it runs in is top level, where the iframe's partitioned
// cookie is invisible. There the iframe's session creates a single-use,
// short-lived ticket; the popup carries it (the only secret in a URL), runs
// the handshake keyed by it, and leaves the provider's tokens server-side
// under it; the iframe's session then applies them.
type WhiteLabelOAuth struct {
	*Sources
	Apps OAuthApps
	// CallbackURL is the absolute redirect URI, BASE/oauth/source/callback.
	CallbackURL string
	// States makes states single use across replicas.
	States OneTimeStore
	// Tickets keeps the framed flow's tickets, states and results, each
	// redeemed once (the launch store: memory or Redis).
	Tickets LaunchStore
	// Progress records how far each ticket got, for the framed page to poll.
	Progress Claims
	// HTTPClient talks to providers' token endpoints.
	HTTPClient *http.Client
}

const (
	wlStateKey  = "wl"
	wlTicketKey = "wlt"
	// ticketTTL bounds a framed sign-in, from the click to the result's use.
	ticketTTL = 10 * time.Minute
)

// Ticket progress, as recorded in Progress and answered by TicketStatus.
const (
	ticketIssued  = "issued"
	ticketStarted = "started"
	ticketReady   = "ready"
	ticketDenied  = "denied"
	ticketFailed  = "failed"
)

// handshake is what the session remembers while a top-level handshake runs.
type handshake struct {
	State    string `json:"s"`
	SourceID string `json:"i"`
	Verifier string `json:"v"`
}

// sessionTicket is what the iframe's session remembers of its ticket.
type sessionTicket struct {
	Ticket   string `json:"t"`
	SourceID string `json:"i"`
}

// ticketRecord is stored under a ticket until the popup redeems it.
type ticketRecord struct {
	SourceID string `json:"i"`
	Type     string `json:"t"`
}

// ticketState is stored under a framed handshake's state until the callback.
type ticketState struct {
	Key      string `json:"k"`
	SourceID string `json:"i"`
	Type     string `json:"t"`
	Verifier string `json:"v"`
}

// ticketResult is the provider's answer, kept until the iframe applies it.
type ticketResult struct {
	Type         string `json:"t"`
	RefreshToken string `json:"r"`
	AccessToken  string `json:"a,omitempty"`
}

// storeKey names a value in the stores by a hash, so neither a ticket nor a
// state is ever stored or addressable as itself (e.g. as a launch token).
func storeKey(kind, secret string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + secret))
	return "wl" + kind + ":" + hex.EncodeToString(sum[:16])
}

// resultKeyFor names the provider's result of the ticket stored under k.
func resultKeyFor(k string) string { return storeKey("result", k) }

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

func (h *WhiteLabelOAuth) authURL(conf *oauth2.Config, app OAuthApp, state, verifier string) string {
	opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	for k, v := range app.Params {
		opts = append(opts, oauth2.SetAuthURLParam(k, v))
	}
	return conf.AuthCodeURL(state, opts...)
}

// loadWhiteLabel loads the source at its oauth step with an OAuth app; ok is
// false when the answer (a redirect to the current step) is already written.
func (h *WhiteLabelOAuth) loadWhiteLabel(c echo.Context) (*connect.Source, bool, error) {
	src, _, err := h.load(c)
	if err != nil {
		return nil, false, err
	}
	return h.whiteLabelStep(c, src)
}

// whiteLabelStep is loadWhiteLabel's verdict on a loaded source.
func (h *WhiteLabelOAuth) whiteLabelStep(c echo.Context, src *connect.Source) (*connect.Source, bool, error) {
	if src.ReportCard.CurrentStepType != connect.StepOAuth && !reauthorizing(c, src) {
		return src, false, redirect(c, StepURL(src.ID.String(), src.ReportCard.CurrentStepType))
	}
	if _, _, ok := h.config(src.Type); !ok {
		return nil, false, echo.NewHTTPError(http.StatusNotFound)
	}
	return src, true, nil
}

// Authorize handles GET /sources/:id/oauth/authorize: send the user to the
// provider with a fresh state and PKCE challenge. A navigation inside a frame
// (no JavaScript there) gets the new-tab hand-off instead: the provider
// would refuse to be framed.
func (h *WhiteLabelOAuth) Authorize(c echo.Context) error {
	src, ok, err := h.loadWhiteLabel(c)
	if !ok || err != nil {
		return err
	}
	if c.Request().Header.Get("Sec-Fetch-Dest") == "iframe" {
		if _, err := h.newTicket(c, src); err != nil {
			return err
		}
		return redirect(c, "/sources/"+src.ID.String()+"/oauth/handoff")
	}
	conf, app, _ := h.config(src.Type)
	hs := handshake{State: randomToken(24), SourceID: src.ID.String(), Verifier: oauth2.GenerateVerifier()}
	b, _ := json.Marshal(hs)
	sessionOf(c).Set(wlStateKey, string(b))
	return c.Redirect(http.StatusSeeOther, h.authURL(conf, app, hs.State, hs.Verifier))
}

// newTicket creates a ticket for this session and source and returns the
// URL that starts the handshake with it.
func (h *WhiteLabelOAuth) newTicket(c echo.Context, src *connect.Source) (string, error) {
	ctx := c.Request().Context()
	t := randomToken(24)
	k := storeKey("ticket", t)
	rec, _ := json.Marshal(ticketRecord{SourceID: src.ID.String(), Type: src.Type})
	if err := h.Tickets.Put(ctx, k, rec, time.Now().Add(ticketTTL)); err != nil {
		return "", fmt.Errorf("store oauth ticket: %w", err)
	}
	if err := h.Progress.Resolve(ctx, k, ticketIssued); err != nil {
		return "", fmt.Errorf("record oauth ticket: %w", err)
	}
	st, _ := json.Marshal(sessionTicket{Ticket: t, SourceID: src.ID.String()})
	sessionOf(c).Set(wlTicketKey, string(st))
	return ticketURL(t), nil
}

func ticketURL(t string) string { return "/oauth/source/ticket?t=" + url.QueryEscape(t) }

// Ticket handles POST /sources/:id/oauth/ticket: a fresh ticket for the
// framed page's popup (JSON {url}), or, from a form, the hand-off page.
func (h *WhiteLabelOAuth) Ticket(c echo.Context) error {
	src, _, err := h.load(c)
	if err != nil {
		return err
	}
	if c.QueryParam("repair") == "1" {
		// The repair page's sign-in again, from a frame: the same ticket
		// hand-off, for a source past its oauth step.
		markRepair(c, src, repairReauthorize)
	}
	src, ok, err := h.whiteLabelStep(c, src)
	if !ok || err != nil {
		return err
	}
	u, err := h.newTicket(c, src)
	if err != nil {
		return err
	}
	if strings.Contains(c.Request().Header.Get("Accept"), "application/json") {
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(http.StatusOK, map[string]string{"url": u})
	}
	return redirect(c, "/sources/"+src.ID.String()+"/oauth/handoff")
}

// sessionTicketFor returns this session's ticket for the source, if any.
func sessionTicketFor(c echo.Context, sourceID string) (sessionTicket, bool) {
	var st sessionTicket
	if json.Unmarshal([]byte(sessionOf(c).Get(wlTicketKey)), &st) != nil || st.Ticket == "" || st.SourceID != sourceID {
		return st, false
	}
	return st, true
}

// progress reads how far this session's ticket for the source got: "" with
// no ticket, "expired" when the store forgot it.
func (h *WhiteLabelOAuth) progress(c echo.Context, sourceID string) (string, sessionTicket, error) {
	st, ok := sessionTicketFor(c, sourceID)
	if !ok {
		return "", st, nil
	}
	p, err := h.Progress.Result(c.Request().Context(), storeKey("ticket", st.Ticket))
	if err != nil {
		return "", st, fmt.Errorf("read oauth ticket progress: %w", err)
	}
	if p == "" {
		p = "expired"
	}
	return p, st, nil
}

// Handoff handles GET /sources/:id/oauth/handoff: the framed page's sign-in
// in a new tab (popup blocked, or no JavaScript), with "I have finished".
func (h *WhiteLabelOAuth) Handoff(c echo.Context) error {
	src, ok, err := h.loadWhiteLabel(c)
	if !ok || err != nil {
		return err
	}
	p, st, err := h.progress(c, src.ID.String())
	if err != nil {
		return err
	}
	if p == "" {
		return redirect(c, "/sources/"+src.ID.String()+"/oauth")
	}
	return render(c, http.StatusOK, views.OAuthHandoff(h.handoffPage(c, src, p, st, "")))
}

func (h *WhiteLabelOAuth) handoffPage(c echo.Context, src *connect.Source, progress string, st sessionTicket, msg string) views.OAuthHandoffPage {
	name := h.typeName(tr(c), src.Type)
	m := views.OAuthHandoffPage{Base: h.stepBase(c, tr(c).T("oauth.heading", "Name", name), src.ID.String(), connect.StepOAuth), SourceID: src.ID.String(), TypeName: name, Message: msg}
	if progress == ticketIssued {
		m.TicketURL = ticketURL(st.Ticket)
	}
	return m
}

// TicketStatus handles GET /sources/:id/oauth/ticket/status: how far this
// session's framed sign-in got (JSON), for the framed page to poll.
func (h *WhiteLabelOAuth) TicketStatus(c echo.Context) error {
	id := c.Param("id")
	p, _, err := h.progress(c, id)
	if err != nil {
		return err
	}
	if p == "" {
		p = "none"
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]string{"status": p})
}

// Apply handles POST /sources/:id/oauth/ticket/apply: the framed page's
// session takes the provider's result stored under its ticket (once) and
// gives Stitch the tokens with PUT /v4/sources/{id}.
func (h *WhiteLabelOAuth) Apply(c echo.Context) error {
	ctx := c.Request().Context()
	src, ok, err := h.loadWhiteLabel(c)
	if !ok || err != nil {
		return err
	}
	id := src.ID.String()
	name := h.typeName(tr(c), src.Type)
	// A repair's sign-in again (the source is past its oauth step) goes
	// back to the repair pages, not to the step.
	repairing := reauthorizing(c, src) && src.ReportCard.CurrentStepType != connect.StepOAuth
	p, st, err := h.progress(c, id)
	if err != nil {
		return err
	}
	again := func(msg string) error {
		sessionOf(c).Set(wlTicketKey, "")
		if repairing {
			sessionOf(c).SetFlash(FlashWarning, msg)
			return redirect(c, "/sources/"+id+"/repair")
		}
		m := h.oauthPage(c, src, msg)
		return render(c, http.StatusOK, views.OAuth(m))
	}
	switch p {
	case "":
		if st, _ := src.ReportCard.Step(connect.StepOAuth); !repairing && st.SignedIn() {
			// Applied already (a replay, a second tab): what is left is the
			// step's own question (the view id), on the oauth page. Not for
			// a repair: its source was signed in before, so this says
			// nothing, and the repair page tells where it stands.
			return redirect(c, "/sources/"+id+"/oauth")
		}
		return again(tr(c).T("oauthMsg.usedOrNotStarted", "Name", name))
	case "expired":
		return again(tr(c).T("oauthMsg.tookTooLong", "Name", name))
	case ticketDenied:
		return again(tr(c).T("oauthMsg.denied", "Name", name))
	case ticketFailed:
		return again(tr(c).T("oauthMsg.failedAt", "Name", name))
	case ticketIssued, ticketStarted:
		return render(c, http.StatusOK, views.OAuthHandoff(h.handoffPage(c, src, p, st,
			tr(c).T("oauthMsg.notConfirmed", "Name", name))))
	}
	k := storeKey("ticket", st.Ticket)
	raw, status, err := h.Tickets.Redeem(ctx, resultKeyFor(k))
	if err != nil {
		return fmt.Errorf("redeem oauth result: %w", err)
	}
	sessionOf(c).Set(wlTicketKey, "")
	var res ticketResult
	if status != store.RedeemOK || json.Unmarshal(raw, &res) != nil || res.Type != src.Type {
		h.Log.WarnContext(c.Request().Context(), "oauth ticket result replayed, expired or mismatched", "source", id, "outcome", status.String())
		return again(tr(c).T("oauthMsg.usedOrExpired", "Name", name))
	}
	_ = h.Progress.Release(ctx, k)
	updated, err := h.applyTokens(ctx, mustAccount(c), src, res.RefreshToken, res.AccessToken)
	if err != nil {
		return err
	}
	if repairing {
		// Its result page waits for the check the new tokens started.
		return redirect(c, "/sources/"+id+"/repair/result")
	}
	sessionOf(c).SetFlash(FlashSuccess, tr(c).T("oauthMsg.signedIn", "Name", name))
	return redirect(c, StepURL(updated.ID.String(), updated.ReportCard.CurrentStepType))
}

// oauthPage is the oauth step page with a message (used after a framed sign-in ends badly).
func (h *WhiteLabelOAuth) oauthPage(c echo.Context, src *connect.Source, msg string) views.OAuthPage {
	name := h.typeName(tr(c), src.Type)
	return views.OAuthPage{
		Base:  h.stepBase(c, tr(c).T("oauth.heading", "Name", name), src.ID.String(), connect.StepOAuth),
		Steps: stepItems(src.ReportCard, connect.StepOAuth), SourceID: src.ID.String(), Name: h.sourceName(tr(c), src), TypeName: name,
		WhiteLabel: true, AuthorizeURL: "/sources/" + src.ID.String() + "/oauth/authorize", Message: msg,
	}
}

// StartTicket handles GET /oauth/source/ticket?t=TICKET, top level in the
// popup or new tab (no session needed): redeem the ticket (once), then send
// the user to the provider with a state and PKCE verifier kept server-side
// under the ticket.
func (h *WhiteLabelOAuth) StartTicket(c echo.Context) error {
	ctx := c.Request().Context()
	t := c.QueryParam("t")
	// Opened by Onramp's framed page, the navigation is same-origin. A link
	// from elsewhere (someone else's ticket, sent to you) must not quietly
	// connect your provider account to their source: ask first.
	if site := c.Request().Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && t != "" {
		c.Response().Header().Set("Cross-Origin-Opener-Policy", "unsafe-none")
		return render(c, http.StatusOK, views.OAuthTicketConfirm(views.OAuthTicketConfirmPage{Base: h.base(c, tr(c).T("oauth.confirmHeading"), "sources"), Ticket: t}))
	}
	k := storeKey("ticket", t)
	raw, status, err := h.Tickets.Redeem(ctx, k)
	if err != nil {
		return fmt.Errorf("redeem oauth ticket: %w", err)
	}
	var rec ticketRecord
	if status != store.RedeemOK || json.Unmarshal(raw, &rec) != nil {
		h.Log.WarnContext(c.Request().Context(), "oauth ticket reused, expired or unknown", "outcome", status.String())
		return h.ticketDone(c, http.StatusBadRequest, false, tr(c).T("oauthMsg.linkOnceHeading"), tr(c).T("oauthMsg.linkOnce"))
	}
	conf, app, ok := h.config(rec.Type)
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	state, verifier := randomToken(24), oauth2.GenerateVerifier()
	b, _ := json.Marshal(ticketState{Key: k, SourceID: rec.SourceID, Type: rec.Type, Verifier: verifier})
	if err := h.Tickets.Put(ctx, storeKey("state", state), b, time.Now().Add(ticketTTL)); err != nil {
		return fmt.Errorf("store oauth state: %w", err)
	}
	if err := h.Progress.Resolve(ctx, k, ticketStarted); err != nil {
		return fmt.Errorf("record oauth ticket: %w", err)
	}
	// Chromium applies COOP on redirects too: keep the popup's opener (the
	// framed page) through this one. A real provider may still sever it with
	// its own COOP; the framed page polls, so nothing depends on it.
	c.Response().Header().Set("Cross-Origin-Opener-Policy", "unsafe-none")
	return c.Redirect(http.StatusSeeOther, h.authURL(conf, app, state, verifier))
}

// ticketDone renders the last page of a framed sign-in's popup or tab. It
// may reach its opener (the framed page, same origin only), so it opts out
// of the opener isolation the other pages have.
func (h *WhiteLabelOAuth) ticketDone(c echo.Context, status int, ok bool, heading, msg string) error {
	c.Response().Header().Set("Cross-Origin-Opener-Policy", "unsafe-none")
	return render(c, status, views.OAuthComplete(views.OAuthCompletePage{Base: h.base(c, heading, "sources"), OK: ok, Heading: heading, Message: msg}))
}

func (h *WhiteLabelOAuth) fail(c echo.Context, status int, sourceID, heading, msg string) error {
	retry := "/sources"
	if sourceID != "" {
		retry = "/sources/" + sourceID + "/oauth"
	}
	return render(c, status, views.OAuthDenied(views.OAuthDeniedPage{Base: h.base(c, heading, "sources"), Heading: heading, Message: msg, RetryURL: retry}))
}

// Callback handles GET /oauth/source/callback. A state this session started
// (top level) continues here: single use, exchange with the PKCE verifier,
// PUT /v4/sources/{id}. Any other state is looked up as a framed sign-in's:
// its result is stored under the ticket for the iframe's session to apply.
func (h *WhiteLabelOAuth) Callback(c echo.Context) error {
	ctx := c.Request().Context()
	state := c.QueryParam("state")
	var hs handshake
	_ = json.Unmarshal([]byte(sessionOf(c).Get(wlStateKey)), &hs)
	if state != "" && hs.State != state {
		return h.ticketCallback(c, state, hs.SourceID)
	}
	sessionOf(c).Set(wlStateKey, "")
	valid := hs.State != "" && state == hs.State
	if valid {
		var err error
		if valid, err = useOnce(ctx, h.States, "src:"+state); err != nil {
			return err
		}
	}
	acct, signedIn := sessionOf(c).Account()
	if !valid || !signedIn {
		h.Log.WarnContext(c.Request().Context(), "source oauth callback with a missing, mismatched or reused state")
		return h.fail(c, http.StatusBadRequest, hs.SourceID, tr(c).T("oauthMsg.notFinishedHeading"), tr(c).T("oauthMsg.staleSource"))
	}
	if e := c.QueryParam("error"); e != "" {
		if e == "access_denied" {
			return h.fail(c, http.StatusOK, hs.SourceID, tr(c).T("oauthMsg.deniedHeading"), tr(c).T("oauthMsg.deniedSource"))
		}
		return h.fail(c, http.StatusOK, hs.SourceID, tr(c).T("oauthMsg.failedHeading"), tr(c).T("oauthMsg.providerProblem"))
	}
	src, err := h.API.GetSource(ctx, acct.Token, connect.Int(parseID(hs.SourceID)))
	if err != nil {
		return err
	}
	tok, heading, msg := h.exchange(ctx, src.Type, hs.SourceID, c.QueryParam("code"), hs.Verifier)
	if tok == nil {
		return h.fail(c, http.StatusBadGateway, hs.SourceID, heading, msg)
	}
	updated, err := h.applyTokens(ctx, acct, src, tok.RefreshToken, tok.AccessToken)
	if err != nil {
		return err
	}
	sessionOf(c).SetFlash(FlashSuccess, tr(c).T("oauthMsg.signedIn", "Name", h.typeName(tr(c), src.Type)))
	return redirect(c, StepURL(updated.ID.String(), updated.ReportCard.CurrentStepType))
}

// ticketCallback ends a framed sign-in's handshake in its popup or tab. A
// state it does not know either is answered like a session's bad state when
// this session was itself signing in (sessionSource), with a retry link.
func (h *WhiteLabelOAuth) ticketCallback(c echo.Context, state, sessionSource string) error {
	ctx := c.Request().Context()
	raw, status, err := h.Tickets.Redeem(ctx, storeKey("state", state))
	if err != nil {
		return fmt.Errorf("redeem oauth state: %w", err)
	}
	var ts ticketState
	valid := status == store.RedeemOK && json.Unmarshal(raw, &ts) == nil
	if valid {
		if valid, err = useOnce(ctx, h.States, "src:"+state); err != nil {
			return err
		}
	}
	if !valid {
		h.Log.WarnContext(c.Request().Context(), "source oauth callback with an unknown, expired or reused state", "outcome", status.String())
		if sessionSource != "" {
			sessionOf(c).Set(wlStateKey, "")
			return h.fail(c, http.StatusBadRequest, sessionSource, tr(c).T("oauthMsg.notFinishedHeading"), tr(c).T("oauthMsg.staleSource"))
		}
		return h.ticketDone(c, http.StatusBadRequest, false, tr(c).T("oauthMsg.notFinishedHeading"), tr(c).T("oauthMsg.staleWindow"))
	}
	name := h.typeName(tr(c), ts.Type)
	settle := func(progress string) error {
		if err := h.Progress.Resolve(ctx, ts.Key, progress); err != nil {
			return fmt.Errorf("record oauth ticket: %w", err)
		}
		return nil
	}
	if e := c.QueryParam("error"); e != "" {
		if err := settle(ticketDenied); err != nil {
			return err
		}
		if e == "access_denied" {
			return h.ticketDone(c, http.StatusOK, false, tr(c).T("oauthMsg.deniedHeading"), tr(c).T("oauthMsg.deniedWindow"))
		}
		return h.ticketDone(c, http.StatusOK, false, tr(c).T("oauthMsg.failedHeading"), tr(c).T("oauthMsg.providerProblemWindow"))
	}
	tok, heading, msg := h.exchange(ctx, ts.Type, ts.SourceID, c.QueryParam("code"), ts.Verifier)
	if tok == nil {
		if err := settle(ticketFailed); err != nil {
			return err
		}
		return h.ticketDone(c, http.StatusBadGateway, false, heading, msg)
	}
	b, _ := json.Marshal(ticketResult{Type: ts.Type, RefreshToken: tok.RefreshToken, AccessToken: tok.AccessToken})
	if err := h.Tickets.Put(ctx, resultKeyFor(ts.Key), b, time.Now().Add(ticketTTL)); err != nil {
		return fmt.Errorf("store oauth result: %w", err)
	}
	if err := settle(ticketReady); err != nil {
		return err
	}
	return h.ticketDone(c, http.StatusOK, true, tr(c).T("oauthMsg.signedInHeading", "Name", name), tr(c).T("oauthMsg.signedInWindow"))
}

// exchange trades the code for tokens; on failure tok is nil and heading and
// msg say what to tell the user (details are logged without secrets).
func (h *WhiteLabelOAuth) exchange(ctx context.Context, typ, sourceID, code, verifier string) (tok *oauth2.Token, heading, msg string) {
	l := i18n.From(ctx)
	conf, _, ok := h.config(typ)
	if !ok {
		return nil, l.T("oauthMsg.failedHeading"), l.T("oauthMsg.noLongerSupported")
	}
	xctx, cancel := context.WithTimeout(context.WithValue(ctx, oauth2.HTTPClient, h.HTTPClient), 20*time.Second)
	defer cancel()
	tok, err := conf.Exchange(xctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode < 500 {
			h.Log.WarnContext(ctx, "oauth code exchange refused", "source", sourceID, "status", re.Response.StatusCode, "code", re.ErrorCode)
			return nil, l.T("oauthMsg.failedHeading"), l.T("oauthMsg.refused")
		}
		h.Log.WarnContext(ctx, "oauth token endpoint unavailable", "source", sourceID, "err", redactErr(err))
		return nil, l.T("oauthMsg.downHeading"), l.T("oauthMsg.down")
	}
	if tok.RefreshToken == "" {
		return nil, l.T("oauthMsg.noRefreshHeading"), l.T("oauthMsg.noRefresh")
	}
	return tok, "", ""
}

// applyTokens gives Stitch the oauth step's system-provided properties.
func (h *WhiteLabelOAuth) applyTokens(ctx context.Context, acct Account, src *connect.Source, refresh, access string) (*connect.Source, error) {
	_, app, _ := h.config(src.Type)
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
			props[p.Name] = refresh
		case "redirect_uri":
			props[p.Name] = h.CallbackURL
		case "access_token":
			if access != "" {
				props[p.Name] = access
			}
		}
	}
	updated, err := h.API.UpdateSource(ctx, acct.Token, src.ID, connect.UpdateSourceRequest{Properties: props})
	if err != nil {
		return nil, fmt.Errorf("give source %s its oauth tokens: %w", src.ID.String(), err)
	}
	return updated, nil
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
