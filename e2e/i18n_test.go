package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// mintLaunch asks Onramp's launch API for a launch URL, as a partner's backend would.
func mintLaunch(t *testing.T, base string, body map[string]any) string {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/launch", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+i18nAPIKey)
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("mint launch: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		URL string `json:"url"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated || out.URL == "" {
		t.Fatalf("mint launch: got %d %v %+v", resp.StatusCode, err, out)
	}
	return out.URL
}

const i18nAPIKey = "e2e-i18n-partner-key-0123456789"

// germanPage checks what every page of the German journey must be: lang
// "de", no horizontal scrolling at 375 px (long German words), no axe
// violation; and saves a screenshot.
func germanPage(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	must(t, expect.Locator(page.Locator("html")).ToHaveAttribute("lang", "de"), name+": lang=de")
	noHorizontalScroll(t, page, name)
	checkA11y(t, page)
	shot(t, page, "i18n-de-"+name)
}

// TestGermanLaunchWalksMySQLToDone follows a launch with locale "de" from
// the MySQL form to the done page on a 375 px wide screen.
func TestGermanLaunchWalksMySQLToDone(t *testing.T) {
	a, stop, err := startOnramp(context.Background(), map[string]string{
		"ONRAMP_API_KEYS": i18nAPIKey, "ONRAMP_PARTNER_NAME": "Acme Analytics", "ONRAMP_RETURN_URLS": "https://app.example.com/",
	})
	if err != nil {
		t.Fatalf("start onramp with launches: %v", err)
	}
	defer stop()
	tok, id := a.Emulator.NewAccount("")
	u := mintLaunch(t, a.Config.BaseURL, map[string]any{
		"access_token": tok, "stitch_account_id": id, "source_type": "platform.mysql",
		"locale": "de-DE", "return_url": "https://app.example.com/data",
	})
	page := newPage(t, func(o *playwright.BrowserNewContextOptions) {
		o.Viewport = mobile
		o.BaseURL = playwright.String(a.Config.BaseURL)
		o.ExtraHttpHeaders = map[string]string{"Accept-Language": "fr-FR,fr;q=0.9"} // the launch's locale wins
	})
	open(t, page, u)
	must(t, expect.Locator(page.Locator("h1")).ToHaveText("MySQL verbinden"), "German form heading")
	must(t, expect.Locator(page.Locator("[data-testid=steps]")).ToContainText("Verbindungsdaten"), "German steps")
	germanPage(t, page, "form")

	must(t, page.Locator("[data-testid=submit]").Click(), "submit the empty form")
	must(t, expect.Locator(page.Locator("label[for=display_name]")).ToContainText("Name dieser Datenquelle"), "German name label after errors")
	germanPage(t, page, "form-errors")

	fillMySQL(t, page, "Buchhaltungsdatenbank Sued")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	must(t, expect.Locator(page.Locator("[data-testid=stream-list]")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "fields page")
	germanPage(t, page, "fields")
	boxes := page.Locator(`[data-testid=stream-list] input[type=checkbox]`)
	must(t, boxes.Nth(0).Check(), "select first stream")
	must(t, boxes.Nth(1).Check(), "select second stream")
	streamsSettled(t, page.Locator(".stream-tools"), page.Locator("[data-testid=stream-count]"), 2)
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save streams")

	must(t, expect.Locator(page.Locator("[data-testid=done-heading]")).ToHaveText("Buchhaltungsdatenbank Sued ist eingerichtet"), "German done heading")
	must(t, expect.Locator(page.Locator("[data-testid=streams-count]")).ToHaveText("2 Streams ausgewählt:"), "German plural")
	must(t, expect.Locator(page.Locator("[data-testid=return]")).ToHaveText("Zurück zu Acme Analytics"), "German return link")
	must(t, expect.Locator(page.Locator("[data-testid=sync-now]")).ToHaveText("Jetzt replizieren"), "German action")
	germanPage(t, page, "done")

	must(t, page.Locator("[data-testid=pause]").Click(), "pause")
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToContainText("ist pausiert"), "German flash")
	germanPage(t, page, "done-paused")

	open(t, page, "/sources")
	must(t, expect.Locator(page.Locator("[data-testid=source-count]")).ToHaveText("1 Datenquelle"), "German singular")
	must(t, expect.Locator(page.Locator("[data-testid=source-status]").First()).ToHaveText("Pausiert"), "German status")
	germanPage(t, page, "sources")
}

// TestLocaleSwitcherWithoutJavaScript changes the language with the
// footer's plain links, scripts off, and the choice sticks.
func TestLocaleSwitcherWithoutJavaScript(t *testing.T) {
	page := newPage(t, func(o *playwright.BrowserNewContextOptions) {
		o.JavaScriptEnabled = playwright.Bool(false)
		o.ExtraHttpHeaders = map[string]string{"Accept-Language": "en-GB,en;q=0.9"}
	})
	open(t, page, "/account/new")
	must(t, expect.Locator(page.Locator("h1")).ToHaveText("Create your Stitch account"), "English first")
	must(t, page.Locator("[data-testid=locale-de]").Click(), "switch to German")
	must(t, page.WaitForURL(baseURL+"/account/new"), "back on the same page")
	must(t, expect.Locator(page.Locator("html")).ToHaveAttribute("lang", "de"), "lang=de")
	must(t, expect.Locator(page.Locator("h1")).ToHaveText("Stitch-Konto anlegen"), "German heading")
	checkA11yNoJS(t, page)
	shot(t, page, "i18n-switcher-de")
	must(t, page.Locator("[data-testid=locale-es]").Click(), "switch to Spanish")
	must(t, expect.Locator(page.Locator("h1")).ToHaveText("Crea tu cuenta de Stitch"), "Spanish heading")
	open(t, page, "/")
	must(t, expect.Locator(page.Locator("h1")).ToHaveText("Conecta tus datos con Stitch"), "the choice sticks")
	must(t, page.SetViewportSize(mobile.Width, mobile.Height), "375 px")
	open(t, page, "/account/new")
	noHorizontalScroll(t, page, "Spanish account form at 375 px")
	shot(t, page, "i18n-switcher-es-mobile")
}
