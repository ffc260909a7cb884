// Stream selection, enhanced: choices are kept in the server-side draft as
// they are made, the filter is live, and rows that need more (a view's key
// columns, a replication key) appear without a reload. Without this file
// every control is a plain form button and works the same.
(function () {
  "use strict";

  function setup() {
    var form = document.querySelector("form[data-fields]");
    if (!form) return;
    var listURL = form.getAttribute("data-fields");
    var input = form.querySelector("#q");
    var only = form.querySelector("#only");
    var timer, seq = 0;

    function params(action) {
      var p = new URLSearchParams(new FormData(form));
      p.set("action", action);
      p.delete("goto");
      return p;
    }
    function viewURL(page) {
      var p = new URLSearchParams();
      if (input && input.value.trim() !== "") p.set("q", input.value.trim());
      if (only && only.checked) p.set("only", "selected");
      if (page > 1) p.set("page", String(page));
      var s = p.toString();
      return listURL + (s ? "?" + s : "");
    }
    function currentPage() {
      var el = form.querySelector('input[name="page"]');
      return el ? parseInt(el.value, 10) || 1 : 1;
    }
    // Keep the page's choices in the draft, one request at a time so a
    // later state never lands before an earlier one.
    var queue = Promise.resolve();
    function keep() {
      var body = params("draft");
      queue = queue.catch(function () {}).then(function () {
        return fetch(form.getAttribute("action"), {
          method: "POST", body: body, credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" }
        }).then(function (r) { if (!r.ok) throw new Error(String(r.status)); });
      });
      return queue;
    }
    function fetchLive(url) {
      var u = url + (url.indexOf("?") === -1 ? "?" : "&") + "partial=1";
      return fetch(u, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
        .then(function (html) {
          var tpl = document.createElement("template");
          tpl.innerHTML = html.trim();
          return tpl.content.querySelector("#fields-live");
        });
    }
    function replace(sel, fresh) {
      var old = document.querySelector(sel), neu = fresh.querySelector(sel);
      if (old && neu) old.replaceWith(neu);
      else if (old && !neu) old.remove();
    }
    // Swap what changed, keeping focus where it was.
    function refresh(whole, url) {
      var my = ++seq;
      var focusID = document.activeElement && document.activeElement.id;
      return fetchLive(url || viewURL(currentPage())).then(function (fresh) {
        if (!fresh || my !== seq) return;
        var live = document.getElementById("fields-live");
        if (whole) {
          live.replaceWith(fresh);
        } else {
          ["#stream-count", "#fields-summary", "#method-hint"].forEach(function (s) { replace(s, fresh); });
          fresh.querySelectorAll("li[data-stream]").forEach(function (li) {
            var tap = li.getAttribute("data-stream");
            live.querySelectorAll("li[data-stream]").forEach(function (cur) {
              if (cur.getAttribute("data-stream") === tap && cur.getAttribute("data-shape") !== li.getAttribute("data-shape")) {
                cur.replaceWith(li);
              }
            });
          });
        }
        wire();
        if (focusID) {
          var f = document.getElementById(focusID);
          if (f && f !== document.activeElement) f.focus();
        }
      });
    }
    function changed() {
      keep().then(function () { return refresh(false); }).catch(function () {});
    }
    function filter() {
      keep().then(function () {
        var url = viewURL(1);
        var pageInput = form.querySelector('input[name="page"]');
        if (pageInput) pageInput.value = "1";
        window.history.replaceState(null, "", url);
        return refresh(true, url);
      }).catch(function () {});
    }
    // "Tick every stream on this page".
    function wire() {
      document.querySelectorAll(".js-only").forEach(function (e) { e.hidden = false; });
      var all = form.querySelector("[data-select-page]");
      if (!all) return;
      var boxes = form.querySelectorAll('input[data-select="stream"]');
      var n = 0;
      boxes.forEach(function (b) { if (b.checked) n++; });
      all.checked = n === boxes.length && n > 0;
      all.indeterminate = n > 0 && n < boxes.length;
    }
    form.addEventListener("change", function (e) {
      var t = e.target;
      if (t === input) return;
      if (t === only) { filter(); return; }
      if (t.hasAttribute("data-select-page")) {
        form.querySelectorAll('input[data-select="stream"]').forEach(function (b) { b.checked = t.checked; });
      }
      wire();
      changed();
    });
    if (input) {
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(filter, 250);
      });
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); filter(); }
      });
    }
    wire();
  }

  if (document.readyState !== "loading") setup();
  else document.addEventListener("DOMContentLoaded", setup);
})();
