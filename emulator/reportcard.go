package emulator

import (
	"encoding/json"
	"net/http"
)

// Step types and property kinds, as the API spells them.
const (
	stepForm           = "form"
	stepOAuth          = "oauth"
	stepProfile        = "profile"
	stepDiscover       = "discover_schema"
	stepFieldSelection = "field_selection"
	stepDone           = "fully_configured"

	kindReadOnly      = "read_only"
	kindUser          = "user_provided"
	kindUserImmutable = "user_provided_immutable"
	kindUserAdvanced  = "user_provided_advanced"
	kindSystemDefault = "system_provided_by_default"
)

// propertyJSON is one entry of a step's properties, fields in the API's order.
type propertyJSON struct {
	Name           string          `json:"name"`
	IsRequired     bool            `json:"is_required"`
	IsCredential   bool            `json:"is_credential"`
	SystemProvided bool            `json:"system_provided"`
	PropertyType   string          `json:"property_type"`
	JSONSchema     json.RawMessage `json:"json_schema"`
	Provided       bool            `json:"provided"`
	TapMutable     *bool           `json:"tap_mutable,omitempty"` // sources only
}

type stepJSON struct {
	Type       string         `json:"type"`
	Properties []propertyJSON `json:"properties"`
}

// reportCardJSON is a report card as embedded in Source/Destination objects.
type reportCardJSON struct {
	Type            string     `json:"type"`
	CurrentStep     int        `json:"current_step"`
	CurrentStepType string     `json:"current_step_type"`
	Steps           []stepJSON `json:"steps"`
}

// destDetailsJSON is the details object of a destination type.
type destDetailsJSON struct {
	PricingTier   string `json:"pricing_tier"`
	PipelineState string `json:"pipeline_state"`
	Protocol      string `json:"protocol"`
	Access        bool   `json:"access"`
}

// sourceDetailsJSON is the details object of a source type; the default_*
// keys are null when the type has no default, as in the examples.
type sourceDetailsJSON struct {
	PricingTier               string  `json:"pricing_tier"`
	PipelineState             string  `json:"pipeline_state"`
	DefaultStartDate          *string `json:"default_start_date"`
	DefaultSchedulingInterval *int    `json:"default_scheduling_interval"`
	Protocol                  string  `json:"protocol"`
	Access                    bool    `json:"access"`
	ImageVersion              *string `json:"image_version,omitempty"`
}

// sourceTypeJSON is an entry of GET /v4/source-types: a card with details and
// upgrade_available (always null: the catalog holds no deprecated stubs).
type sourceTypeJSON struct {
	reportCardJSON
	Details          sourceDetailsJSON `json:"details"`
	UpgradeAvailable *struct{}         `json:"upgrade_available"`
}

// destinationTypeJSON is an entry of GET /v4/destination-types.
type destinationTypeJSON struct {
	reportCardJSON
	Details destDetailsJSON `json:"details"`
}

// cardState is what decides which step a connection is on.
type cardState struct {
	provided   func(name string) bool
	discovered bool // sources: the last finished connection check succeeded
	selected   bool // sources: ≥1 selected stream with ≥1 replicated field
	checkOK    bool // destinations: the form is followed by a connection check that did not fail
	dest       bool
}

// stepSatisfied reports whether a step's requirements are met (API.md §6.4, §21).
func stepSatisfied(t *TypeDef, step string, st cardState) bool {
	switch step {
	case stepForm, stepOAuth, stepProfile:
		for _, p := range t.Properties {
			if p.Step != step || !p.Required || st.provided(p.Name) {
				continue
			}
			switch p.Kind {
			case kindUser, kindUserAdvanced, kindUserImmutable:
				return false
			case kindSystemDefault:
				if step != stepForm {
					return false
				}
			}
		}
		if st.dest && step == stepForm {
			return st.checkOK
		}
		return true
	case stepDiscover:
		return st.discovered
	case stepFieldSelection:
		return st.selected
	default: // fully_configured and anything unknown are where the card stops
		return false
	}
}

// currentStep returns the 0-based index of the first unsatisfied step.
func currentStep(t *TypeDef, st cardState) int {
	for i, step := range t.Steps {
		if !stepSatisfied(t, step, st) {
			return i
		}
	}
	return len(t.Steps) - 1
}

// reachedDiscovery reports whether every step before discover_schema is
// satisfied, i.e. a connection check should run.
func reachedDiscovery(t *TypeDef, st cardState) bool {
	for _, step := range t.Steps {
		if step == stepDiscover {
			return true
		}
		if !stepSatisfied(t, step, st) {
			return false
		}
	}
	return false
}

func hasStep(t *TypeDef, step string) bool {
	for _, s := range t.Steps {
		if s == step {
			return true
		}
	}
	return false
}

// card expands a type into a report card for the given state.
func card(t *TypeDef, isSource bool, st cardState) reportCardJSON {
	cur := currentStep(t, st)
	rc := reportCardJSON{Type: t.Type, CurrentStep: cur + 1, CurrentStepType: t.Steps[cur]}
	for _, step := range t.Steps {
		sj := stepJSON{Type: step, Properties: []propertyJSON{}}
		for _, p := range t.Properties {
			if p.Step != step {
				continue
			}
			pj := propertyJSON{
				Name:           p.Name,
				IsRequired:     p.Required,
				IsCredential:   p.Credential,
				SystemProvided: p.Kind == kindReadOnly || p.Kind == kindSystemDefault,
				PropertyType:   p.Kind,
				JSONSchema:     schemaOrNull(p.Schema),
				Provided:       st.provided(p.Name),
			}
			if isSource {
				f := false
				pj.TapMutable = &f
			}
			sj.Properties = append(sj.Properties, pj)
		}
		rc.Steps = append(rc.Steps, sj)
	}
	return rc
}

func schemaOrNull(s json.RawMessage) json.RawMessage {
	if len(s) == 0 {
		return json.RawMessage("null")
	}
	return s
}

func nothingProvided(string) bool { return false }

// typeCard is the card of a type as GET /v4/{source,destination}-types shows it.
func typeCard(t *TypeDef, isSource bool) reportCardJSON {
	return card(t, isSource, cardState{provided: nothingProvided, dest: !isSource})
}

func destDetails(t *TypeDef) destDetailsJSON {
	d := destDetailsJSON{PricingTier: t.PricingTier, PipelineState: t.PipelineState, Protocol: t.Protocol, Access: t.Access}
	if d.Protocol == "" {
		d.Protocol = t.Type
	}
	if d.PricingTier == "" {
		d.PricingTier = "standard"
	}
	if d.PipelineState == "" {
		d.PipelineState = "released"
	}
	return d
}

func sourceDetails(t *TypeDef) sourceDetailsJSON {
	b := destDetails(t)
	d := sourceDetailsJSON{PricingTier: b.PricingTier, PipelineState: b.PipelineState, Protocol: b.Protocol, Access: b.Access}
	if t.DefaultStartDate != "" {
		v := t.DefaultStartDate
		d.DefaultStartDate = &v
	}
	if t.DefaultFrequency > 0 {
		v := t.DefaultFrequency
		d.DefaultSchedulingInterval = &v
	}
	if p := t.prop("image_version"); p != nil {
		if v, ok := p.SystemValue.(string); ok {
			d.ImageVersion = &v
		}
	}
	return d
}

// prop returns the property definition called name, or nil.
func (t *TypeDef) prop(name string) *PropertyDef {
	for i := range t.Properties {
		if t.Properties[i].Name == name {
			return &t.Properties[i]
		}
	}
	return nil
}

// listSourceTypes answers GET /v4/source-types.
func (s *Server) listSourceTypes(w http.ResponseWriter, _ *http.Request, acct int64) {
	out := make([]sourceTypeJSON, 0, len(s.cat.Sources))
	for _, name := range SortedTypes(s.cat.Sources) {
		t := s.cat.Sources[name]
		d := sourceDetails(t)
		d.Access = s.sourceAccess(acct, t)
		out = append(out, sourceTypeJSON{reportCardJSON: typeCard(t, true), Details: d})
	}
	writeJSON(w, http.StatusOK, out)
}

// getSourceType answers GET /v4/source-types/{type}; unknown types are 404
// without a body (undocumented; §3.2 "resource doesn't exist").
func (s *Server) getSourceType(w http.ResponseWriter, r *http.Request, acct int64) {
	t, ok := s.cat.Sources[r.PathValue("type")]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	d := sourceDetails(t)
	d.Access = s.sourceAccess(acct, t)
	writeJSON(w, http.StatusOK, sourceTypeJSON{reportCardJSON: typeCard(t, true), Details: d})
}

// listDestinationTypes answers GET /v4/destination-types.
func (s *Server) listDestinationTypes(w http.ResponseWriter, _ *http.Request, _ int64) {
	out := make([]destinationTypeJSON, 0, len(s.cat.Destinations))
	for _, name := range SortedTypes(s.cat.Destinations) {
		t := s.cat.Destinations[name]
		out = append(out, destinationTypeJSON{reportCardJSON: typeCard(t, false), Details: destDetails(t)})
	}
	writeJSON(w, http.StatusOK, out)
}

// getDestinationType answers GET /v4/destination-types/{type} (unknown: 404, no body).
func (s *Server) getDestinationType(w http.ResponseWriter, r *http.Request, _ int64) {
	t, ok := s.cat.Destinations[r.PathValue("type")]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, destinationTypeJSON{reportCardJSON: typeCard(t, false), Details: destDetails(t)})
}
