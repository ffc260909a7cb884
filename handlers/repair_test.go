package handlers

import (
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/forms"
	"github.com/onramp/onramp/i18n"
)

// The emulator never pauses a source itself, so the summary of a source
// Stitch paused is checked here, from the Source object's system_paused_at.
func TestHealthOfASourcePausedByStitch(t *testing.T) {
	u := &UI{Words: forms.NewEngine(forms.EngineOptions{})}
	at := time.Date(2026, 11, 30, 8, 15, 0, 0, time.UTC)
	card := connect.ReportCard{CurrentStepType: connect.StepFullyConfigured, Steps: []connect.Step{
		{Type: connect.StepForm, Properties: []connect.Property{{Name: "start_date", PropertyType: connect.PropertyUserProvided}}},
		{Type: connect.StepOAuth, Properties: []connect.Property{{Name: "refresh_token", IsCredential: true, PropertyType: connect.PropertySystemProvidedByDefault}}},
		{Type: connect.StepFullyConfigured},
	}}
	src := &connect.Source{ID: 7, Type: "platform.hubspot", SystemPausedAt: &at, ReportCard: card}
	done := at.Add(-time.Hour)
	h := u.sourceHealth(i18n.From(nil), src, &connect.ConnectionCheck{Status: connect.CheckSucceeded, CompletionTime: &done})
	if h.PausedByStitch != "Paused by Stitch on 30 November 2026 at 08:15 UTC" {
		t.Errorf("paused by Stitch: got %q", h.PausedByStitch)
	}
	if h.LastCheck != "Last connection check on 30 November 2026 at 07:15 UTC: passed" {
		t.Errorf("last check: got %q", h.LastCheck)
	}
	if h.RepairURL != "/sources/7/repair" || h.RepairLabel != "Sign in to "+u.Words.TypeName("platform.hubspot")+" again" {
		t.Errorf("repair: got %q %q, want a new sign-in", h.RepairURL, h.RepairLabel)
	}
	src.SystemPausedAt = nil
	if h := u.sourceHealth(i18n.From(nil), src, nil); h.Broken() || h.PausedByStitch != "" {
		t.Errorf("a healthy source: got %+v", h)
	}
}
