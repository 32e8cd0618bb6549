// isms preview client: listens to the server's build events, reloads the
// page when its bytes changed (keeping the scroll position), swaps
// stylesheets when only CSS changed, goes home when the page was deleted,
// and draws the build errors over the page until they are fixed. Loaded
// as a file (the pages' CSP forbids inline scripts); every message is
// written with textContent, never as HTML.
(function () {
  "use strict";
  var here = decodeURI(location.pathname);
  var scrollKey = "isms-scroll:" + here;
  var noBuild = !!document.querySelector('meta[name="isms-preview"][content="no-build"]');
  var seen = null; // boot + generation of the build this page came from
  try {
    (performance.getEntriesByType("navigation")[0].serverTiming || []).forEach(function (t) {
      if (t.name === "isms") seen = t.description;
    });
  } catch (err) { /* older browsers: learn it from the first event */ }

  function restoreScroll() {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved === null) return;
    var xy = saved.split(",");
    var go = function () { window.scrollTo(+xy[0] || 0, +xy[1] || 0); };
    go();
    window.addEventListener("load", function () { go(); sessionStorage.removeItem(scrollKey); });
    if (document.readyState === "complete") sessionStorage.removeItem(scrollKey);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", restoreScroll);
  } else {
    restoreScroll();
  }

  function reload() {
    sessionStorage.setItem(scrollKey, window.scrollX + "," + window.scrollY);
    location.reload();
  }

  function swapStylesheets(tag) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (old) {
      var u = new URL(old.href, location.href);
      if (u.origin !== location.origin) return;
      u.searchParams.set("isms", tag);
      var fresh = old.cloneNode();
      fresh.href = u.href;
      fresh.addEventListener("load", function () { old.remove(); });
      fresh.addEventListener("error", function () { fresh.remove(); });
      old.after(fresh);
    });
  }

  var overlay = null;
  function el(tag, style, text) {
    var e = document.createElement(tag);
    Object.assign(e.style, style || {});
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function hideOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function showOverlay(msgs) {
    hideOverlay();
    overlay = el("div", {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
      background: "rgba(20,20,24,0.92)", color: "#f4f4f5", padding: "2rem",
      font: "14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
    });
    overlay.id = "isms-overlay";
    overlay.setAttribute("role", "alert");
    var box = el("div", { maxWidth: "70rem", margin: "0 auto" });
    var errors = msgs.filter(function (m) { return m.severity === "error"; }).length;
    box.appendChild(el("h2", { color: "#fca5a5", font: "bold 18px/1.4 system-ui, sans-serif", margin: "0 0 1rem" },
      "Build failed: " + errors + (errors === 1 ? " error" : " errors") +
      " — showing the last good build until it is fixed"));
    var list = el("ol", { listStyle: "none", padding: "0", margin: "0" });
    msgs.forEach(function (m) {
      var li = el("li", { margin: "0 0 .75rem", whiteSpace: "pre-wrap" });
      li.className = "isms-diag isms-" + m.severity;
      li.appendChild(el("span", { color: "#93c5fd" }, m.pos));
      li.appendChild(el("span", { color: m.severity === "error" ? "#fca5a5" : "#fde68a" }, ": " + m.severity + ": "));
      li.appendChild(el("span", {}, m.text + (m.code ? " (" + m.code + ")" : "")));
      list.appendChild(li);
    });
    box.appendChild(list);
    overlay.appendChild(box);
    (document.body || document.documentElement).appendChild(overlay);
  }

  var source = new EventSource("/__isms/events");
  source.addEventListener("build", function (e) {
    var ev;
    try { ev = JSON.parse(e.data); } catch (err) { return; }
    if (!ev.ok) {
      showOverlay(ev.errors || []);
      return;
    }
    hideOverlay();
    if (noBuild) { reload(); return; }
    var tag = ev.boot + ":" + ev.gen;
    if (ev.hello) {
      // A build finished between this page's load and now, or the
      // server restarted: the page may be stale.
      if (seen !== null && seen !== tag) reload();
      seen = tag;
      return;
    }
    seen = tag;
    if ((ev.removed || []).indexOf(here) >= 0) { location.href = "/"; return; }
    if (ev.cssOnly) { swapStylesheets(tag); return; }
    if (ev.all || (ev.changed || []).indexOf(here) >= 0) reload();
  });
  window.addEventListener("pagehide", function () { source.close(); });
})();
