package forms

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestTypeInfo(t *testing.T) {
	e := NewEngine(EngineOptions{Texts: &Texts{Descriptions: map[string]string{"platform.stripe": "Our payments."}}})
	cases := []struct {
		typ         string
		destination bool
		monogram    string
		category    string
		description string
		variant     string
		search      []string
	}{
		{"platform.mysql", false, "My", "Database", "Replicates tables from a MySQL or MariaDB server, by query or from the binary log.", "", []string{"mariadb", "database"}},
		{"platform.hp-mysql", false, "My", "Database", "Replicates tables from a MySQL or MariaDB server, by query or from the binary log.",
			"Stitch's high-performance (HP) version of MySQL: set up and replicated differently from MySQL. Use one of the two for a database, not both.", []string{"hp-mysql"}},
		{"platform.hubspot", false, "Hu", "CRM and sales", "Contacts, companies, deals and email activity from HubSpot.", "", []string{"crm", "marketing"}},
		{"platform.google-analytics", false, "GA", "Analytics", "Reports on traffic and conversions from a Google Analytics (Universal Analytics) view.", "", []string{"ga ", "analytics"}},
		{"platform.stripe", false, "St", "Payments and finance", "Our payments.", "", []string{"billing"}},
		{"platform.yotpo", false, "Yo", "Marketing", "Contacts, campaigns and email activity from Yotpo.", "", nil},
		{"bigquery_v2", true, "GB", "Data warehouse", "Loads your data into Google BigQuery datasets, with a service account key.", "", []string{"gcp", "warehouse"}},
		{"postgres", true, "Po", "Data warehouse", "Loads your data into a PostgreSQL database, a schema per source.", "", []string{"postgresql"}},
		{"snowflake", true, "Sn", "Data warehouse", "Loads your data into a Snowflake database, using one of your warehouses.", "", nil},
		{"platform.brand-new", false, "BN", "Other", "Replicates data from Brand New.", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.typ, func(t *testing.T) {
			got := e.TypeInfo(tc.typ, tc.destination)
			if got.Monogram != tc.monogram || got.Category != tc.category || got.Description != tc.description || got.Variant != tc.variant {
				t.Fatalf("got %q %q %q %q, want %q %q %q %q", got.Monogram, got.Category, got.Description, got.Variant,
					tc.monogram, tc.category, tc.description, tc.variant)
			}
			for _, w := range tc.search {
				if !strings.Contains(got.Search, w) {
					t.Errorf("search text %q lacks %q", got.Search, w)
				}
			}
			if again := e.TypeInfo(tc.typ, tc.destination); again.Palette != got.Palette || got.Palette < 0 || got.Palette >= Palettes {
				t.Fatalf("palette: got %d then %d, want the same one in [0, %d)", got.Palette, again.Palette, Palettes)
			}
		})
	}
}

// TestEveryDocumentedTypeHasACategory keeps the category table complete for
// the reference's types (../shared/stitch-connect/sources.json).
func TestEveryDocumentedTypeHasACategory(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "shared", "stitch-connect", "sources.json"))
	if err != nil {
		t.Skipf("reference not beside the checkout: %v", err)
	}
	var doc struct {
		Entries []struct {
			APIType string `json:"api_type"`
			Kind    string `json:"kind"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	e := NewEngine(EngineOptions{})
	palettes := map[int]int{}
	for _, x := range doc.Entries {
		info := e.TypeInfo(x.APIType, x.Kind == "destination")
		if info.Category == "Other" || info.Category == "Destination" || info.Description == "" || info.Monogram == "?" {
			t.Errorf("%s: got category %q description %q monogram %q", x.APIType, info.Category, info.Description, info.Monogram)
		}
		palettes[info.Palette]++
	}
	if len(palettes) < Palettes/2 {
		t.Errorf("tile colours: got %d of %d used, want them spread", len(palettes), Palettes)
	}
}

// TestTileColoursMeetContrast reads the palette of static/forms.css: white
// monograms on each colour must reach WCAG AA (4.5:1).
func TestTileColoursMeetContrast(t *testing.T) {
	css, err := os.ReadFile(filepath.Join("..", "static", "forms.css"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\.tile--(\d+) \{ background: #([0-9a-f]{6}); \}`)
	found := map[int]bool{}
	for _, m := range re.FindAllStringSubmatch(string(css), -1) {
		n, _ := strconv.Atoi(m[1])
		found[n] = true
		if c := contrastWithWhite(m[2]); c < 4.5 {
			t.Errorf("tile--%d #%s: contrast %.2f with white, want at least 4.5", n, m[2], c)
		}
	}
	for i := 0; i < Palettes; i++ {
		if !found[i] {
			t.Errorf("static/forms.css has no .tile--%d", i)
		}
	}
}

func contrastWithWhite(hex string) float64 {
	lum := 0.0
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[2*i:2*i+2], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		lum += w * c
	}
	return 1.05 / (lum + 0.05)
}
