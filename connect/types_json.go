package connect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// UnmarshalJSON decodes the wire form, where schema is a JSON-encoded string.
// A schema sent as an object is accepted too; an empty or null one leaves
// Schema nil.
func (s *StreamSchema) UnmarshalJSON(b []byte) error {
	type plain StreamSchema
	var wire struct {
		plain
		Schema json.RawMessage `json:"schema"`
	}
	if err := json.Unmarshal(b, &wire); err != nil {
		return err
	}
	schema, err := decodeSchemaField(wire.Schema)
	if err != nil {
		return err
	}
	*s = StreamSchema(wire.plain)
	s.Schema = schema
	return nil
}

func decodeSchemaField(raw json.RawMessage) (json.RawMessage, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] != '"' {
		return bytes.Clone(raw), nil
	}
	var str string
	if err := json.Unmarshal(raw, &str); err != nil {
		return nil, fmt.Errorf("stream schema: %w", err)
	}
	str = strings.TrimSpace(str)
	if str == "" {
		return nil, nil
	}
	if !json.Valid([]byte(str)) {
		return nil, fmt.Errorf("stream schema: schema string is not valid JSON")
	}
	return json.RawMessage(str), nil
}

// MarshalJSON encodes the wire form, with schema as a JSON-encoded string.
func (s StreamSchema) MarshalJSON() ([]byte, error) {
	type plain StreamSchema
	wire := struct {
		Schema *string `json:"schema"`
		plain
	}{plain: plain(s)}
	if len(s.Schema) > 0 {
		var compact bytes.Buffer
		if err := json.Compact(&compact, s.Schema); err != nil {
			return nil, fmt.Errorf("stream schema: %w", err)
		}
		str := compact.String()
		wire.Schema = &str
	}
	return json.Marshal(wire)
}

// UnmarshalJSON decodes the known keys into fields and keeps the others in
// Extra. It reads the object once and decodes each value where it belongs:
// a stream list carries thousands of these, so no reflection per call.
func (m *StreamMetadata) UnmarshalJSON(b []byte) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	var p StreamMetadata
	for k, v := range all {
		var err error
		switch k {
		case "selected":
			err = json.Unmarshal(v, &p.Selected)
		case "replication-method":
			err = json.Unmarshal(v, &p.ReplicationMethod)
		case "replication-key":
			err = json.Unmarshal(v, &p.ReplicationKey)
		case "view-key-properties":
			err = json.Unmarshal(v, &p.ViewKeyProperties)
		case "forced-replication-method":
			err = json.Unmarshal(v, &p.ForcedReplicationMethod)
		case "table-key-properties":
			err = json.Unmarshal(v, &p.TableKeyProperties)
		case "valid-replication-keys":
			err = json.Unmarshal(v, &p.ValidReplicationKeys)
		case "is-view":
			err = json.Unmarshal(v, &p.IsView)
		case "database-name":
			err = json.Unmarshal(v, &p.DatabaseName)
		case "schema-name":
			err = json.Unmarshal(v, &p.SchemaName)
		case "row-count":
			err = json.Unmarshal(v, &p.RowCount)
		case "inclusion":
			err = json.Unmarshal(v, &p.Inclusion)
		default:
			if p.Extra == nil {
				p.Extra = map[string]json.RawMessage{}
			}
			p.Extra[k] = v
			continue
		}
		if err != nil {
			return fmt.Errorf("stream metadata %q: %w", k, err)
		}
	}
	*m = p
	return nil
}

// MarshalJSON encodes the fields plus the keys kept in Extra.
func (m StreamMetadata) MarshalJSON() ([]byte, error) {
	type plain StreamMetadata
	b, err := json.Marshal(plain(m))
	if err != nil || len(m.Extra) == 0 {
		return b, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, err
	}
	for k, v := range m.Extra {
		if _, ok := all[k]; !ok {
			all[k] = v
		}
	}
	return json.Marshal(all)
}

// IsStream reports whether the entry is the stream-level one (breadcrumb []).
func (e MetadataEntry) IsStream() bool { return len(e.Breadcrumb) == 0 }

// FieldName returns the top-level field an entry describes
// (breadcrumb ["properties", NAME]), or "" for any other breadcrumb.
func (e MetadataEntry) FieldName() string {
	if len(e.Breadcrumb) == 2 && e.Breadcrumb[0] == "properties" {
		return e.Breadcrumb[1]
	}
	return ""
}

// Field reads the entry's metadata as field-level metadata.
func (e MetadataEntry) Field() (FieldMetadata, error) {
	var f FieldMetadata
	if err := remarshal(e.Metadata, &f); err != nil {
		return f, fmt.Errorf("field metadata %v: %w", e.Breadcrumb, err)
	}
	return f, nil
}

// Stream reads the entry's metadata as stream-level metadata.
func (e MetadataEntry) Stream() (StreamMetadata, error) {
	var m StreamMetadata
	if err := remarshal(e.Metadata, &m); err != nil {
		return m, fmt.Errorf("stream metadata: %w", err)
	}
	return m, nil
}

// Entry returns the metadata entry with the given breadcrumb (none for the
// stream itself, "properties", NAME for a field).
func (s StreamSchema) Entry(breadcrumb ...string) (MetadataEntry, bool) {
	for _, e := range s.Metadata {
		if slices.Equal(e.Breadcrumb, breadcrumb) {
			return e, true
		}
	}
	return MetadataEntry{}, false
}

func remarshal(in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

// MarshalJSON writes an empty breadcrumb as [] (the stream) and empty
// metadata as {}, never null, which the API would reject.
func (e MetadataEntry) MarshalJSON() ([]byte, error) {
	type plain MetadataEntry
	p := plain(e)
	if p.Breadcrumb == nil {
		p.Breadcrumb = []string{}
	}
	if p.Metadata == nil {
		p.Metadata = map[string]any{}
	}
	return json.Marshal(p)
}
