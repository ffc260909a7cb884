package views

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
)

// emulatorStep reads the form step of a destination from the emulator's
// catalog (BigQuery and Databricks have no published report card).
func emulatorStep(tb testing.TB, file string) connect.Step {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "emulator", "catalog", file))
	if err != nil {
		tb.Fatalf("read %s: %v", file, err)
	}
	var def struct {
		Properties []struct {
			Name       string          `json:"name"`
			Step       string          `json:"step"`
			Kind       string          `json:"kind"`
			Required   bool            `json:"required"`
			Credential bool            `json:"credential"`
			Schema     json.RawMessage `json:"schema"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &def); err != nil {
		tb.Fatalf("parse %s: %v", file, err)
	}
	s := connect.Step{Type: connect.StepForm}
	for _, p := range def.Properties {
		if p.Step == connect.StepForm {
			s.Properties = append(s.Properties, connect.Property{Name: p.Name, PropertyType: p.Kind, IsRequired: p.Required, IsCredential: p.Credential, JSONSchema: p.Schema})
		}
	}
	return s
}

func TestGoldenObjectForms(t *testing.T) {
	e := forms.NewEngine(forms.EngineOptions{})
	cases := []struct {
		name  string
		build func() *forms.Form
	}{
		{"bigquery-destination-form", func() *forms.Form {
			return e.Build("bigquery_v2", emulatorStep(t, "destinations/bigquery_v2.json"), nil, forms.BuildOptions{})
		}},
		{"bigquery-destination-edit", func() *forms.Form {
			return e.Build("bigquery_v2", provided(emulatorStep(t, "destinations/bigquery_v2.json")),
				map[string]any{"cloud_storage_location": "EU", "loading_mode": "UPSERT", "project_id": "acme"}, forms.BuildOptions{Edit: true})
		}},
		{"bigquery-destination-bad-key", func() *forms.Form {
			f := e.Build("bigquery_v2", emulatorStep(t, "destinations/bigquery_v2.json"), nil, forms.BuildOptions{})
			f.Decode(url.Values{forms.FilePrefix + "service_account_credentials": {`{"type": "service_account"`}, "cloud_storage_location": {"US"}, "loading_mode": {"UPSERT"}})
			return f
		}},
		{"databricks-destination-form", func() *forms.Form {
			return e.Build("databricks_delta", emulatorStep(t, "generated/destinations/databricks_delta.json"), nil, forms.BuildOptions{})
		}},
		{"databricks-destination-with-errors", func() *forms.Form {
			f := e.Build("databricks_delta", emulatorStep(t, "generated/destinations/databricks_delta.json"), nil, forms.BuildOptions{})
			f.Decode(url.Values{"ssh_config.ssh": {"true"}, "staging_area.scheme": {"s3"}})
			return f
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := renderForm(t, tc.build())
			checkLabelled(t, tc.name, got, nil)
			if strings.Contains(got, "PRIVATE KEY") || strings.Contains(got, `"service_account"`) {
				t.Fatal("a key file's content was echoed")
			}
			path := filepath.Join("testdata", "golden", tc.name+".html")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run go test ./views/ -run TestGoldenObjectForms -update): %v", err)
			}
			if got != string(want) {
				actual := filepath.Join("testdata", "golden", tc.name+".actual.html")
				_ = os.WriteFile(actual, []byte(got), 0o644)
				t.Fatalf("rendered HTML differs from %s; wrote %s for diffing", path, actual)
			}
		})
	}
}

func TestKeyFileMarkup(t *testing.T) {
	f := forms.NewEngine(forms.EngineOptions{}).Build("bigquery_v2", emulatorStep(t, "destinations/bigquery_v2.json"), nil, forms.BuildOptions{})
	page := renderForm(t, f)
	for _, want := range []string{
		`type="file" id="service_account_credentials" name="_file.service_account_credentials" accept=".json,application/json"`,
		`<textarea class="field__textarea field__textarea--mono" id="service_account_credentials-paste" name="service_account_credentials"`,
		`<label class="field__label" for="service_account_credentials">Service account key file</label>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not contain %s", want)
		}
	}
}
