package e2e

import (
	"testing"
)

// A new user: create an account, set up PostgreSQL, add MySQL to done.
func TestNewUserDestinationAndMySQL(t *testing.T) {
	page := newPage(t)
	rec := record(page)
	open(t, page, "/")
	visit(t, page, "start")
	must(t, page.Locator("[data-testid=create-account]").Click(), "create account")
	waitPath(t, page, `/account/new$`)
	visit(t, page, "account-new")
	// Submitting nothing shows the errors, linked from the summary.
	must(t, page.Locator("[data-testid=submit]").Click(), "submit empty")
	must(t, expect.Locator(page.Locator("[data-testid=error-summary]")).ToBeFocused(), "summary focused")
	visit(t, page, "account-errors")
	createAccount(t, page)
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToContainText("Your Stitch account is ready"), "created")
	visit(t, page, "home-new-account")

	must(t, page.Locator("[data-testid=setup-destination]").Click(), "set up destination")
	waitPath(t, page, `/destination$`)
	visit(t, page, "destination-catalog")
	must(t, page.Locator(`a[href="/destination/new/postgres"]`).Click(), "choose postgres")
	waitPath(t, page, `/destination/new/postgres$`)
	visit(t, page, "destination-postgres-form")
	must(t, field(page, "host").Fill("warehouse.example.com"), "host")
	must(t, field(page, "port").Fill("5432"), "port")
	must(t, field(page, "username").Fill("stitch"), "username")
	must(t, field(page, "password").Fill("dw-password-1"), "password")
	must(t, field(page, "database").Fill("analytics"), "database")
	if _, err := field(page, "encryption_type").SelectOption(selectValue("none")); err != nil {
		t.Fatalf("encryption: %v", err)
	}
	must(t, page.Locator("[data-testid=submit]").Click(), "save destination")
	waitPath(t, page, `/destination$`)
	must(t, expect.Locator(page.Locator("[data-testid=destination-check]")).ToContainText("The connection works", pwTimeout(15000)), "check passed")
	visit(t, page, "destination-connected")

	addMySQL(t, page, "newuser")
	assertNoSecrets(t, rec, "dw-password-1", "correct horse")
}

// An existing Stitch user connects through Stitch's consent page, then adds HubSpot.
func TestConnectExistingAccountThenHubSpot(t *testing.T) {
	page := newPage(t)
	rec := record(page)
	open(t, page, "/")
	must(t, page.Locator("[data-testid=connect-account]").Click(), "connect")
	waitPath(t, page, `/_stitch/oauth/authorization`)
	visit(t, page, "stitch-consent")
	must(t, page.Locator("#email").Fill(uniqueEmail("existing")), "email")
	must(t, page.Locator("[data-testid=approve]").Click(), "approve")
	waitPath(t, page, `/$`)
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToContainText("connected"), "connected")
	visit(t, page, "home-connected")

	open(t, page, "/sources/new/platform.hubspot")
	must(t, field(page, "start_date").Fill("2024-01-31"), "start date")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/sources/\d+/oauth$`)
	visit(t, page, "connected-hubspot-oauth")
	assertNoSecrets(t, rec)
}

func TestDenyingStitchConsent(t *testing.T) {
	page := newPage(t)
	open(t, page, "/account/connect")
	must(t, page.Locator("[data-testid=deny]").Click(), "deny")
	must(t, expect.Locator(page.Locator("h1")).ToHaveText("You did not allow access"), "denied page")
	visit(t, page, "consent-denied")
	must(t, page.Locator("[data-testid=retry]").Click(), "try again")
	waitPath(t, page, `/_stitch/oauth/authorization`)
}
