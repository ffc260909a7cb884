package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/emulator"
	"github.com/onramp/onramp/forms"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

// docProperty is a property of a destination as documented in
// ../shared/stitch-connect/sources.json.
type docProperty struct {
	Name          string        `json:"name"`
	Type          string        `json:"type"`
	Required      bool          `json:"required"`
	ReadOnly      bool          `json:"read_only"`
	Example       any           `json:"example"`
	Subattributes []docProperty `json:"subattributes"`
	ReportCard    *struct {
		PropertyType string          `json:"property_type"`
		JSONSchema   json.RawMessage `json:"json_schema"`
	} `json:"report_card"`
}

// documentedDestinations reads the destinations of the public reference.
func documentedDestinations(tb testing.TB) map[string][]docProperty {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "stitch-connect", "sources.json"))
	if err != nil {
		tb.Fatalf("read the reference beside the checkout: %v", err)
	}
	var doc struct {
		Entries []struct {
			APIType        string        `json:"api_type"`
			Kind           string        `json:"kind"`
			FormProperties []docProperty `json:"form_properties"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		tb.Fatalf("parse sources.json: %v", err)
	}
	out := map[string][]docProperty{}
	for _, e := range doc.Entries {
		if e.Kind == "destination" {
			out[e.APIType] = e.FormProperties
		}
	}
	return out
}

// strictFake stands in front of the emulator and checks every create
// destination body against the documented properties, strictly: no unknown
// or read-only property, every required one present, each value of the
// documented JSON type (objects with their documented members only), and
// the published json_schema, when there is one.
type strictFake struct {
	docs   map[string][]docProperty
	next   http.Handler
	mu     sync.Mutex
	bodies map[string]map[string]any // type → properties of its last create
}

func (s *strictFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v4/destinations" {
		s.next.ServeHTTP(w, r)
		return
	}
	b, _ := io.ReadAll(r.Body)
	var req struct {
		Type       string         `json:"type"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(b, &req); err != nil {
		http.Error(w, "strict fake: body is not JSON", http.StatusTeapot)
		return
	}
	if problems := s.check(req.Type, req.Properties); len(problems) > 0 {
		http.Error(w, "strict fake: "+strings.Join(problems, "; "), http.StatusTeapot)
		return
	}
	s.mu.Lock()
	s.bodies[req.Type] = req.Properties
	s.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(b))
	s.next.ServeHTTP(w, r)
}

func (s *strictFake) check(typ string, props map[string]any) []string {
	docs, ok := s.docs[typ]
	if !ok {
		return []string{"undocumented type " + typ}
	}
	var problems []string
	byName := map[string]docProperty{}
	for _, p := range docs {
		byName[p.Name] = p
		systemProvided := p.ReportCard != nil && p.ReportCard.PropertyType == "system_provided_by_default"
		if _, sent := props[p.Name]; p.Required && !p.ReadOnly && !systemProvided && !sent {
			problems = append(problems, "required "+p.Name+" missing")
		}
	}
	for name, v := range props {
		p, ok := byName[name]
		switch {
		case !ok:
			problems = append(problems, "unknown property "+name)
		case p.ReadOnly:
			problems = append(problems, "read-only property "+name+" sent")
		default:
			problems = append(problems, checkValue(name, p, v)...)
		}
	}
	sort.Strings(problems)
	return problems
}

func checkValue(path string, p docProperty, v any) []string {
	switch p.Type {
	case "string":
		if s, ok := v.(string); !ok || s == "" {
			return []string{fmt.Sprintf("%s: got %#v, want a non-empty string", path, v)}
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return []string{fmt.Sprintf("%s: got %#v, want a JSON boolean", path, v)}
		}
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: got %#v, want a JSON object", path, v)}
		}
		var problems []string
		members := map[string]docProperty{}
		for _, m := range p.Subattributes {
			members[m.Name] = m
			if _, sent := obj[m.Name]; m.Required && !sent {
				problems = append(problems, path+"."+m.Name+" missing")
			}
		}
		for k, mv := range obj {
			m, ok := members[k]
			if !ok {
				problems = append(problems, "unknown member "+path+"."+k)
				continue
			}
			problems = append(problems, checkValue(path+"."+k, m, mv)...)
		}
		return problems
	default:
		return []string{path + ": undocumented type " + p.Type}
	}
	if p.ReportCard != nil && len(p.ReportCard.JSONSchema) > 0 && string(p.ReportCard.JSONSchema) != "null" {
		c := jsonschema.NewCompiler()
		c.AssertFormat = true
		if err := c.AddResource("mem:///p.json", bytes.NewReader(p.ReportCard.JSONSchema)); err == nil {
			if sch, err := c.Compile("mem:///p.json"); err == nil && sch.Validate(v) != nil {
				return []string{fmt.Sprintf("%s: %#v does not match the published schema", path, v)}
			}
		}
	}
	return nil
}

var destTypeLinkRe = regexp.MustCompile(`href="/destination/new/([^"?]+)"`)

// TestEveryDocumentedDestination creates each documented destination type
// through its generated form (a key file uploaded where there is one),
// against a strict fake built from the reference in front of the emulator.
func TestEveryDocumentedDestination(t *testing.T) {
	docs := documentedDestinations(t)
	if len(docs) != 11 {
		t.Fatalf("the reference documents %d destination types, want 11", len(docs))
	}
	const partnerID, partnerSecret = "partner-qa", "partner-qa-secret"
	emu, err := emulator.New(emulator.Config{PartnerID: partnerID, PartnerSecret: partnerSecret})
	if err != nil {
		t.Fatal(err)
	}
	fake := &strictFake{docs: docs, next: emu, bodies: map[string]map[string]any{}}
	api := httptest.NewServer(fake)
	t.Cleanup(api.Close)
	ts := mustStart(t, map[string]string{
		"STITCH_API_URL": api.URL, "STITCH_PARTNER_ID": partnerID, "STITCH_PARTNER_SECRET": partnerSecret,
		"ONRAMP_SESSION_KEYS": strings.Repeat("ab", 32) + ":" + strings.Repeat("cd", 32),
	})
	csrf := ts.signUp(t, "destinations+all@example.com")
	token := ts.sessionToken(t)

	_, page := ts.get(t, "/destination")
	var listed []string
	for _, m := range destTypeLinkRe.FindAllStringSubmatch(page, -1) {
		listed = append(listed, m[1])
	}
	var want []string
	for typ := range docs {
		want = append(want, typ)
	}
	sort.Strings(want)
	for _, typ := range want {
		if !slices.Contains(listed, typ) {
			t.Errorf("/destination does not list %s (it lists %v)", typ, listed)
		}
	}

	engine := forms.NewEngine(forms.EngineOptions{})
	for _, typ := range want {
		t.Run(typ, func(t *testing.T) {
			createDestinationThroughForm(t, ts, engine, csrf, token, typ)
			fake.mu.Lock()
			body, ok := fake.bodies[typ]
			fake.mu.Unlock()
			if !ok {
				t.Fatalf("the strict fake saw no create of %s", typ)
			}
			if typ == "bigquery_v2" {
				key, _ := body["service_account_credentials"].(map[string]any)
				if key["client_email"] != "stitch@acme-analytics.iam.gserviceaccount.com" || key["type"] != "service_account" {
					t.Errorf("bigquery_v2: got key %v, want the uploaded key file's object", key)
				}
			}
		})
	}
}

func createDestinationThroughForm(t *testing.T, ts *testServer, engine *forms.Engine, csrf, token, typ string) {
	t.Helper()
	resp, page := ts.get(t, "/destination/new/"+typ)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET form: got %d, want 200\n%s", resp.StatusCode, page)
	}
	rendered := map[string]bool{}
	for _, m := range inputNameRe.FindAllStringSubmatch(page, -1) {
		rendered[m[1]] = true
	}
	rc, err := ts.App.Client.GetDestinationType(context.Background(), token, typ)
	if err != nil {
		t.Fatalf("get destination type: %v", err)
	}
	step, ok := rc.Step(connect.StepForm)
	if !ok {
		t.Fatalf("card has no form step: %+v", rc.Steps)
	}
	schemas := map[string]json.RawMessage{}
	for _, p := range step.Properties {
		schemas[p.Name] = p.JSONSchema
	}
	form := engine.Build(typ, step, nil, forms.BuildOptions{})
	values := url.Values{"_csrf": {csrf}, "_form_token": {formToken(t, page)}, "confirm_replace": {"yes"}}
	files := map[string]string{}
	var fill func(f *forms.Field)
	fill = func(f *forms.Field) {
		switch {
		case f.ReadOnly:
		case f.Widget == forms.WidgetFile:
			if !rendered[f.FileName()] || !rendered[f.Name] {
				t.Errorf("key file %s: upload or paste box not rendered", f.Name)
			}
			files[f.FileName()] = serviceAccountKey
		case f.Widget == forms.WidgetObject:
			for _, m := range f.Members {
				fill(m)
			}
		case f.Widget == forms.WidgetCheckbox:
			if f.Checked {
				values.Set(f.Name, "true") // as a browser sends a default left on
			}
		case f.Required || f.Value != "":
			if !rendered[f.Name] {
				t.Errorf("field %s is built by the engine but not rendered", f.Name)
			}
			if f.Value != "" {
				values.Set(f.Name, f.Value) // a default the page starts with
				return
			}
			for name, v := range sample(t, f, schemas[f.Name]) {
				values.Set(name, v)
			}
		}
	}
	for _, f := range form.Fields() {
		fill(f)
	}
	multipartPage := strings.Contains(page, `enctype="multipart/form-data"`)
	if multipartPage != (len(files) > 0) {
		t.Fatalf("multipart form: got %v, want %v (key files %v)", multipartPage, len(files) > 0, files)
	}
	resp, body := ts.postForm(t, "/destination/new/"+typ, values, files)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/destination" {
		t.Fatalf("create with %v: got %d → %q, want 303 → /destination\n%s", values, resp.StatusCode, resp.Header.Get("Location"), errorSummary(body))
	}
	_, shown := ts.get(t, "/destination")
	if !strings.Contains(shown, engine.TypeName(typ)) {
		t.Errorf("/destination does not show %s", engine.TypeName(typ))
	}
}

// postForm posts values, as multipart/form-data with the given files
// (input name → content) when there are any.
func (ts *testServer) postForm(tb testing.TB, path string, values url.Values, files map[string]string) (*http.Response, string) {
	tb.Helper()
	if len(files) == 0 {
		return ts.post(tb, path, values)
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range values {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for name, content := range files {
		part, err := w.CreateFormFile(name, "key.json")
		if err != nil {
			tb.Fatal(err)
		}
		_, _ = part.Write([]byte(content))
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, ts.URL+path, &buf)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := ts.Client.Do(req)
	if err != nil {
		tb.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// serviceAccountKey is a Google service account key file, shaped like the
// documented example (the key itself is not a real one).
const serviceAccountKey = `{
  "type": "service_account",
  "project_id": "acme-analytics",
  "private_key_id": "23sdiljasd29023908sdjlasdjasdf12be",
  "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
  "client_email": "stitch@acme-analytics.iam.gserviceaccount.com",
  "client_id": "113456789012345678901",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/stitch%40acme-analytics.iam.gserviceaccount.com"
}`

// TestStrictFakeRefuses proves the strict fake can fail: the bodies the old
// engine sent (a key file as a string) and other mistakes are refused.
func TestStrictFakeRefuses(t *testing.T) {
	fake := &strictFake{docs: documentedDestinations(t)}
	cases := []struct {
		typ   string
		props map[string]any
		want  string
	}{
		{"bigquery_v2", map[string]any{"service_account_credentials": serviceAccountKey, "cloud_storage_location": "US", "loading_mode": "UPSERT"}, "want a JSON object"},
		{"bigquery_v2", map[string]any{"service_account_credentials": map[string]any{"type": "service_account", "extra": "x"}, "cloud_storage_location": "US", "loading_mode": "UPSERT"}, "unknown member service_account_credentials.extra"},
		{"bigquery_v2", map[string]any{"cloud_storage_location": "US", "loading_mode": "UPSERT", "project_id": "p"}, "read-only property project_id sent"},
		{"databricks_delta", map[string]any{"access_token": "t", "jdbc_url": "j", "ssh_config": map[string]any{"ssh": true}, "staging_area": map[string]any{"scheme": "s3", "bucket_name": "b"}}, "ssh_config.ssh: got true, want a non-empty string"},
		{"postgres", map[string]any{"host": "h", "port": "5432", "database": "d", "username": "u", "password": "p", "encryption_type": "none", "ssl": "true"}, "ssl: got \"true\", want a JSON boolean"},
		{"snowflake", map[string]any{"host": "h", "port": "443", "database": "d", "username": "u", "password": "p"}, "required warehouse missing"},
	}
	for _, tc := range cases {
		problems := strings.Join(fake.check(tc.typ, tc.props), "; ")
		if !strings.Contains(problems, tc.want) {
			t.Errorf("%s %v: got problems %q, want %q", tc.typ, tc.props, problems, tc.want)
		}
	}
}

// TestBigQueryEditKeepsTheKey edits a BigQuery destination without
// uploading its key again: the saved key is kept (not sent), and a broken
// replacement is refused next to its field, never echoed.
func TestBigQueryEditKeepsTheKey(t *testing.T) {
	ts := mustStart(t, nil)
	csrf := ts.signUp(t, "bigquery+edit@example.com")
	_, page := ts.get(t, "/destination/new/bigquery_v2")
	values := url.Values{"_csrf": {csrf}, "_form_token": {formToken(t, page)}, "cloud_storage_location": {"US"}, "loading_mode": {"UPSERT"}}
	resp, body := ts.postForm(t, "/destination/new/bigquery_v2", values, map[string]string{forms.FilePrefix + "service_account_credentials": serviceAccountKey})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: got %d\n%s", resp.StatusCode, errorSummary(body))
	}
	_, page = ts.get(t, "/destination/edit")
	contains(t, page, `id="service_account_credentials-keep" name="_choice.service_account_credentials" value="keep" checked`)
	based := regexp.MustCompile(`name="_based_on" value="([^"]+)"`).FindStringSubmatch(page)
	edit := url.Values{"_csrf": {csrf}, "_choice.service_account_credentials": {"replace"}, "cloud_storage_location": {"EU"}}
	if based != nil {
		edit.Set("_based_on", based[1])
	}
	resp, body = ts.postForm(t, "/destination/edit", edit, map[string]string{forms.FilePrefix + "service_account_credentials": `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----`})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "is not valid JSON") || strings.Contains(body, "BEGIN PRIVATE KEY") {
		t.Fatalf("broken replacement: got %d, want 422 with the message and no echo\n%s", resp.StatusCode, errorSummary(body))
	}
	edit.Set("_choice.service_account_credentials", "keep")
	resp, body = ts.post(t, "/destination/edit", edit)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit keeping the key: got %d\n%s", resp.StatusCode, errorSummary(body))
	}
	ds, err := ts.App.Client.ListDestinations(context.Background(), ts.sessionToken(t))
	if err != nil || len(ds) == 0 {
		t.Fatalf("list destinations: %v", err)
	}
	if got := ds[0].Properties["cloud_storage_location"]; got != "EU" {
		t.Fatalf("region: got %v, want EU", got)
	}
}
