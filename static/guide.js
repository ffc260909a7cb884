// The setup guide beside a form (views/guide.templ): marks the entry of the
// field that has focus (class is-current and aria-current="true") and
// scrolls it into view inside the panel, never the page. Without this
// script the guide is a plain list whose names link to their fields.
(function () {
  "use strict";
  var panel = document.querySelector("[data-testid='guide-panel']");
  if (!panel) return;
  var details = panel.querySelector("[data-guide]");
  var summary = details && details.querySelector("summary");
  var wide = window.matchMedia("(min-width: 60rem)");
  var entries = {};
  Array.prototype.forEach.call(panel.querySelectorAll("[data-guide-for]"), function (el) {
    entries[el.getAttribute("data-guide-for")] = el;
  });
  var current = null;

  // Beside the form the guide is always open and its title is no toggle;
  // back on a narrow screen it closes again unless the user opened it.
  var opened = false;
  function fit() {
    if (!details) return;
    if (wide.matches) {
      if (!details.open) { details.open = true; opened = true; }
      if (summary) summary.tabIndex = -1;
    } else {
      if (opened) { details.open = false; opened = false; }
      if (summary) summary.removeAttribute("tabindex");
    }
  }
  if (details) details.addEventListener("toggle", function () { if (!wide.matches) opened = false; });
  fit();
  if (wide.addEventListener) wide.addEventListener("change", fit);

  // The entry of a focused element: its nearest field wrapper whose
  // property has one (a member of an object first, then the object).
  function entryFor(el) {
    for (var node = el; node && node !== document.body; node = node.parentElement) {
      var name = node.getAttribute && node.getAttribute("data-property");
      if (name && entries[name]) return entries[name];
    }
    return null;
  }

  // Scroll inside the guide (the panel beside the form, its body above it)
  // when the entry is out of the part of it on screen; never the page.
  function reveal(entry) {
    var box = wide.matches ? panel : panel.querySelector("[data-guide-body]");
    if (!details.open || !box || box.scrollHeight <= box.clientHeight) return;
    var b = box.getBoundingClientRect();
    var e = entry.getBoundingClientRect();
    var top = b.top, bottom = b.top + box.clientHeight;
    if (bottom > 0 && top < window.innerHeight) { // on screen: its part on screen
      top = Math.max(top, 0);
      bottom = Math.min(bottom, window.innerHeight);
    }
    var by = 0;
    if (e.top < top) by = e.top - top - 8;
    else if (e.bottom > bottom) by = Math.min(e.bottom - bottom + 8, e.top - top - 8);
    if (by === 0) return;
    // The first entry scrolls back to the guide's title and intro.
    var target = entry === panel.querySelector("[data-guide-for]") ? 0 : box.scrollTop + by;
    var reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    if (box.scrollTo) box.scrollTo({ top: target, behavior: reduce ? "auto" : "smooth" });
    else box.scrollTop = target;
  }

  function mark(entry) {
    if (entry === current) return;
    if (current) {
      current.classList.remove("is-current");
      current.removeAttribute("aria-current");
    }
    current = entry;
    if (entry) {
      entry.classList.add("is-current");
      entry.setAttribute("aria-current", "true");
      reveal(entry);
    }
  }

  document.addEventListener("focusin", function (ev) {
    var t = ev.target;
    if (panel.contains(t)) return; // reading the guide keeps the mark
    if (!t.closest || !t.closest("form")) return;
    mark(entryFor(t));
  });

  // A name in the guide moves focus to its field (a plain link only scrolls).
  panel.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest("a[data-guide-target]");
    if (!a) return;
    var field = document.getElementById(a.getAttribute("data-guide-target"));
    if (!field || field.offsetParent === null) return; // hidden: the link does what it can
    ev.preventDefault();
    field.focus();
  });
})();
