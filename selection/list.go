package selection

import (
	"slices"
	"sort"
	"strings"

	"github.com/onramp/onramp/connect"
)

// PerPage is how many streams a page of the list shows.
const PerPage = 50

// Query is what the list shows: a filter, a page, only the selected streams.
type Query struct {
	Q            string
	Page         int
	OnlySelected bool
}

// Option is one choice of a select, radio or checkbox group.
type Option struct {
	Value, Label string
	Checked      bool
}

// Row is one stream in the list, as it will be saved (the draft over
// Stitch's state).
type Row struct {
	TapStreamID string
	StreamID    string
	Name        string
	Detail      string
	Selected    bool
	// Pending is true when the row differs from what Stitch holds.
	Pending bool
	View    bool
	// Methods are the replication methods to choose from, on ticked rows
	// that have no forced method and none saved yet.
	Methods []Option
	// Keys are the replication keys to choose from when the row is
	// key-based; KeysLater is true when they are chosen on the stream page.
	Keys      []Option
	KeysLater bool
	// ViewKeys are a ticked view's columns to choose its key from.
	ViewKeys []Option
	// Problem is why this row cannot be saved yet; Control names the part.
	Problem, Control string
	// Prompt asks the user to choose columns on the stream page.
	Prompt string
}

// Shape names which controls the row has, so a live update knows when a
// row must be replaced.
func (r Row) Shape() string {
	var b strings.Builder
	if len(r.Methods) > 0 {
		b.WriteString("m")
	}
	if len(r.Keys) > 0 || r.KeysLater {
		b.WriteString("k")
	}
	if r.View && r.Selected {
		b.WriteString("v")
	}
	if r.Problem != "" {
		b.WriteString("p")
	}
	return b.String()
}

// Summary is what saving will change.
type Summary struct {
	Select, Deselect, Change []string
	// The counts may exceed the lists, which stop at SummaryMax names.
	SelectN, DeselectN, ChangeN int
}

// SummaryMax caps the names listed per kind of change.
const SummaryMax = 8

// Empty reports whether saving changes nothing.
func (s Summary) Empty() bool { return s.SelectN+s.DeselectN+s.ChangeN == 0 }

// SelectAll describes Stitch's "Select all" for the streams matching the filter.
type SelectAll struct {
	// Offered is false where columns conflict (fieldExclusions).
	Offered bool
	// Count streams would be selected; Views are skipped (they need key
	// columns); Overwrites already selected streams get every column.
	Count, Views, Overwrites int
}

// List is the model of the stream list.
type List struct {
	Query
	Rows []Row
	// Total streams; Selected once saved; Matching the filter.
	Total, Selected, Matching int
	Pages                     int
	// PageNumbers are the page buttons to show (0 is a gap).
	PageNumbers []int
	Summary     Summary
	SelectAll   SelectAll
	// Problems that concern no row, and prompts, in words.
	Problems []string
	Prompts  []string
}

// ListInput is what the list is built from.
type ListInput struct {
	Streams []connect.Stream
	Draft   *Draft
	Query   Query
	// Schemas of RowSchemas, by tap_stream_id (may be missing).
	Schemas  map[string]*Schema
	Problems []Problem
	// Prompts are streams whose columns should be chosen on their page.
	Prompts []string
	// Words word the rows and problems in the page's language.
	Words Words
}

// Sort orders streams as the list shows them: tables, then views (which need
// key columns), each by name. Labels are computed once per stream.
func Sort(streams []connect.Stream) {
	type key struct {
		view  bool
		label string
	}
	keys := make([]key, len(streams))
	idx := make([]int, len(streams))
	for i, s := range streams {
		keys[i], idx[i] = key{IsView(s), Label(s)}, i
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, b := keys[idx[i]], keys[idx[j]]
		if a.view != b.view {
			return b.view
		}
		if a.label != b.label {
			return a.label < b.label
		}
		return streams[idx[i]].TapStreamID < streams[idx[j]].TapStreamID
	})
	sorted := make([]connect.Stream, len(streams))
	for i, k := range idx {
		sorted[i] = streams[k]
	}
	copy(streams, sorted)
}

// Wanted is whether the stream will be selected once the draft is saved.
func Wanted(s connect.Stream, d *Draft) bool {
	if c, ok := d.Get(s.TapStreamID); ok {
		return c.Selected
	}
	return Selected(s)
}

// Matches reports whether a stream matches a filter (lower case).
func Matches(s connect.Stream, q string) bool {
	if q == "" {
		return true
	}
	return strings.Contains(strings.ToLower(Label(s)), q) || strings.Contains(strings.ToLower(s.TapStreamID), q)
}

// Matching are the streams (sorted) that a query shows, over all pages.
func Matching(streams []connect.Stream, d *Draft, q Query) []connect.Stream {
	lq := strings.ToLower(strings.TrimSpace(q.Q))
	out := make([]connect.Stream, 0, len(streams))
	for _, s := range streams {
		if (lq == "" || Matches(s, lq)) && (!q.OnlySelected || Wanted(s, d)) {
			out = append(out, s)
		}
	}
	Sort(out)
	return out
}

// pageOf clamps a page number and returns the page's slice bounds.
func pageOf(n, page int) (int, int, int, int) {
	pages := max(1, (n+PerPage-1)/PerPage)
	page = min(max(page, 1), pages)
	start := (page - 1) * PerPage
	return page, pages, start, min(start+PerPage, n)
}

// PageStreams are the streams on the query's page.
func PageStreams(streams []connect.Stream, d *Draft, q Query) []connect.Stream {
	m := Matching(streams, d, q)
	_, _, start, end := pageOf(len(m), q.Page)
	return m[start:end]
}

// RowSchemas are the streams of a page whose row needs their schema: ticked
// views (to choose key columns) and key-based rows without predefined keys.
func RowSchemas(page []connect.Stream, d *Draft) []connect.Stream {
	var out []connect.Stream
	for _, s := range page {
		if !Wanted(s, d) {
			continue
		}
		c, _ := d.Get(s.TapStreamID)
		if IsView(s) || (c.Method == Incremental && len(s.Metadata.ValidReplicationKeys) == 0) {
			out = append(out, s)
		}
	}
	return out
}

// NewList builds the list model.
func NewList(in ListInput) List {
	d := in.Draft
	w := wordsOr(in.Words)
	l := List{Query: in.Query, Total: len(in.Streams)}
	for _, s := range in.Streams {
		if Wanted(s, d) {
			l.Selected++
		}
	}
	matching := Matching(in.Streams, d, in.Query)
	l.Matching = len(matching)
	var start, end int
	l.Page, l.Pages, start, end = pageOf(len(matching), in.Query.Page)
	l.PageNumbers = pageNumbers(l.Page, l.Pages)
	problems := map[string]Problem{}
	for _, p := range in.Problems {
		if p.TapStreamID == "" {
			l.Problems = append(l.Problems, p.Text(w))
		} else if _, dup := problems[p.TapStreamID]; !dup {
			problems[p.TapStreamID] = p
		}
	}
	prompts := map[string]bool{}
	for _, t := range in.Prompts {
		prompts[t] = true
	}
	for _, s := range matching[start:end] {
		l.Rows = append(l.Rows, newRow(w, s, d, in.Schemas[s.TapStreamID], problems[s.TapStreamID], prompts[s.TapStreamID]))
	}
	// Problems of rows on other pages are listed by name.
	onPage := map[string]bool{}
	for _, r := range l.Rows {
		onPage[r.TapStreamID] = true
	}
	for _, p := range in.Problems {
		if p.TapStreamID != "" && !onPage[p.TapStreamID] {
			l.Problems = append(l.Problems, p.Text(w))
		}
	}
	if len(in.Prompts) > 0 {
		for _, s := range in.Streams {
			if prompts[s.TapStreamID] {
				l.Prompts = append(l.Prompts, Label(s))
			}
		}
	}
	l.Summary = Summarize(in.Streams, d)
	l.SelectAll = selectAllFor(matching, d)
	return l
}

func newRow(w Words, s connect.Stream, d *Draft, sc *Schema, p Problem, prompt bool) Row {
	c, has := d.Get(s.TapStreamID)
	r := Row{
		TapStreamID: s.TapStreamID, StreamID: s.StreamID.String(), Name: Label(s), Detail: Detail(w, s),
		Selected: Wanted(s, d), View: IsView(s), Control: p.Control,
	}
	if p.ID != "" {
		r.Problem = p.Text(w)
	}
	r.Pending = has && pending(s, c)
	if prompt {
		r.Prompt = w.T("selection.rowPrompt", "Name", r.Name)
	}
	if !r.Selected {
		return r
	}
	md := s.Metadata
	if md.ForcedReplicationMethod == "" && (md.ReplicationMethod == "" || c.Method != "") {
		method, key := DefaultMethod(s)
		if c.Method != "" {
			method = c.Method
			if c.Method != md.ReplicationMethod {
				key = ""
			}
		}
		if c.Key != "" {
			key = c.Key
		}
		for _, m := range []string{FullTable, Incremental} {
			r.Methods = append(r.Methods, Option{Value: m, Label: MethodShort(w, m), Checked: m == method})
		}
		if method == Incremental {
			var keys []string
			if len(md.ValidReplicationKeys) > 0 {
				keys = md.ValidReplicationKeys
			} else if sc != nil {
				keys = KeyCandidates(sc, md)
			}
			for _, k := range keys {
				r.Keys = append(r.Keys, Option{Value: k, Label: k, Checked: k == key})
			}
			r.KeysLater = len(keys) == 0
		}
	}
	if r.View && sc != nil {
		keys := md.ViewKeyProperties
		if len(c.ViewKeys) > 0 {
			keys = c.ViewKeys
		}
		for _, f := range sc.Fields {
			if f.Inclusion != Unsupported {
				r.ViewKeys = append(r.ViewKeys, Option{Value: f.Name, Label: f.Name, Checked: slices.Contains(keys, f.Name)})
			}
		}
	}
	return r
}

// pending reports whether a choice changes what Stitch holds.
func pending(s connect.Stream, c Choice) bool {
	was := Selected(s)
	if c.Selected != was {
		return true
	}
	if !c.Selected {
		return false
	}
	md := s.Metadata
	return c.AllColumns || c.Fields != nil ||
		(c.Method != "" && md.ForcedReplicationMethod == "" && c.Method != md.ReplicationMethod) ||
		(c.Key != "" && c.Key != md.ReplicationKey) ||
		(len(c.ViewKeys) > 0 && !slices.Equal(c.ViewKeys, md.ViewKeyProperties))
}

// Prune forgets choices that change nothing.
func Prune(streams []connect.Stream, d *Draft) {
	for _, s := range streams {
		if c, ok := d.Get(s.TapStreamID); ok && !pending(s, c) {
			delete(d.Choices, s.TapStreamID)
		}
	}
}

// Summarize lists what saving the draft changes.
func Summarize(streams []connect.Stream, d *Draft) Summary {
	var sum Summary
	if d == nil || len(d.Choices) == 0 {
		return sum
	}
	sorted := make([]connect.Stream, 0, len(d.Choices))
	for _, s := range streams {
		if _, ok := d.Choices[s.TapStreamID]; ok {
			sorted = append(sorted, s)
		}
	}
	Sort(sorted)
	add := func(list *[]string, n *int, name string) {
		*n++
		if len(*list) < SummaryMax {
			*list = append(*list, name)
		}
	}
	for _, s := range sorted {
		c := d.Choices[s.TapStreamID]
		if !pending(s, c) {
			continue
		}
		switch was := Selected(s); {
		case c.Selected && !was:
			add(&sum.Select, &sum.SelectN, Label(s))
		case !c.Selected && was:
			add(&sum.Deselect, &sum.DeselectN, Label(s))
		default:
			add(&sum.Change, &sum.ChangeN, Label(s))
		}
	}
	return sum
}

func selectAllFor(matching []connect.Stream, d *Draft) SelectAll {
	sa := SelectAll{Offered: true}
	for _, s := range matching {
		if d != nil && d.Conflicts[s.TapStreamID] {
			sa.Offered = false
		}
		if IsView(s) {
			sa.Views++
			continue
		}
		sa.Count++
		if Selected(s) {
			sa.Overwrites++
		}
	}
	if sa.Count == 0 {
		sa.Offered = false
	}
	return sa
}

// pageNumbers are the first, last and nearby pages, 0 marking a gap.
func pageNumbers(page, pages int) []int {
	if pages <= 1 {
		return nil
	}
	var out []int
	last := 0
	for p := 1; p <= pages; p++ {
		if p == 1 || p == pages || (p >= page-2 && p <= page+2) {
			if last != 0 && p != last+1 {
				out = append(out, 0)
			}
			out = append(out, p)
			last = p
		}
	}
	return out
}
