package selection

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
)

func bp(b bool) *bool { return &b }

// TestReplicatedTable is every row of API.md §10.5.
func TestReplicatedTable(t *testing.T) {
	t.Parallel()
	yes, no := bp(true), bp(false)
	cases := []struct {
		inclusion        string
		selected, byDflt *bool
		want             bool
	}{
		{Automatic, no, no, true},
		{Automatic, nil, nil, true},
		{Unsupported, yes, yes, false},
		{Unsupported, nil, nil, false},
		{Available, yes, nil, true},
		{Available, yes, yes, true},
		{Available, yes, no, true},
		{Available, no, nil, false},
		{Available, no, yes, true},
		{Available, no, no, false},
		{Available, nil, yes, true},
		{Available, nil, no, false},
		{Available, nil, nil, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/%v/%v", c.inclusion, ptr(c.selected), ptr(c.byDflt)), func(t *testing.T) {
			if got := Replicated(c.inclusion, c.selected, c.byDflt); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func ptr(b *bool) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprint(*b)
}

// fieldSpec describes a field for schemaOf: "name:inclusion[:sbd][:type]".
type fieldSpec struct {
	name, inclusion, typ string
	sbd, selected        *bool
	excl                 []string
}

func schemaOf(tb testing.TB, stream map[string]any, fields ...fieldSpec) *connect.StreamSchema {
	tb.Helper()
	props := map[string]any{}
	md := []connect.MetadataEntry{{Breadcrumb: []string{}, Metadata: stream}}
	for _, f := range fields {
		typ := map[string]any{"type": []string{"null", "string"}}
		switch f.typ {
		case "integer":
			typ = map[string]any{"type": []string{"null", "integer"}}
		case "date-time":
			typ["format"] = "date-time"
		}
		props[f.name] = typ
		m := map[string]any{"inclusion": f.inclusion}
		if f.sbd != nil {
			m["selected-by-default"] = *f.sbd
		}
		if f.selected != nil {
			m["selected"] = *f.selected
		}
		if len(f.excl) > 0 {
			var ex []any
			for _, x := range f.excl {
				ex = append(ex, []any{"properties", x})
			}
			m["fieldExclusions"] = ex
		}
		md = append(md, connect.MetadataEntry{Breadcrumb: []string{"properties", f.name}, Metadata: m})
	}
	b, _ := json.Marshal(map[string]any{"type": "object", "properties": props})
	return &connect.StreamSchema{Schema: b, Metadata: md}
}

func table(id int64, tap string, keys ...string) connect.Stream {
	no := false
	return connect.Stream{StreamID: connect.Int(id), TapStreamID: tap, StreamName: strings.TrimPrefix(tap, "shop-"),
		Metadata: connect.StreamMetadata{DatabaseName: "shop", IsView: &no, TableKeyProperties: keys}}
}

func view(id int64, tap string) connect.Stream {
	yes := true
	return connect.Stream{StreamID: connect.Int(id), TapStreamID: tap, StreamName: strings.TrimPrefix(tap, "shop-"),
		Metadata: connect.StreamMetadata{DatabaseName: "shop", IsView: &yes}}
}

func saas(id int64, tap string, valid ...string) connect.Stream {
	return connect.Stream{StreamID: connect.Int(id), TapStreamID: tap, StreamName: tap,
		Metadata: connect.StreamMetadata{ForcedReplicationMethod: Incremental, TableKeyProperties: []string{"id"}, ValidReplicationKeys: valid}}
}

func selectedStream(s connect.Stream) connect.Stream {
	yes := true
	s.Selected, s.Metadata.Selected = &yes, &yes
	return s
}

// entries flattens an update to "crumb=metadata" strings, sorted.
func entries(u connect.StreamMetadataUpdate) []string {
	var out []string
	for _, e := range u.Metadata {
		b, _ := json.Marshal(e.Metadata)
		out = append(out, strings.Join(e.Breadcrumb, ".")+"="+string(b))
	}
	sort.Strings(out)
	return out
}

var customers = fieldsOf(
	fieldSpec{name: "id", inclusion: Automatic, typ: "integer"},
	fieldSpec{name: "email", inclusion: Available},
	fieldSpec{name: "name", inclusion: Available},
	fieldSpec{name: "updated_at", inclusion: Available, typ: "date-time"},
	fieldSpec{name: "geom", inclusion: Unsupported},
)

func fieldsOf(f ...fieldSpec) []fieldSpec { return f }

func TestBuildTickingTableSelectsEverySupportedColumn(t *testing.T) {
	t.Parallel()
	st := table(1, "shop-customers", "id")
	sc := ParseSchema(schemaOf(t, map[string]any{"table-key-properties": []string{"id"}}, customers...))
	d := &Draft{}
	d.Set(st.TapStreamID, Choice{Selected: true})
	if got := NeedsSchema([]connect.Stream{st}, d); len(got) != 1 {
		t.Fatalf("NeedsSchema: got %d streams, want 1", len(got))
	}
	p := Build([]connect.Stream{st}, d, map[string]*Schema{st.TapStreamID: sc})
	if !p.OK() || len(p.Updates) != 1 {
		t.Fatalf("got problems %v, updates %d; want none and 1", p.Problems, len(p.Updates))
	}
	want := []string{
		`={"replication-method":"FULL_TABLE","selected":true}`,
		`properties.email={"selected":true}`,
		`properties.name={"selected":true}`,
		`properties.updated_at={"selected":true}`,
	}
	if got := entries(p.Updates[0]); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestBuild(t *testing.T) {
	t.Parallel()
	tableSchema := ParseSchema(schemaOf(t, map[string]any{}, customers...))
	viewSchema := ParseSchema(schemaOf(t, map[string]any{}, fieldSpec{name: "day", inclusion: Available, typ: "date-time"}, fieldSpec{name: "total", inclusion: Available}))
	excl := ParseSchema(schemaOf(t, map[string]any{},
		fieldSpec{name: "id", inclusion: Automatic},
		fieldSpec{name: "clicks", inclusion: Available},
		fieldSpec{name: "device", inclusion: Available, excl: []string{"share"}},
		fieldSpec{name: "share", inclusion: Available, sbd: bp(true)},
	))
	cases := []struct {
		name    string
		stream  connect.Stream
		choice  Choice
		schema  *Schema
		want    []string // entries; nil = no update
		problem string   // control of the expected problem
		prompt  bool
	}{
		{name: "untick a selected stream", stream: selectedStream(table(1, "shop-customers")), choice: Choice{Selected: false},
			want: []string{`={"selected":false}`}},
		{name: "untick an unselected stream changes nothing", stream: table(1, "shop-customers"), choice: Choice{}},
		{name: "tick a selected stream keeps its columns", stream: func() connect.Stream {
			s := selectedStream(table(1, "shop-customers"))
			s.Metadata.ReplicationMethod = FullTable
			return s
		}(), choice: Choice{Selected: true}},
		{name: "key-based needs a key", stream: table(1, "shop-customers"), choice: Choice{Selected: true, Method: Incremental}, schema: tableSchema, problem: "key"},
		{name: "key-based with a date-time key", stream: table(1, "shop-customers"), choice: Choice{Selected: true, Method: Incremental, Key: "updated_at"}, schema: tableSchema,
			want: []string{`={"replication-key":"updated_at","replication-method":"INCREMENTAL","selected":true}`, `properties.email={"selected":true}`, `properties.name={"selected":true}`, `properties.updated_at={"selected":true}`}},
		{name: "a text key is refused", stream: table(1, "shop-customers"), choice: Choice{Selected: true, Method: Incremental, Key: "email"}, schema: tableSchema, problem: "key"},
		{name: "a bad method is refused", stream: table(1, "shop-customers"), choice: Choice{Selected: true, Method: "SOMETIMES"}, schema: tableSchema, problem: "method"},
		{name: "a view needs key columns", stream: view(2, "shop-daily"), choice: Choice{Selected: true}, schema: viewSchema, problem: "view_keys"},
		{name: "a view with key columns", stream: view(2, "shop-daily"), choice: Choice{Selected: true, ViewKeys: []string{"day"}}, schema: viewSchema,
			want: []string{`={"replication-method":"FULL_TABLE","selected":true,"view-key-properties":["day"]}`, `properties.day={"selected":true}`, `properties.total={"selected":true}`}},
		{name: "explicit columns, keys included", stream: view(2, "shop-daily"), choice: Choice{Selected: true, ViewKeys: []string{"day"}, Fields: map[string]bool{"day": false, "total": true}},
			want: []string{`={"replication-method":"FULL_TABLE","selected":true,"view-key-properties":["day"]}`, `properties.day={"selected":true}`, `properties.total={"selected":true}`}},
		{name: "SaaS forced method: no method sent, every available column", stream: saas(3, "orders", "updated_at"), choice: Choice{Selected: true},
			schema: ParseSchema(schemaOf(t, map[string]any{}, fieldSpec{name: "id", inclusion: Automatic}, fieldSpec{name: "note", inclusion: Available, sbd: bp(false)}, fieldSpec{name: "total", inclusion: Available})),
			want:   []string{`={"replication-key":"updated_at","selected":true}`, `properties.note={"selected":true}`, `properties.total={"selected":true}`}},
		{name: "Salesforce-like: default key-based on the first valid key", stream: connect.Stream{StreamID: 4, TapStreamID: "Account", StreamName: "Account",
			Metadata: connect.StreamMetadata{TableKeyProperties: []string{"Id"}, ValidReplicationKeys: []string{"SystemModstamp", "CreatedDate"}}}, choice: Choice{Selected: true},
			schema: ParseSchema(schemaOf(t, map[string]any{}, fieldSpec{name: "Id", inclusion: Automatic}, fieldSpec{name: "SystemModstamp", inclusion: Automatic}, fieldSpec{name: "Name", inclusion: Available})),
			want:   []string{`={"replication-key":"SystemModstamp","replication-method":"INCREMENTAL","selected":true}`, `properties.Name={"selected":true}`}},
		{name: "exclusions: non-conflicting columns, defaults, prompt", stream: saas(5, "ads"), choice: Choice{Selected: true}, schema: excl, prompt: true,
			want: []string{`={"selected":true}`, `properties.clicks={"selected":true}`, `properties.device={"selected":false}`, `properties.share={"selected":true}`}},
		{name: "conflicting explicit columns are refused", stream: saas(5, "ads"), choice: Choice{Selected: true, Fields: map[string]bool{"clicks": true, "device": true, "share": true}}, schema: excl, problem: "fields"},
		{name: "log-based only for databases", stream: connect.Stream{StreamID: 6, TapStreamID: "x", Metadata: connect.StreamMetadata{}}, choice: Choice{Selected: true, Method: LogBased},
			schema: tableSchema, problem: "method"},
		{name: "select all overwrites the columns of a selected stream", stream: func() connect.Stream {
			s := selectedStream(table(1, "shop-customers"))
			s.Metadata.ReplicationMethod = FullTable
			return s
		}(), choice: Choice{Selected: true, AllColumns: true}, schema: tableSchema,
			want: []string{`properties.email={"selected":true}`, `properties.name={"selected":true}`, `properties.updated_at={"selected":true}`}},
		{name: "missing schema is a problem, not a silent skip", stream: table(1, "shop-customers"), choice: Choice{Selected: true}, problem: "fields"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := BuildStream(c.stream, c.schema, c.choice)
			if c.problem != "" {
				if len(p.Problems) == 0 || p.Problems[0].Control != c.problem {
					t.Fatalf("got problems %+v, want one on %q", p.Problems, c.problem)
				}
				if len(p.Updates) != 0 {
					t.Errorf("got %d updates with a problem, want none", len(p.Updates))
				}
				return
			}
			if !p.OK() {
				t.Fatalf("got problems %+v, want none", p.Problems)
			}
			if (len(p.Prompts) > 0) != c.prompt {
				t.Errorf("prompt: got %v, want %v", p.Prompts, c.prompt)
			}
			if c.want == nil {
				if len(p.Updates) != 0 {
					t.Fatalf("got update %v, want none", entries(p.Updates[0]))
				}
				return
			}
			if len(p.Updates) != 1 {
				t.Fatalf("got %d updates, want 1", len(p.Updates))
			}
			if got := entries(p.Updates[0]); !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %v\nwant %v", got, c.want)
			}
		})
	}
}

func TestBuildNeedsOneSelectedStream(t *testing.T) {
	t.Parallel()
	st := selectedStream(table(1, "shop-customers"))
	d := &Draft{}
	d.Set(st.TapStreamID, Choice{Selected: false})
	p := Build([]connect.Stream{st}, d, nil)
	if p.OK() || p.Problems[0].TapStreamID != "" {
		t.Fatalf("got %+v, want the whole-selection problem", p.Problems)
	}
}

func manyTables(n int) []connect.Stream {
	out := make([]connect.Stream, n)
	for i := range out {
		out[i] = table(int64(i+1), fmt.Sprintf("shop-t%05d", i+1), "id")
	}
	return out
}

func TestListPagingFilterAndDraft(t *testing.T) {
	t.Parallel()
	streams := append(manyTables(120), view(999, "shop-aaa_view"))
	d := &Draft{}
	form := url.Values{"shown": {"shop-t00001", "shop-t00002", "shop-t00003"}, "stream": {"shop-t00001", "shop-t00002"}, "action": {"goto"}, "goto": {"3"}}
	f := ApplyListForm(d, form)
	if f.Action != ActionGoto || f.Goto != 3 {
		t.Fatalf("got %+v, want goto 3", f)
	}
	Prune(streams, d)
	if len(d.Choices) != 2 {
		t.Fatalf("got %d choices, want 2 (the unticked, unselected one is no change)", len(d.Choices))
	}
	l := NewList(ListInput{Streams: streams, Draft: d, Query: Query{Page: 3}})
	if l.Selected != 2 || l.Total != 121 || l.Pages != 3 || l.Page != 3 {
		t.Fatalf("got selected %d of %d, page %d of %d; want 2 of 121, 3 of 3", l.Selected, l.Total, l.Page, l.Pages)
	}
	if last := l.Rows[len(l.Rows)-1]; !last.View {
		t.Errorf("got last row %q, want the view (views come after tables)", last.Name)
	}
	if !reflect.DeepEqual(l.PageNumbers, []int{1, 2, 3}) {
		t.Errorf("page numbers: got %v", l.PageNumbers)
	}
	if l.Summary.SelectN != 2 || !slices.Equal(l.Summary.Select, []string{"t00001", "t00002"}) {
		t.Errorf("summary: got %+v", l.Summary)
	}
	only := NewList(ListInput{Streams: streams, Draft: d, Query: Query{OnlySelected: true}})
	if only.Matching != 2 || len(only.Rows) != 2 || !only.Rows[0].Pending {
		t.Errorf("only selected: got %d rows, matching %d", len(only.Rows), only.Matching)
	}
	q := NewList(ListInput{Streams: streams, Draft: d, Query: Query{Q: "T0010"}})
	if q.Matching != 10 {
		t.Errorf("filter: got %d matching, want 10", q.Matching)
	}
	if got := pageNumbers(10, 40); !reflect.DeepEqual(got, []int{1, 0, 8, 9, 10, 11, 12, 0, 40}) {
		t.Errorf("page numbers of 10 in 40: got %v", got)
	}
	if n := TickMatching(streams, d, Query{}, true); n != 120 {
		t.Errorf("tick all: got %d, want 120 (the view is skipped)", n)
	}
	if n := SelectAllMatching(streams, d, Query{Q: "t0000"}); n != 9 {
		t.Errorf("select all matching: got %d, want 9", n)
	}
	if c, _ := d.Get("shop-t00001"); !c.AllColumns {
		t.Error("select all did not mark its streams for every column")
	}
}

func TestRowControls(t *testing.T) {
	t.Parallel()
	st := table(1, "shop-customers")
	v := view(2, "shop-daily")
	d := &Draft{}
	d.Set(st.TapStreamID, Choice{Selected: true, Method: Incremental})
	d.Set(v.TapStreamID, Choice{Selected: true})
	page := []connect.Stream{st, v}
	if got := RowSchemas(page, d); len(got) != 2 {
		t.Fatalf("row schemas: got %d, want 2", len(got))
	}
	sc := map[string]*Schema{
		st.TapStreamID: ParseSchema(schemaOf(t, map[string]any{}, customers...)),
		v.TapStreamID:  ParseSchema(schemaOf(t, map[string]any{}, fieldSpec{name: "day", inclusion: Available})),
	}
	l := NewList(ListInput{Streams: page, Draft: d, Schemas: sc, Problems: []Problem{{TapStreamID: v.TapStreamID, Control: "view_keys", ID: "choose"}}})
	rows := map[string]Row{}
	for _, r := range l.Rows {
		rows[r.TapStreamID] = r
	}
	if r := rows[st.TapStreamID]; len(r.Methods) != 2 || !r.Methods[1].Checked || len(r.Keys) != 2 {
		t.Errorf("table row: got methods %+v keys %+v, want key-based with id and updated_at", r.Methods, r.Keys)
	}
	if r := rows[v.TapStreamID]; len(r.ViewKeys) != 1 || r.Problem != "choose" || r.Shape() == "" {
		t.Errorf("view row: got %+v", r)
	}
}

func TestDecodeStreamAndPage(t *testing.T) {
	t.Parallel()
	st := table(1, "shop-customers", "id")
	sc := ParseSchema(schemaOf(t, map[string]any{}, customers...))
	form := url.Values{"selected": {"true"}, "replication_method": {Incremental}, "field": {"email", "geom"}}
	c := DecodeStream(form, st, sc)
	want := map[string]bool{"email": true, "name": false, "updated_at": false}
	if !c.Selected || c.Method != Incremental || !reflect.DeepEqual(c.Fields, want) {
		t.Fatalf("got %+v, want selected, key-based, %v", c, want)
	}
	p := BuildStream(st, sc, c)
	if p.OK() {
		t.Fatal("key-based without a key: got no problem")
	}
	page := NewStreamPage(nil, st, sc, c, true, p.Problems)
	if !page.Selected || !page.Methods[1].Checked || len(page.Problems) != 1 {
		t.Errorf("page does not keep the choices: %+v", page)
	}
	got := map[string]bool{}
	for _, f := range page.Fields {
		got[f.Name] = f.Selected
	}
	if !reflect.DeepEqual(got, map[string]bool{"id": true, "email": true, "name": false, "updated_at": false, "geom": false}) {
		t.Errorf("fields shown: got %v", got)
	}
	// A newly ticked stream's page shows what ticking gives.
	d := &Draft{}
	d.Set(st.TapStreamID, Choice{Selected: true})
	ch, _ := d.Get(st.TapStreamID)
	page = NewStreamPage(nil, st, sc, ch, true, nil)
	for _, f := range page.Fields {
		if f.Selected != (f.Name != "geom") {
			t.Errorf("ticked stream: %s selected=%v", f.Name, f.Selected)
		}
	}
}

func TestChunks(t *testing.T) {
	t.Parallel()
	var ups []connect.StreamMetadataUpdate
	for i := range 1201 {
		ups = append(ups, connect.StreamMetadataUpdate{TapStreamID: fmt.Sprint(i), Metadata: make([]connect.MetadataEntry, 5)})
	}
	ch := Chunks(ups, 500, 5000)
	if len(ch) != 3 || len(ch[0]) != 500 || len(ch[2]) != 201 {
		t.Fatalf("got %d chunks, want 500+500+201", len(ch))
	}
	ch = Chunks(ups[:10], 500, 12)
	if len(ch) != 5 {
		t.Errorf("entry cap: got %d chunks, want 5", len(ch))
	}
}
