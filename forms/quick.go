package forms

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
)

// quick is an exact, allocation-free check for the simplest schema shapes,
// {"type":"string"}, {"type":"string","pattern":P}, {"type":"integer"} and
// an anyOf of those, which are most of the report cards' schemas. A value it
// accepts is valid; any other value goes to the JSON Schema validator, so
// that errors still carry their instance location.
type quick struct {
	typ   string         // "string" or "integer"; empty for anyOf
	re    *regexp.Regexp // the pattern, as jsonschema compiles it (Go's regexp)
	anyOf []*quick
}

// quickOf returns the quick check of a schema, or nil when its shape has
// any other keyword.
func quickOf(raw []byte, depth int) *quick {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil
	}
	if branches, ok := m["anyOf"]; ok {
		return quickAnyOf(branches, len(m), depth)
	}
	var typ string
	if json.Unmarshal(m["type"], &typ) != nil || (typ != "string" && typ != "integer") {
		return nil
	}
	q := &quick{typ: typ}
	for k, v := range m {
		switch k {
		case "type":
		case "pattern":
			var p string
			if typ != "string" || json.Unmarshal(v, &p) != nil {
				return nil
			}
			re, err := regexp.Compile(p)
			if err != nil {
				return nil
			}
			q.re = re
		default:
			return nil
		}
	}
	return q
}

func quickAnyOf(raw json.RawMessage, keys, depth int) *quick {
	var branches []json.RawMessage
	if keys != 1 || depth > 0 || json.Unmarshal(raw, &branches) != nil || len(branches) == 0 {
		return nil
	}
	q := &quick{}
	for _, b := range branches {
		bq := quickOf(b, depth+1)
		if bq == nil {
			return nil
		}
		q.anyOf = append(q.anyOf, bq)
	}
	return q
}

// valid reports whether v certainly matches the schema.
func (q *quick) valid(v any) bool {
	if q.typ == "" {
		for _, b := range q.anyOf {
			if b.valid(v) {
				return true
			}
		}
		return false
	}
	if q.typ == "integer" {
		return isInteger(v)
	}
	s, ok := v.(string)
	return ok && (q.re == nil || q.re.MatchString(s))
}

// isInteger reports whether v is a JSON number without a fraction.
func isInteger(v any) bool {
	switch n := v.(type) {
	case int, int64:
		return true
	case float64:
		return n == math.Trunc(n) && !math.IsInf(n, 0)
	case json.Number:
		if _, err := strconv.ParseInt(string(n), 10, 64); err == nil {
			return true
		}
	}
	return false
}
