// Package journey holds the rules of what counts as progress in onboarding:
// which funnel counter a moment moves, which partner webhook it sends, and
// how often each may count. Handlers only say what happened where it
// happens (h.record(ctx, journey.Event{…})); this package decides.
//
// Steps that a page can observe many times (a report card that has moved
// past discovery, a failed connection check on a polled page) count once
// per source (or per check), remembered in a Seen store (memory, or Redis
// across replicas). Progress read from a report card counts only for sources
// created through Onramp, so each later funnel step is at most the number of
// sources created.
package journey

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/metrics"
	"github.com/onramp/onramp/webhook"
)

// Kind is what an event is about.
type Kind int

// Kinds.
const (
	Source Kind = iota + 1
	Destination
	Account
)

// Steps of the funnels (the "step" label).
const (
	FormShown          = "form_shown"          // source, destination, account (the create form)
	Created            = "created"             // source, destination, account
	OAuthCompleted     = "oauth_completed"     // source: its report card moved past oauth
	DiscoverySucceeded = "discovery_succeeded" // source: past discover_schema
	DiscoveryFailed    = "discovery_failed"    // source: a connection check failed (per check)
	FieldsSaved        = "fields_saved"        // source: past field_selection
	FullyConfigured    = "fully_configured"    // source
	ConnectStarted     = "connect_started"     // account: sent to Stitch's consent page
	Connected          = "connected"           // account: OAuth connection completed
	Repaired           = "repaired"            // source: a repair's own connection check passed (per check)
)

// progress is not a funnel step: it asks the recorder to read the steps
// reached from Card.
const progress = "progress"

// Event is one moment of a journey.
type Event struct {
	Kind          Kind
	Step          string
	AccountID     int64
	Type          string // source or destination type
	SourceID      string
	DestinationID string
	// Occurrence tells repeated occurrences of a step apart (a connection
	// check's completion time).
	Occurrence string
	// Card is the report card Progress reads.
	Card *connect.ReportCard
}

// Progress is the event of having seen src: the recorder counts every step
// its report card has moved past (once per source).
func Progress(accountID int64, src *connect.Source) Event {
	return Event{Kind: Source, Step: progress, AccountID: accountID, Type: src.Type, SourceID: src.ID.String(), Card: &src.ReportCard}
}

// CheckFailed is the event of a failed connection check of src, or the
// zero Event (ignored) when chk did not fail.
func CheckFailed(accountID int64, src *connect.Source, chk *connect.ConnectionCheck) Event {
	if chk == nil || chk.Status != connect.CheckFailed {
		return Event{}
	}
	occ := ""
	switch {
	case chk.CompletionTime != nil:
		occ = strconv.FormatInt(chk.CompletionTime.UnixNano(), 10)
	case chk.StartTime != nil:
		occ = strconv.FormatInt(chk.StartTime.UnixNano(), 10)
	}
	return Event{Kind: Source, Step: DiscoveryFailed, AccountID: accountID, Type: src.Type, SourceID: src.ID.String(), Occurrence: occ}
}

// Emitter queues partner webhooks (*webhook.Dispatcher).
type Emitter interface {
	Emit(ctx context.Context, e webhook.Event) error
}

// Recorder applies the rules. Every field may be nil: no metrics, no
// webhooks, or (Seen) a per-process memory of what was counted.
type Recorder struct {
	Metrics *metrics.Metrics
	Events  Emitter
	Seen    Seen
	Log     *slog.Logger
	Now     func() time.Time

	once  sync.Once
	local *MemorySeen // what this replica already knows was counted (saves Redis round trips)
}

// rule says how a step counts.
type rule struct {
	once    bool   // once per subject (and occurrence)
	webhook string // event type sent, if any
}

var rules = map[Kind]map[string]rule{
	Source: {
		FormShown:          {},
		Created:            {once: true, webhook: webhook.SourceCreated},
		OAuthCompleted:     {once: true},
		DiscoverySucceeded: {once: true},
		DiscoveryFailed:    {once: true, webhook: webhook.SourceCheckFailed},
		FieldsSaved:        {once: true},
		FullyConfigured:    {once: true, webhook: webhook.SourceConfigured},
		Repaired:           {once: true, webhook: webhook.SourceRepaired},
	},
	Destination: {
		FormShown: {},
		Created:   {once: true, webhook: webhook.DestinationCreated},
	},
	Account: {
		FormShown:      {},
		Created:        {once: true, webhook: webhook.AccountCreated},
		ConnectStarted: {},
		Connected:      {webhook: webhook.AccountConnected},
	},
}

// passed maps report card steps to the funnel step of having moved past them.
var passed = map[string]string{
	connect.StepOAuth:          OAuthCompleted,
	connect.StepDiscoverSchema: DiscoverySucceeded,
	connect.StepFieldSelection: FieldsSaved,
}

// Record counts e and sends its webhook, as the rules say. It never fails
// the page: a store or queue outage is logged.
func (r *Recorder) Record(ctx context.Context, e Event) {
	if r == nil || e.Kind == 0 {
		return
	}
	if e.Step == progress {
		r.progress(ctx, e)
		return
	}
	r.step(ctx, e)
}

func (r *Recorder) progress(ctx context.Context, e Event) {
	if e.Card == nil || e.SourceID == "" {
		return
	}
	if ok, err := r.has(ctx, key(Source, Created, e.SourceID, "")); err != nil || !ok {
		if err != nil {
			r.failed(ctx, err)
		}
		return // not created through Onramp (or the store is down): not our funnel
	}
	card := *e.Card
	for _, s := range card.Steps {
		if s.Type == card.CurrentStepType && card.CurrentStepType != connect.StepFullyConfigured {
			break
		}
		if step, ok := passed[s.Type]; ok {
			r.step(ctx, Event{Kind: Source, Step: step, AccountID: e.AccountID, Type: e.Type, SourceID: e.SourceID})
		}
	}
	if card.CurrentStepType == connect.StepFullyConfigured {
		r.step(ctx, Event{Kind: Source, Step: FullyConfigured, AccountID: e.AccountID, Type: e.Type, SourceID: e.SourceID})
	}
}

func (r *Recorder) step(ctx context.Context, e Event) {
	ru, ok := rules[e.Kind][e.Step]
	if !ok {
		return
	}
	subject := e.subject()
	if ru.once {
		first, err := r.first(ctx, key(e.Kind, e.Step, subject, e.Occurrence))
		if err != nil {
			r.failed(ctx, err)
			first = true // better twice (the webhook keeps its id) than never
		}
		if !first {
			return
		}
	}
	switch e.Kind {
	case Source:
		r.Metrics.SourceStep(e.Type, e.Step)
	case Destination:
		r.Metrics.DestinationStep(e.Type, e.Step)
	case Account:
		r.Metrics.AccountStep(e.Step)
	}
	if ru.webhook == "" || r.Events == nil {
		return
	}
	ev := webhook.Event{Type: ru.webhook, AccountID: e.AccountID, CreatedAt: r.now()}
	switch e.Kind {
	case Source:
		ev.Data = webhook.Data{SourceID: e.SourceID, SourceType: e.Type}
	case Destination:
		ev.Data = webhook.Data{DestinationID: e.DestinationID, DestinationType: e.Type}
	}
	ev.ID = webhook.NewID()
	if ru.once { // the same occurrence noticed twice (store down) keeps its id
		ev.ID = webhook.IDFor(ru.webhook, strconv.FormatInt(e.AccountID, 10), subject, e.Occurrence)
	}
	if err := r.Events.Emit(ctx, ev); err != nil {
		r.log().ErrorContext(ctx, "webhook not queued", "type", ev.Type, "err", err)
	}
}

// subject is the id a step is counted once for.
func (e Event) subject() string {
	switch e.Kind {
	case Source:
		return e.SourceID
	case Destination:
		return e.DestinationID
	}
	return strconv.FormatInt(e.AccountID, 10)
}

func key(k Kind, step, subject, occurrence string) string {
	return strconv.Itoa(int(k)) + ":" + step + ":" + subject + ":" + occurrence
}

func (r *Recorder) failed(ctx context.Context, err error) {
	r.Metrics.StoreError("journey_seen")
	r.log().WarnContext(ctx, "funnel store unavailable; counting anyway", "err", err)
}

func (r *Recorder) seen() Seen {
	r.once.Do(func() {
		if r.Seen == nil {
			r.Seen = NewMemorySeen(0)
		}
		if _, inMemory := r.Seen.(*MemorySeen); !inMemory {
			r.local = NewMemorySeen(10_000)
		}
	})
	return r.Seen
}

// first marks key counted; a key this replica already knows is not asked again.
func (r *Recorder) first(ctx context.Context, key string) (bool, error) {
	s := r.seen()
	if r.local == nil {
		return s.First(ctx, key)
	}
	if known, _ := r.local.Has(ctx, key); known {
		return false, nil
	}
	fresh, err := s.First(ctx, key)
	if err == nil {
		_, _ = r.local.First(ctx, key)
	}
	return fresh, err
}

// has reports whether key was counted, by this replica or another.
func (r *Recorder) has(ctx context.Context, key string) (bool, error) {
	s := r.seen()
	if r.local == nil {
		return s.Has(ctx, key)
	}
	if known, _ := r.local.Has(ctx, key); known {
		return true, nil
	}
	ok, err := s.Has(ctx, key)
	if ok {
		_, _ = r.local.First(ctx, key)
	}
	return ok, err
}

func (r *Recorder) log() *slog.Logger {
	if r.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return r.Log
}

func (r *Recorder) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}
