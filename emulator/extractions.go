package emulator

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Jobs endpoints (API.md §14): paginated, and rate limited by the docs only.
const (
	// extractionsPerPage is the documented page size.
	extractionsPerPage = 100
	// extractionsKept is how far back the list reaches ("in the past 60 days").
	extractionsKept = 60 * 24 * time.Hour
	// JobsRateWindow is the documented window of the jobs rate limit
	// (30 requests per 10 minutes per client id, not enforced).
	JobsRateWindow = 10 * time.Minute
	// maxJobsClients bounds the per-client-id call counters.
	maxJobsClients = 10000
)

// extraction is one extraction job of a source. Its outcome is decided when
// it starts, like a connection check's, and it completes at end (read
// lazily: no timer outlives a request).
type extraction struct {
	name       string
	start, end time.Time
	failure    string // tap_description of a failed job; "" = succeeded
}

// extractionJSON is an Extraction object, with the keys of the documented
// examples (source_type, not the documented tap_name; API.md §20.20).
type extractionJSON struct {
	TargetExitStatus     *int    `json:"target_exit_status"`
	JobName              string  `json:"job_name"`
	StartTime            string  `json:"start_time"`
	StitchClientID       int64   `json:"stitch_client_id"`
	TapExitStatus        *int    `json:"tap_exit_status"`
	SourceType           string  `json:"source_type"`
	TargetDescription    *string `json:"target_description"`
	DiscoveryExitStatus  *int    `json:"discovery_exit_status"`
	DiscoveryDescription *string `json:"discovery_description"`
	TapDescription       *string `json:"tap_description"`
	CompletionTime       string  `json:"completion_time"`
	SourceID             int64   `json:"source_id"`
}

// extractionsJSON is one page of the list.
type extractionsJSON struct {
	Data  []extractionJSON  `json:"data"`
	Page  int               `json:"page"`
	Total int               `json:"total"`
	Links map[string]string `json:"links"`
}

// tapName is the tap of a source type as the examples name it:
// "platform.mysql" → "tap-mysql".
func tapName(typ string) string {
	return "tap-" + strings.TrimPrefix(typ, "platform.")
}

// view renders a completed extraction like the documented examples: a
// failure is tap_exit_status 1 with the message, the other phases 0.
func (e *extraction) view(src *source) extractionJSON {
	zero, one := 0, 1
	j := extractionJSON{
		JobName: e.name, StartTime: stamp(e.start), CompletionTime: stamp(e.end),
		StitchClientID: src.account, SourceID: src.id, SourceType: tapName(src.t.Type),
		DiscoveryExitStatus: &zero, TapExitStatus: &zero, TargetExitStatus: &zero,
	}
	if e.failure != "" {
		msg := e.failure
		j.TapExitStatus, j.TapDescription = &one, &msg
	}
	return j
}

// newExtraction starts an extraction of src now. It runs for the check
// delay (the account's faults may change it) and fails when the faults say
// so. Callers hold s.mu.
func (s *Server) newExtraction(src *source, name string, runs time.Duration) *extraction {
	now := s.now()
	return &extraction{name: name, start: now, end: now.Add(max(runs, 0)), failure: extractionFailure(s.faultLayers(src.account))}
}

// extractionFailure is the message extractions fail with under the fault
// layers ("" = they succeed): the account's fail_extractions wins over the
// global one.
func extractionFailure(layers [2]Faults) string {
	if f := layers[1].FailExtractions; f != "" {
		return f
	}
	return layers[0].FailExtractions
}

// jobName is the name of a new extraction (or sync job) of src.
func jobName(src *source) string {
	return fmt.Sprintf("%d.%d.sync.%s", src.account, src.id, newUUID())
}

// configured reports whether Stitch would replicate src: fully configured
// (which for a type that selects streams means one is selected: the
// field_selection step is satisfied only then).
func (s *Server) configured(src *source) bool {
	return src.t.Steps[currentStep(src.t, s.sourceState(src))] == stepDone
}

// maybeStartExtraction starts the first extraction of a source once it is
// configured, not paused and not deleted. Later ones come from sync jobs
// (POST …/sync). Callers hold s.mu.
func (s *Server) maybeStartExtraction(src *source) {
	if src.extracted || src.deleted != nil || src.paused != nil || !s.configured(src) {
		return
	}
	src.extracted = true
	delay, _ := s.checkFaults(src.account) // the first one runs for the check delay
	src.extracting = s.newExtraction(src, jobName(src), delay)
}

// settleExtractions records the extractions finished by now: the first
// one and a finished sync job's. Callers hold s.mu.
func (s *Server) settleExtractions(src *source, now time.Time) {
	for _, running := range []**extraction{&src.extracting, &src.job} {
		if e := *running; e != nil && !now.Before(e.end) {
			*running = nil
			recordExtraction(src, e)
		}
	}
}

// recordExtraction keeps e when it is the source's latest completed one.
func recordExtraction(src *source, e *extraction) {
	if src.lastExtraction == nil || !e.end.Before(src.lastExtraction.end) {
		src.lastExtraction = e
	}
}

// jobsClient parses the client id of a jobs path: /v4/{id}/extractions,
// /v4/{id}/loads and what lies below them.
func jobsClient(p string) (id int64, rest string, ok bool) {
	after, found := strings.CutPrefix(p, "/v4/")
	if !found {
		return 0, "", false
	}
	seg, rest, _ := strings.Cut(after, "/")
	id, err := strconv.ParseInt(seg, 10, 64)
	if err != nil || id <= 0 || !(rest == "extractions" || rest == "loads" ||
		strings.HasPrefix(rest, "extractions/") || strings.HasPrefix(rest, "loads/")) {
		return 0, "", false
	}
	return id, rest, true
}

// countJobs counts a request to a jobs endpoint against its client id,
// whatever its answer (the limit counts requests; faults included).
func (s *Server) countJobs(r *http.Request) {
	id, _, ok := jobsClient(r.URL.Path)
	if !ok {
		return
	}
	now := s.now()
	s.jobsMu.Lock()
	defer s.jobsMu.Unlock()
	if s.jobs == nil {
		s.jobs = map[int64]*jobsCalls{}
	}
	c := s.jobs[id]
	if c == nil {
		if len(s.jobs) >= maxJobsClients {
			return
		}
		c = &jobsCalls{}
		s.jobs[id] = c
	}
	c.total++
	keep := c.recent[:0]
	for _, t := range c.recent {
		if now.Sub(t) < JobsRateWindow {
			keep = append(keep, t)
		}
	}
	c.recent = append(keep, now)
}

type jobsCalls struct {
	total  int
	recent []time.Time // within JobsRateWindow of the last call
}

// JobsUsage is how many requests to the jobs endpoints (extractions,
// loads) named a client id. The API limits them to 30 per 10 minutes per
// client id but does not refuse more; the emulator answers them all and
// counts, so tests can prove a caller keeps the limit.
type JobsUsage struct {
	// Total counts every request since the emulator started.
	Total int
	// InWindow counts those of the last JobsRateWindow (on Config.Now).
	InWindow int
}

// JobsUsage returns the jobs requests counted for clientID.
func (s *Server) JobsUsage(clientID int64) JobsUsage {
	now := s.now()
	s.jobsMu.Lock()
	defer s.jobsMu.Unlock()
	c := s.jobs[clientID]
	if c == nil {
		return JobsUsage{}
	}
	u := JobsUsage{Total: c.total}
	for _, t := range c.recent {
		if now.Sub(t) < JobsRateWindow {
			u.InWindow++
		}
	}
	return u
}

// notFoundOrJobs answers what no route matched: GET /v4/{client}/extractions
// (a pattern ServeMux cannot hold beside /v4/sources/{id}), else 404 with no
// body. Loads and extraction logs are not reproduced (404).
func (s *Server) notFoundOrJobs(w http.ResponseWriter, r *http.Request) {
	id, rest, ok := jobsClient(r.URL.Path)
	if !ok || rest != "extractions" || r.Method != http.MethodGet {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	s.auth(func(w http.ResponseWriter, r *http.Request, acct int64) {
		s.listExtractions(w, r, acct, id)
	})(w, r)
}

// unauthorized answers 401 as every endpoint does without a valid token:
// no body (none is documented), WWW-Authenticate set.
func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="stitch"`)
	w.WriteHeader(http.StatusUnauthorized)
}

// listExtractions answers GET /v4/{stitch_client_id}/extractions[?page=N]:
// the last completed extraction of each of the account's sources that
// completed one in the past 60 days (paused and deleted included), by
// source id, 100 a page. Another account's client id is 401 (API.md §2.1);
// a page that is not a positive integer is 400 without a body (invented).
func (s *Server) listExtractions(w http.ResponseWriter, r *http.Request, acct, clientID int64) {
	if clientID != acct {
		unauthorized(w)
		return
	}
	page := 1
	if q := r.URL.Query(); q.Has("page") {
		n, err := strconv.Atoi(q.Get("page"))
		if err != nil || n < 1 {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		page = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	mine := s.st.accountSources(acct)
	var all []extractionJSON
	for _, src := range mine {
		s.refresh(src)
		if e := src.lastExtraction; e != nil && now.Sub(e.end) <= extractionsKept {
			all = append(all, e.view(src))
		}
	}
	out := extractionsJSON{Data: []extractionJSON{}, Page: page, Total: len(all), Links: map[string]string{}}
	if from := (page - 1) * extractionsPerPage; from < len(all) {
		out.Data = all[from:min(from+extractionsPerPage, len(all))]
	}
	if len(all) > extractionsPerPage {
		link := func(n int) string { return fmt.Sprintf("/v4/%d/extractions?page=%d", clientID, n) }
		if page*extractionsPerPage < len(all) {
			out.Links["next"] = link(page + 1)
		}
		if page > 1 {
			out.Links["previous"] = link(min(page-1, (len(all)+extractionsPerPage-1)/extractionsPerPage))
		}
	}
	writeJSON(w, http.StatusOK, out)
}
