// Source OAuth in the browser.
//
// 1. Stitch-managed: this page is the opener of Stitch's /v2/js-client popup
//    and speaks the Stitch.js protocol exactly as the official client does
//    with onlyAuthorizeSource (../shared/stitch-connect/STITCHJS.md): answer
//    every "bootstrap" with the full context, take the outcome from the final
//    event, close the popup (Stitch keeps it open: preventIntegrationFormClose)
//    and settle once the popup is seen closed (polled every second).
// 2. White-label inside an iframe: the provider's sign-in runs in a top-level
//    popup bound to this page's session by a single-use ticket; this page
//    polls until the result is there and applies it.
(function () {
  "use strict";
  // words reads the page's words for this script (a JSON element rendered
  // beside the element it enhances), each falling back to English.
  function words(fallback) {
    var out = {}, got = {};
    try { got = JSON.parse((document.getElementById("oauth-words") || {}).textContent || "{}") || {}; } catch (e) { got = {}; }
    Object.keys(fallback).forEach(function (k) { out[k] = typeof got[k] === "string" && got[k] ? got[k] : fallback[k]; });
    return out;
  }
  var box = document.getElementById("stitch-oauth");
  if (!box) return;
  var attr = function (n) { return box.getAttribute("data-" + n) || ""; };
  var appURL = attr("app-url"), appOrigin = attr("app-origin"), mode = attr("mode");
  var sourceID = attr("source-id"), typeName = attr("type-name");
  var button = document.getElementById("authorize-button");
  var statusEl = document.getElementById("oauth-status");
  var newTab = document.getElementById("oauth-new-tab");
  var framed = window.top !== window.self;
  var pendingKey = "onramp:oauth-pending:" + sourceID;
  var WINDOW_NAME = "stitch-oauth-" + sourceID;
  var CHANNEL = "onramp-oauth";

  // The page's words (views.OAuthScriptWords); English only when missing.
  var WORDS = words({
    authorizeFailure: "Access to " + typeName + " was not approved, so Stitch cannot read your data yet.",
    integrationFormClose: "Stitch's window was closed from inside before access was approved.",
    errorLoadingConnection: "Stitch could not find this source in your account. It may have been deleted, or it belongs to another Stitch account.",
    errorLoadingIntegrationType: "Stitch could not load this kind of source just now.",
    errorUpgradingEphemeralToken: "Stitch could not sign you in with the session Onramp started for you (it may have expired).",
    closed: "The Stitch window was closed before you approved access.",
    start: "We could not start the sign-in with Stitch.",
    blocked: "Your browser blocked the Stitch window. Allow pop-up windows for this site and try again, or open the sign-in in a new tab below.",
    blockedFramed: "Your browser blocked the Stitch window. Allow pop-up windows for this site, then try again.",
    retryHint: "You can try again.",
    tryAgain: "Try again",
    approved: "Access approved. Continuing…",
    approveInWindow: "Approve access in the Stitch window.",
    approvedNewTab: "Access approved. Go back to your first tab: it continues by itself. You can close this tab.",
    checking: "Checking with Stitch…",
    opening: "Opening Stitch…",
    finishNewTab: "Finish in the new tab. This page continues by itself when you have approved access.",
    maybeOpen: "A Stitch window may still be open from before. Approve access there, or choose Authorize to start again."
  });
  // Outcomes whose words already say how to try again.
  var SAYS_RETRY = { blocked: true, blockedFramed: true };
  // The final events of STITCHJS.md; "closed" is not one (the popup being
  // seen closed is what settles).
  var SUCCESS = { authorizeSuccess: true, integrationFlowCompleted: true };
  var FAILURE = { authorizeFailure: true, integrationFormClose: true, errorLoadingConnection: true,
    errorLoadingIntegrationType: true, errorUpgradingEphemeralToken: true };

  // One attempt at a time: its popup, token and status (progress, success,
  // failed), as in the official client.
  var attempt = null;

  box.querySelectorAll(".js-only").forEach(function (e) { e.hidden = false; });
  if (framed && newTab) {
    // A new tab would be top level, without this frame's (partitioned) session.
    var line = document.getElementById("oauth-new-tab-line");
    if (line) line.hidden = true;
  }

  function say(text) { statusEl.textContent = text; }
  function emit(type, data) {
    if (window.onramp && window.onramp.emit) window.onramp.emit(type, data);
  }
  function setPending(on) {
    try {
      if (on) window.sessionStorage.setItem(pendingKey, String(Date.now()));
      else window.sessionStorage.removeItem(pendingKey);
    } catch (e) { /* storage may be off; polling still works while the page lives */ }
  }
  function isPending() {
    try { return !!window.sessionStorage.getItem(pendingKey); } catch (e) { return false; }
  }

  // retry offers another attempt after the outcome key (a WORDS key).
  function retry(key) {
    var text = WORDS[key] || WORDS.start;
    button.disabled = false;
    button.textContent = WORDS.tryAgain;
    say(SAYS_RETRY[key] ? text : text + " " + WORDS.retryHint);
    emit("onramp:error", { source_id: sourceID, step: "oauth", message: text });
  }

  // The report card is the truth: re-read it and move on when Stitch has
  // the authorization, wherever it was given (another tab, a lost popup).
  var watching = null;
  function checkStatus() {
    return fetch(attr("status-url"), { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        if (j && j.step && (j.step !== "oauth" || j.signed_in === true) && typeof j.next_url === "string" && j.next_url.charAt(0) === "/") {
          setPending(false);
          if (mode === "window") {
            done();
          } else {
            say(WORDS.approved);
            window.location.assign(j.next_url);
          }
          return true;
        }
        return false;
      }, function () { return false; });
  }
  function watch(ms, forMs) {
    if (watching) clearInterval(watching);
    var until = Date.now() + (forMs || 10 * 60 * 1000);
    watching = setInterval(function () {
      if (Date.now() > until) { clearInterval(watching); watching = null; return; }
      checkStatus().then(function (moved) { if (moved && watching) { clearInterval(watching); watching = null; } });
    }, ms);
  }

  function context(a) {
    return {
      version: 2,
      hideNav: true,
      preventIntegrationFormClose: true,
      additionalState: { default_selections: null, ephemeral_token: a.token },
      targetState: { name: "app.connections.details.authorize", params: { id: Number(sourceID) } }
    };
  }
  // Answer a bootstrap once the token is there, whichever comes first; every
  // bootstrap (a reloaded popup) is answered again.
  function sendContext(a) {
    if (!a.wantsContext || !a.token || a.popup.closed) return;
    a.wantsContext = false;
    // Only Stitch's origin may read the context (it carries the token).
    a.popup.postMessage({ type: "update", data: context(a) }, appOrigin);
    say(WORDS.approveInWindow);
  }

  // finalEvent records the outcome and closes the popup; settle() runs when
  // the popup is seen closed.
  function finalEvent(a, type, data) {
    if (a.status !== "progress") return;
    if (SUCCESS[type]) {
      a.status = "success";
      a.result = data;
    } else {
      a.status = "failed";
      a.error = type;
    }
    try { a.popup.close(); } catch (e) { /* settle sees it closed or not */ }
    setTimeout(function () { poll(a); }, 50);
  }

  function poll(a) {
    if (attempt !== a || a.settled) return;
    if (a.popup.closed) settle(a);
  }

  function settle(a) {
    a.settled = true;
    clearInterval(a.timer);
    attempt = null;
    setPending(false);
    if (a.status === "success") {
      say(WORDS.approved);
      if (mode === "window") {
        done();
      } else {
        window.location.assign(attr("next-url"));
      }
    } else if (a.status === "failed") {
      retry(a.error);
    } else {
      retry("closed");
    }
  }

  // done ends the new-tab page: tell the first tab (same origin), offer to continue here.
  function done() {
    try { new BroadcastChannel(CHANNEL).postMessage({ type: "authorized", source_id: sourceID }); } catch (e) { /* old browser */ }
    try { window.localStorage.setItem(CHANNEL, JSON.stringify({ source_id: sourceID, at: Date.now() })); } catch (e) { /* storage off */ }
    button.hidden = true;
    say(WORDS.approvedNewTab);
    var d = document.getElementById("oauth-done");
    if (d) d.hidden = false;
  }

  window.addEventListener("message", function (ev) {
    if (ev.origin !== appOrigin) return;
    var m = ev.data;
    if (!m || typeof m.type !== "string") return;
    var a = attempt;
    if (a && ev.source === a.popup) {
      if (a.status !== "progress") return; // nothing overturns a settled outcome
      if (m.type === "bootstrap") {
        a.wantsContext = true;
        sendContext(a);
      } else if (SUCCESS[m.type] || FAILURE[m.type]) {
        finalEvent(a, m.type, m.data);
      }
      return;
    }
    // A Stitch window this page lost (it was reloaded while the window was
    // open) reports its end: close it, and trust only the report card.
    if (!a && (SUCCESS[m.type] || FAILURE[m.type]) && ev.source) {
      try { ev.source.close(); } catch (e) { /* not ours to close */ }
      setPending(false);
      if (SUCCESS[m.type]) {
        say(WORDS.checking);
        watch(500, 15000);
      } else {
        retry(m.type);
      }
    }
  });

  button.addEventListener("click", function () {
    if (attempt) {
      attempt.settled = true;
      clearInterval(attempt.timer);
    }
    // Open synchronously in the click so popup blockers allow it. The same
    // name reuses a Stitch window left open (e.g. before a reload).
    var w = window.open(appURL + "/v2/js-client", WINDOW_NAME, "popup,width=640,height=720");
    if (!w) {
      attempt = null;
      retry(framed ? "blockedFramed" : "blocked");
      return;
    }
    var a = { popup: w, token: null, wantsContext: false, status: "progress", result: null, error: null, settled: false };
    attempt = a;
    setPending(true);
    button.disabled = true;
    say(WORDS.opening);
    a.timer = setInterval(function () { poll(a); }, 1000);
    fetch(attr("session-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": attr("csrf"), "Accept": "application/json" }
    }).then(function (r) {
      if (!r.ok) throw new Error("status " + r.status);
      return r.json();
    }).then(function (j) {
      a.token = j.ephemeral_token;
      sendContext(a);
    }).catch(function () {
      if (a.status !== "progress") return;
      a.status = "failed";
      a.error = "start";
      try { a.popup.close(); } catch (e) { /* poll settles */ }
    });
  });

  if (mode !== "window") {
    // The new tab tells this one when it is done (same origin only).
    try {
      new BroadcastChannel(CHANNEL).onmessage = function (ev) {
        if (ev.data && ev.data.source_id === sourceID) checkStatus();
      };
    } catch (e) { /* the storage event and polling remain */ }
    window.addEventListener("storage", function (ev) {
      if (ev.key === CHANNEL) checkStatus();
    });
    if (newTab) {
      newTab.addEventListener("click", function () {
        setPending(true);
        say(WORDS.finishNewTab);
        watch(2000);
      });
    }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible" && isPending() && !attempt) checkStatus();
    });
    if (isPending()) {
      // Reloaded while a Stitch window was open: it may still be there.
      say(WORDS.maybeOpen);
      watch(2000);
    }
  }
})();

// White-label OAuth. At top level the Authorize link is a plain navigation.
// Inside an iframe the provider would refuse to be framed and a top-level
// window cannot see this frame's partitioned session, so the click asks for
// a single-use ticket, opens the provider's sign-in in a popup with it, and
// polls until the popup's result is stored; then it applies it with a normal
// form post. Popup blocked: the new-tab hand-off page does the same.
(function () {
  "use strict";
  // words reads the page's words for this script (a JSON element rendered
  // beside the element it enhances), each falling back to English.
  function words(fallback) {
    var out = {}, got = {};
    try { got = JSON.parse((document.getElementById("oauth-words") || {}).textContent || "{}") || {}; } catch (e) { got = {}; }
    Object.keys(fallback).forEach(function (k) { out[k] = typeof got[k] === "string" && got[k] ? got[k] : fallback[k]; });
    return out;
  }
  var complete = document.getElementById("oauth-ticket-complete");
  if (complete) {
    // Last page of the popup or tab: nudge the framed page (same origin
    // only; it re-checks with the server anyway), then close if we may.
    if (window.opener && !window.opener.closed) {
      try { window.opener.postMessage({ type: "onramp:oauth-ticket" }, window.location.origin); } catch (e) { /* it polls */ }
      if (complete.getAttribute("data-ok") === "true") {
        setTimeout(function () { window.close(); }, 300);
      }
    }
    return;
  }

  var card = document.getElementById("wl-oauth") || document.getElementById("wl-handoff");
  if (!card) return;
  var attr = function (n) { return card.getAttribute("data-" + n) || ""; };
  var statusEl = document.getElementById("wl-status");
  var apply = document.getElementById("wl-apply");
  var typeName = attr("type-name");
  var WORDS = words({
    wlSaving: "Signed in. Saving…",
    wlSignIn: "Sign in to " + typeName + " in the window that opened. This page continues by itself when you are done.",
    wlStartFailed: "We could not start the sign-in. Try again in a moment."
  });
  var polling = null;
  function say(t) { if (statusEl) statusEl.textContent = t; }

  function check() {
    return fetch(attr("status-url"), { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) {
        var s = j && j.status;
        if (s === "ready" || s === "denied" || s === "failed" || s === "expired") {
          stop();
          say(s === "ready" ? WORDS.wlSaving : "");
          // The server applies the result (or explains) and moves on.
          var form = apply || document.querySelector("#wl-handoff form");
          if (form) form.submit();
        }
      }, function () { /* try again on the next tick */ });
  }
  function stop() { if (polling) { clearInterval(polling); polling = null; } }
  function start() { stop(); polling = setInterval(check, 1500); }

  window.addEventListener("message", function (ev) {
    if (ev.origin !== window.location.origin) return;
    if (ev.data && ev.data.type === "onramp:oauth-ticket") check();
  });

  if (card.id === "wl-handoff") {
    start();
    return;
  }
  var link = card.querySelector("a[data-oauth-popup]");
  if (!link || window.top === window.self) return; // top level: a plain navigation is best
  link.addEventListener("click", function (e) {
    e.preventDefault();
    // Open the window in the click (popup blockers), point it at the
    // ticket's URL once the server has made one.
    var w = window.open("", "onramp-oauth", "popup,width=600,height=720");
    fetch(attr("ticket-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": attr("csrf"), "Accept": "application/json" }
    }).then(function (r) {
      if (!r.ok) throw new Error("status " + r.status);
      return r.json();
    }).then(function (j) {
      if (!w || w.closed) {
        window.location.assign(attr("handoff-url"));
        return;
      }
      w.location.href = j.url;
      say(WORDS.wlSignIn);
      if (apply) apply.hidden = false;
      start();
    }).catch(function () {
      if (w) w.close();
      say(WORDS.wlStartFailed);
    });
  });
})();
