package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// sharedDir holds the reference data; CI checks it out beside the repository.
const sharedDir = "../../shared/stitch-connect"

// namedSources must all be in the catalog.
var namedSources = []string{
	"platform.hubspot", "platform.google-analytics", "platform.mysql", "platform.postgres",
	"platform.salesforce", "platform.facebook", "platform.shopify", "platform.stripe",
	"platform.zendesk", "platform.github", "platform.jira", "platform.mongodb",
	"platform.s3-csv", "platform.google-sheets", "platform.intercom",
}

var namedDestinations = []string{"redshift", "postgres", "snowflake", "bigquery_v2", "s3"}

// noAccess lists the only types the demo plan may not use.
var noAccess = map[string]bool{"storagegrid": true}

// deviations are the catalog's deliberate departures from a real report card,
// by "type/property" and the attributes that differ. Facebook Ads asks for its ad
// account on a profile step, which no real card shows (see catalog/README.md).
var deviations = map[string][]string{
	"platform.facebook/account_id": {"step", "schema"},
}

// addedSteps are steps the catalog adds to a real card's step list.
var addedSteps = map[string][]string{"platform.facebook": {"profile"}}

func mustLoadCatalog(tb testing.TB) *Catalog {
	tb.Helper()
	c, err := LoadCatalog()
	if err != nil {
		tb.Fatalf("LoadCatalog: %v", err)
	}
	return c
}

// allTypes returns sources then destinations, each sorted.
func allTypes(c *Catalog) []*TypeDef {
	var out []*TypeDef
	for _, m := range []map[string]*TypeDef{c.Sources, c.Destinations} {
		for _, name := range SortedTypes(m) {
			out = append(out, m[name])
		}
	}
	return out
}

// decodeSchema decodes a property or field schema; nil means no schema.
func decodeSchema(tb testing.TB, raw json.RawMessage) any {
	tb.Helper()
	if len(raw) == 0 {
		return nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		tb.Fatalf("decode schema %s: %v", raw, err)
	}
	return v
}

// schemaURL names a schema resource; field names may hold spaces ("Order date").
func schemaURL(parts ...string) string {
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return "catalog:///" + strings.Join(parts, "/") + ".json"
}

func mustCompileSchema(tb testing.TB, url string, raw json.RawMessage) *jsonschema.Schema {
	tb.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	if err := c.AddResource(url, bytes.NewReader(raw)); err != nil {
		tb.Fatalf("%s: add schema %s: %v", url, raw, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		tb.Fatalf("%s: compile schema %s: %v", url, raw, err)
	}
	return s
}

func TestLoadCatalogContents(t *testing.T) {
	c := mustLoadCatalog(t)
	// 130 documented sources and 11 documented destinations, plus the
	// hand-written StorageGRID destination the reference's card list shows.
	if got := len(c.Sources); got != 130 {
		t.Errorf("got %d sources, want 130", got)
	}
	if got := len(c.Destinations); got != 12 {
		t.Errorf("got %d destinations, want 12", got)
	}
	for _, name := range namedSources {
		td, ok := c.Sources[name]
		if !ok {
			t.Errorf("source %s missing", name)
			continue
		}
		if td.Kind != "saas" && td.Kind != "database" {
			t.Errorf("source %s: got kind %q, want saas or database", name, td.Kind)
		}
	}
	for _, name := range namedDestinations {
		td, ok := c.Destinations[name]
		if !ok {
			t.Errorf("destination %s missing", name)
			continue
		}
		if td.Kind != "destination" {
			t.Errorf("destination %s: got kind %q, want destination", name, td.Kind)
		}
	}
	for _, td := range allTypes(c) {
		if got, want := td.Access, !noAccess[td.Type]; got != want {
			t.Errorf("%s: got access %v, want %v", td.Type, got, want)
		}
		if td.PricingTier == "" || td.PipelineState == "" || td.Protocol == "" {
			t.Errorf("%s: pricing tier, pipeline state and protocol are required, got %q %q %q",
				td.Type, td.PricingTier, td.PipelineState, td.Protocol)
		}
		if td.Kind == "destination" {
			if len(td.Streams) != 0 || td.DefaultFrequency != 0 {
				t.Errorf("%s: destinations have no streams or frequency, got %d streams, frequency %d",
					td.Type, len(td.Streams), td.DefaultFrequency)
			}
			continue
		}
		if td.DefaultFrequency <= 0 {
			t.Errorf("%s: got default frequency %d, want > 0", td.Type, td.DefaultFrequency)
		}
	}
}

// walkSchema calls fn on v and every schema nested in it.
func walkSchema(v any, fn func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		fn(x)
		for _, sub := range x {
			walkSchema(sub, fn)
		}
	case []any:
		for _, sub := range x {
			walkSchema(sub, fn)
		}
	}
}

// schemaHas reports whether any schema nested in v satisfies pred.
func schemaHas(v any, pred func(map[string]any) bool) bool {
	found := false
	walkSchema(v, func(m map[string]any) {
		if pred(m) {
			found = true
		}
	})
	return found
}

func isJSON(v any, want string) bool {
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		panic(err)
	}
	return reflect.DeepEqual(v, w)
}

// propShape is a property shape the reference shows and the catalog must cover.
type propShape struct {
	name  string
	match func(td *TypeDef, p PropertyDef, schema any) bool
}

func schemaIs(want string) func(*TypeDef, PropertyDef, any) bool {
	return func(_ *TypeDef, p PropertyDef, s any) bool { return isJSON(s, want) }
}

func nestedSchema(pred func(map[string]any) bool) func(*TypeDef, PropertyDef, any) bool {
	return func(_ *TypeDef, _ PropertyDef, s any) bool { return schemaHas(s, pred) }
}

var propShapes = []propShape{
	{"frequency alternation pattern", schemaIs(`{"type":"string","pattern":"^1$|^30$|^60$|^360$|^720$|^1440$"}`)},
	{"anchored boolean pattern", schemaIs(`{"type":"string","pattern":"^(true|false)$"}`)},
	{"unanchored boolean pattern", schemaIs(`{"type":"string","pattern":"^(true|false)"}`)},
	{"start date pattern", schemaIs(`{"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}T00:00:00Z$"}`)},
	{"format date-time", schemaIs(`{"type":"string","format":"date-time"}`)},
	{"anyOf hostname/ipv4", schemaIs(`{"type":"string","anyOf":[{"format":"hostname"},{"format":"ipv4"}]}`)},
	{"destination anyOf ipv4/ipv6/hostname", schemaIs(`{"anyOf":[{"type":"string","format":"ipv4"},{"type":"string","format":"ipv6"},{"type":"string","format":"hostname"}]}`)},
	{"format uri", schemaIs(`{"type":"string","format":"uri"}`)},
	{"format email", nestedSchema(func(m map[string]any) bool { return m["format"] == "email" })},
	{"anyOf integer or digits", schemaIs(`{"anyOf":[{"type":"integer"},{"type":"string","pattern":"^\\d+"}]}`)},
	{"array of objects", nestedSchema(func(m map[string]any) bool {
		items, ok := m["items"].(map[string]any)
		return ok && m["type"] == "array" && items["type"] == "object"
	})},
	{"array of strings", nestedSchema(func(m map[string]any) bool {
		items, ok := m["items"].(map[string]any)
		return ok && m["type"] == "array" && items["type"] == "string"
	})},
	{"enum", nestedSchema(func(m map[string]any) bool { _, ok := m["enum"].([]any); return ok })},
	{"null schema", func(_ *TypeDef, p PropertyDef, s any) bool { return s == nil && p.Kind == "user_provided" }},
	{"boolean schema", schemaIs(`{"type":"boolean"}`)},
	{"credential", func(_ *TypeDef, p PropertyDef, _ any) bool { return p.Credential }},
	{"read_only", func(_ *TypeDef, p PropertyDef, _ any) bool { return p.Kind == "read_only" }},
	{"system_provided_by_default", func(_ *TypeDef, p PropertyDef, _ any) bool { return p.Kind == "system_provided_by_default" }},
	{"user_provided_advanced", func(_ *TypeDef, p PropertyDef, _ any) bool { return p.Kind == "user_provided_advanced" }},
	{"user_provided_immutable", func(_ *TypeDef, p PropertyDef, _ any) bool { return p.Kind == "user_provided_immutable" }},
	{"oauth step user_provided property", func(_ *TypeDef, p PropertyDef, _ any) bool {
		return p.Step == "oauth" && p.Kind == "user_provided" && p.Required
	}},
	{"PEM material", func(_ *TypeDef, p PropertyDef, s any) bool {
		switch p.Name {
		case "ssl_ca", "ssl_cert", "ssl_key", "private_key", "sslrootcert":
			return true
		}
		return schemaHas(s, func(m map[string]any) bool {
			pat, _ := m["pattern"].(string)
			return strings.Contains(pat, "-----BEGIN")
		})
	}},
	{"profile step user_provided property", func(td *TypeDef, p PropertyDef, _ any) bool {
		return p.Step == "profile" && p.Kind == "user_provided" && p.Required && slices.Contains(td.Steps, "profile")
	}},
}

func TestCatalogCoversPropertyShapes(t *testing.T) {
	c := mustLoadCatalog(t)
	found := map[string][]string{}
	for _, td := range allTypes(c) {
		for _, p := range td.Properties {
			s := decodeSchema(t, p.Schema)
			for _, sh := range propShapes {
				if sh.match(td, p, s) {
					found[sh.name] = append(found[sh.name], td.Type+"/"+p.Name)
				}
			}
		}
	}
	for _, sh := range propShapes {
		t.Run(sh.name, func(t *testing.T) {
			if len(found[sh.name]) == 0 {
				t.Errorf("got no property with shape %q, want at least one", sh.name)
			}
		})
	}
}

func TestCatalogCoversPropertyGroups(t *testing.T) {
	c := mustLoadCatalog(t)
	groups := []struct {
		name  string
		props []string
	}{
		{"ssh", []string{"ssh", "ssh_host", "ssh_port", "ssh_user"}},
		{"ssl", []string{"ssl", "ssl_ca", "ssl_cert", "ssl_key"}},
		{"destination ssh", []string{"encryption_type", "encryption_host", "encryption_port", "encryption_username"}},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			var have []string
			for _, td := range allTypes(c) {
				names := map[string]bool{}
				for _, p := range td.Properties {
					names[p.Name] = true
				}
				all := true
				for _, n := range g.props {
					all = all && names[n]
				}
				if all {
					have = append(have, td.Type)
				}
			}
			if len(have) == 0 {
				t.Errorf("got no type with all of %v, want at least one", g.props)
			}
		})
	}
}

// streamShape is a stream or field feature the catalog must show at least once.
type streamShape struct {
	name  string
	match func(td *TypeDef, s StreamDef) bool
}

func anyField(pred func(FieldDef) bool) func(*TypeDef, StreamDef) bool {
	return func(_ *TypeDef, s StreamDef) bool { return slices.ContainsFunc(s.Fields, pred) }
}

var streamShapes = []streamShape{
	{"forced FULL_TABLE", func(_ *TypeDef, s StreamDef) bool { return s.ForcedReplicationMethod == "FULL_TABLE" }},
	{"forced INCREMENTAL with replication keys", func(_ *TypeDef, s StreamDef) bool {
		return s.ForcedReplicationMethod == "INCREMENTAL" && len(s.ValidReplicationKeys) > 0
	}},
	{"SaaS stream with method left to the user", func(td *TypeDef, s StreamDef) bool {
		return td.Kind == "saas" && s.ForcedReplicationMethod == "" && len(s.ValidReplicationKeys) > 0
	}},
	{"composite key", func(_ *TypeDef, s StreamDef) bool { return len(s.KeyProperties) > 1 }},
	{"database view", func(td *TypeDef, s StreamDef) bool { return td.Kind == "database" && s.IsView }},
	{"unsupported field with reason", anyField(func(f FieldDef) bool {
		return f.Inclusion == "unsupported" && f.UnsupportedReason != ""
	})},
	{"field exclusions", anyField(func(f FieldDef) bool { return len(f.Exclusions) > 0 })},
	{"selected by default true", anyField(func(f FieldDef) bool { return f.SelectedByDefault != nil && *f.SelectedByDefault })},
	{"selected by default false", anyField(func(f FieldDef) bool { return f.SelectedByDefault != nil && !*f.SelectedByDefault })},
	{"GA metric", anyField(func(f FieldDef) bool {
		return f.Extra["behavior"] == "METRIC" && f.Extra["tap_google_analytics.group"] != nil
	})},
	{"GA dimension", anyField(func(f FieldDef) bool {
		return f.Extra["behavior"] == "DIMENSION" && f.Extra["tap_google_analytics.group"] != nil
	})},
	{"GA cubes", func(_ *TypeDef, s StreamDef) bool { return s.Extra["tap_google_analytics.all_cubes"] != nil }},
	{"date-time field", anyField(func(f FieldDef) bool {
		return isJSON(decodeSchemaNoTB(f.Schema), `{"type":["null","string"],"format":"date-time"}`)
	})},
	{"MongoDB _id", func(td *TypeDef, s StreamDef) bool {
		return td.Type == "platform.mongodb" && slices.Equal(s.KeyProperties, []string{"_id"})
	}},
}

func decodeSchemaNoTB(raw json.RawMessage) any {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil
	}
	return v
}

func TestCatalogCoversStreamShapes(t *testing.T) {
	c := mustLoadCatalog(t)
	for _, sh := range streamShapes {
		t.Run(sh.name, func(t *testing.T) {
			var n int
			for _, td := range allTypes(c) {
				for _, s := range td.Streams {
					if sh.match(td, s) {
						n++
					}
				}
			}
			if n == 0 {
				t.Errorf("got no stream with %q, want at least one", sh.name)
			}
		})
	}
}

func TestCatalogPropertySchemasCompile(t *testing.T) {
	c := mustLoadCatalog(t)
	for _, td := range allTypes(c) {
		t.Run(td.Type, func(t *testing.T) {
			for _, p := range td.Properties {
				if p.Schema == nil || string(p.Schema) == "null" {
					continue
				}
				s := mustCompileSchema(t, schemaURL(td.Type, p.Name), p.Schema)
				if p.SystemValue == nil {
					continue
				}
				if err := s.Validate(p.SystemValue); err != nil {
					t.Errorf("%s: system value %v does not match its schema: %v", p.Name, p.SystemValue, err)
				}
			}
		})
	}
}

func TestCatalogSystemValues(t *testing.T) {
	c := mustLoadCatalog(t)
	for _, td := range allTypes(c) {
		for _, p := range td.Properties {
			needs := p.Kind == "read_only" || p.Kind == "system_provided_by_default"
			if got := p.SystemValue != nil; got != needs {
				t.Errorf("%s/%s (%s): got system value %v, want one: %v", td.Type, p.Name, p.Kind, p.SystemValue, needs)
			}
		}
		if td.Kind == "destination" {
			continue
		}
		for _, p := range td.Properties {
			if p.Name == "image_version" {
				v, ok := p.SystemValue.(string)
				if !ok || !strings.HasSuffix(v, ".latest") {
					t.Errorf("%s: got image_version %v, want \"<n>.latest\"", td.Type, p.SystemValue)
				}
			}
		}
	}
}

func TestCatalogDescriptions(t *testing.T) {
	c := mustLoadCatalog(t)
	for _, td := range allTypes(c) {
		for _, p := range td.Properties {
			if strings.HasPrefix(p.Kind, "user_provided") && strings.TrimSpace(p.Description) == "" {
				t.Errorf("%s/%s (%s, step %s): got no description, want one", td.Type, p.Name, p.Kind, p.Step)
			}
		}
	}
}

func TestCatalogStreams(t *testing.T) {
	c := mustLoadCatalog(t)
	for _, name := range SortedTypes(c.Sources) {
		td := c.Sources[name]
		if !slices.Contains(td.Steps, "discover_schema") {
			if len(td.Streams) != 0 {
				t.Errorf("%s: got %d streams on a type without discovery, want none", name, len(td.Streams))
			}
			continue
		}
		t.Run(name, func(t *testing.T) {
			lo, hi := 4, 12
			if td.Kind == "database" {
				lo, hi = 3, 8
			}
			if n := len(td.Streams); n < lo || n > hi {
				t.Errorf("got %d streams, want %d to %d", n, lo, hi)
			}
			ids := map[string]bool{}
			for _, s := range td.Streams {
				if ids[s.TapStreamID] {
					t.Errorf("duplicate tap_stream_id %q", s.TapStreamID)
				}
				ids[s.TapStreamID] = true
				checkStream(t, td, s)
			}
		})
	}
}

func checkStream(t *testing.T, td *TypeDef, s StreamDef) {
	t.Helper()
	fields := map[string]FieldDef{}
	for _, f := range s.Fields {
		if _, dup := fields[f.Name]; dup {
			t.Errorf("%s: duplicate field %q", s.TapStreamID, f.Name)
		}
		fields[f.Name] = f
		mustCompileSchema(t, schemaURL(td.Type, s.TapStreamID, f.Name), f.Schema)
		if f.Inclusion != "unsupported" {
			if _, ok := decodeSchema(t, f.Schema).(map[string]any)["type"]; !ok {
				t.Errorf("%s.%s: got schema %s without a type, want one", s.TapStreamID, f.Name, f.Schema)
			}
		}
		if (f.Inclusion == "unsupported") != (f.UnsupportedReason != "") {
			t.Errorf("%s.%s: got inclusion %q with reason %q, want a reason exactly when unsupported",
				s.TapStreamID, f.Name, f.Inclusion, f.UnsupportedReason)
		}
		if td.Kind == "database" && f.SQLDatatype == "" {
			t.Errorf("%s.%s: got no sql_datatype, want one on every database field", s.TapStreamID, f.Name)
		}
	}
	for _, f := range s.Fields {
		for _, x := range f.Exclusions {
			if _, ok := fields[x]; !ok || x == f.Name {
				t.Errorf("%s.%s: excludes %q, want another field of the stream", s.TapStreamID, f.Name, x)
			}
		}
	}
	mustBeAutomatic := func(what string, names []string) {
		for _, k := range names {
			f, ok := fields[k]
			if !ok {
				t.Errorf("%s: %s %q is not a field", s.TapStreamID, what, k)
				continue
			}
			if f.Inclusion != "automatic" {
				t.Errorf("%s: %s %q has inclusion %q, want automatic", s.TapStreamID, what, k, f.Inclusion)
			}
		}
	}
	mustBeAutomatic("key", s.KeyProperties)
	switch {
	case s.ForcedReplicationMethod == "INCREMENTAL":
		mustBeAutomatic("replication key", s.ValidReplicationKeys)
	case s.ForcedReplicationMethod == "" && len(s.ValidReplicationKeys) > 0:
		// The user picks the method; the tap's default key is always replicated.
		mustBeAutomatic("default replication key", s.ValidReplicationKeys[:1])
	}
	switch s.ForcedReplicationMethod {
	case "", "FULL_TABLE", "INCREMENTAL", "LOG_BASED":
	default:
		t.Errorf("%s: got forced method %q", s.TapStreamID, s.ForcedReplicationMethod)
	}
	if td.Kind == "database" {
		if s.ForcedReplicationMethod != "" || s.SchemaName == "" || s.RowCount <= 0 {
			t.Errorf("%s: got forced method %q, schema %q, rows %d; want none, a schema name and a row count",
				s.TapStreamID, s.ForcedReplicationMethod, s.SchemaName, s.RowCount)
		}
		if got, want := len(s.KeyProperties) == 0, s.IsView; got != want {
			t.Errorf("%s: view %v with key properties %v; want keys exactly on tables", s.TapStreamID, s.IsView, s.KeyProperties)
		}
		return
	}
	if len(s.KeyProperties) == 0 || s.SchemaName != "" || s.IsView {
		t.Errorf("%s: got keys %v, schema %q, view %v; want keys and no database metadata",
			s.TapStreamID, s.KeyProperties, s.SchemaName, s.IsView)
	}
}

// realCard is the part of a real report card the catalog must agree with.
type realCard struct {
	Type  string `json:"type"`
	Steps []struct {
		Type       string `json:"type"`
		Properties []struct {
			Name         string          `json:"name"`
			IsRequired   bool            `json:"is_required"`
			IsCredential bool            `json:"is_credential"`
			PropertyType string          `json:"property_type"`
			JSONSchema   json.RawMessage `json:"json_schema"`
		} `json:"properties"`
	} `json:"steps"`
	Details struct {
		PricingTier       string  `json:"pricing_tier"`
		PipelineState     string  `json:"pipeline_state"`
		Protocol          string  `json:"protocol"`
		DefaultStartDate  *string `json:"default_start_date"`
		DefaultScheduling *int    `json:"default_scheduling_interval"`
		Access            *bool   `json:"access"`
	} `json:"details"`
}

func mustSharedDir(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(sharedDir); err != nil {
		tb.Fatalf("reference data not found at %s (check out ../shared beside the repository): %v", sharedDir, err)
	}
	return sharedDir
}

// readCard returns the real report card of typ, or nil when the reference has none.
func readCard(tb testing.TB, dir, sub, typ string) *realCard {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "report-cards", sub, typ+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		tb.Fatalf("read card %s: %v", typ, err)
	}
	var rc realCard
	if err := json.Unmarshal(b, &rc); err != nil {
		tb.Fatalf("parse card %s: %v", typ, err)
	}
	return &rc
}

func TestCatalogMatchesReportCards(t *testing.T) {
	dir := mustSharedDir(t)
	c := mustLoadCatalog(t)
	compared := 0
	for _, td := range allTypes(c) {
		sub := "source-types"
		if td.Kind == "destination" {
			sub = "destination-types"
		}
		rc := readCard(t, dir, sub, td.Type)
		if rc == nil {
			continue
		}
		compared++
		t.Run(td.Type, func(t *testing.T) {
			compareCard(t, td, rc)
		})
	}
	if compared < 15 {
		t.Errorf("compared %d types with real cards, want at least 15", compared)
	}
}

// opened reports whether the real card locks the type as alpha or deprecated
// (access false) while the emulator's demo plan offers it.
func opened(rc *realCard) bool {
	return rc.Details.Access != nil && !*rc.Details.Access &&
		(rc.Details.PipelineState == "alpha" || rc.Details.PipelineState == "deprecated")
}

func compareCard(t *testing.T, td *TypeDef, rc *realCard) {
	var steps []string
	for _, s := range rc.Steps {
		steps = append(steps, s.Type)
	}
	ours := slices.DeleteFunc(slices.Clone(td.Steps), func(s string) bool {
		return slices.Contains(addedSteps[td.Type], s)
	})
	if !slices.Equal(ours, steps) {
		t.Errorf("steps: got %v (without added %v), want %v", ours, addedSteps[td.Type], steps)
	}
	// Types the demo plan opens (access true where the real card is locked)
	// are offered as released: a deprecated type never has access (API.md §6.5).
	wantState := rc.Details.PipelineState
	if td.Access && opened(rc) {
		wantState = "released"
	}
	if locked := rc.Details.Access != nil && !*rc.Details.Access && td.Access; td.LockedInReference != locked {
		t.Errorf("locked_in_reference: got %v, want %v (the real card's access is false, ours true)", td.LockedInReference, locked)
	}
	if td.PricingTier != rc.Details.PricingTier || td.PipelineState != wantState || td.Protocol != rc.Details.Protocol {
		t.Errorf("details: got %s/%s/%s, want %s/%s/%s", td.PricingTier, td.PipelineState, td.Protocol,
			rc.Details.PricingTier, wantState, rc.Details.Protocol)
	}
	if td.Kind != "destination" {
		wantFreq, wantStart := 0, ""
		if rc.Details.DefaultScheduling != nil {
			wantFreq = *rc.Details.DefaultScheduling
		}
		if rc.Details.DefaultStartDate != nil {
			wantStart = *rc.Details.DefaultStartDate
		}
		if td.DefaultFrequency != wantFreq || td.DefaultStartDate != wantStart {
			t.Errorf("defaults: got frequency %d, start %q; want %d, %q", td.DefaultFrequency, td.DefaultStartDate, wantFreq, wantStart)
		}
	}
	ourProps := map[string]PropertyDef{}
	for _, p := range td.Properties {
		ourProps[p.Name] = p
	}
	for _, s := range rc.Steps {
		for _, rp := range s.Properties {
			p, ok := ourProps[rp.Name]
			if !ok {
				t.Errorf("property %s (step %s) of the real card is missing", rp.Name, s.Type)
				continue
			}
			allowed := deviations[td.Type+"/"+p.Name]
			check := func(attr string, got, want any) {
				if slices.Contains(allowed, attr) {
					return
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s.%s: got %v, want %v", p.Name, attr, got, want)
				}
			}
			check("step", p.Step, s.Type)
			check("kind", p.Kind, rp.PropertyType)
			check("required", p.Required, rp.IsRequired)
			check("credential", p.Credential, rp.IsCredential)
			check("schema", schemaString(t, p.Schema), schemaString(t, rp.JSONSchema))
		}
	}
}

// schemaString normalises a schema for comparison (key order, absent = null).
func schemaString(tb testing.TB, raw json.RawMessage) string {
	tb.Helper()
	b, err := json.Marshal(decodeSchema(tb, raw))
	if err != nil {
		tb.Fatalf("encode schema: %v", err)
	}
	return string(b)
}

// TestCatalogDeviationsStillApply keeps the deviation list honest: every listed
// attribute must really differ from the real card.
func TestCatalogDeviationsStillApply(t *testing.T) {
	dir := mustSharedDir(t)
	c := mustLoadCatalog(t)
	for key, attrs := range deviations {
		typ, name, _ := strings.Cut(key, "/")
		td, ok := c.Sources[typ]
		if !ok {
			t.Errorf("%s: type not in catalog", key)
			continue
		}
		rc := readCard(t, dir, "source-types", typ)
		if rc == nil {
			t.Errorf("%s: no real card", key)
			continue
		}
		var ours *PropertyDef
		for i := range td.Properties {
			if td.Properties[i].Name == name {
				ours = &td.Properties[i]
			}
		}
		if ours == nil {
			t.Errorf("%s: property not in catalog", key)
			continue
		}
		for _, s := range rc.Steps {
			for _, rp := range s.Properties {
				if rp.Name != name {
					continue
				}
				for _, a := range attrs {
					same := false
					switch a {
					case "step":
						same = ours.Step == s.Type
					case "schema":
						same = schemaString(t, ours.Schema) == schemaString(t, rp.JSONSchema)
					}
					if same {
						t.Errorf("%s: %s is listed as a deviation but matches the real card", key, a)
					}
				}
			}
		}
	}
}

// TestCatalogMatchesDocumentedProperties checks types that have no real report
// card against the documented form properties in sources.json.
func TestCatalogMatchesDocumentedProperties(t *testing.T) {
	dir := mustSharedDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "sources.json"))
	if err != nil {
		t.Fatalf("read sources.json: %v", err)
	}
	var doc struct {
		Entries []struct {
			APIType        string `json:"api_type"`
			FormProperties []struct {
				Name     string `json:"name"`
				Required bool   `json:"required"`
				ReadOnly bool   `json:"read_only"`
			} `json:"form_properties"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse sources.json: %v", err)
	}
	c := mustLoadCatalog(t)
	checked := 0
	for _, e := range doc.Entries {
		td, ok := c.Destinations[e.APIType]
		if !ok {
			td, ok = c.Sources[e.APIType]
		}
		if !ok {
			continue
		}
		sub := "source-types"
		if td.Kind == "destination" {
			sub = "destination-types"
		}
		if readCard(t, dir, sub, td.Type) != nil {
			continue
		}
		checked++
		ours := map[string]PropertyDef{}
		for _, p := range td.Properties {
			ours[p.Name] = p
		}
		for _, dp := range e.FormProperties {
			p, ok := ours[dp.Name]
			if !ok {
				t.Errorf("%s: documented property %s missing", td.Type, dp.Name)
				continue
			}
			if p.Required != dp.Required || (p.Kind == "read_only") != dp.ReadOnly {
				t.Errorf("%s.%s: got required %v, kind %s; want required %v, read-only %v",
					td.Type, dp.Name, p.Required, p.Kind, dp.Required, dp.ReadOnly)
			}
		}
	}
	if checked == 0 {
		t.Errorf("got no catalog type without a real card, want bigquery_v2 checked")
	}
}

// TestCatalogHasEveryDocumentedType checks the catalog against sources.json:
// every documented SaaS and database source and every destination is there
// (the Import API is not a connection a form creates), with its name.
func TestCatalogHasEveryDocumentedType(t *testing.T) {
	dir := mustSharedDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "sources.json"))
	if err != nil {
		t.Fatalf("read sources.json: %v", err)
	}
	var doc struct {
		Entries []struct {
			APIType string `json:"api_type"`
			Kind    string `json:"kind"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse sources.json: %v", err)
	}
	c := mustLoadCatalog(t)
	counts := map[string]int{}
	for _, e := range doc.Entries {
		counts[e.Kind]++
		var ok bool
		switch e.Kind {
		case "saas", "database":
			_, ok = c.Sources[e.APIType]
		case "destination":
			_, ok = c.Destinations[e.APIType]
		default:
			continue
		}
		if !ok {
			t.Errorf("documented %s type %s is missing from the catalog", e.Kind, e.APIType)
		}
	}
	if got := counts["saas"] + counts["database"]; got != len(c.Sources) {
		t.Errorf("got %d documented sources, %d in the catalog; want the same", got, len(c.Sources))
	}
	generated := 0
	for _, td := range allTypes(c) {
		if td.Generated {
			generated++
		}
	}
	if want := len(c.Sources) + len(c.Destinations) - 26; generated != want {
		t.Errorf("got %d generated types, want %d (all but the 20 hand-written sources and 6 destinations)", generated, want)
	}
}

// TestCronUnsupportedFollowsTheReference checks the flag against sources.json
// and that such a type refuses a cron schedule as a plan without Advanced
// Scheduling does, while a frequency still works.
func TestCronUnsupportedFollowsTheReference(t *testing.T) {
	dir := mustSharedDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "sources.json"))
	if err != nil {
		t.Fatalf("read sources.json: %v", err)
	}
	var doc struct {
		Entries []struct {
			APIType string `json:"api_type"`
			Cron    *bool  `json:"cron_scheduling_supported"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("parse sources.json: %v", err)
	}
	c := mustLoadCatalog(t)
	n := 0
	for _, e := range doc.Entries {
		td, ok := c.Sources[e.APIType]
		if !ok {
			continue
		}
		want := e.Cron != nil && !*e.Cron
		if td.CronUnsupported != want {
			t.Errorf("%s: got cron_unsupported %v, want %v", td.Type, td.CronUnsupported, want)
		}
		if want {
			n++
		}
	}
	if n < 5 {
		t.Errorf("got %d types without Advanced Scheduling, want the reference's 10", n)
	}

	e := mustEnv(t, nil)
	tok, _ := e.mustToken(t, "cron@example.com")
	props := map[string]any{"start_date": "2024-01-01T00:00:00Z", "client_secret": "sk_test", "account_id": "acct_1", "cron_expression": "0 0 12 ? * MON-FRI *"}
	r := e.mustDo(t, "POST", "/v4/sources", tok, map[string]any{"type": "platform.stripe", "display_name": "Stripe", "properties": props})
	mustStatus(t, r, http.StatusBadRequest)
	mustJSONEqual(t, r, `{"error":"AccessDenied","data":{"message":"access to cron_expression based scheduling is not permitted"}}`)
	delete(props, "cron_expression")
	props["frequency_in_minutes"] = "60"
	e.mustCreateSource(t, tok, "platform.stripe", "Stripe", props)
}

// TestGeneratedDatabaseStreams discovers a few generated database types: the
// tables come with database-prefixed tap_stream_ids, and many_N still works.
func TestGeneratedDatabaseStreams(t *testing.T) {
	t.Parallel()
	e := mustEnv(t, func(c *Config) { c.CheckDelay = 0 })
	tok, _ := e.mustToken(t, "generated+db@example.com")
	base := map[string]any{"host": "db.example.com", "port": "5432", "user": "stitch", "password": "pw"}
	with := func(extra map[string]any) map[string]any {
		out := map[string]any{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range extra {
			out[k] = v
		}
		return out
	}
	cases := []struct {
		typ   string
		props map[string]any
		n     int
		first string
	}{
		{"platform.oracle", with(map[string]any{"sid": "ORCL"}), 5, "STITCH-CUSTOMERS"},
		{"platform.aurora", with(map[string]any{"database": "shop"}), 0, "shop-"},
		{"platform.heroku_pg", with(map[string]any{"dbname": "app"}), 0, "app-public-"},
		{"platform.mariadb", with(map[string]any{"database": "many_7"}), 7, "many_7-public-table_00001"},
	}
	for _, c := range cases {
		src := e.mustCreateSource(t, tok, c.typ, "DB "+c.typ, c.props)
		id := str(src["id"])
		e.mustGetSource(t, tok, id) // finishes the check, discovers
		list, ok := e.mustDo(t, "GET", "/v4/sources/"+id+"/streams", tok, nil).json(t).([]any)
		if !ok || len(list) == 0 {
			t.Fatalf("%s: got no streams", c.typ)
		}
		if c.n > 0 && len(list) != c.n {
			t.Errorf("%s: got %d streams, want %d", c.typ, len(list), c.n)
		}
		first, _ := list[0].(map[string]any)
		if tap := str(first["tap_stream_id"]); !strings.HasPrefix(tap, c.first) {
			t.Errorf("%s: got tap_stream_id %q, want it to start with %q", c.typ, tap, c.first)
		}
	}
}
