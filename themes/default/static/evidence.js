// Filters the evidence index by control and clause. Without this script
// the page still lists everything, grouped by control and by clause.
(function () {
  "use strict";
  var form = document.querySelector("form.evidence-filter");
  if (!form) return;
  var items = Array.prototype.slice.call(document.querySelectorAll(".evidence-item"));
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var count = form.querySelector(".filter-count");

  function has(el, attr, value) {
    return value === "" || (" " + (el.getAttribute("data-" + attr) || "") + " ").indexOf(" " + value + " ") >= 0;
  }
  function apply() {
    var shown = 0;
    items.forEach(function (el) {
      var ok = selects.every(function (s) { return has(el, s.getAttribute("data-filter"), s.value); });
      el.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown === items.length ? items.length + " records" : shown + " of " + items.length + " records";
  }
  // ?control=5.18 or ?clause=9.1 preselects a filter, so other pages can link to it.
  var params = new URLSearchParams(location.search);
  selects.forEach(function (s) {
    var want = params.get(s.getAttribute("data-filter").replace(/s$/, ""));
    if (want && s.querySelector('option[value="' + CSS.escape(want) + '"]')) s.value = want;
    s.addEventListener("change", apply);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.hidden = false;
  apply();
})();
