package main

import (
	"os"
	"testing"
)

// TestGeneratedCatalogIsUpToDate fails when the committed generated catalog
// differs from what the generator writes from ../shared (regenerate = no diff).
func TestGeneratedCatalogIsUpToDate(t *testing.T) {
	const shared, catalog = "../../../../shared/stitch-connect", "../../catalog"
	if _, err := os.Stat(shared); err != nil {
		t.Fatalf("reference data not found at %s (check out ../shared beside the repository): %v", shared, err)
	}
	files, err := Generate(shared, catalog)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if len(files) != 116 {
		t.Errorf("got %d generated files, want 116 (110 sources, 6 destinations)", len(files))
	}
	diffs, err := Diff(catalog+"/generated", files)
	if err != nil {
		t.Fatalf("Diff: %v", err)
	}
	for _, d := range diffs {
		t.Errorf("%s: run 'go run ./emulator/internal/gencatalog' and commit", d)
	}
}

func TestParseStream(t *testing.T) {
	s := parseStream("orders: id:i* total:n updated_at:t^")
	if s.TapStreamID != "orders" || s.ForcedReplicationMethod != "INCREMENTAL" {
		t.Fatalf("got %s %s, want orders INCREMENTAL", s.TapStreamID, s.ForcedReplicationMethod)
	}
	if len(s.KeyProperties) != 1 || s.KeyProperties[0] != "id" || len(s.ValidReplicationKeys) != 1 || s.ValidReplicationKeys[0] != "updated_at" {
		t.Fatalf("got keys %v, replication keys %v; want [id], [updated_at]", s.KeyProperties, s.ValidReplicationKeys)
	}
	if s.Fields[0].Inclusion != "automatic" || s.Fields[1].Inclusion != "available" || s.Fields[2].Inclusion != "automatic" {
		t.Fatalf("got inclusions %s %s %s, want automatic available automatic", s.Fields[0].Inclusion, s.Fields[1].Inclusion, s.Fields[2].Inclusion)
	}
	if full := parseStream("tags"); full.ForcedReplicationMethod != "FULL_TABLE" {
		t.Fatalf("tags: got %s, want FULL_TABLE (no replication key)", full.ForcedReplicationMethod)
	}
}
