package forms

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
)

// The schemas of the emulator's catalog for Databricks Delta Lake and
// Google BigQuery (their documented properties; Stitch publishes no card).
const (
	sshConfigSchema   = `{"properties":{"ssh":{"type":"string"},"ssh_host":{"type":"string"},"ssh_port":{"type":"string"},"ssh_user":{"type":"string"}},"required":["ssh"],"type":"object"}`
	stagingAreaSchema = `{"properties":{"bucket_name":{"type":"string"},"scheme":{"type":"string"}},"required":["scheme","bucket_name"],"type":"object"}`
	serviceKeySchema  = `{"type":"object","properties":{"type":{"type":"string","enum":["service_account"]},"project_id":{"type":"string"},"private_key_id":{"type":"string"},"private_key":{"type":"string","pattern":"^-----BEGIN PRIVATE KEY-----"},"client_email":{"type":"string","format":"email"},"client_id":{"type":"string"},"auth_uri":{"type":"string","format":"uri"},"token_uri":{"type":"string","format":"uri"},"auth_provider_x509_cert_url":{"type":"string","format":"uri"},"client_x509_cert_url":{"type":"string","format":"uri"}},"required":["type","project_id","private_key_id","private_key","client_email","client_id","auth_uri","token_uri","auth_provider_x509_cert_url","client_x509_cert_url"]}`
	regionSchema      = `{"type":"string","enum":["US","EU","us-west2","europe-west2"]}`
	loadingSchema     = `{"type":"string","enum":["UPSERT","APPEND_ONLY"]}`
)

func databricksStep() connect.Step {
	return connect.Step{Type: connect.StepForm, Properties: []connect.Property{
		prop("access_token", "user_provided", true, true, `{"type":"string"}`),
		prop("jdbc_url", "user_provided", true, false, `{"type":"string"}`),
		prop("ssh_config", "user_provided", true, false, sshConfigSchema),
		prop("staging_area", "user_provided", true, false, stagingAreaSchema),
	}}
}

func bigQueryStep(provided bool) connect.Step {
	key := prop("service_account_credentials", "user_provided", true, true, serviceKeySchema)
	key.Provided = provided
	return connect.Step{Type: connect.StepForm, Properties: []connect.Property{
		key,
		{Name: "project_id", PropertyType: "read_only", IsRequired: true},
		prop("cloud_storage_location", "user_provided", true, false, regionSchema),
		prop("loading_mode", "user_provided_immutable", true, false, loadingSchema),
	}}
}

// googleKey is a service account key file shaped like the documented example.
func googleKey(tb testing.TB, edit func(map[string]any)) string {
	tb.Helper()
	k := map[string]any{
		"type": "service_account", "project_id": "acme-analytics", "private_key_id": "23sdiljasd29023908sdjlasdjasdf12be",
		"private_key":  "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
		"client_email": "stitch@acme-analytics.iam.gserviceaccount.com", "client_id": "113456789012345678901",
		"auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": "https://oauth2.googleapis.com/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
		"client_x509_cert_url":        "https://www.googleapis.com/robot/v1/metadata/x509/stitch%40acme-analytics.iam.gserviceaccount.com",
	}
	if edit != nil {
		edit(k)
	}
	b, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func keyObject(tb testing.TB, s string) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestObjectFieldset(t *testing.T) {
	e := NewEngine(EngineOptions{})
	f := e.Build("databricks_delta", databricksStep(), nil, BuildOptions{})
	ssh := f.Field("ssh_config")
	if ssh == nil || ssh.Widget != WidgetObject {
		t.Fatalf("ssh_config: got %+v, want an object fieldset", ssh)
	}
	var names []string
	for _, m := range ssh.Members {
		names = append(names, m.Name+":"+string(m.Widget))
	}
	want := []string{"ssh_config.ssh:checkbox", "ssh_config.ssh_host:input", "ssh_config.ssh_port:input", "ssh_config.ssh_user:input"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("members: got %v, want %v", names, want)
	}
	if sw, rest := ssh.MemberSwitch(); sw == nil || len(rest) != 3 || !rest[0].RequiredWhenOn {
		t.Fatalf("the ssh member must switch the other three on")
	}
	if got := ssh.Members[1].ID; got != "ssh_config-ssh_host" {
		t.Fatalf("member id: got %q, want ssh_config-ssh_host", got)
	}
	staging := f.Field("staging_area")
	if staging.Members[0].Name != "staging_area.scheme" || staging.Members[0].Value != "s3" || !staging.Members[1].Required {
		t.Fatalf("staging_area: got %+v %+v, want scheme (default s3) then a required bucket name", staging.Members[0], staging.Members[1])
	}
	if f.Multipart() {
		t.Fatal("a form without a key file needs no multipart encoding")
	}

	cases := []struct {
		name   string
		in     url.Values
		want   map[string]any // the objects sent; nil = not valid
		errors map[string]string
	}{
		{
			name: "tunnel on, as the documented example",
			in: url.Values{"access_token": {"dapi123"}, "jdbc_url": {"jdbc:spark://x:443/default"},
				"ssh_config.ssh": {"true"}, "ssh_config.ssh_host": {"bastion.example.com"}, "ssh_config.ssh_port": {"22"}, "ssh_config.ssh_user": {"stitch"},
				"staging_area.scheme": {"s3"}, "staging_area.bucket_name": {"stitch-databricks-delta-bucket"}},
			want: map[string]any{
				"ssh_config":   map[string]any{"ssh": "true", "ssh_host": "bastion.example.com", "ssh_port": "22", "ssh_user": "stitch"},
				"staging_area": map[string]any{"scheme": "s3", "bucket_name": "stitch-databricks-delta-bucket"},
			},
		},
		{
			name: "tunnel off: its settings are not sent",
			in: url.Values{"access_token": {"dapi123"}, "jdbc_url": {"jdbc:spark://x"}, "ssh_config.ssh_host": {"left.over"},
				"staging_area.scheme": {"s3"}, "staging_area.bucket_name": {"b"}},
			want: map[string]any{"ssh_config": map[string]any{"ssh": "false"}, "staging_area": map[string]any{"scheme": "s3", "bucket_name": "b"}},
		},
		{
			name: "tunnel on without its host",
			in: url.Values{"access_token": {"dapi123"}, "jdbc_url": {"j"}, "ssh_config.ssh": {"true"}, "ssh_config.ssh_port": {"22"}, "ssh_config.ssh_user": {"u"},
				"staging_area.scheme": {"s3"}, "staging_area.bucket_name": {"b"}},
			errors: map[string]string{"ssh_config.ssh_host": "Enter the host name or IP address of the SSH server for the SSH tunnel"},
		},
		{
			name:   "required member missing",
			in:     url.Values{"access_token": {"dapi123"}, "jdbc_url": {"j"}, "staging_area.scheme": {"s3"}},
			errors: map[string]string{"staging_area.bucket_name": "Enter the name of the S3 bucket"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := e.Build("databricks_delta", databricksStep(), nil, BuildOptions{})
			props, ok := f.Decode(tc.in)
			if tc.want == nil {
				if ok {
					t.Fatalf("got ok with %v, want errors %v", props, tc.errors)
				}
				for name, msg := range tc.errors {
					if got := fieldByName(f, name).Error; got != msg {
						t.Errorf("%s: got %q, want %q", name, got, msg)
					}
				}
				if len(f.Errors()) != len(tc.errors) {
					t.Errorf("summary: got %+v, want %d errors", f.Errors(), len(tc.errors))
				}
				return
			}
			if !ok {
				t.Fatalf("got errors %+v, want none", f.Errors())
			}
			for name, want := range tc.want {
				if !reflect.DeepEqual(props[name], want) {
					t.Errorf("%s: got %#v, want %#v", name, props[name], want)
				}
			}
		})
	}
}

// fieldByName finds a field or an object's member by input name.
func fieldByName(f *Form, name string) *Field {
	var found *Field
	for _, top := range f.Fields() {
		walk(top, func(fld *Field) {
			if fld.Name == name {
				found = fld
			}
		})
	}
	if found == nil {
		panic("no field " + name)
	}
	return found
}

func TestNestedAndOptionalObjects(t *testing.T) {
	schema := `{"type":"object","properties":{"name":{"type":"string"},"limits":{"type":"object","properties":{"rows":{"type":"integer"},"mode":{"type":"string","enum":["fast","safe"]}},"required":["rows"]}},"required":["name"]}`
	step := connect.Step{Type: connect.StepForm, Properties: []connect.Property{prop("tuning", "user_provided", false, false, schema)}}
	e := NewEngine(EngineOptions{})
	cases := []struct {
		name    string
		in      url.Values
		want    any
		sent    bool
		errorOn string
	}{
		{"optional and empty: not sent", url.Values{}, nil, false, ""},
		{"nested", url.Values{"tuning.name": {"a"}, "tuning.limits.rows": {"10"}, "tuning.limits.mode": {"safe"}},
			map[string]any{"name": "a", "limits": map[string]any{"rows": json.Number("10"), "mode": "safe"}}, true, ""},
		{"nested optional object left empty", url.Values{"tuning.name": {"a"}}, map[string]any{"name": "a"}, true, ""},
		{"partly filled: its required member is asked for", url.Values{"tuning.limits.rows": {"10"}}, nil, false, "tuning.name"},
		{"nested member invalid", url.Values{"tuning.name": {"a"}, "tuning.limits.rows": {"ten"}}, nil, false, "tuning.limits.rows"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := e.Build("platform.test", step, nil, BuildOptions{})
			if w := fieldByName(f, "tuning.limits").Widget; w != WidgetObject {
				t.Fatalf("nested object: got widget %s, want object", w)
			}
			props, ok := f.Decode(tc.in)
			got, sent := props["tuning"]
			if sent != tc.sent || (tc.sent && !reflect.DeepEqual(got, tc.want)) {
				t.Fatalf("got %#v (sent %v), want %#v (sent %v)", got, sent, tc.want, tc.sent)
			}
			if tc.errorOn == "" && !ok {
				t.Fatalf("got errors %+v, want none", f.Errors())
			}
			if tc.errorOn != "" {
				if fieldByName(f, tc.errorOn).Error == "" {
					t.Fatalf("got errors %+v, want one on %s", f.Errors(), tc.errorOn)
				}
				if errs := f.Errors(); len(errs) != 1 || errs[0].ID != safeID(tc.errorOn) {
					t.Fatalf("summary: got %+v, want one link to #%s", errs, safeID(tc.errorOn))
				}
			}
		})
	}
}

func TestObjectWithoutPropertiesIsAKeyFile(t *testing.T) {
	f := build(prop("settings", "user_provided", true, false, `{"type":"object"}`))
	fld := f.Field("settings")
	if fld.Widget != WidgetFile || !fld.Credential || !f.Multipart() {
		t.Fatalf("got widget %s credential %v multipart %v, want a credential key file on a multipart form", fld.Widget, fld.Credential, f.Multipart())
	}
	props, ok := f.Decode(url.Values{"settings": {`{"a": 1, "b": {"c": "d"}}`}})
	want := map[string]any{"a": json.Number("1"), "b": map[string]any{"c": "d"}}
	if !ok || !reflect.DeepEqual(props["settings"], want) {
		t.Fatalf("got %#v (%+v), want %#v", props["settings"], f.Errors(), want)
	}
}

func TestKeyFileUpload(t *testing.T) {
	e := NewEngine(EngineOptions{})
	valid := googleKey(t, nil)
	cases := []struct {
		name    string
		in      url.Values
		message string // "" when valid
	}{
		{"uploaded", url.Values{FilePrefix + "service_account_credentials": {valid}}, ""},
		{"pasted", url.Values{"service_account_credentials": {valid}}, ""},
		{"upload wins over paste", url.Values{FilePrefix + "service_account_credentials": {valid}, "service_account_credentials": {"not json"}}, ""},
		{"missing", url.Values{}, "Choose the service account's JSON key file, or paste its content"},
		{"invalid JSON", url.Values{FilePrefix + "service_account_credentials": {`{"type": "service_account",`}},
			"The Google service account key file is not valid JSON. Choose the .json file you downloaded, or paste all of its content"},
		{"not an object", url.Values{FilePrefix + "service_account_credentials": {`["service_account"]`}},
			"The Google service account key file must be a JSON object, starting with {"},
		{"wrong shape", url.Values{FilePrefix + "service_account_credentials": {googleKey(t, func(k map[string]any) { delete(k, "client_email"); k["private_key"] = "" })}},
			"This is not a Google service account key: it has no private_key and client_email. Download a new JSON key for the service account and choose that file"},
		{"another kind of key", url.Values{FilePrefix + "service_account_credentials": {googleKey(t, func(k map[string]any) { k["type"] = "authorized_user" })}},
			"This is not a Google service account key: its type is “authorized_user”, not “service_account”"},
		{"schema refuses a member", url.Values{FilePrefix + "service_account_credentials": {googleKey(t, func(k map[string]any) { k["token_uri"] = "not a uri" })}},
			"The Google service account key file does not fit: check its token_uri"},
		{"oversize", url.Values{FilePrefix + "service_account_credentials": {valid + strings.Repeat(" ", MaxFileBytes)}},
			"The file is larger than 64 KB, too large for a Google service account key file (those are a few kilobytes). Check that you chose the right file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := e.Build("bigquery_v2", bigQueryStep(false), nil, BuildOptions{})
			fld := f.Field("service_account_credentials")
			if fld.Widget != WidgetFile || !fld.Credential || fld.FileName() != "_file.service_account_credentials" || !f.Multipart() {
				t.Fatalf("got %+v, want a credential key file upload", fld)
			}
			in := tc.in
			in.Set("cloud_storage_location", "US")
			in.Set("loading_mode", "UPSERT")
			props, ok := f.Decode(in)
			if fld.Error != tc.message {
				t.Fatalf("got message %q, want %q", fld.Error, tc.message)
			}
			if ok != (tc.message == "") {
				t.Fatalf("ok: got %v, want %v", ok, tc.message == "")
			}
			if fld.Value != "" {
				t.Fatal("a key file was kept for re-display")
			}
			if tc.message == "" && !reflect.DeepEqual(props["service_account_credentials"], keyObject(t, valid)) {
				t.Fatalf("got %#v, want the key file's object", props["service_account_credentials"])
			}
		})
	}
}

// TestBigQueryBody checks the decoded body against the documented example's
// shape: the key file's object, the region and the loading mode, and never
// the read-only project_id.
func TestBigQueryBody(t *testing.T) {
	f := NewEngine(EngineOptions{}).Build("bigquery_v2", bigQueryStep(false), nil, BuildOptions{})
	if v := f.Field("cloud_storage_location").Value; v != "US" {
		t.Fatalf("region: got %q, want the default US", v)
	}
	if f.Field("project_id") != nil {
		t.Fatal("the read-only project_id must not be on the form")
	}
	key := googleKey(t, nil)
	props, ok := f.Decode(url.Values{FilePrefix + "service_account_credentials": {key}, "cloud_storage_location": {"US"}, "loading_mode": {"UPSERT"}})
	if !ok {
		t.Fatalf("got errors %+v", f.Errors())
	}
	got, err := json.Marshal(props)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(got, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"service_account_credentials": keyObject(t, key), "cloud_storage_location": "US", "loading_mode": "UPSERT"}
	if !reflect.DeepEqual(body, want) {
		t.Fatalf("body: got %s, want %v", got, want)
	}
}

func TestDatabricksBody(t *testing.T) {
	f := NewEngine(EngineOptions{}).Build("databricks_delta", databricksStep(), nil, BuildOptions{})
	props, ok := f.Decode(url.Values{"access_token": {"dapi-123"}, "jdbc_url": {"jdbc:spark://h:443/default;transportMode=http"},
		"ssh_config.ssh": {"true"}, "ssh_config.ssh_host": {"your-ssh-server-address"}, "ssh_config.ssh_port": {"22"}, "ssh_config.ssh_user": {"stitch"},
		"staging_area.scheme": {"s3"}, "staging_area.bucket_name": {"stitch-databricks-delta-bucket"}})
	if !ok {
		t.Fatalf("got errors %+v", f.Errors())
	}
	got, _ := json.Marshal(props)
	want := `{"access_token":"dapi-123","jdbc_url":"jdbc:spark://h:443/default;transportMode=http",` +
		`"ssh_config":{"ssh":"true","ssh_host":"your-ssh-server-address","ssh_port":"22","ssh_user":"stitch"},` +
		`"staging_area":{"bucket_name":"stitch-databricks-delta-bucket","scheme":"s3"}}`
	if string(got) != want {
		t.Fatalf("body:\ngot  %s\nwant %s", got, want)
	}
}

// memKeeper seals by reference, for tests.
type memKeeper struct{ m map[string]string }

func (k *memKeeper) Seal(name, secret string) string {
	id := "sealed-" + name
	k.m[id] = secret
	return id
}

func (k *memKeeper) Open(name, sealed string) (string, error) {
	if v, ok := k.m[sealed]; ok && sealed == "sealed-"+name {
		return v, nil
	}
	return "", errors.New("unknown")
}

func TestKeyFileKeepAndReplace(t *testing.T) {
	e := NewEngine(EngineOptions{})
	key := googleKey(t, nil)
	saved := map[string]any{"cloud_storage_location": "EU", "loading_mode": "UPSERT", "project_id": "acme-analytics"}
	cases := []struct {
		name    string
		in      url.Values
		want    map[string]any
		message string
	}{
		{"keep the saved key", url.Values{"cloud_storage_location": {"US"}}, map[string]any{"cloud_storage_location": "US"}, ""},
		{"keep even with a file chosen", url.Values{ChoicePrefix + "service_account_credentials": {"keep"}, FilePrefix + "service_account_credentials": {key}, "cloud_storage_location": {"EU"}},
			map[string]any{"cloud_storage_location": "EU"}, ""},
		{"replace with an upload", url.Values{ChoicePrefix + "service_account_credentials": {"replace"}, FilePrefix + "service_account_credentials": {key}, "cloud_storage_location": {"EU"}},
			map[string]any{"cloud_storage_location": "EU", "service_account_credentials": keyObject(t, key)}, ""},
		{"replace without a file", url.Values{ChoicePrefix + "service_account_credentials": {"replace"}, "cloud_storage_location": {"EU"}},
			map[string]any{"cloud_storage_location": "EU"}, "Enter the new service account key file, or keep the saved one"},
		{"clear is refused for a required key", url.Values{ChoicePrefix + "service_account_credentials": {"clear"}, "cloud_storage_location": {"EU"}},
			map[string]any{"cloud_storage_location": "EU"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := e.Build("bigquery_v2", bigQueryStep(true), saved, BuildOptions{Edit: true})
			fld := f.Field("service_account_credentials")
			if !fld.Saved || fld.CredentialChoice != ChoiceKeep || fld.CanClear {
				t.Fatalf("edit: got saved %v choice %q clear %v, want keep offered, clear not", fld.Saved, fld.CredentialChoice, fld.CanClear)
			}
			if !f.Field("loading_mode").ReadOnly {
				t.Fatal("loading_mode can't be changed once saved: it must be read-only")
			}
			props, _ := f.Decode(tc.in)
			if fld.Error != tc.message {
				t.Fatalf("message: got %q, want %q", fld.Error, tc.message)
			}
			if !reflect.DeepEqual(props, tc.want) {
				t.Fatalf("got %#v, want %#v", props, tc.want)
			}
		})
	}

	t.Run("kept across a re-render, sealed", func(t *testing.T) {
		k := &memKeeper{m: map[string]string{}}
		f := e.Build("bigquery_v2", bigQueryStep(false), nil, BuildOptions{})
		f.KeepSecrets(k)
		_, ok := f.Decode(url.Values{FilePrefix + "service_account_credentials": {key}, "cloud_storage_location": {"nowhere"}, "loading_mode": {"UPSERT"}})
		fld := f.Field("service_account_credentials")
		if ok || !fld.Kept || fld.Sealed == "" || fld.Value != "" || strings.Contains(fld.Sealed, "PRIVATE") {
			t.Fatalf("got ok %v kept %v sealed %q, want the valid key sealed, never echoed", ok, fld.Kept, fld.Sealed)
		}
		f2 := e.Build("bigquery_v2", bigQueryStep(false), nil, BuildOptions{})
		f2.KeepSecrets(k)
		props, ok := f2.Decode(url.Values{fld.SealedName(): {fld.Sealed}, fld.ChoiceName(): {ChoiceTyped}, "cloud_storage_location": {"EU"}, "loading_mode": {"UPSERT"}})
		if !ok || !reflect.DeepEqual(props["service_account_credentials"], keyObject(t, key)) {
			t.Fatalf("second submit: got %#v (%+v), want the kept key", props["service_account_credentials"], f2.Errors())
		}
	})
}

func TestUsernamesAreNotMasked(t *testing.T) {
	step := connect.Step{Type: connect.StepForm, Properties: []connect.Property{
		prop("username", "user_provided", true, true, `{"type":"string"}`), // Snowflake marks it a credential
		prop("password", "user_provided", true, true, `{"type":"string"}`),
		prop("port", "user_provided", true, false, `{"type":"string","pattern":"^\\d+$"}`),
	}}
	e := NewEngine(EngineOptions{})
	f := e.Build("snowflake", step, nil, BuildOptions{})
	u, p, port := f.Field("username"), f.Field("password"), f.Field("port")
	if u.InputType != "text" || u.Credential || u.Autocomplete != "username" || p.InputType != "password" {
		t.Fatalf("username: got type %q credential %v, password type %q; want a plain username and a masked password", u.InputType, u.Credential, p.InputType)
	}
	if port.Value != "443" || port.Placeholder != "443" {
		t.Fatalf("Snowflake port: got value %q placeholder %q, want 443", port.Value, port.Placeholder)
	}
	if _, ok := f.Decode(url.Values{"username": {"LOADER"}, "port": {"443"}}); ok || u.Value != "LOADER" {
		t.Fatalf("after an error the username must be shown again: got %q", u.Value)
	}
	s := step
	s.Properties = append([]connect.Property(nil), step.Properties...)
	s.Properties[0].Provided = true
	edit := e.Build("snowflake", s, map[string]any{"port": "443"}, BuildOptions{Edit: true})
	if eu := edit.Field("username"); !eu.Saved || eu.InputType != "text" {
		t.Fatalf("edit: got saved %v type %q, want keep/replace of a saved username shown as text", eu.Saved, eu.InputType)
	}
}

func TestPlainFirstTechnicalLater(t *testing.T) {
	step := connect.Step{Type: connect.StepForm, Properties: []connect.Property{
		prop("host", "user_provided", true, false, hostSchema),
		prop("server_id", "user_provided", false, false, `{"type":"string","pattern":"^\\d+$"}`),
		prop("use_log_based_replication", "user_provided", false, false, boolSchema),
		prop("cron_expression", "user_provided", false, false, `null`),
		prop("anchor_time", "user_provided", false, false, `{"type":"string","format":"date-time"}`),
		prop("email_chunk_size", "user_provided", false, false, portSchema),
		prop("require_content_scope", "user_provided", false, false, boolSchema),
		prop("frequency_in_minutes", "user_provided", false, false, freqSchema),
		prop("server_name", "user_provided", true, false, `{"type":"string"}`),
	}}
	f := NewEngine(EngineOptions{}).Build("platform.test", step, nil, BuildOptions{})
	groups := map[string][]string{}
	for _, g := range f.Groups {
		for _, fld := range g.Fields {
			groups[g.ID] = append(groups[g.ID], fld.Name)
		}
	}
	want := map[string][]string{
		"connection": {"host", "server_name"},
		"schedule":   {"frequency_in_minutes"},
		"advanced":   {"anchor_time", "cron_expression", "email_chunk_size", "require_content_scope", "server_id", "use_log_based_replication"},
	}
	if !reflect.DeepEqual(groups, want) {
		t.Fatalf("groups: got %v, want %v", groups, want)
	}
	adv := f.Groups[len(f.Groups)-1]
	if !adv.Collapsible || adv.Hint == "" {
		t.Fatal("advanced settings must be collapsed, with a hint")
	}
	for _, fld := range adv.Fields {
		if fld.Hint == "" {
			t.Errorf("%s: an advanced field must explain its default", fld.Name)
		}
	}
}

func TestEncryptionDefaultsToDirect(t *testing.T) {
	step := connect.Step{Type: connect.StepForm, Properties: []connect.Property{
		prop("encryption_type", "user_provided", true, false, `{"type":"string","pattern":"^(ssh|none)$"}`),
		prop("encryption_host", "user_provided", false, false, hostSchema),
	}}
	f := NewEngine(EngineOptions{}).Build("postgres", step, nil, BuildOptions{})
	enc := f.Field("encryption_type")
	if enc.Value != "none" || enc.Options[0].Value == "" || enc.Hint == "" {
		t.Fatalf("got value %q options %v, want none chosen, no empty choice, and a hint", enc.Value, enc.Options)
	}
	props, ok := f.Decode(url.Values{"encryption_type": {"none"}})
	if !ok || props["encryption_type"] != "none" {
		t.Fatalf("got %v %+v", props, f.Errors())
	}
}
