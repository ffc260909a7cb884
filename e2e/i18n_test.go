package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"github.com/onramp/onramp/emulator"
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

// TestGermanLaunchWalksMySQLToDone follows a launch with locale "de" through
// every page of the MySQL journey on a 375 px wide screen: the form (and its
// errors), the connection check, the stream list (a bulk tick's flash, a
// stream's columns), the done page, the sources list with a broken source's
// health, its repair page, and a hand-off link for a colleague. Each page is
// German (lang="de"), fits the screen and has no axe violation.
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
	toggle := page.Locator("button.secret-toggle").First()
	must(t, expect.Locator(toggle).ToHaveText("Anzeigen"), "German show-password toggle (forms.js)")
	must(t, expect.Locator(toggle).ToHaveAttribute("aria-label", "Passwort anzeigen"), "German toggle label")
	germanPage(t, page, "form")

	must(t, page.Locator("[data-testid=submit]").Click(), "submit the empty form")
	must(t, expect.Locator(page.Locator("label[for=display_name]")).ToContainText("Name dieser Datenquelle"), "German name label after errors")
	germanPage(t, page, "form-errors")

	// A slow check: the connection check page, which moves on by itself.
	slow := 3 * time.Second
	must(t, a.Emulator.SetAccountFaults(tok, emulator.Faults{CheckDelay: &slow}), "slow checks")
	fillMySQL(t, page, "Buchhaltungsdatenbank Sued")
	must(t, page.Locator("[data-testid=submit]").Click(), "submit")
	must(t, expect.Locator(page.Locator(`[data-state="running"]`)).ToBeVisible(), "the check is running")
	must(t, a.Emulator.ClearAccountFaults(tok), "clear faults")
	germanPage(t, page, "discover")
	must(t, expect.Locator(page.Locator("[data-testid=stream-list]")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}), "fields page")
	must(t, expect.Locator(page.Locator("[data-testid=stream-list] .meta").First()).ToContainText("Zeilen"), "German row counts")
	germanPage(t, page, "fields")

	// A bulk tick's flash, then its undoing.
	must(t, page.Locator("[data-testid=tick-matching]").Click(), "tick all tables")
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToContainText("Tabellen markiert"), "German bulk flash")
	germanPage(t, page, "fields-ticked")
	must(t, page.Locator("[data-testid=discard]").Click(), "discard")
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToContainText("verworfen"), "German discard flash")

	// One stream's columns.
	must(t, page.Locator(".stream-fields-link").First().Click(), "a stream's columns")
	must(t, expect.Locator(page.Locator("[data-testid=field-list]")).ToBeVisible(), "columns page")
	must(t, expect.Locator(page.Locator("[data-testid=field-list]")).ToContainText("Wird immer repliziert"), "German column reasons")
	germanPage(t, page, "stream")
	_, err = page.GoBack()
	must(t, err, "back to the list")
	must(t, expect.Locator(page.Locator("[data-testid=stream-list]")).ToBeVisible(), "fields page again")

	boxes := page.Locator(`[data-testid=stream-list] input[type=checkbox]`)
	must(t, boxes.Nth(0).Check(), "select first stream")
	must(t, boxes.Nth(1).Check(), "select second stream")
	streamsSettled(t, page.Locator(".stream-tools"), page.Locator("[data-testid=stream-count]"), 2)
	must(t, page.Locator("[data-testid=save-streams]").Click(), "save streams")

	must(t, expect.Locator(page.Locator("[data-testid=done-heading]")).ToHaveText("Buchhaltungsdatenbank Sued ist eingerichtet"), "German done heading")
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToHaveText("2 Streams ausgewählt."), "German saved flash")
	must(t, expect.Locator(page.Locator("[data-testid=streams-count]")).ToHaveText("2 Streams ausgewählt:"), "German plural")
	must(t, expect.Locator(page.Locator("[data-testid=return]")).ToHaveText("Zurück zu Acme Analytics"), "German return link")
	must(t, expect.Locator(page.Locator("[data-testid=sync-now]")).ToHaveText("Jetzt replizieren"), "German action")
	germanPage(t, page, "done")

	must(t, page.Locator("[data-testid=pause]").Click(), "pause")
	must(t, expect.Locator(page.Locator("[data-testid=flash]")).ToContainText("ist pausiert"), "German flash")
	germanPage(t, page, "done-paused")

	// The in-page confirmation of app.js asks in German; cancelling keeps the source.
	must(t, page.Locator(".danger-zone summary").Click(), "open the danger zone")
	must(t, page.Locator("[data-testid=delete]").Click(), "delete")
	must(t, expect.Locator(page.Locator("[data-testid=confirm-yes]")).ToHaveText("Ja, löschen"), "German confirm")
	must(t, expect.Locator(page.Locator("[data-testid=confirm-cancel]")).ToHaveText("Abbrechen"), "German cancel")
	germanPage(t, page, "done-confirm")
	must(t, page.Locator("[data-testid=confirm-cancel]").Click(), "cancel")

	// The catalog's live filter counts in German.
	open(t, page, "/sources/new")
	must(t, page.Locator("[data-testid=type-search]").Fill("postgres"), "filter the catalog")
	must(t, expect.Locator(page.Locator("[data-testid=type-count]")).ToHaveText(regexp.MustCompile(`^\s*\d+ Datenquellentypen? (passt|passen) zu „postgres“\s*$`)), "German live count")
	germanPage(t, page, "catalog-filtered")

	open(t, page, "/sources")
	must(t, expect.Locator(page.Locator("[data-testid=source-count]")).ToHaveText("1 Datenquelle"), "German singular")
	must(t, expect.Locator(page.Locator("[data-testid=source-status]").First()).ToHaveText("Pausiert"), "German status")
	germanPage(t, page, "sources")

	// The password stops working: the health summary and the repair page.
	raw, err := page.Locator("[data-source-id]").First().GetAttribute("data-source-id")
	must(t, err, "the source's id")
	srcID, err := strconv.ParseInt(raw, 10, 64)
	must(t, err, "the source's id "+raw)
	breakSource(t, a, tok, srcID, `(1045, "Access denied for user 'stitch'@'db.example.com' (using password: YES)")`)
	open(t, page, "/sources")
	health := page.Locator("[data-testid=source-health]")
	must(t, expect.Locator(health.Locator("[data-testid=last-check]")).ToContainText("Letzte Verbindungsprüfung am"), "German last check")
	must(t, expect.Locator(health.Locator("[data-testid=health-fields]")).ToContainText("Betroffen: Passwort"), "German field at fault")
	germanPage(t, page, "sources-broken")
	must(t, page.Locator("[data-testid=fix-connection]").Click(), "repair")
	must(t, expect.Locator(page.Locator("[data-testid=repair-heading]")).ToHaveText("Buchhaltungsdatenbank Sued reparieren"), "German repair heading")
	must(t, expect.Locator(page.Locator("[data-testid=repair-submit]")).ToHaveText("Speichern und erneut prüfen"), "German repair button")
	germanPage(t, page, "repair")

	// A colleague's hand-off link for the repair.
	must(t, page.Locator("[data-testid=handoff-start]").Click(), "send the step to someone else")
	must(t, expect.Locator(page.Locator("[data-testid=handoff-heading]")).ToHaveText("Diesen Schritt an jemand anderen senden"), "German hand-off heading")
	germanPage(t, page, "handoff")
	must(t, page.Locator("[data-testid=handoff-create]").Click(), "create a link")
	link, err := page.Locator("[data-testid=handoff-url]").InputValue()
	must(t, err, "the link")
	must(t, expect.Locator(page.Locator("[data-testid=handoff-links]")).ToContainText("funktioniert bis"), "German link list")
	germanPage(t, page, "handoff-link")
	colleague := newPage(t, func(o *playwright.BrowserNewContextOptions) {
		o.Viewport = mobile
		o.ExtraHttpHeaders = map[string]string{"Accept-Language": "de-DE,de;q=0.9"}
	})
	open(t, colleague, link)
	must(t, expect.Locator(colleague.Locator("[data-testid=handoff-open]")).ToHaveText("Weiter"), "German link page")
	germanPage(t, colleague, "handoff-open")
	must(t, colleague.Locator("[data-testid=handoff-open]").Click(), "open the link")
	must(t, expect.Locator(colleague.Locator("[data-testid=repair-form]")).ToBeVisible(), "the colleague's repair step")
	germanPage(t, colleague, "handoff-repair")
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
