package emulator

import (
	"net/http"
	"testing"
)

// TestLimitedAccountAccess: an account whose email contains "+limited@" sees
// details.access false for the documented types, in the list and in a
// look-up, and cannot create them (AccessDenied); others are unaffected.
func TestLimitedAccountAccess(t *testing.T) {
	e := mustEnv(t, nil)
	full, _ := e.mustToken(t, "full@example.com")
	limited, _ := e.mustToken(t, "ada+limited@example.com")
	accessIn := func(token string) map[string]bool {
		t.Helper()
		r := e.mustDo(t, "GET", "/v4/source-types", token, nil)
		mustStatus(t, r, http.StatusOK)
		list, ok := r.json(t).([]any)
		if !ok {
			t.Fatalf("got %s, want a list", r.body)
		}
		m := map[string]bool{}
		for _, v := range list {
			c, _ := v.(map[string]any)
			typ, _ := c["type"].(string)
			d, _ := c["details"].(map[string]any)
			m[typ], _ = d["access"].(bool)
		}
		return m
	}
	fullAccess, limitedAccess := accessIn(full), accessIn(limited)
	denied := LimitedDeniedSources()
	if len(denied) == 0 {
		t.Fatal("no denied types")
	}
	for _, typ := range denied {
		if !fullAccess[typ] || limitedAccess[typ] {
			t.Errorf("%s: got full %v, limited %v; want true, false", typ, fullAccess[typ], limitedAccess[typ])
		}
		r := e.mustDo(t, "GET", "/v4/source-types/"+typ, limited, nil)
		if d, _ := r.obj(t)["details"].(map[string]any); d["access"] != false {
			t.Errorf("GET %s as limited: details %v, want access false", typ, d)
		}
	}
	if !limitedAccess["platform.mysql"] {
		t.Error("limited account lost access to platform.mysql")
	}
	r := e.mustDo(t, "POST", "/v4/sources", limited, map[string]any{"type": "platform.salesforce", "display_name": "SF", "properties": map[string]any{}})
	mustStatus(t, r, http.StatusBadRequest)
	mustJSONEqual(t, r, `{"error":"AccessDenied","data":{"message":"you do not have access to source type (platform.salesforce)"}}`)
	r = e.mustDo(t, "POST", "/v4/sources", full, map[string]any{"type": "platform.salesforce", "display_name": "SF", "properties": map[string]any{}})
	if r.status != http.StatusOK {
		t.Errorf("full account create: got %d %s, want 200", r.status, r.body)
	}
}
