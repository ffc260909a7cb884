package status_test

import (
	"strings"
	"testing"

	"github.com/onramp/onramp/i18n"
	"github.com/onramp/onramp/status"
)

func TestOfTable(t *testing.T) {
	t.Parallel()
	type in = status.Input
	cases := []struct {
		name string
		in   in
		want status.Status
	}{
		{"1 deleted wins over everything", in{Deleted: true, Check: status.CheckRunning, Paused: true, Step: status.StepFullyConfigured}, status.Status{Label: "Deleted", Tone: status.Bad}},
		{"2 running check on a configured source", in{Step: status.StepFullyConfigured, Check: status.CheckRunning}, status.Status{Label: "Checking the connection", Tone: status.Busy, Checking: true}},
		{"2 running check on a destination is not Connected", in{Kind: status.Destination, Step: status.StepFullyConfigured, Check: status.CheckRunning}, status.Status{Label: "Checking the connection", Tone: status.Busy, Checking: true}},
		{"2 running check on a paused source", in{Step: status.StepFullyConfigured, Check: status.CheckRunning, Paused: true}, status.Status{Label: "Checking the connection", Tone: status.Busy, Checking: true}},
		{"3 failed check while discovering", in{Step: status.StepDiscoverSchema, Check: status.CheckFailed}, status.Status{Label: "Connection failed", Tone: status.Bad, Continue: true}},
		{"3 failed check after an edit of a configured source", in{Step: status.StepFullyConfigured, Check: status.CheckFailed}, status.Status{Label: "Connection failed", Tone: status.Bad}},
		{"3 failed destination", in{Kind: status.Destination, Step: status.StepFullyConfigured, Check: status.CheckFailed}, status.Status{Label: "Connection failed", Tone: status.Bad}},
		{"4 paused", in{Step: status.StepFullyConfigured, Paused: true, Check: status.CheckSucceeded}, status.Status{Label: "Paused", Tone: status.Warn}},
		{"5 check passed, discovery running", in{Step: status.StepDiscoverSchema, Check: status.CheckSucceeded}, status.Status{Label: "Finding your data", Tone: status.Busy, Checking: true}},
		{"6 discovering, no check yet", in{Step: status.StepDiscoverSchema}, status.Status{Label: "Checking the connection", Tone: status.Busy, Checking: true}},
		{"7 form", in{Step: status.StepForm}, status.Status{Label: "Needs connection details", Tone: status.Warn, Continue: true}},
		{"8 oauth", in{Step: status.StepOAuth}, status.Status{Label: "Needs sign-in", Tone: status.Warn, Continue: true}},
		{"9 profile", in{Step: status.StepProfile}, status.Status{Label: "Needs a profile choice", Tone: status.Warn, Continue: true}},
		{"10 field selection", in{Step: status.StepFieldSelection, Check: status.CheckSucceeded}, status.Status{Label: "Needs data selection", Tone: status.Warn, Continue: true}},
		{"11 replicating", in{Step: status.StepFullyConfigured, Check: status.CheckSucceeded, RunningJobs: 1}, status.Status{Label: "Replicating", Tone: status.OK}},
		{"12 ready source", in{Step: status.StepFullyConfigured, Check: status.CheckSucceeded}, status.Status{Label: "Ready", Tone: status.OK}},
		{"12 ready source, check unknown", in{Step: status.StepFullyConfigured}, status.Status{Label: "Ready", Tone: status.OK}},
		{"12 connected destination", in{Kind: status.Destination, Step: status.StepFullyConfigured, Check: status.CheckSucceeded}, status.Status{Label: "Connected", Tone: status.OK}},
		{"13 unknown step", in{Step: "something_new"}, status.Status{Label: "Setup incomplete", Tone: status.Warn, Continue: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := status.Of(tc.in)
			if got.Key == "" || !strings.HasPrefix(got.Key, "status.") {
				t.Errorf("Of(%+v): got key %q, want a message id", tc.in, got.Key)
			}
			got.Key = ""
			if got != tc.want {
				t.Fatalf("Of(%+v): got %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

// TestRunningNeverReadsReady checks the promise of the package over every input.
func TestRunningNeverReadsReady(t *testing.T) {
	t.Parallel()
	steps := []string{status.StepForm, status.StepOAuth, status.StepProfile, status.StepDiscoverSchema, status.StepFieldSelection, status.StepFullyConfigured, "x"}
	for _, kind := range []status.Kind{status.Source, status.Destination} {
		for _, step := range steps {
			for _, paused := range []bool{false, true} {
				for _, jobs := range []int{0, 2} {
					in := status.Input{Kind: kind, Step: step, Check: status.CheckRunning, Paused: paused, RunningJobs: jobs}
					got := status.Of(in)
					if got.Tone == status.OK || !got.Checking {
						t.Errorf("Of(%+v): got %+v, want a busy, checking status", in, got)
					}
					in.Check = status.CheckFailed
					if got := status.Of(in); got.Tone != status.Bad || got.Checking {
						t.Errorf("Of(%+v): got %+v, want a failed status", in, got)
					}
				}
			}
		}
	}
}

// TestEveryLabelIsTranslated checks each status's key names its English
// label in the catalog, so every locale has the badge's words.
func TestEveryLabelIsTranslated(t *testing.T) {
	t.Parallel()
	en := i18n.MustNew(i18n.Options{}).Localizer("en")
	steps := []string{status.StepForm, status.StepOAuth, status.StepProfile, status.StepDiscoverSchema, status.StepFieldSelection, status.StepFullyConfigured, "x"}
	checks := []string{status.CheckNone, status.CheckRunning, status.CheckSucceeded, status.CheckFailed}
	for _, kind := range []status.Kind{status.Source, status.Destination} {
		for _, step := range steps {
			for _, chk := range checks {
				for _, flags := range []status.Input{{}, {Paused: true}, {Deleted: true}, {RunningJobs: 1}} {
					in := flags
					in.Kind, in.Step, in.Check = kind, step, chk
					got := status.Of(in)
					if words := en.T(got.Key); words != got.Label {
						t.Errorf("Of(%+v): key %q reads %q, want %q", in, got.Key, words, got.Label)
					}
				}
			}
		}
	}
}
