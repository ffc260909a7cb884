package app

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/securecookie"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/emulator"
	"github.com/onramp/onramp/selection"
	"github.com/onramp/onramp/store/redistest"
)

// Integration tests of stream and field selection. Each reads back what the
// emulator holds with the browser's own token, never the page.

// tokenOf decodes the session cookie (tests only) to find the access token.
func (ts *testServer) tokenOf(tb testing.TB) string {
	tb.Helper()
	u, _ := url.Parse(ts.URL)
	for _, c := range ts.Client.Jar.Cookies(u) {
		if c.Name != "onramp" {
			continue
		}
		values := map[any]any{}
		codecs := securecookie.CodecsFromPairs(ts.App.Config.SessionKeys...)
		if err := securecookie.DecodeMulti("onramp", c.Value, &values, codecs...); err != nil {
			tb.Fatalf("decode session: %v", err)
		}
		tok, _ := values["t"].(string)
		return tok
	}
	tb.Fatal("no session cookie")
	return ""
}

func srcID(tb testing.TB, id string) connect.Int {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		tb.Fatalf("source id %q: %v", id, err)
	}
	return connect.Int(n)
}

// stitchStreams lists the source's streams as Stitch holds them.
func (ts *testServer) stitchStreams(tb testing.TB, id string) []connect.Stream {
	tb.Helper()
	streams, err := ts.App.Client.ListStreams(context.Background(), ts.tokenOf(tb), srcID(tb, id))
	if err != nil {
		tb.Fatalf("list streams: %v", err)
	}
	return streams
}

func (ts *testServer) stitchSchema(tb testing.TB, id string, s connect.Stream) *selection.Schema {
	tb.Helper()
	ss, err := ts.App.Client.GetStreamSchema(context.Background(), ts.tokenOf(tb), srcID(tb, id), s.StreamID)
	if err != nil {
		tb.Fatalf("get schema of %s: %v", s.TapStreamID, err)
	}
	return selection.ParseSchema(ss)
}

// selectedTaps are the tap_stream_ids Stitch has selected, sorted.
func selectedTaps(streams []connect.Stream) []string {
	var out []string
	for _, s := range streams {
		if selection.Selected(s) {
			out = append(out, s.TapStreamID)
		}
	}
	sort.Strings(out)
	return out
}

// mustSelectedExactly checks that exactly want are selected and that each
// replicates every available column that does not conflict (or, when cols
// names a stream, exactly those available columns).
func (ts *testServer) mustSelectedExactly(tb testing.TB, id string, want []string, cols map[string][]string) []connect.Stream {
	tb.Helper()
	streams := ts.stitchStreams(tb, id)
	want = slices.Clone(want)
	sort.Strings(want)
	if got := selectedTaps(streams); !slices.Equal(got, want) {
		tb.Fatalf("selected streams: got %v, want %v", got, want)
	}
	for _, s := range streams {
		if !slices.Contains(want, s.TapStreamID) {
			continue
		}
		sc := ts.stitchSchema(tb, id, s)
		conflict := map[string]bool{}
		for _, f := range sc.Fields {
			if len(f.Exclusions) > 0 {
				conflict[f.Name] = true
				for _, x := range f.Exclusions {
					conflict[x] = true
				}
			}
		}
		for _, f := range sc.Fields {
			if f.Inclusion != selection.Available {
				if f.Inclusion == selection.Unsupported && f.Replicated() {
					tb.Errorf("%s: unsupported %s replicated", s.TapStreamID, f.Name)
				}
				continue
			}
			wantOn := !conflict[f.Name]
			if c, ok := cols[s.TapStreamID]; ok {
				wantOn = slices.Contains(c, f.Name)
			} else if conflict[f.Name] {
				continue
			}
			if f.Replicated() != wantOn {
				tb.Errorf("%s.%s: replicated %v, want %v", s.TapStreamID, f.Name, f.Replicated(), wantOn)
			}
		}
		if selection.NeedsMethod(s) && s.Metadata.ReplicationMethod == "" {
			tb.Errorf("%s is selected without a replication method", s.TapStreamID)
		}
	}
	return streams
}

func tapByName(tb testing.TB, streams []connect.Stream, name string) connect.Stream {
	tb.Helper()
	for _, s := range streams {
		if s.StreamName == name {
			return s
		}
	}
	tb.Fatalf("no stream %q", name)
	return connect.Stream{}
}

// mySQLAtFields creates a MySQL source on database db and returns its id.
func (ts *testServer) mySQLAtFields(tb testing.TB, email, db string) (string, string) {
	tb.Helper()
	csrf := ts.signUp(tb, email)
	id, resp := ts.createMySQL(tb, csrf, func(v url.Values) { v.Set("database", db) })
	path, _ := ts.follow(tb, resp)
	if path != "/sources/"+id+"/fields" {
		tb.Fatalf("landed on %s, want the fields page", path)
	}
	return csrf, id
}

func saveForm(csrf string, shown, ticked []string) url.Values {
	return url.Values{"_csrf": {csrf}, "action": {"save"}, "shown": shown, "stream": ticked}
}

func TestTickingTablesReplicatesTheirColumns(t *testing.T) {
	ts := mustStart(t, nil)
	csrf, id := ts.mySQLAtFields(t, "tick@example.com", "shop")
	_, body := ts.get(t, "/sources/"+id+"/fields")
	shown := streamIDs(t, body)
	resp, body := ts.post(t, "/sources/"+id+"/fields", saveForm(csrf, shown, []string{"shop-customers", "shop-inventory_events"}))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sources/"+id+"/done" {
		t.Fatalf("save: got %d → %q, want 303 → done\n%s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	streams := ts.mustSelectedExactly(t, id, []string{"shop-customers", "shop-inventory_events"}, nil)
	if m := tapByName(t, streams, "customers").Metadata.ReplicationMethod; m != selection.FullTable {
		t.Errorf("customers: method %q, want FULL_TABLE (the default)", m)
	}

	// Unticking deselects; the other keeps its columns.
	_, body = ts.get(t, "/sources/"+id+"/fields")
	contains(t, body, "2 of 6 streams selected.")
	resp, body = ts.post(t, "/sources/"+id+"/fields", saveForm(csrf, shown, []string{"shop-customers"}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("untick: got %d\n%s", resp.StatusCode, body)
	}
	ts.mustSelectedExactly(t, id, []string{"shop-customers"}, nil)
}

func TestStreamPageEditsExactlyThoseColumns(t *testing.T) {
	ts := mustStart(t, nil)
	csrf, id := ts.mySQLAtFields(t, "columns@example.com", "shop")
	st := tapByName(t, ts.stitchStreams(t, id), "customers")
	page := "/sources/" + id + "/fields/" + st.StreamID.String()
	_, body := ts.get(t, page)
	contains(t, body, "Replicate this stream", `data-field="email"`)

	// Key-based without a key: 422, and every choice is still on the page.
	form := url.Values{"_csrf": {csrf}, "selected": {"true"}, "replication_method": {"INCREMENTAL"}, "field": {"email", "first_name"}}
	resp, body := ts.post(t, page, form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("no key: got %d, want 422", resp.StatusCode)
	}
	contains(t, body, "Choose the replication key", `id="selected" name="selected" value="true" checked`, `value="INCREMENTAL" checked`, `value="email" checked`, `value="first_name" checked`)
	if regexp.MustCompile(`value="country" checked`).MatchString(body) {
		t.Error("an unticked column came back ticked")
	}
	// With a key: saved, exactly those columns (and the key column).
	form.Set("replication_key", "updated_at")
	resp, body = ts.post(t, page, form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save stream: got %d\n%s", resp.StatusCode, body)
	}
	streams := ts.mustSelectedExactly(t, id, []string{st.TapStreamID}, map[string][]string{st.TapStreamID: {"email", "first_name", "updated_at"}})
	st = tapByName(t, streams, "customers")
	if st.Metadata.ReplicationMethod != "INCREMENTAL" || st.Metadata.ReplicationKey != "updated_at" {
		t.Errorf("got method %q key %q, want INCREMENTAL on updated_at", st.Metadata.ReplicationMethod, st.Metadata.ReplicationKey)
	}
	// Ticking it again on the list keeps those columns.
	_, body = ts.get(t, "/sources/"+id+"/fields")
	resp, _ = ts.post(t, "/sources/"+id+"/fields", saveForm(csrf, streamIDs(t, body), []string{st.TapStreamID, "shop-orders"}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save list: got %d", resp.StatusCode)
	}
	ts.mustSelectedExactly(t, id, []string{st.TapStreamID, "shop-orders"}, map[string][]string{st.TapStreamID: {"email", "first_name", "updated_at"}})
}

func TestTicksOnPagesOneAndThreeAreSaved(t *testing.T) {
	ts := mustStart(t, nil)
	csrf, id := ts.mySQLAtFields(t, "pages@example.com", "many_120")
	_, body := ts.get(t, "/sources/"+id+"/fields")
	page1 := streamIDs(t, body)
	if len(page1) != selection.PerPage {
		t.Fatalf("page 1: got %d rows, want %d", len(page1), selection.PerPage)
	}
	contains(t, body, `name="goto" value="3"`)
	form := saveForm(csrf, page1, page1[:2])
	form.Set("goto", "3")
	resp, body := ts.post(t, "/sources/"+id+"/fields", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sources/"+id+"/fields?page=3" {
		t.Fatalf("go to page 3: got %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = ts.get(t, "/sources/"+id+"/fields?page=3")
	contains(t, body, "2 of 120 streams selected.", "Start replicating 2 streams")
	page3 := streamIDs(t, body)
	// Back on page 1 the ticks are still there.
	_, body1 := ts.get(t, "/sources/"+id+"/fields?page=1")
	for _, tap := range page1[:2] {
		if !regexp.MustCompile(`value="` + regexp.QuoteMeta(tap) + `"[^>]*checked`).MatchString(body1) {
			t.Errorf("page 1 lost the tick of %s", tap)
		}
	}
	// "Show selected only" lists the two.
	_, only := ts.get(t, "/sources/"+id+"/fields?only=selected")
	if got := streamIDs(t, only); !slices.Equal(got, page1[:2]) {
		t.Errorf("selected only: got %v, want %v", got, page1[:2])
	}
	resp, body = ts.post(t, "/sources/"+id+"/fields", saveForm(csrf, page3, page3[:1]))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: got %d\n%s", resp.StatusCode, body)
	}
	ts.mustSelectedExactly(t, id, []string{page1[0], page1[1], page3[0]}, nil)
}

func TestFilterKeepsTicksAndTicksAllMatching(t *testing.T) {
	ts := mustStart(t, nil)
	csrf, id := ts.mySQLAtFields(t, "filter@example.com", "many_120")
	_, body := ts.get(t, "/sources/"+id+"/fields")
	page1 := streamIDs(t, body)
	form := saveForm(csrf, page1, page1[:1])
	form.Set("action", "filter")
	form.Set("q", "table_0011")
	resp, _ := ts.post(t, "/sources/"+id+"/fields", form)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/sources/"+id+"/fields?q=table_0011" {
		t.Fatalf("filter: got %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = ts.get(t, "/sources/"+id+"/fields?q=table_0011")
	contains(t, body, "1 of 120 streams selected.", "10 shown")
	matching := streamIDs(t, body)
	form = url.Values{"_csrf": {csrf}, "action": {"tick_matching"}, "q": {"table_0011"}, "shown": matching}
	if resp, _ := ts.post(t, "/sources/"+id+"/fields", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("tick matching: got %d", resp.StatusCode)
	}
	resp, body = ts.post(t, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"save"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: got %d\n%s", resp.StatusCode, body)
	}
	ts.mustSelectedExactly(t, id, append([]string{page1[0]}, matching...), nil)
}

func TestViewIsSavedWithItsKeyColumns(t *testing.T) {
	ts := mustStart(t, nil)
	csrf, id := ts.mySQLAtFields(t, "view@example.com", "shop")
	_, body := ts.get(t, "/sources/"+id+"/fields")
	shown := streamIDs(t, body)
	if shown[len(shown)-1] != "shop-daily_sales" {
		t.Fatalf("got %v, want the view last", shown)
	}
	resp, body := ts.post(t, "/sources/"+id+"/fields", saveForm(csrf, shown, []string{"shop-customers", "shop-daily_sales"}))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("view without keys: got %d, want 422", resp.StatusCode)
	}
	contains(t, body, "Choose the key columns of the view", `name="view_key.shop-daily_sales"`, `name="view_keys_shown.shop-daily_sales"`)
	if got := selectedTaps(ts.stitchStreams(t, id)); len(got) != 0 {
		t.Fatalf("something was saved before the view had keys: %v", got)
	}
	form := saveForm(csrf, shown, []string{"shop-customers", "shop-daily_sales"})
	form.Set("view_keys_shown.shop-daily_sales", "1")
	form["view_key.shop-daily_sales"] = []string{"day"}
	resp, body = ts.post(t, "/sources/"+id+"/fields", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("view with keys: got %d\n%s", resp.StatusCode, body)
	}
	streams := ts.mustSelectedExactly(t, id, []string{"shop-customers", "shop-daily_sales"}, nil)
	if v := tapByName(t, streams, "daily_sales"); !slices.Equal(v.Metadata.ViewKeyProperties, []string{"day"}) {
		t.Errorf("view keys: got %v, want [day]", v.Metadata.ViewKeyProperties)
	}
}

func TestSelectAllConfirmsThenSelectsEveryTable(t *testing.T) {
	ts := mustStart(t, nil)
	csrf, id := ts.mySQLAtFields(t, "all@example.com", "shop")
	resp, body := ts.post(t, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"select_all"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("select all: got %d, want the confirmation", resp.StatusCode)
	}
	contains(t, body, `data-testid="confirm-panel"`, "Select all 5 tables", "1 view is not selected") // CLDR plural (i18n)
	if got := selectedTaps(ts.stitchStreams(t, id)); len(got) != 0 {
		t.Fatalf("select all saved before it was confirmed: %v", got)
	}
	resp, body = ts.post(t, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"select_all_confirm"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: got %d\n%s", resp.StatusCode, body)
	}
	ts.mustSelectedExactly(t, id, []string{"shop-customers", "shop-inventory_events", "shop-order_items", "shop-orders", "shop-products"}, nil)
}

func TestSaaSTickSelectsEveryNonConflictingColumn(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "facebook@example.com")
	src, err := ts.App.Client.CreateSource(context.Background(), ts.tokenOf(t), connect.CreateSourceRequest{
		Type: "platform.facebook", DisplayName: "Ads",
		Properties: map[string]any{"start_date": "2024-01-01T00:00:00Z", "access_token": "tok", "account_id": "12345"},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	id := src.ID.String()
	ts.get(t, "/sources/"+id) // the check finishes on the next read
	resp, body := ts.get(t, "/sources/"+id+"/fields")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("fields: got %d\n%s", resp.StatusCode, body)
	}
	shown := streamIDs(t, body)
	ticked := []string{"campaigns", "ads_insights_platform_and_device"}
	resp, body = ts.post(t, "/sources/"+id+"/fields", saveForm(csrf, shown, ticked))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: got %d\n%s", resp.StatusCode, body)
	}
	_, body = ts.follow(t, resp)
	contains(t, body, "choose the columns of ads_insights_platform_and_device")
	ts.mustSelectedExactly(t, id, ticked, nil)
	// Columns conflict in this source: Select all is not offered (SELECTION.md).
	if strings.Contains(body, `data-testid="select-all"`) {
		t.Error("Select all is offered although columns conflict")
	}
}

// Every Stitch call on the save path fails once in turn: the answer is the
// page with every choice (never the generic error page), and sending again
// saves exactly them.
func TestFailuresOnTheSavePathKeepEveryTick(t *testing.T) {
	ts := mustStart(t, map[string]string{"ONRAMP_API_TIMEOUT": "300ms"})
	csrf := ts.signUp(t, "faults@example.com")
	cases := []struct {
		name string
		rule emulator.FaultRule
		want int
	}{
		{"source lookup 500", emulator.FaultRule{Method: "GET", Path: "/v4/sources/*", Status: 500}, http.StatusBadGateway},
		{"stream list 503", emulator.FaultRule{Method: "GET", Path: "/v4/sources/*/streams", Status: 503}, http.StatusBadGateway},
		{"stream list 400", emulator.FaultRule{Method: "GET", Path: "/v4/sources/*/streams", Status: 400}, http.StatusUnprocessableEntity},
		{"schema 500", emulator.FaultRule{Method: "GET", Path: "/v4/sources/*/streams/*", Status: 500}, http.StatusBadGateway},
		{"metadata 500", emulator.FaultRule{Method: "PUT", Path: "/v4/sources/*/streams/metadata", Status: 500}, http.StatusBadGateway},
		{"metadata 400", emulator.FaultRule{Method: "PUT", Path: "/v4/sources/*/streams/metadata", Status: 400}, http.StatusUnprocessableEntity},
		{"metadata timeout", emulator.FaultRule{Method: "PUT", Path: "/v4/sources/*/streams/metadata", Hang: true}, http.StatusBadGateway},
	}
	ticks := [][]string{{"shop-customers", "shop-orders"}, {"shop-products"}, {"shop-order_items", "shop-customers"}}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A fresh source each time: nothing of it is cached yet.
			id, resp := ts.createMySQL(t, csrf, func(v url.Values) { v.Set("display_name", "Shop "+strconv.Itoa(i)) })
			ts.follow(t, resp)
			_, body := ts.get(t, "/sources/"+id+"/fields")
			shown := streamIDs(t, body)
			want := ticks[i%len(ticks)]
			ts.App.Emulator.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{c.rule}})
			start := time.Now()
			resp, body = ts.post(t, "/sources/"+id+"/fields", saveForm(csrf, shown, want))
			ts.App.Emulator.SetFaults(emulator.Faults{})
			if resp.StatusCode != c.want {
				t.Fatalf("got %d, want %d\n%s", resp.StatusCode, c.want, body)
			}
			if strings.Contains(body, "Sorry, something went wrong") || strings.Contains(body, "Stitch is not answering right now") {
				t.Fatal("got the generic error page")
			}
			contains(t, body, "Your choices are kept")
			retry := url.Values{"_csrf": {csrf}}
			if strings.Contains(body, `data-testid="kept-choices"`) {
				// The lookups failed: the page lists the choices and a retry sends them.
				for _, tap := range want {
					contains(t, body, "replicate "+tap)
				}
				for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)"`).FindAllStringSubmatch(body, -1) {
					if m[1] != "_csrf" {
						retry.Add(m[1], m[2])
					}
				}
			} else {
				for _, tap := range want {
					if !regexp.MustCompile(`value="` + regexp.QuoteMeta(tap) + `"[^>]*checked`).MatchString(body) {
						t.Errorf("the tick of %s was lost", tap)
					}
				}
				retry = saveForm(csrf, shown, nil)
				for _, m := range regexp.MustCompile(`name="stream" value="([^"]+)"[^>]*checked`).FindAllStringSubmatch(body, -1) {
					retry.Add("stream", m[1])
				}
			}
			if time.Since(start) > 5*time.Second {
				t.Errorf("the failure took %v", time.Since(start))
			}
			resp, body = ts.post(t, "/sources/"+id+"/fields", retry)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("resend: got %d\n%s", resp.StatusCode, body)
			}
			ts.mustSelectedExactly(t, id, want, nil)
		})
	}
}

// The stream page keeps its choices when the save or a lookup fails.
func TestStreamPageFailureKeepsChoices(t *testing.T) {
	ts := mustStart(t, nil)
	csrf, id := ts.mySQLAtFields(t, "stream-fault@example.com", "shop")
	st := tapByName(t, ts.stitchStreams(t, id), "customers")
	page := "/sources/" + id + "/fields/" + st.StreamID.String()
	form := url.Values{"_csrf": {csrf}, "selected": {"true"}, "replication_method": {"FULL_TABLE"}, "field": {"email"}}
	ts.App.Emulator.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{{Method: "PUT", Path: "/v4/sources/*/streams/metadata", Status: 500}}})
	resp, body := ts.post(t, page, form)
	ts.App.Emulator.SetFaults(emulator.Faults{})
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("got %d, want 502", resp.StatusCode)
	}
	contains(t, body, "Your choices are kept", `value="true" checked`, `value="email" checked`)
	// The list shows the pending choice too.
	_, list := ts.get(t, "/sources/"+id+"/fields")
	contains(t, list, "Not saved yet", "Start replicating 1 stream")
	if resp, body := ts.post(t, page, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resend: got %d\n%s", resp.StatusCode, body)
	}
	ts.mustSelectedExactly(t, id, []string{st.TapStreamID}, map[string][]string{st.TapStreamID: {"email"}})
}

func TestDraftsAcrossReplicasWithRedis(t *testing.T) {
	redisURL := redistest.Start(t).URL
	key := strings.Repeat("ab", 32) + ":" + strings.Repeat("cd", 32)
	a := mustStart(t, map[string]string{"REDIS_URL": redisURL, "ONRAMP_SESSION_KEYS": key})
	csrf, id := a.mySQLAtFields(t, "replicas@example.com", "many_120")
	_, body := a.get(t, "/sources/"+id+"/fields")
	page1 := streamIDs(t, body)
	form := saveForm(csrf, page1, page1[:2])
	form.Set("action", "draft")
	if resp, _ := a.post(t, "/sources/"+id+"/fields", form); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("keep draft: got %d, want 204", resp.StatusCode)
	}
	// Replica B: the same Stitch, Redis and session keys; the same browser.
	b := mustStart(t, map[string]string{
		"REDIS_URL": redisURL, "STITCH_API_URL": a.URL + "/_stitch", "STITCH_APP_URL": a.URL + "/_stitch",
		"STITCH_PARTNER_ID": DemoPartnerID, "STITCH_PARTNER_SECRET": DemoPartnerSecret, "ONRAMP_SESSION_KEYS": key,
	})
	au, _ := url.Parse(a.URL)
	bu, _ := url.Parse(b.URL)
	b.Client.Jar.SetCookies(bu, a.Client.Jar.Cookies(au))
	_, body = b.get(t, "/sources/"+id+"/fields")
	contains(t, body, "2 of 120 streams selected.")
	resp, body := b.post(t, "/sources/"+id+"/fields", url.Values{"_csrf": {csrf}, "action": {"save"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save on replica B: got %d\n%s", resp.StatusCode, body)
	}
	a.mustSelectedExactly(t, id, page1[:2], nil)
}
