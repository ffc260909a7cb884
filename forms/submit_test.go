package forms

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
)

func prop(name, kind string, required, credential bool, schema string) connect.Property {
	p := connect.Property{Name: name, PropertyType: kind, IsRequired: required, IsCredential: credential}
	if schema != "" {
		p.JSONSchema = json.RawMessage(schema)
	}
	return p
}

func build(props ...connect.Property) *Form {
	return NewEngine(EngineOptions{}).Build("platform.test", connect.Step{Type: connect.StepForm, Properties: props}, nil, BuildOptions{})
}

const (
	freqSchema  = `{"type":"string","pattern":"^1$|^30$|^60$|^360$|^720$|^1440$"}`
	boolSchema  = `{"type":"string","pattern":"^(true|false)$"}`
	dateSchema  = `{"type":"string","pattern":"^\\d{4}-\\d{2}-\\d{2}T00:00:00Z$"}`
	portSchema  = `{"anyOf":[{"type":"integer"},{"type":"string","pattern":"^\\d+"}]}`
	hostSchema  = `{"type":"string","anyOf":[{"format":"hostname"},{"format":"ipv4"}]}`
	rowsSchema  = `{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"id":{"type":"string"}},"additionalProperties":false,"required":["name","id"]}}`
	linesSchema = `{"type":"array","items":{"type":"string"}}`
)

func TestWidgetDecodeAndValidate(t *testing.T) {
	cases := []struct {
		name    string
		p       connect.Property
		in      url.Values
		want    any    // the decoded value; nil = not sent
		message string // the field error, "" when valid
	}{
		{"select valid", prop("frequency_in_minutes", "user_provided", false, false, freqSchema), url.Values{"frequency_in_minutes": {"30"}}, "30", ""},
		{"select invalid", prop("frequency_in_minutes", "user_provided", false, false, freqSchema), url.Values{"frequency_in_minutes": {"45"}}, nil, "Choose how often to replicate"},
		{"select required missing", prop("frequency_in_minutes", "user_provided", true, false, freqSchema), url.Values{}, nil, "Choose how often to replicate"},
		{"enum", prop("api_catalog", "user_provided", true, false, `{"type":"string","enum":["Advertisers","Agencies"]}`), url.Values{"api_catalog": {"Agencies"}}, "Agencies", ""},
		{"enum invalid", prop("api_catalog", "user_provided", true, false, `{"type":"string","enum":["Advertisers","Agencies"]}`), url.Values{"api_catalog": {"Nope"}}, nil, "Choose one of the options for API catalog"},
		{"checkbox on", prop("ssl", "user_provided", false, false, boolSchema), url.Values{"ssl": {"true"}}, "true", ""},
		{"checkbox off, never set", prop("ssl", "user_provided", false, false, boolSchema), url.Values{}, nil, ""},
		{"checkbox off, required", prop("ssl", "user_provided", true, false, boolSchema), url.Values{}, "false", ""},
		{"boolean type", prop("ssl", "user_provided", true, false, `{"type":"boolean"}`), url.Values{"ssl": {"true"}}, true, ""},
		{"date", prop("start_date", "user_provided", true, false, dateSchema), url.Values{"start_date": {"2024-01-31"}}, "2024-01-31T00:00:00Z", ""},
		{"date invalid", prop("start_date", "user_provided", true, false, dateSchema), url.Values{"start_date": {"31/01/2024"}}, nil, "Enter a date, like 2024-01-31"},
		{"date missing", prop("start_date", "user_provided", true, false, dateSchema), url.Values{}, nil, "Enter the date to replicate from, like 2024-01-31"},
		{"date-time", prop("anchor_time", "user_provided", false, false, `{"type":"string","format":"date-time"}`), url.Values{"anchor_time": {"2024-01-31T09:30"}}, "2024-01-31T09:30:00Z", ""},
		{"port", prop("port", "user_provided", true, false, portSchema), url.Values{"port": {"3306"}}, "3306", ""},
		{"port letters", prop("port", "user_provided", true, false, portSchema), url.Values{"port": {"33o6"}}, nil, "Enter a port number between 1 and 65535"},
		{"numeric other", prop("page_size", "user_provided", false, false, `{"type":"string","pattern":"^\\d+$"}`), url.Values{"page_size": {"ten"}}, nil, "Enter a whole number, like 30"},
		{"integer type", prop("limit", "user_provided", false, false, `{"type":"integer"}`), url.Values{"limit": {"12"}}, json.Number("12"), ""},
		{"host name", prop("host", "user_provided", true, false, hostSchema), url.Values{"host": {"db.example.com"}}, "db.example.com", ""},
		{"host ip", prop("host", "user_provided", true, false, hostSchema), url.Values{"host": {"10.0.0.1"}}, "10.0.0.1", ""},
		{"host invalid", prop("host", "user_provided", true, false, hostSchema), url.Values{"host": {"not a host!"}}, nil, "Enter a host name or IP address, like db.example.com"},
		{"uri", prop("target", "user_provided", true, false, `{"type":"string","format":"uri"}`), url.Values{"target": {"https://x.example.com/api"}}, "https://x.example.com/api", ""},
		{"uri invalid", prop("target", "user_provided", true, false, `{"type":"string","format":"uri"}`), url.Values{"target": {"x.example.com"}}, nil, "Enter a full web address, like https://example.com"},
		{"uri with catalog words", prop("api_url", "user_provided", true, false, `{"type":"string","format":"uri"}`), url.Values{"api_url": {"x.example.com"}}, nil, "Enter a web address, like https://api.example.com"},
		{"null schema", prop("cron_expression", "user_provided", false, false, `null`), url.Values{"cron_expression": {" 0 0 6 * * ? "}}, "0 0 6 * * ?", ""},
		{"uncompilable schema", prop("weird", "user_provided", false, false, `{"type":"string","pattern":"(?=x)"}`), url.Values{"weird": {"anything"}}, "anything", ""},
		{"credential", prop("password", "user_provided", true, true, `{"type":"string"}`), url.Values{"password": {"s3cret"}}, "s3cret", ""},
		{"credential missing", prop("password", "user_provided", true, true, `{"type":"string"}`), url.Values{}, nil, "Enter your password"},
		{"lines", prop("source_names", "user_provided", false, false, linesSchema), url.Values{"source_names": {"a\n\n b \r\nc"}}, []any{"a", "b", "c"}, ""},
		{"pem", prop("ssl_key", "user_provided", false, true, `{"type":"string"}`), url.Values{"ssl_key": {"-----BEGIN KEY-----\nabc\n-----END KEY-----\n"}}, "-----BEGIN KEY-----\nabc\n-----END KEY-----", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := build(tc.p)
			props, ok := f.Decode(tc.in)
			got, sent := props[tc.p.Name]
			if tc.want == nil && sent {
				t.Fatalf("got %#v sent, want nothing sent", got)
			}
			if tc.want != nil && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
			fld := f.byName[tc.p.Name]
			if fld.Error != tc.message {
				t.Fatalf("got message %q, want %q", fld.Error, tc.message)
			}
			if ok != (tc.message == "") {
				t.Fatalf("ok: got %v, want %v", ok, tc.message == "")
			}
			if tc.p.IsCredential && fld.Value != "" {
				t.Fatalf("a secret was kept for re-display: %q", fld.Value)
			}
		})
	}
}

func TestWidgets(t *testing.T) {
	f := build(
		prop("frequency_in_minutes", "user_provided", false, false, freqSchema),
		prop("ssl", "user_provided", false, false, boolSchema),
		prop("start_date", "user_provided", true, false, dateSchema),
		prop("port", "user_provided", true, false, portSchema),
		prop("password", "user_provided", true, true, `{"type":"string"}`),
		prop("ssl_ca", "user_provided", false, false, `{"type":"string"}`),
		prop("report_definitions", "user_provided", false, false, rowsSchema),
		prop("image_version", "read_only", true, false, "null"),
		prop("client_secret", "system_provided_by_default", true, true, `{"type":"string"}`),
		prop("itersize", "user_provided_advanced", false, false, `{"type":"string"}`),
	)
	want := map[string]struct {
		widget Widget
		input  string
	}{
		"frequency_in_minutes": {WidgetSelect, "text"},
		"ssl":                  {WidgetCheckbox, "text"},
		"start_date":           {WidgetInput, "date"},
		"port":                 {WidgetInput, "text"},
		"password":             {WidgetInput, "password"},
		"ssl_ca":               {WidgetTextarea, ""},
		"report_definitions":   {WidgetRows, "text"},
	}
	for name, w := range want {
		fld, ok := f.byName[name]
		if !ok {
			t.Fatalf("%s not on the form", name)
		}
		if fld.Widget != w.widget || fld.InputType != w.input {
			t.Errorf("%s: got %s/%s, want %s/%s", name, fld.Widget, fld.InputType, w.widget, w.input)
		}
	}
	if f.byName["port"].InputMode != "numeric" || f.byName["password"].Autocomplete != "new-password" {
		t.Error("port needs inputmode=numeric and password autocomplete=new-password")
	}
	if _, shown := f.byName["image_version"]; shown {
		t.Error("read_only property shown")
	}
	if _, shown := f.byName["client_secret"]; shown {
		t.Error("system_provided_by_default shown without OwnOAuth")
	}
	opts := f.byName["frequency_in_minutes"].Options
	if len(opts) != 7 || opts[0].Label != "Choose…" || opts[2].Label != "Every 30 minutes" {
		t.Errorf("frequency options: got %+v", opts)
	}
	var legends []string
	for _, g := range f.Groups {
		legends = append(legends, g.ID)
		if g.ID == "advanced" && !g.Collapsible {
			t.Error("advanced settings must be collapsible")
		}
		if g.ID == "ssl" && (g.Switch == nil || g.Switch.Name != "ssl") {
			t.Error("the SSL group needs the ssl checkbox as its switch")
		}
	}
	if strings.Join(legends, ",") != "connection,ssl,schedule,advanced" {
		t.Errorf("groups: got %v", legends)
	}
	own := NewEngine(EngineOptions{}).Build("t", connect.Step{Properties: []connect.Property{prop("client_secret", "system_provided_by_default", true, true, `{"type":"string"}`)}}, nil, BuildOptions{OwnOAuth: true})
	if _, shown := own.byName["client_secret"]; !shown {
		t.Error("system_provided_by_default hidden in own-OAuth mode")
	}
}

func TestRows(t *testing.T) {
	f := build(prop("report_definitions", "user_provided", true, false, rowsSchema))
	// Add a row without JavaScript: the form comes back with two rows, not judged.
	_, ok := f.Decode(url.Values{"report_definitions[0].name": {"Traffic"}, "report_definitions[0].id": {"a1"}, "_add": {"report_definitions"}})
	if kind, prop, _ := f.Action(); ok || kind != ActionKindAdd || prop != "report_definitions" {
		t.Fatalf("add: got ok=%v action=%s %s", ok, kind, prop)
	}
	fld := f.byName["report_definitions"]
	if len(fld.Rows) != 2 || fld.Rows[0].Cells[0].Value != "Traffic" || fld.Rows[1].Cells[0].Name != "report_definitions[1].name" || fld.Error != "" {
		t.Fatalf("rows after add: %+v", fld.Rows)
	}
	// Remove the first of two rows.
	f = build(prop("report_definitions", "user_provided", true, false, rowsSchema))
	f.Decode(url.Values{"report_definitions[0].name": {"A"}, "report_definitions[0].id": {"1"}, "report_definitions[1].name": {"B"}, "report_definitions[1].id": {"2"}, "_remove": {"report_definitions[0]"}})
	fld = f.byName["report_definitions"]
	if len(fld.Rows) != 1 || fld.Rows[0].Cells[0].Value != "B" || fld.Rows[0].Cells[0].Name != "report_definitions[0].name" {
		t.Fatalf("rows after remove: %+v", fld.Rows[0].Cells[0])
	}
	// Save: empty rows dropped, a half-filled row reported.
	f = build(prop("report_definitions", "user_provided", true, false, rowsSchema))
	props, ok := f.Decode(url.Values{"report_definitions[0].name": {"A"}, "report_definitions[0].id": {"1"}, "report_definitions[3].name": {""}, "report_definitions[3].id": {""}})
	if !ok || !reflect.DeepEqual(props["report_definitions"], []any{map[string]any{"name": "A", "id": "1"}}) {
		t.Fatalf("save: got %v %#v", ok, props["report_definitions"])
	}
	f = build(prop("report_definitions", "user_provided", true, false, rowsSchema))
	if _, ok := f.Decode(url.Values{"report_definitions[0].name": {"A"}}); ok {
		t.Fatal("a row without its id was accepted")
	}
	if msg := f.byName["report_definitions"].Rows[0].Cells[1].Error; msg != "Enter the ID of report 1" {
		t.Fatalf("cell message: got %q", msg)
	}
	f = build(prop("report_definitions", "user_provided", true, false, rowsSchema))
	if _, ok := f.Decode(url.Values{}); ok || f.byName["report_definitions"].Error == "" {
		t.Fatal("a required repeatable group with no rows was accepted")
	}
}

func TestEditCredentialsAndImmutable(t *testing.T) {
	step := connect.Step{Type: connect.StepForm, Properties: []connect.Property{
		{Name: "password", PropertyType: "user_provided", IsRequired: true, IsCredential: true, Provided: true, JSONSchema: json.RawMessage(`{"type":"string"}`)},
		{Name: "api_key", PropertyType: "user_provided", IsRequired: false, IsCredential: true, Provided: true},
		{Name: "sandbox", PropertyType: "user_provided_immutable", IsRequired: false, Provided: true, JSONSchema: json.RawMessage(boolSchema)},
		{Name: "host", PropertyType: "user_provided", IsRequired: true, Provided: true, JSONSchema: json.RawMessage(hostSchema)},
	}}
	cur := map[string]any{"sandbox": "true", "host": "db.example.com"}
	e := NewEngine(EngineOptions{})
	cases := []struct {
		name    string
		in      url.Values
		want    map[string]any
		message string
	}{
		{"keep everything", url.Values{"host": {"db.example.com"}}, map[string]any{"host": "db.example.com"}, ""},
		{"replace the password", url.Values{"_choice.password": {"replace"}, "password": {"new"}, "host": {"db.example.com"}}, map[string]any{"host": "db.example.com", "password": "new"}, ""},
		{"replace without a value", url.Values{"_choice.password": {"replace"}, "host": {"db.example.com"}}, map[string]any{"host": "db.example.com"}, "Enter the new password, or keep the saved one"},
		{"clear the optional key", url.Values{"_choice.api_key": {"clear"}, "host": {"db.example.com"}}, map[string]any{"host": "db.example.com", "api_key": nil}, ""},
		{"clear a required password is refused", url.Values{"_choice.password": {"clear"}, "host": {"db.example.com"}}, map[string]any{"host": "db.example.com"}, ""},
		{"immutable ignored", url.Values{"sandbox": {"false"}, "host": {"db.example.com"}}, map[string]any{"host": "db.example.com"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := e.Build("platform.test", step, cur, BuildOptions{Edit: true})
			if !f.byName["sandbox"].ReadOnly || !f.byName["password"].Saved || f.byName["password"].CanClear || !f.byName["api_key"].CanClear {
				t.Fatal("edit mode: immutable must be read-only; saved credentials offer keep/replace, clear only when optional")
			}
			props, _ := f.Decode(tc.in)
			if !reflect.DeepEqual(props, tc.want) {
				t.Fatalf("got %#v, want %#v", props, tc.want)
			}
			if got := f.byName["password"].Error; got != tc.message {
				t.Fatalf("message: got %q, want %q", got, tc.message)
			}
		})
	}
}

func TestAPIErrors(t *testing.T) {
	f := build(prop("port", "user_provided", true, false, portSchema), prop("host", "user_provided", true, false, hostSchema))
	f.AddAPIErrors([]string{"port", "not_on_form"}, "properties do not match schema")
	errs := f.Errors()
	if len(errs) != 1 || errs[0].ID != "port" || errs[0].Message != "Enter a port number between 1 and 65535" {
		t.Fatalf("got %+v", errs)
	}
	f = build(prop("port", "user_provided", true, false, portSchema))
	f.AddAPIErrors(nil, "access to cron_expression based scheduling is not permitted")
	errs = f.Errors()
	if len(errs) != 1 || errs[0].ID != "" || !strings.Contains(errs[0].Message, "cron_expression") {
		t.Fatalf("unnamed problem: got %+v", errs)
	}
	f.AddError("display_name", "Enter a name")
	f.AddError("submit", "Stitch did not answer")
	errs = f.Errors()
	if errs[0].ID != "display_name" || errs[len(errs)-1].ID != "submit" {
		t.Fatalf("summary order: got %+v", errs)
	}
}

func TestTypeNamesAndHumanize(t *testing.T) {
	cases := map[string]string{"platform.hubspot": "HubSpot", "platform.s3-csv": "Amazon S3 CSV", "bigquery_v2": "Google BigQuery", "platform.made-up-thing": "Made Up Thing"}
	for typ, want := range cases {
		if got := NewEngine(EngineOptions{}).TypeName(typ); got != want {
			t.Errorf("TypeName(%s): got %q, want %q", typ, got, want)
		}
	}
	if got := Humanize("filter_dbs"); got != "Filter dbs" {
		t.Errorf("Humanize: got %q", got)
	}
	if got := NewEngine(EngineOptions{}).OptionLabel("frequency_in_minutes", "1440"); got != "Once a day" {
		t.Errorf("OptionLabel: got %q", got)
	}
}
