package connect_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
)

// pagedServer answers GET /v4/{id}/extractions?page=N with one record a page
// and next links from link(N) (empty: none); it keeps each request URI.
type pagedServer struct {
	mu   sync.Mutex
	uris []string
	link func(page int) string
	code int // non-zero: answer this status instead
}

func (p *pagedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.uris = append(p.uris, r.URL.RequestURI())
	p.mu.Unlock()
	if p.code != 0 {
		w.WriteHeader(p.code)
		return
	}
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		page, _ = strconv.Atoi(v)
	}
	links := "{}"
	if next := p.link(page); next != "" {
		links = fmt.Sprintf(`{"next":%q}`, next)
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"data":[{"job_name":"116078.%d.sync.u","stitch_client_id":116078,"source_id":%d,"source_type":"tap-x","start_time":"2020-06-19T15:09:38Z","completion_time":"2020-06-19T15:09:43Z","discovery_exit_status":0,"discovery_description":null,"tap_exit_status":0,"tap_description":null,"target_exit_status":0,"target_description":null}],"page":%d,"total":3,"links":%s}`, page, page, page, links)
}

func (p *pagedServer) requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.uris...)
}

// ListExtractions follows links.next (relative to the API root, so below
// the base URL's prefix) until it is absent.
func TestListExtractionsFollowsNext(t *testing.T) {
	t.Parallel()
	srv := &pagedServer{link: func(page int) string {
		if page < 3 {
			return fmt.Sprintf("/v4/116078/extractions?page=%d", page+1)
		}
		return ""
	}}
	c := newTestClient(t, srv)
	list, err := c.ListExtractions(context.Background(), testToken, 116078)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if len(list) != 3 || list[0].SourceID != 1 || list[2].SourceID != 3 || list[1].Tap() != "tap-x" {
		t.Fatalf("got %+v, want the records of three pages", list)
	}
	want := []string{"/v4/116078/extractions", "/v4/116078/extractions?page=2", "/v4/116078/extractions?page=3"}
	if got := srv.requests(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("requests: got %v, want %v", got, want)
	}
}

// The page cap stops an endless list; the records read come back with ErrPageLimit.
func TestListExtractionsPageCap(t *testing.T) {
	t.Parallel()
	srv := &pagedServer{link: func(page int) string { return fmt.Sprintf("/v4/116078/extractions?page=%d", page+1) }}
	c := newTestClient(t, srv)
	list, err := c.ListExtractions(context.Background(), testToken, 116078)
	if !errors.Is(err, connect.ErrPageLimit) || len(list) != connect.MaxExtractionPages {
		t.Fatalf("got %d records, err %v; want %d and ErrPageLimit", len(list), err, connect.MaxExtractionPages)
	}
	list, n, err := c.ListExtractionsUpTo(context.Background(), testToken, 116078, 2)
	if !errors.Is(err, connect.ErrPageLimit) || len(list) != 2 || n != 2 {
		t.Fatalf("up to 2 pages: got %d records, %d requests, err %v", len(list), n, err)
	}
	if got := len(srv.requests()); got != connect.MaxExtractionPages+2 {
		t.Fatalf("got %d requests, want %d", got, connect.MaxExtractionPages+2)
	}
}

// A next link that leaves the API or goes back is refused, not followed.
func TestListExtractionsRefusesBadNext(t *testing.T) {
	t.Parallel()
	for _, next := range []string{"https://elsewhere.example/v4/116078/extractions?page=2", "/v4/116078/extractions?page=1", "/v4/116078/extractions?page=x", "/v4/116078/loads?page=2"} {
		t.Run(next, func(t *testing.T) {
			t.Parallel()
			srv := &pagedServer{link: func(int) string { return next }}
			_, err := newTestClient(t, srv).ListExtractions(context.Background(), testToken, 116078)
			if !errors.Is(err, connect.ErrBadPageLink) {
				t.Fatalf("got %v, want ErrBadPageLink", err)
			}
			if got := len(srv.requests()); got != 1 {
				t.Fatalf("got %d requests, want 1", got)
			}
		})
	}
}

// Jobs requests are never retried: each attempt spends the rate limit.
func TestListExtractionsNotRetried(t *testing.T) {
	t.Parallel()
	for _, code := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusUnauthorized} {
		srv := &pagedServer{code: code}
		c := newTestClient(t, srv, connect.WithRetry(3, time.Millisecond, time.Millisecond))
		_, err := c.ListExtractions(context.Background(), testToken, 116078)
		var apiErr *connect.Error
		if !errors.As(err, &apiErr) || apiErr.Status != code {
			t.Fatalf("%d: got %v, want a *connect.Error with that status", code, err)
		}
		if got := len(srv.requests()); got != 1 {
			t.Fatalf("%d: got %d requests, want 1 (no retry)", code, got)
		}
		if code == http.StatusUnauthorized && !connect.IsUnauthorized(err) {
			t.Fatalf("401: IsUnauthorized false for %v", err)
		}
	}
}

func TestExtractionState(t *testing.T) {
	t.Parallel()
	zero, one := 0, 1
	done := time.Date(2020, 6, 19, 15, 9, 43, 0, time.UTC)
	terminated, boom := "Terminated", "boom"
	cases := []struct {
		name string
		e    connect.Extraction
		want connect.ExtractionState
	}{
		{"every phase 0", connect.Extraction{CompletionTime: &done, DiscoveryExitStatus: &zero, TapExitStatus: &zero, TargetExitStatus: &zero},
			connect.ExtractionState{Status: connect.ExtractionSucceeded}},
		{"not completed", connect.Extraction{DiscoveryExitStatus: &zero},
			connect.ExtractionState{Status: connect.ExtractionRunning}},
		{"tap failed", connect.Extraction{CompletionTime: &done, DiscoveryExitStatus: &zero, TapExitStatus: &one, TapDescription: &boom, TargetExitStatus: &zero},
			connect.ExtractionState{Status: connect.ExtractionFailed, Phase: connect.PhaseTap, Description: "boom"}},
		{"discovery failed while still running", connect.Extraction{DiscoveryExitStatus: &one},
			connect.ExtractionState{Status: connect.ExtractionFailed, Phase: connect.PhaseDiscovery}},
		{"target failed", connect.Extraction{CompletionTime: &done, DiscoveryExitStatus: &zero, TapExitStatus: &zero, TargetExitStatus: &one, TargetDescription: &boom},
			connect.ExtractionState{Status: connect.ExtractionFailed, Phase: connect.PhaseTarget, Description: "boom"}},
		{"terminated (statuses null)", connect.Extraction{CompletionTime: &done, DiscoveryDescription: &terminated, TapDescription: &terminated, TargetDescription: &terminated},
			connect.ExtractionState{Status: connect.ExtractionFailed, Description: "Terminated"}},
		{"completed, a status null, no text", connect.Extraction{CompletionTime: &done, DiscoveryExitStatus: &zero, TapExitStatus: &zero},
			connect.ExtractionState{Status: connect.ExtractionEnded}},
	}
	for _, c := range cases {
		if got := c.e.State(); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}
