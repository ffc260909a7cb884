package journey_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/journey"
	"github.com/onramp/onramp/metrics"
	"github.com/onramp/onramp/store/redistest"
	"github.com/onramp/onramp/webhook"
)

// outbox records the webhooks a recorder sends.
type outbox struct {
	mu  sync.Mutex
	got []webhook.Event
}

func (o *outbox) Emit(_ context.Context, e webhook.Event) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.got = append(o.got, e)
	return nil
}

func (o *outbox) types() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, e := range o.got {
		out = append(out, e.Type)
	}
	return out
}

func source(step string) *connect.Source {
	steps := []connect.Step{{Type: "form"}, {Type: "oauth"}, {Type: "discover_schema"}, {Type: "field_selection"}, {Type: "fully_configured"}}
	return &connect.Source{ID: 45612, Type: "platform.facebook", ReportCard: connect.ReportCard{Steps: steps, CurrentStepType: step}}
}

func step(m *metrics.Metrics, s string) float64 {
	return m.Sum("funnel_source_steps_total", map[string]string{"source_type": "platform.facebook", "step": s})
}

func TestProgressCountsEachStepOncePerSource(t *testing.T) {
	t.Parallel()
	m, out := metrics.New(), &outbox{}
	r := &journey.Recorder{Metrics: m, Events: out}
	ctx := context.Background()

	// A source Onramp did not create is not in its funnel.
	r.Record(ctx, journey.Progress(7, source("fully_configured")))
	if got := step(m, journey.FullyConfigured); got != 0 || len(out.types()) != 0 {
		t.Fatalf("foreign source: got %v fully configured and webhooks %v, want none", got, out.types())
	}

	created := journey.Event{Kind: journey.Source, Step: journey.Created, AccountID: 7, Type: "platform.facebook", SourceID: "45612"}
	r.Record(ctx, created)
	r.Record(ctx, created) // a replayed create form
	for range 3 {
		r.Record(ctx, journey.Progress(7, source("discover_schema")))
	}
	if step(m, journey.Created) != 1 || step(m, journey.OAuthCompleted) != 1 || step(m, journey.DiscoverySucceeded) != 0 {
		t.Fatalf("at discovery: got created %v, oauth %v, discovery %v; want 1, 1, 0",
			step(m, journey.Created), step(m, journey.OAuthCompleted), step(m, journey.DiscoverySucceeded))
	}
	for range 2 {
		r.Record(ctx, journey.Progress(7, source("fully_configured")))
	}
	for _, s := range []string{journey.OAuthCompleted, journey.DiscoverySucceeded, journey.FieldsSaved, journey.FullyConfigured} {
		if got := step(m, s); got != 1 {
			t.Errorf("%s: got %v, want 1", s, got)
		}
	}
	if got := out.types(); len(got) != 2 || got[0] != webhook.SourceCreated || got[1] != webhook.SourceConfigured {
		t.Fatalf("webhooks: got %v, want source.created then source.configured", got)
	}
	if want := webhook.IDFor(webhook.SourceConfigured, "7", "45612", ""); out.got[1].ID != want || out.got[1].Data.SourceID != "45612" || out.got[1].AccountID != 7 {
		t.Errorf("source.configured: got %+v, want the stable id %s, the source and the account", out.got[1], want)
	}
}

func TestCheckFailuresCountPerCheck(t *testing.T) {
	t.Parallel()
	m, out := metrics.New(), &outbox{}
	r := &journey.Recorder{Metrics: m, Events: out}
	ctx := context.Background()
	src := source("discover_schema")
	at1, at2 := time.Unix(100, 0), time.Unix(200, 0)
	for _, at := range []time.Time{at1, at1, at2} { // the first check polled twice, then a second one
		r.Record(ctx, journey.CheckFailed(7, src, &connect.ConnectionCheck{Status: connect.CheckFailed, CompletionTime: &at}))
	}
	r.Record(ctx, journey.CheckFailed(7, src, &connect.ConnectionCheck{Status: connect.CheckSucceeded, CompletionTime: &at2}))
	r.Record(ctx, journey.CheckFailed(7, src, nil))
	if got := step(m, journey.DiscoveryFailed); got != 2 {
		t.Errorf("discovery failed: got %v, want 2 (one per check)", got)
	}
	if len(out.got) != 2 || out.got[0].ID == out.got[1].ID || out.got[0].Type != webhook.SourceCheckFailed {
		t.Errorf("webhooks: got %+v, want two source.check_failed with their own ids", out.got)
	}
}

func TestAccountsAndDestinations(t *testing.T) {
	t.Parallel()
	m, out := metrics.New(), &outbox{}
	r := &journey.Recorder{Metrics: m, Events: out}
	ctx := context.Background()
	r.Record(ctx, journey.Event{Kind: journey.Account, Step: journey.Connected, AccountID: 9})
	r.Record(ctx, journey.Event{Kind: journey.Account, Step: journey.Connected, AccountID: 9}) // connected again, later
	r.Record(ctx, journey.Event{Kind: journey.Destination, Step: journey.Created, AccountID: 9, Type: "postgres", DestinationID: "3"})
	r.Record(ctx, journey.Event{Kind: journey.Destination, Step: journey.FormShown, AccountID: 9, Type: "Robert'); DROP"})
	if got := m.Sum("funnel_account_steps_total", map[string]string{"step": journey.Connected}); got != 2 {
		t.Errorf("connected: got %v, want 2", got)
	}
	if got := m.Sum("funnel_destination_steps_total", map[string]string{"destination_type": "other"}); got != 1 {
		t.Errorf("a type that is not a type: got %v under other, want 1", got)
	}
	if len(out.got) != 3 || out.got[0].ID == out.got[1].ID || out.got[2].Data.DestinationType != "postgres" {
		t.Errorf("webhooks: got %+v, want two account.connected (own ids) and destination.created", out.got)
	}
}

type brokenSeen struct{}

func (brokenSeen) First(context.Context, string) (bool, error) {
	return false, errors.New("redis down")
}
func (brokenSeen) Has(context.Context, string) (bool, error) { return false, errors.New("redis down") }

func TestStoreOutageStillCounts(t *testing.T) {
	t.Parallel()
	m, out := metrics.New(), &outbox{}
	r := &journey.Recorder{Metrics: m, Events: out, Seen: brokenSeen{}}
	r.Record(context.Background(), journey.Event{Kind: journey.Source, Step: journey.Created, AccountID: 7, Type: "platform.facebook", SourceID: "1"})
	if step(m, journey.Created) != 1 || len(out.got) != 1 || m.Sum("store_errors_total", map[string]string{"op": "journey_seen"}) != 1 {
		t.Fatalf("got created %v, webhooks %d, store errors %v; want 1, 1, 1", step(m, journey.Created), len(out.got), m.Sum("store_errors_total", nil))
	}
}

func TestRedisSeenIsSharedByReplicas(t *testing.T) {
	srv := redistest.Start(t)
	opt, _ := redis.ParseURL(srv.URL)
	m := metrics.New()
	var replicas []*journey.Recorder
	for range 2 {
		rdb := redis.NewClient(opt)
		t.Cleanup(func() { _ = rdb.Close() })
		replicas = append(replicas, &journey.Recorder{Metrics: m, Seen: journey.NewRedisSeen(rdb, "t:")})
	}
	ctx := context.Background()
	replicas[0].Record(ctx, journey.Event{Kind: journey.Source, Step: journey.Created, AccountID: 7, Type: "platform.facebook", SourceID: "45612"})
	replicas[1].Record(ctx, journey.Progress(7, source("fully_configured"))) // created on the other replica: ours
	replicas[0].Record(ctx, journey.Progress(7, source("fully_configured")))
	if step(m, journey.Created) != 1 || step(m, journey.FullyConfigured) != 1 {
		t.Fatalf("got created %v, configured %v; want 1 and 1", step(m, journey.Created), step(m, journey.FullyConfigured))
	}
}
