package contract

import (
	"errors"
	"testing"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/emulator"
)

// The extractions cases need the account's client id, which only the
// emulator tells a test (real Stitch: the id of STITCH_TEST_TOKEN's account
// is not configured), so they are emulator-only.
func init() {
	cases = append(cases,
		contractCase{name: "extraction after set-up", emulatorOnly: true, run: extractionAfterSetUp},
		contractCase{name: "failing extraction", emulatorOnly: true, run: failingExtraction},
		contractCase{name: "extractions over several pages", emulatorOnly: true, run: extractionPages},
		contractCase{name: "extractions of another client id", emulatorOnly: true, run: extractionsOfAnother},
	)
}

// configuredGitHub creates a GitHub source and selects its first stream.
func configuredGitHub(t *testing.T, tg *target, tok string) connect.Int {
	t.Helper()
	src := must(tg.client.CreateSource(ctx, tok, connect.CreateSourceRequest{Type: "platform.github", DisplayName: uniqueName("Contract GitHub"),
		Properties: map[string]any{"access_token": "t", "repository": "o/r", "start_date": "2024-01-01T00:00:00Z"}}))
	waitStep(t, tg, tok, src.ID, connect.StepFieldSelection)
	streams := must(tg.client.ListStreams(ctx, tok, src.ID))
	if err := tg.client.UpdateStreamMetadata(ctx, tok, src.ID, []connect.StreamMetadataUpdate{{
		TapStreamID: streams[0].TapStreamID,
		Metadata:    []connect.MetadataEntry{{Breadcrumb: []string{}, Metadata: map[string]any{"selected": true}}},
	}}); err != nil {
		t.Fatalf("select a stream: %v", err)
	}
	return src.ID
}

func extractionAfterSetUp(t *testing.T, tg *target) {
	tok, acct := tg.emu.NewAccount(uniqueName("extract") + "@example.com")
	if list := must(tg.client.ListExtractions(ctx, tok, acct)); len(list) != 0 {
		t.Fatalf("before any set-up: got %d extractions, want 0", len(list))
	}
	id := configuredGitHub(t, tg, tok)
	list := must(tg.client.ListExtractions(ctx, tok, acct))
	if len(list) != 1 || list[0].SourceID != id || int64(list[0].StitchClientID) != acct || list[0].Tap() != "tap-github" {
		t.Fatalf("got %+v, want the source's extraction", list)
	}
	if st := list[0].State(); st != (connect.ExtractionState{Status: connect.ExtractionSucceeded}) {
		t.Fatalf("state: got %+v, want succeeded", st)
	}
	if got := tg.emu.JobsUsage(acct).Total; got != 2 {
		t.Fatalf("jobs requests: got %d, want 2 (one a list, never retried)", got)
	}
}

func failingExtraction(t *testing.T, tg *target) {
	email := uniqueName("failing") + "@example.com"
	tok, acct := tg.emu.NewAccount(email)
	const msg = "Response returned http error code 401"
	if err := tg.emu.SetAccountFaults(email, emulator.Faults{FailExtractions: msg}); err != nil {
		t.Fatal(err)
	}
	configuredGitHub(t, tg, tok)
	list := must(tg.client.ListExtractions(ctx, tok, acct))
	if len(list) != 1 {
		t.Fatalf("got %d extractions, want 1", len(list))
	}
	if st := list[0].State(); st != (connect.ExtractionState{Status: connect.ExtractionFailed, Phase: connect.PhaseTap, Description: msg}) {
		t.Fatalf("state: got %+v, want failed in the tap phase", st)
	}
	// A 500 from the endpoint is a typed error, not retried.
	if err := tg.emu.SetAccountFaults(email, emulator.Faults{Rules: []emulator.FaultRule{{Method: "GET", Path: "/v4/*/extractions", Status: 500}}}); err != nil {
		t.Fatal(err)
	}
	before := tg.emu.JobsUsage(acct).Total
	_, err := tg.client.ListExtractions(ctx, tok, acct)
	if e := asError(t, err); e.Status != 500 {
		t.Fatalf("got %v, want a 500", err)
	}
	if got := tg.emu.JobsUsage(acct).Total - before; got != 1 {
		t.Fatalf("a 500: got %d requests, want 1", got)
	}
}

// 101 sources need two pages: the client follows links.next (relative to
// the API root) below the base URL's prefix.
func extractionPages(t *testing.T, tg *target) {
	tok, acct := tg.emu.NewAccount(uniqueName("pages") + "@example.com")
	for range 101 {
		configuredGitHub(t, tg, tok)
	}
	list, n, err := tg.client.ListExtractionsUpTo(ctx, tok, acct, connect.MaxExtractionPages)
	if err != nil || len(list) != 101 || n != 2 {
		t.Fatalf("got %d records in %d requests (%v), want 101 in 2", len(list), n, err)
	}
	if _, _, err := tg.client.ListExtractionsUpTo(ctx, tok, acct, 1); !errors.Is(err, connect.ErrPageLimit) {
		t.Fatalf("one page of two: got %v, want ErrPageLimit", err)
	}
}

func extractionsOfAnother(t *testing.T, tg *target) {
	tok, _ := tg.emu.NewAccount(uniqueName("mine") + "@example.com")
	_, other := tg.emu.NewAccount(uniqueName("theirs") + "@example.com")
	_, err := tg.client.ListExtractions(ctx, tok, other)
	if !connect.IsUnauthorized(err) {
		t.Fatalf("another account's client id: got %v, want 401", err)
	}
	if e := asError(t, err); e.Status != 401 || len(e.Body) != 0 {
		t.Fatalf("got status %d body %q, want 401 without a body", e.Status, e.Body)
	}
}
