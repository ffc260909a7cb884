package selection

import (
	"slices"
	"strings"

	"github.com/onramp/onramp/connect"
)

// FieldRow is one field on a stream's page, as it will be replicated.
type FieldRow struct {
	Name, Type string
	Selected   bool
	// Locked fields cannot be changed here; Reason says why.
	Locked bool
	Reason string
}

// StreamPage is the model of one stream's page: exactly what Stitch will
// replicate once saved (the draft over Stitch's state).
type StreamPage struct {
	TapStreamID, StreamID, Name string
	Selected                    bool
	// Pending is true when the page shows choices not saved yet.
	Pending bool
	// Forced is the method the stream must use, in words ("" = choose).
	Forced  string
	Methods []Option
	Keys    []Option
	// KeyFixed is the replication key Stitch predefines, when there is only one.
	ViewKeys []Option
	Fields   []FieldRow
	// Conflicts is true when some fields cannot be selected together.
	Conflicts bool
	Problems  []ShownProblem
}

// ShownProblem is a problem worded for the page.
type ShownProblem struct {
	// Control names what to fix (Problem.Control).
	Control, Message string
}

// NewStreamPage builds a stream's page from Stitch's stream and schema and
// the user's pending choice, if any, worded by w.
func NewStreamPage(w Words, s connect.Stream, sc *Schema, c Choice, hasChoice bool, problems []Problem) StreamPage {
	w = wordsOr(w)
	if !hasChoice {
		c = Choice{Selected: Selected(s)}
	}
	md := s.Metadata
	p := StreamPage{
		TapStreamID: s.TapStreamID, StreamID: s.StreamID.String(), Name: Label(s),
		Selected: c.Selected, Pending: hasChoice && pending(s, c), Conflicts: sc.HasExclusions(),
	}
	for _, pr := range problems {
		p.Problems = append(p.Problems, ShownProblem{Control: pr.Control, Message: pr.Text(w)})
	}
	method, key := DefaultMethod(s)
	if md.ForcedReplicationMethod != "" {
		p.Forced = MethodName(w, md.ForcedReplicationMethod)
	} else {
		if c.Method != "" {
			method = c.Method
			if c.Method != md.ReplicationMethod {
				key = ""
			}
		}
		for _, m := range []string{FullTable, Incremental} {
			p.Methods = append(p.Methods, Option{Value: m, Label: MethodName(w, m), Checked: m == method})
		}
		if method == LogBased {
			p.Methods = append(p.Methods, Option{Value: LogBased, Label: MethodName(w, LogBased), Checked: true})
		}
	}
	if c.Key != "" {
		key = c.Key
	}
	if method == Incremental || md.ForcedReplicationMethod == "" {
		for _, k := range KeyCandidates(sc, md) {
			p.Keys = append(p.Keys, Option{Value: k, Label: k, Checked: k == key})
		}
	}
	viewKeys := md.ViewKeyProperties
	if len(c.ViewKeys) > 0 {
		viewKeys = c.ViewKeys
	}
	if IsView(s) {
		for _, f := range sc.Fields {
			if f.Inclusion != Unsupported {
				p.ViewKeys = append(p.ViewKeys, Option{Value: f.Name, Label: f.Name, Checked: slices.Contains(viewKeys, f.Name)})
			}
		}
	}
	cols := columnsShown(s, sc, c)
	for _, f := range sc.Fields {
		row := FieldRow{Name: f.Name, Type: firstNonEmpty(f.SQLDatatype, f.Type), Selected: cols[f.Name]}
		switch {
		case f.Inclusion == Automatic:
			row.Selected, row.Locked, row.Reason = true, true, w.T("selection.alwaysReplicated")
		case f.Inclusion == Unsupported:
			row.Selected, row.Locked = false, true
			row.Reason = f.UnsupportedReason // Stitch's own words
			if row.Reason == "" {
				row.Reason = w.T("selection.unsupported")
			}
		case slices.Contains(md.TableKeyProperties, f.Name):
			row.Selected, row.Locked, row.Reason = true, true, w.T("selection.primaryKey")
		case len(f.Exclusions) > 0:
			row.Reason = w.T("selection.excludedWith", "Columns", strings.Join(f.Exclusions, ", "))
		}
		if !c.Selected && f.Inclusion != Automatic {
			row.Selected = row.Selected && hasChoice && c.Fields != nil && c.Fields[f.Name]
		}
		p.Fields = append(p.Fields, row)
	}
	return p
}

// columnsShown are the available columns as they will replicate.
func columnsShown(s connect.Stream, sc *Schema, c Choice) map[string]bool {
	if c.Fields != nil {
		return c.Fields
	}
	if c.Selected && (!Selected(s) || c.AllColumns) {
		cols, _ := TickColumns(sc)
		return cols
	}
	cols := map[string]bool{}
	for _, f := range sc.Fields {
		cols[f.Name] = f.Replicated()
	}
	return cols
}

// BuildStream is the plan of one stream's page (no "at least one stream" rule).
func BuildStream(s connect.Stream, sc *Schema, c Choice) Plan {
	var p Plan
	u, probs, prompt := planStream(s, c, sc)
	p.Problems = probs
	if prompt {
		p.Prompts = []string{s.TapStreamID}
	}
	if u != nil && len(probs) == 0 {
		p.Updates = []connect.StreamMetadataUpdate{*u}
	}
	if c.Selected {
		p.Selected = 1
	}
	return p
}
