package emulator

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// The catalog is the emulator's own description of the source and destination
// types it offers, written in this project's format (one JSON file per type under
// catalog/). The emulator expands it into the API's report cards, streams and
// metadata. Facts (type names, property names, JSON schemas) follow the public
// Stitch reference; descriptions are our own words.
//
//go:generate go run ./internal/gencatalog -shared ../../shared/stitch-connect -catalog catalog
//go:embed catalog
var catalogFS embed.FS

// TypeDef describes one source or destination type.
type TypeDef struct {
	// Type is the API type, e.g. "platform.hubspot" or "postgres".
	Type string `json:"type"`
	// Name is a human name, e.g. "HubSpot". The API does not return it; the
	// emulator uses it to derive default display names in its own pages.
	Name string `json:"name"`
	// Kind is "saas", "database" or "destination".
	Kind string `json:"kind"`
	// Access is false for types the demo plan cannot use (details.access).
	Access bool `json:"access"`
	// LockedInReference records that the reference's example card shows
	// access false (an alpha, deprecated or enterprise type) although the demo
	// plan opens it, for sandbox plans that want the reference's access.
	LockedInReference bool `json:"locked_in_reference,omitempty"`
	// PricingTier, PipelineState and Protocol fill the report card's details.
	PricingTier   string `json:"pricing_tier"`
	PipelineState string `json:"pipeline_state"`
	Protocol      string `json:"protocol"`
	// DefaultFrequency is details.default_scheduling_interval (sources only; 0 = null).
	DefaultFrequency int `json:"default_frequency,omitempty"`
	// DefaultStartDate is details.default_start_date, e.g. "-30 days" (sources only).
	DefaultStartDate string `json:"default_start_date,omitempty"`
	// CronUnsupported is set for sources whose integration page says Advanced
	// Scheduling is not supported: a cron_expression is refused with the
	// documented cron AccessDenied (sources.json cron_scheduling_supported: false).
	CronUnsupported bool `json:"cron_unsupported,omitempty"`
	// Steps lists the step types in order, e.g. ["form","oauth","discover_schema","field_selection","fully_configured"].
	Steps []string `json:"steps"`
	// Properties lists every property of every step.
	Properties []PropertyDef `json:"properties"`
	// Streams are what discovery finds for a source of this type.
	Streams []StreamDef `json:"streams,omitempty"`
	// Generated is set on entries read from catalog/generated.
	Generated bool `json:"-"`
}

// PropertyDef is one connection property of a type.
type PropertyDef struct {
	Name string `json:"name"`
	// Step is the step type the property belongs to: "form", "oauth" or "profile".
	Step string `json:"step"`
	// Kind is the API's property_type: user_provided, user_provided_advanced,
	// user_provided_immutable, read_only or system_provided_by_default.
	Kind       string `json:"kind"`
	Required   bool   `json:"required"`
	Credential bool   `json:"credential"`
	// Schema is the property's json_schema, verbatim; absent or null means none published.
	Schema json.RawMessage `json:"schema,omitempty"`
	// SystemValue is what the emulator stores for a read_only property on create
	// (e.g. image_version "1.latest") or for an oauth property when Stitch-managed
	// OAuth is approved. Never returned for credentials.
	SystemValue any `json:"system_value,omitempty"`
	// Description is a short help text in our own words (used by the emulator's pages).
	Description string `json:"description,omitempty"`
}

// StreamDef is one stream discovery yields.
type StreamDef struct {
	// TapStreamID is the stream key. For database sources it is the table part
	// ("public-orders"); the emulator prefixes it with the database name.
	TapStreamID string `json:"tap_stream_id"`
	StreamName  string `json:"stream_name"`
	// ForcedReplicationMethod, when set, is FULL_TABLE, INCREMENTAL or LOG_BASED.
	ForcedReplicationMethod string   `json:"forced_replication_method,omitempty"`
	KeyProperties           []string `json:"key_properties,omitempty"`
	ValidReplicationKeys    []string `json:"valid_replication_keys,omitempty"`
	// Database streams only.
	SchemaName string `json:"schema_name,omitempty"`
	IsView     bool   `json:"is_view,omitempty"`
	RowCount   int64  `json:"row_count,omitempty"`
	// Extra holds further stream-level metadata keys verbatim (e.g. "tap_google_analytics.all_cubes").
	Extra  map[string]any `json:"extra,omitempty"`
	Fields []FieldDef     `json:"fields"`
}

// FieldDef is one top-level field of a stream.
type FieldDef struct {
	Name string `json:"name"`
	// Schema is the field's JSON Schema, e.g. {"type":["null","string"],"format":"date-time"}.
	Schema json.RawMessage `json:"schema"`
	// Inclusion is automatic, available or unsupported.
	Inclusion         string `json:"inclusion"`
	SelectedByDefault *bool  `json:"selected_by_default,omitempty"`
	SQLDatatype       string `json:"sql_datatype,omitempty"`
	// UnsupportedReason fills unsupported-description.
	UnsupportedReason string `json:"unsupported_reason,omitempty"`
	// Exclusions are field names that cannot be selected with this one (fieldExclusions).
	Exclusions []string `json:"exclusions,omitempty"`
	// Extra holds further field metadata keys verbatim (e.g. "behavior").
	Extra map[string]any `json:"extra,omitempty"`
}

// Catalog holds every type, by API type name.
type Catalog struct {
	Sources      map[string]*TypeDef
	Destinations map[string]*TypeDef
}

// LoadCatalog reads and checks the embedded catalog.
func LoadCatalog() (*Catalog, error) {
	return loadCatalog(catalogFS)
}

// catalogDirs are read in order: hand-written entries first, then the
// generated ones (catalog/generated, written by ./internal/gencatalog from
// the public reference), which never replace a hand-written type.
var catalogDirs = []struct {
	dir       string
	dest      bool
	generated bool
}{
	{"catalog/sources", false, false},
	{"catalog/destinations", true, false},
	{"catalog/generated/sources", false, true},
	{"catalog/generated/destinations", true, true},
}

func loadCatalog(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{Sources: map[string]*TypeDef{}, Destinations: map[string]*TypeDef{}}
	for _, d := range catalogDirs {
		dir, into := d.dir, c.Sources
		if d.dest {
			into = c.Destinations
		}
		entries, err := fs.ReadDir(fsys, dir)
		if errors.Is(err, fs.ErrNotExist) && d.generated {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read catalog %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
			if err != nil {
				return nil, fmt.Errorf("read catalog %s: %w", e.Name(), err)
			}
			var t TypeDef
			if err := json.Unmarshal(b, &t); err != nil {
				return nil, fmt.Errorf("parse catalog %s: %w", e.Name(), err)
			}
			if err := t.check(); err != nil {
				return nil, fmt.Errorf("catalog %s: %w", e.Name(), err)
			}
			if _, dup := into[t.Type]; dup {
				if d.generated {
					continue // the hand-written entry says more
				}
				return nil, fmt.Errorf("catalog %s: duplicate type %q", e.Name(), t.Type)
			}
			t.Generated = d.generated
			into[t.Type] = &t
		}
	}
	return c, nil
}

// SortedTypes returns the type names of m in a stable order.
func SortedTypes(m map[string]*TypeDef) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var validKinds = map[string]bool{
	"user_provided": true, "user_provided_advanced": true, "user_provided_immutable": true,
	"read_only": true, "system_provided_by_default": true,
}

func (t *TypeDef) check() error {
	if t.Type == "" || t.Name == "" {
		return fmt.Errorf("type and name are required")
	}
	if len(t.Steps) == 0 || t.Steps[0] != "form" || t.Steps[len(t.Steps)-1] != "fully_configured" {
		return fmt.Errorf("%s: steps must start with form and end with fully_configured", t.Type)
	}
	steps := map[string]bool{}
	for _, s := range t.Steps {
		steps[s] = true
	}
	seen := map[string]bool{}
	for _, p := range t.Properties {
		if p.Name == "" || seen[p.Name] {
			return fmt.Errorf("%s: empty or duplicate property %q", t.Type, p.Name)
		}
		seen[p.Name] = true
		if !steps[p.Step] {
			return fmt.Errorf("%s: property %s is on step %q that the type does not have", t.Type, p.Name, p.Step)
		}
		if !validKinds[p.Kind] {
			return fmt.Errorf("%s: property %s has unknown kind %q", t.Type, p.Name, p.Kind)
		}
		if len(p.Schema) > 0 && string(p.Schema) != "null" && !json.Valid(p.Schema) {
			return fmt.Errorf("%s: property %s has an invalid schema", t.Type, p.Name)
		}
	}
	for _, s := range t.Streams {
		if s.TapStreamID == "" || len(s.Fields) == 0 {
			return fmt.Errorf("%s: stream %q needs a tap_stream_id and fields", t.Type, s.StreamName)
		}
		for _, f := range s.Fields {
			switch f.Inclusion {
			case "automatic", "available", "unsupported":
			default:
				return fmt.Errorf("%s: stream %s field %s has inclusion %q", t.Type, s.TapStreamID, f.Name, f.Inclusion)
			}
		}
	}
	return nil
}
