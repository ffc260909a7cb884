package forms

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
)

// mustBuildWith builds one step of properties for a type with options and saved values.
func mustBuildWith(tb testing.TB, typ string, cur map[string]any, opts BuildOptions, props ...connect.Property) *Form {
	tb.Helper()
	f := NewEngine(EngineOptions{}).Build(typ, connect.Step{Type: connect.StepForm, Properties: props}, cur, opts)
	if f == nil {
		tb.Fatal("Build returned nil")
	}
	return f
}

func provide(p connect.Property) connect.Property { p.Provided = true; return p }

// TestDecodeCases completes TestWidgetDecodeAndValidate: each widget with a
// valid and an invalid value, the exact message, and the value sent.
func TestDecodeCases(t *testing.T) {
	t.Parallel()
	const (
		pgHost     = `{"anyOf":[{"type":"string","format":"ipv4"},{"type":"string","format":"ipv6"},{"type":"string","format":"hostname"}]}`
		looseBool  = `{"type":"string","pattern":"^(true|false)"}`
		pgPort     = `{"type":"string","pattern":"^\\d+$"}`
		decimal    = `{"type":"string","pattern":"^\\d+.?\\d*$"}`
		outFormat  = `{"type":"string","pattern":"^(csv|jsonl)$"}`
		boolEnum   = `{"enum":[true,false]}`
		dateTime   = `{"type":"string","format":"date-time"}`
		emailSch   = `{"type":"string","format":"email"}`
		uriSch     = `{"type":"string","format":"uri"}`
		plainStr   = `{"type":"string"}`
		nested     = `{"type":"string","pattern":"^(a+)+$"}`
		lookaround = `{"type":"string","pattern":"^(?=x)x$"}`
	)
	cases := []struct {
		name    string
		typ     string
		p       connect.Property
		cur     map[string]any
		opts    BuildOptions
		in      url.Values
		want    any // nil: not sent
		message string
	}{
		// Selects.
		{name: "frequency every 30 minutes", p: prop("frequency_in_minutes", "user_provided", true, false, freqSchema), in: url.Values{"frequency_in_minutes": {"30"}}, want: "30"},
		{name: "frequency once a day", p: prop("frequency_in_minutes", "user_provided", true, false, freqSchema), in: url.Values{"frequency_in_minutes": {"1440"}}, want: "1440"},
		{name: "frequency not an option", p: prop("frequency_in_minutes", "user_provided", true, false, freqSchema), in: url.Values{"frequency_in_minutes": {"300"}}, message: "Choose how often to replicate"},
		{name: "pattern select", p: prop("output_file_format", "user_provided", true, false, outFormat), in: url.Values{"output_file_format": {"jsonl"}}, want: "jsonl"},
		{name: "pattern select invalid", p: prop("output_file_format", "user_provided", true, false, outFormat), in: url.Values{"output_file_format": {"xml"}}, message: "Choose one of the options for output file format"},
		{name: "pattern select missing", p: prop("output_file_format", "user_provided", true, false, outFormat), in: url.Values{}, message: "Choose an output file format"},
		// Checkboxes.
		{name: "unanchored boolean pattern", p: prop("ssh", "user_provided", false, false, looseBool), in: url.Values{"ssh": {"true"}}, want: "true"},
		{name: "checkbox ignores other values", p: prop("ssh", "user_provided", false, false, looseBool), in: url.Values{"ssh": {"trueish"}}},
		{name: "checkbox turned off on edit", p: provide(prop("ssl", "user_provided", false, false, boolSchema)), cur: map[string]any{"ssl": "true"}, opts: BuildOptions{Edit: true}, in: url.Values{}, want: "false"},
		{name: "checkbox saved true, left on", p: provide(prop("ssl", "user_provided", false, false, boolSchema)), cur: map[string]any{"ssl": "true"}, opts: BuildOptions{Edit: true}, in: url.Values{"ssl": {"true"}}, want: "true"},
		{name: "checkbox default true unticked on create", p: prop("ssl", "user_provided", false, false, boolSchema), cur: map[string]any{"ssl": "true"}, in: url.Values{}, want: "false"},
		{name: "boolean type unticked, optional, never set", p: prop("ssl", "user_provided", false, false, `{"type":"boolean"}`), in: url.Values{}},
		{name: "boolean type unticked, required", p: prop("ssl", "user_provided", true, false, `{"type":"boolean"}`), in: url.Values{}, want: false},
		{name: "boolean enum", p: prop("sandbox", "user_provided", true, false, boolEnum), in: url.Values{"sandbox": {"true"}}, want: true},
		// Dates.
		{name: "start date", p: prop("start_date", "user_provided", true, false, dateSchema), in: url.Values{"start_date": {" 2024-01-31 "}}, want: "2024-01-31T00:00:00Z"},
		{name: "start date impossible day", p: prop("start_date", "user_provided", true, false, dateSchema), in: url.Values{"start_date": {"2024-02-30"}}, message: "Enter a date, like 2024-01-31"},
		{name: "start date, unknown name", p: prop("since", "user_provided", true, false, dateSchema), in: url.Values{"since": {"01/31/2024"}}, message: "Enter a date, like 2024-01-31"},
		{name: "date-time local", p: prop("anchor_time", "user_provided", false, false, dateTime), in: url.Values{"anchor_time": {"2024-01-31T09:30"}}, want: "2024-01-31T09:30:00Z"},
		{name: "date-time with offset to UTC", p: prop("anchor_time", "user_provided", false, false, dateTime), in: url.Values{"anchor_time": {"2024-01-31T10:30:00+01:00"}}, want: "2024-01-31T09:30:00Z"},
		{name: "date-time invalid", p: prop("sync_after", "user_provided", false, false, dateTime), in: url.Values{"sync_after": {"tomorrow"}}, message: "Enter a date and time, like 2024-01-31 09:30"},
		// Numbers and ports.
		{name: "port of MySQL", typ: "platform.mysql", p: prop("port", "user_provided", true, false, portSchema), in: url.Values{"port": {"3306"}}, want: "3306"},
		{name: "port with a sign", typ: "platform.mysql", p: prop("port", "user_provided", true, false, portSchema), in: url.Values{"port": {"-3306"}}, message: "Enter a port number, like 3306"},
		{name: "port missing", typ: "platform.mysql", p: prop("port", "user_provided", true, false, portSchema), in: url.Values{}, message: "Enter the port your server listens on, like 3306"},
		{name: "port of Postgres", typ: "postgres", p: prop("port", "user_provided", true, false, pgPort), in: url.Values{"port": {"5432x"}}, message: "Enter a port number, like 5432"},
		{name: "SSH port", p: prop("ssh_port", "user_provided", false, false, `{"type":"string","pattern":"^\\d+"}`), in: url.Values{"ssh_port": {"22 "}}, want: "22"},
		{name: "SSH port invalid", p: prop("ssh_port", "user_provided", false, false, `{"type":"string","pattern":"^\\d+"}`), in: url.Values{"ssh_port": {"22a"}}, message: "Enter a port number, like 22"},
		{name: "integer type", p: prop("marketplace_app_id", "user_provided", true, false, `{"type":"integer"}`), in: url.Values{"marketplace_app_id": {"1.5"}}, message: "Enter a whole number, like 30"},
		{name: "decimal", p: prop("search_window_size", "user_provided", false, false, decimal), in: url.Values{"search_window_size": {"2.5"}}, want: "2.5"},
		{name: "decimal invalid", p: prop("search_window_size", "user_provided", false, false, decimal), in: url.Values{"search_window_size": {"two"}}, message: "Enter a number, like 2.5"},
		// Hosts, addresses.
		{name: "host ipv6", p: prop("host", "user_provided", true, false, pgHost), in: url.Values{"host": {"::1"}}, want: "::1"},
		{name: "host with a port", p: prop("host", "user_provided", true, false, hostSchema), in: url.Values{"host": {"db.example.com:3306"}}, message: "Enter a host name or IP address, like db.example.com"},
		{name: "host with a scheme", p: prop("host", "user_provided", true, false, pgHost), in: url.Values{"host": {"https://db.example.com"}}, message: "Enter a host name or IP address, like db.example.com"},
		{name: "host missing", p: prop("host", "user_provided", true, false, hostSchema), in: url.Values{"host": {"  "}}, message: "Enter the host name or IP address of your server"},
		{name: "SSH host", p: prop("ssh_host", "user_provided", false, false, hostSchema), in: url.Values{"ssh_host": {"bastion example"}}, message: "Enter a host name or IP address, like bastion.example.com"},
		{name: "uri relative", p: prop("endpoint", "user_provided", true, false, uriSch), in: url.Values{"endpoint": {"/api/v1"}}, message: "Enter a full web address, like https://example.com"},
		{name: "uri", p: prop("endpoint", "user_provided", true, false, uriSch), in: url.Values{"endpoint": {"https://api.example.com/v1"}}, want: "https://api.example.com/v1"},
		{name: "email", p: prop("email", "user_provided", true, false, emailSch), in: url.Values{"email": {"name@example.com"}}, want: "name@example.com"},
		{name: "email invalid", p: prop("email", "user_provided", true, false, emailSch), in: url.Values{"email": {"name.example.com"}}, message: "Enter an email address, like name@example.com"},
		// Plain text and unusable schemas.
		{name: "null schema keeps spaces inside", p: prop("cron_expression", "user_provided", false, false, "null"), in: url.Values{"cron_expression": {"0 0 6 * * ?"}}, want: "0 0 6 * * ?"},
		{name: "no schema at all", p: prop("streams", "user_provided", true, false, ""), in: url.Values{"streams": {"a,b"}}, want: "a,b"},
		{name: "lookaround does not compile", p: prop("weird", "user_provided", true, false, lookaround), in: url.Values{"weird": {"y"}}, want: "y"},
		{name: "nested quantifier compiles and validates", p: prop("aaa", "user_provided", true, false, nested), in: url.Values{"aaa": {strings.Repeat("a", 50000) + "!"}}, message: "Check the aaa: it is not in the expected format"},
		{name: "optional empty not sent", p: prop("database", "user_provided", false, false, plainStr), in: url.Values{"database": {""}}},
		// Required messages.
		{name: "required text", p: prop("company_id", "user_provided", true, false, plainStr), in: url.Values{}, message: "Enter a company ID"},
		{name: "required text, vowel", p: prop("account_name", "user_provided", true, false, plainStr), in: url.Values{}, message: "Enter an account name"},
		{name: "required text, acronym", p: prop("api_guid", "user_provided", true, false, plainStr), in: url.Values{}, message: "Enter an API GUID"},
		{name: "required text, acronym with a digit", p: prop("s3_key_format_string", "user_provided", true, false, plainStr), in: url.Values{}, message: "Enter an S3 key format string"},
		{name: "required text, plural", p: prop("channel_ids", "user_provided", true, false, plainStr), in: url.Values{}, message: "Enter the channel IDs"},
		{name: "required text, user", p: prop("user_token", "user_provided", true, false, plainStr), in: url.Values{}, message: "Enter a user token"},
		{name: "required lines", p: prop("source_names", "user_provided", true, false, linesSchema), in: url.Values{"source_names": {"\n \n"}}, message: "Enter at least one source name"},
		{name: "required rows", p: prop("report_definitions", "user_provided", true, false, rowsSchema), in: url.Values{"report_definitions[0].name": {""}}, message: "Add at least one report"},
		// Credentials.
		{name: "credential invalid never echoed", p: prop("sentinel_key", "user_provided", true, true, `{"type":"string","pattern":"^stitch-challenge-file-.*$"}`), in: url.Values{"sentinel_key": {"hunter2"}}, message: "Check the sentinel key: it is not in the expected format"},
		{name: "credential PEM trimmed", p: prop("ssl_key", "user_provided", false, true, plainStr), in: url.Values{"ssl_key": {"\r\n-----BEGIN KEY-----\r\nk\r\n-----END KEY-----\r\n"}}, want: "-----BEGIN KEY-----\r\nk\r\n-----END KEY-----"},
		{name: "saved credential kept", p: provide(prop("password", "user_provided", true, true, plainStr)), opts: BuildOptions{Edit: true}, in: url.Values{"password": {""}}},
		{name: "saved credential, unknown choice is keep", p: provide(prop("password", "user_provided", true, true, plainStr)), opts: BuildOptions{Edit: true}, in: url.Values{"_choice.password": {"drop"}}},
		{name: "saved credential replaced", p: provide(prop("api_key", "user_provided", false, true, plainStr)), opts: BuildOptions{Edit: true}, in: url.Values{"_choice.api_key": {"replace"}, "api_key": {" k2 "}}, want: "k2"},
		{name: "saved credential replaced, invalid", p: provide(prop("sentinel_key", "user_provided", false, true, `{"type":"string","pattern":"^stitch-challenge-file-.*$"}`)), opts: BuildOptions{Edit: true}, in: url.Values{"_choice.sentinel_key": {"replace"}, "sentinel_key": {"nope"}}, message: "Check the sentinel key: it is not in the expected format"},
		// Immutable and hidden properties.
		{name: "immutable on create is editable", p: prop("sandbox", "user_provided_immutable", false, false, boolSchema), in: url.Values{"sandbox": {"true"}}, want: "true"},
		{name: "immutable on edit is not sent", p: provide(prop("api_type", "user_provided_immutable", true, false, `{"type":"string","pattern":"^(REST|BULK)$"}`)), cur: map[string]any{"api_type": "BULK"}, opts: BuildOptions{Edit: true}, in: url.Values{"api_type": {"REST"}}},
		{name: "own OAuth app sends the client id", p: prop("client_id", "system_provided_by_default", true, true, plainStr), opts: BuildOptions{OwnOAuth: true}, in: url.Values{"client_id": {"abc"}}, want: "abc"},
		{name: "no own OAuth app, client id never read", p: prop("client_id", "system_provided_by_default", true, true, plainStr), in: url.Values{"client_id": {"abc"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			typ := tc.typ
			if typ == "" {
				typ = "platform.test"
			}
			f := mustBuildWith(t, typ, tc.cur, tc.opts, tc.p)
			props, ok := f.Decode(tc.in)
			got, sent := props[tc.p.Name]
			switch {
			case tc.want == nil && sent:
				t.Fatalf("got %#v sent, want nothing sent", got)
			case tc.want != nil && !reflect.DeepEqual(got, tc.want):
				t.Fatalf("got %#v (%T), want %#v (%T)", got, got, tc.want, tc.want)
			}
			var msg string
			if fld := f.byName[tc.p.Name]; fld != nil {
				msg = fld.Error
				if fld.Credential && fld.Value != "" {
					t.Fatalf("secret kept for re-display: got %q, want \"\"", fld.Value)
				}
			}
			if msg != tc.message {
				t.Fatalf("got message %q, want %q", msg, tc.message)
			}
			if ok != (tc.message == "") {
				t.Fatalf("ok: got %v, want %v (errors %+v)", ok, tc.message == "", f.Errors())
			}
		})
	}
}

func TestWidgetChoice(t *testing.T) {
	t.Parallel()
	f := mustBuildWith(t, "platform.test", nil, BuildOptions{},
		prop("ssl_key", "user_provided", false, true, `{"type":"string"}`),
		prop("cron_expression", "user_provided", false, false, "null"),
		prop("weird", "user_provided", false, false, `{"type":"string","pattern":"(?<=a)b"}`),
		prop("broken", "user_provided", false, false, `{"type":"nonsense"}`),
		prop("api_catalog", "user_provided", true, false, `{"type":"string","enum":["Advertisers","Agencies","Partners"]}`),
		prop("sandbox", "user_provided", false, false, `{"enum":[true,false]}`),
		prop("source_names", "user_provided", false, false, linesSchema),
		prop("email", "user_provided", false, false, `{"type":"string","format":"email"}`),
		prop("endpoint", "user_provided", false, false, `{"type":"string","format":"uri"}`),
	)
	want := map[string]struct {
		widget                Widget
		input, mode, complete string
	}{
		"ssl_key":         {WidgetTextarea, "", "", "off"},
		"cron_expression": {WidgetInput, "text", "", ""},
		"weird":           {WidgetInput, "text", "", ""},
		"broken":          {WidgetInput, "text", "", ""},
		"api_catalog":     {WidgetSelect, "text", "", ""},
		"sandbox":         {WidgetCheckbox, "text", "", ""},
		"source_names":    {WidgetTextarea, "text", "", ""},
		"email":           {WidgetInput, "email", "", "email"},
		"endpoint":        {WidgetInput, "url", "", ""},
	}
	for name, w := range want {
		fld := f.byName[name]
		if fld == nil {
			t.Fatalf("%s: not on the form", name)
		}
		if fld.Widget != w.widget || fld.InputType != w.input || fld.InputMode != w.mode || fld.Autocomplete != w.complete {
			t.Errorf("%s: got %s/%s/%s/%s, want %s/%s/%s/%s", name, fld.Widget, fld.InputType, fld.InputMode, fld.Autocomplete, w.widget, w.input, w.mode, w.complete)
		}
	}
	if !f.byName["ssl_key"].Monospace || !f.byName["ssl_key"].Credential {
		t.Error("ssl_key: got a plain textarea, want a monospace secret textarea")
	}
	if got := f.byName["source_names"].Hint; got != "Write one per line." {
		t.Errorf("lines hint: got %q, want %q", got, "Write one per line.")
	}
	opts := f.byName["api_catalog"].Options
	if len(opts) != 4 || opts[0].Value != "" || opts[1] != (Option{Value: "Advertisers", Label: "Advertisers"}) {
		t.Errorf("enum options: got %+v, want Choose… then the three values", opts)
	}
}

// TestUnusableSchemaLoggedOnce: a schema that fails to compile becomes a
// text field, is compiled (and logged) once, and never panics.
func TestUnusableSchemaLoggedOnce(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, nil))
	e := NewEngine(EngineOptions{Logger: log})
	step := connect.Step{Type: "form", Properties: []connect.Property{prop("weird", "user_provided", true, false, `{"type":"string","pattern":"(?=x)"}`)}}
	for i := 0; i < 3; i++ {
		f := e.Build("platform.test", step, nil, BuildOptions{})
		if fld := f.byName["weird"]; fld == nil || fld.Widget != WidgetInput || fld.spec.compileOK {
			t.Fatalf("got %+v, want a plain text field from a failed compile", fld)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(buf.String(), "json_schema unusable"); n != 1 {
		t.Fatalf("got %d log lines, want 1:\n%s", n, buf.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func TestSchemaCompiledOnce(t *testing.T) {
	t.Parallel()
	e := NewEngine(EngineOptions{})
	a := e.schema.get(json.RawMessage(hostSchema))
	b := e.schema.get(json.RawMessage(" " + hostSchema + "\n"))
	if a != b || a.schema == nil {
		t.Fatalf("got %p and %p, want one compiled spec", a, b)
	}
	if e.schema.get(nil) != plainText || e.schema.get(json.RawMessage("null")) != plainText {
		t.Fatal("a missing schema: got a compiled spec, want plain text")
	}
}

func TestGroups(t *testing.T) {
	t.Parallel()
	f := mustBuildWith(t, "platform.mysql", nil, BuildOptions{},
		prop("host", "user_provided", true, false, hostSchema),
		prop("ssh", "user_provided", false, false, `{"type":"string","pattern":"^(true|false)"}`),
		prop("ssh_host", "user_provided", false, false, hostSchema),
		prop("ssh_port", "user_provided", false, false, `{"type":"string","pattern":"^\\d+"}`),
		prop("ssl", "user_provided", false, false, `{"type":"string","pattern":"^(true|false)"}`),
		prop("check_hostname", "user_provided", false, false, `{"type":"string","pattern":"^(true|false)"}`),
		prop("verify_mode", "user_provided_advanced", false, false, `{"type":"string","pattern":"^(true|false)"}`),
		prop("incremental_limit", "user_provided_advanced", false, false, `{"type":"string"}`),
		prop("encryption_type", "user_provided", true, false, `{"type":"string","pattern":"^(ssh|none)$"}`),
		prop("encryption_host", "user_provided", false, false, hostSchema),
		prop("start_date", "user_provided", true, false, dateSchema),
	)
	got := map[string][]string{}
	var order []string
	for _, g := range f.Groups {
		order = append(order, g.ID)
		if g.Switch != nil {
			got[g.ID] = append(got[g.ID], "switch:"+g.Switch.Name)
		}
		for _, fld := range g.Fields {
			got[g.ID] = append(got[g.ID], fld.Name)
		}
		if g.Collapsible != (g.ID == groupAdvanced) {
			t.Errorf("%s: collapsible %v", g.ID, g.Collapsible)
		}
		if g.Legend == "" {
			t.Errorf("%s: no legend", g.ID)
		}
	}
	want := map[string][]string{
		"connection": {"host"},
		"ssh":        {"switch:ssh", "ssh_host", "ssh_port"},
		"ssl":        {"switch:ssl", "check_hostname"},
		"encryption": {"switch:encryption_type", "encryption_host"},
		"schedule":   {"start_date"},
		"advanced":   {"incremental_limit", "verify_mode"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if strings.Join(order, ",") != "connection,ssh,ssl,encryption,schedule,advanced" {
		t.Fatalf("group order: got %v", order)
	}
	// An error inside the closed advanced group opens it.
	f.Decode(url.Values{"host": {"db"}, "encryption_type": {"none"}, "start_date": {"2024-01-01"}, "incremental_limit": {""}})
	adv := f.Groups[len(f.Groups)-1]
	if adv.HasErrors() {
		t.Fatal("advanced group: got errors, want none")
	}
	f.AddAPIErrors([]string{"incremental_limit"}, "")
	if !adv.HasErrors() {
		t.Fatal("advanced group with an API error: got no errors, want open")
	}
}

// TestIDsUniqueWithDerived: ids of fields, cells, hints, errors and the
// radios of saved credentials never collide, even with hostile names.
func TestIDsUniqueWithDerived(t *testing.T) {
	t.Parallel()
	cases := map[string][]connect.Property{
		"derived names": {
			provide(prop("password", "user_provided", false, true, `{"type":"string"}`)),
			prop("password-keep", "user_provided", false, false, ""),
			prop("host-hint", "user_provided", false, false, ""),
			prop("host", "user_provided", false, false, ""),
			prop("host-2", "user_provided", false, false, ""),
			prop("r-0-name", "user_provided", false, false, ""),
			prop("r", "user_provided", false, false, rowsSchema),
		},
		"unsafe names": {
			prop("a.b", "user_provided", false, false, ""),
			prop("a-b", "user_provided", false, false, ""),
			prop("a b", "user_provided", false, false, ""),
			prop("1a", "user_provided", false, false, ""),
			prop("f-1a", "user_provided", false, false, ""),
			prop(strings.Repeat("x", 70), "user_provided", false, false, ""),
			prop(strings.Repeat("x", 71), "user_provided", false, false, ""),
		},
		"rows with look-alike columns": {
			prop("r", "user_provided", false, false, `{"type":"array","items":{"type":"object","properties":{"a-b":{"type":"string"},"a.b":{"type":"string"},"a-b-hint":{"type":"string"}}}}`),
		},
	}
	for name, props := range cases {
		t.Run(name, func(t *testing.T) {
			f := mustBuildWith(t, "platform.test", map[string]any{"r": []any{map[string]any{}, map[string]any{}}}, BuildOptions{Edit: true}, props...)
			checkIDs(t, f)
			// Adding a row renames cells but never a field.
			before := map[*Field]string{}
			for _, fld := range f.fields {
				before[fld] = fld.ID
			}
			f.Decode(url.Values{"r[0].name": {"x"}, "_add": {"r"}})
			checkIDs(t, f)
			for fld, id := range before {
				if fld.ID != id {
					t.Errorf("field %q: id changed from %q to %q", fld.Name, id, fld.ID)
				}
			}
		})
	}
}

func checkIDs(t *testing.T, f *Form) {
	t.Helper()
	seen := map[string]string{}
	use := func(id, what string) {
		if id == "" {
			t.Errorf("%s: empty id", what)
		}
		if prev, dup := seen[id]; dup {
			t.Errorf("id %q: used by %s and %s", id, prev, what)
		}
		seen[id] = what
	}
	for _, fld := range f.fields {
		use(fld.ID, fld.Name)
		use(fld.HintID(), fld.Name+" hint")
		use(fld.ErrorID(), fld.Name+" error")
		if fld.Saved {
			for _, c := range []string{ChoiceKeep, ChoiceReplace, ChoiceClear} {
				use(fld.ID+"-"+c, fld.Name+" "+c)
			}
		}
		for _, r := range fld.Rows {
			for _, c := range r.Cells {
				use(c.ID, c.Name)
				use(c.HintID(), c.Name+" hint")
				use(c.ErrorID(), c.Name+" error")
			}
		}
	}
}

func TestRowsMore(t *testing.T) {
	t.Parallel()
	const numbered = `{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"id":{"type":"string","pattern":"^\\d+$"}},"required":["name","id"]}}`
	t.Run("saved rows are shown", func(t *testing.T) {
		f := mustBuildWith(t, "platform.test", map[string]any{"report_definitions": []any{
			map[string]any{"name": "Traffic", "id": "1"}, map[string]any{"name": "Goals", "id": "2"},
		}}, BuildOptions{Edit: true}, provide(prop("report_definitions", "user_provided", false, false, rowsSchema)))
		fld := f.byName["report_definitions"]
		if len(fld.Rows) != 2 || fld.Rows[1].Cells[0].Value != "Goals" || fld.Rows[1].Remove != "report_definitions[1]" || fld.Rows[1].Number != 2 {
			t.Fatalf("got %+v, want two saved rows", fld.Rows)
		}
	})
	t.Run("invalid cell names the row as shown", func(t *testing.T) {
		f := mustBuildWith(t, "platform.test", nil, BuildOptions{}, prop("report_definitions", "user_provided", true, false, numbered))
		_, ok := f.Decode(url.Values{
			"report_definitions[0].name": {""}, "report_definitions[0].id": {""},
			"report_definitions[1].name": {"Goals"}, "report_definitions[1].id": {"x1"},
		})
		fld := f.byName["report_definitions"]
		if ok || len(fld.Rows) != 2 {
			t.Fatalf("got ok=%v with %d rows, want an error and both rows kept", ok, len(fld.Rows))
		}
		if got := fld.Rows[1].Cells[1].Error; got != "Check the ID of report 2" {
			t.Fatalf("got %q, want %q", got, "Check the ID of report 2")
		}
		errs := f.Errors()
		if len(errs) != 1 || errs[0].ID != "report_definitions-1-id" {
			t.Fatalf("summary: got %+v, want one link to the cell", errs)
		}
	})
	t.Run("a missing required cell is said once", func(t *testing.T) {
		f := mustBuildWith(t, "platform.test", nil, BuildOptions{}, prop("report_definitions", "user_provided", false, false, rowsSchema))
		f.Decode(url.Values{"report_definitions[0].name": {"Traffic"}})
		errs := f.Errors()
		if len(errs) != 1 || errs[0] != (ErrorItem{ID: "report_definitions-0-id", Message: "Enter the ID of report 1"}) {
			t.Fatalf("got %+v, want only the cell's message", errs)
		}
	})
	t.Run("remove the last row leaves an empty one", func(t *testing.T) {
		f := mustBuildWith(t, "platform.test", nil, BuildOptions{}, prop("report_definitions", "user_provided", false, false, rowsSchema))
		props, ok := f.Decode(url.Values{"report_definitions[0].name": {"A"}, "report_definitions[0].id": {"1"}, "_remove": {"report_definitions[0]"}})
		fld := f.byName["report_definitions"]
		if ok || len(fld.Rows) != 1 || fld.Rows[0].Cells[0].Value != "" || props["report_definitions"] != nil {
			t.Fatalf("got ok=%v rows=%d props=%v, want one empty row and nothing to send", ok, len(fld.Rows), props)
		}
		if kind, p, i := f.Action(); kind != ActionKindRemove || p != "report_definitions" || i != 0 {
			t.Fatalf("action: got %s %s %d", kind, p, i)
		}
	})
	t.Run("add is capped", func(t *testing.T) {
		f := mustBuildWith(t, "platform.test", nil, BuildOptions{}, prop("report_definitions", "user_provided", false, false, rowsSchema))
		in := url.Values{"_add": {"report_definitions"}}
		for i := 0; i < maxRows+5; i++ {
			in.Set("report_definitions["+strconv.Itoa(i)+"].name", "n")
		}
		f.Decode(in)
		if n := len(f.byName["report_definitions"].Rows); n != maxRows {
			t.Fatalf("got %d rows, want %d", n, maxRows)
		}
	})
	t.Run("malformed row names are ignored", func(t *testing.T) {
		f := mustBuildWith(t, "platform.test", nil, BuildOptions{}, prop("report_definitions", "user_provided", false, false, rowsSchema))
		props, ok := f.Decode(url.Values{"report_definitions[x].name": {"a"}, "report_definitions[-1].name": {"a"}, "report_definitions[0]name": {"a"}, "_remove": {"report_definitions[zz]"}})
		if !ok || len(props) != 0 {
			t.Fatalf("got ok=%v props=%v, want a valid empty submission", ok, props)
		}
	})
}

func TestDecodeTwiceJudgesTheLastSubmission(t *testing.T) {
	t.Parallel()
	f := mustBuildWith(t, "platform.mysql", nil, BuildOptions{}, prop("port", "user_provided", true, false, portSchema))
	if _, ok := f.Decode(url.Values{"port": {"x"}}); ok {
		t.Fatal("first submission: got ok, want an error")
	}
	if props, ok := f.Decode(url.Values{"port": {"3306"}}); !ok || props["port"] != "3306" {
		t.Fatalf("second submission: got ok=%v %v (errors %+v), want valid", ok, props, f.Errors())
	}
}

func TestAPIErrorsMore(t *testing.T) {
	t.Parallel()
	build := func() *Form {
		return mustBuildWith(t, "platform.mysql", map[string]any{"image_version": "1"}, BuildOptions{ShowAll: true},
			prop("port", "user_provided", true, false, portSchema),
			prop("password", "user_provided", true, true, `{"type":"string"}`),
			prop("image_version", "read_only", true, false, "null"),
		)
	}
	f := build()
	f.AddAPIErrors([]string{"port", "password"}, "properties do not match schema")
	errs := f.Errors()
	if len(errs) != 2 || errs[0].ID != "port" || errs[1].ID != "password" || errs[1].Message != "Check the password: it is not in the expected format" {
		t.Fatalf("named properties: got %+v", errs)
	}
	f = build()
	f.AddAPIErrors([]string{"image_version"}, "")
	errs = f.Errors()
	if len(errs) != 1 || errs[0].ID != "" || errs[0].Message != "Stitch did not accept these settings. Check them and try again." {
		t.Fatalf("a read-only property: got %+v, want the default message in the summary", errs)
	}
	if !f.HasErrors() {
		t.Fatal("HasErrors: got false")
	}
	// A field message typed by the user is not replaced by the API's.
	f = build()
	f.Decode(url.Values{"port": {"x"}})
	f.AddAPIErrors([]string{"port"}, "")
	if got := f.byName["port"].Error; got != "Enter a port number, like 3306" {
		t.Fatalf("got %q", got)
	}
}

func TestNewTextFieldAndHelpers(t *testing.T) {
	t.Parallel()
	fld := NewTextField("display name", "Display name", true)
	if fld.ID != "display-name" || !fld.Required || fld.Optional || fld.Widget != WidgetInput {
		t.Fatalf("got %+v", fld)
	}
	fld.Hint, fld.Error = "h", "e"
	if got := fld.DescribedBy(); got != "display-name-hint display-name-error" {
		t.Fatalf("DescribedBy: got %q", got)
	}
	if fld.ChoiceName() != "_choice.display name" || !fld.HasErrors() {
		t.Fatal("ChoiceName/HasErrors")
	}
	for _, c := range []struct {
		in   any
		want string
	}{{nil, ""}, {"x", "x"}, {true, "true"}, {2.5, "2.5"}, {json.Number("7"), "7"}, {3, "3"}, {int64(4), "4"}, {[]any{"a"}, `["a"]`}, {func() {}, ""}} {
		if got := display(c.in); got != c.want {
			t.Errorf("display(%#v): got %q, want %q", c.in, got, c.want)
		}
	}
	if got := dateTimeValue("2024-01-31T10:30:00+01:00"); got != "2024-01-31T09:30" {
		t.Errorf("dateTimeValue: got %q", got)
	}
	if got := lines([]string{"a", "b"}); got != "a\nb" {
		t.Errorf("lines: got %q", got)
	}
}

func TestEditPrefill(t *testing.T) {
	t.Parallel()
	cur := map[string]any{
		"start_date": "2017-01-01T00:00:00Z", "anchor_time": "2024-01-31T09:30:00Z", "frequency_in_minutes": "45",
		"source_names": []any{"a", "b"}, "password": "leaked?", "port": 3306.0,
	}
	f := mustBuildWith(t, "platform.mysql", cur, BuildOptions{Edit: true},
		provide(prop("start_date", "user_provided", true, false, dateSchema)),
		prop("anchor_time", "user_provided", false, false, `{"type":"string","format":"date-time"}`),
		prop("frequency_in_minutes", "user_provided", true, false, freqSchema),
		prop("source_names", "user_provided", false, false, linesSchema),
		provide(prop("password", "user_provided", true, true, `{"type":"string"}`)),
		prop("port", "user_provided", true, false, portSchema),
	)
	want := map[string]string{"start_date": "2017-01-01", "anchor_time": "2024-01-31T09:30", "frequency_in_minutes": "45", "source_names": "a\nb", "password": "", "port": "3306"}
	for name, v := range want {
		if got := f.byName[name].Value; got != v {
			t.Errorf("%s: got %q, want %q", name, got, v)
		}
	}
	// The saved option is not in the list: it stays selectable.
	opts := f.byName["frequency_in_minutes"].Options
	if last := opts[len(opts)-1]; last.Value != "45" {
		t.Errorf("unknown saved option: got %+v", opts)
	}
	if f.byName["start_date"].Required {
		t.Error("a provided required property is required again on edit")
	}
}

func TestBuildIsQuickOnHugeSteps(t *testing.T) {
	props := make([]connect.Property, 10000)
	for i := range props {
		props[i] = prop("p"+strconv.Itoa(i), "user_provided", i%2 == 0, i%7 == 0, `{"type":"string","pattern":"^(a+)+$"}`)
	}
	e := NewEngine(EngineOptions{})
	start := time.Now()
	f := e.Build("platform.test", connect.Step{Properties: props}, nil, BuildOptions{})
	f.Decode(url.Values{})
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Build+Decode of 10,000 properties took %v, want well under 2s", d)
	}
	if len(f.fields) != 10000 {
		t.Fatalf("got %d fields", len(f.fields))
	}
}
