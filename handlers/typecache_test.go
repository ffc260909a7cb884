package handlers

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
)

// countingTypes answers type look-ups and counts the calls that reach "Stitch".
type countingTypes struct{ calls atomic.Int32 }

func (c *countingTypes) ListSourceTypes(context.Context, string) ([]connect.ReportCard, error) {
	c.calls.Add(1)
	return []connect.ReportCard{{Type: "platform.mysql"}}, nil
}

func (c *countingTypes) GetSourceType(_ context.Context, _, typ string) (*connect.ReportCard, error) {
	c.calls.Add(1)
	return &connect.ReportCard{Type: typ}, nil
}

func (c *countingTypes) ListDestinationTypes(context.Context, string) ([]connect.ReportCard, error) {
	c.calls.Add(1)
	return nil, nil
}

func (c *countingTypes) GetDestinationType(_ context.Context, _, typ string) (*connect.ReportCard, error) {
	c.calls.Add(1)
	return &connect.ReportCard{Type: typ}, nil
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
