package connect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Extractions are the "jobs" resource type of the API (API.md §14): rate
// limited to JobsRateLimit requests per JobsRateWindow per client id, in
// aggregate over the extractions and loads endpoints. Stitch does not refuse
// more ("Do The Right Thing") but may block repeat offenders, so a caller
// must keep count itself. The client never retries these requests: every
// attempt spends the budget.
const (
	JobsRateLimit  = 30
	JobsRateWindow = 10 * time.Minute
	// MaxExtractionPages caps how many pages ListExtractions reads.
	MaxExtractionPages = 20
)

// ErrPageLimit is returned (wrapped) by ListExtractions and
// ListExtractionsUpTo when more pages remain after the page cap; the
// records read so far are returned with it.
var ErrPageLimit = errors.New("more pages than the page limit")

// ErrBadPageLink is returned (wrapped) when links.next does not name a
// later page of the same list.
var ErrBadPageLink = errors.New("links.next does not name a later page")

// Extraction is the last completed extraction job of one source (API.md
// §14.1). An exit status is nil while its phase has not finished, 0 on
// success, non-zero on failure; descriptions are Stitch's error texts.
type Extraction struct {
	JobName        string `json:"job_name"`
	StitchClientID Int    `json:"stitch_client_id"`
	SourceID       Int    `json:"source_id"`
	// TapName is the documented name of the tap; the documented examples
	// send SourceType ("tap-recurly") instead. See Tap.
	TapName              string     `json:"tap_name,omitempty"`
	SourceType           string     `json:"source_type,omitempty"`
	StartTime            *time.Time `json:"start_time"`
	CompletionTime       *time.Time `json:"completion_time"`
	DiscoveryExitStatus  *int       `json:"discovery_exit_status"`
	DiscoveryDescription *string    `json:"discovery_description"`
	TapExitStatus        *int       `json:"tap_exit_status"`
	TapDescription       *string    `json:"tap_description"`
	TargetExitStatus     *int       `json:"target_exit_status"`
	TargetDescription    *string    `json:"target_description"`
}

// Tap is the tap that ran the job: tap_name, else source_type (API.md §20.20).
func (e Extraction) Tap() string {
	if e.TapName != "" {
		return e.TapName
	}
	return e.SourceType
}

// Extraction outcomes (ExtractionState.Status).
const (
	ExtractionRunning   = "running"
	ExtractionSucceeded = "succeeded"
	ExtractionFailed    = "failed"
	// ExtractionEnded is a job that completed without failing or
	// succeeding in every phase: some exit status is still null and no
	// phase left a description.
	ExtractionEnded = "ended"
)

// Phases of an extraction, in the order they run (ExtractionState.Phase).
const (
	PhaseDiscovery = "discovery"
	PhaseTap       = "tap"
	PhaseTarget    = "target"
)

// ExtractionState is what an extraction's exit statuses say.
type ExtractionState struct {
	// Status is ExtractionRunning, ExtractionSucceeded, ExtractionFailed or
	// ExtractionEnded.
	Status string
	// Phase is the phase that failed (PhaseDiscovery, PhaseTap,
	// PhaseTarget); "" when the job failed without a failing exit status
	// (a "Terminated" job: the phases' statuses are null, their
	// descriptions say why).
	Phase string
	// Description is Stitch's text about the failure ("" when none).
	Description string
}

type phase struct {
	name   string
	status *int
	desc   *string
}

func (e Extraction) phases() [3]phase {
	return [3]phase{
		{PhaseDiscovery, e.DiscoveryExitStatus, e.DiscoveryDescription},
		{PhaseTap, e.TapExitStatus, e.TapDescription},
		{PhaseTarget, e.TargetExitStatus, e.TargetDescription},
	}
}

// State reads the job's state (API.md §14.1: discovery → tap → target, any
// failure fails the job), first rule first:
//
//  1. a phase with a non-zero exit status: failed in that phase (the first one);
//  2. no completion_time: running;
//  3. every exit status 0: succeeded;
//  4. completed with a phase description (e.g. "Terminated", statuses null): failed, no phase;
//  5. otherwise: ended.
func (e Extraction) State() ExtractionState {
	ps := e.phases()
	for _, p := range ps {
		if p.status != nil && *p.status != 0 {
			return ExtractionState{Status: ExtractionFailed, Phase: p.name, Description: text(p.desc)}
		}
	}
	if e.CompletionTime == nil {
		return ExtractionState{Status: ExtractionRunning}
	}
	passed := 0 // non-nil statuses are 0 here (rule 1)
	for _, p := range ps {
		if p.status != nil {
			passed++
		}
	}
	if passed == len(ps) {
		return ExtractionState{Status: ExtractionSucceeded}
	}
	for _, p := range ps {
		if d := text(p.desc); d != "" {
			return ExtractionState{Status: ExtractionFailed, Description: d}
		}
	}
	return ExtractionState{Status: ExtractionEnded}
}

func text(s *string) string {
	if s == nil {
		return ""
	}
	return strings.TrimSpace(*s)
}

// ExtractionsPage is one page of GET /v4/{stitch_client_id}/extractions.
type ExtractionsPage struct {
	Data []Extraction `json:"data"`
	// Page is this page's number (from 1); Total counts every record.
	Page  int       `json:"page"`
	Total int       `json:"total"`
	Links PageLinks `json:"links"`
}

// PageLinks are the relative URLs of the neighbouring pages
// ("/v4/116078/extractions?page=3"); both are empty when total < 101.
type PageLinks struct {
	Next     string `json:"next,omitempty"`
	Previous string `json:"previous,omitempty"`
}

// NextPage is the number of the page links.next names, or 0 when there is
// none. A link that does not name a later page of the same list is an
// error (ErrBadPageLink): following it could loop or leave the API.
func (p *ExtractionsPage) NextPage() (int, error) {
	if p.Links.Next == "" {
		return 0, nil
	}
	u, err := url.Parse(p.Links.Next)
	if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasSuffix(u.Path, "/extractions") {
		return 0, fmt.Errorf("%w: %q", ErrBadPageLink, p.Links.Next)
	}
	n, err := strconv.Atoi(u.Query().Get("page"))
	if err != nil || n <= p.Page || n <= 0 {
		return 0, fmt.Errorf("%w: %q after page %d", ErrBadPageLink, p.Links.Next, p.Page)
	}
	return n, nil
}

// ListExtractionsPage calls GET /v4/{stitch_client_id}/extractions?page=N:
// one page of the last completed extraction of each source (one request of
// the jobs rate limit; never retried).
func (c *Client) ListExtractionsPage(ctx context.Context, token string, clientID int64, page int) (*ExtractionsPage, error) {
	path := pathf("v4", strconv.FormatInt(clientID, 10), "extractions")
	if page > 1 {
		path += "?page=" + strconv.Itoa(page)
	}
	var p ExtractionsPage
	if err := c.do(ctx, request{method: http.MethodGet, path: path, token: token, once: true}, &p); err != nil {
		return nil, fmt.Errorf("list extractions of client %d, page %d: %w", clientID, max(page, 1), err)
	}
	return &p, nil
}

// ListExtractions calls GET /v4/{stitch_client_id}/extractions and follows
// links.next until it is absent, reading at most MaxExtractionPages pages
// (then it returns what it read with ErrPageLimit). The answer is the last
// completed extraction of each source that completed one in the past 60
// days, paused and deleted sources included, by source id.
func (c *Client) ListExtractions(ctx context.Context, token string, clientID int64) ([]Extraction, error) {
	list, _, err := c.ListExtractionsUpTo(ctx, token, clientID, MaxExtractionPages)
	return list, err
}

// ListExtractionsUpTo is ListExtractions reading at most maxPages pages
// (at least one); it also reports how many requests it made, for callers
// that keep the jobs rate limit (JobsRateLimit).
func (c *Client) ListExtractionsUpTo(ctx context.Context, token string, clientID int64, maxPages int) ([]Extraction, int, error) {
	maxPages = max(maxPages, 1)
	var out []Extraction
	page := 1
	for requests := 1; ; requests++ {
		p, err := c.ListExtractionsPage(ctx, token, clientID, page)
		if err != nil {
			return nil, requests, err
		}
		out = append(out, p.Data...)
		next, err := p.NextPage()
		if err != nil {
			return nil, requests, fmt.Errorf("list extractions of client %d: %w", clientID, err)
		}
		if next == 0 {
			return out, requests, nil
		}
		if requests >= maxPages {
			return out, requests, fmt.Errorf("list extractions of client %d: %w (%d pages read, %d records in all)", clientID, ErrPageLimit, requests, p.Total)
		}
		page = next
	}
}
