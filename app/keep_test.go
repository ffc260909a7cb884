package app

import (
	"bytes"
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/emulator"
)

// syncBuf is a log sink tests can read while the server writes.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startKeep starts Onramp keeping every log line (debug included).
func startKeep(tb testing.TB, env map[string]string) (*testServer, *syncBuf) {
	tb.Helper()
	env["ONRAMP_LOG_LEVEL"] = "debug"
	logs := &syncBuf{}
	ts := mustStartLogged(tb, env, logs)
	ts.Client.Timeout = 20 * time.Second
	return ts, logs
}

var (
	tagRe      = regexp.MustCompile(`(?s)<(input|textarea|select)\b([^>]*)>`)
	attrRe     = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:="([^"]*)")?`)
	textareaRe = regexp.MustCompile(`(?s)^(.*?)</textarea>`)
	optionRe   = regexp.MustCompile(`(?s)<option\b([^>]*)>`)
	formRe     = regexp.MustCompile(`(?s)<form method="post"[^>]*data-testid="source-form".*?</form>`)
)

// formValues reads what the page's source form would send, as a browser
// would: text inputs, hidden inputs, checked boxes and radios, selected
// options, textareas. Submit buttons are left out.
func formValues(tb testing.TB, body string) url.Values {
	tb.Helper()
	form := formRe.FindString(body)
	if form == "" {
		tb.Fatalf("no source form in page:\n%s", body)
	}
	out := url.Values{}
	for _, loc := range tagRe.FindAllStringSubmatchIndex(form, -1) {
		tag, rawAttrs := form[loc[2]:loc[3]], form[loc[4]:loc[5]]
		attrs := map[string]string{}
		for _, a := range attrRe.FindAllStringSubmatch(rawAttrs, -1) {
			attrs[a[1]] = html.UnescapeString(a[2])
		}
		name, ok := attrs["name"]
		if !ok || name == "" {
			continue
		}
		_, checked := attrs["checked"]
		switch tag {
		case "input":
			switch attrs["type"] {
			case "submit", "button":
			case "checkbox", "radio":
				if checked {
					out.Add(name, attrs["value"])
				}
			default:
				out.Add(name, attrs["value"])
			}
		case "textarea":
			if m := textareaRe.FindStringSubmatch(form[loc[1]:]); m != nil {
				out.Add(name, html.UnescapeString(m[1]))
			}
		case "select":
			rest := form[loc[1]:]
			rest = rest[:strings.Index(rest, "</select>")]
			val, first := "", true
			for _, o := range optionRe.FindAllStringSubmatch(rest, -1) {
				oa := map[string]string{}
				for _, a := range attrRe.FindAllStringSubmatch(o[1], -1) {
					oa[a[1]] = html.UnescapeString(a[2])
				}
				if _, sel := oa["selected"]; sel || first {
					val, first = oa["value"], false
					if sel {
						break
					}
				}
			}
			out.Add(name, val)
		}
	}
	return out
}

// sourcesNamed counts the account's live sources with a display name (read back via the API).
func (ts *testServer) sourcesNamed(t *testing.T, name string) int {
	t.Helper()
	srcs, err := ts.App.Client.ListSources(context.Background(), ts.sessionToken(t))
	if err != nil {
		t.Fatalf("list sources: %v", err)
	}
	n := 0
	for _, s := range srcs {
		if s.DeletedAt == nil && s.DisplayName == name {
			n++
		}
	}
	return n
}

var faultKinds = []struct {
	name string
	rule emulator.FaultRule
}{
	{"500", emulator.FaultRule{Status: 500}},
	{"503", emulator.FaultRule{Status: 503}},
	{"429", emulator.FaultRule{Status: 429}},
	{"timeout", emulator.FaultRule{Hang: true}},
}

// keptPage checks a page shown after a failure: the form is back with every
// non-secret value, the secret sealed (never echoed), a retry and a summary.
func keptPage(t *testing.T, resp *http.Response, body string, sent url.Values, secret string) url.Values {
	t.Helper()
	if resp.StatusCode == http.StatusSeeOther || resp.StatusCode < 400 {
		t.Fatalf("got %d (→ %q), want the form again with an error", resp.StatusCode, resp.Header.Get("Location"))
	}
	if strings.Contains(body, `data-testid="error-page"`) {
		t.Fatalf("got the generic error page, want the form:\n%s", body)
	}
	contains(t, body, `data-testid="error-summary"`, `data-retry="true"`, `data-testid="submit"`)
	if strings.Contains(body, secret) {
		t.Fatalf("the typed secret %q is in the page", secret)
	}
	got := formValues(t, body)
	for k, v := range sent {
		if k == "password" || strings.HasPrefix(k, "_") {
			continue
		}
		if got.Get(k) != v[0] {
			t.Errorf("field %s: got %q, want %q kept", k, got.Get(k), v[0])
		}
	}
	if got.Get("_sealed.password") == "" {
		t.Errorf("the typed password is not kept (no sealed value); got inputs %v", keys(got))
	}
	return got
}

func keys(v url.Values) []string {
	var out []string
	for k := range v {
		out = append(out, k)
	}
	return out
}

func faultEnv() map[string]string {
	return map[string]string{"ONRAMP_CACHE_TTL": "0s", "ONRAMP_API_TIMEOUT": "400ms"}
}

func TestCreateSourceKeepsEverythingUnderFaults(t *testing.T) {
	ts, logs := startKeep(t, faultEnv())
	csrf := ts.signUp(t, "faults-create@example.com")
	calls := []struct{ method, path string }{
		{"GET", "/v4/source-types/platform.mysql"},
		{"POST", "/v4/sources"},
	}
	n := 0
	for _, call := range calls {
		for _, fk := range faultKinds {
			t.Run(call.method+" "+call.path+" "+fk.name, func(t *testing.T) {
				n++
				name := "Shop DB " + string(rune('a'+n))
				_, body := ts.get(t, "/sources/new/platform.mysql")
				form := mysqlForm(csrf, formToken(t, body))
				form.Set("display_name", name)
				rule := fk.rule
				rule.Method, rule.Path = call.method, call.path
				ts.App.Emulator.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{rule}})
				resp, body := ts.post(t, "/sources/new/platform.mysql", form)
				ts.App.Emulator.SetFaults(emulator.Faults{})
				kept := keptPage(t, resp, body, form, "s3cret-pw")

				// Sending the kept form again creates the source, once.
				resp, body = ts.post(t, "/sources/new/platform.mysql", kept)
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("retry: got %d, want 303\n%s", resp.StatusCode, body)
				}
				if got := ts.sourcesNamed(t, name); got != 1 {
					t.Fatalf("after the retry: got %d sources named %q, want 1", got, name)
				}
				resp, _ = ts.post(t, "/sources/new/platform.mysql", kept)
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("second resend: got %d, want 303 to the source", resp.StatusCode)
				}
				if got := ts.sourcesNamed(t, name); got != 1 {
					t.Fatalf("after a second resend: got %d sources named %q, want 1", got, name)
				}
			})
		}
	}
	if strings.Contains(logs.String(), "s3cret-pw") {
		t.Fatal("the typed password is in the logs")
	}
}

func TestEditSourceKeepsEverythingUnderFaults(t *testing.T) {
	ts, logs := startKeep(t, faultEnv())
	csrf := ts.signUp(t, "faults-edit@example.com")
	id, _ := ts.createMySQL(t, csrf, nil)
	calls := []struct{ method, path string }{
		{"GET", "/v4/sources/" + id},
		{"PUT", "/v4/sources/" + id},
	}
	n := 0
	for _, call := range calls {
		for _, fk := range faultKinds {
			t.Run(call.method+" "+call.path+" "+fk.name, func(t *testing.T) {
				n++
				host := "db" + string(rune('a'+n)) + ".example.com"
				_, body := ts.get(t, "/sources/"+id+"/form")
				form := formValues(t, body)
				form.Set("host", host)
				form.Set("_choice.password", "replace")
				form.Set("password", "n3w-secret")
				rule := fk.rule
				rule.Method, rule.Path = call.method, call.path
				ts.App.Emulator.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{rule}})
				resp, body := ts.post(t, "/sources/"+id+"/form", form)
				ts.App.Emulator.SetFaults(emulator.Faults{})
				kept := keptPage(t, resp, body, form, "n3w-secret")
				resp, body = ts.post(t, "/sources/"+id+"/form", kept)
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("retry: got %d, want 303\n%s", resp.StatusCode, body)
				}
				if got := ts.getSource(t, id).Properties["host"]; got != host {
					t.Fatalf("after the retry: host is %v, want %q", got, host)
				}
				if got := ts.sourcesNamed(t, "Shop DB"); got != 1 {
					t.Fatalf("got %d sources, want 1", got)
				}
			})
		}
	}
	if strings.Contains(logs.String(), "n3w-secret") {
		t.Fatal("the typed password is in the logs")
	}
}

func pgForm(csrf string) url.Values {
	return url.Values{"_csrf": {csrf}, "host": {"db.example.com"}, "port": {"5432"}, "username": {"stitch"}, "password": {"pw-s3cret"},
		"database": {"warehouse"}, "encryption_type": {"none"}, "ssl": {"true"}}
}

func TestDestinationFormsKeepEverythingUnderFaults(t *testing.T) {
	ts, logs := startKeep(t, faultEnv())
	csrf := ts.signUp(t, "faults-dest@example.com")
	for _, call := range []struct{ method, path string }{
		{"GET", "/v4/destination-types/postgres"},
		{"GET", "/v4/destinations"},
		{"POST", "/v4/destinations"},
	} {
		for _, fk := range faultKinds {
			t.Run("create "+call.method+" "+call.path+" "+fk.name, func(t *testing.T) {
				_, body := ts.get(t, "/destination/new/postgres")
				form := formValues(t, body)
				for k, v := range pgForm(csrf) {
					form[k] = v
				}
				form.Set("confirm_replace", "yes")
				rule := fk.rule
				rule.Method, rule.Path = call.method, call.path
				ts.App.Emulator.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{rule}})
				resp, body := ts.post(t, "/destination/new/postgres", form)
				ts.App.Emulator.SetFaults(emulator.Faults{})
				kept := keptPage(t, resp, body, pgForm(csrf), "pw-s3cret")
				if kept.Get("confirm_replace") == "" && strings.Contains(body, "You already have a destination") {
					kept.Set("confirm_replace", "yes")
				}
				resp, body = ts.post(t, "/destination/new/postgres", kept)
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("retry: got %d, want 303\n%s", resp.StatusCode, body)
				}
				ds, err := ts.App.Client.ListDestinations(context.Background(), ts.sessionToken(t))
				if err != nil {
					t.Fatal(err)
				}
				live := 0
				for _, d := range ds {
					if d.DeletedAt == nil {
						live++
					}
				}
				if live != 1 {
					t.Fatalf("got %d destinations, want 1", live)
				}
			})
		}
	}
	for _, call := range []struct{ method, path string }{
		{"GET", "/v4/destinations"},
		{"PUT", "/v4/destinations/*"},
	} {
		for _, fk := range faultKinds {
			t.Run("edit "+call.method+" "+call.path+" "+fk.name, func(t *testing.T) {
				_, body := ts.get(t, "/destination/edit")
				form := formValues(t, body)
				form.Set("database", "wh-"+fk.name)
				form.Set("_choice.password", "replace")
				form.Set("password", "pw-s3cret")
				rule := fk.rule
				rule.Method, rule.Path = call.method, call.path
				ts.App.Emulator.SetFaults(emulator.Faults{Rules: []emulator.FaultRule{rule}})
				resp, body := ts.post(t, "/destination/edit", form)
				ts.App.Emulator.SetFaults(emulator.Faults{})
				kept := keptPage(t, resp, body, form, "pw-s3cret")
				resp, body = ts.post(t, "/destination/edit", kept)
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("retry: got %d, want 303\n%s", resp.StatusCode, body)
				}
				ds, err := ts.App.Client.ListDestinations(context.Background(), ts.sessionToken(t))
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range ds {
					if d.DeletedAt == nil && d.Properties["database"] != "wh-"+fk.name {
						t.Fatalf("after the retry: database is %v, want wh-%s", d.Properties["database"], fk.name)
					}
				}
			})
		}
	}
	if strings.Contains(logs.String(), "pw-s3cret") {
		t.Fatal("the typed password is in the logs")
	}
}

var _ = connect.StepForm
