package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/journey"
	"github.com/onramp/onramp/views"
)

// AccountsAPI is the part of the Connect API that creates and connects accounts.
type AccountsAPI interface {
	CreateAccount(ctx context.Context, req connect.CreateAccountRequest) (*connect.Account, error)
	ExchangeCode(ctx context.Context, code string) (*connect.Account, error)
}

// Accounts handles creating, connecting and disconnecting Stitch accounts.
type Accounts struct {
	*UI
	API AccountsAPI
	// AppURL is the Stitch web app (OAuth authorization page).
	AppURL string
	// PartnerID is the OAuth client_id.
	PartnerID string
	// CallbackURL is the absolute redirect_uri for /oauth/stitch/callback.
	CallbackURL string
	// States makes OAuth states single use across replicas.
	States OneTimeStore
}

const accountStateKey = "acct_state"

// errPartnerConfig marks an operator problem: Stitch rejected the partner credentials.
var errPartnerConfig = errors.New("stitch rejected the partner credentials")

// fixedAccount keeps a launch session on the account the partner chose:
// creating, connecting or switching accounts is not offered in a widget.
func fixedAccount(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if inLaunch(c) {
			return redirect(c, "/")
		}
		return next(c)
	}
}

// New handles GET /account/new.
func (h *Accounts) New(c echo.Context) error {
	m := views.AccountNewPage{Base: h.base(c, tr(c).T("account.title"), ""), Form: views.SimpleForm{Values: map[string]string{}}}
	h.record(c.Request().Context(), journey.Event{Kind: journey.Account, Step: journey.FormShown})
	return render(c, http.StatusOK, views.AccountNew(m))
}

// Create handles POST /account: validate, create the account server-side with
// the partner credentials, store the token in the session.
func (h *Accounts) Create(c echo.Context) error {
	l := tr(c)
	f := views.SimpleForm{Values: map[string]string{}}
	for _, k := range []string{"first_name", "last_name", "email", "company", "region"} {
		f.Values[k] = strings.TrimSpace(c.FormValue(k))
	}
	if f.Values["first_name"] == "" {
		f.Add("first_name", l.T("account.firstNameMissing"))
	}
	if f.Values["last_name"] == "" {
		f.Add("last_name", l.T("account.lastNameMissing"))
	}
	switch email := f.Values["email"]; {
	case email == "":
		f.Add("email", l.T("account.emailMissing"))
	case !validEmail(email):
		f.Add("email", l.T("account.emailInvalid"))
	}
	if f.Values["company"] == "" {
		f.Add("company", l.T("account.companyMissing"))
	}
	if r := f.Values["region"]; r != "us-east-1" && r != "eu-central-1" {
		f.Values["region"] = ""
		f.Add("region-us-east-1", l.T("account.regionMissing"))
	}
	renderForm := func(status int) error {
		m := views.AccountNewPage{Base: h.base(c, l.T("account.title"), ""), Form: f}
		m.Title = "Error: " + m.Title // the layout words the prefix in the page's language
		return render(c, status, views.AccountNew(m))
	}
	if len(f.Errors) > 0 {
		return renderForm(http.StatusUnprocessableEntity)
	}

	acct, err := h.API.CreateAccount(c.Request().Context(), connect.CreateAccountRequest{
		FirstName: f.Values["first_name"], LastName: f.Values["last_name"],
		Email: f.Values["email"], Company: f.Values["company"], Region: f.Values["region"],
	})
	var apiErr *connect.Error
	switch {
	case err == nil:
	case errors.As(err, &apiErr) && apiErr.Code == "ExistingUser":
		f.Add("email", l.T("account.emailTaken"))
		return renderForm(http.StatusUnprocessableEntity)
	case errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest && partnerField(apiErr):
		h.Log.ErrorContext(c.Request().Context(), "stitch rejected the partner credentials; check STITCH_PARTNER_ID and STITCH_PARTNER_SECRET", "status", apiErr.Status, "code", apiErr.Code)
		return errPartnerConfig
	case connect.IsUpstreamUnavailable(err):
		f.Add("submit", l.T("account.stitchDown"))
		return renderForm(http.StatusServiceUnavailable)
	default:
		return err
	}
	s := sessionOf(c)
	a := Account{Token: acct.AccessToken, ID: int64(acct.StitchAccountID), Region: f.Values["region"]}
	s.SetAccount(a)
	s.SetFlash(FlashSuccess, l.T("account.created"))
	emit(c, "onramp:account_connected", map[string]any{"stitch_account_id": a.ID, "created": true})
	h.record(c.Request().Context(), journey.Event{Kind: journey.Account, Step: journey.Created, AccountID: a.ID})
	return redirect(c, "/")
}

func partnerField(e *connect.Error) bool {
	for _, p := range e.BadProperties {
		if p == "partner_id" || p == "partner_secret" {
			return true
		}
	}
	return false
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// Connect handles GET /account/connect: send the user to Stitch's OAuth
// authorization page with a state bound to the session.
//
// Stitch's consent page refuses to be framed: asked from inside an iframe
// (Sec-Fetch-Dest: iframe), it answers with a page whose button continues in
// the top-level window, where the state is then set in the right session.
func (h *Accounts) Connect(c echo.Context) error {
	if c.Request().Header.Get("Sec-Fetch-Dest") == "iframe" {
		l := tr(c)
		return render(c, http.StatusOK, views.Notice(views.NoticePage{
			Base:        h.base(c, l.T("account.connectTitle"), ""),
			Heading:     l.T("account.connectFrameHeading"),
			Message:     l.T("account.connectFrameMessage"),
			ActionURL:   "/account/connect",
			ActionLabel: l.T("account.connectFrameAction"),
			ActionTop:   true,
		}))
	}
	state := randomToken(24)
	sessionOf(c).Set(accountStateKey, state)
	h.record(c.Request().Context(), journey.Event{Kind: journey.Account, Step: journey.ConnectStarted})
	q := url.Values{}
	q.Set("client_id", h.PartnerID)
	q.Set("redirect_uri", h.CallbackURL)
	q.Set("state", state)
	for _, k := range []string{"email", "first_name", "last_name", "company"} {
		if v := strings.TrimSpace(c.QueryParam(k)); v != "" {
			q.Set(k, v)
		}
	}
	return c.Redirect(http.StatusSeeOther, h.AppURL+"/oauth/authorization?"+q.Encode())
}

// Callback handles GET /oauth/stitch/callback: check the state (single use),
// handle a refusal, exchange the code, store the token.
func (h *Accounts) Callback(c echo.Context) error {
	s := sessionOf(c)
	l := tr(c)
	want := s.Take(accountStateKey)
	got := c.QueryParam("state")
	ctx := c.Request().Context()
	valid := want != "" && got == want
	if valid {
		var err error
		if valid, err = useOnce(ctx, h.States, "acct:"+got); err != nil {
			return err // the store is down: say so, not "old or already used"
		}
	}
	if !valid {
		h.Log.WarnContext(c.Request().Context(), "account oauth callback with a missing, mismatched or reused state")
		return render(c, http.StatusBadRequest, views.OAuthDenied(views.OAuthDeniedPage{
			Base:     h.base(c, l.T("account.notConnected"), ""),
			Heading:  l.T("account.notConnected"),
			Message:  l.T("account.stateInvalid"),
			RetryURL: "/account/connect",
		}))
	}
	if e := c.QueryParam("error"); e != "" {
		heading, msg := l.T("account.deniedHeading"), l.T("account.deniedMessage")
		if e != "access_denied" {
			heading, msg = l.T("account.failedHeading"), l.T("account.failedMessage")
		}
		return render(c, http.StatusOK, views.OAuthDenied(views.OAuthDeniedPage{
			Base: h.base(c, heading, ""), Heading: heading, Message: msg, RetryURL: "/account/connect",
		}))
	}
	code := c.QueryParam("code")
	if code == "" {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	acct, err := h.API.ExchangeCode(ctx, code)
	var apiErr *connect.Error
	if errors.As(err, &apiErr) && apiErr.Status == http.StatusBadRequest {
		return render(c, http.StatusBadRequest, views.OAuthDenied(views.OAuthDeniedPage{
			Base:     h.base(c, l.T("account.notConnected"), ""),
			Heading:  l.T("account.notConnected"),
			Message:  l.T("account.codeExpired"),
			RetryURL: "/account/connect",
		}))
	}
	if err != nil {
		return err
	}
	a := Account{Token: acct.AccessToken, ID: int64(acct.StitchAccountID)}
	s.SetAccount(a)
	s.SetFlash(FlashSuccess, l.T("account.connected"))
	emit(c, "onramp:account_connected", map[string]any{"stitch_account_id": a.ID, "created": false})
	h.record(ctx, journey.Event{Kind: journey.Account, Step: journey.Connected, AccountID: a.ID})
	return redirect(c, "/")
}

// Disconnect handles POST /account/disconnect: forget the account in this
// browser. In a widget there is no sign-in to return to: the session ends,
// and the partner's page is told the user left (onramp:close).
func (h *Accounts) Disconnect(c echo.Context) error {
	s := sessionOf(c)
	l := tr(c)
	if inLaunch(c) {
		left := l.T("account.leftHeading", "Product", h.productName())
		base := h.base(c, left, "", Event{Type: "onramp:close", Data: map[string]any{"reason": "cancelled"}})
		base.Widget = true
		s.Clear()
		return render(c, http.StatusOK, views.Notice(views.NoticePage{
			Base: base, Heading: left,
			Message: l.T("account.leftMessage"), Close: true,
		}))
	}
	s.Clear()
	s.SetFlash(FlashInfo, l.T("account.signedOut"))
	return redirect(c, "/")
}
