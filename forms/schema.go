package forms

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// valueKind is the JSON type a decoded value is sent as.
type valueKind int

const (
	valueString      valueKind = iota // a JSON string (most Stitch properties)
	valueInteger                      // a JSON number without fraction
	valueNumber                       // a JSON number
	valueBoolean                      // a JSON boolean
	valueStringArray                  // a JSON array of strings, one per line
	valueObjectArray                  // a JSON array of objects, one per row
	valueObject                       // a JSON object: a fieldset of members, or a key file
)

// format is what a value looks like, which picks the widget, the parsing and the message.
type format int

const (
	formatText     format = iota // free text
	formatSelect                 // one of a few literals
	formatBoolean                // "true"/"false" or a boolean
	formatDate                   // YYYY-MM-DDT00:00:00Z
	formatDateTime               // RFC 3339
	formatNumeric                // digits, sent as a string unless valueInteger
	formatDecimal                // a decimal number
	formatHost                   // host name or IP address
	formatURI                    // absolute URI
	formatEmail                  // email address
	formatPattern                // another pattern
	formatLines                  // array of strings
	formatRows                   // array of objects
	formatObject                 // object with properties: a fieldset of its members
	formatKeyFile                // object without usable properties: a JSON document (key file)
)

// datePattern is the start_date pattern of the report cards.
const datePattern = `^\d{4}-\d{2}-\d{2}T00:00:00Z$`

// Limits that keep hostile report cards cheap.
const (
	maxOptions     = 100
	maxOptionLen   = 64
	maxColumns     = 20
	maxCacheSize   = 4096
	maxPatternSize = 4096
	// maxObjectDepth bounds nested objects drawn as fieldsets; deeper ones are JSON documents.
	maxObjectDepth = 3
)

// spec is what the engine learnt from one json_schema text. It is shared by
// every form built from the same text and never modified after creation.
type spec struct {
	format    format
	value     valueKind
	options   []string // formatSelect
	columns   []column // formatRows
	members   []column // formatObject, in the order shown
	schema    *jsonschema.Schema
	quick     *quick // nil unless the schema has one of the simplest shapes
	jsonBool  bool   // the schema wants a JSON boolean, not the strings "true"/"false"
	compileOK bool   // false when a published schema failed to compile
}

// column is a sub-field of an array of objects.
type column struct {
	name     string
	required bool
	spec     *spec
}

// rawSchema is the subset of JSON Schema the engine reads to pick a widget.
type rawSchema struct {
	Type       json.RawMessage       `json:"type"`
	Pattern    string                `json:"pattern"`
	Format     string                `json:"format"`
	Enum       []any                 `json:"enum"`
	AnyOf      []rawSchema           `json:"anyOf"`
	Items      *rawSchema            `json:"items"`
	Properties map[string]*rawSchema `json:"properties"`
	Required   []string              `json:"required"`
}

// types returns the schema's type keyword as a list.
func (r *rawSchema) types() []string {
	if len(r.Type) == 0 {
		return nil
	}
	var one string
	if err := json.Unmarshal(r.Type, &one); err == nil {
		return []string{one}
	}
	var many []string
	if err := json.Unmarshal(r.Type, &many); err == nil {
		return many
	}
	return nil
}

func (r *rawSchema) is(typ string) bool { return slices.Contains(r.types(), typ) }

// plainText is the spec of a property without a usable schema.
var plainText = &spec{format: formatText, value: valueString, compileOK: true}

// schemaCache compiles each schema text once; safe for concurrent use.
type schemaCache struct {
	mu      sync.RWMutex
	entries map[string]*spec
	log     func(msg string, args ...any)
}

func newSchemaCache(log func(msg string, args ...any)) *schemaCache {
	return &schemaCache{entries: make(map[string]*spec), log: log}
}

// get returns the spec of a raw json_schema, compiling it on first use.
func (c *schemaCache) get(raw json.RawMessage) *spec {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return plainText
	}
	c.mu.RLock()
	s, ok := c.entries[string(raw)] // no allocation for the lookup
	c.mu.RUnlock()
	if ok {
		return s
	}
	key := string(raw)
	s, err := analyse(raw)
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.entries[key]; ok {
		return prev
	}
	if len(c.entries) < maxCacheSize {
		c.entries[key] = s
		if err != nil {
			// Logged once per schema text: the cache remembers the failure.
			c.log("json_schema unusable, showing a plain text field", "schema", truncate(key, 200), "err", err)
		}
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// analyse compiles a schema and learns its widget; an unusable schema gives plain text.
func analyse(raw []byte) (*spec, error) {
	sch, err := compile(raw)
	if err != nil {
		return &spec{format: formatText, value: valueString}, err
	}
	var r rawSchema
	if err := json.Unmarshal(raw, &r); err != nil {
		return &spec{format: formatText, value: valueString}, fmt.Errorf("read json_schema: %w", err)
	}
	s := learn(&r, 0)
	s.schema = sch
	s.quick = quickOf(raw, 0)
	s.jsonBool = s.value == valueBoolean && sch.Validate(true) == nil && sch.Validate("true") != nil
	s.compileOK = true
	return s, nil
}

var errNoRemoteRefs = errors.New("remote references are not loaded")

// compile compiles a schema without ever reading files or the network.
func compile(raw []byte) (sch *jsonschema.Schema, err error) {
	defer func() {
		if r := recover(); r != nil {
			sch, err = nil, fmt.Errorf("compile json_schema: panic: %v", r)
		}
	}()
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	c.LoadURL = func(string) (io.ReadCloser, error) { return nil, errNoRemoteRefs }
	const url = "mem:///property.json"
	if err := c.AddResource(url, bytes.NewReader(raw)); err != nil {
		return nil, fmt.Errorf("read json_schema: %w", err)
	}
	sch, err = c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("compile json_schema: %w", err)
	}
	return sch, nil
}

// learn picks the format and value kind of a schema; depth bounds recursion.
func learn(r *rawSchema, depth int) *spec {
	s := &spec{format: formatText, value: valueString}
	switch {
	case r.is("boolean"):
		s.format, s.value = formatBoolean, valueBoolean
	case r.is("integer"):
		s.format, s.value = formatNumeric, valueInteger
	case r.is("number"):
		s.format, s.value = formatDecimal, valueNumber
	case r.is("array"):
		learnArray(r, s, depth)
	case r.is("object") || len(r.types()) == 0 && len(r.Properties) > 0:
		learnObject(r, s, depth)
	case len(r.Enum) > 0:
		learnEnum(r, s)
	case r.Pattern != "":
		learnPattern(r.Pattern, s)
	case r.Format != "":
		s.format = formatOf(r.Format)
	case len(r.AnyOf) > 0:
		learnAnyOf(r, s)
	}
	return s
}

func learnArray(r *rawSchema, s *spec, depth int) {
	s.format, s.value = formatLines, valueStringArray
	if r.Items == nil || !r.Items.is("object") || len(r.Items.Properties) == 0 || depth > 0 {
		return
	}
	names := make([]string, 0, len(r.Items.Properties))
	for n := range r.Items.Properties {
		names = append(names, n)
	}
	if len(names) > maxColumns {
		return
	}
	// Required columns first, then the order people expect for the known pairs.
	slices.SortFunc(names, func(a, b string) int {
		ra, rb := slices.Contains(r.Items.Required, a), slices.Contains(r.Items.Required, b)
		if ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	if slices.Equal(names, []string{"id", "name"}) {
		names = []string{"name", "id"}
	}
	s.format, s.value = formatRows, valueObjectArray
	for _, n := range names {
		sub := r.Items.Properties[n]
		cs := plainText
		if sub != nil {
			cs = learn(sub, depth+1)
			if cs.format == formatRows || cs.format == formatLines || cs.value != valueString {
				cs = plainText
			}
		}
		s.columns = append(s.columns, column{name: n, required: slices.Contains(r.Items.Required, n), spec: cs})
	}
}

// learnObject makes an object with a few properties a fieldset of its
// members, and any other object a JSON document (a key file).
func learnObject(r *rawSchema, s *spec, depth int) {
	s.format, s.value = formatKeyFile, valueObject
	if len(r.Properties) == 0 || len(r.Properties) > maxColumns || depth >= maxObjectDepth {
		return
	}
	names := make([]string, 0, len(r.Properties))
	for n, sub := range r.Properties {
		if sub == nil || n == "" {
			return // a member without a schema: the object is not drawable
		}
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		ra, rb := slices.Contains(r.Required, a), slices.Contains(r.Required, b)
		if ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		oa, ob := wellKnownRank(a), wellKnownRank(b)
		return cmp.Or(cmp.Compare(oa, ob), strings.Compare(a, b))
	})
	s.format = formatObject
	for _, n := range names {
		sub := r.Properties[n]
		ms := learn(sub, depth+1)
		if ms.format == formatRows {
			ms = &spec{format: formatKeyFile, value: valueObject} // rows in a fieldset: a JSON document
		}
		ms.jsonBool = ms.value == valueBoolean && sub.is("boolean")
		s.members = append(s.members, column{name: n, required: slices.Contains(r.Required, n), spec: ms})
	}
}

func learnEnum(r *rawSchema, s *spec) {
	if isBooleanEnum(r.Enum) {
		s.format, s.value = formatBoolean, valueBoolean
		return
	}
	var opts []string
	for _, v := range r.Enum {
		str, ok := v.(string)
		if !ok || str == "" || len(str) > maxOptionLen {
			return
		}
		if !slices.Contains(opts, str) {
			opts = append(opts, str)
		}
	}
	if len(opts) > maxOptions {
		return
	}
	if isBooleanSet(opts) {
		s.format = formatBoolean
		return
	}
	s.format, s.options = formatSelect, opts
}

func learnPattern(p string, s *spec) {
	s.format = formatPattern
	if p == datePattern || p == `^[0-9]{4}-[0-9]{2}-[0-9]{2}T00:00:00Z$` {
		s.format = formatDate
		return
	}
	if len(p) > maxPatternSize {
		return
	}
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		return
	}
	if opts, ok := literals(re, maxOptions); ok && len(opts) >= 2 {
		if isBooleanSet(opts) {
			s.format = formatBoolean
			return
		}
		s.format, s.options = formatSelect, opts
		return
	}
	if digits, decimal := numericPattern(re); digits {
		s.format = formatNumeric
		if decimal {
			s.format = formatDecimal
		}
	}
}

func learnAnyOf(r *rawSchema, s *spec) {
	numeric, host, str := true, true, false
	for i := range r.AnyOf {
		b := &r.AnyOf[i]
		switch {
		case b.is("integer"):
			host = false
		case b.Pattern != "":
			host = false
			var bs spec
			learnPattern(b.Pattern, &bs)
			numeric = numeric && bs.format == formatNumeric
		case b.Format == "hostname" || b.Format == "ipv4" || b.Format == "ipv6":
			numeric = false
		case b.is("string") || b.is("array"):
			numeric, host, str = false, false, true
		default:
			numeric, host = false, false
		}
	}
	switch {
	case numeric:
		s.format = formatNumeric
	case host && r.Format == "" && (len(r.types()) == 0 || r.is("string")):
		s.format = formatHost
	case str:
		s.format = formatText
	}
}

func formatOf(f string) format {
	switch f {
	case "date-time":
		return formatDateTime
	case "uri", "url":
		return formatURI
	case "email":
		return formatEmail
	case "hostname", "ipv4", "ipv6":
		return formatHost
	}
	return formatText
}

// isBooleanEnum reports whether an enum is exactly the JSON booleans true and false.
func isBooleanEnum(values []any) bool {
	if len(values) != 2 {
		return false
	}
	t, ok1 := values[0].(bool)
	f, ok2 := values[1].(bool)
	return ok1 && ok2 && t != f
}

func isBooleanSet(opts []string) bool {
	return len(opts) == 2 && slices.Contains(opts, "true") && slices.Contains(opts, "false")
}

// literals returns the finite set of strings a pattern matches, ignoring
// anchors, when it is an alternation of a few literals like ^(csv|json)$.
func literals(re *syntax.Regexp, limit int) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		return []string{""}, true
	case syntax.OpCapture:
		return literals(re.Sub[0], limit)
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			if re.Rune[i+1]-re.Rune[i] > 3 {
				return nil, false
			}
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				out = append(out, string(r))
			}
		}
		return out, len(out) > 0 && len(out) <= 4
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			set, ok := literals(sub, limit)
			if !ok {
				return nil, false
			}
			for _, v := range set {
				if !slices.Contains(out, v) {
					out = append(out, v)
				}
			}
			if len(out) > limit {
				return nil, false
			}
		}
		return out, true
	case syntax.OpConcat:
		out := []string{""}
		for _, sub := range re.Sub {
			set, ok := literals(sub, limit)
			if !ok || len(out)*len(set) > limit {
				return nil, false
			}
			next := make([]string, 0, len(out)*len(set))
			for _, a := range out {
				for _, b := range set {
					if len(a)+len(b) > maxOptionLen {
						return nil, false
					}
					next = append(next, a+b)
				}
			}
			out = next
		}
		return out, true
	}
	return nil, false
}

// numericPattern reports whether a pattern only matches digits (and, for
// decimal, a separator), like ^\d+$ or ^\d+.?\d*$.
func numericPattern(re *syntax.Regexp) (digits, decimal bool) {
	ok := true
	var walk func(*syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		if !ok {
			return
		}
		switch re.Op {
		case syntax.OpLiteral:
			for _, r := range re.Rune {
				switch {
				case r >= '0' && r <= '9':
					digits = true
				case r == '.':
					decimal = true
				default:
					ok = false
				}
			}
		case syntax.OpCharClass:
			for i := 0; i+1 < len(re.Rune); i += 2 {
				lo, hi := re.Rune[i], re.Rune[i+1]
				switch {
				case lo >= '0' && hi <= '9':
					digits = true
				case lo == '.' && hi == '.':
					decimal = true
				default:
					ok = false
				}
			}
		case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
			decimal = true
		case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText:
		case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat,
			syntax.OpConcat, syntax.OpAlternate:
			for _, sub := range re.Sub {
				walk(sub)
			}
		default:
			ok = false
		}
	}
	walk(re)
	return ok && digits, decimal
}
