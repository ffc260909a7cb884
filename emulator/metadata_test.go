package emulator

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

// crumb builds one metadata entry.
func crumb(path []string, meta map[string]any) map[string]any {
	if path == nil {
		path = []string{}
	}
	return map[string]any{"breadcrumb": path, "metadata": meta}
}

func streamsBody(entries ...map[string]any) map[string]any {
	list := make([]any, 0, len(entries))
	for _, e := range entries {
		list = append(list, e)
	}
	return map[string]any{"streams": list}
}

func streamEntry(tap string, meta ...map[string]any) map[string]any {
	m := map[string]any{"metadata": toAny(meta)}
	if tap != "" {
		m["tap_stream_id"] = tap
	}
	return m
}

func toAny(ms []map[string]any) []any {
	out := make([]any, 0, len(ms))
	for _, m := range ms {
		out = append(out, m)
	}
	return out
}

func TestUpdateMetadataValidation(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, _ := e.mustToken(t, "meta@example.com")
	pg := str(e.mustCreateSource(t, tok, "platform.postgres", "PG", map[string]any{"host": "db.example.com", "port": "5432", "user": "u", "password": "p", "dbname": "demo"})["id"])
	hub := str(e.mustCreateSource(t, tok, "platform.github", "GH", map[string]any{"access_token": "t", "repository": "o/r", "start_date": startDate})["id"])
	e.mustGetSource(t, tok, pg)
	e.mustGetSource(t, tok, hub)
	sel := map[string]any{"selected": true}
	cases := []struct {
		name, src string
		body      any
		want      string
	}{
		{"no streams key", pg, map[string]any{"stream": []any{}}, `"` + msgStreamsBody + `"`},
		{"not json", pg, "[", `"` + msgStreamsBody + `"`},
		{"entry without metadata", pg, map[string]any{"streams": []any{map[string]any{"tap_stream_id": "demo-public-users"}}}, `"` + msgStreamsBody + `"`},
		{"entry without breadcrumb", pg, map[string]any{"streams": []any{map[string]any{"tap_stream_id": "demo-public-users", "metadata": []any{map[string]any{"metadata": sel}}}}}, `"` + msgStreamsBody + `"`},
		{"missing tap_stream_id", pg, streamsBody(streamEntry("", crumb(nil, sel))), `{"invalid_fields":"invalid tap-stream-ids:  [nil]"}`},
		{"unknown tap_stream_id", pg, streamsBody(streamEntry("demo-public-nope", crumb(nil, sel)), streamEntry("x", crumb(nil, sel))), `{"invalid_fields":"invalid tap-stream-ids:  [demo-public-nope x]"}`},
		{"discoverable key", pg, streamsBody(streamEntry("demo-public-users", crumb(nil, map[string]any{"selected": true, "table-key-properties": []string{"id"}, "is-view": true}))),
			`{"invalid_fields":"only non-discoverable metadata can be produced by the UI: #{\"is-view\" \"table-key-properties\"}"}`},
		{"unsupported field", pg, streamsBody(streamEntry("demo-public-events", crumb(nil, sel), crumb([]string{"properties", "ip"}, sel))), `{"invalid_fields":"Unsupported fields cannot be selected by default"}`},
		{"incremental without key", pg, streamsBody(streamEntry("demo-public-users", crumb(nil, map[string]any{"selected": true, "replication-method": "INCREMENTAL"}))),
			`{"invalid_fields":"replication-method INCREMENTAL requires a replication-key for demo-public-users"}`},
		{"key not a valid type", pg, streamsBody(streamEntry("demo-public-users", crumb(nil, map[string]any{"selected": true, "replication-method": "INCREMENTAL", "replication-key": "email"}))),
			`{"invalid_fields":"replication-key \"email\" is not a valid replication key of demo-public-users"}`},
		{"view without view keys", pg, streamsBody(streamEntry("demo-public-active_accounts", crumb(nil, sel))),
			`{"invalid_fields":"view-key-properties are required to select the view demo-public-active_accounts"}`},
		{"bad method", pg, streamsBody(streamEntry("demo-public-users", crumb(nil, map[string]any{"replication-method": "SOMETIMES"}))),
			`{"invalid_fields":"invalid replication-method for demo-public-users: SOMETIMES"}`},
		{"unknown field", pg, streamsBody(streamEntry("demo-public-users", crumb([]string{"properties", "nope"}, sel))),
			`{"invalid_fields":"invalid breadcrumb for demo-public-users: [properties nope]"}`},
		{"log based on saas", hub, streamsBody(streamEntry("commits", crumb(nil, map[string]any{"replication-method": "LOG_BASED"}))),
			`{"invalid_fields":"replication-method LOG_BASED is only available for database streams (commits)"}`},
		{"forced method", hub, streamsBody(streamEntry("commits", crumb(nil, map[string]any{"replication-method": "FULL_TABLE"}))),
			`{"invalid_fields":"replication-method of commits is forced to INCREMENTAL and cannot be changed"}`},
		{"key outside valid keys", hub, streamsBody(streamEntry("commits", crumb(nil, map[string]any{"selected": true, "replication-key": "sha"}))),
			`{"invalid_fields":"replication-key \"sha\" is not a valid replication key of commits"}`},
		{"unknown source", "999999", streamsBody(streamEntry("x", crumb(nil, sel))), `"invalid stream-id: 999999"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.mustDo(t, "PUT", "/v4/sources/"+c.src+"/streams/metadata", tok, c.body)
			mustStatus(t, r, http.StatusBadRequest)
			mustJSONEqual(t, r, c.want)
		})
	}
	mustStep(t, e.mustGetSource(t, tok, pg), "3", "field_selection")

	t.Run("valid updates are applied atomically", func(t *testing.T) {
		body := streamsBody(
			streamEntry("demo-public-active_accounts", crumb(nil, map[string]any{"selected": true, "view-key-properties": []string{"id"}, "replication-method": "FULL_TABLE"})),
			streamEntry("demo-public-users", crumb(nil, map[string]any{"selected": true, "replication-method": "INCREMENTAL", "replication-key": "last_login_at"})),
		)
		r := e.mustDo(t, "PUT", "/v4/sources/"+pg+"/streams/metadata", tok, body)
		mustStatus(t, r, http.StatusOK)
		mustStep(t, e.mustGetSource(t, tok, pg), "4", "fully_configured")
		// Deselecting everything sends the card back to field selection.
		body = streamsBody(
			streamEntry("demo-public-active_accounts", crumb(nil, map[string]any{"selected": false})),
			streamEntry("demo-public-users", crumb(nil, map[string]any{"selected": false})),
		)
		mustStatus(t, e.mustDo(t, "PUT", "/v4/sources/"+pg+"/streams/metadata", tok, body), http.StatusOK)
		mustStep(t, e.mustGetSource(t, tok, pg), "3", "field_selection")
	})
	t.Run("a stream of only available fields without selection replicates nothing", func(t *testing.T) {
		body := streamsBody(streamEntry("demo-public-active_accounts", crumb(nil, map[string]any{"selected": true, "view-key-properties": []string{"id"}})))
		mustStatus(t, e.mustDo(t, "PUT", "/v4/sources/"+pg+"/streams/metadata", tok, body), http.StatusOK)
		mustStep(t, e.mustGetSource(t, tok, pg), "3", "field_selection")
		body = streamsBody(streamEntry("demo-public-active_accounts", crumb([]string{"properties", "name"}, map[string]any{"selected": true})))
		mustStatus(t, e.mustDo(t, "PUT", "/v4/sources/"+pg+"/streams/metadata", tok, body), http.StatusOK)
		mustStep(t, e.mustGetSource(t, tok, pg), "4", "fully_configured")
	})
}

func TestFieldReplicatedTable(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	cases := []struct {
		inclusion string
		selected  *bool
		byDefault *bool
		want      bool
	}{
		{"automatic", &no, &no, true},
		{"unsupported", &yes, &yes, false},
		{"available", &yes, nil, true},
		{"available", &no, nil, false},
		{"available", &no, &yes, true},
		{"available", &no, &no, false},
		{"available", nil, &yes, true},
		{"available", nil, &no, false},
		{"available", nil, nil, false},
	}
	for _, c := range cases {
		f := &FieldDef{Name: "f", Inclusion: c.inclusion, SelectedByDefault: c.byDefault}
		if got := fieldReplicated(f, c.selected); got != c.want {
			t.Errorf("%s selected=%v by-default=%v: got %v, want %v", c.inclusion, c.selected, c.byDefault, got, c.want)
		}
	}
}

// fieldMetaJSON is the fast encoding of fieldMeta: both must agree.
func TestFieldMetaJSONAgreesWithFieldMeta(t *testing.T) {
	t.Parallel()
	yes, no := true, false
	defs := []FieldDef{
		{Name: "a", Inclusion: "available"},
		{Name: "b", Inclusion: "available", SelectedByDefault: &yes, SQLDatatype: "text \"quoted\""},
		{Name: "c", Inclusion: "unsupported", UnsupportedReason: "not <supported>"},
		{Name: "d", Inclusion: "available", Exclusions: []string{"e", "f"}, SelectedByDefault: &no},
		{Name: "g", Inclusion: "automatic", Extra: map[string]any{"behavior": "METRIC"}},
	}
	for _, selected := range []*bool{nil, &no, &yes} {
		st := &stream{selected: selected, fields: map[string]*bool{"a": &yes, "d": &no}}
		for i := range defs {
			var fast, slow any
			if err := json.Unmarshal(fieldMetaJSON(st, &defs[i]), &fast); err != nil {
				t.Fatalf("%s: %v", defs[i].Name, err)
			}
			b, _ := json.Marshal(fieldMeta(st, &defs[i]))
			_ = json.Unmarshal(b, &slow)
			if !reflect.DeepEqual(fast, slow) {
				t.Errorf("%s (stream selected %v): got %v, want %v", defs[i].Name, selected, fast, slow)
			}
		}
	}
}

// API.md §10.3: only `selected` may be written on a field, and fields can be
// selected only on a selected stream.
func TestUpdateMetadataFieldRules(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, _ := e.mustToken(t, "meta-fields@example.com")
	pg := str(e.mustCreateSource(t, tok, "platform.postgres", "PG", map[string]any{"host": "db.example.com", "port": "5432", "user": "u", "password": "p", "dbname": "demo"})["id"])
	e.mustGetSource(t, tok, pg)
	sel := map[string]any{"selected": true}
	cases := []struct {
		name string
		body any
		want string
	}{
		{"field of an unselected stream", streamsBody(streamEntry("demo-public-users", crumb([]string{"properties", "email"}, sel))),
			`{"invalid_fields":"to select fields of demo-public-users the stream must be selected"}`},
		{"field selected while the stream is deselected", streamsBody(streamEntry("demo-public-users", crumb(nil, map[string]any{"selected": false}), crumb([]string{"properties", "email"}, sel))),
			`{"invalid_fields":"to select fields of demo-public-users the stream must be selected"}`},
		{"stream keys on a field", streamsBody(streamEntry("demo-public-users", crumb(nil, sel), crumb([]string{"properties", "email"}, map[string]any{"replication-method": "FULL_TABLE"}))),
			`{"invalid_fields":"only selected can be set on a field (replication-method of demo-public-users)"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.mustDo(t, "PUT", "/v4/sources/"+pg+"/streams/metadata", tok, c.body)
			mustStatus(t, r, http.StatusBadRequest)
			mustJSONEqual(t, r, c.want)
		})
	}
	// Selecting the stream and its field in one update is fine; deselecting a field of it too.
	ok := streamsBody(streamEntry("demo-public-users", crumb(nil, map[string]any{"selected": true, "replication-method": "FULL_TABLE"}), crumb([]string{"properties", "email"}, sel)))
	mustStatus(t, e.mustDo(t, "PUT", "/v4/sources/"+pg+"/streams/metadata", tok, ok), http.StatusOK)
	off := streamsBody(streamEntry("demo-public-users", crumb([]string{"properties", "email"}, map[string]any{"selected": false})))
	mustStatus(t, e.mustDo(t, "PUT", "/v4/sources/"+pg+"/streams/metadata", tok, off), http.StatusOK)
}
