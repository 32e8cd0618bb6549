// processes.js: zoom for the process map on /processes/. The map is
// drawn at its natural size (every label legible) in a canvas that
// scrolls; these buttons scale it, keeping the middle of the view in
// place. Without JavaScript the map stays at natural size and the
// "Open the map full size" link still works.
(function () {
  "use strict";
  var tools = document.querySelector("[data-map-zoom]");
  var canvas = document.querySelector(".process-map .map-canvas");
  var svg = canvas && canvas.querySelector("svg");
  if (!tools || !svg) return;
  var natural = svg.getBoundingClientRect().width;
  if (!natural) return;
  var zoom = 1;
  var out = tools.querySelector("output");
  function set(z) {
    z = Math.max(0.2, Math.min(3, z));
    // keep the point at the middle of the canvas where it is
    var cx = (canvas.scrollLeft + canvas.clientWidth / 2) / zoom;
    var cy = (canvas.scrollTop + canvas.clientHeight / 2) / zoom;
    zoom = z;
    svg.style.width = Math.round(natural * z) + "px";
    svg.style.height = "auto";
    canvas.scrollLeft = cx * z - canvas.clientWidth / 2;
    canvas.scrollTop = cy * z - canvas.clientHeight / 2;
    out.textContent = Math.round(z * 100) + "%";
  }
  tools.addEventListener("click", function (e) {
    var b = e.target.closest("button[data-zoom]");
    if (!b) return;
    var k = b.getAttribute("data-zoom");
    if (k === "in") set(zoom * 1.25);
    else if (k === "out") set(zoom / 1.25);
    else if (k === "fit") set((canvas.clientWidth - 2) / natural);
    else set(1);
  });
  tools.hidden = false;
  // The phases run down the middle of the drawing, feedback arrows
  // around them: start with the first phase at the left of the view.
  var phase = svg.querySelector("g.cluster");
  if (phase) {
    canvas.scrollLeft = phase.getBoundingClientRect().left - canvas.getBoundingClientRect().left - 24;
  }
})();
