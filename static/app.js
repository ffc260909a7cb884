// Onramp progressive enhancement. Everything works without this file.
(function () {
  "use strict";

  // Live filter of a list (the source type catalog): <input data-filter="#list">,
  // items carry data-name. The server-side ?q= search still works without JS.
  function setupFilters() {
    document.querySelectorAll("input[data-filter]").forEach(function (input) {
      var list = document.querySelector(input.getAttribute("data-filter"));
      var status = document.querySelector(input.getAttribute("data-filter-status"));
      if (!list) return;
      var items = Array.prototype.slice.call(list.querySelectorAll("[data-name]"));
      var timer;
      function apply() {
        var q = input.value.trim().toLowerCase();
        var shown = 0;
        items.forEach(function (li) {
          var match = q === "" || li.getAttribute("data-name").indexOf(q) !== -1;
          li.hidden = !match;
          if (match) shown++;
        });
        if (status) {
          status.textContent = shown === 1 ? "1 source type" : shown + " source types";
          if (q !== "") status.textContent += " match \u201c" + input.value.trim() + "\u201d";
        }
      }
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(apply, 80);
      });
      var form = input.form;
      if (form) {
        form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
      }
    });
  }

  // Confirm destructive actions in the page, never with window.confirm(),
  // which a sandboxed iframe without allow-modals answers "no" silently:
  // <form data-confirm="Delete this source?">. The first submit shows the
  // question with "Yes" and "Cancel" buttons; only "Yes" sends the form.
  // Without JavaScript the form sends at once (it sits behind <details>).
  function setupConfirms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      var box = null;
      form.addEventListener("submit", function (e) {
        if (form.getAttribute("data-confirmed") === "yes") return;
        e.preventDefault();
        if (box) { box.querySelector("button").focus(); return; }
        box = document.createElement("div");
        box.className = "inline-confirm";
        box.setAttribute("role", "alert");
        box.setAttribute("data-testid", "confirm-step");
        var q = document.createElement("p");
        q.textContent = form.getAttribute("data-confirm");
        var yes = document.createElement("button");
        yes.type = "button";
        yes.className = "button danger";
        yes.setAttribute("data-testid", "confirm-yes");
        yes.textContent = form.getAttribute("data-confirm-yes") || "Yes, delete";
        var no = document.createElement("button");
        no.type = "button";
        no.className = "button secondary";
        no.setAttribute("data-testid", "confirm-cancel");
        no.textContent = "Cancel";
        var actions = document.createElement("div");
        actions.className = "actions";
        actions.appendChild(yes);
        actions.appendChild(no);
        box.appendChild(q);
        box.appendChild(actions);
        form.appendChild(box);
        yes.addEventListener("click", function () {
          form.setAttribute("data-confirmed", "yes");
          yes.disabled = true;
          if (form.requestSubmit) form.requestSubmit(); else form.submit();
        });
        no.addEventListener("click", function () {
          box.remove();
          box = null;
          var first = form.querySelector("[type=submit]");
          if (first) first.focus();
        });
        yes.focus();
      });
    });
  }

  // Live status regions: <div id=… data-poll="URL"> is replaced by a fresh
  // fragment every few seconds; data-next, once present, moves on. Without
  // JavaScript a meta refresh does the same with full reloads.
  function setupPolling() {
    var el = document.querySelector("[data-poll]");
    if (!el) return;
    var delay = 2000;
    function tick() {
      var url = el.getAttribute("data-poll");
      if (!url) return;
      fetch(url, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (html) {
          var tpl = document.createElement("template");
          tpl.innerHTML = html.trim();
          var fresh = tpl.content.firstElementChild;
          if (!fresh) return;
          if (fresh.getAttribute("data-state") !== el.getAttribute("data-state")) {
            el.replaceWith(fresh);
            el = fresh;
          }
          var next = el.getAttribute("data-next");
          if (next) { window.location.assign(next); return; }
          if (el.getAttribute("data-poll")) setTimeout(tick, delay);
        })
        .catch(function () { setTimeout(tick, delay * 2); });
    }
    setTimeout(tick, delay);
  }

  // <div data-poll-reload="ms"> reloads the page while something is pending.
  function setupReload() {
    var el = document.querySelector("[data-poll-reload]");
    if (!el) return;
    setTimeout(function () { window.location.reload(); }, parseInt(el.getAttribute("data-poll-reload"), 10) || 3000);
  }

  // "Select every stream on this page": <input data-select-all="stream"> ticks
  // every <input data-select="stream">. Hidden without JavaScript.
  function setupSelectAll() {
    document.querySelectorAll("[data-select-all]").forEach(function (all) {
      var group = all.getAttribute("data-select-all");
      var boxes = document.querySelectorAll('input[data-select="' + group + '"]');
      document.querySelectorAll(".js-only").forEach(function (e) { e.hidden = false; });
      function sync() {
        var n = 0;
        boxes.forEach(function (b) { if (b.checked) n++; });
        all.checked = n === boxes.length && n > 0;
        all.indeterminate = n > 0 && n < boxes.length;
      }
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
      });
      boxes.forEach(function (b) { b.addEventListener("change", sync); });
      sync();
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    setupFilters();
    setupConfirms();
    setupPolling();
    setupReload();
    setupSelectAll();
  });
})();
