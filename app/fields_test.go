package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
)

// Benchmarks of stream selection at scale: the emulator's many_N sandbox
// database has N tables. Each request goes through the app's handler; the
// app calls the embedded emulator over loopback, as in production.

func benchList(b *testing.B, n int) {
	ts := mustStart(b, nil)
	_, id := ts.mySQLAtFields(b, fmt.Sprintf("bench-list-%d@example.com", n), fmt.Sprintf("many_%d", n))
	// The count reads in the locale's number format (2,000).
	benchGet(b, ts, "/sources/"+id+"/fields?page=7", http.StatusOK, "0 of "+i18n.MustNew(i18n.Options{}).Localizer("en").Number(n)+" streams selected")
}

// BenchmarkStreamList2000 is GET of a page of the stream list of 2,000 tables.
func BenchmarkStreamList2000(b *testing.B) { benchList(b, 2000) }

// BenchmarkStreamList5000 is the same with 5,000 tables.
func BenchmarkStreamList5000(b *testing.B) { benchList(b, 5000) }

// BenchmarkStreamListFiltered5000 filters 5,000 tables with a draft of 50 ticks.
func BenchmarkStreamListFiltered5000(b *testing.B) {
	ts := mustStart(b, nil)
	csrf, id := ts.mySQLAtFields(b, "bench-filter@example.com", "many_5000")
	_, body := ts.get(b, "/sources/"+id+"/fields")
	shown := streamIDs(b, body)
	form := saveForm(csrf, shown, shown)
	form.Set("action", "draft")
	if resp, _ := ts.post(b, "/sources/"+id+"/fields", form); resp.StatusCode != http.StatusNoContent {
		b.Fatalf("draft: got %d", resp.StatusCode)
	}
	benchGet(b, ts, "/sources/"+id+"/fields?q=table_04&only=selected", http.StatusOK, "50 of 5,000 streams selected")
}

// benchPost posts a form through the app's handler and expects a status.
func benchPost(b *testing.B, ts *testServer, path string, form url.Values, want int) {
	b.Helper()
	u, _ := url.Parse(ts.URL)
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range ts.Client.Jar.Cookies(u) {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	ts.App.Handler.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("POST %s: got %d, want %d\n%s", path, rec.Code, want, rec.Body.String())
	}
}

// newManySource creates a MySQL source on many_N through the API (outside
// the timer) and waits for its discovery.
func (ts *testServer) newManySource(b *testing.B, n, i int) string {
	b.Helper()
	src, err := ts.App.Client.CreateSource(context.Background(), ts.tokenOf(b), connect.CreateSourceRequest{
		Type: "platform.mysql", DisplayName: fmt.Sprintf("Many %d", i),
		Properties: map[string]any{"host": "db.example.com", "port": "3306", "user": "u", "password": "p", "database": fmt.Sprintf("many_%d", n)},
	})
	if err != nil {
		b.Fatalf("create source: %v", err)
	}
	id := src.ID.String()
	for range 50 {
		got, err := ts.App.Client.GetSource(context.Background(), ts.tokenOf(b), src.ID)
		if err == nil && got.ReportCard.CurrentStepType == "field_selection" {
			return id
		}
	}
	b.Fatalf("source %s never reached field selection", id)
	return ""
}

// benchSelectAll is Stitch's Select all, end to end, on a fresh source each
// time (nothing cached): the stream list, every table's schema (its columns
// must be chosen), the metadata PUTs in chunks, and the source read that
// decides the next page. With confirm, the confirmation page is shown first
// (it starts reading the schemas) and confirmed at once: both are timed.
func benchSelectAll(b *testing.B, n int, confirm bool) {
	ts := mustStart(b, nil)
	csrf, _ := ts.mySQLAtFields(b, fmt.Sprintf("bench-all-%d@example.com", n), "shop")
	var worst time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		id := ts.newManySource(b, n, i)
		b.StartTimer()
		start := time.Now()
		if confirm {
			benchPost(b, ts, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"select_all"}}, http.StatusOK)
		}
		benchPost(b, ts, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"select_all_confirm"}}, http.StatusSeeOther)
		worst = max(worst, time.Since(start))
		b.StopTimer()
		if got := len(selectedTaps(ts.stitchStreams(b, id))); got != n {
			b.Fatalf("got %d selected, want %d", got, n)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(worst.Milliseconds()), "worst-ms")
}

// BenchmarkSelectAll2000 selects all of 2,000 tables, cold.
func BenchmarkSelectAll2000(b *testing.B) { benchSelectAll(b, 2000, false) }

// BenchmarkSelectAll5000 selects all of 5,000 tables, cold.
func BenchmarkSelectAll5000(b *testing.B) { benchSelectAll(b, 5000, false) }

// BenchmarkSelectAllConfirmed5000 shows the confirmation, then confirms at once.
func BenchmarkSelectAllConfirmed5000(b *testing.B) { benchSelectAll(b, 5000, true) }

// benchListCold is the first view of the list of a fresh source: nothing is
// cached, so the stream list is read from Stitch and decoded.
func benchListCold(b *testing.B, n int) {
	ts := mustStart(b, nil)
	ts.mySQLAtFields(b, fmt.Sprintf("bench-cold-%d@example.com", n), "shop")
	u, _ := url.Parse(ts.URL)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		id := ts.newManySource(b, n, i)
		req := httptest.NewRequest(http.MethodGet, "/sources/"+id+"/fields", nil)
		for _, c := range ts.Client.Jar.Cookies(u) {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		b.StartTimer()
		ts.App.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("got %d", rec.Code)
		}
	}
}

// BenchmarkStreamListCold2000 is the first view of 2,000 tables.
func BenchmarkStreamListCold2000(b *testing.B) { benchListCold(b, 2000) }

// BenchmarkStreamListCold5000 is the first view of 5,000 tables.
func BenchmarkStreamListCold5000(b *testing.B) { benchListCold(b, 5000) }
