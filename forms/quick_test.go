package forms

import (
	"encoding/json"
	"fmt"
	"testing"
)

// TestQuickAgreesWithValidator checks, for every schema of the shared cards
// that has a quick check, that the quick check never accepts a value the
// JSON Schema validator rejects.
func TestQuickAgreesWithValidator(t *testing.T) {
	values := []any{"", "1", "30", "45", "3306", "33o6", "abc", "true", "false", "truex", "ssh", "none",
		"2024-01-31T00:00:00Z", "2024-01-31", "db.example.com", json.Number("5"), json.Number("5.5"),
		int64(3), 2.0, 2.5, true, nil, []any{"a"}, map[string]any{}}
	e := NewEngine(EngineOptions{})
	seen := map[string]bool{}
	quick := 0
	for _, s := range sharedSteps(t) {
		for _, p := range s.Properties {
			key := string(p.JSONSchema)
			if seen[key] || !p.HasSchema() {
				continue
			}
			seen[key] = true
			sp := e.schema.get(p.JSONSchema)
			if sp.quick == nil || sp.schema == nil {
				continue
			}
			quick++
			for _, v := range values {
				t.Run(fmt.Sprintf("%s/%v", key, v), func(t *testing.T) {
					got, want := sp.quick.valid(v), sp.schema.Validate(v) == nil
					if got && !want {
						t.Errorf("quick check accepts %#v, the validator rejects it", v)
					}
					if got != want && !isString(v) {
						t.Errorf("quick check says %v for %#v, validator %v", got, v, want)
					}
				})
			}
		}
	}
	if quick < 10 {
		t.Fatalf("got %d schemas with a quick check, want the common shapes (≥ 10)", quick)
	}
}

func isString(v any) bool { _, ok := v.(string); return ok }

func TestQuickShapes(t *testing.T) {
	cases := []struct {
		schema string
		quick  bool
	}{
		{`{"type":"string"}`, true},
		{`{"type":"string","pattern":"^\\d+$"}`, true},
		{`{"anyOf":[{"type":"integer"},{"type":"string","pattern":"^\\d+"}]}`, true},
		{`{"type":"string","format":"date-time"}`, false},
		{`{"type":"string","anyOf":[{"format":"hostname"},{"format":"ipv4"}]}`, false},
		{`{"type":"boolean"}`, false},
		{`{"type":"string","pattern":"(?=x)"}`, false},
		{`{"anyOf":[{"anyOf":[{"type":"string"}]}]}`, false},
		{`{"type":["string","null"]}`, false},
		{`{}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.schema, func(t *testing.T) {
			if got := quickOf([]byte(tc.schema), 0) != nil; got != tc.quick {
				t.Fatalf("quick check: got %v, want %v", got, tc.quick)
			}
		})
	}
}
