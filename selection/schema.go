package selection

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/onramp/onramp/connect"
)

// Inclusion values of field metadata (API.md §10.4).
const (
	Automatic   = "automatic"
	Available   = "available"
	Unsupported = "unsupported"
)

// Field is one top-level field of a stream schema and its metadata.
type Field struct {
	Name string
	// Type is the JSON type in words ("integer", "string", "date-time").
	Type string
	// Keyable fields may be a replication key: integer or date-time.
	Keyable           bool
	Inclusion         string
	Selected          *bool
	SelectedByDefault *bool
	SQLDatatype       string
	UnsupportedReason string
	// Exclusions are the fields that cannot be selected with this one.
	Exclusions []string
}

// Replicated applies the field selection table of API.md §10.5 to the
// field as Stitch holds it.
func (f Field) Replicated() bool { return Replicated(f.Inclusion, f.Selected, f.SelectedByDefault) }

// Replicated is the field selection table of API.md §10.5: automatic always,
// unsupported never, available when selected or selected by default.
func Replicated(inclusion string, selected, byDefault *bool) bool {
	switch inclusion {
	case Automatic:
		return true
	case Available:
		return (selected != nil && *selected) || (byDefault != nil && *byDefault)
	}
	return false
}

// Schema is a stream schema read for selection.
type Schema struct {
	// Stream is the stream-level metadata of the schema.
	Stream connect.StreamMetadata
	// Fields are sorted by name.
	Fields []Field
	byName map[string]int
}

// Field returns the named field.
func (s *Schema) Field(name string) (Field, bool) {
	i, ok := s.byName[name]
	if !ok {
		return Field{}, false
	}
	return s.Fields[i], true
}

// HasExclusions reports whether some fields cannot be selected together.
func (s *Schema) HasExclusions() bool {
	for _, f := range s.Fields {
		if len(f.Exclusions) > 0 {
			return true
		}
	}
	return false
}

// conflicting are the fields named in a fieldExclusions list, or having one.
func (s *Schema) conflicting() map[string]bool {
	if !s.HasExclusions() {
		return nil
	}
	out := map[string]bool{}
	for _, f := range s.Fields {
		if len(f.Exclusions) > 0 {
			out[f.Name] = true
			for _, x := range f.Exclusions {
				out[x] = true
			}
		}
	}
	return out
}

// ParseSchema reads a Stream Schema object (API.md §10.2): field types from
// the JSON Schema, metadata by breadcrumb. A schema that does not parse gives
// the fields its metadata names.
func ParseSchema(ss *connect.StreamSchema) *Schema {
	var js struct {
		Properties map[string]struct {
			Type   any    `json:"type"`
			Format string `json:"format"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(ss.Schema, &js)
	byName := map[string]*Field{}
	for name, p := range js.Properties {
		typ := typeWords(p.Type, p.Format)
		byName[name] = &Field{Name: name, Type: typ, Keyable: strings.Contains(typ, "integer") || typ == "date-time"}
	}
	out := &Schema{byName: map[string]int{}}
	for _, e := range ss.Metadata {
		if len(e.Breadcrumb) == 0 {
			out.Stream = streamMetadata(e.Metadata)
			continue
		}
		if len(e.Breadcrumb) != 2 || e.Breadcrumb[0] != "properties" {
			continue
		}
		f, ok := byName[e.Breadcrumb[1]]
		if !ok {
			f = &Field{Name: e.Breadcrumb[1]}
			byName[f.Name] = f
		}
		md := e.Metadata
		f.Inclusion = str(md, "inclusion")
		f.Selected, f.SelectedByDefault = boolPtr(md, "selected"), boolPtr(md, "selected-by-default")
		f.SQLDatatype, f.UnsupportedReason = str(md, "sql-datatype"), str(md, "unsupported-description")
		if list, ok := md["fieldExclusions"].([]any); ok {
			for _, x := range list {
				if crumb, ok := x.([]any); ok && len(crumb) == 2 && crumb[0] == "properties" {
					if name, ok := crumb[1].(string); ok {
						f.Exclusions = append(f.Exclusions, name)
					}
				}
			}
		}
	}
	for _, f := range byName {
		out.Fields = append(out.Fields, *f)
	}
	sort.Slice(out.Fields, func(i, j int) bool { return out.Fields[i].Name < out.Fields[j].Name })
	for i, f := range out.Fields {
		out.byName[f.Name] = i
	}
	return out
}

func typeWords(t any, format string) string {
	if format == "date-time" || format == "timestamp" {
		return "date-time"
	}
	var types []string
	switch v := t.(type) {
	case string:
		types = []string{v}
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok && s != "null" {
				types = append(types, s)
			}
		}
	}
	return strings.Join(types, " or ")
}

// TickColumns are the columns a stream replicates when the user ticks it
// (SELECTION.md): every available column, except that columns involved in a
// fieldExclusions conflict keep what Stitch holds; prompt is true then, and
// the user should choose them on the stream's page. The result maps every
// available field to whether it is selected.
func TickColumns(s *Schema) (cols map[string]bool, prompt bool) {
	conflict := s.conflicting()
	cols = make(map[string]bool, len(s.Fields))
	for _, f := range s.Fields {
		if f.Inclusion != Available {
			continue
		}
		if conflict[f.Name] {
			cols[f.Name] = f.Replicated()
			prompt = true
			continue
		}
		cols[f.Name] = true
	}
	return cols, prompt
}

// KeyCandidates are the fields that may be the replication key: the stream's
// valid-replication-keys when Stitch predefines them, otherwise its
// integer and date-time fields that can be replicated.
func KeyCandidates(s *Schema, st connect.StreamMetadata) []string {
	if len(st.ValidReplicationKeys) > 0 {
		return st.ValidReplicationKeys
	}
	if len(s.Stream.ValidReplicationKeys) > 0 {
		return s.Stream.ValidReplicationKeys
	}
	var out []string
	for _, f := range s.Fields {
		if f.Keyable && f.Inclusion != Unsupported {
			out = append(out, f.Name)
		}
	}
	return out
}

// The metadata of a schema arrives as generic JSON values; these read it
// without a round trip through encoding/json (a schema per stream adds up).

func str(m map[string]any, k string) string {
	v, _ := m[k].(string)
	return v
}

func boolPtr(m map[string]any, k string) *bool {
	if v, ok := m[k].(bool); ok {
		return &v
	}
	return nil
}

func strs(m map[string]any, k string) []string {
	list, ok := m[k].([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		if v, ok := x.(string); ok {
			out = append(out, v)
		}
	}
	return out
}

func streamMetadata(m map[string]any) connect.StreamMetadata {
	md := connect.StreamMetadata{
		Selected:                boolPtr(m, "selected"),
		ReplicationMethod:       str(m, "replication-method"),
		ReplicationKey:          str(m, "replication-key"),
		ViewKeyProperties:       strs(m, "view-key-properties"),
		ForcedReplicationMethod: str(m, "forced-replication-method"),
		TableKeyProperties:      strs(m, "table-key-properties"),
		ValidReplicationKeys:    strs(m, "valid-replication-keys"),
		IsView:                  boolPtr(m, "is-view"),
		DatabaseName:            str(m, "database-name"),
		SchemaName:              str(m, "schema-name"),
	}
	return md
}
