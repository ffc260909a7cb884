package connect

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// reportCardsDir holds the documented JSON examples (CC BY-SA data, read at run
// time, never copied into the repository).
const reportCardsDir = "../../shared/stitch-connect/report-cards"

// mustReportCardsDir returns the examples directory or stops the test with
// instructions when ../shared is missing.
func mustReportCardsDir(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat(reportCardsDir); err != nil {
		tb.Fatalf("reference examples missing at %s (%v): check out ../shared next to the repository (CI has it)", reportCardsDir, err)
	}
	return reportCardsDir
}

// mustReadExample returns the content of one example file, by path relative
// to the examples directory.
func mustReadExample(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(mustReportCardsDir(tb), rel))
	if err != nil {
		tb.Fatalf("read example: %v", err)
	}
	return b
}

// mustDecodeStrict decodes data into v and fails on unknown fields, so that a
// documented field the types forget is noticed.
func mustDecodeStrict(tb testing.TB, data []byte, v any) {
	tb.Helper()
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		tb.Fatalf("decode into %T: %v", v, err)
	}
}

// mustDecode decodes data into v, ignoring unknown fields.
func mustDecode(tb testing.TB, data []byte, v any) {
	tb.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		tb.Fatalf("decode into %T: %v", v, err)
	}
}

// exampleCheck decodes one example file and asserts what must survive.
type exampleCheck func(t *testing.T, name string, data []byte)

// exampleRule maps file names starting with prefix to a check. The first
// matching rule wins, so more specific prefixes come first.
type exampleRule struct {
	prefix string
	check  exampleCheck // nil: deliberately not modelled by the client
	why    string       // for skipped prefixes
}

func exampleRules() []exampleRule {
	return []exampleRule{
		// Resources the client does not model.
		{prefix: "destination.v3.", why: "v3 destinations"},
		{prefix: "destinations.v3.", why: "v3 destinations"},
		{prefix: "request.create-destination.v3.", why: "v3 destinations"},
		{prefix: "request.update-destination.v3.", why: "v3 destinations"},
		{prefix: "extractions.list", check: checkExtractionList},
		{prefix: "extraction.", check: checkExtraction},
		{prefix: "load", why: "loads"},
		{prefix: "notification.", why: "notifications"},
		{prefix: "request.create-hook", why: "notifications"},
		{prefix: "response.create-hook", why: "notifications"},
		{prefix: "response.disable-hook", why: "notifications"},
		{prefix: "response.enable-hook", why: "notifications"},
		{prefix: "response.list-hooks", why: "notifications"},
		{prefix: "response.list-custom-emails", why: "notifications"},
		{prefix: "response.delete-custom-email", why: "notifications"},
		{prefix: "response.generate-import-api-token", why: "Import API tokens"},
		{prefix: "response.get-import-api-token-ids", why: "Import API tokens"},

		{prefix: "source-types.list-response", check: checkReportCardList(228)},
		{prefix: "destination-types.list-response", check: checkReportCardList(6)},
		{prefix: "source-types/", check: checkTypeFile},
		{prefix: "destination-types/", check: checkTypeFile},
		{prefix: "source-report-card.platform.hubspot.unpublished-quickstart", check: checkReportCardLenient},
		{prefix: "source-type", check: checkReportCard},
		{prefix: "source-report-card", check: checkReportCard},
		{prefix: "destination-type", check: checkReportCard},
		{prefix: "destination-report-card", check: checkReportCard},
		{prefix: "sources.list", check: checkSourceList},
		{prefix: "source-properties.", check: checkSourceProperties},
		{prefix: "source.", check: checkSource},
		{prefix: "streams.list", check: checkStreamList},
		{prefix: "stream-schema.", check: checkStreamSchema},
		{prefix: "stream.", check: checkStream},
		{prefix: "connection-check.", check: checkConnectionCheck},
		{prefix: "connection-step.", check: checkStep},
		{prefix: "destination.v4.delete-response", check: checkEmptyObject},
		{prefix: "destination.v4.", check: checkDestination},
		{prefix: "destinations.v4.", check: checkDestinationList},
		{prefix: "details.", check: checkDetails},
		{prefix: "errors.catalog", check: checkErrorCatalog},
		{prefix: "error.", check: checkErrorFile},
		{prefix: "metadata.field-level.", check: checkFieldMetadata},
		{prefix: "metadata.stream-level.", check: checkStreamLevelMetadata},
		{prefix: "metadata.", check: checkMetadataList},
		{prefix: "property.", check: checkProperty},
		{prefix: "request.create-account", check: checkCreateAccountRequest},
		{prefix: "request.create-destination.", check: checkCreateDestinationRequest},
		{prefix: "request.create-source.", check: checkCreateSourceRequest},
		{prefix: "request.pause-source", check: checkPauseRequest},
		{prefix: "request.unpause-source", check: checkPauseRequest},
		{prefix: "request.update-destination.v4", check: checkUpdateDestinationRequest},
		{prefix: "request.update-metadata.", check: checkUpdateMetadataRequest},
		{prefix: "request.update-source.", check: checkUpdateSourceRequest},
		{prefix: "response.create-account", check: checkAccount},
		{prefix: "response.oauth-token", check: checkAccount},
		{prefix: "response.create-session", check: checkSession},
		{prefix: "response.start-replication-job", check: checkReplicationJob},
		{prefix: "response.update-metadata", check: checkStatusAnswer},
		{prefix: "schedule.", check: checkSchedule},
	}
}

// TestExamplesDecode walks every documented example and decodes it into the
// type the client uses for it. A file no rule maps fails the test.
func TestExamplesDecode(t *testing.T) {
	t.Parallel()
	dir := mustReportCardsDir(t)
	rules := exampleRules()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatalf("walk examples: %v", err)
	}
	if len(names) < 400 {
		t.Fatalf("got %d example files, want at least 400 (228 source types, 6 destination types, ~170 others)", len(names))
	}
	checked := 0
	for _, name := range names {
		i := slices.IndexFunc(rules, func(r exampleRule) bool { return strings.HasPrefix(name, r.prefix) })
		if i < 0 {
			t.Errorf("%s: no rule maps this example to a type; add one (or a skip with a reason)", name)
			continue
		}
		if rules[i].check == nil {
			continue
		}
		checked++
		data := mustReadExample(t, name)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rules[i].check(t, name, data)
		})
	}
	if checked < 380 {
		t.Errorf("got %d checked examples, want at least 380", checked)
	}
}

func checkReportCardList(want int) exampleCheck {
	return func(t *testing.T, _ string, data []byte) {
		var cards []ReportCard
		mustDecodeStrict(t, data, &cards)
		if len(cards) != want {
			t.Fatalf("got %d report cards, want %d", len(cards), want)
		}
		usable := 0
		for _, c := range cards {
			if c.Type == "" {
				t.Errorf("report card without type")
			}
			if c.Usable() {
				usable++
			}
		}
		if usable == 0 || usable == len(cards) && want == 228 {
			t.Errorf("got %d usable of %d cards, want some but (for sources) not all", usable, len(cards))
		}
	}
}

// checkTypeFile checks one entry of a List types answer: its type is its file name.
func checkTypeFile(t *testing.T, name string, data []byte) {
	var card ReportCard
	mustDecodeStrict(t, data, &card)
	want := strings.TrimSuffix(filepath.Base(name), ".json")
	if card.Type != want {
		t.Errorf("got type %q, want %q (the file name)", card.Type, want)
	}
	if card.Details == nil {
		t.Errorf("got no details, want details on a List types entry")
	}
	if len(card.Steps) > 0 && card.CurrentStepType == "" {
		t.Errorf("got empty current_step_type on a card with %d steps", len(card.Steps))
	}
	checkProperties(t, card)
}

func checkReportCard(t *testing.T, name string, data []byte) {
	var card ReportCard
	mustDecodeStrict(t, data, &card)
	assertReportCard(t, name, card)
}

// checkReportCardLenient is for the unpublished quick-start card, which has
// an undocumented required_to_be_fully_configured key.
func checkReportCardLenient(t *testing.T, name string, data []byte) {
	var card ReportCard
	mustDecode(t, data, &card)
	assertReportCard(t, name, card)
}

func assertReportCard(t *testing.T, name string, card ReportCard) {
	t.Helper()
	if card.Type == "" || len(card.Steps) == 0 {
		t.Fatalf("got type %q with %d steps, want a type and steps", card.Type, len(card.Steps))
	}
	checkProperties(t, card)
	if name == "source-type.platform.hubspot.json" {
		if card.CurrentStepType != StepForm || card.CurrentStep != 1 {
			t.Errorf("got current step %d %q, want 1 %q", card.CurrentStep, card.CurrentStepType, StepForm)
		}
		form, ok := card.Step(StepForm)
		if !ok {
			t.Fatalf("got no form step")
		}
		i := slices.IndexFunc(form.Properties, func(p Property) bool { return p.Name == "anchor_time" })
		if i < 0 {
			t.Fatalf("got no anchor_time property")
		}
		if got := string(compactJSON(t, form.Properties[i].JSONSchema)); got != `{"type":"string","format":"date-time"}` {
			t.Errorf("got anchor_time json_schema %s, want it kept raw", got)
		}
	}
}

// checkProperties asserts every property has a name, a known kind and, when
// it has a schema, a JSON object.
func checkProperties(t *testing.T, card ReportCard) {
	t.Helper()
	kinds := []string{PropertyReadOnly, PropertyUserProvided, PropertyUserProvidedImmutable, PropertyUserProvidedAdvanced, PropertySystemProvidedByDefault}
	for _, s := range card.Steps {
		for _, p := range s.Properties {
			if p.Name == "" {
				t.Errorf("step %s: property without a name", s.Type)
			}
			if !slices.Contains(kinds, p.Kind()) {
				t.Errorf("property %s: got kind %q, want one of %v", p.Name, p.Kind(), kinds)
			}
			if p.HasSchema() && !bytes.HasPrefix(bytes.TrimSpace(p.JSONSchema), []byte("{")) {
				t.Errorf("property %s: got json_schema %s, want an object", p.Name, p.JSONSchema)
			}
		}
	}
}

func compactJSON(tb testing.TB, raw []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		tb.Fatalf("compact %s: %v", raw, err)
	}
	return b.Bytes()
}

func checkSource(t *testing.T, name string, data []byte) {
	var src Source
	mustDecodeStrict(t, data, &src)
	assertSource(t, src)
	switch name {
	case "source.platform.google-analytics.after-oauth.json":
		defs, ok := src.Properties["report_definitions"].([]any)
		if !ok || len(defs) != 1 {
			t.Errorf("got report_definitions %#v, want an array of 1", src.Properties["report_definitions"])
		}
		want := time.Date(2020, 6, 23, 1, 29, 17, 0, time.UTC)
		if src.PausedAt == nil || !src.PausedAt.Equal(want) {
			t.Errorf("got paused_at %v, want %v", src.PausedAt, want)
		}
		if src.ReportCard.CurrentStepType != StepFieldSelection {
			t.Errorf("got current_step_type %q, want %q", src.ReportCard.CurrentStepType, StepFieldSelection)
		}
	case "source.platform.toggl.legacy-data.json":
		if src.ReportCard.CurrentStep != 0 || len(src.ReportCard.Steps) == 0 {
			t.Errorf("got current_step %d with %d steps, want placeholder decoded to 0 and the steps kept", src.ReportCard.CurrentStep, len(src.ReportCard.Steps))
		}
	case "source.platform.github.fully-configured.json":
		if src.ID != 108726 || src.Schedule == nil || src.Schedule.Interval != 60 {
			t.Errorf("got id %d schedule %+v, want 108726 with a 60 minute interval", src.ID, src.Schedule)
		}
	}
}

func assertSource(t *testing.T, src Source) {
	t.Helper()
	if src.ID == 0 || src.Type == "" || src.DisplayName == "" {
		t.Errorf("got id %d type %q display_name %q, want all set", src.ID, src.Type, src.DisplayName)
	}
	if src.ReportCard.Type != src.Type {
		t.Errorf("got report card type %q, want %q", src.ReportCard.Type, src.Type)
	}
}

func checkSourceList(t *testing.T, _ string, data []byte) {
	var srcs []Source
	mustDecodeStrict(t, data, &srcs)
	if len(srcs) != 3 {
		t.Fatalf("got %d sources, want 3", len(srcs))
	}
	deleted := 0
	for _, s := range srcs {
		assertSource(t, s)
		if s.DeletedAt != nil {
			deleted++
		}
	}
	if deleted != 2 {
		t.Errorf("got %d deleted sources, want 2", deleted)
	}
}

func checkSourceProperties(t *testing.T, _ string, data []byte) {
	var v struct {
		Properties map[string]any `json:"properties"`
	}
	mustDecodeStrict(t, data, &v)
	if _, ok := v.Properties["token"].(map[string]any); !ok {
		t.Errorf("got token %#v, want an object", v.Properties["token"])
	}
}

func checkStream(t *testing.T, _ string, data []byte) {
	var s Stream
	mustDecodeStrict(t, data, &s)
	assertStream(t, s)
}

func assertStream(t *testing.T, s Stream) {
	t.Helper()
	if s.StreamID == 0 || s.TapStreamID == "" || s.StreamName == "" {
		t.Errorf("got stream %d %q %q, want id, tap_stream_id and name", s.StreamID, s.TapStreamID, s.StreamName)
	}
	if (s.Selected == nil) != (s.Metadata.Selected == nil) {
		t.Errorf("got selected %v and metadata.selected %v, want both set or both null", s.Selected, s.Metadata.Selected)
	}
}

func checkStreamList(t *testing.T, _ string, data []byte) {
	var streams []Stream
	mustDecodeStrict(t, data, &streams)
	if len(streams) == 0 {
		t.Fatalf("got no streams")
	}
	for _, s := range streams {
		assertStream(t, s)
	}
}

func checkStreamSchema(t *testing.T, name string, data []byte) {
	var s StreamSchema
	mustDecodeStrict(t, data, &s)
	var schema struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(s.Schema, &schema); err != nil {
		t.Fatalf("got schema %.80s, want a JSON object: %v", s.Schema, err)
	}
	if len(schema.Properties) == 0 {
		t.Errorf("got a schema without properties")
	}
	if len(s.Metadata) == 0 {
		t.Fatalf("got no metadata")
	}
	if _, ok := s.Entry(); !ok {
		t.Errorf("got no stream-level metadata entry")
	}
	for _, e := range s.Metadata {
		if e.IsStream() {
			continue
		}
		if e.FieldName() == "" {
			t.Errorf("got breadcrumb %v, want [properties NAME]", e.Breadcrumb)
		}
		if _, err := e.Field(); err != nil {
			t.Errorf("field metadata: %v", err)
		}
	}
	if name != "stream-schema.breadcrumb-explanation.json" && len(s.NonDiscoverableMetadataKeys) != 4 {
		t.Errorf("got non-discoverable keys %v, want 4", s.NonDiscoverableMetadataKeys)
	}
}

func checkConnectionCheck(t *testing.T, _ string, data []byte) {
	var cc ConnectionCheck
	mustDecodeStrict(t, data, &cc)
	if !slices.Contains([]string{CheckRunning, CheckSucceeded, CheckFailed}, cc.Status) {
		t.Errorf("got status %q, want running, succeeded or failed", cc.Status)
	}
	if cc.Status == CheckFailed && (!cc.Error || cc.DiscoveryErrorMessage == nil) {
		t.Errorf("got failed check with error %v message %v, want both", cc.Error, cc.DiscoveryErrorMessage)
	}
}

func checkStep(t *testing.T, _ string, data []byte) {
	var s Step
	mustDecodeStrict(t, data, &s)
	if s.Type == "" {
		t.Errorf("got a step without type")
	}
}

func checkEmptyObject(t *testing.T, _ string, data []byte) {
	var m map[string]any
	mustDecodeStrict(t, data, &m)
	if len(m) != 0 {
		t.Errorf("got %v, want {}", m)
	}
}

func checkDestination(t *testing.T, _ string, data []byte) {
	var d Destination
	mustDecodeStrict(t, data, &d)
	assertDestination(t, d)
}

func assertDestination(t *testing.T, d Destination) {
	t.Helper()
	if d.Type == "" || d.ReportCard.Type != d.Type || len(d.Properties) == 0 {
		t.Errorf("got destination type %q card %q with %d properties, want them set", d.Type, d.ReportCard.Type, len(d.Properties))
	}
}

func checkDestinationList(t *testing.T, _ string, data []byte) {
	var ds []Destination
	mustDecodeStrict(t, data, &ds)
	if len(ds) == 0 {
		t.Fatalf("got no destinations")
	}
	for _, d := range ds {
		assertDestination(t, d)
	}
}

func checkDetails(t *testing.T, _ string, data []byte) {
	var v struct {
		Details *Details `json:"details"`
	}
	mustDecodeStrict(t, data, &v)
	if v.Details == nil || v.Details.Protocol == "" || v.Details.PricingTier == "" {
		t.Errorf("got details %+v, want protocol and pricing tier", v.Details)
	}
}

// errorFileStatus reads the status from error.<resource>.<status>.….json.
func errorFileStatus(tb testing.TB, name string) int {
	tb.Helper()
	parts := strings.Split(name, ".")
	if len(parts) < 3 {
		tb.Fatalf("error file name %q has no status", name)
	}
	st, err := strconv.Atoi(parts[2])
	if err != nil {
		tb.Fatalf("error file name %q: status: %v", name, err)
	}
	return st
}

func checkErrorFile(t *testing.T, name string, data []byte) {
	status := errorFileStatus(t, name)
	e := ParseError(status, data)
	if e.Status != status || e.Message == "" {
		t.Errorf("got status %d message %q, want %d and a message", e.Status, e.Message, status)
	}
	if e.Message == http.StatusText(status) {
		t.Errorf("got the status text %q as message, want the body's message", e.Message)
	}
}

func checkErrorCatalog(t *testing.T, _ string, data []byte) {
	var entries []struct {
		Resource string          `json:"resource"`
		Status   int             `json:"status"`
		BodyKind string          `json:"body_kind"`
		Body     json.RawMessage `json:"body"`
	}
	mustDecode(t, data, &entries)
	if len(entries) < 40 {
		t.Fatalf("got %d catalog entries, want at least 40", len(entries))
	}
	for _, en := range entries {
		status := en.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		bodies := [][]byte{en.Body}
		switch en.BodyKind {
		case "string": // family E: try both the JSON-encoded and the raw form
			var s string
			mustDecode(t, en.Body, &s)
			bodies = append(bodies, []byte(s))
		case "none-documented":
			bodies = [][]byte{nil}
		}
		for _, b := range bodies {
			e := ParseError(status, b)
			if e.Message == "" || strings.HasPrefix(e.Message, "{") {
				t.Errorf("%s %d %s: got message %q, want a readable message", en.Resource, status, b, e.Message)
			}
		}
	}
}

func checkFieldMetadata(t *testing.T, _ string, data []byte) {
	var e MetadataEntry
	mustDecodeStrict(t, data, &e)
	f, err := e.Field()
	if err != nil {
		t.Fatalf("field metadata: %v", err)
	}
	if f.Inclusion == "" && len(f.FieldExclusions) == 0 {
		t.Errorf("got %+v, want inclusion or fieldExclusions", f)
	}
}

func checkStreamLevelMetadata(t *testing.T, name string, data []byte) {
	var e MetadataEntry
	mustDecodeStrict(t, data, &e)
	m, err := e.Stream()
	if err != nil {
		t.Fatalf("stream metadata: %v", err)
	}
	if len(m.TableKeyProperties) == 0 && len(m.ViewKeyProperties) == 0 {
		t.Errorf("got %+v, want key properties", m)
	}
	if strings.Contains(name, "google-analytics") {
		if _, ok := m.Extra["tap_google_analytics.all_cubes"]; !ok {
			t.Errorf("got extra keys %v, want tap_google_analytics.all_cubes kept", m.Extra)
		}
	}
}

func checkMetadataList(t *testing.T, _ string, data []byte) {
	var v struct {
		Metadata []MetadataEntry `json:"metadata"`
	}
	mustDecodeStrict(t, data, &v)
	if len(v.Metadata) < 2 || !v.Metadata[0].IsStream() {
		t.Errorf("got %d entries, want a stream entry first and fields", len(v.Metadata))
	}
}

func checkProperty(t *testing.T, name string, data []byte) {
	var p Property
	mustDecodeStrict(t, data, &p)
	want := strings.TrimSuffix(strings.TrimPrefix(name, "property."), ".json")
	if p.Kind() != want {
		t.Errorf("got kind %q, want %q (the file name)", p.Kind(), want)
	}
}

func checkCreateAccountRequest(t *testing.T, _ string, data []byte) {
	var req createAccountBody
	mustDecodeStrict(t, data, &req)
	if req.PartnerID == "" || req.Email == "" {
		t.Errorf("got %+v, want partner_id and email", req)
	}
}

func checkCreateDestinationRequest(t *testing.T, _ string, data []byte) {
	var req CreateDestinationRequest
	mustDecodeStrict(t, data, &req)
	if req.Type == "" || len(req.Properties) == 0 {
		t.Errorf("got %+v, want type and properties", req)
	}
}

func checkCreateSourceRequest(t *testing.T, _ string, data []byte) {
	var req CreateSourceRequest
	mustDecodeStrict(t, data, &req)
	if req.Type == "" || req.DisplayName == "" {
		t.Errorf("got %+v, want type and display_name", req)
	}
}

// checkPauseRequest asserts the documented body is what PauseSource or
// UnpauseSource sends.
func checkPauseRequest(t *testing.T, _ string, data []byte) {
	var v struct {
		PausedAt *time.Time `json:"paused_at"`
	}
	mustDecodeStrict(t, data, &v)
	want := `{"paused_at":null}`
	if v.PausedAt != nil {
		want = `{"paused_at":"` + v.PausedAt.Format(time.RFC3339) + `"}`
	}
	if got := string(compactJSON(t, data)); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func checkUpdateDestinationRequest(t *testing.T, _ string, data []byte) {
	var v struct {
		Properties map[string]any `json:"properties"`
	}
	mustDecodeStrict(t, data, &v)
	if len(v.Properties) == 0 {
		t.Errorf("got no properties")
	}
}

func checkUpdateMetadataRequest(t *testing.T, _ string, data []byte) {
	var v struct {
		Streams []StreamMetadataUpdate `json:"streams"`
	}
	mustDecodeStrict(t, data, &v)
	if len(v.Streams) == 0 || v.Streams[0].TapStreamID == "" || len(v.Streams[0].Metadata) == 0 {
		t.Fatalf("got %+v, want streams with tap_stream_id and metadata", v.Streams)
	}
	// Re-encoding must give back the same document (breadcrumb [] stays []).
	again, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	var a, b any
	mustDecode(t, data, &a)
	mustDecode(t, again, &b)
	if ja, jb := mustMarshal(t, a), mustMarshal(t, b); ja != jb {
		t.Errorf("got re-encoded %s, want %s", jb, ja)
	}
}

func mustMarshal(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	return string(b)
}

func checkUpdateSourceRequest(t *testing.T, _ string, data []byte) {
	var req UpdateSourceRequest
	mustDecodeStrict(t, data, &req)
	if len(req.Properties) == 0 {
		t.Errorf("got %+v, want properties", req)
	}
}

func checkAccount(t *testing.T, name string, data []byte) {
	var a Account
	mustDecodeStrict(t, data, &a)
	if a.AccessToken == "" {
		t.Errorf("got no access_token")
	}
	if name == "response.create-account.json" && a.StitchAccountID != 136715 {
		t.Errorf("got stitch_account_id %d, want 136715", a.StitchAccountID)
	}
	if name == "response.oauth-token.json" && a.TokenType != "bearer" {
		t.Errorf("got token_type %q, want bearer", a.TokenType)
	}
}

func checkSession(t *testing.T, _ string, data []byte) {
	var v struct {
		EphemeralToken string `json:"ephemeral_token"`
	}
	mustDecodeStrict(t, data, &v)
	if v.EphemeralToken == "" {
		t.Errorf("got no ephemeral_token")
	}
}

func checkReplicationJob(t *testing.T, name string, data []byte) {
	job, err := decodeReplicationJob(request{method: http.MethodPost, path: "v4/sources/1/sync"}, data)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	running := strings.Contains(name, "already-running")
	if job.AlreadyRunning != running || running && job.Message == "" || !running && job.JobName == "" {
		t.Errorf("got %+v, want already running = %v with a message or a job name", job, running)
	}
}

func checkStatusAnswer(t *testing.T, _ string, data []byte) {
	var v struct {
		Status int `json:"status"`
	}
	mustDecodeStrict(t, data, &v)
	if v.Status != http.StatusOK {
		t.Errorf("got status %d, want 200", v.Status)
	}
}

func checkSchedule(t *testing.T, _ string, data []byte) {
	var s Schedule
	mustDecodeStrict(t, data, &s)
	if s.Type == "" || s.NextFireTime == nil {
		t.Errorf("got %+v, want type and next_fire_time", s)
	}
}

// TestStreamSchemaRoundTrip checks the schema goes back out as a string.
func TestStreamSchemaRoundTrip(t *testing.T) {
	t.Parallel()
	data := mustReadExample(t, "stream-schema.saas.reference.json")
	var s StreamSchema
	mustDecode(t, data, &s)
	out, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var wire struct {
		Schema string `json:"schema"`
	}
	mustDecode(t, out, &wire)
	if wire.Schema != string(compactJSON(t, s.Schema)) {
		t.Errorf("got schema %.60q, want the compact schema as a string", wire.Schema)
	}
	var again StreamSchema
	mustDecode(t, out, &again)
	if !bytes.Equal(again.Schema, s.Schema) || len(again.Metadata) != len(s.Metadata) {
		t.Errorf("got %d entries and schema %.40s after round trip, want %d and %.40s", len(again.Metadata), again.Schema, len(s.Metadata), s.Schema)
	}
}

func TestStreamSchemaDecodeVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{name: "string", in: `{"schema":"{\"type\":\"object\"}"}`, want: `{"type":"object"}`},
		{name: "object", in: `{"schema":{"type":"object"}}`, want: `{"type":"object"}`},
		{name: "null", in: `{"schema":null}`, want: ``},
		{name: "empty string", in: `{"schema":""}`, want: ``},
		{name: "absent", in: `{}`, want: ``},
		{name: "invalid inner JSON", in: `{"schema":"{nope"}`, wantErr: true},
		{name: "wrong type", in: `{"metadata":3}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var s StreamSchema
			err := json.Unmarshal([]byte(tt.in), &s)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error %v", err, tt.wantErr)
			}
			if string(s.Schema) != tt.want {
				t.Errorf("got schema %q, want %q", s.Schema, tt.want)
			}
		})
	}
	var s StreamSchema
	s.Schema = json.RawMessage(`{broken`)
	if _, err := json.Marshal(s); err == nil {
		t.Errorf("got no error marshalling an invalid schema, want one")
	}
}

func TestStreamMetadataExtraRoundTrip(t *testing.T) {
	t.Parallel()
	in := `{"selected":true,"table-key-properties":["id"],"tap_google_analytics.all_cubes":["a","b"]}`
	var m StreamMetadata
	mustDecode(t, []byte(in), &m)
	if m.Selected == nil || !*m.Selected || len(m.TableKeyProperties) != 1 {
		t.Errorf("got %+v, want selected and one key", m)
	}
	if got := string(m.Extra["tap_google_analytics.all_cubes"]); got != `["a","b"]` {
		t.Errorf("got extra %q, want [\"a\",\"b\"]", got)
	}
	if _, ok := m.Extra["selected"]; ok {
		t.Errorf("got known key selected in Extra, want it only in the field")
	}
	out := mustMarshal(t, m)
	var back map[string]any
	mustDecode(t, []byte(out), &back)
	if _, ok := back["tap_google_analytics.all_cubes"]; !ok || back["selected"] != true {
		t.Errorf("got %s, want extra and known keys", out)
	}
	if err := json.Unmarshal([]byte(`[1]`), &m); err == nil {
		t.Errorf("got no error for an array, want one")
	}
}

func TestMetadataEntryMarshalNeverNull(t *testing.T) {
	t.Parallel()
	got := mustMarshal(t, MetadataEntry{})
	if got != `{"breadcrumb":[],"metadata":{}}` {
		t.Errorf("got %s, want empty array and object", got)
	}
	e := MetadataEntry{Breadcrumb: []string{"properties", "id"}, Metadata: map[string]any{"selected": make(chan int)}}
	if _, err := e.Field(); err == nil {
		t.Errorf("got no error for unencodable metadata, want one")
	}
	if _, err := e.Stream(); err == nil {
		t.Errorf("got no error for unencodable metadata, want one")
	}
	var target *json.UnsupportedTypeError
	if _, err := e.Field(); !errors.As(err, &target) {
		t.Errorf("got %v, want a wrapped *json.UnsupportedTypeError", err)
	}
}
