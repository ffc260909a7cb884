// Onramp progressive enhancement. Everything works without this file.
(function () {
  "use strict";

  // The count's words (views.FilterScriptWords): plural forms with {n} and
  // {query}, picked by the page language's plural rules; English if missing.
  function filterWords() {
    var w = {
      count: { one: "{n} source type", other: "{n} source types" },
      match: { one: "{n} source type matches {query}", other: "{n} source types match {query}" }
    };
    try {
      var got = JSON.parse((document.getElementById("filter-words") || {}).textContent || "null");
      if (got && got.count && got.match) w = got;
    } catch (e) { /* keep English */ }
    var lang = document.documentElement.lang || "en";
    var rules = null, num = null;
    try { rules = new Intl.PluralRules(lang); num = new Intl.NumberFormat(lang); } catch (e) { /* old browser */ }
    return function (n, query) {
      var forms = query === "" ? w.count : w.match;
      var form = rules ? rules.select(n) : (n === 1 ? "one" : "other");
      var text = forms[form] || forms.other;
      return text.replace("{n}", num ? num.format(n) : String(n)).replace("{query}", query);
    };
  }

  // Live filter of a list (the source type catalog): <input data-filter="#list">,
  // items carry data-name. The server-side ?q= search still works without JS.
  function setupFilters() {
    var countText = filterWords();
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
        if (status) status.textContent = countText(shown, input.value.trim());
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
  // <form data-confirm="Delete this source?" data-confirm-yes="Yes, delete"
  // data-confirm-no="Cancel">. The first submit shows the question with the
  // two buttons; only "Yes" sends the form.
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
        no.textContent = form.getAttribute("data-confirm-no") || "Cancel";
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
