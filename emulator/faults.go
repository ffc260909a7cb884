package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// maxHang bounds a "hang" fault so a forgotten rule cannot pin a request forever.
const maxHang = 10 * time.Minute

// Faults are failures QA and tests inject into the emulator. The zero value
// injects nothing.
type Faults struct {
	// Latency is added before every answer (except /_emulator/ and /assets/).
	Latency time.Duration
	// Rules force answers for matching requests; the first match wins.
	Rules []FaultRule
	// FailChecks, when non-empty, makes every connection check started from
	// now on fail with this message (the check outcome).
	FailChecks string
	// CheckDelay, when set, replaces Config.CheckDelay for checks started from
	// now on (0 = finished on the next read).
	CheckDelay *time.Duration
	// FailExtractions, when non-empty, makes every extraction started from
	// now on (a source's first one, a sync job's) fail in its tap phase with
	// this message as tap_description.
	FailExtractions string
	// ProviderOmitRefreshToken makes the fake OAuth provider's token endpoint
	// answer without a refresh_token. The provider knows no Stitch account, so
	// both provider faults are global only.
	ProviderOmitRefreshToken bool
	// ProviderTokenError makes the fake OAuth provider's token endpoint answer
	// 500 {"error":"server_error"}.
	ProviderTokenError bool
}

// FaultRule forces the answer of requests matching Method and Path.
type FaultRule struct {
	// Method is the HTTP method; "" or "*" matches any.
	Method string `json:"method,omitempty"`
	// Path is a path.Match pattern on the path below BasePath, e.g.
	// "/v4/sources/*"; a trailing "/**" also matches everything below.
	Path string `json:"path"`
	// Status is the forced status (e.g. 500, 502, 429); ignored with Hang.
	Status int `json:"status,omitempty"`
	// RetryAfter, in seconds, is sent as Retry-After (useful with 429/503).
	RetryAfter int `json:"retry_after,omitempty"`
	// Hang holds the request without answering until the client gives up.
	Hang bool `json:"hang,omitempty"`
	// Times limits the rule to the next N matching requests; 0 = always.
	Times int `json:"times,omitempty"`
}

// faultsWire is the JSON form of Faults on the admin endpoint.
type faultsWire struct {
	Latency                  string      `json:"latency"`
	Rules                    []FaultRule `json:"rules"`
	FailChecks               string      `json:"fail_checks"`
	CheckDelay               string      `json:"check_delay,omitempty"`
	FailExtractions          string      `json:"fail_extractions,omitempty"`
	ProviderOmitRefreshToken bool        `json:"provider_omit_refresh_token"`
	ProviderTokenError       bool        `json:"provider_token_error"`
}

// MarshalJSON writes Latency as a Go duration string ("250ms").
func (f Faults) MarshalJSON() ([]byte, error) {
	rules := f.Rules
	if rules == nil {
		rules = []FaultRule{}
	}
	w := faultsWire{Latency: f.Latency.String(), Rules: rules, FailChecks: f.FailChecks, FailExtractions: f.FailExtractions,
		ProviderOmitRefreshToken: f.ProviderOmitRefreshToken, ProviderTokenError: f.ProviderTokenError}
	if f.CheckDelay != nil {
		w.CheckDelay = f.CheckDelay.String()
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads Latency as a Go duration string; empty means none.
func (f *Faults) UnmarshalJSON(b []byte) error {
	var w faultsWire
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("decode faults: %w", err)
	}
	var lat time.Duration
	if w.Latency != "" {
		d, err := time.ParseDuration(w.Latency)
		if err != nil {
			return fmt.Errorf("decode faults latency: %w", err)
		}
		lat = d
	}
	var delay *time.Duration
	if w.CheckDelay != "" {
		d, err := time.ParseDuration(w.CheckDelay)
		if err != nil || d < 0 {
			return fmt.Errorf("decode faults check_delay %q: want a duration such as \"5s\"", w.CheckDelay)
		}
		delay = &d
	}
	for _, r := range w.Rules {
		if err := r.validate(); err != nil {
			return err
		}
	}
	*f = Faults{Latency: lat, Rules: w.Rules, FailChecks: w.FailChecks, CheckDelay: delay, FailExtractions: w.FailExtractions,
		ProviderOmitRefreshToken: w.ProviderOmitRefreshToken, ProviderTokenError: w.ProviderTokenError}
	return nil
}

func (r FaultRule) validate() error {
	if r.Path == "" || !strings.HasPrefix(r.Path, "/") {
		return fmt.Errorf("fault rule: path %q must start with /", r.Path)
	}
	if _, err := path.Match(r.Path, "/"); err != nil {
		return fmt.Errorf("fault rule: path %q: %w", r.Path, err)
	}
	if !r.Hang && (r.Status < 100 || r.Status > 599) {
		return fmt.Errorf("fault rule %s: status %d out of range", r.Path, r.Status)
	}
	return nil
}

func (r FaultRule) matches(req *http.Request) bool {
	if r.Method != "" && r.Method != "*" && !strings.EqualFold(r.Method, req.Method) {
		return false
	}
	p := req.URL.Path
	if prefix, ok := strings.CutSuffix(r.Path, "/**"); ok {
		return p == prefix || strings.HasPrefix(p, prefix+"/")
	}
	ok, _ := path.Match(r.Path, p)
	return ok
}

// SetFaults replaces the injected faults that apply to every account.
func (s *Server) SetFaults(f Faults) {
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	s.faults = f.clone()
}

// SetAccountFaults replaces the faults of one account, named by its email or
// by one of its access tokens. They apply on top of the global faults to
// requests carrying that account's access token and to its connection
// checks, so parallel tests with their own accounts do not collide. An email
// may name an account that does not exist yet. It fails for an unknown token
// and for provider faults, which cannot be scoped to an account.
func (s *Server) SetAccountFaults(account string, f Faults) error {
	key, err := s.accountKey(account)
	if err != nil {
		return err
	}
	if f.ProviderOmitRefreshToken || f.ProviderTokenError {
		return errors.New("set account faults: provider faults are global only")
	}
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	if s.acctFaults == nil {
		s.acctFaults = map[string]Faults{}
	}
	s.acctFaults[key] = f.clone()
	return nil
}

// AccountFaults returns the faults of one account (email or access token);
// the zero value when it has none.
func (s *Server) AccountFaults(account string) (Faults, error) {
	key, err := s.accountKey(account)
	if err != nil {
		return Faults{}, err
	}
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	return s.acctFaults[key].clone(), nil
}

// ClearAccountFaults removes the faults of one account (email or access token).
func (s *Server) ClearAccountFaults(account string) error {
	key, err := s.accountKey(account)
	if err != nil {
		return err
	}
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	delete(s.acctFaults, key)
	return nil
}

// errUnknownToken is returned when account faults name a token the emulator
// never issued (or that was revoked).
var errUnknownToken = errors.New("unknown access token")

// accountKey turns an email or a live access token into the key account
// faults are stored under: the account's email, lower-cased.
func (s *Server) accountKey(account string) (string, error) {
	account = strings.TrimSpace(account)
	if strings.Contains(account, "@") {
		return strings.ToLower(account), nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if email, ok := s.tokenEmail(account); ok {
		return email, nil
	}
	return "", fmt.Errorf("account faults: %w", errUnknownToken)
}

// tokenEmail returns the lower-cased email of a token's account. Callers hold s.mu.
func (s *Server) tokenEmail(tok string) (string, bool) {
	id, ok := s.st.tokens[tok]
	if !ok || tok == "" {
		return "", false
	}
	a, ok := s.st.accounts[id]
	if !ok {
		return "", false
	}
	return strings.ToLower(a.email), true
}

// checkFaults returns what decides a new check of an account: its delay and,
// when it must fail, the message. Account faults win over global ones.
// Callers hold s.mu (faultsMu is always taken after mu).
func (s *Server) checkFaults(acct int64) (delay time.Duration, failure string) {
	delay = s.cfg.CheckDelay
	for _, f := range s.faultLayers(acct) {
		if f.CheckDelay != nil {
			delay = *f.CheckDelay
		}
		if f.FailChecks != "" {
			failure = f.FailChecks
		}
	}
	return delay, failure
}

// faultLayers are the global faults and the account's, the account's
// winning where both set something. Callers hold s.mu (faultsMu is always
// taken after mu).
func (s *Server) faultLayers(acct int64) [2]Faults {
	email := ""
	if a, ok := s.st.accounts[acct]; ok {
		email = strings.ToLower(a.email)
	}
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	return [2]Faults{s.faults, s.acctFaults[email]}
}

func (f Faults) clone() Faults {
	f.Rules = append([]FaultRule(nil), f.Rules...)
	if f.CheckDelay != nil {
		d := *f.CheckDelay
		f.CheckDelay = &d
	}
	return f
}

func (s *Server) currentFaults() Faults {
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	return s.faults.clone()
}

// takeRule returns the first rule matching r, consuming one of its Times:
// the account's rules first (key "" = none), then the global ones.
func (s *Server) takeRule(r *http.Request, key string) (FaultRule, bool) {
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	if key != "" {
		if af, ok := s.acctFaults[key]; ok {
			rule, hit := take(&af.Rules, r)
			s.acctFaults[key] = af
			if hit {
				return rule, true
			}
		}
	}
	return take(&s.faults.Rules, r)
}

func take(rules *[]FaultRule, r *http.Request) (FaultRule, bool) {
	for i, rule := range *rules {
		if !rule.matches(r) {
			continue
		}
		if rule.Times > 0 {
			if rule.Times == 1 {
				*rules = append((*rules)[:i:i], (*rules)[i+1:]...)
			} else {
				(*rules)[i].Times--
			}
		}
		return rule, true
	}
	return FaultRule{}, false
}

// requestAccount returns the fault key of the account whose access token
// the request carries, or "".
func (s *Server) requestAccount(r *http.Request) string {
	tok := bearer(r.Header.Get("Authorization"))
	if tok == "" {
		return ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	email, _ := s.tokenEmail(tok)
	return email
}

// injectFault applies latency and forced answers; it reports whether it
// answered the request itself.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/_emulator/") || strings.HasPrefix(r.URL.Path, "/assets/") {
		return false
	}
	key := s.requestAccount(r)
	s.faultsMu.Lock()
	lat := s.faults.Latency + s.acctFaults[key].Latency
	s.faultsMu.Unlock()
	if lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	rule, ok := s.takeRule(r, key)
	if !ok {
		return false
	}
	if rule.Hang {
		t := time.NewTimer(maxHang)
		defer t.Stop()
		select {
		case <-r.Context().Done():
		case <-t.C:
			w.WriteHeader(http.StatusGatewayTimeout)
		}
		return true
	}
	if rule.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(rule.RetryAfter))
	}
	writeJSON(w, rule.Status, map[string]string{"message": http.StatusText(rule.Status) + " (injected by the emulator)"})
	return true
}

// faultScope reads the optional account of an admin faults call: ?email=
// or ?access_token= (queries are never logged). It answers the error itself
// and reports ok=false when the token is unknown.
func (s *Server) faultScope(w http.ResponseWriter, r *http.Request) (account string, scoped, ok bool) {
	q := r.URL.Query()
	email, tok := q.Get("email"), q.Get("access_token")
	switch {
	case email != "" && tok != "":
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "give email or access_token, not both"})
		return "", false, false
	case email != "":
		if !strings.Contains(email, "@") {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "email must contain @"})
			return "", false, false
		}
		account = email
	case tok != "":
		account = tok
	default:
		return "", false, true
	}
	if _, err := s.accountKey(account); err != nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "unknown access token"})
		return "", false, false
	}
	return account, true, true
}

// getFaults answers GET /_emulator/faults[?email=…|?access_token=…].
func (s *Server) getFaults(w http.ResponseWriter, r *http.Request) {
	account, scoped, ok := s.faultScope(w, r)
	switch {
	case !ok:
	case scoped:
		f, _ := s.AccountFaults(account)
		writeJSON(w, http.StatusOK, f)
	default:
		writeJSON(w, http.StatusOK, s.currentFaults())
	}
}

// putFaults answers PUT /_emulator/faults[?email=…|?access_token=…]
// (replaces all faults of that scope).
func (s *Server) putFaults(w http.ResponseWriter, r *http.Request) {
	account, scoped, ok := s.faultScope(w, r)
	if !ok {
		return
	}
	var f Faults
	if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	if !scoped {
		s.SetFaults(f)
		writeJSON(w, http.StatusOK, s.currentFaults())
		return
	}
	if err := s.SetAccountFaults(account, f); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	f, _ = s.AccountFaults(account)
	writeJSON(w, http.StatusOK, f)
}

// deleteFaults answers DELETE /_emulator/faults[?email=…|?access_token=…]
// (clears the faults of that scope; without a scope, account faults too).
func (s *Server) deleteFaults(w http.ResponseWriter, r *http.Request) {
	account, scoped, ok := s.faultScope(w, r)
	switch {
	case !ok:
	case scoped:
		_ = s.ClearAccountFaults(account)
		writeJSON(w, http.StatusOK, Faults{})
	default:
		s.SetFaults(Faults{})
		s.faultsMu.Lock()
		clear(s.acctFaults)
		s.faultsMu.Unlock()
		writeJSON(w, http.StatusOK, s.currentFaults())
	}
}

// adminAccount answers POST /_emulator/accounts {"email": …} with a fresh
// access token (the account is created when new).
func (s *Server) adminAccount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Email string `json:"email"`
	}
	if r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"message": "body must be {\"email\": \"…\"} or empty"})
			return
		}
	}
	tok, id := s.NewAccount(in.Email)
	writeJSON(w, http.StatusOK, accountJSON{AccessToken: tok, StitchAccountID: id})
}

// adminRevoke answers POST /_emulator/revoke {"access_token": …}.
func (s *Server) adminRevoke(w http.ResponseWriter, r *http.Request) {
	var in struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.AccessToken == "" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "body must be {\"access_token\": \"…\"}"})
		return
	}
	s.RevokeToken(in.AccessToken)
	writeJSON(w, http.StatusOK, map[string]string{"status": "revoked"})
}
