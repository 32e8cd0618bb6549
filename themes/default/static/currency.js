// Sorting and filtering for the /currency/ table. The table is complete and
// ordered by urgency without this script; it only adds controls.
(function () {
  "use strict";
  var table = document.getElementById("currency-table");
  var tools = document.querySelector("[data-currency-tools]");
  if (!table || !tools) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var q = tools.querySelector("input[name=q]");
  var status = tools.querySelector("select[name=status]");
  var out = tools.querySelector("output");
  tools.hidden = false;

  // ?status=overdue&q=IT in the address (the summary tiles link so) preselects.
  var params = new URLSearchParams(location.search);
  if (params.get("status")) status.value = params.get("status");
  if (params.get("q")) q.value = params.get("q");

  function filter() {
    var text = q.value.trim().toLowerCase();
    var st = status.value;
    var shown = 0;
    rows.forEach(function (r) {
      var ok = (!st || r.getAttribute("data-status") === st) &&
        (!text || r.textContent.toLowerCase().indexOf(text) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    out.textContent = shown === rows.length ? rows.length + " documents" : shown + " of " + rows.length + " documents";
  }
  q.addEventListener("input", filter);
  status.addEventListener("change", filter);
  filter();

  function key(cell, numeric) {
    var v = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    return numeric ? parseFloat(v) || 0 : v.toLowerCase();
  }
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, col) {
    var kind = th.getAttribute("data-sort");
    if (!kind) return;
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(b);
    b.addEventListener("click", function () {
      var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
      var numeric = kind === "num";
      rows.sort(function (a, z) {
        var x = key(a.cells[col], numeric), y = key(z.cells[col], numeric);
        if (x < y) return -dir;
        if (x > y) return dir;
        // Ties keep urgency order, whatever the direction.
        return key(a.cells[heads.length - 1], true) - key(z.cells[heads.length - 1], true);
      });
      rows.forEach(function (r) { tbody.appendChild(r); });
    });
  });
})();
