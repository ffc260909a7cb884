package handlers

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
)

// countingTypes answers type look-ups and counts the calls that reach "Stitch".
// Tokens listed in limited have no access to platform.salesforce, as an
// account on a smaller plan.
type countingTypes struct {
	calls   atomic.Int32
	limited map[string]bool
}

func (c *countingTypes) card(token, typ string) connect.ReportCard {
	access := !(c.limited[token] && typ == "platform.salesforce")
	return connect.ReportCard{Type: typ, Steps: []connect.Step{{Type: connect.StepForm}}, Details: &connect.Details{Access: access}}
}

func (c *countingTypes) ListSourceTypes(_ context.Context, token string) ([]connect.ReportCard, error) {
	c.calls.Add(1)
	return []connect.ReportCard{c.card(token, "platform.mysql"), c.card(token, "platform.salesforce")}, nil
}

func (c *countingTypes) GetSourceType(_ context.Context, token, typ string) (*connect.ReportCard, error) {
	c.calls.Add(1)
	rc := c.card(token, typ)
	return &rc, nil
}

func (c *countingTypes) ListDestinationTypes(context.Context, string) ([]connect.ReportCard, error) {
	c.calls.Add(1)
	return nil, nil
}

func (c *countingTypes) GetDestinationType(_ context.Context, token, typ string) (*connect.ReportCard, error) {
	c.calls.Add(1)
	rc := c.card(token, typ)
	return &rc, nil
}

func TestTypeCacheMakesOneCallPerTypeUntilTTL(t *testing.T) {
	api := &countingTypes{}
	tc := NewTypeCache(api, time.Minute)
	now := time.Now()
	tc.now = func() time.Time { return now }
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if rc, err := tc.SourceType(ctx, "tok", "platform.mysql"); err != nil || rc.Type != "platform.mysql" {
			t.Fatalf("got %v %v", rc, err)
		}
	}
	if n := api.calls.Load(); n != 1 {
		t.Fatalf("cold then warm: got %d Stitch calls, want 1", n)
	}
	tc.SourceType(ctx, "tok", "platform.hubspot")
	tc.DestinationType(ctx, "tok", "postgres")
	tc.SourceTypes(ctx, "tok")
	tc.SourceTypes(ctx, "tok")
	if n := api.calls.Load(); n != 4 {
		t.Fatalf("other keys: got %d calls, want 4", n)
	}
	now = now.Add(2 * time.Minute)
	tc.SourceType(ctx, "tok", "platform.mysql")
	if n := api.calls.Load(); n != 5 {
		t.Fatalf("after the TTL: got %d calls, want 5", n)
	}
	off := NewTypeCache(api, 0)
	off.SourceType(ctx, "tok", "x")
	off.SourceType(ctx, "tok", "x")
	if n := api.calls.Load(); n != 7 {
		t.Fatalf("TTL 0 disables caching: got %d calls, want 7", n)
	}
}

// TestTypeCacheAccessIsPerAccount warms the cache with a full-access account,
// then asks as a limited one: it must see its own access, not the first
// account's, and each account costs one call, after which both are warm.
func TestTypeCacheAccessIsPerAccount(t *testing.T) {
	api := &countingTypes{limited: map[string]bool{"limited": true}}
	tc := NewTypeCache(api, time.Minute)
	ctx := context.Background()
	usable := func(token string) map[string]bool {
		t.Helper()
		cards, err := tc.SourceTypes(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, rc := range cards {
			m[rc.Type] = rc.Usable()
		}
		return m
	}
	for round := 0; round < 2; round++ {
		if got := usable("full"); !got["platform.salesforce"] || !got["platform.mysql"] {
			t.Fatalf("round %d: full account: got %v, want both usable", round, got)
		}
		if got := usable("limited"); got["platform.salesforce"] || !got["platform.mysql"] {
			t.Fatalf("round %d: limited account: got %v, want salesforce not usable", round, got)
		}
	}
	if n := api.calls.Load(); n != 2 {
		t.Fatalf("got %d list calls, want 2 (one per account)", n)
	}
	// One type's card: the limited account's access came with its list, so a
	// warm shared card answers both without a call.
	rc, err := tc.SourceType(ctx, "full", "platform.salesforce")
	if err != nil || !rc.Usable() {
		t.Fatalf("full account's card: got %+v %v, want usable", rc, err)
	}
	rc, err = tc.SourceType(ctx, "limited", "platform.salesforce")
	if err != nil || rc.Usable() {
		t.Fatalf("limited account's card from the warm cache: got %+v %v, want not usable", rc, err)
	}
	if n := api.calls.Load(); n != 3 {
		t.Fatalf("got %d calls, want 3", n)
	}
	// A third account, never seen, does not inherit anybody's access.
	rc, _ = tc.SourceType(ctx, "newcomer", "platform.salesforce")
	if n := api.calls.Load(); n != 4 || !rc.Usable() {
		t.Fatalf("new account: got %d calls, usable %v; want 4, true", n, rc.Usable())
	}
	// Returned cards are copies: changing one does not change the cache.
	rc.Details.Access = false
	if rc, _ := tc.SourceType(ctx, "full", "platform.salesforce"); !rc.Usable() {
		t.Fatal("a caller's change leaked into the cache")
	}
}
