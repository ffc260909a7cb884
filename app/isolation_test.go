package app

import (
	"net/http"
	"strings"
	"testing"
)

// TestAccessIsPerAccountFromOneWarmCache: a full account warms the type cache,
// then an account on a smaller plan (emulator sandbox "+limited@") must see
// its own catalog, and the full account must still see everything.
func TestAccessIsPerAccountFromOneWarmCache(t *testing.T) {
	ts := mustStart(t, map[string]string{"ONRAMP_CACHE_TTL": "10m"})
	ts.signUp(t, "full@example.com")
	limited := mustStartSameEmulator(t, ts)
	limited.signUp(t, "ada+limited@example.com")

	const sf = `href="/sources/new/platform.salesforce"`
	for round := 0; round < 2; round++ {
		_, body := ts.get(t, "/sources/new")
		if !strings.Contains(body, sf) {
			t.Fatalf("round %d: full account's catalog has no Salesforce", round)
		}
		if r, _ := ts.get(t, "/sources/new/platform.salesforce"); r.StatusCode != http.StatusOK {
			t.Fatalf("round %d: full account's Salesforce form: got %d, want 200", round, r.StatusCode)
		}
		_, body = limited.get(t, "/sources/new")
		if strings.Contains(body, sf) {
			t.Fatalf("round %d: limited account's catalog lists Salesforce from the warm cache", round)
		}
		contains(t, body, `href="/sources/new/platform.mysql"`)
		if r, _ := limited.get(t, "/sources/new/platform.salesforce"); r.StatusCode != http.StatusNotFound {
			t.Fatalf("round %d: limited account's Salesforce form: got %d, want 404", round, r.StatusCode)
		}
	}
}
