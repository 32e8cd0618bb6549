// Sorting for the /risks/ register. The table is complete, ordered by
// inherent score and filterable without this script; it only turns the
// column headings that carry data-sort-type into sort buttons.
(function () {
  "use strict";
  var table = document.querySelector("#register .risk-table");
  if (!table) return;
  var tbody = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    var type = th.getAttribute("data-sort-type");
    if (!type) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "risk-sort";
    while (th.firstChild) b.appendChild(th.firstChild);
    th.appendChild(b);
    b.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(tbody.rows);
      rows.sort(function (x, y) {
        var a = x.cells[col].getAttribute("data-sort") || "";
        var c = y.cells[col].getAttribute("data-sort") || "";
        var d = type === "num" ? Number(a) - Number(c) : a.localeCompare(c);
        return asc ? d : -d;
      });
      rows.forEach(function (r) { tbody.appendChild(r); });
    });
  });
})();
