package views

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
)

func cardStep(tb testing.TB, file, step string) (connect.ReportCard, connect.Step) {
	tb.Helper()
	rc, ok := reportCards(tb)[file]
	if !ok {
		tb.Fatalf("no report card %s", file)
	}
	s, ok := rc.Step(step)
	if !ok {
		tb.Fatalf("%s has no %s step", file, step)
	}
	return rc, s
}

// provided marks every property of a step provided (an existing connection).
func provided(s connect.Step) connect.Step {
	out := s
	out.Properties = append([]connect.Property(nil), s.Properties...)
	for i := range out.Properties {
		out.Properties[i].Provided = true
	}
	return out
}

func TestGoldenForms(t *testing.T) {
	e := forms.NewEngine(forms.EngineOptions{})
	cases := []struct {
		name  string
		build func() *forms.Form
	}{
		{"hubspot-form", func() *forms.Form {
			rc, s := cardStep(t, "source-types/platform.hubspot.json", connect.StepForm)
			return e.Build(rc.Type, s, nil, forms.BuildOptions{})
		}},
		{"google-analytics-form", func() *forms.Form {
			rc, s := cardStep(t, "source-types/platform.google-analytics.json", connect.StepForm)
			return e.Build(rc.Type, s, nil, forms.BuildOptions{})
		}},
		{"google-analytics-oauth", func() *forms.Form {
			rc, s := cardStep(t, "source-types/platform.google-analytics.json", connect.StepOAuth)
			return e.Build(rc.Type, s, nil, forms.BuildOptions{})
		}},
		{"google-analytics-oauth-own-app", func() *forms.Form {
			rc, s := cardStep(t, "source-types/platform.google-analytics.json", connect.StepOAuth)
			return e.Build(rc.Type, s, nil, forms.BuildOptions{OwnOAuth: true})
		}},
		{"mysql-form", func() *forms.Form {
			rc, s := cardStep(t, "source-types/platform.mysql.json", connect.StepForm)
			return e.Build(rc.Type, s, nil, forms.BuildOptions{})
		}},
		{"postgres-destination-form", func() *forms.Form {
			rc, s := cardStep(t, "destination-types/postgres.json", connect.StepForm)
			return e.Build(rc.Type, s, nil, forms.BuildOptions{})
		}},
		{"mysql-edit-provided-credentials", func() *forms.Form {
			rc, s := cardStep(t, "source-types/platform.mysql.json", connect.StepForm)
			cur := map[string]any{"host": "db.example.com", "port": "3306", "user": "stitch", "database": "shop", "frequency_in_minutes": "60", "ssl": "true", "image_version": "1.latest"}
			return e.Build(rc.Type, provided(s), cur, forms.BuildOptions{Edit: true})
		}},
		{"mysql-form-with-errors", func() *forms.Form {
			rc, s := cardStep(t, "source-types/platform.mysql.json", connect.StepForm)
			f := e.Build(rc.Type, s, nil, forms.BuildOptions{})
			f.Decode(url.Values{"host": {"not a host!"}, "port": {"33o6"}, "user": {"stitch"}, "password": {"typed-secret"}, "frequency_in_minutes": {"45"}})
			f.AddError("display_name", "Enter a name for this source")
			return f
		}},
		{"google-analytics-form-with-errors", func() *forms.Form {
			rc, s := cardStep(t, "source-types/platform.google-analytics.json", connect.StepForm)
			f := e.Build(rc.Type, s, nil, forms.BuildOptions{})
			f.Decode(url.Values{
				"report_definitions[0].name": {""}, "report_definitions[0].id": {""},
				"report_definitions[1].name": {"Traffic <by source>"}, "report_definitions[1].id": {""},
				"start_date": {"31/01/2024"}, "cron_expression": {"0 0 6 * * ?"},
			})
			f.AddAPIErrors(nil, "Your plan does not include cron schedules.")
			return f
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := renderForm(t, tc.build())
			path := filepath.Join("testdata", "golden", tc.name+".html")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run go test ./views/ -run TestGoldenForms -update): %v", err)
			}
			if got != string(want) {
				actual := filepath.Join("testdata", "golden", tc.name+".actual.html")
				_ = os.WriteFile(actual, []byte(got), 0o644)
				t.Fatalf("rendered HTML differs from %s; wrote %s for diffing", path, actual)
			}
		})
	}
}
