package forms

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/onramp/onramp/connect"
)

// sharedSteps reads every step with properties of the shared report cards.
func sharedSteps(tb testing.TB) []connect.Step {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "stitch-connect", "report-cards")
	if _, err := os.Stat(dir); err != nil {
		tb.Fatalf("the shared Stitch reference is missing at %s (CI checks it out beside the repo): %v", dir, err)
	}
	var steps []connect.Step
	for _, pattern := range []string{"source-types/*.json", "destination-types/*.json", "*report-card*.json", "source-type.*.json", "destination-type.*.json"} {
		paths, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			var rc connect.ReportCard
			if json.Unmarshal(b, &rc) != nil {
				continue
			}
			for _, s := range rc.Steps {
				if len(s.Properties) > 0 {
					steps = append(steps, s)
				}
			}
		}
	}
	if len(steps) < 200 {
		tb.Fatalf("found %d steps with properties, want the real cards", len(steps))
	}
	return steps
}
