package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestCreateAccount(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	good := map[string]any{"partner_id": testPartnerID, "partner_secret": testPartnerSecret, "first_name": "Ada",
		"last_name": "Lovelace", "company": "Engines", "region": "us-east-1", "email": "ada@example.com"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range good {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	r := e.mustDo(t, "POST", "/v3/accounts", "", good)
	mustStatus(t, r, http.StatusOK)
	acct := r.obj(t)
	tok, _ := acct["access_token"].(string)
	if !strings.HasPrefix(tok, "at_") || str(acct["stitch_account_id"]) == "null" {
		t.Fatalf("account: got %s", r.body)
	}
	mustStatus(t, e.mustDo(t, "GET", "/v4/sources", tok, nil), http.StatusOK)

	cases := []struct {
		name string
		body any
		want string
	}{
		{"existing user", with("email", "ADA@example.com"), `{"code":"ExistingUser","message":"This email address is already associated with an active user."}`},
		{"malformed", "{not json", `{"code":"BadRequest","message":"Invalid form data.","errors":{}}`},
		{"missing partner id", with("partner_id", nil), `{"code":"BadRequest","message":"Invalid form data.","errors":{"partner_id":"required"}}`},
		{"wrong partner secret", with("partner_secret", "nope"), `{"code":"BadRequest","message":"Invalid form data.","errors":{"partner_secret":"required"}}`},
		{"missing region", with("region", nil), `{"code":"BadRequest","message":"Invalid form data.","errors":{"region":"required"}}`},
		{"unknown region", with("region", "ap-south-1"), `{"code":"BadRequest","message":"Invalid form data.","errors":{"region":"required"}}`},
		{"bad email", with("email", "nope"), `{"code":"BadRequest","message":"Invalid form data.","errors":{"email":"required"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.mustDo(t, "POST", "/v3/accounts", "", c.body)
			mustStatus(t, r, http.StatusBadRequest)
			mustJSONEqual(t, r, c.want)
		})
	}
}

func TestAuthRequired(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "auth@example.com")
	paths := []struct{ method, path string }{
		{"GET", "/v4/source-types"}, {"GET", "/v4/source-types/platform.hubspot"}, {"GET", "/v4/destination-types"},
		{"GET", "/v4/sources"}, {"POST", "/v4/sources"}, {"GET", "/v4/sources/1"}, {"PUT", "/v4/sources/1"},
		{"DELETE", "/v4/sources/1"}, {"GET", "/v4/sources/1/streams"}, {"PUT", "/v4/sources/1/streams/metadata"},
		{"POST", "/v4/sources/1/sync"}, {"GET", "/v4/destinations"}, {"POST", "/v3/sessions/ephemeral"},
	}
	for _, p := range paths {
		t.Run(p.method+" "+p.path, func(t *testing.T) {
			for _, token := range []string{"", "at_unknown"} {
				r := e.mustDo(t, p.method, p.path, token, nil)
				if r.status != http.StatusUnauthorized || len(r.body) != 0 {
					t.Fatalf("token %q: got %d %q, want 401 with empty body", token, r.status, r.body)
				}
			}
		})
	}
	t.Run("revoked", func(t *testing.T) {
		mustStatus(t, e.mustDo(t, "GET", "/v4/sources", tok, nil), http.StatusOK)
		e.srv.RevokeToken(tok)
		mustStatus(t, e.mustDo(t, "GET", "/v4/sources", tok, nil), http.StatusUnauthorized)
	})
	t.Run("bearer with colon", func(t *testing.T) {
		tok2, _ := e.mustToken(t, "colon@example.com")
		req, _ := http.NewRequest("GET", e.ts.URL+"/v4/sources", nil)
		req.Header.Set("Authorization", "Bearer: "+tok2)
		mustStatus(t, mustSend(t, e.ts.Client(), req), http.StatusOK)
	})
	t.Run("unknown path and method are 404", func(t *testing.T) {
		mustStatus(t, e.mustDo(t, "GET", "/v4/nothing", tok, nil), http.StatusNotFound)
		mustStatus(t, e.mustDo(t, "PATCH", "/v4/sources", tok, nil), http.StatusNotFound)
		mustStatus(t, e.mustDo(t, "DELETE", "/v4/destinations/", tok, nil), http.StatusNotFound)
	})
}

// mustConsentCode runs the consent page's Approve and returns the code.
func mustConsentCode(t *testing.T, e *env, email, state string) string {
	t.Helper()
	r := e.mustForm(t, "/oauth/authorization", url.Values{"client_id": {testPartnerID}, "redirect_uri": {"https://app.example/cb?x=1"},
		"state": {state}, "email": {email}, "decision": {"approve"}})
	mustStatus(t, r, http.StatusSeeOther)
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || loc.Host != "app.example" || loc.Path != "/cb" {
		t.Fatalf("redirect: got %q", r.header.Get("Location"))
	}
	q := loc.Query()
	if q.Get("state") != state || q.Get("x") != "1" || q.Get("code") == "" {
		t.Fatalf("redirect query: got %v, want code, state %q, x=1", q, state)
	}
	return q.Get("code")
}

func TestAccountOAuth(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	t.Run("consent page", func(t *testing.T) {
		q := url.Values{"client_id": {testPartnerID}, "redirect_uri": {"https://app.example/cb"}, "state": {"s1"}, "email": {"pre@example.com"}}
		r := e.mustDo(t, "GET", "/oauth/authorization?"+q.Encode(), "", nil)
		mustStatus(t, r, http.StatusOK)
		body := string(r.body)
		for _, want := range []string{"Onramp</strong> wants access to your Stitch account", `value="pre@example.com"`, `<label for="email">`, `lang="en"`, `action="/oauth/authorization"`} {
			if !strings.Contains(body, want) {
				t.Errorf("consent page lacks %q", want)
			}
		}
		if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("CSP: got %q", csp)
		}
	})
	t.Run("unknown client", func(t *testing.T) {
		r := e.mustDo(t, "GET", "/oauth/authorization?client_id=other&redirect_uri=https://a.example/cb", "", nil)
		mustStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(string(r.body), "unknown client_id") {
			t.Fatalf("error page: got %s", r.body)
		}
	})
	t.Run("deny echoes state", func(t *testing.T) {
		r := e.mustForm(t, "/oauth/authorization", url.Values{"client_id": {testPartnerID}, "redirect_uri": {"https://app.example/cb"}, "state": {"st"}, "decision": {"deny"}})
		mustStatus(t, r, http.StatusSeeOther)
		if got := r.header.Get("Location"); got != "https://app.example/cb?error=access_denied&state=st" {
			t.Fatalf("location: got %q", got)
		}
	})
	t.Run("invalid email re-renders", func(t *testing.T) {
		r := e.mustForm(t, "/oauth/authorization", url.Values{"client_id": {testPartnerID}, "redirect_uri": {"https://app.example/cb"}, "email": {"nope"}, "decision": {"approve"}})
		mustStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(string(r.body), `aria-invalid="true"`) {
			t.Fatalf("page lacks the field error: %s", r.body)
		}
	})
	exchange := func(code, secret, grant string) resp {
		return e.mustForm(t, "/oauth/token", url.Values{"client_secret": {secret}, "code": {code}, "grant_type": {grant}})
	}
	t.Run("exchange once", func(t *testing.T) {
		code := mustConsentCode(t, e, "oauth@example.com", "abc")
		r := exchange(code, testPartnerSecret, "authorization_code")
		mustStatus(t, r, http.StatusOK)
		m := r.obj(t)
		if m["token_type"] != "bearer" || str(m["stitch_account_id"]) == "null" {
			t.Fatalf("token: got %s", r.body)
		}
		tok, _ := m["access_token"].(string)
		mustStatus(t, e.mustDo(t, "GET", "/v4/sources", tok, nil), http.StatusOK)
		r = exchange(code, testPartnerSecret, "authorization_code")
		mustStatus(t, r, http.StatusBadRequest)
		mustJSONEqual(t, r, `{"error":"invalid_grant"}`)
		// The same email signs in to the same account.
		r2 := exchange(mustConsentCode(t, e, "OAuth@example.com", "x"), testPartnerSecret, "authorization_code")
		if got := str(r2.obj(t)["stitch_account_id"]); got != str(m["stitch_account_id"]) {
			t.Fatalf("second sign-in account: got %s, want %s", got, str(m["stitch_account_id"]))
		}
	})
	for _, c := range []struct{ name, secret, grant string }{
		{"bad secret", "wrong", "authorization_code"},
		{"bad grant", testPartnerSecret, "client_credentials"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := exchange(mustConsentCode(t, e, "g@example.com", "s"), c.secret, c.grant)
			mustStatus(t, r, http.StatusBadRequest)
			mustJSONEqual(t, r, `{"error":"invalid_grant"}`)
		})
	}
}

func TestAccountOAuthCodeExpires(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	code := mustConsentCode(t, e, "late@example.com", "s")
	e.clock.Advance(5*time.Minute + time.Second)
	r := e.mustForm(t, "/oauth/token", url.Values{"client_secret": {testPartnerSecret}, "code": {code}, "grant_type": {"authorization_code"}})
	mustStatus(t, r, http.StatusBadRequest)
	mustJSONEqual(t, r, `{"error":"invalid_grant"}`)
}

func TestEphemeralSession(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "eph@example.com")
	r := e.mustDo(t, "POST", "/v3/sessions/ephemeral", tok, nil)
	mustStatus(t, r, http.StatusOK)
	if et, _ := r.obj(t)["ephemeral_token"].(string); len(et) < 20 {
		t.Fatalf("ephemeral_token: got %s", r.body)
	}
}

func TestAdminEndpoint(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	do := func(method, path, body string, auth bool) resp {
		req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
		if auth {
			req.SetBasicAuth(testPartnerID, testPartnerSecret)
		}
		return mustSend(t, e.ts.Client(), req)
	}
	mustStatus(t, do("POST", "/_emulator/accounts", `{"email":"qa@example.com"}`, false), http.StatusUnauthorized)
	r := do("POST", "/_emulator/accounts", `{"email":"qa@example.com"}`, true)
	mustStatus(t, r, http.StatusOK)
	tok, _ := r.obj(t)["access_token"].(string)
	mustStatus(t, e.mustDo(t, "GET", "/v4/sources", tok, nil), http.StatusOK)
	mustStatus(t, do("POST", "/_emulator/accounts", "", true), http.StatusOK)
	mustStatus(t, do("POST", "/_emulator/revoke", `{}`, true), http.StatusBadRequest)
	mustStatus(t, do("POST", "/_emulator/revoke", `{"access_token":"`+tok+`"}`, true), http.StatusOK)
	mustStatus(t, e.mustDo(t, "GET", "/v4/sources", tok, nil), http.StatusUnauthorized)
}
