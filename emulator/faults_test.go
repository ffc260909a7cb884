package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestFaultRules(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "faults@example.com")
	e.srv.SetFaults(Faults{Rules: []FaultRule{
		{Method: "GET", Path: "/v4/sources", Status: 500, Times: 1},
		{Method: "*", Path: "/v4/source-types/**", Status: 429, RetryAfter: 7},
		{Path: "/v4/destination-types", Hang: true},
	}})
	r := e.mustDo(t, "GET", "/v4/sources", tok, nil)
	mustStatus(t, r, http.StatusInternalServerError)
	mustStatus(t, e.mustDo(t, "GET", "/v4/sources", tok, nil), http.StatusOK) // Times: 1 consumed
	r = e.mustDo(t, "GET", "/v4/source-types/platform.hubspot", tok, nil)
	mustStatus(t, r, http.StatusTooManyRequests)
	if got := r.header.Get("Retry-After"); got != "7" {
		t.Fatalf("Retry-After: got %q, want 7", got)
	}
	mustStatus(t, e.mustDo(t, "GET", "/v4/source-types", tok, nil), http.StatusTooManyRequests) // "/**" includes the prefix
	mustStatus(t, e.mustDo(t, "GET", "/v4/destinations", tok, nil), http.StatusOK)

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/v4/destination-types", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if _, err := e.ts.Client().Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang: got %v, want the client to give up", err)
	}

	got := e.srv.currentFaults()
	if len(got.Rules) != 2 {
		t.Fatalf("rules left: got %d, want 2", len(got.Rules))
	}
}

func TestFaultLatency(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	e.srv.SetFaults(Faults{Latency: 60 * time.Millisecond})
	start := time.Now()
	mustStatus(t, e.mustDo(t, "GET", "/v4/sources", "", nil), http.StatusUnauthorized)
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Fatalf("latency: answered after %v, want ≥ 60ms", d)
	}
}

func TestAdminFaults(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	do := func(method, body string) resp {
		req, _ := http.NewRequest(method, e.ts.URL+"/_emulator/faults", strings.NewReader(body))
		req.SetBasicAuth(testPartnerID, testPartnerSecret)
		return mustSend(t, e.ts.Client(), req)
	}
	r := do("PUT", `{"latency":"5ms","rules":[{"method":"POST","path":"/v4/sources","status":502}],"fail_checks":"boom","provider_omit_refresh_token":true}`)
	mustStatus(t, r, http.StatusOK)
	mustJSONEqual(t, r, `{"latency":"5ms","rules":[{"method":"POST","path":"/v4/sources","status":502}],"fail_checks":"boom","provider_omit_refresh_token":true,"provider_token_error":false}`)
	if f := e.srv.currentFaults(); f.Latency != 5*time.Millisecond || f.FailChecks != "boom" {
		t.Fatalf("faults: got %+v", f)
	}
	mustJSONEqual(t, do("GET", ""), `{"latency":"5ms","rules":[{"method":"POST","path":"/v4/sources","status":502}],"fail_checks":"boom","provider_omit_refresh_token":true,"provider_token_error":false}`)
	for _, bad := range []string{`{"latency":"soon"}`, `{"rules":[{"path":"v4","status":500}]}`, `{"rules":[{"path":"/x","status":42}]}`, `[`} {
		mustStatus(t, do("PUT", bad), http.StatusBadRequest)
	}
	mustJSONEqual(t, do("DELETE", ""), `{"latency":"0s","rules":[],"fail_checks":"","provider_omit_refresh_token":false,"provider_token_error":false}`)
}

func TestParseFaultFlag(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want FaultRule
		err  bool
	}{
		{"POST /v4/sources 500", FaultRule{Method: "POST", Path: "/v4/sources", Status: 500}, false},
		{"GET /v4/source-types 429 30", FaultRule{Method: "GET", Path: "/v4/source-types", Status: 429, RetryAfter: 30}, false},
		{"* /v4/sources/* hang", FaultRule{Method: "*", Path: "/v4/sources/*", Hang: true}, false},
		{"GET /x", FaultRule{}, true},
		{"GET /x abc", FaultRule{}, true},
		{"GET /x 500 soon", FaultRule{}, true},
		{"GET x 500", FaultRule{}, true},
	}
	for _, c := range cases {
		got, err := parseFaultFlag(c.in)
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("%q: got %+v, %v; want %+v, error %v", c.in, got, err, c.want, c.err)
		}
	}
}

func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// mustProviderCode approves the provider consent page and returns the code.
func mustProviderCode(t *testing.T, e *env, verifier string) string {
	t.Helper()
	form := url.Values{"client_id": {DefaultProviderClientID}, "redirect_uri": {"https://app.example/oauth/source/callback"}, "state": {"st8"},
		"scope": {"read offline"}, "code_challenge": {pkceChallenge(verifier)}, "code_challenge_method": {"S256"}, "decision": {"approve"}}
	r := e.mustForm(t, "/provider/authorize", form)
	mustStatus(t, r, http.StatusSeeOther)
	loc, _ := url.Parse(r.header.Get("Location"))
	if loc.Query().Get("state") != "st8" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect: got %s", r.header.Get("Location"))
	}
	return loc.Query().Get("code")
}

func TestProvider(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	const verifier = "a-long-random-verifier-string-of-at-least-43-characters-xyz"
	q := url.Values{"client_id": {DefaultProviderClientID}, "redirect_uri": {"https://app.example/cb"}, "state": {"s"}, "scope": {"read"},
		"code_challenge": {pkceChallenge(verifier)}, "code_challenge_method": {"S256"}, "response_type": {"code"}}
	r := e.mustDo(t, "GET", "/provider/authorize?"+q.Encode(), "", nil)
	mustStatus(t, r, http.StatusOK)
	if !strings.Contains(string(r.body), "<li>read</li>") {
		t.Fatalf("consent page: got %s", r.body)
	}
	mustStatus(t, e.mustDo(t, "GET", "/provider/authorize?client_id=other&redirect_uri=https://a.example/cb", "", nil), http.StatusBadRequest)
	q.Set("code_challenge_method", "plain")
	r = e.mustForm(t, "/provider/authorize", q)
	if loc := r.header.Get("Location"); !strings.Contains(loc, "error=invalid_request") {
		t.Fatalf("plain PKCE: got %d %q", r.status, loc)
	}
	deny := url.Values{"client_id": {DefaultProviderClientID}, "redirect_uri": {"https://app.example/cb"}, "state": {"s2"}, "decision": {"deny"}}
	if loc := e.mustForm(t, "/provider/authorize", deny).header.Get("Location"); loc != "https://app.example/cb?error=access_denied&state=s2" {
		t.Fatalf("deny: got %q", loc)
	}

	token := func(form url.Values) resp { return e.mustForm(t, "/provider/token", form) }
	base := func(code, v string) url.Values {
		return url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {"https://app.example/oauth/source/callback"},
			"client_id": {DefaultProviderClientID}, "client_secret": {DefaultProviderClientSecret}, "code_verifier": {v}}
	}
	t.Run("wrong verifier", func(t *testing.T) {
		r := token(base(mustProviderCode(t, e, verifier), "other-verifier"))
		mustStatus(t, r, http.StatusBadRequest)
		mustJSONEqual(t, r, `{"error":"invalid_grant"}`)
	})
	t.Run("wrong client secret", func(t *testing.T) {
		f := base(mustProviderCode(t, e, verifier), verifier)
		f.Set("client_secret", "nope")
		r := token(f)
		mustStatus(t, r, http.StatusUnauthorized)
		mustJSONEqual(t, r, `{"error":"invalid_client"}`)
	})
	t.Run("code and refresh", func(t *testing.T) {
		code := mustProviderCode(t, e, verifier)
		r := token(base(code, verifier))
		mustStatus(t, r, http.StatusOK)
		m := r.obj(t)
		refresh, _ := m["refresh_token"].(string)
		if m["token_type"] != "Bearer" || str(m["expires_in"]) != "3600" || refresh == "" || m["scope"] != "read offline" {
			t.Fatalf("token: got %s", r.body)
		}
		mustStatus(t, token(base(code, verifier)), http.StatusBadRequest) // single use
		r = token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh}, "client_id": {DefaultProviderClientID}, "client_secret": {DefaultProviderClientSecret}})
		mustStatus(t, r, http.StatusOK)
		if r.obj(t)["access_token"] == m["access_token"] {
			t.Fatal("refresh returned the same access token")
		}
		mustStatus(t, token(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}, "client_id": {DefaultProviderClientID}, "client_secret": {DefaultProviderClientSecret}}), http.StatusBadRequest)
		mustStatus(t, token(url.Values{"grant_type": {"password"}, "client_id": {DefaultProviderClientID}, "client_secret": {DefaultProviderClientSecret}}), http.StatusBadRequest)
	})
	t.Run("expired code", func(t *testing.T) {
		code := mustProviderCode(t, e, verifier)
		e.clock.Advance(6 * time.Minute)
		mustStatus(t, token(base(code, verifier)), http.StatusBadRequest)
	})
	t.Run("basic auth and faults", func(t *testing.T) {
		code := mustProviderCode(t, e, verifier)
		f := base(code, verifier)
		f.Del("client_id")
		f.Del("client_secret")
		req, _ := http.NewRequest("POST", e.ts.URL+"/provider/token", strings.NewReader(f.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(DefaultProviderClientID, DefaultProviderClientSecret)
		e.srv.SetFaults(Faults{ProviderOmitRefreshToken: true})
		r := mustSend(t, e.ts.Client(), req)
		mustStatus(t, r, http.StatusOK)
		if _, has := r.obj(t)["refresh_token"]; has {
			t.Fatalf("refresh_token present despite the fault: %s", r.body)
		}
		e.srv.SetFaults(Faults{ProviderTokenError: true})
		r = token(base(mustProviderCode(t, e, verifier), verifier))
		mustStatus(t, r, http.StatusInternalServerError)
		mustJSONEqual(t, r, `{"error":"server_error"}`)
		e.srv.SetFaults(Faults{})
	})
}
