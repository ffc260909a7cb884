package emulator

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
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

// pgProps are valid PostgreSQL source properties for check tests.
func pgProps() map[string]any {
	return map[string]any{"host": "db.example.com", "port": "5432", "user": "stitch", "password": "pw", "dbname": "shop"}
}

// mustCheck reads a source's last connection check.
func (e *env) mustCheck(tb testing.TB, tok string, id any) map[string]any {
	tb.Helper()
	r := e.mustDo(tb, "GET", "/v4/sources/"+str(id)+"/last-connection-check", tok, nil)
	mustStatus(tb, r, http.StatusOK)
	return r.obj(tb)
}

// TestAccountFaultsInParallel runs two accounts with different faults on one
// emulator at the same time: each sees only its own.
func TestAccountFaultsInParallel(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.Now = nil; c.CheckDelay = time.Hour })
	zero := time.Duration(0)
	cases := []struct {
		name, email string
		faults      Faults
		status      int    // GET /v4/sources
		check       string // final check status
		message     string // discovery_error_message
	}{
		{"failing", "qa+fail@example.com", Faults{
			Rules:      []FaultRule{{Method: "GET", Path: "/v4/sources", Status: 503}},
			FailChecks: "FATAL:  the database system is starting up", CheckDelay: &zero,
		}, http.StatusServiceUnavailable, "failed", "FATAL:  the database system is starting up"},
		{"healthy", "qa+ok@example.com", Faults{CheckDelay: &zero}, http.StatusOK, "succeeded", "null"},
	}
	for _, c := range cases {
		tok, _ := e.mustToken(t, c.email)
		if err := e.srv.SetAccountFaults(c.email, c.faults); err != nil {
			t.Fatalf("SetAccountFaults: %v", err)
		}
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			for i := range 20 {
				mustStatus(t, e.mustDo(t, "GET", "/v4/sources", tok, nil), c.status)
				src := e.mustCreateSource(t, tok, "platform.postgres", fmt.Sprintf("Shop %d", i), pgProps())
				check := e.mustCheck(t, tok, src["id"])
				if got := str(check["status"]); got != c.check {
					t.Fatalf("run %d: check status: got %s, want %s (%v)", i, got, c.check, check)
				}
				if got := str(check["discovery_error_message"]); got != c.message {
					t.Fatalf("run %d: check message: got %q, want %q", i, got, c.message)
				}
			}
		})
	}
	t.Cleanup(func() {
		// Without account faults, the server's own hour-long delay applies.
		tok, _ := e.mustToken(t, "qa+plain@example.com")
		src := e.mustCreateSource(t, tok, "platform.postgres", "Plain", pgProps())
		if got := str(e.mustCheck(t, tok, src["id"])["status"]); got != "running" {
			t.Errorf("account without faults: got check %s, want running", got)
		}
	})
}

func TestAccountFaultsByTokenAndTimes(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "Times@Example.com")
	other, _ := e.mustToken(t, "other@example.com")
	if err := e.srv.SetAccountFaults(tok, Faults{Rules: []FaultRule{{Method: "GET", Path: "/v4/source-types/**", Status: 429, RetryAfter: 3, Times: 2}}}); err != nil {
		t.Fatalf("SetAccountFaults by token: %v", err)
	}
	e.srv.SetFaults(Faults{Rules: []FaultRule{{Method: "GET", Path: "/v4/destinations", Status: 500}}})
	for range 2 {
		r := e.mustDo(t, "GET", "/v4/source-types", tok, nil)
		mustStatus(t, r, http.StatusTooManyRequests)
		if got := r.header.Get("Retry-After"); got != "3" {
			t.Fatalf("Retry-After: got %q, want 3", got)
		}
		mustStatus(t, e.mustDo(t, "GET", "/v4/source-types", other, nil), http.StatusOK)
	}
	mustStatus(t, e.mustDo(t, "GET", "/v4/source-types", tok, nil), http.StatusOK) // Times: 2 consumed
	// Global faults still apply to every account.
	mustStatus(t, e.mustDo(t, "GET", "/v4/destinations", tok, nil), http.StatusInternalServerError)
	mustStatus(t, e.mustDo(t, "GET", "/v4/destinations", other, nil), http.StatusInternalServerError)
	// The email names the same account as the token (case-insensitive).
	f, err := e.srv.AccountFaults("times@example.com")
	if err != nil || len(f.Rules) != 0 {
		t.Fatalf("AccountFaults: got %+v, %v; want no rules left", f, err)
	}
	if err := e.srv.SetAccountFaults("at_unknown", Faults{}); !errors.Is(err, errUnknownToken) {
		t.Fatalf("unknown token: got %v, want errUnknownToken", err)
	}
	if err := e.srv.SetAccountFaults("x@example.com", Faults{ProviderTokenError: true}); err == nil {
		t.Fatal("provider faults on an account: got no error, want one")
	}
}

func TestAccountLatency(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	slow, _ := e.mustToken(t, "slow@example.com")
	fast, _ := e.mustToken(t, "fast@example.com")
	_ = e.srv.SetAccountFaults("slow@example.com", Faults{Latency: 80 * time.Millisecond})
	start := time.Now()
	mustStatus(t, e.mustDo(t, "GET", "/v4/sources", fast, nil), http.StatusOK)
	if d := time.Since(start); d >= 80*time.Millisecond {
		t.Fatalf("fast account: answered after %v, want < 80ms", d)
	}
	start = time.Now()
	mustStatus(t, e.mustDo(t, "GET", "/v4/sources", slow, nil), http.StatusOK)
	if d := time.Since(start); d < 80*time.Millisecond {
		t.Fatalf("slow account: answered after %v, want ≥ 80ms", d)
	}
}

func TestAccountCheckDelayWithFakeClock(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil) // server delay 10s
	tok, _ := e.mustToken(t, "delay@example.com")
	d := 2 * time.Minute
	_ = e.srv.SetAccountFaults("delay@example.com", Faults{CheckDelay: &d})
	src := e.mustCreateSource(t, tok, "platform.postgres", "Slow DB", pgProps())
	e.clock.Advance(time.Minute)
	if got := str(e.mustCheck(t, tok, src["id"])["status"]); got != "running" {
		t.Fatalf("after 1 minute: got %s, want running (account delay 2m)", got)
	}
	e.clock.Advance(time.Minute)
	if got := str(e.mustCheck(t, tok, src["id"])["status"]); got != "succeeded" {
		t.Fatalf("after 2 minutes: got %s, want succeeded", got)
	}
}

func TestAdminAccountFaults(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "qa+admin@example.com")
	do := func(method, query, body string) resp {
		req, _ := http.NewRequest(method, e.ts.URL+"/_emulator/faults"+query, strings.NewReader(body))
		req.SetBasicAuth(testPartnerID, testPartnerSecret)
		return mustSend(t, e.ts.Client(), req)
	}
	q := "?email=" + url.QueryEscape("qa+admin@example.com")
	r := do("PUT", q, `{"rules":[{"method":"POST","path":"/v4/sources","status":502}],"fail_checks":"boom","check_delay":"0s"}`)
	mustStatus(t, r, http.StatusOK)
	want := `{"latency":"0s","rules":[{"method":"POST","path":"/v4/sources","status":502}],"fail_checks":"boom","check_delay":"0s","provider_omit_refresh_token":false,"provider_token_error":false}`
	mustJSONEqual(t, r, want)
	mustJSONEqual(t, do("GET", "?access_token="+tok, ""), want)
	// The global faults are untouched.
	mustJSONEqual(t, do("GET", "", ""), `{"latency":"0s","rules":[],"fail_checks":"","provider_omit_refresh_token":false,"provider_token_error":false}`)
	mustStatus(t, e.mustDo(t, "POST", "/v4/sources", tok, map[string]any{}), http.StatusBadGateway)

	for _, bad := range []struct{ query, body string }{
		{q, `{"check_delay":"later"}`},
		{q, `{"provider_token_error":true}`},
		{"?email=nobody", `{}`},
		{q + "&access_token=" + tok, `{}`},
	} {
		mustStatus(t, do("PUT", bad.query, bad.body), http.StatusBadRequest)
	}
	mustStatus(t, do("PUT", "?access_token=at_nope", `{}`), http.StatusNotFound)

	mustStatus(t, do("DELETE", q, ""), http.StatusOK)
	mustJSONEqual(t, do("GET", q, ""), `{"latency":"0s","rules":[],"fail_checks":"","provider_omit_refresh_token":false,"provider_token_error":false}`)
	mustStatus(t, e.mustDo(t, "POST", "/v4/sources", tok, map[string]any{}), http.StatusBadRequest) // the real InvalidBody again
}

func TestAccountFaultsFailDestinationChecks(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	bad, _ := e.mustToken(t, "dest+fail@example.com")
	good, _ := e.mustToken(t, "dest+ok@example.com")
	zero := time.Duration(0)
	if err := e.srv.SetAccountFaults("dest+fail@example.com", Faults{FailChecks: "could not connect: too many clients", CheckDelay: &zero}); err != nil {
		t.Fatalf("SetAccountFaults: %v", err)
	}
	for _, c := range []struct {
		tok, status string
		step        string
	}{{bad, "failed", "form"}, {good, "running", "fully_configured"}} {
		r := e.mustDo(t, "POST", "/v4/destinations", c.tok, postgresDest("warehouse.example.com"))
		mustStatus(t, r, http.StatusOK)
		id := str(r.obj(t)["id"])
		check := e.mustDo(t, "GET", "/v4/destinations/"+id+"/last-connection-check", c.tok, nil).obj(t)
		if got := str(check["status"]); got != c.status {
			t.Fatalf("check: got %s, want %s (%v)", got, c.status, check)
		}
		list := e.mustDo(t, "GET", "/v4/destinations", c.tok, nil).json(t).([]any)
		d, _ := list[0].(map[string]any)
		if _, typ := step(t, d); typ != c.step {
			t.Fatalf("destination step: got %s, want %s", typ, c.step)
		}
	}
}
