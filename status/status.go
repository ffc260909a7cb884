// Package status decides the one status a source or destination shows, so
// the sources list, the done page, the destination page and the confirmation
// after an edit never contradict each other.
//
// Of reads its rules top to bottom; the first that matches wins:
//
//	#  deleted  last check  paused  report card step       jobs  shown                      tone
//	1  yes      any         any     any                    any   Deleted                    bad
//	2  no       running     any     any                    any   Checking the connection    busy
//	3  no       failed      any     any                    any   Connection failed          bad
//	4  no       any         yes     any                    any   Paused                     warn
//	5  no       succeeded   no      discover_schema        any   Finding your data          busy
//	6  no       none        no      discover_schema        any   Checking the connection    busy
//	7  no       any         no      form                   any   Needs connection details   warn
//	8  no       any         no      oauth                  any   Needs sign-in              warn
//	9  no       any         no      profile                any   Needs a profile choice     warn
//	10 no       any         no      field_selection        any   Needs data selection       warn
//	11 no       any         no      fully_configured       > 0   Replicating                ok
//	12 no       any         no      fully_configured       0     Ready (destination: Connected)  ok
//	13 no       any         no      anything else          any   Setup incomplete           warn
//
// So a running check never reads "Ready" or "Connected", and a failed check
// is never shown beside a step that suggests it is still being checked.
package status

// Kind says what the status is about: the words differ slightly.
type Kind int

// Kinds.
const (
	Source Kind = iota
	Destination
)

// Report card steps and connection check states, as the Connect API spells them.
const (
	StepForm            = "form"
	StepOAuth           = "oauth"
	StepProfile         = "profile"
	StepDiscoverSchema  = "discover_schema"
	StepFieldSelection  = "field_selection"
	StepFullyConfigured = "fully_configured"

	CheckNone      = ""
	CheckRunning   = "running"
	CheckSucceeded = "succeeded"
	CheckFailed    = "failed"
)

// Tones (CSS classes of the status badge).
const (
	OK   = "ok"
	Warn = "warn"
	Bad  = "bad"
	Busy = "busy"
)

// Input is everything the status depends on.
type Input struct {
	Kind Kind
	// Step is the report card's current_step_type.
	Step string
	// Check is the status of the last connection check: CheckNone when there
	// is none or it could not be read.
	Check   string
	Paused  bool
	Deleted bool
	// RunningJobs counts replication jobs running now.
	RunningJobs int
}

// Status is what a page shows.
type Status struct {
	// Label is the words of the badge, in English.
	Label string
	// Key is the message id of Label in the catalog (package i18n): pages
	// show the words in the reader's language.
	Key string
	// Tone is ok, warn, bad or busy.
	Tone string
	// Checking is true while Stitch is checking or discovering: the page
	// keeps its status live until the outcome is known.
	Checking bool
	// Continue is true when the user has a setup step to finish.
	Continue bool
}

// Of returns the status shown for in (see the package documentation).
func Of(in Input) Status {
	switch {
	case in.Deleted:
		return Status{Label: "Deleted", Key: "status.deleted", Tone: Bad}
	case in.Check == CheckRunning:
		return Status{Label: "Checking the connection", Key: "status.checking", Tone: Busy, Checking: true}
	case in.Check == CheckFailed:
		return Status{Label: "Connection failed", Key: "status.failed", Tone: Bad, Continue: in.Step != StepFullyConfigured}
	case in.Paused:
		return Status{Label: "Paused", Key: "status.paused", Tone: Warn}
	}
	switch in.Step {
	case StepDiscoverSchema:
		if in.Check == CheckSucceeded {
			return Status{Label: "Finding your data", Key: "status.finding", Tone: Busy, Checking: true}
		}
		return Status{Label: "Checking the connection", Key: "status.checking", Tone: Busy, Checking: true}
	case StepForm:
		return Status{Label: "Needs connection details", Key: "status.needsDetails", Tone: Warn, Continue: true}
	case StepOAuth:
		return Status{Label: "Needs sign-in", Key: "status.needsSignIn", Tone: Warn, Continue: true}
	case StepProfile:
		return Status{Label: "Needs a profile choice", Key: "status.needsProfile", Tone: Warn, Continue: true}
	case StepFieldSelection:
		return Status{Label: "Needs data selection", Key: "status.needsSelection", Tone: Warn, Continue: true}
	case StepFullyConfigured:
		if in.RunningJobs > 0 {
			return Status{Label: "Replicating", Key: "status.replicating", Tone: OK}
		}
		if in.Kind == Destination {
			return Status{Label: "Connected", Key: "status.connected", Tone: OK}
		}
		return Status{Label: "Ready", Key: "status.ready", Tone: OK}
	}
	return Status{Label: "Setup incomplete", Key: "status.incomplete", Tone: Warn, Continue: true}
}
