package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

const startDate = "2024-01-01T00:00:00Z"

// mustEphemeral returns an ephemeral token for the account of token.
func (e *env) mustEphemeral(tb testing.TB, token string) string {
	tb.Helper()
	r := e.mustDo(tb, "POST", "/v3/sessions/ephemeral", token, nil)
	mustStatus(tb, r, http.StatusOK)
	et, _ := r.obj(tb)["ephemeral_token"].(string)
	return et
}

// mustSelectFirstStream selects the first listed stream of a source.
func (e *env) mustSelectFirstStream(tb testing.TB, token, id string) string {
	tb.Helper()
	r := e.mustDo(tb, "GET", "/v4/sources/"+id+"/streams", token, nil)
	mustStatus(tb, r, http.StatusOK)
	list, _ := r.json(tb).([]any)
	if len(list) == 0 {
		tb.Fatalf("no streams for source %s", id)
	}
	first, _ := list[0].(map[string]any)
	tap, _ := first["tap_stream_id"].(string)
	body := map[string]any{"streams": []any{map[string]any{"tap_stream_id": tap, "metadata": []any{
		map[string]any{"breadcrumb": []string{}, "metadata": map[string]any{"selected": true}}}}}}
	r = e.mustDo(tb, "PUT", "/v4/sources/"+id+"/streams/metadata", token, body)
	mustStatus(tb, r, http.StatusOK)
	mustJSONEqual(tb, r, `{"status":200}`)
	return tap
}

func TestHubSpotManagedOAuthFlow(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, acct := e.mustToken(t, "hubspot@example.com")
	src := e.mustCreateSource(t, tok, "platform.hubspot", "HubSpot", map[string]any{"start_date": startDate})
	id := str(src["id"])
	mustStep(t, src, "2", "oauth")
	if src["name"] != "hubspot" || src["schedule"] != nil || src["check_job_name"] != nil {
		t.Fatalf("after create: name %v schedule %v check %v", src["name"], src["schedule"], src["check_job_name"])
	}
	props, _ := src["properties"].(map[string]any)
	if props["image_version"] != "2.latest" || props["product"] != "pipeline" || props["frequency_in_minutes"] != "30" {
		t.Fatalf("system values: got %v", props)
	}
	if !provided(t, src, "image_version") || provided(t, src, "client_id") {
		t.Fatalf("provided flags wrong: image_version %v client_id %v", provided(t, src, "image_version"), provided(t, src, "client_id"))
	}

	// Stitch.js popup: validate, then approve.
	et := e.mustEphemeral(t, tok)
	r := e.mustDo(t, "POST", "/v2/js-client/source", "", map[string]any{"ephemeral_token": et, "source_id": src["id"]})
	mustStatus(t, r, http.StatusOK)
	if m := r.obj(t); m["display_name"] != "HubSpot" || m["type_name"] != "HubSpot" {
		t.Fatalf("js-client source: got %s", r.body)
	}
	r = e.mustDo(t, "POST", "/v2/js-client/authorize", "", map[string]any{"ephemeral_token": et, "source_id": id})
	mustStatus(t, r, http.StatusOK)
	mustJSONEqual(t, r, `{"id":`+id+`,"type":"platform.hubspot"}`)

	src = e.mustGetSource(t, tok, id)
	mustStep(t, src, "3", "discover_schema")
	props, _ = src["properties"].(map[string]any)
	if _, leaked := props["client_secret"]; leaked || !provided(t, src, "client_secret") {
		t.Fatalf("client_secret: leaked %v, provided %v", leaked, provided(t, src, "client_secret"))
	}
	check := e.mustDo(t, "GET", "/v4/sources/"+id+"/last-connection-check", tok, nil).obj(t)
	if check["status"] != "running" || check["completion_time"] != nil || check["name"] != src["check_job_name"] {
		t.Fatalf("check while running: got %v (source check_job_name %v)", check, src["check_job_name"])
	}
	if name, _ := check["name"].(string); !strings.HasPrefix(name, str(acct)+"."+id+".check.") {
		t.Fatalf("check name: got %q", name)
	}
	mustStatus(t, e.mustDo(t, "PUT", "/v4/sources/"+id+"/streams/metadata", tok, map[string]any{"streams": []any{}}), http.StatusBadRequest)

	e.clock.Advance(10 * time.Second)
	check = e.mustDo(t, "GET", "/v4/sources/"+id+"/last-connection-check", tok, nil).obj(t)
	if check["status"] != "succeeded" || str(check["discovery_exit_status"]) != "0" || check["error"] != false {
		t.Fatalf("check after delay: got %v", check)
	}
	src = e.mustGetSource(t, tok, id)
	mustStep(t, src, "4", "field_selection")
	if src["schedule"] != nil {
		t.Fatalf("schedule before fully configured: got %v", src["schedule"])
	}

	e.mustSelectFirstStream(t, tok, id)
	src = e.mustGetSource(t, tok, id)
	mustStep(t, src, "5", "fully_configured")
	sched, _ := src["schedule"].(map[string]any)
	if sched["type"] != "interval" || str(sched["interval"]) != "30" || sched["unit"] != "minute" || sched["next_fire_time"] != "2024-03-01T10:30:00Z" {
		t.Fatalf("schedule: got %v", sched)
	}

	// Pause, unpause, delete.
	r = e.mustDo(t, "PUT", "/v4/sources/"+id, tok, map[string]any{"paused_at": "2019-06-01T00:00:00Z"})
	mustStatus(t, r, http.StatusOK)
	if m := r.obj(t); m["paused_at"] != "2019-06-01T00:00:00Z" || m["schedule"] != nil {
		t.Fatalf("paused: got paused_at %v schedule %v", m["paused_at"], m["schedule"])
	}
	r = e.mustDo(t, "PUT", "/v4/sources/"+id, tok, map[string]any{"paused_at": nil})
	if m := r.obj(t); m["paused_at"] != nil || m["schedule"] == nil {
		t.Fatalf("unpaused: got paused_at %v schedule %v", m["paused_at"], m["schedule"])
	}
	r = e.mustDo(t, "DELETE", "/v4/sources/"+id, tok, nil)
	mustStatus(t, r, http.StatusOK)
	if m := r.obj(t); m["deleted_at"] != "2024-03-01T10:00:10Z" || m["schedule"] != nil {
		t.Fatalf("deleted: got deleted_at %v schedule %v", m["deleted_at"], m["schedule"])
	}
	list := e.mustDo(t, "GET", "/v4/sources", tok, nil).json(t).([]any)
	if len(list) != 1 {
		t.Fatalf("list after delete: got %d sources, want 1", len(list))
	}
	r = e.mustDo(t, "PUT", "/v4/sources/"+id, tok, map[string]any{"display_name": "Again"})
	mustStatus(t, r, http.StatusBadRequest)
	mustJSONEqual(t, r, `{"error":"InvalidId","data":{"message":"source not found (`+id+`)"}}`)
	r = e.mustDo(t, "POST", "/v4/sources/"+id+"/sync", tok, nil)
	mustStatus(t, r, http.StatusBadRequest)
	mustJSONEqual(t, r, `{"error":{"type":"invalid_source","message":"Integration is deleted."}}`)
}

func TestGoogleAnalyticsOAuthByPut(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, _ := e.mustToken(t, "ga@example.com")
	defs := []any{map[string]any{"name": "Visitor Traffic", "id": "a53305a5-d6c8-42d3-9c5d-65a524f217c1"}}
	src := e.mustCreateSource(t, tok, "platform.google-analytics", "Google Analytics", map[string]any{"start_date": startDate, "report_definitions": defs})
	id := str(src["id"])
	mustStep(t, src, "2", "oauth")

	r := e.mustDo(t, "PUT", "/v4/sources/"+id, tok, map[string]any{"properties": map[string]any{
		"client_id": "my-client", "client_secret": "my-secret", "refresh_token": "my-refresh", "view_id": "143355753"}})
	mustStatus(t, r, http.StatusOK)
	src = r.obj(t)
	// CheckDelay 0: the update answers while the check runs, the next read sees it done.
	mustStep(t, src, "3", "discover_schema")
	if src["check_job_name"] == nil {
		t.Fatal("update response lacks check_job_name")
	}
	src = e.mustGetSource(t, tok, id)
	mustStep(t, src, "4", "field_selection")
	props, _ := src["properties"].(map[string]any)
	if props["view_id"] != "143355753" || props["quota_user"] == nil {
		t.Fatalf("properties: got %v", props)
	}
	for _, secret := range []string{"client_id", "client_secret", "refresh_token"} {
		if _, leaked := props[secret]; leaked || !provided(t, src, secret) {
			t.Fatalf("%s: leaked %v provided %v", secret, leaked, provided(t, src, secret))
		}
	}
	if got, _ := props["report_definitions"].([]any); len(got) != 1 {
		t.Fatalf("report_definitions: got %v, want the array back", props["report_definitions"])
	}
}

func TestMySQLFailingCheckAndRecovery(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "mysql@example.com")
	src := e.mustCreateSource(t, tok, "platform.mysql", "Shop DB", map[string]any{
		"host": "db.example.com", "port": 3306, "user": "stitch", "password": "wrong", "database": "shop"})
	id := str(src["id"])
	mustStep(t, src, "2", "discover_schema")
	props, _ := src["properties"].(map[string]any)
	if props["port"] != "3306" || props["password"] != nil || src["name"] != "shop_db" {
		t.Fatalf("create: port %v password %v name %v", props["port"], props["password"], src["name"])
	}
	e.clock.Advance(10 * time.Second)
	check := e.mustDo(t, "GET", "/v4/sources/"+id+"/last-connection-check", tok, nil).obj(t)
	want := `(1045, "Access denied for user 'stitch'@'db.example.com' (using password: YES)")`
	if check["status"] != "failed" || check["error"] != true || str(check["discovery_exit_status"]) != "1" || check["discovery_error_message"] != want || check["check_exit_status"] != nil {
		t.Fatalf("failed check: got %v", check)
	}
	mustStep(t, e.mustGetSource(t, tok, id), "2", "discover_schema")
	if list := e.mustDo(t, "GET", "/v4/sources/"+id+"/streams", tok, nil).json(t).([]any); len(list) != 0 {
		t.Fatalf("streams after a failed check: got %d, want 0", len(list))
	}

	src = e.mustDo(t, "PUT", "/v4/sources/"+id, tok, map[string]any{"properties": map[string]any{"password": "right"}}).obj(t)
	mustStep(t, src, "2", "discover_schema")
	e.clock.Advance(10 * time.Second)
	mustStep(t, e.mustGetSource(t, tok, id), "3", "field_selection")

	list := e.mustDo(t, "GET", "/v4/sources/"+id+"/streams", tok, nil).json(t).([]any)
	first, _ := list[0].(map[string]any)
	meta, _ := first["metadata"].(map[string]any)
	if first["tap_stream_id"] != "shop-customers" || meta["database-name"] != "shop" || meta["is-view"] != false || first["selected"] != nil {
		t.Fatalf("first stream: got %v", first)
	}
	if _, ok := meta["row-count"]; !ok {
		t.Fatalf("stream metadata lacks row-count: %v", meta)
	}
}

func TestDatabaseStreamsAndSchema(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, _ := e.mustToken(t, "pg@example.com")
	src := e.mustCreateSource(t, tok, "platform.postgres", "Postgres", map[string]any{
		"host": "10.0.0.5", "port": "5432", "user": "stitch", "password": "pw", "dbname": "demo"})
	id := str(src["id"])
	mustStep(t, e.mustGetSource(t, tok, id), "3", "field_selection")
	list := e.mustDo(t, "GET", "/v4/sources/"+id+"/streams", tok, nil).json(t).([]any)
	var streamID, tap string
	for _, s := range list {
		m, _ := s.(map[string]any)
		if m["tap_stream_id"] == "demo-public-events" {
			streamID, tap = str(m["stream_id"]), "demo-public-events"
		}
	}
	if streamID == "" {
		t.Fatalf("no demo-public-events stream in %v", list)
	}
	r := e.mustDo(t, "GET", "/v4/sources/"+id+"/streams/"+streamID, tok, nil)
	mustStatus(t, r, http.StatusOK)
	sch := r.obj(t)
	schema, ok := sch["schema"].(string)
	if !ok || !strings.HasPrefix(schema, `{"type":"object","properties":{"id":`) {
		t.Fatalf("schema: got %v, want a JSON string", sch["schema"])
	}
	if got := str(sch["non-discoverable-metadata-keys"]); got != `["selected","replication-method","replication-key","view-key-properties"]` {
		t.Fatalf("non-discoverable keys: got %s", got)
	}
	meta := sch["metadata"].([]any)
	stream0, _ := meta[0].(map[string]any)
	if str(stream0["breadcrumb"]) != "[]" {
		t.Fatalf("first metadata breadcrumb: got %v", stream0["breadcrumb"])
	}
	var ipMeta map[string]any
	for _, m := range meta[1:] {
		mm, _ := m.(map[string]any)
		if str(mm["breadcrumb"]) == `["properties","ip"]` {
			ipMeta, _ = mm["metadata"].(map[string]any)
		}
	}
	if ipMeta["inclusion"] != "unsupported" || ipMeta["sql-datatype"] == nil || ipMeta["selected"] != nil {
		t.Fatalf("ip field metadata: got %v", ipMeta)
	}

	r = e.mustDo(t, "GET", "/v4/sources/"+id+"/streams/999", tok, nil)
	mustStatus(t, r, http.StatusBadRequest)
	mustJSONEqual(t, r, `"invalid stream-id: 999"`)

	// Select the stream and one field; field metadata now carries selected.
	body := map[string]any{"streams": []any{map[string]any{"tap_stream_id": tap, "metadata": []any{
		map[string]any{"breadcrumb": []string{}, "metadata": map[string]any{"selected": true, "replication-method": "INCREMENTAL", "replication-key": "occurred_at"}},
		map[string]any{"breadcrumb": []string{"properties", "name"}, "metadata": map[string]any{"selected": true}},
	}}}}
	mustStatus(t, e.mustDo(t, "PUT", "/v4/sources/"+id+"/streams/metadata", tok, body), http.StatusOK)
	sch = e.mustDo(t, "GET", "/v4/sources/"+id+"/streams/"+streamID, tok, nil).obj(t)
	for _, m := range sch["metadata"].([]any) {
		mm, _ := m.(map[string]any)
		md, _ := mm["metadata"].(map[string]any)
		switch str(mm["breadcrumb"]) {
		case "[]":
			if md["selected"] != true || md["replication-key"] != "occurred_at" || md["replication-method"] != "INCREMENTAL" {
				t.Fatalf("stream metadata after update: got %v", md)
			}
		case `["properties","name"]`:
			if md["selected"] != true {
				t.Fatalf("name field: got %v", md)
			}
		case `["properties","plan"]`:
		}
	}
	mustStep(t, e.mustGetSource(t, tok, id), "4", "fully_configured")
	list = e.mustDo(t, "GET", "/v4/sources/"+id+"/streams", tok, nil).json(t).([]any)
	for _, s := range list {
		m, _ := s.(map[string]any)
		if m["tap_stream_id"] == tap && m["selected"] != true {
			t.Fatalf("stream list selected: got %v", m["selected"])
		}
	}
}

func TestManyStreamsSandbox(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, _ := e.mustToken(t, "many@example.com")
	src := e.mustCreateSource(t, tok, "platform.postgres", "Big", map[string]any{
		"host": "big.example.com", "port": "5432", "user": "u", "password": "p", "dbname": "many_2000"})
	id := str(src["id"])
	e.mustGetSource(t, tok, id)
	list := e.mustDo(t, "GET", "/v4/sources/"+id+"/streams", tok, nil).json(t).([]any)
	if len(list) != 2000 {
		t.Fatalf("streams: got %d, want 2000", len(list))
	}
	last, _ := list[1999].(map[string]any)
	if last["tap_stream_id"] != "many_2000-public-table_02000" {
		t.Fatalf("last stream: got %v", last["tap_stream_id"])
	}
}

func TestCreateSourceErrors(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "errors@example.com")
	e.mustCreateSource(t, tok, "platform.hubspot", "HubSpot", map[string]any{"start_date": startDate})
	hub := func(display string, props map[string]any) map[string]any {
		return map[string]any{"type": "platform.hubspot", "display_name": display, "properties": props}
	}
	cases := []struct {
		name string
		body any
		want string
	}{
		{"malformed", "{", `{"error":"InvalidBody","data":{"message":"` + msgPostBody + `"}}`},
		{"extra key", map[string]any{"type": "platform.hubspot", "display_name": "X", "name": "x"}, `{"error":"InvalidBody","data":{"message":"` + msgPostBody + `"}}`},
		{"no display name", map[string]any{"type": "platform.hubspot"}, `{"error":"InvalidBody","data":{"message":"` + msgPostBody + `"}}`},
		{"properties not a map", map[string]any{"type": "platform.hubspot", "display_name": "X", "properties": []int{1}}, `{"error":"InvalidBody","data":{"message":"` + msgPostBody + `"}}`},
		{"unknown type", map[string]any{"type": "platform.nope", "display_name": "X"}, `{"error":"InvalidType","data":{"message":"invalid source type (platform.nope)"}}`},
		{"destination type", map[string]any{"type": "postgres", "display_name": "X"}, `{"error":"InvalidType","data":{"message":"invalid source type (postgres)"}}`},
		{"display name in use", hub("HubSpot", nil), `{"error":"InvalidName","data":{"message":"non-unique name (hubspot)"}}`},
		{"different derived name is fine", hub("Hub Spot!", nil), ``},
		{"derived name taken", hub("hubspot!!!", nil), `{"error":"InvalidName","data":{"message":"non-unique name after deriving it from display_name (hubspot!!! -> hubspot)"}}`},
		{"empty derived name", hub("####", nil), `{"error":"InvalidDisplayName","data":{"message":"invalid name after deriving it from display_name (#### -> )"}}`},
		{"name starts with digit", hub("1 Hub", nil), `{"error":"InvalidName","data":{"message":"` + msgBadName + `"}}`},
		{"cron both days", hub("Cron", map[string]any{"start_date": startDate, "cron_expression": "* * * * * *"}),
			`{"error":"InvalidCronExpression","data":{"message":"cron_expression \"* * * * * *\" is invalid: Support for specifying both a day-of-week AND a day-of-month parameter is not implemented."}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.mustDo(t, "POST", "/v4/sources", tok, c.body)
			if c.want == "" {
				mustStatus(t, r, http.StatusOK)
				return
			}
			mustStatus(t, r, http.StatusBadRequest)
			mustJSONEqual(t, r, c.want)
		})
	}
	t.Run("access denied", func(t *testing.T) {
		e2 := mustEnv(t, func(c *Config) {
			cat, err := LoadCatalog()
			if err != nil {
				t.Fatalf("LoadCatalog: %v", err)
			}
			cp := *cat.Sources["platform.github"]
			cp.Access = false
			cat.Sources["platform.github"] = &cp
			c.Catalog = cat
		})
		tok2, _ := e2.mustToken(t, "x@example.com")
		r := e2.mustDo(t, "POST", "/v4/sources", tok2, map[string]any{"type": "platform.github", "display_name": "GitHub"})
		mustStatus(t, r, http.StatusBadRequest)
		mustJSONEqual(t, r, `{"error":"AccessDenied","data":{"message":"you do not have access to source type (platform.github)"}}`)
	})
	t.Run("cron not permitted", func(t *testing.T) {
		tok3, _ := e.mustToken(t, "standard+nocron@example.com")
		r := e.mustDo(t, "POST", "/v4/sources", tok3, hub("Cron2", map[string]any{"start_date": startDate, "cron_expression": "0 0 12 ? * MON-FRI *"}))
		mustStatus(t, r, http.StatusBadRequest)
		mustJSONEqual(t, r, `{"error":"AccessDenied","data":{"message":"access to cron_expression based scheduling is not permitted"}}`)
	})
}

func TestInvalidProperties(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "props@example.com")
	pg := e.mustCreateSource(t, tok, "platform.postgres", "PG", map[string]any{"include_schemas_in_destination_stream_name": "true"})
	pgID := str(pg["id"])
	cases := []struct {
		name   string
		method string
		path   string
		body   map[string]any
		bad    string
	}{
		{"unknown name", "POST", "/v4/sources", map[string]any{"type": "platform.hubspot", "display_name": "H1", "properties": map[string]any{"nope": "x", "start_date": startDate}}, `["nope"]`},
		{"read only", "POST", "/v4/sources", map[string]any{"type": "platform.hubspot", "display_name": "H2", "properties": map[string]any{"image_version": "9"}}, `["image_version"]`},
		{"empty string", "POST", "/v4/sources", map[string]any{"type": "platform.hubspot", "display_name": "H3", "properties": map[string]any{"start_date": ""}}, `["start_date"]`},
		{"schema mismatch", "POST", "/v4/sources", map[string]any{"type": "platform.hubspot", "display_name": "H4", "properties": map[string]any{"start_date": "2024-01-01", "frequency_in_minutes": "7"}}, `["frequency_in_minutes","start_date"]`},
		{"immutable change", "PUT", "/v4/sources/" + pgID, map[string]any{"properties": map[string]any{"include_schemas_in_destination_stream_name": "false"}}, `["include_schemas_in_destination_stream_name"]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.mustDo(t, c.method, c.path, tok, c.body)
			mustStatus(t, r, http.StatusBadRequest)
			m := r.obj(t)
			data, _ := m["data"].(map[string]any)
			if m["error"] != "InvalidProperties" || data["message"] != "properties do not match schema" || str(data["bad_properties"]) != c.bad {
				t.Fatalf("got %s, want InvalidProperties with bad_properties %s", r.body, c.bad)
			}
			rc, _ := data["report_card"].(map[string]any)
			if rc["current_step_type"] != "form" || rc["details"] != nil {
				t.Fatalf("report_card in error: got %v", rc)
			}
		})
	}
	t.Run("same immutable value and typed values accepted", func(t *testing.T) {
		r := e.mustDo(t, "PUT", "/v4/sources/"+pgID, tok, map[string]any{"properties": map[string]any{"include_schemas_in_destination_stream_name": true, "port": 5432}})
		mustStatus(t, r, http.StatusOK)
		props, _ := r.obj(t)["properties"].(map[string]any)
		if props["port"] != "5432" || props["include_schemas_in_destination_stream_name"] != "true" {
			t.Fatalf("stringified values: got %v", props)
		}
	})
	t.Run("put errors", func(t *testing.T) {
		for _, c := range []struct {
			body any
			want string
		}{
			{map[string]any{"name": "x"}, `{"error":"InvalidBody","data":{"message":"` + msgPutBody + `"}}`},
			{map[string]any{"display_name": ""}, `{"error":"InvalidDisplayName","data":{"message":"invalid display_name ()"}}`},
			{map[string]any{"paused_at": "yesterday"}, `{"error":"InvalidBody","data":{"message":"` + msgPutBody + `"}}`},
		} {
			r := e.mustDo(t, "PUT", "/v4/sources/"+pgID, tok, c.body)
			mustStatus(t, r, http.StatusBadRequest)
			mustJSONEqual(t, r, c.want)
		}
		r := e.mustDo(t, "DELETE", "/v4/sources/424242", tok, nil)
		mustStatus(t, r, http.StatusBadRequest)
		mustJSONEqual(t, r, `{"error":"InvalidId","data":{"message":"source not found (424242)"}}`)
	})
}

func TestIsolationBetweenAccounts(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	a, _ := e.mustToken(t, "a@example.com")
	b, bID := e.mustToken(t, "b@example.com")
	src := e.mustCreateSource(t, a, "platform.github", "GitHub", map[string]any{"access_token": "t", "repository": "o/r", "start_date": startDate})
	id := str(src["id"])
	e.mustGetSource(t, a, id)
	cases := []struct {
		method, path string
		body         any
		status       int
		want         string
	}{
		{"GET", "/v4/sources/" + id, nil, 404, ""},
		{"PUT", "/v4/sources/" + id, map[string]any{"display_name": "Mine"}, 400, `{"error":"InvalidId","data":{"message":"source not found (` + id + `)"}}`},
		{"DELETE", "/v4/sources/" + id, nil, 400, `{"error":"InvalidId","data":{"message":"source not found (` + id + `)"}}`},
		{"GET", "/v4/sources/" + id + "/streams", nil, 400, `"invalid stream-id: ` + id + `"`},
		{"GET", "/v4/sources/" + id + "/last-connection-check", nil, 404, ""},
		{"POST", "/v4/sources/" + id + "/sync", nil, 400, `{"error":{"type":"invalid_source","message":"Unable to locate source(` + id + `) for client (` + str(bID) + `)"}}`},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			r := e.mustDo(t, c.method, c.path, b, c.body)
			mustStatus(t, r, c.status)
			if c.want == "" {
				if len(r.body) != 0 {
					t.Fatalf("body: got %q, want none", r.body)
				}
				return
			}
			mustJSONEqual(t, r, c.want)
		})
	}
	if list := e.mustDo(t, "GET", "/v4/sources", b, nil).json(t).([]any); len(list) != 0 {
		t.Fatalf("b's list: got %d sources, want 0", len(list))
	}
	mustStatus(t, e.mustDo(t, "POST", "/v2/js-client/source", "", map[string]any{"ephemeral_token": e.mustEphemeral(t, b), "source_id": id}), http.StatusNotFound)
}

func TestReplicationJobs(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, acct := e.mustToken(t, "sync@example.com")
	id := str(e.mustCreateSource(t, tok, "platform.github", "GitHub", map[string]any{"access_token": "t", "repository": "o/r", "start_date": startDate})["id"])
	r := e.mustDo(t, "POST", "/v4/sources/"+id+"/sync", tok, nil)
	mustStatus(t, r, http.StatusOK)
	if name, _ := r.obj(t)["job_name"].(string); !strings.HasPrefix(name, str(acct)+"."+id+".sync.") {
		t.Fatalf("job_name: got %s", r.body)
	}
	r = e.mustDo(t, "POST", "/v4/sources/"+id+"/sync", tok, nil)
	mustStatus(t, r, http.StatusOK)
	mustJSONEqual(t, r, `{"error":{"type":"already_running","message":"Did not create job for client-id: `+str(acct)+`; connection-id: `+id+` because one already exists"}}`)
	e.clock.Advance(3 * time.Second)
	mustStatus(t, e.mustDo(t, "POST", "/v4/sources/"+id+"/sync", tok, nil), http.StatusOK)
	r = e.mustDo(t, "DELETE", "/v4/sources/"+id+"/sync", tok, nil)
	mustStatus(t, r, http.StatusOK)
	mustJSONEqual(t, r, `{"status":200}`)
	if _, ok := e.mustDo(t, "POST", "/v4/sources/"+id+"/sync", tok, nil).obj(t)["job_name"]; !ok {
		t.Fatal("sync after stop: want a new job")
	}
}

func TestSchedulesAndSkippedSteps(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, _ := e.mustToken(t, "sched@example.com")
	// Form and OAuth properties in one request: the card skips the oauth step.
	src := e.mustCreateSource(t, tok, "platform.hubspot", "HubSpot", map[string]any{"start_date": startDate,
		"client_id": "c", "client_secret": "s", "redirect_uri": "https://app.example/cb", "refresh_token": "r"})
	id := str(src["id"])
	mustStep(t, src, "3", "discover_schema")
	e.mustGetSource(t, tok, id)
	e.mustSelectFirstStream(t, tok, id)

	cases := []struct {
		name  string
		props map[string]any
		want  string
	}{
		{"cron", map[string]any{"cron_expression": "0 0 12 ? * MON-FRI *"}, `{"type":"cron","cron_expression":"0 0 12 ? * MON-FRI *","next_fire_time":"2024-03-01T11:00:00Z"}`},
		{"back to frequency", map[string]any{"cron_expression": nil, "frequency_in_minutes": "360"}, `{"type":"interval","unit":"minute","interval":360,"next_fire_time":"2024-03-01T12:00:00Z"}`},
		{"anchor", map[string]any{"anchor_time": "2024-02-28T03:30:00Z"}, `{"type":"interval","unit":"minute","interval":360,"next_fire_time":"2024-03-01T15:30:00Z"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.mustDo(t, "PUT", "/v4/sources/"+id, tok, map[string]any{"properties": c.props})
			mustStatus(t, r, http.StatusOK)
			got := e.mustGetSource(t, tok, id)
			mustStep(t, got, "5", "fully_configured")
			sched, _ := json.Marshal(got["schedule"])
			mustJSONEqual(t, resp{body: sched}, c.want)
		})
	}
	for _, c := range []struct{ expr, want string }{
		{"0 0 12 * * ?", ""},
		{"0 0 12", `cron_expression "0 0 12" is invalid: Unexpected end of expression.`},
		{"0 0 12 ? * ?", `cron_expression "0 0 12 ? * ?" is invalid: '?' can only be specified for Day-of-Month -OR- Day-of-Week.`},
	} {
		if got := cronError(c.expr); got != c.want {
			t.Errorf("cronError(%q): got %q, want %q", c.expr, got, c.want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, _ := e.mustToken(t, "busy@example.com")
	const workers = 8
	errs := make(chan string, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := fmt.Sprintf(`{"type":"platform.github","display_name":"GitHub %d","properties":{"access_token":"t","repository":"o/r","start_date":%q}}`, i, startDate)
			req, _ := http.NewRequest("POST", e.ts.URL+"/v4/sources", strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := e.ts.Client().Do(req)
			if err != nil {
				errs <- err.Error()
				return
			}
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				errs <- fmt.Sprintf("worker %d: status %d", i, res.StatusCode)
			}
			req, _ = http.NewRequest("GET", e.ts.URL+"/v4/sources", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			if res, err := e.ts.Client().Do(req); err == nil {
				res.Body.Close()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if list := e.mustDo(t, "GET", "/v4/sources", tok, nil).json(t).([]any); len(list) != workers {
		t.Fatalf("sources: got %d, want %d", len(list), workers)
	}
}
