package app

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/onramp/onramp/i18n"
)

// formData are the words a form page rightly shows unmarked in the
// pseudo-locale besides pseudoData: examples of values (host names,
// Snowflake object names, the S3 file name pattern: data in forms/catalog.go)
// and the product names of the destination catalog.
var formData = []string{"example.com", "snowflakecomputing.com", "amazonaws.com", "LOADING_WH", "STITCH_ROLE", "[integration_name]/", "Amazon", "Redshift", "Snowflake", "Google", "BigQuery", "Databricks", "Delta Lake",
	"Azure", "Synapse", "Panoply", "Microsoft SQL Server", "NetApp", "StorageGRID", "data.world", "S3"}

// tileTexts returns the texts of the catalog tiles' categories,
// descriptions and variant notes (skipPseudo leaves the type-list out).
func tileTexts(tb testing.TB, page string) []string {
	tb.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		tb.Fatalf("parse page: %v", err)
	}
	var out []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "span" {
			for _, a := range n.Attr {
				switch a.Val {
				case "type-tile__category", "type-tile__description", "type-tile__variant", "meta":
					var b strings.Builder
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						if c.Type == html.TextNode {
							b.WriteString(c.Data)
						}
					}
					out = append(out, strings.TrimSpace(b.String()))
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// mustMarkTiles fails unless every category, description and variant note
// of the page's catalog tiles is a marked catalog string.
func mustMarkTiles(t *testing.T, name, page string) {
	t.Helper()
	texts := tileTexts(t, page)
	if len(texts) < 2 {
		t.Fatalf("%s: got %d tile texts, want the catalog's tiles", name, len(texts))
	}
	for _, s := range texts {
		if !strings.HasPrefix(s, i18n.PseudoOpen) || !strings.HasSuffix(s, i18n.PseudoClose) {
			t.Errorf("%s: tile text %q bypasses the catalog", name, s)
		}
	}
}

// TestPseudoLocaleForms walks the form engine's pages in the pseudo-locale:
// a source form, its re-render with errors, the source and destination
// catalogs, and destination forms. Every word of package forms must be
// marked; what the user typed is kept.
func TestPseudoLocaleForms(t *testing.T) {
	ts := mustStart(t, map[string]string{"ONRAMP_PSEUDO_LOCALE": "true"})
	if resp, _ := ts.get(t, "/locale?set=en-XA&return=/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch to en-XA: got %d", resp.StatusCode)
	}
	csrf := ts.signUp(t, "forms-pseudo@example.com")

	_, body := ts.get(t, "/sources/new/platform.mysql")
	mustBePseudo(t, "GET /sources/new/platform.mysql", body, formData...)
	form := mysqlForm(csrf, formToken(t, body))
	form.Set("host", "not a host!")
	form.Set("port", "99999")
	form.Set("database", "")
	form.Set("display_name", "")
	resp, body := ts.post(t, "/sources/new/platform.mysql", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid MySQL form: got %d, want 422", resp.StatusCode)
	}
	mustBePseudo(t, "POST /sources/new/platform.mysql (errors)", body, formData...)
	for _, want := range []string{`value="not a host!"`, `value="99999"`, `value="stitch"`, `data-testid="error-summary"`} {
		if !strings.Contains(body, want) {
			t.Errorf("re-rendered form: no %s (what was typed must be kept)", want)
		}
	}
	if strings.Contains(body, "s3cret-pw") {
		t.Errorf("re-rendered form echoes the password")
	}
	if n := strings.Count(body, `class="error-message"`); n < 3 {
		t.Errorf("re-rendered form: got %d field errors, want host, port, database and name", n)
	}

	_, body = ts.get(t, "/sources/new")
	mustBePseudo(t, "GET /sources/new", body, formData...)
	mustMarkTiles(t, "GET /sources/new", body)

	_, body = ts.get(t, "/destination")
	mustBePseudo(t, "GET /destination", body, formData...)
	mustMarkTiles(t, "GET /destination", body)
	for _, typ := range []string{"postgres", "snowflake", "bigquery_v2", "redshift", "s3"} {
		resp, body := ts.get(t, "/destination/new/"+typ)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /destination/new/%s: got %d", typ, resp.StatusCode)
		}
		mustBePseudo(t, "GET /destination/new/"+typ, body, formData...)
	}
	_, body = ts.get(t, "/destination/new/postgres")
	resp, body = ts.post(t, "/destination/new/postgres", map[string][]string{"_csrf": {csrfFrom(t, body)}, "host": {"db.example.com"}, "port": {"x"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid destination form: got %d, want 422", resp.StatusCode)
	}
	mustBePseudo(t, "POST /destination/new/postgres (errors)", body, formData...)
}

// TestFormsInGerman checks that a source form, its errors and the catalog
// tiles speak the request's language.
func TestFormsInGerman(t *testing.T) {
	ts := mustStart(t, nil)
	if resp, _ := ts.get(t, "/locale?set=de&return=/"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch to de: got %d", resp.StatusCode)
	}
	csrf := ts.signUp(t, "forms-de@example.com")
	_, body := ts.get(t, "/sources/new/platform.mysql")
	contains(t, body, "Verbindungsdaten", "Benutzername", "Passwort", "Replikationshäufigkeit", "Jede Stunde", "Erweiterte Einstellungen", "(optional)")
	form := mysqlForm(csrf, formToken(t, body))
	form.Set("host", "")
	resp, body := ts.post(t, "/sources/new/platform.mysql", form)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("invalid MySQL form: got %d, want 422", resp.StatusCode)
	}
	contains(t, body, "Bitte prüfen Sie Ihre Angaben", "Geben Sie den Host-Namen oder die IP-Adresse Ihres Servers ein")
	for _, english := range []string{"There is a problem", "Connection details", "Enter the host name", "Every hour"} {
		if strings.Contains(body, english) {
			t.Errorf("German form shows %q", english)
		}
	}
	_, body = ts.get(t, "/sources/new?q=mysql")
	contains(t, body, "Datenbank", "Repliziert Tabellen eines MySQL- oder MariaDB-Servers")
}
