// Progressive enhancement of generated forms. Every form works without it.
(function () {
  "use strict";

  // The error summary takes focus, so screen reader users hear the problems.
  function focusSummary() {
    var s = document.querySelector(".error-summary[data-autofocus]");
    if (s) { s.focus(); }
  }

  // Show/hide toggles on secret inputs.
  function secretToggles() {
    document.querySelectorAll("input[data-secret]").forEach(function (input) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secret-toggle";
      b.textContent = "Show";
      b.setAttribute("aria-controls", input.id);
      b.setAttribute("aria-label", "Show " + (labelText(input) || "password"));
      b.addEventListener("click", function () {
        var show = input.type === "password";
        input.type = show ? "text" : "password";
        b.textContent = show ? "Hide" : "Show";
        b.setAttribute("aria-label", (show ? "Hide " : "Show ") + (labelText(input) || "password"));
      });
      input.parentNode.appendChild(b);
    });
  }

  function labelText(input) {
    var l = document.querySelector('label[for="' + input.id + '"]');
    return l ? l.textContent.replace(/\(optional\)/, "").trim().toLowerCase() : "";
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

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    secretToggles();
    dependents();
    credentialChoices();
    repeatable();
    focusSummary();
  });
})();
