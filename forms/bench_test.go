package forms

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/onramp/onramp/connect"
)

// BenchmarkValidateMySQL decodes and validates a full MySQL submission
// against the real report card (target ≤ 20 µs).
func BenchmarkValidateMySQL(b *testing.B) {
	rc, step := mysqlCard(b)
	e := NewEngine(EngineOptions{})
	values := url.Values{
		"host": {"db.example.com"}, "port": {"3306"}, "user": {"stitch"}, "password": {"secret"},
		"database": {"shop"}, "frequency_in_minutes": {"60"}, "ssl": {"true"}, "ssh": {"true"},
		"ssh_host": {"bastion.example.com"}, "ssh_port": {"22"}, "ssh_user": {"tunnel"}, "server_id": {"12345"},
		"anchor_time": {"2024-01-31T09:30"}, "filter_dbs": {"shop,sales"},
	}
	f := e.Build(rc.Type, step, nil, BuildOptions{})
	if _, ok := f.Decode(values); !ok {
		b.Fatalf("the submission is invalid: %+v", f.Errors())
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok := f.Decode(values); !ok {
			b.Fatal("invalid")
		}
	}
}

// BenchmarkBuildValidateMySQL is a whole POST's work in forms: build the
// form, then decode and validate the submission.
func BenchmarkBuildValidateMySQL(b *testing.B) {
	rc, step := mysqlCard(b)
	e := NewEngine(EngineOptions{})
	values := url.Values{"host": {"db.example.com"}, "port": {"3306"}, "user": {"stitch"}, "password": {"secret"}, "frequency_in_minutes": {"60"}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := e.Build(rc.Type, step, nil, BuildOptions{})
		if _, ok := f.Decode(values); !ok {
			b.Fatal("invalid")
		}
	}
}

// mysqlCard reads the real MySQL report card and its form step.
func mysqlCard(b *testing.B) (connect.ReportCard, connect.Step) {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "shared", "stitch-connect", "report-cards", "source-types", "platform.mysql.json"))
	if err != nil {
		b.Fatalf("shared reference missing: %v", err)
	}
	var rc connect.ReportCard
	if err := json.Unmarshal(raw, &rc); err != nil {
		b.Fatal(err)
	}
	step, _ := rc.Step(connect.StepForm)
	return rc, step
}
