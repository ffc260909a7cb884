package selection

import (
	"slices"
	"sort"

	"github.com/onramp/onramp/connect"
)

// Problem is a choice Stitch would refuse, or that could not replicate. Its
// words are a catalog message (Text words it for the page).
type Problem struct {
	// TapStreamID is the stream; "" is the whole selection.
	TapStreamID string
	// Control names what to fix: "method", "key", "view_keys", "fields" or "".
	Control string
	// ID is the message that explains it; Data are its values as name,
	// value pairs (the stream's name, a column).
	ID   string
	Data []any
}

// Plan is what saving a draft sends to Stitch.
type Plan struct {
	Updates  []connect.StreamMetadataUpdate
	Problems []Problem
	// Selected counts the streams selected once the plan is saved.
	Selected int
	// Prompts are ticked streams whose columns conflict (fieldExclusions):
	// the user should choose their columns on the stream's page.
	Prompts []string
	// Conflicts are streams whose schema has fieldExclusions.
	Conflicts []string
}

// OK reports whether the plan may be sent.
func (p Plan) OK() bool { return len(p.Problems) == 0 }

// NeedsSchema lists the streams of the draft whose update needs their
// schema: those whose columns must be chosen now (newly ticked, or Select
// all), or whose keys change without explicit columns. Others need none.
func NeedsSchema(streams []connect.Stream, d *Draft) []connect.Stream {
	var out []connect.Stream
	for _, s := range streams {
		c, ok := d.Get(s.TapStreamID)
		if ok && needsSchema(s, c) {
			out = append(out, s)
		}
	}
	return out
}

func needsSchema(s connect.Stream, c Choice) bool {
	if !c.Selected || c.Fields != nil {
		return false
	}
	return !Selected(s) || c.AllColumns || c.Key != "" || len(c.ViewKeys) > 0
}

// Build turns a draft into metadata updates for the streams whose wanted
// state differs from Stitch's, following API.md §10.3–10.5. schemas holds
// the schemas of NeedsSchema by tap_stream_id.
func Build(streams []connect.Stream, d *Draft, schemas map[string]*Schema) Plan {
	var p Plan
	for _, s := range streams {
		c, ok := d.Get(s.TapStreamID)
		if !ok {
			if Selected(s) {
				p.Selected++
			}
			continue
		}
		if c.Selected {
			p.Selected++
		}
		u, probs, prompt := planStream(s, c, schemas[s.TapStreamID])
		p.Problems = append(p.Problems, probs...)
		if prompt {
			p.Prompts = append(p.Prompts, s.TapStreamID)
		}
		if sc := schemas[s.TapStreamID]; sc != nil && sc.HasExclusions() {
			p.Conflicts = append(p.Conflicts, s.TapStreamID)
		}
		if u != nil && len(probs) == 0 {
			p.Updates = append(p.Updates, *u)
		}
	}
	if p.Selected == 0 {
		p.Problems = append(p.Problems, Problem{ID: "selection.needOne"})
	}
	return p
}

// planStream is the update of one stream, or nil when nothing changes.
func planStream(s connect.Stream, c Choice, sc *Schema) (*connect.StreamMetadataUpdate, []Problem, bool) {
	was := Selected(s)
	if !c.Selected {
		if !was {
			return nil, nil, false
		}
		return streamUpdate(s.TapStreamID, map[string]any{"selected": false}, nil), nil, false
	}
	md := map[string]any{}
	if !was {
		md["selected"] = true
	}
	var probs []Problem
	name := Label(s)
	problem := func(control, id string, kv ...any) {
		probs = append(probs, Problem{TapStreamID: s.TapStreamID, Control: control, ID: id, Data: append([]any{"Name", name}, kv...)})
	}
	cur := s.Metadata

	// Replication method and key (§10.4–10.5).
	method, key := DefaultMethod(s)
	if cur.ForcedReplicationMethod == "" && c.Method != "" {
		method = c.Method
		if c.Method != cur.ReplicationMethod {
			key = ""
		}
	}
	if c.Key != "" {
		key = c.Key
	}
	switch method {
	case FullTable, Incremental:
	case LogBased:
		if !IsDatabase(s) {
			problem("method", "selection.logBasedOnlyDatabases")
		}
	default:
		problem("method", "selection.chooseMethod")
	}
	if cur.ForcedReplicationMethod == "" && method != cur.ReplicationMethod {
		md["replication-method"] = method
	}
	needsKey := method == Incremental && (cur.ForcedReplicationMethod == "" || len(cur.ValidReplicationKeys) > 0)
	if method == Incremental {
		candidates := cur.ValidReplicationKeys
		if len(candidates) == 0 && sc != nil {
			candidates = KeyCandidates(sc, cur)
		}
		switch {
		case key == "" && needsKey:
			problem("key", "selection.chooseKey")
		case key != "" && candidates != nil && !slices.Contains(candidates, key):
			problem("key", "selection.badKey", "Key", key)
		}
		if key != "" && key != cur.ReplicationKey {
			md["replication-key"] = key
		}
	}

	// A view's key columns must be supplied when it is selected.
	viewKeys := cur.ViewKeyProperties
	if IsView(s) {
		if len(c.ViewKeys) > 0 {
			viewKeys = c.ViewKeys
		}
		if len(viewKeys) == 0 {
			problem("view_keys", "selection.chooseViewKeys")
		} else if !slices.Equal(viewKeys, cur.ViewKeyProperties) {
			md["view-key-properties"] = viewKeys
		}
	}

	// Columns.
	var cols map[string]bool
	prompt := false
	switch {
	case c.Fields != nil:
		cols = maps2(c.Fields)
	case !was || c.AllColumns:
		if sc == nil {
			problem("fields", "selection.columnsUnread")
			break
		}
		cols, prompt = TickColumns(sc)
	}
	// Keys must be replicated (§10.5): include them where they are optional.
	if cols != nil {
		must := append(slices.Clone(cur.TableKeyProperties), viewKeys...)
		if method == Incremental && key != "" {
			must = append(must, key)
		}
		for _, k := range must {
			if _, avail := cols[k]; avail {
				cols[k] = true
			} else if sc != nil {
				if f, ok := sc.Field(k); ok && f.Inclusion == Unsupported {
					problem("fields", "selection.keyUnsupported", "Column", k)
				}
			}
		}
		if sc != nil && c.Fields != nil {
			for _, f := range sc.Fields {
				for _, x := range f.Exclusions {
					if cols[f.Name] && cols[x] && f.Name < x {
						problem("fields", "selection.notTogether", "Column", f.Name, "Other", x)
					}
				}
			}
		}
		if sc != nil && !hasAutomatic(sc) && !anyTrue(cols) {
			problem("fields", "selection.chooseColumn")
		}
	}
	var fields []connect.MetadataEntry
	names := make([]string, 0, len(cols))
	for n := range cols {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := cols[n]
		fields = append(fields, connect.MetadataEntry{Breadcrumb: []string{"properties", n}, Metadata: map[string]any{"selected": v}})
	}
	if len(md) == 0 && len(fields) == 0 {
		return nil, probs, prompt
	}
	return streamUpdate(s.TapStreamID, md, fields), probs, prompt
}

func hasAutomatic(sc *Schema) bool {
	for _, f := range sc.Fields {
		if f.Inclusion == Automatic {
			return true
		}
	}
	return false
}

func anyTrue(m map[string]bool) bool {
	for _, v := range m {
		if v {
			return true
		}
	}
	return false
}

func maps2(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func streamUpdate(tap string, md map[string]any, fields []connect.MetadataEntry) *connect.StreamMetadataUpdate {
	u := &connect.StreamMetadataUpdate{TapStreamID: tap}
	if len(md) > 0 {
		u.Metadata = append(u.Metadata, connect.MetadataEntry{Breadcrumb: []string{}, Metadata: md})
	}
	u.Metadata = append(u.Metadata, fields...)
	return u
}

// Chunks splits updates into requests of at most maxStreams streams and
// about maxEntries metadata entries, so a large selection is sent in
// bodies of a reasonable size. A stream is never split across requests.
func Chunks(updates []connect.StreamMetadataUpdate, maxStreams, maxEntries int) [][]connect.StreamMetadataUpdate {
	var out [][]connect.StreamMetadataUpdate
	var cur []connect.StreamMetadataUpdate
	entries := 0
	for _, u := range updates {
		if len(cur) > 0 && (len(cur) >= maxStreams || entries+len(u.Metadata) > maxEntries) {
			out = append(out, cur)
			cur, entries = nil, 0
		}
		cur = append(cur, u)
		entries += len(u.Metadata)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}
