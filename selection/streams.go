package selection

import (
	"strings"

	"github.com/onramp/onramp/connect"
)

// Replication methods (API.md §10.4).
const (
	FullTable   = "FULL_TABLE"
	Incremental = "INCREMENTAL"
	LogBased    = "LOG_BASED"
)

// Selected reports whether Stitch has the stream selected.
func Selected(s connect.Stream) bool {
	if s.Selected != nil {
		return *s.Selected
	}
	return s.Metadata.Selected != nil && *s.Metadata.Selected
}

// IsView reports whether the stream is a database view (it needs key columns).
func IsView(s connect.Stream) bool { return s.Metadata.IsView != nil && *s.Metadata.IsView }

// IsDatabase reports whether the stream is a database table or view.
func IsDatabase(s connect.Stream) bool {
	return s.Metadata.IsView != nil || s.Metadata.DatabaseName != ""
}

// Label is the name shown for a stream: schema.table for databases.
func Label(s connect.Stream) string {
	if s.Metadata.SchemaName != "" && s.StreamName != "" {
		return s.Metadata.SchemaName + "." + s.StreamName
	}
	if s.StreamName != "" {
		return s.StreamName
	}
	return s.TapStreamID
}

// NeedsMethod reports whether the user must (or may) choose the stream's
// replication method: it has no forced one.
func NeedsMethod(s connect.Stream) bool { return s.Metadata.ForcedReplicationMethod == "" }

// DefaultMethod is the method a stream without a forced one gets when the user
// does not choose: what it already has; key-based incremental on the first
// valid replication key where Stitch predefines keys (Salesforce); otherwise
// full table, which works for every table.
func DefaultMethod(s connect.Stream) (method, key string) {
	md := s.Metadata
	if md.ForcedReplicationMethod != "" {
		return md.ForcedReplicationMethod, firstNonEmpty(md.ReplicationKey, first(md.ValidReplicationKeys))
	}
	if md.ReplicationMethod != "" {
		return md.ReplicationMethod, md.ReplicationKey
	}
	if len(md.ValidReplicationKeys) > 0 {
		return Incremental, md.ValidReplicationKeys[0]
	}
	return FullTable, ""
}

// MethodName is a method in plain words ("Full table: copy every row on
// each run").
func MethodName(w Words, m string) string {
	switch m {
	case FullTable:
		return wordsOr(w).T("selection.fullTableLong")
	case Incremental:
		return wordsOr(w).T("selection.keyBasedLong")
	case LogBased:
		return wordsOr(w).T("selection.logBasedLong")
	}
	return m
}

// MethodShort is a method in two or three words ("Full table").
func MethodShort(w Words, m string) string {
	switch m {
	case FullTable:
		return wordsOr(w).T("selection.fullTable")
	case Incremental:
		return wordsOr(w).T("selection.keyBased")
	case LogBased:
		return wordsOr(w).T("selection.logBased")
	}
	return m
}

// Detail describes a stream in the list: view, rows, how it replicates
// ("View · 1,234 rows · Incremental on updated_at").
func Detail(w Words, s connect.Stream) string {
	w = wordsOr(w)
	var parts []string
	md := s.Metadata
	if IsView(s) {
		parts = append(parts, w.T("selection.view"))
	}
	if md.RowCount != nil {
		parts = append(parts, w.N("selection.rows", int(*md.RowCount)))
	}
	switch method := firstNonEmpty(md.ForcedReplicationMethod, md.ReplicationMethod); method {
	case Incremental:
		if k := firstNonEmpty(md.ReplicationKey, first(md.ValidReplicationKeys)); k != "" {
			parts = append(parts, w.T("selection.incrementalOn", "Key", k))
		} else {
			parts = append(parts, w.T("selection.incremental"))
		}
	case FullTable, LogBased:
		parts = append(parts, MethodShort(w, method))
	}
	return strings.Join(parts, " · ")
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func first(ss []string) string {
	if len(ss) > 0 {
		return ss[0]
	}
	return ""
}
