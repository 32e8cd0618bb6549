// Light or dark, remembered per browser. Loaded in <head> without defer so
// that the choice is on <html> before the first paint (no flash); until a
// reader chooses, the page follows the system (prefers-color-scheme).
// Print always uses the light colours: the dark ones are screen-only.
(function () {
  "use strict";
  var key = "isms-theme", root = document.documentElement;
  function stored() {
    try { var v = localStorage.getItem(key); return v === "light" || v === "dark" ? v : ""; } catch (e) { return ""; }
  }
  var choice = stored();
  if (choice) root.setAttribute("data-theme", choice);
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  function dark() {
    var c = root.getAttribute("data-theme");
    return c ? c === "dark" : !!(system && system.matches);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var header = document.querySelector(".site-header");
    if (!header) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "theme-toggle";
    b.title = "Dark theme";
    var icon = document.createElement("span");
    icon.className = "theme-icon";
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = "\u25D0";
    var name = document.createElement("span");
    name.className = "visually-hidden";
    name.textContent = "Dark theme";
    b.append(icon, name);
    function show() { b.setAttribute("aria-pressed", dark() ? "true" : "false"); }
    show();
    if (system && system.addEventListener) system.addEventListener("change", show);
    b.addEventListener("click", function () {
      var next = dark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem(key, next); } catch (e) { /* private mode: this page only */ }
      show();
    });
    header.appendChild(b);
  });
})();
