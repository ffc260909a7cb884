package emulator

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
)

// The emulator's pages stand in for the Stitch web app and a third-party
// OAuth provider. They are plain server-rendered HTML with one external
// stylesheet and one small script, so a strict CSP (no inline code) holds.

const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'"

const layoutHTML = `{{define "layout"}}<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{.Title}} – Stitch</title>
<link rel="stylesheet" href="{{.Base}}/assets/emulator.css">
</head>
<body data-base="{{.Base}}">
<header class="bar"><p class="brand">Stitch <span class="tag">emulator</span></p></header>
<main id="main">
<h1>{{.Title}}</h1>
{{template "content" .}}
</main>
{{block "scripts" .}}{{end}}
</body>
</html>
{{end}}`

var pageHTML = map[string]string{
	"message": `{{define "content"}}<p data-testid="message">{{.Data}}</p>{{end}}`,

	"consent": `{{define "content"}}{{with .Data}}
<p data-testid="consent-text"><strong>{{.Partner}}</strong> wants access to your Stitch account.</p>
<p class="muted">If you approve, {{.Partner}} can set up data sources and a destination in your Stitch account for you. Sign in with your email address; if no Stitch account uses it yet, one is created.</p>
<form method="post" action="{{$.Base}}/oauth/authorization" novalidate>
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="first_name" value="{{.FirstName}}">
<input type="hidden" name="last_name" value="{{.LastName}}">
<input type="hidden" name="company" value="{{.Company}}">
<div class="field">
<label for="email">Email address</label>
{{if .Error}}<p class="error" id="email-error">{{.Error}}</p>
<input id="email" name="email" type="email" autocomplete="email" value="{{.Email}}" aria-invalid="true" aria-describedby="email-error">
{{else}}<input id="email" name="email" type="email" autocomplete="email" value="{{.Email}}">{{end}}
</div>
<div class="actions">
<button class="primary" type="submit" name="decision" value="approve" data-testid="approve">Approve</button>
<button class="secondary" type="submit" name="decision" value="deny" data-testid="deny">Deny</button>
</div>
</form>{{end}}{{end}}`,

	"jsclient": `{{define "content"}}
<p id="status" role="status" data-testid="status">Waiting for the application that opened this window…</p>
<section id="consent" hidden aria-labelledby="consent-title">
<h2 id="consent-title">Authorize <span id="source-name"></span></h2>
<p><span id="partner-name">The application</span> asks Stitch to connect to <span id="source-type"></span> with Stitch's own OAuth app. You may be asked to sign in to that service.</p>
<div class="actions">
<button id="approve" class="primary" type="button" data-testid="approve">Approve</button>
<button id="deny" class="secondary" type="button" data-testid="deny">Deny</button>
<button id="cancel" class="secondary" type="button" data-testid="cancel">Close</button>
</div>
</section>
<section id="walkthrough" hidden aria-labelledby="walkthrough-title">
<h2 id="walkthrough-title">Remaining steps</h2>
<p>Stitch would now walk you through the source's remaining steps (connection check, field selection). The emulator skips them.</p>
<div class="actions">
<button id="finish" class="primary" type="button" data-testid="finish">Finish</button>
</div>
</section>
<noscript><p>This window needs JavaScript and must be opened by the application you are setting up.</p></noscript>
{{end}}
{{define "scripts"}}<script src="{{.Base}}/assets/js-client.js"></script>{{end}}`,

	"provider": `{{define "content"}}{{with .Data}}
<p data-testid="consent-text"><strong>{{.ClientName}}</strong> wants to access your account at Example Data Co. (a pretend data provider run by the Stitch emulator).</p>
{{if .Scopes}}<h2>Requested access</h2>
<ul>{{range .Scopes}}<li>{{.}}</li>{{end}}</ul>{{end}}
<form method="post" action="{{$.Base}}/provider/authorize">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<input type="hidden" name="code_challenge" value="{{.Challenge}}">
<input type="hidden" name="code_challenge_method" value="{{.ChallengeMethod}}">
<div class="actions">
<button class="primary" type="submit" name="decision" value="approve" data-testid="approve">Approve</button>
<button class="secondary" type="submit" name="decision" value="deny" data-testid="deny">Deny</button>
</div>
</form>{{end}}{{end}}`,
}

// parsePages builds one template set per page (layout + page), so each
// page's "content" and "scripts" resolve inside its own set.
func parsePages() (map[string]*template.Template, error) {
	out := make(map[string]*template.Template, len(pageHTML))
	for name, body := range pageHTML {
		t, err := template.New(name).Parse(layoutHTML)
		if err != nil {
			return nil, fmt.Errorf("parse layout: %w", err)
		}
		if _, err := t.Parse(body); err != nil {
			return nil, fmt.Errorf("parse page %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// page is the data every page template receives.
type page struct {
	Base, Title string
	Data        any
}

// render writes a page with the emulator's security headers.
func (s *Server) render(w http.ResponseWriter, status int, name, title string, data any) {
	t, ok := s.pages[name]
	if !ok {
		http.Error(w, "unknown page", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", page{Base: s.cfg.BasePath, Title: title, Data: data}); err != nil {
		s.log.Error("render emulator page", "page", name, "err", err)
		http.Error(w, "render page", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage renders a plain message page.
func (s *Server) errorPage(w http.ResponseWriter, status int, title, msg string) {
	s.render(w, status, "message", title, msg)
}

// asset serves the stylesheet and script of the pages.
func (s *Server) asset(w http.ResponseWriter, r *http.Request) {
	var body, ctype string
	switch r.PathValue("file") {
	case "emulator.css":
		body, ctype = cssAsset, "text/css; charset=utf-8"
	case "js-client.js":
		body, ctype = jsClientAsset, "text/javascript; charset=utf-8"
	default:
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write([]byte(body))
}

// Colours meet WCAG 2.1 AA: text ≥ 4.5:1, controls and focus ring ≥ 3:1.
const cssAsset = `*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f3f4f6}
.bar{background:#1d3557;color:#fff;padding:.75rem 1.5rem}
.brand{margin:0;font-weight:700;font-size:1.125rem}
.tag{font-weight:400;font-size:.875rem;border:1px solid #fff;border-radius:4px;padding:0 .375rem;margin-left:.5rem}
main{max-width:34rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;border:1px solid #d1d5db}
h1{font-size:1.5rem;margin:0 0 1rem}
h2{font-size:1.125rem;margin:1.25rem 0 .5rem}
.muted{color:#4b5563}
.field{margin:1rem 0}
label{display:block;font-weight:600;margin-bottom:.25rem}
input[type=email],input[type=text]{width:100%;padding:.5rem .625rem;font:inherit;border:1px solid #6b7280;border-radius:4px;color:#1b1b1b;background:#fff}
.error{color:#b3261e;font-weight:600;margin:.25rem 0}
.actions{display:flex;gap:.75rem;margin-top:1.25rem}
button{font:inherit;font-weight:600;padding:.5rem 1.25rem;border-radius:4px;cursor:pointer}
.primary{background:#0b57d0;color:#fff;border:1px solid #0b57d0}
.primary:hover{background:#0842a0}
.secondary{background:#fff;color:#1b1b1b;border:1px solid #4b5563}
.secondary:hover{background:#f3f4f6}
:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}
`

// jsClientAsset runs the /v2/js-client popup. It accepts only what the
// official Stitch.js client sends (STITCHJS.md): one {"type":"update"} from
// window.opener after its own {"type":"bootstrap"}, whose data is the full
// context (version 2, hideNav, preventIntegrationFormClose, additionalState
// with an ephemeral token, targetState {name, params}). Anything else is
// shown as not understood and answered with nothing, as the real app would
// not route it. After a final event it posts nothing more, and it closes
// itself only when preventIntegrationFormClose is false.
const jsClientAsset = `(function () {
  "use strict";
  var base = document.body.getAttribute("data-base") || "";
  var statusEl = document.getElementById("status");
  var consent = document.getElementById("consent");
  var walkthrough = document.getElementById("walkthrough");
  var origin = null, ctx = null, bootstrapped = false, finished = false, busy = false;
  var TARGETS = ["app.connections.create", "app.connections.details.edit", "app.connections.details.authorize",
    "app.connections.details.check", "app.connections.details.fields"];
  function say(t) { statusEl.textContent = t; }
  function post(msg) {
    if (finished || !window.opener || window.opener.closed || origin === null) { return; }
    window.opener.postMessage(msg, origin);
  }
  function api(path, body) {
    return fetch(base + path, {method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)})
      .then(function (r) { return r.json().then(function (j) { return {ok: r.ok, status: r.status, body: j}; }); });
  }
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  // parse checks the context exactly as the official client builds it and
  // returns the reason it is refused, if any.
  function parse(d) {
    if (!isObject(d)) { return {err: "no context"}; }
    if (d.version !== 2) { return {err: "version is not 2"}; }
    if (typeof d.hideNav !== "boolean" || typeof d.preventIntegrationFormClose !== "boolean") { return {err: "hideNav or preventIntegrationFormClose missing"}; }
    var ts = d.targetState, extra = d.additionalState;
    if (!isObject(ts) || typeof ts.name !== "string" || !isObject(ts.params)) { return {err: "targetState is not {name, params}"}; }
    if (TARGETS.indexOf(ts.name) < 0) { return {err: "unknown targetState " + ts.name}; }
    if (!isObject(extra)) { return {err: "additionalState missing"}; }
    if (extra.default_selections !== undefined && extra.default_selections !== null && !isObject(extra.default_selections)) { return {err: "default_selections is not an object"}; }
    var c = {name: ts.name, id: ts.params.id, token: extra.ephemeral_token, keepOpen: d.preventIntegrationFormClose};
    if (c.name !== "app.connections.details.authorize") { return {err: "unsupported", ctx: c}; }
    if (typeof c.id !== "number" || !isFinite(c.id) || Math.floor(c.id) !== c.id) { return {err: "targetState.params.id is not a number"}; }
    return {ctx: c};
  }
  function finish(msg, text) {
    if (finished) { return; }
    post(msg);
    finished = true;
    consent.hidden = true;
    walkthrough.hidden = true;
    say(text);
    if (ctx && !ctx.keepOpen) { window.setTimeout(function () { window.close(); }, 50); }
  }
  window.addEventListener("message", function (ev) {
    if (!window.opener || ev.source !== window.opener || !bootstrapped) { return; }
    var m = ev.data;
    if (!isObject(m) || m.type !== "update" || ctx !== null || finished) { return; }
    origin = ev.origin;
    var p = parse(m.data);
    if (p.err === "unsupported") {
      ctx = p.ctx;
      say("The emulator only supports authorizing a source (targetState app.connections.details.authorize).");
      return;
    }
    if (p.err) {
      ctx = {refused: true};
      say("Stitch did not understand the request from the application (" + p.err + "). Nothing was authorized.");
      return;
    }
    ctx = p.ctx;
    if (typeof ctx.token !== "string" || ctx.token === "") {
      say("Sign in to Stitch to continue. (The emulator has no sign-in page: the application must send an ephemeral token.)");
      return;
    }
    say("Loading the source…");
    api("/v2/js-client/source", {ephemeral_token: ctx.token, source_id: ctx.id}).then(function (res) {
      if (res.status === 401) {
        finish({type: "errorUpgradingEphemeralToken", data: {}}, "Stitch could not sign you in with this session. Close this window and try again.");
      } else if (!res.ok) {
        finish({type: "errorLoadingConnection", data: {id: ctx.id}}, "Integration with id " + ctx.id + " not found.");
      } else {
        document.getElementById("source-name").textContent = res.body.display_name;
        document.getElementById("source-type").textContent = res.body.type_name;
        say("");
        consent.hidden = false;
        document.getElementById("approve").focus();
      }
    }, function () {
      say("Stitch is not answering. Close this window and try again.");
    });
  });
  document.getElementById("approve").addEventListener("click", function () {
    if (finished || busy) { return; }
    busy = true;
    say("Authorizing…");
    api("/v2/js-client/authorize", {ephemeral_token: ctx.token, source_id: ctx.id}).then(function (res) {
      busy = false;
      if (res.status === 401) {
        finish({type: "errorUpgradingEphemeralToken", data: {}}, "Stitch could not sign you in with this session. Close this window and try again.");
      } else if (res.ok) {
        // authorizeSuccess ends onlyAuthorizeSource (the opener closes this
        // window); authorizeSource goes on to the remaining steps.
        post({type: "authorizeSuccess", data: {id: res.body.id, type: res.body.type}});
        ctx.result = {id: res.body.id, type: res.body.type};
        consent.hidden = true;
        walkthrough.hidden = false;
        say("Authorized.");
      } else {
        finish({type: "authorizeFailure", data: {}}, "Authorization failed. Close this window and try again.");
      }
    });
  });
  document.getElementById("deny").addEventListener("click", function () {
    finish({type: "authorizeFailure", data: {}}, "Access was not granted. You can close this window.");
  });
  document.getElementById("cancel").addEventListener("click", function () {
    finish({type: "integrationFormClose", data: {}}, "Closed before the end. You can close this window.");
  });
  document.getElementById("finish").addEventListener("click", function () {
    finish({type: "integrationFlowCompleted", data: ctx.result}, "Done. You can close this window.");
  });
  // Best effort, and only while nothing has been decided (no authorizeSuccess,
  // no final event): a closed window may no longer be a message source, so
  // openers poll popup.closed (Stitch.js does and ignores "closed").
  window.addEventListener("pagehide", function () {
    if (ctx && !ctx.refused && !ctx.result) { post({type: "closed"}); }
    finished = true;
  });
  if (window.opener) {
    bootstrapped = true;
    window.opener.postMessage({type: "bootstrap"}, "*");
  } else {
    say("Open this page from the application you are setting up.");
  }
})();
`
