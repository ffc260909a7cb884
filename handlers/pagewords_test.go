package handlers

import (
	"testing"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/i18n"
)

// The health summary, the list of fields at fault and a hand-off link's
// lifetime are worded and dated per locale.
func TestPageWordsPerLocale(t *testing.T) {
	t.Parallel()
	cat := i18n.MustNew(i18n.Options{})
	at := time.Date(2026, 11, 30, 8, 15, 0, 0, time.UTC)
	failed := &connect.ConnectionCheck{Status: connect.CheckFailed, CompletionTime: &at}
	running := &connect.ConnectionCheck{Status: connect.CheckRunning}
	for _, c := range []struct {
		locale, failed, running, fields, ttl, ttlShort string
	}{
		{"en", "Last connection check on 30 November 2026 at 08:15 UTC: failed", "Connection check running", "Host, Port and Password", "72 hours", "1 hour"},
		{"de", "Letzte Verbindungsprüfung am 30. November 2026 um 08:15 UTC: fehlgeschlagen", "Verbindungsprüfung läuft", "Host, Port und Password", "72 Stunden", "1 Stunde"},
		{"fr", "Dernière vérification de la connexion le 30 novembre 2026 à 08:15 UTC : échec", "Vérification de la connexion en cours", "Host, Port et Password", "72 heures", "1 heure"},
		{"es", "Última comprobación de la conexión el 30 de noviembre de 2026 a las 08:15 UTC: falló", "Comprobación de la conexión en curso", "Host, Port y Password", "72 horas", "1 hora"},
	} {
		l := cat.Localizer(c.locale)
		if got := checkSummary(l, failed); got != c.failed {
			t.Errorf("%s failed check: got %q, want %q", c.locale, got, c.failed)
		}
		if got := checkSummary(l, running); got != c.running {
			t.Errorf("%s running check: got %q, want %q", c.locale, got, c.running)
		}
		if got := joinLabels(l, []string{"Host", "Port", "Password"}); got != c.fields {
			t.Errorf("%s fields: got %q, want %q", c.locale, got, c.fields)
		}
		if got := (&Handoff{TTL: 72 * time.Hour}).ttlWords(l); got != c.ttl {
			t.Errorf("%s TTL: got %q, want %q", c.locale, got, c.ttl)
		}
		if got := (&Handoff{TTL: time.Hour}).ttlWords(l); got != c.ttlShort {
			t.Errorf("%s TTL of an hour: got %q, want %q", c.locale, got, c.ttlShort)
		}
	}
}
