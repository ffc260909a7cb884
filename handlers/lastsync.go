package handlers

import (
	"context"
	"log/slog"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/syncstate"
	"github.com/onramp/onramp/views"
)

// ExtractionsAPI is the part of the Connect API the last sync line uses:
// the rate-limited extractions list (read through syncstate.Cache only).
type ExtractionsAPI interface {
	ListExtractionsUpTo(ctx context.Context, token string, clientID int64, maxPages int) ([]connect.Extraction, int, error)
}

var _ ExtractionsAPI = (*connect.Client)(nil)

// LastSyncs gives the pages each source's last sync, from one cache shared
// by every page: an account's extractions are read at most once per 20
// seconds, so the API's 30 requests per 10 minutes hold whatever the traffic.
type LastSyncs struct {
	Cache *syncstate.Cache
	Log   *slog.Logger
	// Now is the clock of relative times (nil: time.Now).
	Now func() time.Time
}

// NewLastSyncs builds the pages' last syncs over api.
func NewLastSyncs(api ExtractionsAPI, log *slog.Logger, now func() time.Time) *LastSyncs {
	return &LastSyncs{Cache: syncstate.NewCache(syncstate.Options{List: api.ListExtractionsUpTo, Now: now}), Log: log, Now: now}
}

// start reads the account's extractions beside the page's other calls;
// the function it returns waits for them (nil: unknown).
func (s *LastSyncs) start(ctx context.Context, acct Account) func() *syncstate.Snapshot {
	if s == nil || s.Cache == nil || acct.ID == 0 {
		return func() *syncstate.Snapshot { return nil }
	}
	ch := make(chan *syncstate.Snapshot, 1)
	go func() { ch <- s.snapshot(ctx, acct) }()
	return func() *syncstate.Snapshot { return <-ch }
}

// snapshot reads the account's extractions. A failed reading never fails
// the page: it is logged once (by the request that made it) and reads as
// nothing.
func (s *LastSyncs) snapshot(ctx context.Context, acct Account) *syncstate.Snapshot {
	snap, err := s.Cache.Get(ctx, acct.Token, acct.ID)
	if err != nil {
		s.Log.Warn("last syncs unavailable", "id", RequestID(ctx), "account", acct.ID, "err", err)
	}
	return snap
}

// view is the sync line of src in l's language, or nil when there is
// nothing to say.
func (s *LastSyncs) view(l *i18n.Localizer, snap *syncstate.Snapshot, src *connect.Source) *views.SyncState {
	line, ok := snap.Line(int64(src.ID), src.ReportCard.CurrentStepType == connect.StepFullyConfigured)
	if !ok {
		return nil
	}
	v := &views.SyncState{State: line.State, Tone: line.Tone, Detail: line.Detail}
	if line.State == syncstate.None {
		v.Text = l.T(line.Key)
		return v
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	when := line.When(now)
	v.Text = l.T(line.Key, "When", l.Relative(when, now))
	v.At, v.ISO = l.DateTime(when), when.UTC().Format(time.RFC3339)
	return v
}
