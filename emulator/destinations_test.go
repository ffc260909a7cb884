package emulator

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func postgresDest(host string) map[string]any {
	return map[string]any{"type": "postgres", "name": "Staging", "description": "Postgres for staging.", "properties": map[string]any{
		"host": host, "port": "5432", "username": "stitch", "database": "warehouse", "password": "secret", "ssl": false, "encryption_type": "none"}}
}

func TestDestinations(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, acct := e.mustToken(t, "dest@example.com")
	r := e.mustDo(t, "POST", "/v4/destinations", tok, postgresDest("warehouse.example.com"))
	mustStatus(t, r, http.StatusOK)
	d := r.obj(t)
	id := str(d["id"])
	mustStep(t, d, "2", "fully_configured")
	props, _ := d["properties"].(map[string]any)
	if props["ssl"] != "false" || props["port"] != "5432" || props["status"] != "1" || props["password"] != nil {
		t.Fatalf("properties: got %v", props)
	}
	if d["display_name"] != nil || d["name"] != "Staging" || d["check_job_name"] == nil || str(d["stitch_client_id"]) != str(acct) {
		t.Fatalf("destination: got %v", d)
	}
	rc, _ := d["report_card"].(map[string]any)
	form, _ := rc["steps"].([]any)[0].(map[string]any)
	if _, has := form["properties"].([]any)[0].(map[string]any)["tap_mutable"]; has {
		t.Fatal("destination properties carry tap_mutable")
	}

	errs := []struct {
		name, method, path string
		body               any
		status             int
		want               string
	}{
		{"second destination", "POST", "/v4/destinations", postgresDest("x.example.com"), 400, `"you are at your destination limit"`},
		{"prohibited key", "POST", "/v4/destinations", map[string]any{"type": "postgres", "properties": map[string]any{}, "connection": map[string]any{}}, 400, `"` + msgDestPostBody + `"`},
		{"no properties", "POST", "/v4/destinations", map[string]any{"type": "postgres"}, 400, `"` + msgDestPostBody + `"`},
		{"type change", "PUT", "/v4/destinations/" + id, map[string]any{"type": "redshift", "properties": map[string]any{}}, 400, `"this API endpoint does not support modifying destination type"`},
		{"unknown id", "PUT", "/v4/destinations/12", map[string]any{"properties": map[string]any{}}, 400, `"invalid connection id"`},
		{"bad query", "GET", "/v4/destinations?page=2", nil, 400, `"GET may only include the params: source_id and/or destination_id"`},
		{"bad property", "PUT", "/v4/destinations/" + id, map[string]any{"properties": map[string]any{"port": "abc"}}, 400, ``},
	}
	for _, c := range errs {
		t.Run(c.name, func(t *testing.T) {
			r := e.mustDo(t, c.method, c.path, tok, c.body)
			mustStatus(t, r, c.status)
			if c.want != "" {
				mustJSONEqual(t, r, c.want)
			} else if m := r.obj(t); m["error"] != "InvalidProperties" {
				t.Fatalf("got %s, want InvalidProperties", r.body)
			}
		})
	}

	r = e.mustDo(t, "PUT", "/v4/destinations/"+id, tok, map[string]any{"properties": map[string]any{"username": "stitch_admin"}})
	mustStatus(t, r, http.StatusOK)
	if p, _ := r.obj(t)["properties"].(map[string]any); p["username"] != "stitch_admin" || p["database"] != "warehouse" {
		t.Fatalf("partial update: got %v", p)
	}
	list := e.mustDo(t, "GET", "/v4/destinations?destination_id="+id, tok, nil).json(t).([]any)
	if len(list) != 1 {
		t.Fatalf("list: got %d, want 1", len(list))
	}
	check := e.mustDo(t, "GET", "/v4/destinations/"+id+"/last-connection-check", tok, nil).obj(t)
	if check["mode"] != "check" || check["status"] != "running" {
		t.Fatalf("destination check: got %v", check)
	}

	r = e.mustDo(t, "DELETE", "/v4/destinations/"+id, tok, nil)
	mustStatus(t, r, http.StatusOK)
	mustJSONEqual(t, r, `{}`)
	r = e.mustDo(t, "DELETE", "/v4/destinations/"+id, tok, nil)
	mustStatus(t, r, http.StatusBadRequest)
	mustJSONEqual(t, r, `"Unable to locate dest (`+id+`) for client (`+str(acct)+`) to delete"`)
	mustStatus(t, e.mustDo(t, "DELETE", "/v4/destinations/abc", tok, nil), http.StatusNotFound)
	if list := e.mustDo(t, "GET", "/v4/destinations", tok, nil).json(t).([]any); len(list) != 0 {
		t.Fatalf("list after delete: got %d, want 0", len(list))
	}
	mustStatus(t, e.mustDo(t, "POST", "/v4/destinations", tok, postgresDest("again.example.com")), http.StatusOK)
}

func TestDestinationFailingCheck(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "destfail@example.com")
	r := e.mustDo(t, "POST", "/v4/destinations", tok, postgresDest("warehouse.invalid"))
	mustStatus(t, r, http.StatusOK)
	id := str(r.obj(t)["id"])
	e.clock.Advance(10 * time.Second)
	check := e.mustDo(t, "GET", "/v4/destinations/"+id+"/last-connection-check", tok, nil).obj(t)
	if check["status"] != "failed" || check["discovery_error_message"] != `could not translate host name "warehouse.invalid" to address: Name or service not known` {
		t.Fatalf("check: got %v", check)
	}
	list := e.mustDo(t, "GET", "/v4/destinations", tok, nil).json(t).([]any)
	d, _ := list[0].(map[string]any)
	mustStep(t, d, "1", "form")
	r = e.mustDo(t, "PUT", "/v4/destinations/"+id, tok, map[string]any{"properties": map[string]any{"host": "warehouse.example.com"}})
	mustStep(t, r.obj(t), "2", "fully_configured")
}

func TestSandboxFailures(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	cat := e.srv.cat
	pg, mysql, github := cat.Sources["platform.postgres"], cat.Sources["platform.mysql"], cat.Sources["platform.github"]
	cases := []struct {
		name   string
		t      *TypeDef
		values map[string]any
		want   string
	}{
		{"fine", pg, map[string]any{"host": "db.example.com", "password": "pw"}, ""},
		{"pg host", pg, map[string]any{"host": "db.invalid"}, `could not translate host name "db.invalid" to address: Name or service not known`},
		{"pg password", pg, map[string]any{"host": "h", "user": "ann", "password": "wrong"}, `FATAL:  password authentication failed for user "ann"`},
		{"pg port", pg, map[string]any{"host": "h", "port": "1"}, "could not connect to server: Connection refused\n\tIs the server running on host \"h\" and accepting\n\tTCP/IP connections on port 1?"},
		{"pg database", pg, map[string]any{"host": "h", "dbname": "missing"}, `FATAL:  database "missing" does not exist`},
		{"mysql host", mysql, map[string]any{"host": "x.invalid"}, `(2005, "Unknown MySQL server host 'x.invalid' (-2)")`},
		{"mysql port", mysql, map[string]any{"host": "h", "port": "1"}, `(2003, "Can't connect to MySQL server on 'h' ([Errno 111] Connection refused)")`},
		{"mysql database", mysql, map[string]any{"host": "h", "database": "missing"}, `(1049, "Unknown database 'missing'")`},
		{"api token", github, map[string]any{"access_token": "wrong"}, "HTTP-error-code: 401, Error: the access_token provided was rejected by the API (invalid credentials)"},
	}
	for _, c := range cases {
		if got := e.srv.sandboxFailure(c.t, c.values); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	e.srv.SetFaults(Faults{FailChecks: "forced"})
	if got := e.srv.sandboxFailure(pg, map[string]any{}); got != "forced" {
		t.Errorf("forced failure: got %q", got)
	}
}

func TestTypes(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "types@example.com")
	list := e.mustDo(t, "GET", "/v4/source-types", tok, nil).json(t).([]any)
	if len(list) != len(e.srv.cat.Sources) {
		t.Fatalf("source types: got %d, want %d", len(list), len(e.srv.cat.Sources))
	}
	for _, item := range list {
		m, _ := item.(map[string]any)
		if _, ok := m["upgrade_available"]; !ok || m["upgrade_available"] != nil || m["details"] == nil {
			t.Fatalf("%v: upgrade_available/details wrong", m["type"])
		}
		steps, _ := m["steps"].([]any)
		n, typ := step(t, map[string]any{"report_card": m})
		idx, _ := strconv.Atoi(n)
		if idx < 1 || idx > len(steps) || steps[idx-1].(map[string]any)["type"] != typ {
			t.Fatalf("%v: current step %s/%s does not match its steps", m["type"], n, typ)
		}
	}
	hub := e.mustDo(t, "GET", "/v4/source-types/platform.hubspot", tok, nil).obj(t)
	det, _ := hub["details"].(map[string]any)
	if det["image_version"] != "2.latest" || str(det["default_scheduling_interval"]) != "30" || det["default_start_date"] != "-30 days" || det["access"] != true {
		t.Fatalf("hubspot details: got %v", det)
	}
	mysql := e.mustDo(t, "GET", "/v4/source-types/platform.mysql", tok, nil).obj(t)
	if d, _ := mysql["details"].(map[string]any); d["default_start_date"] != nil {
		t.Fatalf("mysql default_start_date: got %v, want null", d["default_start_date"])
	}
	mustStatus(t, e.mustDo(t, "GET", "/v4/source-types/platform.nope", tok, nil), http.StatusNotFound)
	dl := e.mustDo(t, "GET", "/v4/destination-types", tok, nil).json(t).([]any)
	if len(dl) != len(e.srv.cat.Destinations) {
		t.Fatalf("destination types: got %d", len(dl))
	}
	pg := e.mustDo(t, "GET", "/v4/destination-types/postgres", tok, nil).obj(t)
	if _, has := pg["upgrade_available"]; has {
		t.Fatal("destination type has upgrade_available")
	}
	if d, _ := pg["details"].(map[string]any); d["protocol"] != "postgres" || d["default_start_date"] != nil {
		t.Fatalf("postgres details: got %v", d)
	}
	mustStatus(t, e.mustDo(t, "GET", "/v4/destination-types/nope", tok, nil), http.StatusNotFound)
}

func TestFacebookProfileStep(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, _ := e.mustToken(t, "fb@example.com")
	src := e.mustCreateSource(t, tok, "platform.facebook", "Facebook Ads", map[string]any{"start_date": startDate})
	id := str(src["id"])
	mustStep(t, src, "2", "oauth")
	et := e.mustEphemeral(t, tok)
	mustStatus(t, e.mustDo(t, "POST", "/v2/js-client/authorize", "", map[string]any{"ephemeral_token": et, "source_id": id}), http.StatusOK)
	mustStep(t, e.mustGetSource(t, tok, id), "3", "profile")
	r := e.mustDo(t, "PUT", "/v4/sources/"+id, tok, map[string]any{"properties": map[string]any{"account_id": "123456789"}})
	mustStatus(t, r, http.StatusOK)
	mustStep(t, r.obj(t), "4", "discover_schema")
	mustStep(t, e.mustGetSource(t, tok, id), "5", "field_selection")
	// A type without an oauth step cannot be authorized.
	gh := str(e.mustCreateSource(t, tok, "platform.github", "GH", nil)["id"])
	mustStatus(t, e.mustDo(t, "POST", "/v2/js-client/authorize", "", map[string]any{"ephemeral_token": et, "source_id": gh}), http.StatusBadRequest)
}
