// Stitch-managed source OAuth: speaks the Stitch.js popup protocol with the
// Stitch web app's /v2/js-client page. Without JavaScript (or with the popup
// blocked) the page's plain link and "I have finished" button do the job.
(function () {
  "use strict";
  var box = document.getElementById("stitch-oauth");
  if (!box) return;
  var appURL = box.getAttribute("data-app-url");
  var appOrigin = box.getAttribute("data-app-origin");
  var button = document.getElementById("authorize-button");
  var status = document.getElementById("oauth-status");
  var popup = null, token = null, done = false, watcher = null, bootstrapped = false;

  box.querySelectorAll(".js-only").forEach(function (e) { e.hidden = false; });

  function say(text) { status.textContent = text; }
  function emit(type, data) {
    if (window.onramp && window.onramp.emit) window.onramp.emit(type, data);
  }
  function fail(text) {
    done = true;
    if (watcher) clearInterval(watcher);
    button.disabled = false;
    button.textContent = "Try again";
    say(text);
    emit("onramp:error", { source_id: box.getAttribute("data-source-id"), step: "oauth", message: text });
  }

  // The popup asks for its target with "bootstrap"; answer once the
  // ephemeral token has arrived, whichever comes first.
  function sendUpdate() {
    if (!bootstrapped || !token || !popup) return;
    popup.postMessage({
      type: "update",
      data: {
        targetState: { type: "authorizeSource", id: Number(box.getAttribute("data-source-id")) },
        ephemeral_token: token
      }
    }, appOrigin);
    say("Approve access in the Stitch window.");
  }

  window.addEventListener("message", function (ev) {
    // Strict: only the Stitch app, only our own popup.
    if (ev.origin !== appOrigin || !popup || ev.source !== popup) return;
    var m = ev.data || {};
    switch (m.type) {
      case "bootstrap":
        bootstrapped = true;
        sendUpdate();
        break;
      case "authorizeSuccess":
        done = true;
        if (watcher) clearInterval(watcher);
        say("Access approved. Continuing…");
        window.location.assign(box.getAttribute("data-next-url"));
        break;
      case "authorizeFailure":
        fail("Access was not approved, so Stitch cannot read your data yet. You can try again.");
        break;
      case "closed":
        if (!done) fail("The Stitch window was closed before you finished. You can try again.");
        break;
      case "errorUpgradingEphemeralToken":
        fail("Your Stitch session expired. Try again.");
        break;
    }
  });

  button.addEventListener("click", function () {
    done = false;
    token = null;
    bootstrapped = false;
    button.disabled = true;
    say("Opening Stitch…");
    // Open synchronously in the click so popup blockers allow it.
    popup = window.open(appURL + "/v2/js-client", "stitch-oauth", "popup,width=640,height=720");
    if (!popup) {
      fail("Your browser blocked the Stitch window. Use the link below to open it in a new tab.");
      return;
    }
    fetch(box.getAttribute("data-session-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": box.getAttribute("data-csrf"), "Accept": "application/json" }
    }).then(function (r) {
      if (!r.ok) throw new Error("status " + r.status);
      return r.json();
    }).then(function (j) {
      token = j.ephemeral_token;
      sendUpdate();
    }).catch(function () {
      if (popup) popup.close();
      fail("We could not start the sign-in with Stitch. Try again in a moment.");
    });
    watcher = setInterval(function () {
      if (popup && popup.closed && !done) fail("The Stitch window was closed before you finished. You can try again.");
    }, 700);
  });
})();

// White-label OAuth. Providers refuse to be framed, so inside an iframe the
// sign-in opens in a popup whose last page tells this page (same origin only)
// where to go next; if the popup is blocked, the whole tab navigates instead.
(function () {
  "use strict";
  var done = document.getElementById("oauth-complete");
  if (done) {
    var next = done.getAttribute("data-next-url");
    if (window.opener && !window.opener.closed) {
      try {
        window.opener.postMessage({ type: "onramp:oauth-complete", next: next }, window.location.origin);
        window.close();
      } catch (e) { /* the link on the page still works */ }
    }
    return;
  }
  var link = document.querySelector("a[data-oauth-popup]");
  if (!link) return;
  var framed = window.top !== window.self;
  window.addEventListener("message", function (ev) {
    if (ev.origin !== window.location.origin) return;
    var m = ev.data || {};
    if (m.type === "onramp:oauth-complete" && typeof m.next === "string" && m.next.charAt(0) === "/") {
      window.location.assign(m.next);
    }
  });
  link.addEventListener("click", function (e) {
    if (!framed) return; // top level: a plain navigation is best
    e.preventDefault();
    var url = link.href + (link.href.indexOf("?") < 0 ? "?" : "&") + "popup=1";
    var popup = window.open(url, "onramp-oauth", "popup,width=600,height=720");
    if (!popup) {
      window.top.location.href = link.href;
    }
  });
})();
