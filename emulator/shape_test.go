package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// The documented examples are read at run time from ../shared (CC BY-SA
// data, never copied into the repository).
var examplesDir = filepath.Join("..", "..", "shared", "stitch-connect", "report-cards")

// mustExample reads one documented example.
func mustExample(tb testing.TB, name string) any {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(examplesDir, name))
	if err != nil {
		tb.Fatalf("read example %s: %v", name, err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		tb.Fatalf("decode example %s: %v", name, err)
	}
	return v
}

// placeholder matches documented placeholders ("<HOST>", "[ACCESS_TOKEN]"),
// which stand for a value of any JSON type.
var placeholder = regexp.MustCompile(`^(<[^>]+>|\[[^\]]+\])$`)

// shapeRules say where shapes may differ from an example.
type shapeRules struct {
	opaque    []string // path suffixes compared by JSON type only, e.g. ".json_schema"
	mayLack   []string // keys of the example the emulator may omit (path suffixes)
	mayExtend []string // keys the emulator may add (path suffixes)
}

func hasSuffixIn(path string, list []string) bool {
	for _, s := range list {
		if strings.HasSuffix(path, s) {
			return true
		}
	}
	return false
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

// shapeDiff lists where got's field names or JSON types differ from want.
// null on either side matches any value (the docs allow both); arrays
// compare each element of got with the example's first element.
func shapeDiff(path string, want, got any, rules shapeRules) []string {
	if want == nil || got == nil {
		return nil
	}
	if s, ok := want.(string); ok && placeholder.MatchString(s) {
		return nil
	}
	if jsonKind(want) != jsonKind(got) {
		return []string{fmt.Sprintf("%s: got %s, want %s", path, jsonKind(got), jsonKind(want))}
	}
	if hasSuffixIn(path, rules.opaque) {
		return nil
	}
	var out []string
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				if !hasSuffixIn(path+"."+k, rules.mayLack) {
					out = append(out, fmt.Sprintf("%s.%s: missing", path, k))
				}
				continue
			}
			out = append(out, shapeDiff(path+"."+k, wv, gv, rules)...)
		}
		for k := range g {
			if _, ok := w[k]; !ok && !hasSuffixIn(path+"."+k, rules.mayExtend) {
				out = append(out, fmt.Sprintf("%s.%s: not in the example", path, k))
			}
		}
	case []any:
		g, _ := got.([]any)
		if len(w) == 0 {
			return nil
		}
		for _, gv := range g {
			out = append(out, shapeDiff(path+"[]", w[0], gv, rules)...)
		}
	}
	sort.Strings(out)
	return out
}

func TestShapesMatchDocumentedExamples(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, _ := e.mustToken(t, "shapes@example.com")
	cardRules := shapeRules{opaque: []string{".json_schema"}}
	objRules := shapeRules{opaque: []string{"$.properties", ".json_schema"}, mayExtend: []string{"$.check_job_name"}}
	get := func(path string) any {
		r := e.mustDo(t, "GET", path, tok, nil)
		mustStatus(t, r, http.StatusOK)
		return r.json(t)
	}

	// Objects built along a realistic path.
	acctResp := e.mustDo(t, "POST", "/v3/accounts", "", map[string]any{"partner_id": testPartnerID, "partner_secret": testPartnerSecret,
		"first_name": "A", "last_name": "B", "company": "C", "region": "eu-central-1", "email": "shape-acct@example.com"}).json(t)
	code := mustConsentCode(t, e, "shape-oauth@example.com", "s")
	tokenResp := e.mustForm(t, "/oauth/token", mustValues("client_secret", testPartnerSecret, "code", code, "grant_type", "authorization_code")).json(t)
	session := e.mustDo(t, "POST", "/v3/sessions/ephemeral", tok, nil).json(t)
	shopify := e.mustDo(t, "POST", "/v4/sources", tok, map[string]any{"type": "platform.shopify", "display_name": "Shopify",
		"properties": map[string]any{"start_date": startDate, "shop": "demo", "frequency_in_minutes": "30"}}).json(t)
	gh := e.mustCreateSource(t, tok, "platform.github", "GitHub", map[string]any{"access_token": "t", "repository": "o/r", "start_date": startDate})
	ghID := str(gh["id"])
	tap := e.mustSelectFirstStream(t, tok, ghID)
	ghDone := get("/v4/sources/" + ghID)
	ghStreams, _ := get("/v4/sources/" + ghID + "/streams").([]any)
	var ghStream map[string]any
	for _, s := range ghStreams {
		if m, _ := s.(map[string]any); m["tap_stream_id"] == tap {
			ghStream = m
		}
	}
	ghSchema := get("/v4/sources/" + ghID + "/streams/" + str(ghStream["stream_id"]))
	succeeded := get("/v4/sources/" + ghID + "/last-connection-check")
	sync := e.mustDo(t, "POST", "/v4/sources/"+ghID+"/sync", tok, nil).json(t)
	already := e.mustDo(t, "POST", "/v4/sources/"+ghID+"/sync", tok, nil).json(t)
	metaResp := e.mustDo(t, "PUT", "/v4/sources/"+ghID+"/streams/metadata", tok, streamsBody(streamEntry(tap, crumb(nil, map[string]any{"selected": true})))).json(t)

	pg := e.mustCreateSource(t, tok, "platform.postgres", "PG", map[string]any{"host": "db.example.com", "port": "5432", "user": "u", "password": "wrong", "dbname": "demo"})
	pgID := str(pg["id"])
	failed := get("/v4/sources/" + pgID + "/last-connection-check") // CheckDelay 0: done on this read
	e.mustDo(t, "PUT", "/v4/sources/"+pgID, tok, map[string]any{"properties": map[string]any{"password": "right"}})
	pgStreams, _ := get("/v4/sources/" + pgID + "/streams").([]any)
	pgStream, _ := pgStreams[0].(map[string]any)
	pgSchema := get("/v4/sources/" + pgID + "/streams/" + str(pgStream["stream_id"]))

	slow := mustEnv(t, nil)
	slowTok, _ := slow.mustToken(t, "slow@example.com")
	slowSrc := slow.mustCreateSource(t, slowTok, "platform.github", "GitHub", map[string]any{"access_token": "t", "repository": "o/r", "start_date": startDate})
	runningCheck := slow.mustDo(t, "GET", "/v4/sources/"+str(slowSrc["id"])+"/last-connection-check", slowTok, nil).json(t)

	dest := e.mustDo(t, "POST", "/v4/destinations", tok, postgresDest("w.example.com")).json(t)
	destList := get("/v4/destinations")
	destDel := e.mustDo(t, "DELETE", "/v4/destinations/"+str(dest.(map[string]any)["id"]), tok, nil).json(t)
	badProps := e.mustDo(t, "POST", "/v4/sources", tok, map[string]any{"type": "platform.hubspot", "display_name": "X", "properties": map[string]any{"nope": "1"}}).json(t)

	var hubEntry any
	for _, it := range get("/v4/source-types").([]any) {
		if m, _ := it.(map[string]any); m["type"] == "platform.hubspot" {
			hubEntry = m
		}
	}
	var pgDestEntry any
	for _, it := range get("/v4/destination-types").([]any) {
		if m, _ := it.(map[string]any); m["type"] == "postgres" {
			pgDestEntry = m
		}
	}

	cases := []struct {
		name, example string
		got           any
		rules         shapeRules
	}{
		{"account create", "response.create-account.json", acctResp, shapeRules{}},
		{"oauth token", "response.oauth-token.json", tokenResp, shapeRules{}},
		{"ephemeral session", "response.create-session.json", session, shapeRules{}},
		{"source type", "source-type.platform.hubspot.json", get("/v4/source-types/platform.hubspot"), cardRules},
		{"source type list entry", "source-types/platform.hubspot.json", hubEntry, cardRules},
		{"destination type", "destination-types/postgres.json", get("/v4/destination-types/postgres"), cardRules},
		{"destination type list entry", "destination-type.redshift.json", pgDestEntry, cardRules},
		{"source create", "source.platform.shopify.create-response.json", shopify, objRules},
		{"source fully configured", "source.platform.github.fully-configured.json", ghDone, objRules},
		{"source list", "sources.list-response.json", get("/v4/sources"), shapeRules{opaque: []string{"[].properties", ".json_schema"}, mayExtend: []string{"[].check_job_name"}}},
		{"stream saas", "stream.saas.json", ghStream, shapeRules{}},
		{"stream database", "stream.database-table.json", pgStream, shapeRules{}},
		{"stream schema saas", "stream-schema.saas.reference.json", ghSchema, shapeRules{opaque: []string{".metadata[].metadata"}}},
		{"stream schema database", "stream-schema.database.reference.json", pgSchema, shapeRules{opaque: []string{".metadata[].metadata"}}},
		{"check running", "connection-check.running.json", runningCheck, shapeRules{}},
		{"check succeeded", "connection-check.succeeded.json", succeeded, shapeRules{}},
		{"check failed", "connection-check.failed.json", failed, shapeRules{}},
		{"destination create", "destination.v4.postgres.create-response.json", dest, objRules},
		{"destination list", "destinations.v4.list-response.json", destList, shapeRules{opaque: []string{"[].properties", ".json_schema"}, mayExtend: []string{"[].check_job_name"}}},
		{"destination delete", "destination.v4.delete-response.json", destDel, shapeRules{}},
		{"sync job", "response.start-replication-job.json", sync, shapeRules{}},
		{"sync already running", "response.start-replication-job.already-running.json", already, shapeRules{}},
		{"metadata update", "response.update-metadata.json", metaResp, shapeRules{}},
		{"invalid properties", "error.sources.400.post-put.InvalidProperties.invalid-properties-data.json", badProps, shapeRules{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.got == nil {
				t.Fatal("no emulator value to compare")
			}
			if diff := shapeDiff("$", mustExample(t, c.example), c.got, c.rules); len(diff) > 0 {
				t.Fatalf("shape differs from %s:\n%s", c.example, strings.Join(diff, "\n"))
			}
		})
	}

	t.Run("stream schema metadata keys", func(t *testing.T) {
		streamKeys := map[string]bool{"selected": true, "replication-method": true, "replication-key": true, "view-key-properties": true,
			"forced-replication-method": true, "table-key-properties": true, "valid-replication-keys": true, "is-view": true,
			"database-name": true, "schema-name": true, "row-count": true, "inclusion": true, "tap_google_analytics.all_cubes": true}
		fieldKeys := map[string]bool{"inclusion": true, "selected": true, "selected-by-default": true, "sql-datatype": true,
			"unsupported-description": true, "fieldExclusions": true, "behavior": true, "tap_google_analytics.cubes": true, "tap_google_analytics.group": true}
		for _, sch := range []any{ghSchema, pgSchema} {
			for _, m := range sch.(map[string]any)["metadata"].([]any) {
				mm, _ := m.(map[string]any)
				allowed := fieldKeys
				if str(mm["breadcrumb"]) == "[]" {
					allowed = streamKeys
				}
				for k := range mm["metadata"].(map[string]any) {
					if !allowed[k] {
						t.Errorf("breadcrumb %s: undocumented key %q", str(mm["breadcrumb"]), k)
					}
				}
			}
		}
	})
}

func mustValues(kv ...string) map[string][]string {
	out := map[string][]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = []string{kv[i+1]}
	}
	return out
}

func TestShapeDiff(t *testing.T) {
	t.Parallel()
	want := map[string]any{"a": "x", "b": []any{map[string]any{"c": true}}, "n": nil, "p": "<ID>"}
	cases := []struct {
		name string
		got  any
		diff int
	}{
		{"same", map[string]any{"a": "y", "b": []any{map[string]any{"c": false}}, "n": 1.0, "p": 3.0}, 0},
		{"missing key", map[string]any{"b": []any{}, "n": nil, "p": "x"}, 1},
		{"extra key", map[string]any{"a": "y", "b": []any{}, "n": nil, "p": "x", "z": 1.0}, 1},
		{"wrong type", map[string]any{"a": 1.0, "b": []any{map[string]any{"c": "no"}}, "n": nil, "p": "x"}, 2},
	}
	for _, c := range cases {
		if got := shapeDiff("$", want, c.got, shapeRules{}); len(got) != c.diff {
			t.Errorf("%s: got %d differences %v, want %d", c.name, len(got), got, c.diff)
		}
	}
}
