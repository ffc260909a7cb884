package app

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/emulator"
)

var lastSyncRe = regexp.MustCompile(`(?s)<div class="[^"]*" data-testid="last-sync" data-state="([a-z]+)"[^>]*>(.*?)</div>`)

// lastSync returns the state and the words of the page's last-sync lines.
func lastSync(t *testing.T, body string) [][2]string {
	t.Helper()
	var out [][2]string
	for _, m := range lastSyncRe.FindAllStringSubmatch(body, -1) {
		words := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[2], "")
		out = append(out, [2]string{m[1], strings.Join(strings.Fields(words), " ")})
	}
	return out
}

// mustOneSync asserts the page shows exactly one last-sync line, in that
// state, with those words.
func mustOneSync(t *testing.T, page, body, state string, words ...string) {
	t.Helper()
	got := lastSync(t, body)
	if len(got) != 1 || got[0][0] != state {
		t.Fatalf("%s: got last-sync lines %v, want one %q", page, got, state)
	}
	for _, w := range words {
		if !strings.Contains(got[0][1], w) {
			t.Errorf("%s: got %q, want it to contain %q", page, got[0][1], w)
		}
	}
}

// A MySQL source configured to done has synced once the emulator's
// extraction completed: /sources and the done page say so, in the
// reader's language, from one call of the extractions endpoint.
func TestLastSyncShownAfterSetUp(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "sync+done@example.com")
	id := ts.configuredMySQL(t, csrf)
	acct := ts.accountIDFromSession(t)

	_, body := ts.get(t, "/sources/"+id+"/done")
	mustOneSync(t, "done page", body, "succeeded", "Last sync: finished just now")
	if !strings.Contains(body, `data-at="`) {
		t.Error("done page: the last sync carries no data-at time")
	}
	_, body = ts.get(t, "/sources")
	mustOneSync(t, "/sources", body, "succeeded", "Last sync: finished just now")
	contains(t, body, `data-testid="source-health"`, `data-testid="last-check"`)

	resp, _ := ts.get(t, "/locale?set=de&return=/sources")
	_, body = ts.follow(t, resp)
	mustOneSync(t, "/sources in German", body, "succeeded", "Letzte Synchronisierung: gerade eben abgeschlossen")

	if got := ts.App.Emulator.JobsUsage(acct).Total; got != 1 {
		t.Fatalf("extractions requests for three page views: got %d, want 1", got)
	}
}

// A source whose first extraction has not completed yet reads "No sync yet".
func TestLastSyncNotYet(t *testing.T) {
	ts := mustStart(t, nil)
	const email = "sync+pending@example.com"
	csrf := ts.signUp(t, email)
	id, resp := ts.createMySQL(t, csrf, nil)
	_, body := ts.follow(t, resp) // the fields page, discovered
	hour := time.Hour
	if err := ts.App.Emulator.SetAccountFaults(email, emulator.Faults{CheckDelay: &hour}); err != nil {
		t.Fatal(err)
	}
	ids := streamIDs(t, body)
	resp, body = ts.post(t, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"save"}, "shown": ids, "stream": ids[:1]})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save streams: got %d\n%s", resp.StatusCode, body)
	}
	_, body = ts.follow(t, resp)
	mustOneSync(t, "done page", body, "none", "No sync yet")
}

// A failing extraction (account fault) reads "failed", with Stitch's text
// introduced in the user's words.
func TestLastSyncFailed(t *testing.T) {
	ts := mustStart(t, nil)
	const email = "sync+failed@example.com"
	const msg = "Response returned http error code 401 for the shop database"
	if err := ts.App.Emulator.SetAccountFaults(email, emulator.Faults{FailExtractions: msg}); err != nil {
		t.Fatal(err)
	}
	csrf := ts.signUp(t, email)
	id := ts.configuredMySQL(t, csrf)
	_, body := ts.get(t, "/sources")
	mustOneSync(t, "/sources", body, "failed", "Last sync: failed just now while reading the data from the source", "Stitch said:", msg)
	_, body = ts.get(t, "/sources/"+id+"/done")
	mustOneSync(t, "done page", body, "failed", "Last sync: failed just now", msg)
	contains(t, body, "<q>"+msg+"</q>")
}

// A 401 or 500 from the extractions endpoint leaves the pages working:
// no sync line, one WARN naming the request id, and the failure is not
// asked again on every page.
func TestLastSyncUnavailable(t *testing.T) {
	for _, status := range []int{http.StatusUnauthorized, http.StatusInternalServerError} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			logs := &syncBuffer{}
			ts := mustStartWith(t, nil, logs, nil)
			email := "sync+down" + http.StatusText(status)[:3] + "@example.com"
			csrf := ts.signUp(t, email)
			id := ts.configuredMySQL(t, csrf)
			acct := ts.accountIDFromSession(t)
			if err := ts.App.Emulator.SetAccountFaults(email, emulator.Faults{Rules: []emulator.FaultRule{{Method: "GET", Path: "/v4/*/extractions", Status: status}}}); err != nil {
				t.Fatal(err)
			}
			for _, p := range []string{"/sources", "/sources/" + id + "/done", "/sources"} {
				resp, body := ts.get(t, p)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: got %d, want 200\n%s", p, resp.StatusCode, body)
				}
				contains(t, body, `data-testid="source-status"`, "Shop DB")
				if got := lastSync(t, body); len(got) != 0 {
					t.Fatalf("%s: got last-sync lines %v, want none", p, got)
				}
			}
			var warns []string
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "last syncs unavailable") {
					warns = append(warns, l)
				}
			}
			if len(warns) != 1 || !strings.Contains(warns[0], "level=WARN") || !regexp.MustCompile(`\bid=\S+`).MatchString(warns[0]) {
				t.Fatalf("got warnings %q, want one WARN with the request id", warns)
			}
			if got := ts.App.Emulator.JobsUsage(acct).Total; got != 1 {
				t.Fatalf("extractions requests: got %d, want 1 (the failure is remembered, never retried)", got)
			}
		})
	}
}

// aheadClock is the real time moved ahead on demand: the app's own waits
// (a fixed fake clock would hold them) still pass.
type aheadClock struct {
	mu    sync.Mutex
	ahead time.Duration
}

func (c *aheadClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.ahead)
}
func (c *aheadClock) Add(d time.Duration) {
	c.mu.Lock()
	c.ahead += d
	c.mu.Unlock()
}

// Many page views, at once and one after another, within 20 s make one
// call of the rate-limited endpoint; the next 20 s make one more.
func TestLastSyncOneExtractionsCallPer20Seconds(t *testing.T) {
	clock := &aheadClock{}
	ts := mustStartWith(t, nil, io.Discard, func(c *Config) { c.Now = clock.Now })
	csrf := ts.signUp(t, "sync+rate@example.com")
	id := ts.configuredMySQL(t, csrf)
	acct := ts.accountIDFromSession(t)

	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := "/sources"
			if i%2 == 1 {
				p = "/sources/" + id + "/done"
			}
			resp, err := ts.Client.Get(ts.URL + p)
			if err != nil {
				t.Errorf("GET %s: %v", p, err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: got %d", p, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	clock.Add(19 * time.Second)
	_, body := ts.get(t, "/sources")
	mustOneSync(t, "/sources 19 s later", body, "succeeded")
	if got := ts.App.Emulator.JobsUsage(acct).Total; got != 1 {
		t.Fatalf("13 page views within 20 s: got %d extractions requests, want 1", got)
	}
	clock.Add(2 * time.Second)
	ts.get(t, "/sources")
	ts.get(t, "/sources/"+id+"/done")
	if got := ts.App.Emulator.JobsUsage(acct).Total; got != 2 {
		t.Fatalf("after 20 s: got %d extractions requests, want 2", got)
	}
}
