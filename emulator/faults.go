package emulator

import (
	"encoding/json"
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
	// now on fail with this message.
	FailChecks string
	// ProviderOmitRefreshToken makes the fake OAuth provider's token endpoint
	// answer without a refresh_token.
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
	ProviderOmitRefreshToken bool        `json:"provider_omit_refresh_token"`
	ProviderTokenError       bool        `json:"provider_token_error"`
}

// MarshalJSON writes Latency as a Go duration string ("250ms").
func (f Faults) MarshalJSON() ([]byte, error) {
	rules := f.Rules
	if rules == nil {
		rules = []FaultRule{}
	}
	return json.Marshal(faultsWire{Latency: f.Latency.String(), Rules: rules, FailChecks: f.FailChecks,
		ProviderOmitRefreshToken: f.ProviderOmitRefreshToken, ProviderTokenError: f.ProviderTokenError})
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
	for _, r := range w.Rules {
		if err := r.validate(); err != nil {
			return err
		}
	}
	*f = Faults{Latency: lat, Rules: w.Rules, FailChecks: w.FailChecks,
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

// SetFaults replaces the injected faults.
func (s *Server) SetFaults(f Faults) {
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	f.Rules = append([]FaultRule(nil), f.Rules...)
	s.faults = f
}

func (s *Server) currentFaults() Faults {
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	f := s.faults
	f.Rules = append([]FaultRule(nil), f.Rules...)
	return f
}

// takeRule returns the first rule matching r, consuming one of its Times.
func (s *Server) takeRule(r *http.Request) (FaultRule, bool) {
	s.faultsMu.Lock()
	defer s.faultsMu.Unlock()
	for i, rule := range s.faults.Rules {
		if !rule.matches(r) {
			continue
		}
		if rule.Times > 0 {
			if rule.Times == 1 {
				s.faults.Rules = append(s.faults.Rules[:i:i], s.faults.Rules[i+1:]...)
			} else {
				s.faults.Rules[i].Times--
			}
		}
		return rule, true
	}
	return FaultRule{}, false
}

// injectFault applies latency and forced answers; it reports whether it
// answered the request itself.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/_emulator/") || strings.HasPrefix(r.URL.Path, "/assets/") {
		return false
	}
	if lat := s.currentFaults().Latency; lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	rule, ok := s.takeRule(r)
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

// getFaults answers GET /_emulator/faults.
func (s *Server) getFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.currentFaults())
}

// putFaults answers PUT /_emulator/faults (replaces all faults).
func (s *Server) putFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": err.Error()})
		return
	}
	s.SetFaults(f)
	writeJSON(w, http.StatusOK, s.currentFaults())
}

// deleteFaults answers DELETE /_emulator/faults (clears all faults).
func (s *Server) deleteFaults(w http.ResponseWriter, _ *http.Request) {
	s.SetFaults(Faults{})
	writeJSON(w, http.StatusOK, s.currentFaults())
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
