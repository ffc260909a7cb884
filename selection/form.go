package selection

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/onramp/onramp/connect"
)

// List form actions.
const (
	ActionSave          = "save"               // save the draft to Stitch
	ActionDraft         = "draft"              // keep the page's choices (live updates)
	ActionFilter        = "filter"             // keep them and filter
	ActionGoto          = "goto"               // keep them and go to a page
	ActionTickMatching  = "tick_matching"      // tick every table matching the filter
	ActionUntickMatch   = "untick_matching"    // untick every stream matching it
	ActionSelectAll     = "select_all"         // ask to confirm Stitch's Select all
	ActionSelectAllDone = "select_all_confirm" // Select all, confirmed: save
	ActionDiscard       = "discard"            // forget the draft
)

// ListForm is a decoded submission of the stream list.
type ListForm struct {
	Action string
	Query  Query
	// Goto is the page to go to.
	Goto int
}

// ApplyListForm records the page's ticks, methods, keys and view keys in the
// draft and returns what the user asked for. Only streams the page showed
// change: every row sends its tap_stream_id as "shown".
func ApplyListForm(d *Draft, form url.Values) ListForm {
	f := ListForm{Action: form.Get("action")}
	f.Query.Q = strings.TrimSpace(form.Get("q"))
	f.Query.Page, _ = strconv.Atoi(form.Get("page"))
	f.Query.OnlySelected = form.Get("only") == "selected"
	if g := form.Get("goto"); g != "" {
		f.Action = ActionGoto
		f.Goto, _ = strconv.Atoi(g)
	}
	if f.Action == "" {
		f.Action = ActionSave
	}
	ticked := map[string]bool{}
	for _, t := range form["stream"] {
		ticked[t] = true
	}
	for _, tap := range form["shown"] {
		if tap == "" {
			continue
		}
		c, _ := d.Get(tap)
		c.Selected = ticked[tap]
		if m, ok := form["method."+tap]; ok && len(m) > 0 {
			c.Method = m[0]
		}
		if k, ok := form["key."+tap]; ok && len(k) > 0 {
			c.Key = k[0]
		}
		if form.Get("view_keys_shown."+tap) != "" {
			c.ViewKeys = nonEmpty(form["view_key."+tap])
		}
		d.Set(tap, c)
	}
	return f
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// TickMatching ticks (or unticks) every stream matching the query, on every
// page. Views are not ticked: each needs its key columns.
func TickMatching(streams []connect.Stream, d *Draft, q Query, tick bool) int {
	n := 0
	for _, s := range Matching(streams, d, Query{Q: q.Q, OnlySelected: q.OnlySelected}) {
		if tick && IsView(s) {
			continue
		}
		c, _ := d.Get(s.TapStreamID)
		c.Selected = tick
		d.Set(s.TapStreamID, c)
		n++
	}
	return n
}

// SelectAllMatching is Stitch's Select all over the streams matching the
// filter (SELECTION.md): every table and every supported column, replacing
// earlier column choices; views are skipped.
func SelectAllMatching(streams []connect.Stream, d *Draft, q Query) int {
	n := 0
	for _, s := range Matching(streams, d, Query{Q: q.Q, OnlySelected: q.OnlySelected}) {
		if IsView(s) {
			continue
		}
		c, _ := d.Get(s.TapStreamID)
		c.Selected, c.AllColumns, c.Fields = true, true, nil
		d.Set(s.TapStreamID, c)
		n++
	}
	return n
}

// SelectAllCandidates are the streams SelectAllMatching would select whose
// columns must then be read.
func SelectAllCandidates(streams []connect.Stream, d *Draft, q Query) []connect.Stream {
	var out []connect.Stream
	for _, s := range Matching(streams, d, Query{Q: q.Q, OnlySelected: q.OnlySelected}) {
		if !IsView(s) {
			out = append(out, s)
		}
	}
	return out
}

// DecodeStream reads a stream page's submission into a choice.
func DecodeStream(form url.Values, s connect.Stream, sc *Schema) Choice {
	c := Choice{Selected: form.Get("selected") == "true"}
	if s.Metadata.ForcedReplicationMethod == "" {
		c.Method = form.Get("replication_method")
	}
	c.Key = form.Get("replication_key")
	if IsView(s) {
		c.ViewKeys = nonEmpty(form["view_key"])
	}
	checked := map[string]bool{}
	for _, f := range form["field"] {
		checked[f] = true
	}
	c.Fields = map[string]bool{}
	for _, f := range sc.Fields {
		if f.Inclusion == Available {
			c.Fields[f.Name] = checked[f.Name]
		}
	}
	return c
}

// FormValues re-encodes a list submission for a retry button: every value
// but the CSRF token, so sending it again sends the same choices.
func FormValues(form url.Values) [][2]string {
	var out [][2]string
	for k, vs := range form {
		if k == "_csrf" {
			continue
		}
		for _, v := range vs {
			out = append(out, [2]string{k, v})
		}
	}
	sortPairs(out)
	return out
}

func sortPairs(p [][2]string) {
	sort.SliceStable(p, func(i, j int) bool { return p[i][0] < p[j][0] })
}
