package selection

import (
	"strconv"
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

// MethodName is a method in plain words.
func MethodName(m string) string {
	switch m {
	case FullTable:
		return "Full table: copy every row on each run"
	case Incremental:
		return "Key-based incremental: copy new and updated rows"
	case LogBased:
		return "Log-based incremental: read changes from the database log"
	}
	return m
}

// MethodShort is a method in two or three words.
func MethodShort(m string) string {
	switch m {
	case FullTable:
		return "Full table"
	case Incremental:
		return "Key-based incremental"
	case LogBased:
		return "Log-based"
	}
	return m
}

// Detail describes a stream in the list: view, rows, how it replicates.
func Detail(s connect.Stream) string {
	var parts []string
	md := s.Metadata
	if IsView(s) {
		parts = append(parts, "View")
	}
	if md.RowCount != nil {
		parts = append(parts, GroupDigits(*md.RowCount)+" rows")
	}
	switch method := firstNonEmpty(md.ForcedReplicationMethod, md.ReplicationMethod); method {
	case Incremental:
		t := "Incremental"
		if k := firstNonEmpty(md.ReplicationKey, first(md.ValidReplicationKeys)); k != "" {
			t += " on " + k
		}
		parts = append(parts, t)
	case FullTable:
		parts = append(parts, "Full table")
	case LogBased:
		parts = append(parts, "Log-based")
	}
	return strings.Join(parts, " · ")
}

// GroupDigits writes 2204117 as 2,204,117.
func GroupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// Plural writes "1 stream" or "3 streams".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return GroupDigits(int64(n)) + " " + many
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
