package connect

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// Step types of a report card, in the order Stitch walks them (API.md §6.2).
const (
	StepForm            = "form"
	StepOAuth           = "oauth"
	StepProfile         = "profile"
	StepDiscoverSchema  = "discover_schema"
	StepFieldSelection  = "field_selection"
	StepFullyConfigured = "fully_configured"
)

// Property types of a report card property (API.md §6.3).
const (
	PropertyReadOnly                = "read_only"
	PropertyUserProvided            = "user_provided"
	PropertyUserProvidedImmutable   = "user_provided_immutable"
	PropertyUserProvidedAdvanced    = "user_provided_advanced"
	PropertySystemProvidedByDefault = "system_provided_by_default"
)

// Int is an integer that also decodes from a JSON string. The API sends ids and
// step numbers as numbers, but documented examples hold placeholders such as
// "<STEP_NUMBER>" or "<DESTINATION_ID>"; a numeric string decodes to its value,
// any other string to zero, so a whole object is never lost over one field.
type Int int64

// UnmarshalJSON accepts a number, a numeric string, another string (zero) or null (zero).
func (n *Int) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			*n = 0
			return nil
		}
		*n = Int(v)
		return nil
	}
	var f json.Number
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	if v, err := f.Int64(); err == nil {
		*n = Int(v)
		return nil
	}
	v, err := f.Float64()
	if err != nil {
		return err
	}
	*n = Int(v)
	return nil
}

// String formats the integer in base 10, as it appears in URLs.
func (n Int) String() string { return strconv.FormatInt(int64(n), 10) }

// ReportCard is a Source or Destination Report Card (API.md §6.1): the list of
// connection steps and which one the connection is on.
type ReportCard struct {
	Type             string         `json:"type"`
	CurrentStep      Int            `json:"current_step,omitempty"`
	CurrentStepType  string         `json:"current_step_type,omitempty"`
	Steps            []Step         `json:"steps,omitempty"`
	Details          *Details       `json:"details,omitempty"`
	UpgradeAvailable *UpgradeTarget `json:"upgrade_available,omitempty"`
}

// UpgradeTarget names the type that replaces a deprecated one.
type UpgradeTarget struct {
	Type string `json:"type"`
}

// Step is one Connection Step of a report card (API.md §6.2).
type Step struct {
	Type       string     `json:"type"`
	Properties []Property `json:"properties"`
}

// SignedIn reports whether an oauth step's sign-in is done: every required
// system_provided_by_default property (the provider's client and tokens,
// given by Stitch-managed OAuth or by the partner's own app) is provided.
// What is left then is typed by the user (a Google Analytics view id), and
// asking it before the sign-in would ask for something the user can only
// look up in the provider's account.
func (s Step) SignedIn() bool {
	for _, p := range s.Properties {
		if p.Kind() == PropertySystemProvidedByDefault && p.IsRequired && !p.Provided {
			return false
		}
	}
	return true
}

// MissingUserValues reports whether the step still needs a required value
// the user types (a user_provided property not provided yet).
func (s Step) MissingUserValues() bool {
	for _, p := range s.Properties {
		if p.Kind() == PropertyUserProvided && p.IsRequired && !p.Provided {
			return true
		}
	}
	return false
}

// Property is one entry of a step's properties (API.md §6.3). JSONSchema stays
// raw so the form engine can compile it; it is nil or "null" when none is published.
type Property struct {
	Name           string          `json:"name"`
	IsRequired     bool            `json:"is_required"`
	IsCredential   bool            `json:"is_credential"`
	SystemProvided bool            `json:"system_provided"`
	PropertyType   string          `json:"property_type,omitempty"`
	JSONSchema     json.RawMessage `json:"json_schema,omitempty"`
	Provided       bool            `json:"provided"`
	TapMutable     bool            `json:"tap_mutable,omitempty"`
}

// Kind returns the property's type, falling back to the deprecated
// system_provided flag when property_type is absent (older examples).
func (p Property) Kind() string {
	if p.PropertyType != "" {
		return p.PropertyType
	}
	if p.SystemProvided {
		return PropertyReadOnly
	}
	return PropertyUserProvided
}

// HasSchema reports whether a JSON schema is published for the property.
func (p Property) HasSchema() bool {
	s := bytes.TrimSpace(p.JSONSchema)
	return len(s) > 0 && string(s) != "null"
}

// Details describes a source or destination type (API.md §6.5).
type Details struct {
	Access                    bool    `json:"access"`
	PricingTier               string  `json:"pricing_tier,omitempty"`
	PipelineState             string  `json:"pipeline_state,omitempty"`
	Protocol                  string  `json:"protocol,omitempty"`
	DefaultSchedulingInterval *int    `json:"default_scheduling_interval,omitempty"`
	DefaultStartDate          *string `json:"default_start_date,omitempty"`
	ImageVersion              *string `json:"image_version,omitempty"`
}

// Step returns the step of the given type and whether the card has it.
func (rc ReportCard) Step(stepType string) (Step, bool) {
	for _, s := range rc.Steps {
		if s.Type == stepType {
			return s, true
		}
	}
	return Step{}, false
}

// Usable reports whether a type from the list can be offered to a user: it has
// steps and the account has access to it (API.md §7.1).
func (rc ReportCard) Usable() bool {
	return len(rc.Steps) > 0 && (rc.Details == nil || rc.Details.Access)
}

// Schedule is a source's replication schedule (API.md §6.6).
type Schedule struct {
	Type           string     `json:"type"`
	Interval       float64    `json:"interval,omitempty"`
	Unit           string     `json:"unit,omitempty"`
	CronExpression string     `json:"cron_expression,omitempty"`
	NextFireTime   *time.Time `json:"next_fire_time,omitempty"`
}

// Source is a Source object (API.md §8.1). Property values come back as
// strings, arrays or null; credentials are never returned.
type Source struct {
	ID             Int            `json:"id"`
	Type           string         `json:"type"`
	Name           string         `json:"name"`
	DisplayName    string         `json:"display_name"`
	Properties     map[string]any `json:"properties"`
	ReportCard     ReportCard     `json:"report_card"`
	Schedule       *Schedule      `json:"schedule,omitempty"`
	CheckJobName   string         `json:"check_job_name,omitempty"`
	StitchClientID Int            `json:"stitch_client_id"`
	CreatedAt      *time.Time     `json:"created_at,omitempty"`
	UpdatedAt      *time.Time     `json:"updated_at,omitempty"`
	PausedAt       *time.Time     `json:"paused_at"`
	SystemPausedAt *time.Time     `json:"system_paused_at"`
	DeletedAt      *time.Time     `json:"deleted_at"`
}

// Destination is a v4 Destination object (API.md §12.1).
type Destination struct {
	ID             Int            `json:"id"`
	Type           string         `json:"type"`
	Name           string         `json:"name"`
	Description    string         `json:"description,omitempty"`
	DisplayName    *string        `json:"display_name"`
	Properties     map[string]any `json:"properties"`
	ReportCard     ReportCard     `json:"report_card"`
	CheckJobName   string         `json:"check_job_name,omitempty"`
	StitchClientID Int            `json:"stitch_client_id"`
	CreatedAt      *time.Time     `json:"created_at,omitempty"`
	UpdatedAt      *time.Time     `json:"updated_at,omitempty"`
	PausedAt       *time.Time     `json:"paused_at"`
	SystemPausedAt *time.Time     `json:"system_paused_at"`
	DeletedAt      *time.Time     `json:"deleted_at"`
}

// ConnectionCheck is a Connection Check object (API.md §9.1).
type ConnectionCheck struct {
	Name                  string     `json:"name"`
	Mode                  string     `json:"mode"`
	Status                string     `json:"status"` // running, succeeded, failed
	StartTime             *time.Time `json:"start_time,omitempty"`
	CompletionTime        *time.Time `json:"completion_time"`
	Error                 bool       `json:"error"`
	CheckExitStatus       *int       `json:"check_exit_status"`
	DiscoveryExitStatus   *int       `json:"discovery_exit_status"`
	DiscoveryErrorMessage *string    `json:"discovery_error_message"`
	TapExitStatus         *int       `json:"tap_exit_status"`
	TapErrorMessage       *string    `json:"tap_error_message"`
	TargetExitStatus      *int       `json:"target_exit_status"`
	TargetErrorMessage    *string    `json:"target_error_message"`
}

// Connection check statuses.
const (
	CheckRunning   = "running"
	CheckSucceeded = "succeeded"
	CheckFailed    = "failed"
)

// Stream is a Stream object from the stream list (API.md §10.1).
type Stream struct {
	StreamID    Int            `json:"stream_id"`
	TapStreamID string         `json:"tap_stream_id"`
	StreamName  string         `json:"stream_name"`
	Selected    *bool          `json:"selected"`
	Metadata    StreamMetadata `json:"metadata"`
}

// StreamMetadata is stream-level metadata (API.md §10.4). Keys without a
// field (tap_google_analytics.all_cubes, inclusion on some taps, …) are kept
// raw in Extra and written back by MarshalJSON.
type StreamMetadata struct {
	Selected                *bool    `json:"selected"`
	ReplicationMethod       string   `json:"replication-method,omitempty"`
	ReplicationKey          string   `json:"replication-key,omitempty"`
	ViewKeyProperties       []string `json:"view-key-properties,omitempty"`
	ForcedReplicationMethod string   `json:"forced-replication-method,omitempty"`
	TableKeyProperties      []string `json:"table-key-properties,omitempty"`
	ValidReplicationKeys    []string `json:"valid-replication-keys,omitempty"`
	IsView                  *bool    `json:"is-view,omitempty"`
	DatabaseName            string   `json:"database-name,omitempty"`
	SchemaName              string   `json:"schema-name,omitempty"`
	RowCount                *int64   `json:"row-count,omitempty"`
	Inclusion               string   `json:"inclusion,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// StreamSchema is a Stream Schema object (API.md §10.2). Schema is the raw
// JSON Schema, already decoded from the JSON-encoded string the API sends;
// MarshalJSON encodes it back into a string, as on the wire.
type StreamSchema struct {
	Schema                      json.RawMessage `json:"-"`
	Metadata                    []MetadataEntry `json:"metadata"`
	NonDiscoverableMetadataKeys []string        `json:"non-discoverable-metadata-keys"`
}

// MetadataEntry is a Metadata object: a breadcrumb and its metadata (API.md §10.4).
// Breadcrumb [] is the stream; ["properties", NAME] is a field.
type MetadataEntry struct {
	Breadcrumb []string       `json:"breadcrumb"`
	Metadata   map[string]any `json:"metadata"`
}

// FieldMetadata is field-level metadata (API.md §10.4), read from a MetadataEntry.
type FieldMetadata struct {
	Inclusion              string     `json:"inclusion,omitempty"`
	Selected               *bool      `json:"selected,omitempty"`
	SelectedByDefault      *bool      `json:"selected-by-default,omitempty"`
	SQLDatatype            string     `json:"sql-datatype,omitempty"`
	UnsupportedDescription string     `json:"unsupported-description,omitempty"`
	FieldExclusions        [][]string `json:"fieldExclusions,omitempty"`
	Behavior               string     `json:"behavior,omitempty"`
}

// StreamMetadataUpdate is one entry of PUT …/streams/metadata (API.md §10.3).
type StreamMetadataUpdate struct {
	TapStreamID string          `json:"tap_stream_id"`
	Metadata    []MetadataEntry `json:"metadata"`
}

// Account is the answer to creating an account or exchanging an OAuth code.
type Account struct {
	AccessToken     string `json:"access_token"`
	StitchAccountID Int    `json:"stitch_account_id"`
	TokenType       string `json:"token_type,omitempty"`
}

// CreateAccountRequest is the body of POST /v3/accounts (API.md §4.1); the
// client fills in the partner credentials.
type CreateAccountRequest struct {
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Company   string `json:"company"`
	Email     string `json:"email"`
	Region    string `json:"region"`
}

// CreateSourceRequest is the body of POST /v4/sources (API.md §8.3).
type CreateSourceRequest struct {
	Type          string         `json:"type"`
	DisplayName   string         `json:"display_name"`
	Properties    map[string]any `json:"properties,omitempty"`
	DestinationID *Int           `json:"destination_id,omitempty"`
}

// UpdateSourceRequest is the body of PUT /v4/sources/{id} (API.md §8.5).
// Pausing and unpausing use the same endpoint: see PauseSource and UnpauseSource.
type UpdateSourceRequest struct {
	DisplayName   string         `json:"display_name,omitempty"`
	Properties    map[string]any `json:"properties,omitempty"`
	DestinationID *Int           `json:"destination_id,omitempty"`
}

// CreateDestinationRequest is the body of POST /v4/destinations (API.md §12.2).
type CreateDestinationRequest struct {
	Type                  string         `json:"type"`
	Name                  string         `json:"name,omitempty"`
	Description           string         `json:"description,omitempty"`
	Properties            map[string]any `json:"properties"`
	IgnoreUnmappedSources bool           `json:"ignore_unmapped_sources,omitempty"`
}

// ReplicationJob is the answer to POST /v4/sources/{id}/sync (API.md §13).
// AlreadyRunning is set when Stitch answered 200 with an already_running error.
type ReplicationJob struct {
	JobName        string
	AlreadyRunning bool
	Message        string
}
