package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// maxManyStreams caps the "many_N" sandbox database.
const maxManyStreams = 5000

// msgStreamsBody is the bare-string error of a malformed metadata update.
const msgStreamsBody = "body must contain a 'streams' property with a list of metadatas by tap_stream_id"

// nonDiscoverable are the metadata keys a client may write (§10.2).
var nonDiscoverable = []string{"selected", "replication-method", "replication-key", "view-key-properties"}

var manyRe = regexp.MustCompile(`^many_(\d+)$`)

// stream is one discovered stream of a source and its selection.
type stream struct {
	id         int64
	tap        string
	def        *StreamDef
	db, schema string
	database   bool
	selected   *bool
	method     string
	key        string
	viewKeys   []string
	fields     map[string]*bool
	// fieldsSent is set while an update that selects fields is checked.
	fieldsSent bool
}

func (st *stream) field(name string) *FieldDef {
	for i := range st.def.Fields {
		if st.def.Fields[i].Name == name {
			return &st.def.Fields[i]
		}
	}
	return nil
}

// databaseName is the database a database source connects to.
func databaseName(values map[string]any) string {
	return firstNonEmpty(stringValue(values, "database"), stringValue(values, "dbname"))
}

// discover materialises the streams a successful check found. Selections
// survive re-discovery unless the database changed.
func (s *Server) discover(src *source) {
	isDB := src.t.Kind == "database"
	db := ""
	if isDB {
		db = databaseName(src.values)
	}
	if src.byTap != nil && src.streamsFor == db {
		return
	}
	defs := src.t.Streams
	if m := manyRe.FindStringSubmatch(db); isDB && m != nil {
		n, _ := strconv.Atoi(m[1])
		defs = manyStreams(min(n, maxManyStreams))
	}
	src.streams, src.streamsFor = nil, db
	src.byTap, src.byID = map[string]*stream{}, map[int64]*stream{}
	for i := range defs {
		d := &defs[i]
		s.st.nextStream++
		st := &stream{id: s.st.nextStream, def: d, tap: d.TapStreamID, database: isDB, fields: map[string]*bool{}}
		if isDB {
			st.db, st.schema = db, d.SchemaName
			if st.db == "" {
				st.db = firstNonEmpty(d.SchemaName, "emulator")
			}
			parts := []string{st.db}
			if d.SchemaName != "" && d.SchemaName != st.db && !strings.HasPrefix(d.TapStreamID, d.SchemaName+"-") {
				parts = append(parts, d.SchemaName)
			}
			st.tap = strings.Join(append(parts, d.TapStreamID), "-")
		}
		src.streams = append(src.streams, st)
		src.byTap[st.tap] = st
		src.byID[st.id] = st
	}
}

// manyStreams generates n similar tables for the "many_N" sandbox database.
func manyStreams(n int) []StreamDef {
	yes := true
	fields := []FieldDef{
		{Name: "id", Schema: json.RawMessage(`{"type":["integer"],"minimum":-2147483648,"maximum":2147483647}`), Inclusion: "automatic", SelectedByDefault: &yes, SQLDatatype: "integer"},
		{Name: "name", Schema: json.RawMessage(`{"type":["null","string"]}`), Inclusion: "available", SelectedByDefault: &yes, SQLDatatype: "text"},
		{Name: "amount", Schema: json.RawMessage(`{"type":["null","number"]}`), Inclusion: "available", SelectedByDefault: &yes, SQLDatatype: "numeric"},
		{Name: "updated_at", Schema: json.RawMessage(`{"type":["null","string"],"format":"date-time"}`), Inclusion: "available", SelectedByDefault: &yes, SQLDatatype: "timestamp with time zone"},
	}
	out := make([]StreamDef, n)
	for i := range out {
		name := fmt.Sprintf("table_%05d", i+1)
		out[i] = StreamDef{TapStreamID: "public-" + name, StreamName: name, SchemaName: "public",
			KeyProperties: []string{"id"}, RowCount: int64((i * 7919) % 100000), Fields: fields}
	}
	return out
}

// fieldReplicated applies the field selection table of §10.5.
func fieldReplicated(f *FieldDef, sel *bool) bool {
	switch f.Inclusion {
	case "automatic":
		return true
	case "available":
		return (sel != nil && *sel) || (f.SelectedByDefault != nil && *f.SelectedByDefault)
	}
	return false
}

// anyReplicated reports whether at least one selected stream replicates at
// least one field (field_selection is then complete).
func anyReplicated(src *source) bool {
	for _, st := range src.streams {
		if st.selected == nil || !*st.selected {
			continue
		}
		for i := range st.def.Fields {
			if fieldReplicated(&st.def.Fields[i], st.fields[st.def.Fields[i].Name]) {
				return true
			}
		}
	}
	return false
}

// streamMeta is the stream-level metadata; selected is included when set
// or when withNil (the stream list always shows it).
func streamMeta(st *stream, withNil bool) map[string]any {
	d := st.def
	m := map[string]any{}
	keys := d.KeyProperties
	if keys == nil {
		keys = []string{}
	}
	m["table-key-properties"] = keys
	if d.ForcedReplicationMethod != "" {
		m["forced-replication-method"] = d.ForcedReplicationMethod
	}
	if len(d.ValidReplicationKeys) > 0 {
		m["valid-replication-keys"] = d.ValidReplicationKeys
	}
	if st.database {
		m["database-name"], m["schema-name"], m["row-count"], m["is-view"] = st.db, st.schema, d.RowCount, d.IsView
	}
	for k, v := range d.Extra {
		m[k] = v
	}
	if st.method != "" {
		m["replication-method"] = st.method
	}
	if st.key != "" {
		m["replication-key"] = st.key
	}
	if st.viewKeys != nil {
		m["view-key-properties"] = st.viewKeys
	}
	if st.selected != nil || withNil {
		m["selected"] = st.selected
	}
	return m
}

func fieldMeta(st *stream, f *FieldDef) map[string]any {
	m := map[string]any{"inclusion": f.Inclusion}
	for k, v := range f.Extra {
		m[k] = v
	}
	if f.SelectedByDefault != nil {
		m["selected-by-default"] = *f.SelectedByDefault
	}
	if f.SQLDatatype != "" {
		m["sql-datatype"] = f.SQLDatatype
	}
	if f.UnsupportedReason != "" {
		m["unsupported-description"] = f.UnsupportedReason
	}
	if len(f.Exclusions) > 0 {
		ex := make([][]string, 0, len(f.Exclusions))
		for _, x := range f.Exclusions {
			ex = append(ex, []string{"properties", x})
		}
		m["fieldExclusions"] = ex
	}
	if st.selected != nil && *st.selected {
		sel := false
		if v := st.fields[f.Name]; v != nil {
			sel = *v
		}
		m["selected"] = sel
	}
	return m
}

// streamSchemaText renders the stream's JSON Schema as the string the API sends.
func streamSchemaText(d *StreamDef) string {
	var b bytes.Buffer
	b.WriteString(`{"type":"object","properties":{`)
	for i, f := range d.Fields {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(f.Name)
		b.Write(name)
		b.WriteByte(':')
		var c bytes.Buffer
		if len(f.Schema) == 0 || json.Compact(&c, f.Schema) != nil {
			c.Reset()
			c.WriteString("{}")
		}
		b.Write(c.Bytes())
	}
	b.WriteString(`}}`)
	return b.String()
}

type streamJSON struct {
	StreamID    int64          `json:"stream_id"`
	TapStreamID string         `json:"tap_stream_id"`
	StreamName  string         `json:"stream_name"`
	Selected    *bool          `json:"selected"`
	Metadata    map[string]any `json:"metadata"`
}

type metadataJSON struct {
	Breadcrumb []string       `json:"breadcrumb"`
	Metadata   map[string]any `json:"metadata"`
}

type streamSchemaJSON struct {
	Schema          string         `json:"schema"`
	Metadata        []metadataJSON `json:"metadata"`
	NonDiscoverable []string       `json:"non-discoverable-metadata-keys"`
}

// listStreams answers GET /v4/sources/{id}/streams ([] before discovery).
func (s *Server) listStreams(w http.ResponseWriter, r *http.Request, acct int64) {
	s.mu.Lock()
	src := s.pathSource(r, acct)
	if src == nil {
		s.mu.Unlock()
		writeString(w, http.StatusBadRequest, "invalid stream-id: "+r.PathValue("id"))
		return
	}
	out := make([]streamJSON, 0, len(src.streams))
	for _, st := range src.streams {
		out = append(out, streamJSON{StreamID: st.id, TapStreamID: st.tap, StreamName: st.def.StreamName, Selected: st.selected, Metadata: streamMeta(st, true)})
	}
	s.mu.Unlock()
	// Encoded outside the lock: the answer holds copies only.
	writeJSON(w, http.StatusOK, out)
}

// getStreamSchema answers GET /v4/sources/{id}/streams/{stream}.
func (s *Server) getStreamSchema(w http.ResponseWriter, r *http.Request, acct int64) {
	s.mu.Lock()
	src := s.pathSource(r, acct)
	var st *stream
	if src != nil {
		sid, _ := strconv.ParseInt(r.PathValue("stream"), 10, 64)
		st = src.byID[sid]
	}
	if st == nil {
		s.mu.Unlock()
		writeString(w, http.StatusBadRequest, "invalid stream-id: "+r.PathValue("stream"))
		return
	}
	out := schemaOf(st)
	s.mu.Unlock()
	// Encoded outside the lock: the answer holds encoded copies only.
	writeJSON(w, http.StatusOK, out)
}

// schemaOf builds the Stream Schema object of a stream (under the lock).
func schemaOf(st *stream) streamSchemaRaw {
	out := streamSchemaRaw{Schema: streamSchemaText(st.def), NonDiscoverable: nonDiscoverable}
	sm, _ := json.Marshal(streamMeta(st, false))
	out.Metadata = append(out.Metadata, metadataRaw{Breadcrumb: []string{}, Metadata: sm})
	for i := range st.def.Fields {
		f := &st.def.Fields[i]
		out.Metadata = append(out.Metadata, metadataRaw{Breadcrumb: []string{"properties", f.Name}, Metadata: fieldMetaJSON(st, f)})
	}
	return out
}

// streamSchemaRaw is a Stream Schema object whose metadata is already encoded.
type streamSchemaRaw struct {
	Schema          string        `json:"schema"`
	Metadata        []metadataRaw `json:"metadata"`
	NonDiscoverable []string      `json:"non-discoverable-metadata-keys"`
}

type metadataRaw struct {
	Breadcrumb []string        `json:"breadcrumb"`
	Metadata   json.RawMessage `json:"metadata"`
}

// fieldMetaJSON encodes fieldMeta by hand: a source with thousands of
// streams is asked for thousands of schemas, and reflection over a map per
// field is most of their cost. Fields with extra keys use fieldMeta.
func fieldMetaJSON(st *stream, f *FieldDef) json.RawMessage {
	if len(f.Extra) > 0 {
		b, _ := json.Marshal(fieldMeta(st, f))
		return b
	}
	b := make([]byte, 0, 96)
	b = append(b, `{"inclusion":`...)
	b = appendJSONString(b, f.Inclusion)
	if f.SelectedByDefault != nil {
		b = append(b, `,"selected-by-default":`...)
		b = strconv.AppendBool(b, *f.SelectedByDefault)
	}
	if f.SQLDatatype != "" {
		b = append(b, `,"sql-datatype":`...)
		b = appendJSONString(b, f.SQLDatatype)
	}
	if f.UnsupportedReason != "" {
		b = append(b, `,"unsupported-description":`...)
		b = appendJSONString(b, f.UnsupportedReason)
	}
	if len(f.Exclusions) > 0 {
		b = append(b, `,"fieldExclusions":[`...)
		for i, x := range f.Exclusions {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `["properties",`...)
			b = appendJSONString(b, x)
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	if st.selected != nil && *st.selected {
		sel := false
		if v := st.fields[f.Name]; v != nil {
			sel = *v
		}
		b = append(b, `,"selected":`...)
		b = strconv.AppendBool(b, sel)
	}
	return append(b, '}')
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s)
	return append(b, q...)
}

// metadataUpdate is one parsed entry of PUT …/streams/metadata.
type metadataUpdate struct {
	tap     string // "" when missing
	entries []metadataJSON
}

// parseMetadataBody checks the body's structure; ok is false when the
// bare-string error applies.
func parseMetadataBody(body map[string]any) ([]metadataUpdate, bool) {
	list, ok := body["streams"].([]any)
	if !ok {
		return nil, false
	}
	var out []metadataUpdate
	for _, item := range list {
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, false
		}
		entries, ok := obj["metadata"].([]any)
		if !ok {
			return nil, false
		}
		u := metadataUpdate{}
		u.tap, _ = obj["tap_stream_id"].(string)
		for _, e := range entries {
			eo, ok := e.(map[string]any)
			if !ok {
				return nil, false
			}
			crumbs, ok1 := eo["breadcrumb"].([]any)
			meta, ok2 := eo["metadata"].(map[string]any)
			if !ok1 || !ok2 {
				return nil, false
			}
			me := metadataJSON{Breadcrumb: []string{}, Metadata: meta}
			for _, c := range crumbs {
				cs, ok := c.(string)
				if !ok {
					return nil, false
				}
				me.Breadcrumb = append(me.Breadcrumb, cs)
			}
			u.entries = append(u.entries, me)
		}
		out = append(out, u)
	}
	return out, true
}

func invalidFields(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"invalid_fields": msg})
}

// updateMetadata answers PUT /v4/sources/{id}/streams/metadata.
func (s *Server) updateMetadata(w http.ResponseWriter, r *http.Request, acct int64) {
	body, err := decodeObject(r)
	var updates []metadataUpdate
	ok := err == nil
	if ok {
		updates, ok = parseMetadataBody(body)
	}
	if !ok {
		writeString(w, http.StatusBadRequest, msgStreamsBody)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.pathSource(r, acct)
	if src == nil || src.deleted != nil {
		writeString(w, http.StatusBadRequest, "invalid stream-id: "+r.PathValue("id"))
		return
	}
	var badTaps []string
	badKeys := map[string]bool{}
	for _, u := range updates {
		switch {
		case u.tap == "":
			badTaps = append(badTaps, "nil")
		case src.byTap[u.tap] == nil:
			badTaps = append(badTaps, u.tap)
		}
		for _, e := range u.entries {
			for k := range e.Metadata {
				if !slices.Contains(nonDiscoverable, k) {
					badKeys[k] = true
				}
			}
		}
	}
	if len(badTaps) > 0 {
		invalidFields(w, "invalid tap-stream-ids:  ["+strings.Join(badTaps, " ")+"]")
		return
	}
	if len(badKeys) > 0 {
		keys := make([]string, 0, len(badKeys))
		for k := range badKeys {
			keys = append(keys, strconv.Quote(k))
		}
		sort.Strings(keys)
		invalidFields(w, "only non-discoverable metadata can be produced by the UI: #{"+strings.Join(keys, " ")+"}")
		return
	}
	if step := card(src.t, true, s.sourceState(src)).CurrentStepType; step != stepFieldSelection && step != stepDone {
		invalidFields(w, "streams can only be selected when the source is at the field_selection or fully_configured step (it is at "+step+")")
		return
	}
	staged := map[*stream]*stream{}
	for _, u := range updates {
		st := src.byTap[u.tap]
		next, ok := staged[st]
		if !ok {
			next = cloneStream(st)
			staged[st] = next
		}
		if msg := applyMetadata(next, u.entries, src.t.Kind == "database"); msg != "" {
			invalidFields(w, msg)
			return
		}
	}
	for _, next := range staged {
		if msg := checkReplication(next); msg != "" {
			invalidFields(w, msg)
			return
		}
	}
	for orig, next := range staged {
		next.fieldsSent = false
		*orig = *next
	}
	s.maybeStartExtraction(src) // a first selection completes the set-up
	writeJSON(w, http.StatusOK, map[string]int{"status": 200})
}

func cloneStream(st *stream) *stream {
	c := *st
	c.fields = make(map[string]*bool, len(st.fields))
	for k, v := range st.fields {
		c.fields[k] = v
	}
	c.viewKeys = slices.Clone(st.viewKeys)
	return &c
}

// applyMetadata applies one stream's metadata entries to st and returns an
// invalid_fields message when one is not acceptable.
func applyMetadata(st *stream, entries []metadataJSON, database bool) string {
	for _, e := range entries {
		switch {
		case len(e.Breadcrumb) == 0:
			if msg := applyStreamMeta(st, e.Metadata, database); msg != "" {
				return msg
			}
		case len(e.Breadcrumb) == 2 && e.Breadcrumb[0] == "properties" && st.field(e.Breadcrumb[1]) != nil:
			f := st.field(e.Breadcrumb[1])
			for k := range e.Metadata {
				if k != "selected" {
					return fmt.Sprintf("only selected can be set on a field (%s of %s)", k, st.tap)
				}
			}
			v, sent := e.Metadata["selected"]
			if !sent {
				continue
			}
			b, ok := v.(bool)
			if v != nil && !ok {
				return fmt.Sprintf("invalid value for selected of %s: %v", f.Name, v)
			}
			if ok && b && f.Inclusion == "unsupported" {
				return "Unsupported fields cannot be selected by default"
			}
			if v == nil {
				delete(st.fields, f.Name)
			} else {
				st.fields[f.Name] = &b
			}
			if ok && b {
				st.fieldsSent = true
			}
		default:
			return fmt.Sprintf("invalid breadcrumb for %s: [%s]", st.tap, strings.Join(e.Breadcrumb, " "))
		}
	}
	return ""
}

func applyStreamMeta(st *stream, m map[string]any, database bool) string {
	if v, sent := m["selected"]; sent {
		b, ok := v.(bool)
		switch {
		case v == nil:
			st.selected = nil
		case !ok:
			return fmt.Sprintf("invalid value for selected of %s: %v", st.tap, v)
		default:
			st.selected = &b
		}
	}
	if v, sent := m["replication-method"]; sent {
		method, _ := v.(string)
		switch method {
		case "FULL_TABLE", "INCREMENTAL":
		case "LOG_BASED":
			if !database {
				return fmt.Sprintf("replication-method LOG_BASED is only available for database streams (%s)", st.tap)
			}
		default:
			return fmt.Sprintf("invalid replication-method for %s: %v", st.tap, v)
		}
		if f := st.def.ForcedReplicationMethod; f != "" && method != f {
			return fmt.Sprintf("replication-method of %s is forced to %s and cannot be changed", st.tap, f)
		}
		st.method = method
	}
	if v, sent := m["replication-key"]; sent {
		key, ok := v.(string)
		if !ok && v != nil {
			return fmt.Sprintf("invalid replication-key for %s: %v", st.tap, v)
		}
		st.key = key
	}
	if v, sent := m["view-key-properties"]; sent {
		list, ok := v.([]any)
		if !ok {
			return fmt.Sprintf("view-key-properties of %s must be a list of field names", st.tap)
		}
		keys := []string{}
		for _, x := range list {
			name, ok := x.(string)
			if !ok || st.field(name) == nil {
				return fmt.Sprintf("view-key-properties of %s names an unknown field: %v", st.tap, x)
			}
			keys = append(keys, name)
		}
		st.viewKeys = keys
	}
	return ""
}

// checkReplication enforces the replication key and view key rules once a
// stream's updates are merged.
func checkReplication(st *stream) string {
	method := firstNonEmpty(st.method, st.def.ForcedReplicationMethod)
	if st.key != "" && !validReplicationKey(st, st.key) {
		return fmt.Sprintf("replication-key %q is not a valid replication key of %s", st.key, st.tap)
	}
	if method == "INCREMENTAL" && st.def.ForcedReplicationMethod == "" && st.key == "" {
		return fmt.Sprintf("replication-method INCREMENTAL requires a replication-key for %s", st.tap)
	}
	selected := st.selected != nil && *st.selected
	if st.fieldsSent && !selected {
		return fmt.Sprintf("to select fields of %s the stream must be selected", st.tap)
	}
	if !selected {
		return ""
	}
	if st.def.IsView && len(st.viewKeys) == 0 {
		return fmt.Sprintf("view-key-properties are required to select the view %s", st.tap)
	}
	return ""
}

// validReplicationKey: one of valid-replication-keys when the stream has
// them, otherwise an integer or date-time field.
func validReplicationKey(st *stream, key string) bool {
	if len(st.def.ValidReplicationKeys) > 0 {
		return slices.Contains(st.def.ValidReplicationKeys, key)
	}
	f := st.field(key)
	if f == nil {
		return false
	}
	var sch struct {
		Type   any    `json:"type"`
		Format string `json:"format"`
	}
	if json.Unmarshal(f.Schema, &sch) != nil {
		return false
	}
	var types []string
	switch t := sch.Type.(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				types = append(types, s)
			}
		}
	}
	return slices.Contains(types, "integer") || (slices.Contains(types, "string") && (sch.Format == "date-time" || sch.Format == "timestamp"))
}
