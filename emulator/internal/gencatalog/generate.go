package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Input: the reference's sources.json (only the fields used here).
type refDoc struct {
	Entries []refEntry `json:"entries"`
}

type refEntry struct {
	APIType          string    `json:"api_type"`
	DisplayName      string    `json:"display_name"`
	Kind             string    `json:"kind"`
	HasOAuthStep     bool      `json:"has_oauth_step"`
	DefaultFrequency *int      `json:"default_frequency_in_minutes"`
	CronSupported    *bool     `json:"cron_scheduling_supported"`
	FormProperties   []refProp `json:"form_properties"`
	OAuthProperties  []refProp `json:"oauth_properties"`
	ReportCard       *refCard  `json:"report_card_example"`
}

type refProp struct {
	Name          string       `json:"name"`
	Type          string       `json:"type"`
	Required      bool         `json:"required"`
	ReadOnly      bool         `json:"read_only"`
	Credential    *bool        `json:"credential"`
	ReportCard    *refCardProp `json:"report_card"`
	Subattributes []refProp    `json:"subattributes"`
}

type refCardProp struct {
	Name         string          `json:"name"`
	Step         string          `json:"step"`
	IsRequired   bool            `json:"is_required"`
	IsCredential bool            `json:"is_credential"`
	PropertyType string          `json:"property_type"`
	JSONSchema   json.RawMessage `json:"json_schema"`
}

type refCard struct {
	Steps        []string      `json:"steps"`
	Details      *refDetails   `json:"details"`
	Undocumented []refCardProp `json:"undocumented_properties"`
}

type refDetails struct {
	PricingTier       string  `json:"pricing_tier"`
	PipelineState     string  `json:"pipeline_state"`
	DefaultStartDate  *string `json:"default_start_date"`
	DefaultScheduling *int    `json:"default_scheduling_interval"`
	Protocol          string  `json:"protocol"`
	Access            *bool   `json:"access"`
	ImageVersion      *string `json:"image_version"`
}

// Output: the emulator's TypeDef format (emulator/catalog.go), same keys and order.
type typeDef struct {
	Type             string      `json:"type"`
	Name             string      `json:"name"`
	Kind             string      `json:"kind"`
	Access           bool        `json:"access"`
	Locked           bool        `json:"locked_in_reference,omitempty"`
	PricingTier      string      `json:"pricing_tier"`
	PipelineState    string      `json:"pipeline_state"`
	Protocol         string      `json:"protocol"`
	DefaultFrequency int         `json:"default_frequency,omitempty"`
	DefaultStartDate string      `json:"default_start_date,omitempty"`
	CronUnsupported  bool        `json:"cron_unsupported,omitempty"`
	Steps            []string    `json:"steps"`
	Properties       []propDef   `json:"properties"`
	Streams          []streamDef `json:"streams,omitempty"`
}

type propDef struct {
	Name        string          `json:"name"`
	Step        string          `json:"step"`
	Kind        string          `json:"kind"`
	Required    bool            `json:"required"`
	Credential  bool            `json:"credential"`
	Schema      json.RawMessage `json:"schema"`
	SystemValue any             `json:"system_value,omitempty"`
	Description string          `json:"description,omitempty"`
}

type streamDef struct {
	TapStreamID             string         `json:"tap_stream_id"`
	StreamName              string         `json:"stream_name"`
	ForcedReplicationMethod string         `json:"forced_replication_method,omitempty"`
	KeyProperties           []string       `json:"key_properties,omitempty"`
	ValidReplicationKeys    []string       `json:"valid_replication_keys,omitempty"`
	SchemaName              string         `json:"schema_name,omitempty"`
	IsView                  bool           `json:"is_view,omitempty"`
	RowCount                int64          `json:"row_count,omitempty"`
	Extra                   map[string]any `json:"extra,omitempty"`
	Fields                  []fieldDef     `json:"fields"`
}

type fieldDef struct {
	Name              string          `json:"name"`
	Schema            json.RawMessage `json:"schema"`
	Inclusion         string          `json:"inclusion"`
	SelectedByDefault *bool           `json:"selected_by_default,omitempty"`
	SQLDatatype       string          `json:"sql_datatype,omitempty"`
	UnsupportedReason string          `json:"unsupported_reason,omitempty"`
	Exclusions        []string        `json:"exclusions,omitempty"`
	Extra             map[string]any  `json:"extra,omitempty"`
}

// Generate returns the generated catalog files by path relative to
// catalog/generated ("sources/<type>.json", "destinations/<type>.json").
func Generate(shared, catalog string) (map[string][]byte, error) {
	b, err := os.ReadFile(filepath.Join(shared, "sources.json"))
	if err != nil {
		return nil, fmt.Errorf("read reference: %w", err)
	}
	var doc refDoc
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parse sources.json: %w", err)
	}
	hand, err := handWritten(catalog)
	if err != nil {
		return nil, err
	}
	idx := newSiblings(doc.Entries)
	files := map[string][]byte{}
	for _, e := range doc.Entries {
		if e.Kind != "saas" && e.Kind != "database" && e.Kind != "destination" {
			continue // the Import API is not a connection a form creates
		}
		if _, ok := hand[e.APIType]; ok {
			continue
		}
		det, err := details(shared, e)
		if err != nil {
			return nil, err
		}
		t := build(e, det, idx, hand)
		out, err := encode(t)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", e.APIType, err)
		}
		dir := "sources"
		if t.Kind == "destination" {
			dir = "destinations"
		}
		files[dir+"/"+t.Type+".json"] = out
	}
	return files, nil
}

// handWritten reads the hand-written entries (their streams are reused by
// types of the same database family).
func handWritten(catalog string) (map[string]*typeDef, error) {
	out := map[string]*typeDef{}
	for _, sub := range []string{"sources", "destinations"} {
		dir := filepath.Join(catalog, sub)
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("read hand-written catalog: %w", err)
		}
		for _, de := range entries {
			if de.IsDir() || !strings.HasSuffix(de.Name(), ".json") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, de.Name()))
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", de.Name(), err)
			}
			var t typeDef
			if err := json.Unmarshal(b, &t); err != nil {
				return nil, fmt.Errorf("parse %s: %w", de.Name(), err)
			}
			out[t.Type] = &t
		}
	}
	return out, nil
}

// details returns the report card details of a type: from sources.json, or
// from the List source types stub entry when sources.json has no example.
func details(shared string, e refEntry) (refDetails, error) {
	if e.ReportCard != nil && e.ReportCard.Details != nil {
		return *e.ReportCard.Details, nil
	}
	b, err := os.ReadFile(filepath.Join(shared, "report-cards", "source-types", e.APIType+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return refDetails{PricingTier: "standard", PipelineState: "released", Protocol: e.APIType}, nil
	}
	if err != nil {
		return refDetails{}, fmt.Errorf("read stub of %s: %w", e.APIType, err)
	}
	var stub struct {
		Details refDetails `json:"details"`
	}
	if err := json.Unmarshal(b, &stub); err != nil {
		return refDetails{}, fmt.Errorf("parse stub of %s: %w", e.APIType, err)
	}
	return stub.Details, nil
}

// fileBased sources read files or a key-value store, not SQL tables: the
// emulator treats them like S3 CSV (streams without database metadata).
var fileBased = map[string]bool{"platform.sftp": true, "platform.responsys": true, "platform.dynamodb": true}

func build(e refEntry, det refDetails, idx siblings, hand map[string]*typeDef) *typeDef {
	t := &typeDef{
		Type: e.APIType, Name: e.DisplayName, Kind: e.Kind, Access: true,
		PricingTier: det.PricingTier, PipelineState: det.PipelineState, Protocol: det.Protocol,
	}
	if fileBased[t.Type] {
		t.Kind = "saas"
	}
	// The demo plan opens every documented type (catalog/README.md): a type
	// the example card locks as alpha or deprecated is offered as released,
	// since a deprecated type never has access (API.md §6.5).
	if det.Access != nil && !*det.Access {
		t.Locked = true
		if t.PipelineState == "alpha" || t.PipelineState == "deprecated" {
			t.PipelineState = "released"
		}
	}
	if t.PricingTier == "" {
		t.PricingTier = "standard"
	}
	if t.PipelineState == "" {
		t.PipelineState = "released"
	}
	if t.Protocol == "" {
		t.Protocol = t.Type
	}
	if e.Kind != "destination" {
		switch {
		case det.DefaultScheduling != nil:
			t.DefaultFrequency = *det.DefaultScheduling
		case e.DefaultFrequency != nil:
			t.DefaultFrequency = *e.DefaultFrequency
		default:
			t.DefaultFrequency = 60
		}
		if det.DefaultStartDate != nil {
			t.DefaultStartDate = *det.DefaultStartDate
		}
		t.CronUnsupported = e.CronSupported != nil && !*e.CronSupported
	}
	if e.ReportCard != nil && len(e.ReportCard.Steps) > 0 {
		t.Steps = slices.Clone(e.ReportCard.Steps)
		t.Properties = cardProperties(e, det)
	} else {
		t.Steps = inferredSteps(e)
		t.Properties = documentedProperties(e, idx, det)
	}
	for i := range t.Properties {
		p := &t.Properties[i]
		p.Description = describe(t, p)
		if p.Kind == "read_only" || p.Kind == "system_provided_by_default" {
			p.SystemValue = systemValue(t, p, det)
		}
	}
	if slices.Contains(t.Steps, "discover_schema") {
		t.Streams = streamsFor(t, hand)
	}
	return t
}

// cardProperties takes every property of the example report card, which is
// authoritative; documented properties the card does not show are left out.
func cardProperties(e refEntry, det refDetails) []propDef {
	var out []propDef
	add := func(name string, rc refCardProp) {
		out = append(out, propDef{
			Name: name, Step: rc.Step, Kind: rc.PropertyType, Required: rc.IsRequired,
			Credential: rc.IsCredential, Schema: compact(rc.JSONSchema),
		})
	}
	for _, p := range append(slices.Clone(e.FormProperties), e.OAuthProperties...) {
		if p.ReportCard != nil {
			add(p.Name, *p.ReportCard)
		}
	}
	for _, u := range e.ReportCard.Undocumented {
		add(u.Name, u)
	}
	sortProps(out, e.ReportCard.Steps)
	return out
}

func sortProps(ps []propDef, steps []string) {
	sort.SliceStable(ps, func(i, j int) bool {
		si, sj := slices.Index(steps, ps[i].Step), slices.Index(steps, ps[j].Step)
		if si != sj {
			return si < sj
		}
		return ps[i].Name < ps[j].Name
	})
}

// inferredSteps are the steps of a type without a report card example, by
// its family: destinations have a form; sources discover and select.
func inferredSteps(e refEntry) []string {
	if e.Kind == "destination" {
		if e.HasOAuthStep && len(e.OAuthProperties) > 0 {
			return []string{"form", "oauth", "fully_configured"}
		}
		return []string{"form", "fully_configured"}
	}
	steps := []string{"form"}
	if e.HasOAuthStep && len(e.OAuthProperties) > 0 {
		steps = append(steps, "oauth")
	}
	return append(steps, "discover_schema", "field_selection", "fully_configured")
}

// documentedProperties derives properties from the documented form and OAuth
// properties of a type without a report card: flags as documented; property
// type, credential flag and schema from the same property of other types'
// cards when they show it, otherwise from the documented type.
func documentedProperties(e refEntry, idx siblings, det refDetails) []propDef {
	class := "source"
	if e.Kind == "destination" {
		class = "destination"
	}
	var out []propDef
	for step, list := range map[string][]refProp{"form": e.FormProperties, "oauth": e.OAuthProperties} {
		if step == "oauth" && !slices.Contains(inferredSteps(e), "oauth") {
			step = "form"
		}
		for _, p := range list {
			out = append(out, documentedProperty(class, step, p, idx))
		}
	}
	if class == "source" && !slices.ContainsFunc(out, func(p propDef) bool { return p.Name == "image_version" }) {
		out = append(out, propDef{Name: "image_version", Step: "form", Kind: "read_only", Required: true, Schema: json.RawMessage("null")})
	}
	sortProps(out, inferredSteps(e))
	return out
}

func documentedProperty(class, step string, p refProp, idx siblings) propDef {
	d := propDef{Name: p.Name, Step: step, Required: p.Required}
	sib, found := idx.lookup(class, step, p.Name)
	switch {
	case p.ReadOnly:
		d.Kind = "read_only"
	case found:
		d.Kind = sib.PropertyType
	case step == "oauth" && oauthSecretName(p.Name):
		d.Kind = "system_provided_by_default"
	default:
		d.Kind = "user_provided"
	}
	d.Credential = (p.Credential != nil && *p.Credential) || (found && sib.IsCredential) || secretName(p.Name)
	if found {
		d.Schema = compact(sib.JSONSchema)
	} else {
		d.Schema = schemaOf(p)
	}
	return d
}

func oauthSecretName(n string) bool {
	return secretName(n) || strings.HasSuffix(n, "client_id") || n == "user_id"
}

func secretName(n string) bool {
	for _, s := range []string{"password", "secret", "token", "private_key", "api_key"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// schemaOf turns a documented type (and its sub-attributes) into a schema.
func schemaOf(p refProp) json.RawMessage {
	var v any
	switch p.Type {
	case "boolean":
		v = map[string]any{"type": "boolean"}
	case "integer":
		v = map[string]any{"anyOf": []any{map[string]any{"type": "integer"}, map[string]any{"type": "string", "pattern": `^\d+$`}}}
	case "object":
		v = objectSchema(p.Subattributes)
	case "array":
		if len(p.Subattributes) > 0 {
			v = map[string]any{"type": "array", "items": objectSchema(p.Subattributes)}
		} else {
			v = map[string]any{"type": "array", "items": map[string]any{"type": "string"}}
		}
	default:
		v = map[string]any{"type": "string"}
	}
	b, _ := marshal(v)
	return b
}

func objectSchema(subs []refProp) map[string]any {
	props := map[string]any{}
	var req []string
	for _, s := range subs {
		props[s.Name] = map[string]any{"type": "string"}
		if s.Required {
			req = append(req, s.Name)
		}
	}
	o := map[string]any{"type": "object", "properties": props}
	if len(req) > 0 {
		o["required"] = req
	}
	return o
}

// siblings indexes the card data of every property name, by class
// (source or destination), so a type without a card can borrow facts.
type siblings map[string][]refCardProp

func newSiblings(entries []refEntry) siblings {
	s := siblings{}
	for _, e := range entries {
		if e.ReportCard == nil {
			continue
		}
		class := "source"
		if e.Kind == "destination" {
			class = "destination"
		}
		for _, p := range append(slices.Clone(e.FormProperties), e.OAuthProperties...) {
			if p.ReportCard != nil {
				s[class+"/"+p.Name] = append(s[class+"/"+p.Name], *p.ReportCard)
			}
		}
		for _, u := range e.ReportCard.Undocumented {
			s[class+"/"+u.Name] = append(s[class+"/"+u.Name], u)
		}
	}
	return s
}

// lookup returns the most common card data of the name on the same step
// (ties: the first seen), or on any step.
func (s siblings) lookup(class, step, name string) (refCardProp, bool) {
	all := s[class+"/"+name]
	for _, sameStep := range []bool{true, false} {
		counts := map[string]int{}
		var best refCardProp
		bestN := 0
		for _, p := range all {
			if sameStep && p.Step != step {
				continue
			}
			key := p.PropertyType + string(compact(p.JSONSchema)) + fmt.Sprint(p.IsCredential)
			counts[key]++
			if counts[key] > bestN {
				best, bestN = p, counts[key]
			}
		}
		if bestN > 0 {
			return best, true
		}
	}
	return refCardProp{}, false
}

// compact normalises a raw schema (absent = null) keeping its key order.
func compact(raw json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(raw)) == 0 {
		return json.RawMessage("null")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return json.RawMessage("null")
	}
	return buf.Bytes()
}

// systemValue is what the emulator stores for read-only and system-provided
// properties: obviously fake values that still match the schema.
func systemValue(t *typeDef, p *propDef, det refDetails) any {
	short := strings.TrimPrefix(t.Type, "platform.")
	switch {
	case p.Name == "image_version":
		if det.ImageVersion != nil && *det.ImageVersion != "" {
			return *det.ImageVersion
		}
		return "1.latest"
	case p.Name == "redirect_uri":
		return "https://stitch.emulator.invalid/v2/integrations/oauth/callback"
	case strings.Contains(string(p.Schema), `"uri"`):
		return "https://" + short + ".emulator.invalid/" + strings.ReplaceAll(p.Name, "_", "-")
	}
	return "emu-" + strings.ReplaceAll(p.Name, "_", "-") + "-" + short
}
