package emulator

import (
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

const (
	codeTTL      = 5 * time.Minute
	ephemeralTTL = time.Hour
)

// NewAccount creates (or finds) the account of email and mints a new access
// token for it. For tests and QA; also POST /_emulator/accounts.
func (s *Server) NewAccount(email string) (accessToken string, accountID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if email == "" {
		email = "user-" + randomHex(4) + "@example.com"
	}
	a := s.st.findOrCreateAccount(email, "Test", "User", "Example", "us-east-1")
	return s.st.mintToken(a.id), a.id
}

// RevokeToken makes an access token invalid, as a user revoking it in
// Stitch would; later calls with it answer 401.
func (s *Server) RevokeToken(accessToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.st.tokens, accessToken)
}

// accountError answers a family-A error.
func accountError(w http.ResponseWriter, code, msg string, errs map[string]string) {
	body := map[string]any{"code": code, "message": msg}
	if errs != nil {
		body["errors"] = errs
	}
	writeJSON(w, http.StatusBadRequest, body)
}

// createAccount answers POST /v3/accounts (partner credentials in the body).
func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	body, err := decodeObject(r)
	if err != nil {
		accountError(w, "BadRequest", "Invalid form data.", map[string]string{})
		return
	}
	str := func(k string) string { v, _ := body[k].(string); return strings.TrimSpace(v) }
	errs := map[string]string{}
	if !secretEqual(str("partner_id"), s.cfg.PartnerID) {
		errs["partner_id"] = "required"
	}
	if !secretEqual(str("partner_secret"), s.cfg.PartnerSecret) {
		errs["partner_secret"] = "required"
	}
	for _, k := range []string{"first_name", "last_name", "company"} {
		if str(k) == "" {
			errs[k] = "required"
		}
	}
	if _, err := mail.ParseAddress(str("email")); err != nil || !strings.Contains(str("email"), "@") {
		errs["email"] = "required"
	}
	if reg := str("region"); reg != "us-east-1" && reg != "eu-central-1" {
		errs["region"] = "required"
	}
	if len(errs) > 0 {
		accountError(w, "BadRequest", "Invalid form data.", errs)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, taken := s.st.byEmail[strings.ToLower(str("email"))]; taken {
		accountError(w, "ExistingUser", "This email address is already associated with an active user.", nil)
		return
	}
	a := s.st.findOrCreateAccount(str("email"), str("first_name"), str("last_name"), str("company"), str("region"))
	writeJSON(w, http.StatusOK, accountJSON{AccessToken: s.st.mintToken(a.id), StitchAccountID: a.id})
}

type accountJSON struct {
	AccessToken     string `json:"access_token"`
	StitchAccountID int64  `json:"stitch_account_id"`
}

type tokenJSON struct {
	TokenType       string `json:"token_type"`
	AccessToken     string `json:"access_token"`
	StitchAccountID int64  `json:"stitch_account_id"`
}

// consentView is what the account consent page shows.
type consentView struct {
	Partner, ClientID, RedirectURI, State      string
	Email, FirstName, LastName, Company, Error string
}

// validRedirect accepts an absolute http(s) URL without fragment.
func validRedirect(raw string) (*url.URL, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Fragment != "" {
		return nil, false
	}
	return u, true
}

// consentPage answers GET /oauth/authorization: the Stitch sign-in and
// consent screen of the account OAuth flow (§4.2).
func (s *Server) consentPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !secretEqual(q.Get("client_id"), s.cfg.PartnerID) {
		s.errorPage(w, http.StatusBadRequest, "Unknown application", "The application that sent you here is not registered with Stitch (unknown client_id). Go back and try again, or contact the application's support.")
		return
	}
	if _, ok := validRedirect(q.Get("redirect_uri")); !ok {
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "The application did not send a valid redirect_uri, so Stitch cannot send you back to it.")
		return
	}
	s.render(w, http.StatusOK, "consent", "Connect your Stitch account", consentView{
		Partner: s.partnerName(), ClientID: q.Get("client_id"), RedirectURI: q.Get("redirect_uri"), State: q.Get("state"),
		Email: q.Get("email"), FirstName: q.Get("first_name"), LastName: q.Get("last_name"), Company: q.Get("company"),
	})
}

// partnerName is how the consent page names the partner application.
func (s *Server) partnerName() string { return s.cfg.PartnerName }

// consentDecision answers POST /oauth/authorization (Approve or Deny).
func (s *Server) consentDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "The form could not be read.")
		return
	}
	f := r.PostForm
	if !secretEqual(f.Get("client_id"), s.cfg.PartnerID) {
		s.errorPage(w, http.StatusBadRequest, "Unknown application", "The application that sent you here is not registered with Stitch (unknown client_id).")
		return
	}
	u, ok := validRedirect(f.Get("redirect_uri"))
	if !ok {
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "The application did not send a valid redirect_uri.")
		return
	}
	q := u.Query()
	if st := f.Get("state"); st != "" {
		q.Set("state", st)
	}
	if f.Get("decision") != "approve" {
		q.Set("error", "access_denied")
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.String(), http.StatusSeeOther)
		return
	}
	email := strings.TrimSpace(f.Get("email"))
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		s.render(w, http.StatusUnprocessableEntity, "consent", "Connect your Stitch account", consentView{
			Partner: s.partnerName(), ClientID: f.Get("client_id"), RedirectURI: f.Get("redirect_uri"), State: f.Get("state"),
			Email: email, FirstName: f.Get("first_name"), LastName: f.Get("last_name"), Company: f.Get("company"),
			Error: "Enter the email address of your Stitch account, like name@example.com.",
		})
		return
	}
	s.mu.Lock()
	a := s.st.findOrCreateAccount(email, f.Get("first_name"), f.Get("last_name"), f.Get("company"), "us-east-1")
	code := randomHex(16)
	s.st.codes[code] = &stitchCode{account: a.id, expires: s.now().Add(codeTTL)}
	s.mu.Unlock()
	q.Set("code", code)
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusSeeOther)
}

// oauthToken answers POST /oauth/token. Every failure (unknown, reused or
// expired code, wrong secret, other grant) is 400 {"error":"invalid_grant"}
// — invented, the API documents none (§21).
func (s *Server) oauthToken(w http.ResponseWriter, r *http.Request) {
	invalid := func() { writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"}) }
	if err := r.ParseForm(); err != nil {
		invalid()
		return
	}
	f := r.PostForm
	if f.Get("grant_type") != "authorization_code" || !secretEqual(f.Get("client_secret"), s.cfg.PartnerSecret) {
		invalid()
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.st.codes[f.Get("code")]
	if !ok {
		invalid()
		return
	}
	delete(s.st.codes, f.Get("code")) // single use, even when expired
	if !s.now().Before(c.expires) {
		invalid()
		return
	}
	writeJSON(w, http.StatusOK, tokenJSON{TokenType: "bearer", AccessToken: s.st.mintToken(c.account), StitchAccountID: c.account})
}

// createEphemeral answers POST /v3/sessions/ephemeral (valid one hour).
func (s *Server) createEphemeral(w http.ResponseWriter, _ *http.Request, acct int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok := randomHex(24)
	s.st.ephemeral[tok] = &ephemeralToken{account: acct, expires: s.now().Add(ephemeralTTL)}
	writeJSON(w, http.StatusOK, map[string]string{"ephemeral_token": tok})
}

// ephemeralAccount returns the account of a live ephemeral token. Callers hold s.mu.
func (s *Server) ephemeralAccount(tok string) (int64, bool) {
	e, ok := s.st.ephemeral[tok]
	if !ok || !s.now().Before(e.expires) {
		return 0, false
	}
	return e.account, true
}
