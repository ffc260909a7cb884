package app

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/onramp/onramp/connect"
	"github.com/onramp/onramp/presets"
)

// templatesEmail is the emulator account whose token reads report cards
// for the start-up check (cards are the same for every account).
const templatesEmail = "onramp-templates@example.com"

// loadTemplates reads ONRAMP_TEMPLATES_FILE and checks it against each named
// type's report card, read through the Connect client: a template naming an
// unknown type or property, or setting values nobody could use, stops
// start-up with every problem named. emu is the embedded emulator's handler
// (nil against Stitch): Onramp does not serve yet, so its cards are read in
// process, through the same client code.
func (a *App) loadTemplates(cfg Config, chk presets.Checker, emu http.Handler) (presets.Template, error) {
	if cfg.TemplatesFile == "" {
		return nil, nil
	}
	b, err := os.ReadFile(cfg.TemplatesFile)
	if err != nil {
		return nil, fmt.Errorf("ONRAMP_TEMPLATES_FILE: %w", err)
	}
	tpl, err := presets.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("ONRAMP_TEMPLATES_FILE %s: %w", cfg.TemplatesFile, err)
	}
	client, token := a.Client, cfg.TemplatesToken
	if emu != nil {
		client = connect.New(
			connect.WithHTTPClient(&http.Client{Transport: handlerTransport{emu}}),
			connect.WithBaseURL(cfg.StitchAPIURL),
			connect.WithTimeout(cfg.APITimeout),
		)
		token, _ = a.Emulator.NewAccount(templatesEmail)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := tpl.Validate(presets.CardsFrom(ctx, client, token), chk); err != nil {
		return nil, fmt.Errorf("ONRAMP_TEMPLATES_FILE %s: %w", cfg.TemplatesFile, err)
	}
	return tpl, nil
}

// handlerTransport answers requests with an in-process handler.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}
