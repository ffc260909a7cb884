package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// schemaKey names a compiled property schema.
func schemaKey(kind, typ, prop string) string { return kind + "/" + typ + "/" + prop }

// compileSchemas compiles every property schema of the catalog once.
func compileSchemas(c *Catalog) (map[string]*jsonschema.Schema, error) {
	out := map[string]*jsonschema.Schema{}
	for kind, types := range map[string]map[string]*TypeDef{"sources": c.Sources, "destinations": c.Destinations} {
		for _, t := range types {
			for _, p := range t.Properties {
				raw := bytes.TrimSpace(p.Schema)
				if len(raw) == 0 || string(raw) == "null" {
					continue
				}
				comp := jsonschema.NewCompiler()
				comp.Draft = jsonschema.Draft7
				comp.AssertFormat = true
				url := "mem:///" + schemaKey(kind, t.Type, p.Name) + ".json"
				if err := comp.AddResource(url, bytes.NewReader(raw)); err != nil {
					return nil, fmt.Errorf("schema of %s %s: %w", t.Type, p.Name, err)
				}
				sch, err := comp.Compile(url)
				if err != nil {
					return nil, fmt.Errorf("compile schema of %s %s: %w", t.Type, p.Name, err)
				}
				out[schemaKey(kind, t.Type, p.Name)] = sch
			}
		}
	}
	return out, nil
}

// valid reports whether v satisfies the property's schema. The API's values
// are mostly strings ("port":"3306"), yet examples send typed values for
// typed schemas ("ssl":false); the emulator accepts a value whose typed or
// string form validates, so a UI may send either.
func (s *Server) valid(kind string, t *TypeDef, p *PropertyDef, v any) bool {
	sch, ok := s.schemas[schemaKey(kind, t.Type, p.Name)]
	if !ok { // no schema published: any scalar
		switch v.(type) {
		case string, json.Number, bool:
			return true
		}
		return false
	}
	if sch.Validate(v) == nil {
		return true
	}
	switch x := v.(type) {
	case string:
		if b, err := strconv.ParseBool(x); err == nil && sch.Validate(b) == nil {
			return true
		}
		if _, err := strconv.ParseFloat(x, 64); err == nil && sch.Validate(json.Number(x)) == nil {
			return true
		}
	case json.Number, bool:
		return sch.Validate(stringify(x)) == nil
	}
	return false
}

// stringify stores scalars as strings, as the API returns them; arrays and
// objects are kept.
func stringify(v any) any {
	switch x := v.(type) {
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return v
}

// applyProps validates a request's properties against a type and merges them
// into cur (nil on create). It returns the merged values, or the sorted names
// of the bad properties: unknown names, read_only ones, empty strings, schema
// mismatches and changes of a user_provided_immutable value.
func (s *Server) applyProps(kind string, t *TypeDef, cur, in map[string]any, creating bool) (map[string]any, []string) {
	out := make(map[string]any, len(cur)+len(in))
	for k, v := range cur {
		out[k] = v
	}
	var bad []string
	for name, v := range in {
		p := t.prop(name)
		if p == nil || p.Kind == kindReadOnly {
			bad = append(bad, name)
			continue
		}
		old, had := cur[name]
		if v == nil {
			if p.Kind == kindUserImmutable && had && !creating {
				bad = append(bad, name)
				continue
			}
			delete(out, name)
			continue
		}
		if str, ok := v.(string); ok && str == "" {
			bad = append(bad, name)
			continue
		}
		if !s.valid(kind, t, p, v) {
			bad = append(bad, name)
			continue
		}
		nv := stringify(v)
		if p.Kind == kindUserImmutable && had && !creating && !reflect.DeepEqual(old, nv) {
			bad = append(bad, name)
			continue
		}
		out[name] = nv
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, bad
	}
	return out, nil
}

// publicValues returns the values an API response may show: credentials
// are never returned.
func publicValues(t *TypeDef, values map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range values {
		if p := t.prop(k); p != nil && p.Credential {
			continue
		}
		out[k] = v
	}
	return out
}

// providedFn reports a property as provided when it has a non-null value.
func providedFn(values map[string]any) func(string) bool {
	return func(name string) bool {
		v, ok := values[name]
		return ok && v != nil
	}
}

// stringValue returns a stored value as a string ("" when absent or not a string).
func stringValue(values map[string]any, name string) string {
	s, _ := values[name].(string)
	return s
}
