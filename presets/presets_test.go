package presets_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/presets"
)

func prop(name, kind string, required, credential bool, schema string) connect.Property {
	p := connect.Property{Name: name, PropertyType: kind, IsRequired: required, IsCredential: credential}
	if schema != "" {
		p.JSONSchema = json.RawMessage(schema)
	}
	return p
}

// mysqlCard is the form step of platform.mysql as the emulator publishes it (abridged).
func mysqlCard() *connect.ReportCard {
	return &connect.ReportCard{Type: "platform.mysql", CurrentStep: 1, CurrentStepType: connect.StepForm, Steps: []connect.Step{
		{Type: connect.StepForm, Properties: []connect.Property{
			prop("host", connect.PropertyUserProvided, true, false, `{"type":"string","anyOf":[{"format":"hostname"},{"format":"ipv4"}]}`),
			prop("port", connect.PropertyUserProvided, true, false, `{"anyOf":[{"type":"integer"},{"type":"string","pattern":"^\\d+"}]}`),
			prop("user", connect.PropertyUserProvided, true, false, `{"type":"string"}`),
			prop("password", connect.PropertyUserProvided, true, true, `{"type":"string"}`),
			prop("database", connect.PropertyUserProvided, false, false, `{"type":"string"}`),
			prop("ssl", connect.PropertyUserProvided, false, false, `{"type":"string","pattern":"^(true|false)"}`),
			prop("server_id", connect.PropertyUserProvided, false, false, `{"type":"string","pattern":"^\\d+$"}`),
			prop("image_version", connect.PropertyReadOnly, true, false, ""),
		}},
		{Type: connect.StepDiscoverSchema}, {Type: connect.StepFieldSelection}, {Type: connect.StepFullyConfigured},
	}}
}

func mustParse(t *testing.T, s string) presets.Template {
	t.Helper()
	tpl, err := presets.Parse([]byte(s))
	if err != nil {
		t.Fatalf("parse %s: %v", s, err)
	}
	return tpl
}

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, in string
		want     error // nil: parses
	}{
		{"the documented shape", `{"platform.mysql": {"defaults": {"port": "3306"}, "locked": ["ssl"], "hidden": ["server_id"]}}`, nil},
		{"numbers stay exact", `{"platform.mysql": {"defaults": {"port": 3306}}}`, nil},
		{"not an object", `["platform.mysql"]`, presets.ErrSyntax},
		{"null", `null`, presets.ErrSyntax},
		{"unknown key in rules", `{"platform.mysql": {"default": {"port": "3306"}}}`, presets.ErrSyntax},
		{"locked not a list", `{"platform.mysql": {"locked": "ssl"}}`, presets.ErrSyntax},
		{"trailing data", `{"platform.mysql": {}} {}`, presets.ErrSyntax},
		{"too many types", `{` + strings.TrimSuffix(strings.Repeat(`"t":{},`, 1), ",") + manyTypes(25) + `}`, presets.ErrTooLarge},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := presets.Parse([]byte(tc.in))
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	tpl := mustParse(t, `{"platform.mysql": {"defaults": {"port": 3306}}}`)
	if got := tpl.Rules("platform.mysql").Defaults["port"]; got != json.Number("3306") {
		t.Fatalf("got %#v, want json.Number 3306", got)
	}
}

func manyTypes(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(`,"type` + string(rune('a'+i)) + `":{}`)
	}
	return b.String()
}

func TestValidateAgainstReportCard(t *testing.T) {
	t.Parallel()
	engine := forms.NewEngine(forms.EngineOptions{})
	cards := func(typ string) (*connect.ReportCard, error) {
		if typ == "platform.mysql" {
			return mysqlCard(), nil
		}
		return nil, nil
	}
	cases := []struct {
		name, tpl string
		want      error // nil: valid
		property  string
		inMessage string
	}{
		{"valid", `{"platform.mysql": {"defaults": {"port": "3306", "server_id": "7"}, "locked": ["ssl"], "hidden": ["server_id"]}}`, nil, "", ""},
		{"integer port fits anyOf", `{"platform.mysql": {"defaults": {"port": 3306}, "locked": ["port"]}}`, nil, "", ""},
		{"hidden credential with default", `{"platform.mysql": {"defaults": {"password": "pw"}, "hidden": ["password"]}}`, nil, "", ""},
		{"unknown type", `{"platform.nope": {"locked": ["ssl"]}}`, presets.ErrUnknownType, "", `"platform.nope"`},
		{"unknown property", `{"platform.mysql": {"locked": ["sll"]}}`, presets.ErrUnknownProperty, "sll", `property "sll"`},
		{"unknown default", `{"platform.mysql": {"defaults": {"prot": "1"}}}`, presets.ErrUnknownProperty, "prot", "prot"},
		{"locked and hidden without default", `{"platform.mysql": {"locked": ["ssl"], "hidden": ["ssl"]}}`, presets.ErrLockedHidden, "ssl", "both locked and hidden"},
		{"default fails pattern", `{"platform.mysql": {"defaults": {"server_id": "seven"}}}`, presets.ErrInvalidDefault, "server_id", "seven"},
		{"boolean where a string is wanted", `{"platform.mysql": {"defaults": {"ssl": true}, "locked": ["ssl"]}}`, presets.ErrInvalidDefault, "ssl", "pattern"},
		{"null default", `{"platform.mysql": {"defaults": {"database": null}}}`, presets.ErrInvalidDefault, "database", "null"},
		{"locked required without value", `{"platform.mysql": {"locked": ["host"]}}`, presets.ErrRequiredNoValue, "host", "required"},
		{"hidden required without value", `{"platform.mysql": {"hidden": ["user"]}}`, presets.ErrRequiredNoValue, "user", "required"},
		{"read-only property", `{"platform.mysql": {"defaults": {"image_version": "1"}}}`, presets.ErrReadOnly, "image_version", "read-only"},
		{"visible credential default", `{"platform.mysql": {"defaults": {"password": "pw"}}}`, presets.ErrCredentialVisible, "password", "credential"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := mustParse(t, tc.tpl).Validate(cards, engine)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("got %v, want valid", err)
				}
				return
			}
			var pe *presets.Error
			if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Property != tc.property {
				t.Fatalf("got %v, want %v about %q", err, tc.want, tc.property)
			}
			if msg := presets.Message(err); !strings.Contains(msg, tc.inMessage) {
				t.Fatalf("message %q does not say %q", msg, tc.inMessage)
			}
		})
	}

	t.Run("every problem is reported", func(t *testing.T) {
		t.Parallel()
		err := mustParse(t, `{"platform.mysql": {"locked": ["host", "sll"]}}`).Validate(cards, engine)
		if !errors.Is(err, presets.ErrRequiredNoValue) || !errors.Is(err, presets.ErrUnknownProperty) {
			t.Fatalf("got %v, want both problems", err)
		}
		if msg := presets.Message(err); strings.Contains(msg, "\n") || strings.Count(msg, "; ") != 1 {
			t.Fatalf("message %q: want both problems on one line, apart by \"; \"", msg)
		}
	})
	t.Run("a credential's value is never quoted", func(t *testing.T) {
		t.Parallel()
		card := mysqlCard()
		card.Steps[0].Properties[3].JSONSchema = json.RawMessage(`{"type":"string","pattern":"^x"}`)
		err := mustParse(t, `{"platform.mysql": {"defaults": {"password": "hunter2"}, "hidden": ["password"]}}`).
			Validate(func(string) (*connect.ReportCard, error) { return card, nil }, engine)
		if !errors.Is(err, presets.ErrInvalidDefault) || strings.Contains(err.Error(), "hunter2") {
			t.Fatalf("got %v, want an invalid default without its value", err)
		}
	})
	t.Run("a report card error is wrapped", func(t *testing.T) {
		t.Parallel()
		down := errors.New("stitch down")
		err := mustParse(t, `{"platform.mysql": {}}`).Validate(func(string) (*connect.ReportCard, error) { return nil, down }, engine)
		if !errors.Is(err, down) || !strings.Contains(err.Error(), "platform.mysql") {
			t.Fatalf("got %v, want the wrapped fetch error naming the type", err)
		}
	})
}

func TestMergeLaunchWinsPerProperty(t *testing.T) {
	t.Parallel()
	global := mustParse(t, `{"t": {"defaults": {"port": "3306", "database": "shop"}, "locked": ["ssl", "port"], "hidden": ["server_id"]}}`).Rules("t")
	cases := []struct {
		name   string
		launch string
		want   presets.Rules
	}{
		{"no launch rules", `{"t": {}}`, global},
		{"a default of the launch replaces the property's whole setting",
			`{"t": {"defaults": {"port": "3307"}}}`,
			presets.Rules{Defaults: map[string]any{"port": "3307", "database": "shop"}, Locked: []string{"ssl"}, Hidden: []string{"server_id"}}},
		{"a launch can hide what the global template locks",
			`{"t": {"defaults": {"ssl": "true"}, "hidden": ["ssl"]}}`,
			presets.Rules{Defaults: map[string]any{"port": "3306", "database": "shop", "ssl": "true"}, Locked: []string{"port"}, Hidden: []string{"server_id", "ssl"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := presets.Merge(global, mustParse(t, tc.launch).Rules("t"))
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
	if got := presets.Merge(presets.Rules{}, global); !reflect.DeepEqual(got, global) {
		t.Fatalf("launch only: got %+v, want %+v", got, global)
	}
}

func TestApplyToBuiltForm(t *testing.T) {
	t.Parallel()
	engine := forms.NewEngine(forms.EngineOptions{})
	r := mustParse(t, `{"platform.mysql": {"defaults": {"port": "3306", "ssl": "true", "server_id": "7", "database": "shop"}, "locked": ["ssl"], "hidden": ["server_id"]}}`).Rules("platform.mysql")
	step := mysqlCard().Steps[0]

	t.Run("new form", func(t *testing.T) {
		t.Parallel()
		f := engine.Build("platform.mysql", r.Step(step), r.NewValues(map[string]any{"database": "base"}), r.BuildOptions(forms.BuildOptions{}))
		r.Mark(f, "Set by Acme")
		if f.Field("server_id") != nil {
			t.Fatal("hidden server_id is on the form")
		}
		port := f.Field("port")
		if port == nil || port.Value != "3306" || port.ReadOnly {
			t.Fatalf("port: got %+v, want an editable field showing 3306", port)
		}
		if db := f.Field("database"); db == nil || db.Value != "shop" {
			t.Fatalf("database: got %+v, want the template's default over the type's", db)
		}
		ssl := f.Field("ssl")
		if ssl == nil || !ssl.Locked || !ssl.ReadOnly || ssl.Widget != forms.WidgetReadOnly || ssl.Hint != "Set by Acme" {
			t.Fatalf("ssl: got %+v, want locked, read-only, with the note", ssl)
		}
	})
	t.Run("edit form shows the locked value over the saved one", func(t *testing.T) {
		t.Parallel()
		saved := map[string]any{"ssl": "false", "port": "3310"}
		f := engine.Build("platform.mysql", r.Step(step), r.EditValues(saved), r.BuildOptions(forms.BuildOptions{Edit: true}))
		if ssl := f.Field("ssl"); ssl == nil || !ssl.Locked {
			t.Fatalf("ssl: got %+v, want locked", ssl)
		}
		if port := f.Field("port"); port == nil || port.Value != "3310" {
			t.Fatalf("port: got %+v, want the saved 3310 (defaults only prefill new forms)", port)
		}
		if saved["ssl"] != "false" {
			t.Fatal("EditValues changed the saved values")
		}
	})
	t.Run("no rules change nothing", func(t *testing.T) {
		t.Parallel()
		var none presets.Rules
		if got := none.Step(step); len(got.Properties) != len(step.Properties) {
			t.Fatalf("got %d properties, want %d", len(got.Properties), len(step.Properties))
		}
		if got := none.BuildOptions(forms.BuildOptions{}); got.Locked != nil {
			t.Fatalf("got %v, want no locked set", got.Locked)
		}
	})
}

func TestEnforce(t *testing.T) {
	t.Parallel()
	r := mustParse(t, `{"platform.mysql": {"defaults": {"ssl": "true", "server_id": "7"}, "locked": ["ssl", "database"], "hidden": ["server_id"]}}`).Rules("platform.mysql")
	step := mysqlCard().Steps[0]
	cases := []struct {
		name   string
		values url.Values
		want   error
		prop   string
	}{
		{"an honest submission", url.Values{"host": {"db"}, "port": {"3306"}}, nil, ""},
		{"a locked value changed", url.Values{"host": {"db"}, "ssl": {"false"}}, presets.ErrTampered, "ssl"},
		{"a hidden value added", url.Values{"host": {"db"}, "server_id": {"99"}}, presets.ErrTampered, "server_id"},
		{"a locked property without default sent", url.Values{"database": {"other"}}, presets.ErrTampered, "database"},
		{"a member of a locked property", url.Values{"ssl.x": {"1"}}, presets.ErrTampered, "ssl"},
		{"the template's value beside a member of it", url.Values{"ssl": {"true"}, "ssl.x": {"1"}}, presets.ErrTampered, "ssl"},
		{"the template's value beside a sealed one", url.Values{"server_id": {"7"}, forms.SealedPrefix + "server_id": {"x"}}, presets.ErrTampered, "server_id"},
		{"a credential choice of a hidden property", url.Values{forms.ChoicePrefix + "server_id": {"replace"}}, presets.ErrTampered, "server_id"},
		{"the template's own value is no change", url.Values{"ssl": {"true"}}, nil, ""},
		{"empty inputs are nothing sent", url.Values{"ssl": {""}, "server_id": {" "}}, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			props := map[string]any{"host": "db"}
			err := r.Enforce("platform.mysql", step, false, tc.values, props)
			for range 50 { // map order must not decide: judge the same input again
				if again := r.Enforce("platform.mysql", step, false, tc.values, map[string]any{"host": "db"}); (again == nil) != (err == nil) {
					t.Fatalf("the same submission gave %v, then %v", err, again)
				}
			}
			if tc.want == nil {
				if err != nil {
					t.Fatalf("got %v, want accepted", err)
				}
				want := map[string]any{"host": "db", "ssl": "true", "server_id": "7"}
				if !reflect.DeepEqual(props, want) {
					t.Fatalf("props: got %v, want %v", props, want)
				}
				return
			}
			var pe *presets.Error
			if !errors.Is(err, tc.want) || !errors.As(err, &pe) || pe.Property != tc.prop {
				t.Fatalf("got %v, want %v about %q", err, tc.want, tc.prop)
			}
		})
	}
	t.Run("an immutable saved property is left alone on edit", func(t *testing.T) {
		t.Parallel()
		st := mysqlCard().Steps[0]
		st.Properties[6].PropertyType, st.Properties[6].Provided = connect.PropertyUserProvidedImmutable, true // server_id
		props := map[string]any{}
		if err := r.Enforce("platform.mysql", st, true, url.Values{}, props); err != nil {
			t.Fatal(err)
		}
		if _, sent := props["server_id"]; sent || props["ssl"] != "true" {
			t.Fatalf("got %v, want ssl sent and the immutable server_id not", props)
		}
	})
}
