package app

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/onramp/onramp/presets"
	"github.com/onramp/onramp/store/redistest"
)

// globalMySQLTemplate prefills the port, locks SSL on and hides server_id.
const globalMySQLTemplate = `{"platform.mysql": {"defaults": {"port": "3307", "ssl": "true", "server_id": "42"}, "locked": ["ssl"], "hidden": ["server_id"]}}`

func mustTemplateFile(tb testing.TB, body string) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "templates.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

// sourceCount counts the live sources of the browser's account at the emulator.
func (ts *testServer) sourceCount(t *testing.T) int {
	t.Helper()
	srcs, err := ts.App.Client.ListSources(context.Background(), ts.sessionToken(t))
	if err != nil {
		t.Fatalf("list sources: %v", err)
	}
	n := 0
	for _, s := range srcs {
		if s.DeletedAt == nil {
			n++
		}
	}
	return n
}

// inputOf returns the <input> tag whose id is id, or "".
func inputOf(page, id string) string {
	return regexp.MustCompile(`<input[^>]*\bid="` + regexp.QuoteMeta(id) + `"[^>]*>`).FindString(page)
}

// mustLockedInput checks that the page shows property name read-only,
// unnamed (never sent), with value and the partner's note.
func mustLockedInput(t *testing.T, page, name, value string) {
	t.Helper()
	in := inputOf(page, name)
	if in == "" || !strings.Contains(in, " readonly") || !strings.Contains(in, `data-locked="true"`) ||
		strings.Contains(in, `name="`) || !strings.Contains(in, `value="`+value+`"`) {
		t.Fatalf("locked %s: got %q, want a read-only, unnamed input showing %q", name, in, value)
	}
	if !strings.Contains(page, `data-testid="locked-`+name+`"`) || !strings.Contains(page, "You cannot change it here.") {
		t.Fatalf("locked %s: no partner note on the page", name)
	}
}

func mustNoField(t *testing.T, page, name string) {
	t.Helper()
	if strings.Contains(page, `name="`+name+`"`) || strings.Contains(page, `data-property="`+name+`"`) {
		t.Fatalf("hidden %s is on the page", name)
	}
}

func TestTemplateGlobalPrefillsLocksAndHides(t *testing.T) {
	ts := mustStart(t, map[string]string{"ONRAMP_TEMPLATES_FILE": mustTemplateFile(t, globalMySQLTemplate)})
	csrf := ts.signUp(t, "templates@example.com")

	r, page := ts.get(t, "/sources/new/platform.mysql")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("form: got %d, want 200", r.StatusCode)
	}
	if in := inputOf(page, "port"); !strings.Contains(in, `name="port"`) || !strings.Contains(in, `value="3307"`) || strings.Contains(in, "readonly") {
		t.Fatalf("port: got %q, want an editable input prefilled with 3307", in)
	}
	mustLockedInput(t, page, "ssl", "Yes")
	mustNoField(t, page, "server_id")

	// The user may change a default; the locked and hidden values are sent anyway.
	id, _ := ts.createMySQL(t, csrf, func(v url.Values) { v.Set("port", "3306") })
	src := ts.getSource(t, id)
	if src.Properties["ssl"] != "true" || src.Properties["server_id"] != "42" || src.Properties["port"] != "3306" {
		t.Fatalf("created source: got %v, want ssl true, server_id 42, port 3306", src.Properties)
	}

	before := ts.sourceCount(t)
	crafted := []struct {
		name  string
		field string
		value string
	}{
		{"a locked value changed", "ssl", "false"},
		{"a hidden value added", "server_id", "99"},
	}
	for _, tc := range crafted {
		t.Run(tc.name, func(t *testing.T) {
			_, page := ts.get(t, "/sources/new/platform.mysql")
			form := mysqlForm(csrf, formToken(t, page))
			form.Set("display_name", "Crafted "+tc.field)
			form.Set(tc.field, tc.value)
			r, body := ts.post(t, "/sources/new/platform.mysql", form)
			if r.StatusCode != http.StatusBadRequest || !strings.Contains(body, "set by your provider and cannot be changed") {
				t.Fatalf("crafted POST: got %d, want 400 with the refusal\n%s", r.StatusCode, body)
			}
			mustLockedInput(t, body, "ssl", "Yes") // the re-rendered form is the templated one
		})
	}
	if after := ts.sourceCount(t); after != before {
		t.Fatalf("sources at the emulator: got %d after the crafted POSTs, want %d", after, before)
	}

	t.Run("edit", func(t *testing.T) {
		_, page := ts.get(t, "/sources/"+id+"/form")
		mustLockedInput(t, page, "ssl", "Yes")
		mustNoField(t, page, "server_id")
		based := regexp.MustCompile(`name="_based_on" value="([^"]+)"`).FindStringSubmatch(page)
		if based == nil {
			t.Fatalf("no _based_on in the edit form:\n%s", page)
		}
		form := url.Values{"_csrf": {csrf}, "_based_on": {based[1]}, "display_name": {"Shop DB"}, "host": {"db2.example.com"},
			"port": {"3306"}, "user": {"stitch"}, "database": {"shop"}, "server_id": {"7"}}
		if r, body := ts.post(t, "/sources/"+id+"/form", form); r.StatusCode != http.StatusBadRequest {
			t.Fatalf("crafted edit: got %d, want 400\n%s", r.StatusCode, body)
		}
		if got := ts.getSource(t, id).Properties["host"]; got != "db.example.com" {
			t.Fatalf("host after a refused edit: got %v, want it unchanged (nothing sent)", got)
		}
		delete(form, "server_id")
		if r, body := ts.post(t, "/sources/"+id+"/form", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("edit: got %d, want 303\n%s", r.StatusCode, body)
		}
		got := ts.getSource(t, id).Properties
		if got["host"] != "db2.example.com" || got["ssl"] != "true" || got["server_id"] != "42" {
			t.Fatalf("edited source: got %v, want the new host and the template's ssl and server_id", got)
		}
	})
}

func TestTemplateLaunchOverridesGlobal(t *testing.T) {
	ts := mustStart(t, launchEnv(map[string]string{"ONRAMP_TEMPLATES_FILE": mustTemplateFile(t, globalMySQLTemplate)}))
	tok, acctID := ts.App.Emulator.NewAccount("launch-templates@example.com")
	browser := launchedBrowser(t, ts, map[string]any{
		"access_token": tok, "stitch_account_id": acctID, "source_type": "platform.mysql",
		"template": map[string]any{"platform.mysql": map[string]any{
			"defaults": map[string]any{"port": 3310, "ssl": "false"}, "locked": []string{"port", "ssl"},
		}},
	})
	_, page := browser.get(t, "/sources/new/platform.mysql")
	mustLockedInput(t, page, "port", "3310") // the launch's lock and value
	mustLockedInput(t, page, "ssl", "No")    // the launch's value over the global one
	mustNoField(t, page, "server_id")        // the global rule the launch did not mention

	form := mysqlForm(csrfFrom(t, page), formToken(t, page))
	form.Del("port")
	r, out := browser.post(t, "/sources/new/platform.mysql", form)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: got %d, want 303\n%s", r.StatusCode, out)
	}
	m := sourcePath.FindStringSubmatch(r.Header.Get("Location"))
	if m == nil {
		t.Fatalf("create redirected to %q", r.Header.Get("Location"))
	}
	got := browser.getSource(t, m[1]).Properties
	if got["port"] != "3310" || got["ssl"] != "false" || got["server_id"] != "42" {
		t.Fatalf("created source: got %v, want port 3310 and ssl false (launch), server_id 42 (global)", got)
	}

	// Another browser of the same partner, without the launch, has the global template only.
	other := mustStartSameEmulator(t, ts)
	other.signUp(t, "no-launch@example.com")
	_, page = other.get(t, "/sources/new/platform.mysql")
	mustLockedInput(t, page, "ssl", "Yes")
	if in := inputOf(page, "port"); strings.Contains(in, "readonly") {
		t.Fatalf("port without the launch: got %q, want editable", in)
	}
}

func TestTemplateLaunchInvalid(t *testing.T) {
	ts := mustStart(t, launchEnv(nil))
	tok, acctID := ts.App.Emulator.NewAccount("bad-templates@example.com")
	cases := []struct {
		name     string
		template any
		want     []string // parts of the message
	}{
		{"unknown property", map[string]any{"platform.mysql": map[string]any{"locked": []string{"sll"}}}, []string{`"platform.mysql"`, `property "sll"`, "not a property"}},
		{"default fails its schema", map[string]any{"platform.mysql": map[string]any{"defaults": map[string]any{"server_id": "seven"}}}, []string{`property "server_id"`, "does not fit"}},
		{"locked required without value", map[string]any{"platform.mysql": map[string]any{"locked": []string{"host"}}}, []string{`property "host"`, "required"}},
		{"locked and hidden without default", map[string]any{"platform.mysql": map[string]any{"locked": []string{"ssl"}, "hidden": []string{"ssl"}}}, []string{`property "ssl"`, "both locked and hidden"}},
		{"unknown type", map[string]any{"platform.nope": map[string]any{"hidden": []string{"x"}}}, []string{`"platform.nope"`, "not a source type"}},
		{"not the shape", map[string]any{"platform.mysql": map[string]any{"lock": []string{"ssl"}}}, []string{`"platform.mysql"`, "not a template"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := ts.launch(t, testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": acctID, "source_type": "platform.mysql", "template": tc.template})
			e, _ := body["error"].(map[string]any)
			msg, _ := e["message"].(string)
			if resp.StatusCode != http.StatusBadRequest || errorCode(body) != "invalid_template" {
				t.Fatalf("got %d %v, want 400 invalid_template", resp.StatusCode, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Fatalf("message %q does not say %q", msg, w)
				}
			}
		})
	}
}

// TestTemplateInvalidStopsStartUp: New refuses a global template that does
// not fit the report cards, naming the type, the property and why.
func TestTemplateInvalidStopsStartUp(t *testing.T) {
	cases := []struct {
		name, template string
		want           error
		inMessage      []string
	}{
		{"unknown type", `{"platform.nope": {"locked": ["ssl"]}}`, presets.ErrUnknownType, []string{`"platform.nope"`}},
		{"unknown property", `{"platform.mysql": {"hidden": ["sever_id"]}}`, presets.ErrUnknownProperty, []string{`"platform.mysql"`, `"sever_id"`}},
		{"locked and hidden without default", `{"platform.mysql": {"locked": ["ssl"], "hidden": ["ssl"]}}`, presets.ErrLockedHidden, []string{`"ssl"`}},
		{"default fails its schema", `{"platform.mysql": {"defaults": {"port": "three"}}}`, presets.ErrInvalidDefault, []string{`"port"`, "three"}},
		{"hidden required without value", `{"platform.mysql": {"hidden": ["host"]}}`, presets.ErrRequiredNoValue, []string{`"host"`, "required"}},
		{"not JSON", `{"platform.mysql": `, presets.ErrSyntax, []string{"ONRAMP_TEMPLATES_FILE"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"ONRAMP_TEMPLATES_FILE": mustTemplateFile(t, tc.template)}
			cfg, err := LoadConfig(func(k string) string { return env[k] })
			if err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			_, err = New(cfg, ln.Addr().String(), NewLogger(cfg, io.Discard))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			for _, w := range append(tc.inMessage, "ONRAMP_TEMPLATES_FILE") {
				if !strings.Contains(err.Error(), w) {
					t.Fatalf("error %q does not say %q", err, w)
				}
			}
		})
	}
	t.Run("against Stitch a token is required", func(t *testing.T) {
		env := map[string]string{
			"ONRAMP_TEMPLATES_FILE": mustTemplateFile(t, globalMySQLTemplate), "STITCH_API_URL": "https://api.stitchdata.com",
			"STITCH_PARTNER_ID": "oc_x", "STITCH_PARTNER_SECRET": "oc_y", "ONRAMP_SESSION_KEYS": strings.Repeat("ab", 32) + ":" + strings.Repeat("cd", 32),
		}
		_, err := LoadConfig(func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), "ONRAMP_TEMPLATES_TOKEN") {
			t.Fatalf("got %v, want an error naming ONRAMP_TEMPLATES_TOKEN", err)
		}
	})
	t.Run("a valid template starts", func(t *testing.T) {
		ts := mustStart(t, map[string]string{"ONRAMP_TEMPLATES_FILE": mustTemplateFile(t, globalMySQLTemplate)})
		if r, _ := ts.get(t, "/healthz"); r.StatusCode != http.StatusOK {
			t.Fatalf("healthz: got %d, want 200", r.StatusCode)
		}
	})
}

// The repair form applies the template too: a locked property at fault is
// shown read-only, and a crafted repair changing it is refused.
func TestTemplateRepairKeepsLockedValue(t *testing.T) {
	ts := mustStart(t, map[string]string{"ONRAMP_TEMPLATES_FILE": mustTemplateFile(t, `{"platform.mysql": {"defaults": {"port": "3306"}, "locked": ["port"]}}`)})
	const email = "repair+template@example.com"
	csrf := ts.signUp(t, email)
	id := ts.configuredMySQL(t, csrf) // sends port 3306: the template's own value is no change
	ts.breakChecks(t, email, id, `(2003, "Can't connect to MySQL server on 'db.example.com' ([Errno 111] Connection refused)")`)

	_, body := ts.get(t, "/sources/"+id+"/repair")
	mustLockedInput(t, body, "port", "3306")
	if in := inputOf(body, "host"); !strings.Contains(in, `name="host"`) {
		t.Fatalf("host: got %q, want an editable input", in)
	}
	fields := repairFieldsRe.FindStringSubmatch(body)
	if fields == nil {
		t.Fatalf("no _repair_fields on the repair page:\n%s", body)
	}
	resp, body := ts.post(t, "/sources/"+id+"/repair", url.Values{"_csrf": {csrf}, "_repair_fields": {fields[1]}, "host": {"db.example.com"}, "port": {"1"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "set by your provider and cannot be changed") {
		t.Fatalf("crafted repair: got %d, want 400 with the refusal\n%s", resp.StatusCode, body)
	}
	if got := ts.getSource(t, id).Properties["port"]; got != "3306" {
		t.Fatalf("port after a refused repair: got %v, want 3306", got)
	}
	resp, _ = ts.post(t, "/sources/"+id+"/repair", url.Values{"_csrf": {csrf}, "_repair_fields": {fields[1]}, "host": {"db2.example.com"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("repair: got %d, want 303", resp.StatusCode)
	}
	if got := ts.getSource(t, id).Properties; got["host"] != "db2.example.com" || got["port"] != "3306" {
		t.Fatalf("after the repair: got %v, want the new host and the template's port", got)
	}
}

// The fresh-form cache (one untemplated form per type and language) neither
// answers a templated page nor keeps a templated form for others.
func TestTemplateLaunchBypassesFreshFormCache(t *testing.T) {
	ts := mustStart(t, launchEnv(nil))
	plain := mustStartSameEmulator(t, ts)
	plain.signUp(t, "plain@example.com")
	_, page := plain.get(t, "/sources/new/platform.mysql") // warms the cache
	if strings.Contains(page, `data-locked`) {
		t.Fatal("an untemplated form shows a locked field")
	}
	tok, acctID := ts.App.Emulator.NewAccount("cache-template@example.com")
	_, body := ts.launch(t, testAPIKey, map[string]any{"access_token": tok, "stitch_account_id": acctID, "source_type": "platform.mysql",
		"template": map[string]any{"platform.mysql": map[string]any{"defaults": map[string]any{"ssl": "true"}, "locked": []string{"ssl"}}}})
	u, _ := body["url"].(string)
	launched := mustStartSameEmulator(t, ts)
	launched.get(t, strings.TrimPrefix(u, ts.URL))
	_, page = launched.get(t, "/sources/new/platform.mysql")
	mustLockedInput(t, page, "ssl", "Yes")
	_, page = plain.get(t, "/sources/new/platform.mysql")
	if strings.Contains(page, `data-locked`) || !strings.Contains(page, `name="ssl"`) {
		t.Fatal("the untemplated form changed after a templated page")
	}
}

// TestTemplateLostFailsTheRepairPage: when the store no longer has the
// session's launch template, the repair page answers 410 as every form does,
// rather than show the fields at fault without the partner's rules (a
// locked value editable, a hidden one shown).
func TestTemplateLostFailsTheRepairPage(t *testing.T) {
	redis := redistest.Start(t)
	ts := mustStart(t, launchEnv(map[string]string{"REDIS_URL": redis.URL}))
	const email = "repair+lost-template@example.com"
	tok, acctID := ts.App.Emulator.NewAccount(email)
	browser := launchedBrowser(t, ts, map[string]any{
		"access_token": tok, "stitch_account_id": acctID, "source_type": "platform.mysql",
		"template": map[string]any{"platform.mysql": map[string]any{"defaults": map[string]any{"port": "3306"}, "locked": []string{"port"}}},
	})
	_, page := browser.get(t, "/sources/new/platform.mysql")
	id := browser.configuredMySQL(t, csrfFrom(t, page))
	browser.breakChecks(t, email, id, `(2003, "Can't connect to MySQL server on 'db.example.com' ([Errno 111] Connection refused)")`)
	_, page = browser.get(t, "/sources/"+id+"/repair")
	mustLockedInput(t, page, "port", "3306")

	redis.Stop()
	redis.Restart() // no persistence: the template is gone
	if r, page := browser.get(t, "/sources/"+id+"/repair"); r.StatusCode != http.StatusGone || strings.Contains(page, `name="port"`) {
		t.Fatalf("repair page without its template: got %d, want 410 and no port field\n%s", r.StatusCode, page)
	}
}

// launchedBrowser mints a launch of body and redeems it in a new browser
// (its own cookies) of the same emulator.
func launchedBrowser(t *testing.T, ts *testServer, body map[string]any) *testServer {
	t.Helper()
	resp, out := ts.launch(t, testAPIKey, body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("launch: got %d %v, want 201", resp.StatusCode, out)
	}
	u, _ := out["url"].(string)
	browser := mustStartSameEmulator(t, ts)
	if r, _ := browser.get(t, strings.TrimPrefix(u, ts.URL)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("redeem: got %d, want 303", r.StatusCode)
	}
	return browser
}
