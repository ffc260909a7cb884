package app

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// benchGet serves path through the app's handler (no network for the page
// itself; the app still calls the embedded emulator over loopback).
func benchGet(b *testing.B, ts *testServer, path string, wantStatus int, wantBody string) {
	b.Helper()
	u, _ := url.Parse(ts.URL)
	cookies := ts.Client.Jar.Cookies(u)
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	ts.App.Handler.ServeHTTP(rec, req)
	if rec.Code != wantStatus || !strings.Contains(rec.Body.String(), wantBody) {
		b.Fatalf("GET %s: got %d, want %d with %q", path, rec.Code, wantStatus, wantBody)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		ts.App.Handler.ServeHTTP(rec, req)
		if rec.Code != wantStatus {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkNewSourceFormPage is GET /sources/new/platform.mysql with a warm
// report card cache: no Stitch call, build + render only.
func BenchmarkNewSourceFormPage(b *testing.B) {
	ts := mustStart(b, nil)
	ts.signUp(b, "bench-form@example.com")
	benchGet(b, ts, "/sources/new/platform.mysql", http.StatusOK, `data-property="host"`)
}

// BenchmarkFieldsPage2000Streams is GET /sources/{id}/fields for a database
// with 2,000 tables (the emulator's many_2000 sandbox value): the stream list
// is fetched, filtered and paginated; no schema is fetched.
func BenchmarkFieldsPage2000Streams(b *testing.B) {
	ts := mustStart(b, nil)
	csrf := ts.signUp(b, "bench-fields@example.com")
	id, _ := ts.createMySQL(b, csrf, func(v url.Values) { v.Set("database", "many_2000") })
	benchGet(b, ts, "/sources/"+id+"/fields", http.StatusOK, "0 of 2000 streams selected")
}
