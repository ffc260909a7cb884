package emulator

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// mustGitHubSource creates a GitHub source (discovered after the check
// delay) and returns its id.
func (e *env) mustGitHubSource(tb testing.TB, tok, name string) string {
	tb.Helper()
	return str(e.mustCreateSource(tb, tok, "platform.github", name, map[string]any{"access_token": "t", "repository": "o/r", "start_date": startDate})["id"])
}

// mustExtractions lists one page of the account's extractions.
func (e *env) mustExtractions(tb testing.TB, tok string, acct int64, query string) map[string]any {
	tb.Helper()
	r := e.mustDo(tb, "GET", fmt.Sprintf("/v4/%d/extractions%s", acct, query), tok, nil)
	mustStatus(tb, r, http.StatusOK)
	return r.obj(tb)
}

func extractionData(tb testing.TB, page map[string]any) []map[string]any {
	tb.Helper()
	list, ok := page["data"].([]any)
	if !ok {
		tb.Fatalf("data: got %v, want an array", page["data"])
	}
	out := make([]map[string]any, 0, len(list))
	for _, v := range list {
		m, _ := v.(map[string]any)
		out = append(out, m)
	}
	return out
}

// exampleKeys are the keys of a documented example object.
func exampleKeys(tb testing.TB, name string) []string {
	tb.Helper()
	b, err := os.ReadFile("../../shared/stitch-connect/report-cards/" + name)
	if err != nil {
		tb.Fatalf("read example: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		tb.Fatalf("decode example: %v", err)
	}
	return slices.Sorted(maps.Keys(m))
}

// A configured source records a completed extraction once the check delay
// has passed; the list has the documented shape and keys.
func TestExtractionAfterSetUp(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil) // check delay 10s
	tok, acct := e.mustToken(t, "extract@example.com")
	mustJSONEqual(t, e.mustDo(t, "GET", fmt.Sprintf("/v4/%d/extractions", acct), tok, nil), `{"data":[],"page":1,"total":0,"links":{}}`)

	id := e.mustGitHubSource(t, tok, "GitHub")
	e.clock.Advance(10 * time.Second) // discovery
	e.mustSelectFirstStream(t, tok, id)
	started := e.clock.Now()
	if got := e.mustExtractions(t, tok, acct, "")["total"]; str(got) != "0" {
		t.Fatalf("while the first extraction runs: got total %v, want 0 (only completed ones are listed)", got)
	}
	e.clock.Advance(10 * time.Second)
	page := e.mustExtractions(t, tok, acct, "")
	data := extractionData(t, page)
	if len(data) != 1 || str(page["total"]) != "1" || str(page["page"]) != "1" {
		t.Fatalf("after the delay: got %v, want one extraction", page)
	}
	x := data[0]
	if got, want := slices.Sorted(maps.Keys(x)), exampleKeys(t, "extraction.succeeded.json"); !slices.Equal(got, want) {
		t.Fatalf("keys: got %v, want the example's %v", got, want)
	}
	name, _ := x["job_name"].(string)
	if !strings.HasPrefix(name, fmt.Sprintf("%d.%s.sync.", acct, id)) || str(x["source_id"]) != id || str(x["stitch_client_id"]) != str(acct) {
		t.Fatalf("ids: got %v", x)
	}
	if x["source_type"] != "tap-github" || x["start_time"] != stamp(started) || x["completion_time"] != stamp(started.Add(10*time.Second)) {
		t.Fatalf("type and times: got %v", x)
	}
	for _, k := range []string{"discovery_exit_status", "tap_exit_status", "target_exit_status"} {
		if str(x[k]) != "0" {
			t.Errorf("%s: got %v, want 0", k, x[k])
		}
	}
	for _, k := range []string{"discovery_description", "tap_description", "target_description"} {
		if x[k] != nil {
			t.Errorf("%s: got %v, want null", k, x[k])
		}
	}

	// A sync job's extraction becomes the last one when the job ends.
	job, _ := e.mustDo(t, "POST", "/v4/sources/"+id+"/sync", tok, nil).obj(t)["job_name"].(string)
	e.clock.Advance(defaultJobDuration)
	if got := extractionData(t, e.mustExtractions(t, tok, acct, ""))[0]["job_name"]; got != job {
		t.Fatalf("after a sync job: got job %v, want %s", got, job)
	}
	// Deleted sources stay listed; 60 days later the list is empty.
	mustStatus(t, e.mustDo(t, "DELETE", "/v4/sources/"+id, tok, nil), http.StatusOK)
	if got := e.mustExtractions(t, tok, acct, "")["total"]; str(got) != "1" {
		t.Fatalf("deleted source: got total %v, want 1", got)
	}
	e.clock.Advance(61 * 24 * time.Hour)
	if got := e.mustExtractions(t, tok, acct, "")["total"]; str(got) != "0" {
		t.Fatalf("61 days later: got total %v, want 0", got)
	}
}

// A paused source does not extract until it is unpaused.
func TestPausedSourceExtractsOnceUnpaused(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, acct := e.mustToken(t, "paused@example.com")
	id := e.mustGitHubSource(t, tok, "GitHub")
	mustStatus(t, e.mustDo(t, "PUT", "/v4/sources/"+id, tok, map[string]any{"paused_at": stamp(e.clock.Now())}), http.StatusOK)
	e.mustGetSource(t, tok, id) // the check finishes
	e.mustSelectFirstStream(t, tok, id)
	e.clock.Advance(time.Hour)
	if got := e.mustExtractions(t, tok, acct, "")["total"]; str(got) != "0" {
		t.Fatalf("paused: got total %v, want 0", got)
	}
	mustStatus(t, e.mustDo(t, "PUT", "/v4/sources/"+id, tok, map[string]any{"paused_at": nil}), http.StatusOK)
	if got := e.mustExtractions(t, tok, acct, "")["total"]; str(got) != "1" {
		t.Fatalf("unpaused: got total %v, want 1", got)
	}
}

// An account's fail_extractions fault fails its extractions in the tap
// phase, shaped like the documented failed example; other accounts succeed.
func TestFailingExtractionFault(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	const msg = "HTTP-error-code: 401, Error: the access_token provided was rejected by the API"
	tok, acct := e.mustToken(t, "qa+extract@example.com")
	other, otherAcct := e.mustToken(t, "fine@example.com")
	r := e.mustDo(t, "PUT", "/_emulator/faults?email=qa%2Bextract%40example.com", "", nil)
	mustStatus(t, r, http.StatusUnauthorized) // admin needs the partner credentials
	req, _ := http.NewRequest("PUT", e.ts.URL+"/_emulator/faults?email=qa%2Bextract%40example.com", strings.NewReader(`{"fail_extractions":`+string(mustMarshal(t, msg))+`}`))
	req.SetBasicAuth(testPartnerID, testPartnerSecret)
	if got := mustSend(t, e.ts.Client(), req).obj(t)["fail_extractions"]; got != msg {
		t.Fatalf("admin PUT: got fail_extractions %v, want it echoed", got)
	}
	for _, a := range []struct {
		tok  string
		acct int64
	}{{tok, acct}, {other, otherAcct}} {
		id := e.mustGitHubSource(t, a.tok, "GitHub")
		e.mustGetSource(t, a.tok, id)
		e.mustSelectFirstStream(t, a.tok, id)
	}
	x := extractionData(t, e.mustExtractions(t, tok, acct, ""))[0]
	if str(x["tap_exit_status"]) != "1" || x["tap_description"] != msg || str(x["discovery_exit_status"]) != "0" || str(x["target_exit_status"]) != "0" || x["target_description"] != nil {
		t.Fatalf("failed extraction: got %v", x)
	}
	if got, want := slices.Sorted(maps.Keys(x)), exampleKeys(t, "extraction.failed.json"); !slices.Equal(got, want) {
		t.Fatalf("keys: got %v, want %v", got, want)
	}
	if y := extractionData(t, e.mustExtractions(t, other, otherAcct, ""))[0]; str(y["tap_exit_status"]) != "0" {
		t.Fatalf("another account: got %v, want a success", y)
	}
}

func mustMarshal(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	return b
}

// The endpoint is exactly as strict as documented: a bearer token of the
// client id's own account, else 401 with no body.
func TestExtractionsAuthAndErrors(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, acct := e.mustToken(t, "auth@example.com")
	_, otherAcct := e.mustToken(t, "other@example.com")
	revoked, revokedAcct := e.mustToken(t, "revoked@example.com")
	e.srv.RevokeToken(revoked)
	path := func(id int64, q string) string { return fmt.Sprintf("/v4/%d/extractions%s", id, q) }
	for _, c := range []struct {
		name, method, path, token string
		want                      int
	}{
		{"no token", "GET", path(acct, ""), "", http.StatusUnauthorized},
		{"another account's client id", "GET", path(otherAcct, ""), tok, http.StatusUnauthorized},
		{"revoked token", "GET", path(revokedAcct, ""), revoked, http.StatusUnauthorized},
		{"page zero", "GET", path(acct, "?page=0"), tok, http.StatusBadRequest},
		{"page not a number", "GET", path(acct, "?page=two"), tok, http.StatusBadRequest},
		{"POST", "POST", path(acct, ""), tok, http.StatusNotFound},
		{"non-numeric client id", "GET", "/v4/abc/extractions", tok, http.StatusNotFound},
		{"loads (not reproduced)", "GET", fmt.Sprintf("/v4/%d/loads", acct), tok, http.StatusNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.mustDo(t, c.method, c.path, c.token, nil)
			mustStatus(t, r, c.want)
			if len(r.body) != 0 {
				t.Errorf("body: got %q, want none", r.body)
			}
			if c.want == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
		})
	}
	mustStatus(t, e.mustDo(t, "GET", path(acct, "?page=1"), tok, nil), http.StatusOK)
}

// Pages hold 100 records by source id; links are {} below 101 records,
// else relative next/previous URLs.
func TestExtractionsPagination(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, acct := e.mustToken(t, "pages@example.com")
	typ := e.srv.cat.Sources["platform.github"]
	add := func(n int) {
		e.srv.mu.Lock()
		defer e.srv.mu.Unlock()
		now := e.srv.now()
		for range n {
			e.srv.st.nextSource++
			id := e.srv.st.nextSource
			e.srv.st.sources[id] = &source{id: id, account: acct, t: typ, values: map[string]any{}, created: now, updated: now, extracted: true,
				lastExtraction: &extraction{name: fmt.Sprintf("%d.%d.sync.x", acct, id), start: now, end: now}}
		}
	}
	add(100)
	if p := e.mustExtractions(t, tok, acct, ""); str(p["total"]) != "100" || len(extractionData(t, p)) != 100 || len(p["links"].(map[string]any)) != 0 {
		t.Fatalf("100 records: got total %v links %v", p["total"], p["links"])
	}
	add(105) // 205 in all: pages of 100, 100, 5
	next := func(p map[string]any) (string, string) {
		l, _ := p["links"].(map[string]any)
		n, _ := l["next"].(string)
		prev, _ := l["previous"].(string)
		return n, prev
	}
	base := fmt.Sprintf("/v4/%d/extractions?page=", acct)
	var ids []int64
	for i, want := range []struct {
		n          int
		next, prev string
	}{
		{100, base + "2", ""}, {100, base + "3", base + "1"}, {5, "", base + "2"},
	} {
		p := e.mustExtractions(t, tok, acct, fmt.Sprintf("?page=%d", i+1))
		data := extractionData(t, p)
		if n, prev := next(p); len(data) != want.n || n != want.next || prev != want.prev || str(p["total"]) != "205" || str(p["page"]) != fmt.Sprint(i+1) {
			t.Fatalf("page %d: got %d records, next %q, previous %q, total %v; want %d, %q, %q, 205", i+1, len(data), n, prev, p["total"], want.n, want.next, want.prev)
		}
		for _, x := range data {
			id, _ := strconv.ParseInt(str(x["source_id"]), 10, 64)
			ids = append(ids, id)
		}
	}
	if !slices.IsSorted(ids) || len(ids) != 205 {
		t.Fatalf("got %d records, want 205 ordered by source_id", len(ids))
	}
	if p := e.mustExtractions(t, tok, acct, "?page=9"); len(extractionData(t, p)) != 0 {
		t.Fatalf("page past the end: got %v, want no data", p["data"])
	}
}

// Every request naming a client id is counted (never refused), faults and
// 401s included; the window forgets calls older than 10 minutes.
func TestJobsUsageCounted(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, acct := e.mustToken(t, "count@example.com")
	for range 31 {
		e.mustExtractions(t, tok, acct, "")
	}
	mustStatus(t, e.mustDo(t, "GET", fmt.Sprintf("/v4/%d/extractions", acct), "", nil), http.StatusUnauthorized)
	if err := e.srv.SetAccountFaults("count@example.com", Faults{Rules: []FaultRule{{Method: "GET", Path: "/v4/*/extractions", Status: 500, Times: 1}}}); err != nil {
		t.Fatal(err)
	}
	mustStatus(t, e.mustDo(t, "GET", fmt.Sprintf("/v4/%d/extractions", acct), tok, nil), http.StatusInternalServerError)
	if got := e.srv.JobsUsage(acct); got != (JobsUsage{Total: 33, InWindow: 33}) {
		t.Fatalf("usage: got %+v, want 33 in all and in the window", got)
	}
	e.clock.Advance(JobsRateWindow)
	if got := e.srv.JobsUsage(acct); got != (JobsUsage{Total: 33, InWindow: 0}) {
		t.Fatalf("usage 10 minutes later: got %+v, want 33 in all, 0 in the window", got)
	}
	if got := e.srv.JobsUsage(acct + 1); got != (JobsUsage{}) {
		t.Fatalf("another client id: got %+v, want none", got)
	}
}
