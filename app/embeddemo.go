package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/onramp/onramp/handlers"
)

// The embed demo is the reference host page for partner engineers: served on
// a second loopback origin (localhost, so it is cross-site to 127.0.0.1), it
// plays the partner's backend (mints a launch token) and frontend (an iframe
// and a log of Onramp's events). Enabled with ONRAMP_EMBED_DEMO=true in
// emulator mode.
//
// Query parameters let QA and the e2e tests play a partner's variations:
// source_type and theme go into the launch; sandbox=1 frames Onramp in a
// sandboxed iframe without allow-modals (as many partners do); revoke=1
// revokes the customer's Stitch token after the launch was minted (access
// withdrawn before the customer arrives); bad_token=1 frames a launch link
// that does not exist.

type embedDemo struct {
	app    *App
	origin string // the demo's own origin
	apiKey string
	client *http.Client
}

var demoPage = template.Must(template.New("demo").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Example partner app – Onramp embed demo</title>
<link rel="stylesheet" href="/demo.css">
<script src="/demo.js" defer></script>
</head>
<body data-frame-origin="{{.OnrampOrigin}}">
<header><strong>Acme Analytics</strong> <span>(an example partner app embedding Onramp)</span></header>
<main>
<h1>Connect your data</h1>
{{if .Error}}<p role="alert">{{.Error}}</p>{{else}}
<iframe id="onramp" title="Connect your data with Onramp" src="{{.LaunchURL}}" data-testid="onramp-frame"{{if .Sandbox}} sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-top-navigation-by-user-activation"{{end}}></iframe>
{{end}}
<h2>Events received from Onramp</h2>
<ol id="events" data-testid="events" aria-live="polite" tabindex="0" aria-label="Events from Onramp"></ol>
</main>
</body>
</html>`))

const demoCSS = `body{font-family:system-ui,Arial,sans-serif;margin:0;background:#eef1f5;color:#111}
header{background:#1f2937;color:#fff;padding:.75rem 1rem}main{max-width:64rem;margin:0 auto;padding:1rem}
iframe{width:100%;border:1px solid #9ca3af;border-radius:8px;background:#fff;height:600px;display:block}
#events{font-family:monospace;font-size:.875rem;background:#fff;border:1px solid #d1d5db;padding:.5rem 2rem;max-height:20rem;overflow:auto}`

const demoJS = `(function () {
  "use strict";
  var origin = document.body.getAttribute("data-frame-origin");
  var frame = document.getElementById("onramp");
  var log = document.getElementById("events");
  window.onrampEvents = [];
  window.addEventListener("message", function (ev) {
    if (ev.origin !== origin || !frame || ev.source !== frame.contentWindow) return;
    var m = ev.data || {};
    if (typeof m.type !== "string" || m.type.indexOf("onramp:") !== 0) return;
    window.onrampEvents.push(m);
    if (m.type === "onramp:resize" && m.data && m.data.height > 0) {
      frame.style.height = Math.min(m.data.height + 4, 4000) + "px";
    }
    var li = document.createElement("li");
    li.textContent = m.type + " " + JSON.stringify(m.data || {});
    log.appendChild(li);
  });
})();`

// ServeHTTP serves the demo page, its CSS and JS.
func (d *embedDemo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", "default-src 'self'; frame-src "+handlers.OriginOf(d.app.Config.BaseURL)+"; object-src 'none'; base-uri 'none'")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	switch r.URL.Path {
	case "/demo.css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		fmt.Fprint(w, demoCSS)
		return
	case "/demo.js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		fmt.Fprint(w, demoJS)
		return
	case "/", "/embed-demo":
	default:
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	data := struct {
		OnrampOrigin, LaunchURL, Error string
		Sandbox                        bool
	}{OnrampOrigin: handlers.OriginOf(d.app.Config.BaseURL), Sandbox: q.Get("sandbox") == "1"}
	u, err := d.launch(r.Context(), q)
	if q.Get("bad_token") == "1" {
		u, err = d.app.Config.BaseURL+"/launch/not-a-launch-token", nil
	}
	if err != nil {
		d.app.Log.Warn("embed demo launch failed", "err", err)
		data.Error = "Could not start Onramp: " + err.Error()
	} else {
		data.LaunchURL = u
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = demoPage.Execute(w, data)
}

// launch plays the partner backend: a Stitch account for the visitor (in the
// emulator) and a launch token from Onramp's API.
func (d *embedDemo) launch(ctx context.Context, q url.Values) (string, error) {
	tok, id := d.app.Emulator.NewAccount("")
	req := handlers.LaunchRequest{AccessToken: tok, StitchAccountID: id, SourceType: q.Get("source_type"), ReturnURL: d.origin + "/embed-demo?done=1"}
	if t := q.Get("theme"); t != "" {
		th, err := handlers.ParseTheme(t)
		if err != nil {
			return "", err
		}
		req.Theme = &th
	}
	body, _ := json.Marshal(req)
	hreq, _ := http.NewRequestWithContext(ctx, http.MethodPost, d.app.Config.BaseURL+"/api/v1/launch", bytes.NewReader(body))
	hreq.Header.Set("Authorization", "Bearer "+d.apiKey)
	hreq.Header.Set("Content-Type", "application/json")
	resp, err := d.client.Do(hreq)
	if err != nil {
		return "", fmt.Errorf("launch: %w", err)
	}
	defer resp.Body.Close()
	var out handlers.LaunchResponse
	if resp.StatusCode != http.StatusCreated || json.NewDecoder(resp.Body).Decode(&out) != nil {
		return "", fmt.Errorf("launch: status %d", resp.StatusCode)
	}
	if q.Get("revoke") == "1" {
		d.app.Emulator.RevokeToken(tok)
	}
	return out.URL, nil
}

func newEmbedDemo(a *App, origin, apiKey string) *embedDemo {
	return &embedDemo{app: a, origin: origin, apiKey: apiKey, client: &http.Client{Timeout: 10 * time.Second}}
}
