// Package syncstate says what a page shows about a source's last sync: its
// last extraction (API.md §14), in words and a tone. It also keeps each
// account's extractions for a short while (Cache), so that pages, however
// many, never call the rate-limited extractions endpoint more often than
// Stitch allows (30 requests per 10 minutes per client id).
//
// Of reads an extraction's state (connect.Extraction.State) top to bottom:
//
//	state                      message id            time named      tone
//	running                    sync.running          start_time      busy
//	succeeded                  sync.succeeded        completion      ok
//	failed in discovery        sync.failedDiscovery  completion      bad
//	failed in the tap          sync.failedTap        completion      bad
//	failed in the target       sync.failedTarget     completion      bad
//	failed, no phase (killed)  sync.failed           completion      bad
//	ended (no clear outcome)   sync.ended            completion      (none)
//
// and Snapshot.Line adds "No sync yet" (sync.none) for a configured source
// the complete list does not name. A failure carries Stitch's description,
// shortened to MaxDetail characters. The words themselves are in the
// catalog (i18n/locales/sync.*.toml); every message takes one value, When.
package syncstate

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onramp/onramp/connect"
)

// States of a line.
const (
	None      = "none"
	Running   = connect.ExtractionRunning
	Succeeded = connect.ExtractionSucceeded
	Failed    = connect.ExtractionFailed
	Ended     = connect.ExtractionEnded
)

// Tones, the CSS classes package status uses too; "" is plain.
const (
	OK   = "ok"
	Bad  = "bad"
	Busy = "busy"
)

// MaxDetail bounds Line.Detail, in characters: Stitch's descriptions can
// carry whole HTTP responses (the documented Shopify example has kilobytes
// of headers).
const MaxDetail = 300

// Line is what a page says about a source's last sync.
type Line struct {
	// State is None, Running, Succeeded, Failed or Ended.
	State string
	// Key is the message id of the words; its one value is When.
	Key string
	// At is the moment the words name (zero for None).
	At time.Time
	// Phase is the phase that failed (connect.PhaseTap, …), if known.
	Phase string
	// Detail is Stitch's description of a failure, shortened; "" if none.
	Detail string
	// Tone is OK, Bad, Busy or "".
	Tone string
}

var failedKeys = map[string]string{
	connect.PhaseDiscovery: "sync.failedDiscovery",
	connect.PhaseTap:       "sync.failedTap",
	connect.PhaseTarget:    "sync.failedTarget",
	"":                     "sync.failed",
}

// Of is the line of a source whose last extraction is e.
func Of(e connect.Extraction) Line {
	st := e.State()
	end := orZero(e.CompletionTime)
	if end.IsZero() {
		end = orZero(e.StartTime)
	}
	switch st.Status {
	case connect.ExtractionRunning:
		return Line{State: Running, Key: "sync.running", At: orZero(e.StartTime), Tone: Busy}
	case connect.ExtractionSucceeded:
		return Line{State: Succeeded, Key: "sync.succeeded", At: end, Tone: OK}
	case connect.ExtractionFailed:
		return Line{State: Failed, Key: failedKeys[st.Phase], At: end, Phase: st.Phase, Detail: shorten(st.Description), Tone: Bad}
	}
	return Line{State: Ended, Key: "sync.ended", At: end}
}

// NoSync is the line of a configured source that has not synced (in the
// last 60 days).
func NoSync() Line { return Line{State: None, Key: "sync.none"} }

// When is the moment to put into words: At, but never after now (a clock
// ahead of ours would otherwise read "finished in 2 minutes").
func (l Line) When(now time.Time) time.Time {
	if l.At.IsZero() || l.At.After(now) {
		return now
	}
	return l.At
}

func orZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// shorten keeps the first line of a description, at most MaxDetail
// characters, with an ellipsis when it cut.
func shorten(s string) string {
	s = strings.TrimSpace(s)
	cut := false
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s, cut = strings.TrimSpace(s[:i]), true
	}
	if utf8.RuneCountInString(s) > MaxDetail {
		r := []rune(s)
		s, cut = strings.TrimSpace(string(r[:MaxDetail])), true
	}
	if cut {
		s += "…"
	}
	return s
}

// Snapshot is an account's extractions as read at one moment.
type Snapshot struct {
	// At is when they were read.
	At time.Time
	// Complete is false when the page cap stopped the reading: a source
	// absent from the list may then still have synced.
	Complete bool
	bySource map[int64]connect.Extraction
}

// NewSnapshot indexes a list by source id (the latest one wins if the API
// ever listed a source twice).
func NewSnapshot(list []connect.Extraction, complete bool, at time.Time) *Snapshot {
	s := &Snapshot{At: at, Complete: complete, bySource: make(map[int64]connect.Extraction, len(list))}
	for _, e := range list {
		id := int64(e.SourceID)
		if old, ok := s.bySource[id]; ok && orZero(old.StartTime).After(orZero(e.StartTime)) {
			continue
		}
		s.bySource[id] = e
	}
	return s
}

// Line is what to show for a source; ok is false when nothing should be
// said: the snapshot is nil (unknown), or the source is absent from a list
// that is incomplete, or it is absent and not configured yet (no sync is
// expected).
func (s *Snapshot) Line(sourceID int64, configured bool) (Line, bool) {
	if s == nil {
		return Line{}, false
	}
	if e, ok := s.bySource[sourceID]; ok {
		return Of(e), true
	}
	if !s.Complete || !configured {
		return Line{}, false
	}
	return NoSync(), true
}
