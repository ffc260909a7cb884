package e2e

import (
	"context"
	"regexp"
	"strconv"
	"testing"

	"github.com/onramp/onramp/connect"
)

// A launch with a partner template opens the MySQL form with the port
// prefilled, SSL locked read-only with the partner's note and server_id
// absent; the created source has the locked and hidden values.
func TestTemplateLaunchMySQLForm(t *testing.T) {
	a, stop, err := startOnramp(context.Background(), map[string]string{
		"ONRAMP_API_KEYS": e2eAPIKey, "ONRAMP_PARTNER_NAME": "Acme Analytics",
	})
	if err != nil {
		t.Fatalf("start onramp: %v", err)
	}
	defer stop()
	token, acct := a.Emulator.NewAccount(uniqueEmail("e2e-template"))
	out := mint(t, a, "/api/v1/launch", map[string]any{
		"access_token": token, "stitch_account_id": acct, "source_type": "platform.mysql",
		"template": map[string]any{"platform.mysql": map[string]any{
			"defaults": map[string]any{"port": "3307", "ssl": "true", "server_id": "42"},
			"locked":   []string{"ssl"},
			"hidden":   []string{"server_id"},
		}},
	})
	u, _ := out["url"].(string)

	page := newPage(t)
	open(t, page, u)
	must(t, page.WaitForURL(regexp.MustCompile(`/sources/new/platform\.mysql$`)), "the launch opens the MySQL form")
	must(t, expect.Locator(field(page, "port")).ToHaveValue("3307"), "port prefilled with the default")
	ssl := page.Locator(`[data-property="ssl"] input#ssl`)
	must(t, expect.Locator(ssl).ToHaveAttribute("readonly", ""), "ssl is read-only")
	must(t, expect.Locator(ssl).ToHaveValue("Yes"), "ssl shows the locked value")
	must(t, expect.Locator(page.Locator("[data-testid=locked-ssl]")).ToHaveText("Set by Acme Analytics. You cannot change it here."), "the partner's note")
	must(t, expect.Locator(page.Locator(`[data-property="server_id"], [name="server_id"]`)).ToHaveCount(0), "server_id is not on the page")
	visit(t, page, "template-mysql-form")

	must(t, page.Locator("#display_name").Fill("Templated DB"), "name")
	must(t, field(page, "host").Fill("db.example.com"), "host")
	must(t, field(page, "user").Fill("stitch"), "user")
	must(t, field(page, "password").Fill("templated-pw"), "password")
	must(t, field(page, "database").Fill("shop"), "database")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	waitPath(t, page, `/sources/\d+/(discover|fields)$`)

	m := regexp.MustCompile(`/sources/(\d+)/`).FindStringSubmatch(page.URL())
	id, _ := strconv.ParseInt(m[1], 10, 64)
	src, err := a.Client.GetSource(context.Background(), token, connect.Int(id))
	must(t, err, "read the source back")
	if src.Properties["port"] != "3307" || src.Properties["ssl"] != "true" || src.Properties["server_id"] != "42" {
		t.Fatalf("created source: got %v, want port 3307, ssl true, server_id 42", src.Properties)
	}
}
