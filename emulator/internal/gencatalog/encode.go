package main

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// marshal encodes v compactly without HTML escaping (patterns keep their < > &).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// encode writes a type in a diff-friendly layout: one line per top-level
// key, property and field.
func encode(t *typeDef) ([]byte, error) {
	var b bytes.Buffer
	line := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	kv := func(key string, v any, last bool) error {
		enc, err := marshal(v)
		if err != nil {
			return err
		}
		comma := ","
		if last {
			comma = ""
		}
		line("  %q: %s%s\n", key, enc, comma)
		return nil
	}
	line("{\n")
	head := []struct {
		k    string
		v    any
		skip bool
	}{
		{"type", t.Type, false}, {"name", t.Name, false}, {"kind", t.Kind, false}, {"access", t.Access, false}, {"locked_in_reference", t.Locked, !t.Locked},
		{"pricing_tier", t.PricingTier, false}, {"pipeline_state", t.PipelineState, false}, {"protocol", t.Protocol, false},
		{"default_frequency", t.DefaultFrequency, t.DefaultFrequency == 0},
		{"default_start_date", t.DefaultStartDate, t.DefaultStartDate == ""},
		{"cron_unsupported", t.CronUnsupported, !t.CronUnsupported},
		{"steps", t.Steps, false},
	}
	for _, h := range head {
		if h.skip {
			continue
		}
		if err := kv(h.k, h.v, false); err != nil {
			return nil, err
		}
	}
	line("  \"properties\": [\n")
	for i, p := range t.Properties {
		enc, err := marshal(p)
		if err != nil {
			return nil, err
		}
		line("    %s%s\n", enc, sep(i, len(t.Properties)))
	}
	if len(t.Streams) == 0 {
		line("  ]\n}\n")
		return b.Bytes(), nil
	}
	line("  ],\n  \"streams\": [\n")
	for i, s := range t.Streams {
		fields := s.Fields
		s.Fields = nil
		enc, err := marshal(s)
		if err != nil {
			return nil, err
		}
		// enc ends with "fields":null}; reopen it to list the fields.
		enc = bytes.TrimSuffix(enc, []byte(`"fields":null}`))
		line("    %s\"fields\": [\n", enc)
		for j, f := range fields {
			fe, err := marshal(f)
			if err != nil {
				return nil, err
			}
			line("      %s%s\n", fe, sep(j, len(fields)))
		}
		line("    ]}%s\n", sep(i, len(t.Streams)))
	}
	line("  ]\n}\n")
	return b.Bytes(), nil
}

func sep(i, n int) string {
	if i < n-1 {
		return ","
	}
	return ""
}
