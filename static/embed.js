// Onramp inside a partner's iframe: posts events to the parent window, only
// to an origin allowed by ONRAMP_EMBED_ORIGINS (never "*"). Loaded only when
// embedding is configured. Event payloads are documented in README.md.
(function () {
  "use strict";
  if (window.parent === window) return;
  var body = document.body;
  var allowed = (body.getAttribute("data-embed-origins") || "").split(" ").filter(Boolean);

  // The parent's origin: Chrome tells it directly; elsewhere the referrer does.
  function parentOrigin() {
    var candidates = [];
    if (window.location.ancestorOrigins && window.location.ancestorOrigins.length) {
      candidates.push(window.location.ancestorOrigins[0]);
    }
    if (document.referrer) {
      try { candidates.push(new URL(document.referrer).origin); } catch (e) { /* ignore */ }
    }
    for (var i = 0; i < candidates.length; i++) {
      if (allowed.indexOf(candidates[i]) !== -1) return candidates[i];
    }
    return null;
  }
  var target = parentOrigin();
  if (!target) return;

  function post(type, data) {
    window.parent.postMessage({ type: type, data: data || {} }, target);
  }
  window.onramp = { emit: post };

  post("onramp:ready", { path: window.location.pathname, title: document.title });
  var events = [];
  try { events = JSON.parse(body.getAttribute("data-events") || "[]") || []; } catch (e) { events = []; }
  events.forEach(function (ev) { post(ev.type, ev.data); });

  // Size: tell the host the content height so it can size the iframe.
  var last = 0;
  function resize() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h !== last) {
      last = h;
      post("onramp:resize", { height: h });
    }
  }
  if (window.ResizeObserver) new ResizeObserver(resize).observe(document.documentElement);
  window.addEventListener("load", resize);
  resize();

  // Finishing or cancelling: "Back to …" links and cancel links close the flow.
  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("[data-testid=return], [data-onramp-close]") : null;
    if (!a) return;
    var data = { reason: a.getAttribute("data-testid") === "return" ? "finished" : "cancelled" };
    if (a.getAttribute("href")) data.return_url = a.getAttribute("href");
    post("onramp:close", data);
  });
})();
