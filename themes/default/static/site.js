// Small progressive enhancements; every page works without this script.
(function () {
  "use strict";
  // Mark the current page in the navigation and open its group.
  var here = location.pathname;
  document.querySelectorAll(".sidebar a").forEach(function (a) {
    if (a.getAttribute("href") === here) {
      a.setAttribute("aria-current", "page");
      for (var d = a.closest("details"); d; d = d.parentElement && d.parentElement.closest("details")) d.open = true;
    }
  });
})();
