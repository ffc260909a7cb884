package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A fake third-party OAuth 2 provider (authorization code + PKCE S256,
// refresh tokens) for Onramp's white-label source OAuth.

const (
	providerCodeTTL   = 5 * time.Minute
	providerTokenLife = 3600
)

type providerCode struct {
	redirectURI, challenge, scope string
	expires                       time.Time
}

type providerView struct {
	ClientName, ClientID, RedirectURI, State, Scope, Challenge, ChallengeMethod string
	Scopes                                                                      []string
}

// providerParams validates an authorization request (query or form). When
// the redirect URI is usable, errors go back to it as OAuth errors;
// otherwise an error page is shown. It returns nil when it answered.
func (s *Server) providerParams(w http.ResponseWriter, r *http.Request, v url.Values) *providerView {
	if !secretEqual(v.Get("client_id"), s.cfg.ProviderClientID) {
		s.errorPage(w, http.StatusBadRequest, "Unknown application", "The application that sent you here is not registered with this provider (unknown client_id).")
		return nil
	}
	u, ok := validRedirect(v.Get("redirect_uri"))
	if !ok {
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "The application did not send a valid redirect_uri.")
		return nil
	}
	fail := func(code string) *providerView {
		redirectWith(w, r, u, url.Values{"error": {code}, "state": {v.Get("state")}})
		return nil
	}
	if rt := v.Get("response_type"); rt != "" && rt != "code" {
		return fail("unsupported_response_type")
	}
	if v.Get("code_challenge") != "" && v.Get("code_challenge_method") != "S256" {
		return fail("invalid_request")
	}
	return &providerView{
		ClientName: s.partnerName(), ClientID: v.Get("client_id"), RedirectURI: v.Get("redirect_uri"),
		State: v.Get("state"), Scope: v.Get("scope"), Scopes: strings.Fields(v.Get("scope")),
		Challenge: v.Get("code_challenge"), ChallengeMethod: v.Get("code_challenge_method"),
	}
}

// redirectWith sends the browser to u with extra query parameters (empty ones dropped).
func redirectWith(w http.ResponseWriter, r *http.Request, u *url.URL, extra url.Values) {
	q := u.Query()
	for k, vs := range extra {
		if len(vs) > 0 && vs[0] != "" {
			q.Set(k, vs[0])
		}
	}
	dest := *u
	dest.RawQuery = q.Encode()
	http.Redirect(w, r, dest.String(), http.StatusSeeOther)
}

// providerPage answers GET /provider/authorize: the provider's consent page.
func (s *Server) providerPage(w http.ResponseWriter, r *http.Request) {
	if v := s.providerParams(w, r, r.URL.Query()); v != nil {
		s.render(w, http.StatusOK, "provider", "Allow access to Example Data Co.", v)
	}
}

// providerDecision answers POST /provider/authorize (Approve or Deny).
func (s *Server) providerDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, http.StatusBadRequest, "Invalid request", "The form could not be read.")
		return
	}
	v := s.providerParams(w, r, r.PostForm)
	if v == nil {
		return
	}
	u, _ := validRedirect(v.RedirectURI)
	if r.PostForm.Get("decision") != "approve" {
		redirectWith(w, r, u, url.Values{"error": {"access_denied"}, "state": {v.State}})
		return
	}
	code := "pc_" + randomHex(16)
	s.mu.Lock()
	s.st.provCodes[code] = &providerCode{redirectURI: v.RedirectURI, challenge: v.Challenge, scope: v.Scope, expires: s.now().Add(providerCodeTTL)}
	s.mu.Unlock()
	redirectWith(w, r, u, url.Values{"code": {code}, "state": {v.State}})
}

// providerToken answers POST /provider/token (authorization_code with PKCE,
// refresh_token). Client credentials come as form fields or HTTP Basic auth.
func (s *Server) providerToken(w http.ResponseWriter, r *http.Request) {
	fail := func(status int, code string) { writeJSON(w, status, map[string]string{"error": code}) }
	faults := s.currentFaults()
	if faults.ProviderTokenError {
		fail(http.StatusInternalServerError, "server_error")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(http.StatusBadRequest, "invalid_request")
		return
	}
	f := r.PostForm
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = f.Get("client_id"), f.Get("client_secret")
	}
	if !secretEqual(id, s.cfg.ProviderClientID) || !secretEqual(secret, s.cfg.ProviderClientSecret) {
		fail(http.StatusUnauthorized, "invalid_client")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var scope, refresh string
	switch f.Get("grant_type") {
	case "authorization_code":
		c, ok := s.st.provCodes[f.Get("code")]
		if !ok {
			fail(http.StatusBadRequest, "invalid_grant")
			return
		}
		delete(s.st.provCodes, f.Get("code"))
		if !s.now().Before(c.expires) || f.Get("redirect_uri") != c.redirectURI || !pkceOK(c.challenge, f.Get("code_verifier")) {
			fail(http.StatusBadRequest, "invalid_grant")
			return
		}
		scope, refresh = c.scope, "prt_"+randomHex(20)
		s.st.provRefresh[refresh] = scope
	case "refresh_token":
		sc, ok := s.st.provRefresh[f.Get("refresh_token")]
		if !ok {
			fail(http.StatusBadRequest, "invalid_grant")
			return
		}
		scope, refresh = sc, f.Get("refresh_token")
	default:
		fail(http.StatusBadRequest, "unsupported_grant_type")
		return
	}
	out := map[string]any{"access_token": "pat_" + randomHex(20), "token_type": "Bearer", "expires_in": providerTokenLife}
	if scope != "" {
		out["scope"] = scope
	}
	if !faults.ProviderOmitRefreshToken {
		out["refresh_token"] = refresh
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, out)
}

// pkceOK checks an S256 code verifier; without a challenge none is needed.
func pkceOK(challenge, verifier string) bool {
	if challenge == "" {
		return true
	}
	sum := sha256.Sum256([]byte(verifier))
	return verifier != "" && secretEqual(base64.RawURLEncoding.EncodeToString(sum[:]), challenge)
}
