// Progressive enhancement of generated forms. Every form works without it.
(function () {
  "use strict";

  // The error summary takes focus, so screen reader users hear the problems.
  function focusSummary() {
    var s = document.querySelector(".error-summary[data-autofocus]");
    if (s) { s.focus(); }
  }

  // The page's words for this script (views.FormScriptWords, a JSON
  // element beside the form), each falling back to English.
  function words() {
    var w = { show: "Show", hide: "Hide", showLabel: "Show {label}", hideLabel: "Hide {label}", secret: "password" }, got = {};
    try { got = JSON.parse((document.getElementById("form-words") || {}).textContent || "{}") || {}; } catch (e) { got = {}; }
    Object.keys(w).forEach(function (k) { if (typeof got[k] === "string" && got[k]) w[k] = got[k]; });
    return w;
  }

  // Show/hide toggles on secret inputs.
  function secretToggles() {
    var w = words();
    document.querySelectorAll("input[data-secret]").forEach(function (input) {
      var b = document.createElement("button");
      var label = function (show) {
        return (show ? w.showLabel : w.hideLabel).replace("{label}", labelText(input) || w.secret);
      };
      b.type = "button";
      b.className = "secret-toggle";
      b.textContent = w.show;
      b.setAttribute("aria-controls", input.id);
      b.setAttribute("aria-label", label(true));
      b.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        b.textContent = show ? w.hide : w.show;
        b.setAttribute("aria-label", label(!show));
      });
      input.parentNode.appendChild(b);
    });
  }

  // labelText is the field's label without its "(optional)" mark (the
  // label's own element, in the page's language).
  function labelText(input) {
    var l = document.querySelector('label[for="' + input.id + '"]');
    if (!l) return "";
    var c = l.cloneNode(true);
    c.querySelectorAll(".field__optional").forEach(function (e) { e.remove(); });
    return c.textContent.trim();
  }

  // SSH/SSL/encryption fields depend on their switch: hidden while it is off.
  function dependents() {
    document.querySelectorAll("[data-depends-on]").forEach(function (box) {
      var sw = document.getElementById(box.getAttribute("data-depends-on"));
      if (!sw) return;
      var off = box.getAttribute("data-off-value");
      function sync() {
        var on = sw.type === "checkbox" ? sw.checked : (sw.value !== "" && sw.value !== off);
        // Keep fields with errors visible.
        box.hidden = !on && !box.querySelector(".field--error");
      }
      sw.setAttribute("aria-controls", box.id || (box.id = sw.id + "-fields"));
      sw.addEventListener("change", sync);
      sync();
    });
  }

  // A saved credential's new-value input shows once "Replace" is chosen.
  function credentialChoices() {
    document.querySelectorAll("[data-reveal-for]").forEach(function (box) {
      var radio = document.getElementById(box.getAttribute("data-reveal-for"));
      if (!radio) return;
      var group = document.querySelectorAll('input[name="' + radio.name + '"]');
      function sync() {
        box.hidden = !radio.checked && !box.querySelector("[aria-invalid]");
      }
      group.forEach(function (r) { r.addEventListener("change", sync); });
      sync();
    });
  }

  // Repeatable groups: add and remove rows without a round trip.
  function repeatable() {
    document.querySelectorAll("[data-rows]").forEach(function (rows) {
      var name = rows.getAttribute("data-rows");
      var add = document.querySelector('button[data-add-row="' + name + '"]');
      if (!add || !rows.firstElementChild) return;
      var template = rows.firstElementChild.cloneNode(true);
      function renumber() {
        Array.prototype.forEach.call(rows.children, function (row, i) {
          row.setAttribute("data-row", i);
          var legend = row.querySelector(".row__legend");
          if (legend) legend.textContent = legend.textContent.replace(/\d+\s*$/, String(i + 1));
          row.querySelectorAll("[name]").forEach(function (el) {
            if (el.name === "_remove") { el.value = name + "[" + i + "]"; return; }
            el.name = el.name.replace(/\[\d+\]/, "[" + i + "]");
          });
          row.querySelectorAll("[id]").forEach(function (el) {
            var old = el.id;
            el.id = old.replace(/-\d+-/, "-" + i + "-");
            var lab = row.querySelector('label[for="' + old + '"]');
            if (lab) lab.setAttribute("for", el.id);
          });
          var hidden = row.querySelector(".row__remove .visually-hidden");
          if (hidden) hidden.textContent = hidden.textContent.replace(/\d+\s*$/, String(i + 1));
        });
      }
      rows.addEventListener("click", function (e) {
        var btn = e.target.closest("button[name=_remove]");
        if (!btn) return;
        e.preventDefault();
        var row = btn.closest("[data-row]");
        if (rows.children.length > 1) {
          row.remove();
        } else {
          row.querySelectorAll("input, textarea").forEach(function (el) { el.value = ""; });
        }
        renumber();
        add.focus();
      });
      add.addEventListener("click", function (e) {
        e.preventDefault();
        var row = template.cloneNode(true);
        row.querySelectorAll("input, textarea").forEach(function (el) {
          el.value = "";
          el.removeAttribute("aria-invalid");
        });
        row.querySelectorAll(".error-message").forEach(function (el) { el.remove(); });
        row.querySelectorAll(".field--error").forEach(function (el) { el.classList.remove("field--error"); });
        rows.appendChild(row);
        renumber();
        var first = row.querySelector("input, textarea");
        if (first) first.focus();
      });
    });
  }

  // Busy state and double-submit safety on every POST form: once a submit
  // goes ahead (no other handler prevented it), its button reads "Saving…"
  // and further submits of the form are ignored until the page changes.
  function busyForms() {
    document.addEventListener("submit", function (e) {
      var form = e.target;
      if (e.defaultPrevented || !form || (form.method || "").toLowerCase() !== "post") return;
      if (form.getAttribute("data-submitting") === "true") { e.preventDefault(); return; }
      form.setAttribute("data-submitting", "true");
      form.setAttribute("aria-busy", "true");
      var btn = e.submitter || form.querySelector("button[type=submit], button:not([type])");
      if (!btn) return;
      btn.setAttribute("data-label", btn.textContent);
      btn.textContent = btn.getAttribute("data-busy") || "Saving…";
      btn.setAttribute("aria-disabled", "true");
      // Disabled after this event, so the button's own name and value are still sent.
      setTimeout(function () { btn.disabled = true; }, 0);
    });
    // Back/forward cache: a page shown again is ready to send again.
    window.addEventListener("pageshow", function (e) {
      if (!e.persisted) return;
      document.querySelectorAll("form[data-submitting]").forEach(function (form) {
        form.removeAttribute("data-submitting");
        form.removeAttribute("aria-busy");
        form.querySelectorAll("[data-label]").forEach(function (btn) {
          btn.textContent = btn.getAttribute("data-label");
          btn.removeAttribute("data-label");
          btn.removeAttribute("aria-disabled");
          btn.disabled = false;
        });
      });
    });
  }

  // <button data-copy="ID"> copies the text of the element ID.
  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (b) {
      b.addEventListener("click", function () {
        var el = document.getElementById(b.getAttribute("data-copy"));
        if (!el) return;
        var text = el.value !== undefined ? el.value : el.textContent;
        var label = b.textContent;
        var done = function () {
          b.textContent = b.getAttribute("data-copied") || "Copied";
          setTimeout(function () { b.textContent = label; }, 2000);
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, function () { el.select && el.select(); });
        } else if (el.select) {
          el.select();
          document.execCommand("copy");
          done();
        }
      });
    });
  }

  // <div id=X data-refresh=X> is replaced by the same element of a fresh copy
  // of the page every few seconds, until the fresh one no longer asks for it
  // (a connection check ended: its outcome is then shown).
  function liveRegions() {
    document.querySelectorAll("[data-refresh]").forEach(function (el) {
      var id = el.id;
      if (!id) return;
      function tick() {
        fetch(window.location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
          .then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            var fresh = doc.getElementById(id);
            if (!fresh) { window.location.reload(); return; } // the page moved on (another step)
            var cur = document.getElementById(id);
            if (cur) cur.replaceWith(document.importNode(fresh, true));
            if (fresh.hasAttribute("data-refresh")) setTimeout(tick, 2500);
          })
          .catch(function () { setTimeout(tick, 5000); });
      }
      setTimeout(tick, 2500);
    });
  }

  // Key files: say what was chosen before the form is sent. The server reads
  // the file itself (this is only a preview); nothing of the key is shown.
  function keyFiles() {
    var max = 64 * 1024;
    document.querySelectorAll("[data-keyfile]").forEach(function (box) {
      var input = document.getElementById(box.getAttribute("data-keyfile"));
      var status = document.getElementById(box.getAttribute("data-keyfile") + "-status");
      if (!input || !status || !window.FileReader) return;
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        status.textContent = "";
        if (!file) return;
        var size = file.size < 1024 ? file.size + " bytes" : (file.size / 1024).toFixed(1) + " KB";
        if (file.size > max) {
          status.textContent = file.name + " is " + size + ": too large for a key file (those are a few kilobytes).";
          return;
        }
        var reader = new FileReader();
        reader.onload = function () {
          var what = "";
          try {
            var key = JSON.parse(reader.result);
            if (key && typeof key === "object" && key.client_email) what = ", the key of " + key.client_email;
            else if (!key || typeof key !== "object" || Array.isArray(key)) what = ", which is not a JSON object";
          } catch (e) {
            what = ", which is not valid JSON";
          }
          status.textContent = "Chosen: " + file.name + " (" + size + ")" + what + ".";
        };
        reader.readAsText(file);
      });
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    secretToggles();
    dependents();
    credentialChoices();
    repeatable();
    busyForms();
    copyButtons();
    liveRegions();
    keyFiles();
    focusSummary();
  });
})();
