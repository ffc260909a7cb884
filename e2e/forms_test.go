package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// serviceAccountKey is a Google service account key file shaped like the
// documented example (the key itself is not a real one).
const serviceAccountKey = `{
  "type": "service_account",
  "project_id": "acme-analytics",
  "private_key_id": "23sdiljasd29023908sdjlasdjasdf12be",
  "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n",
  "client_email": "stitch@acme-analytics.iam.gserviceaccount.com",
  "client_id": "113456789012345678901",
  "auth_uri": "https://accounts.google.com/o/oauth2/auth",
  "token_uri": "https://oauth2.googleapis.com/token",
  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/stitch%40acme-analytics.iam.gserviceaccount.com"
}`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	must(t, os.WriteFile(p, []byte(content), 0o600), "write "+name)
	return p
}

// TestBigQueryKeyFileUpload creates a Google BigQuery destination by
// uploading its service account key file, first a broken one, with
// JavaScript on and off: the upload is read by the server either way.
func TestBigQueryKeyFileUpload(t *testing.T) {
	for _, js := range []bool{true, false} {
		name := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(name, func(t *testing.T) {
			page := newPage(t, func(o *playwright.BrowserNewContextOptions) { o.JavaScriptEnabled = playwright.Bool(js) })
			a11y := func() {
				if js {
					checkA11y(t, page)
				} else {
					checkA11yNoJS(t, page) // axe-core on the same markup, its scripts refused
				}
			}
			createAccount(t, page)
			open(t, page, "/destination")
			tile := page.Locator(`[data-testid=destination-type-link][href="/destination/new/bigquery_v2"]`)
			must(t, expect.Locator(tile).ToContainText("Data warehouse"), "BigQuery tile names its category")
			must(t, tile.Click(), "choose BigQuery")
			waitPath(t, page, `/destination/new/bigquery_v2$`)
			must(t, expect.Locator(page.Locator("form[data-testid=source-form]")).ToHaveAttribute("enctype", "multipart/form-data"), "multipart form")
			a11y()

			upload := page.Locator(`input[type=file][name="_file.service_account_credentials"]`)
			must(t, upload.SetInputFiles(writeFile(t, "broken.json", `{"type": "service_account",`)), "choose a broken key")
			if js {
				must(t, expect.Locator(page.Locator("#service_account_credentials-status")).ToContainText("not valid JSON"), "preview of a broken key")
			}
			must(t, page.Locator("[data-testid=submit]").Click(), "submit a broken key")
			must(t, expect.Locator(page.Locator("[data-testid=error-summary]")).ToContainText("is not valid JSON"), "broken key refused")
			a11y()
			if html, err := page.Content(); err != nil || strings.Contains(html, `"service_account",`) {
				t.Fatalf("the refused key file was echoed (err %v)", err)
			}

			upload = page.Locator(`input[type=file][name="_file.service_account_credentials"]`)
			must(t, upload.SetInputFiles(writeFile(t, "acme-analytics-key.json", serviceAccountKey)), "choose the key file")
			if js {
				must(t, expect.Locator(page.Locator("#service_account_credentials-status")).ToContainText("stitch@acme-analytics.iam.gserviceaccount.com"), "preview of the key")
			}
			must(t, page.Locator("[data-testid=submit]").Click(), "submit")
			waitPath(t, page, `/destination$`)
			must(t, expect.Locator(page.Locator("[data-testid=destination]")).ToContainText("Google BigQuery"), "destination saved")
			a11y()

			open(t, page, "/destination/edit")
			must(t, expect.Locator(page.Locator("#service_account_credentials-keep")).ToBeChecked(), "the saved key is kept by default")
			a11y()
		})
	}
}

// TestFormsAndCatalogsLookRight opens the forms and catalogs of the issue at
// 1280 and 375 px (screenshots with E2E_SCREENSHOTS) with 0 axe violations.
func TestFormsAndCatalogsLookRight(t *testing.T) {
	page := newPage(t)
	createAccount(t, page)
	open(t, page, "/sources/new")
	visit(t, page, "catalog-sources")
	must(t, page.Locator("[data-testid=type-search]").Fill("crm"), "search by category")
	must(t, expect.Locator(page.Locator(`#type-list li[data-type="platform.hubspot"]`)).ToBeVisible(), "HubSpot is a CRM")
	must(t, expect.Locator(page.Locator(`#type-list li[data-type="platform.mysql"]`)).ToBeHidden(), "MySQL is not")
	must(t, page.Locator("[data-testid=type-search]").Fill("postgresql"), "search by synonym")
	must(t, expect.Locator(page.Locator(`#type-list li[data-type="platform.postgres"]`)).ToBeVisible(), "postgres by its full name")
	open(t, page, "/destination")
	visit(t, page, "catalog-destinations")

	for _, p := range []struct{ path, name string }{
		{"/sources/new/platform.mysql", "form-mysql"},
		{"/sources/new/platform.hubspot", "form-hubspot"},
		{"/sources/new/platform.google-analytics", "form-google-analytics"},
		{"/destination/new/bigquery_v2", "form-bigquery"},
		{"/destination/new/snowflake", "form-snowflake"},
		{"/destination/new/postgres", "form-postgres"},
		{"/destination/new/databricks_delta", "form-databricks"},
	} {
		open(t, page, p.path)
		visit(t, page, p.name)
	}
	open(t, page, "/sources/new/platform.mysql")
	must(t, expect.Locator(page.Locator(`details[data-group=advanced] summary`)).ToHaveText("Advanced settings"), "advanced settings")
	must(t, expect.Locator(field(page, "server_id")).ToBeHidden(), "server ID is under Advanced")

	open(t, page, "/sources/new/platform.google-analytics")
	must(t, field(page, "start_date").Fill("2024-01-01"), "start date")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/sources/\d+/oauth$`)
	visit(t, page, "form-google-analytics-oauth")
}
