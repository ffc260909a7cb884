// A reference opener written from ../shared/stitch-connect/STITCHJS.md,
// independent of Onramp's static/oauth.js: the official client's state
// machine for onlyAuthorizeSource, including "the opener closes the window".
//
//   window.stitchRef.onlyAuthorizeSource({app, id, ephemeral_token, context?, closeOnFinal?})
//
// resolves with {ok, result | error, messages} once the popup is seen closed.
// context overrides the CONTEXT sent (to try what the official client never
// sends); closeOnFinal=false makes a passive opener that never closes the
// popup (to prove the popup does not close itself).
(function () {
  "use strict";
  var FAILURES = {
    authorizeFailure: function () { return "Error authorizing connection."; },
    integrationFormClose: function () { return "App closed before reaching end of flow."; },
    errorLoadingConnection: function (d) { return "Integration with id " + (d && d.id) + " not found."; },
    errorLoadingIntegrationType: function (d) { return "Unknown source type: \"" + (d && d.type) + "\"."; },
    errorUpgradingEphemeralToken: function () { return "Error upgrading ephemeral token."; }
  };
  var last = null;

  function onlyAuthorizeSource(o) {
    return new Promise(function (resolve) {
      var st = { status: "progress", result: null, error: null, messages: [] };
      last = st;
      var context = o.context || {
        version: 2,
        hideNav: true,
        preventIntegrationFormClose: true,
        additionalState: { default_selections: null, ephemeral_token: o.ephemeral_token },
        targetState: { name: "app.connections.details.authorize", params: { id: o.id } }
      };
      var child = window.open(o.app + "/v2/js-client");
      if (!child) { resolve({ ok: false, error: "blocked", messages: [] }); return; }
      function closeChild() { if (o.closeOnFinal !== false) child.close(); }
      window.addEventListener("message", function (ev) {
        if (ev.source !== child) return; // only our popup; no origin check, as the official client
        var m = ev.data || {};
        st.messages.push(m.type);
        if (m.type === "bootstrap") {
          child.postMessage({ type: "update", data: context }, "*");
          return;
        }
        if (m.type === "authorizeSuccess" || m.type === "integrationFlowCompleted") {
          st.status = "success";
          st.result = m.data;
          closeChild();
        } else if (FAILURES[m.type]) {
          st.status = "failed";
          st.error = FAILURES[m.type](m.data);
          closeChild();
        }
      });
      (function poll() {
        setTimeout(function () {
          if (!child.closed) { poll(); return; }
          if (st.status === "success") resolve({ ok: true, result: st.result, messages: st.messages });
          else if (st.status === "failed") resolve({ ok: false, error: st.error, messages: st.messages });
          else resolve({ ok: false, error: "App closed before reaching end of flow.", messages: st.messages });
        }, 1000);
      })();
    });
  }

  window.stitchRef = {
    onlyAuthorizeSource: onlyAuthorizeSource,
    // state reads the current attempt (for a passive opener that never settles).
    state: function () { return last && { status: last.status, result: last.result, error: last.error, messages: last.messages.slice() }; }
  };
})();
