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

  var narrow = window.matchMedia("(max-width: 50rem)");
  var compact = window.matchMedia("(max-width: 75rem)");

  // The menu drawer on narrow screens. Without this script the "Menu" link
  // opens the drawer through :target; here it becomes a disclosure button
  // (aria-expanded, aria-controls) that Escape closes, focus returning to it.
  var drawer = document.getElementById("site-nav");
  var link = document.querySelector("a.menu-toggle");
  if (drawer && link) {
    var btn = document.createElement("button");
    btn.type = "button";
    btn.className = "menu-toggle";
    btn.textContent = link.textContent;
    btn.setAttribute("aria-controls", "site-nav");
    btn.setAttribute("aria-expanded", "false");
    link.replaceWith(btn);
    var closeLink = drawer.querySelector("a.nav-close");
    var close = document.createElement("button");
    close.type = "button";
    close.className = "nav-close";
    close.textContent = closeLink ? closeLink.textContent : "Close menu";
    if (closeLink) closeLink.replaceWith(close); else drawer.prepend(close);
    var setOpen = function (open, refocus) {
      btn.setAttribute("aria-expanded", open ? "true" : "false");
      document.body.classList.toggle("nav-open", open);
      if (open) {
        var first = drawer.querySelector("[aria-current=page]") || close;
        first.focus();
      } else if (refocus) {
        btn.focus();
      }
    };
    var isOpen = function () { return btn.getAttribute("aria-expanded") === "true"; };
    btn.addEventListener("click", function () { setOpen(!isOpen(), true); });
    close.addEventListener("click", function () { setOpen(false, true); });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && isOpen()) { e.preventDefault(); setOpen(false, true); }
    });
    // Tabbing or clicking out of the open drawer closes it.
    drawer.addEventListener("focusout", function (e) {
      if (isOpen() && e.relatedTarget && !drawer.contains(e.relatedTarget) && e.relatedTarget !== btn) setOpen(false, false);
    });
    document.addEventListener("click", function (e) {
      if (isOpen() && !drawer.contains(e.target) && !btn.contains(e.target)) setOpen(false, false);
    });
    // Following a link inside the drawer (an in-page one keeps the page).
    drawer.addEventListener("click", function (e) {
      if (isOpen() && e.target.closest("a")) setOpen(false, false);
    });
    narrow.addEventListener("change", function () { if (!narrow.matches && isOpen()) setOpen(false, false); });
    // A #site-nav address (the link's target without script) opens the
    // drawer the scripted way, so that its buttons can close it again.
    var fromHash = function () {
      if (location.hash !== "#site-nav") return;
      history.replaceState(null, "", location.pathname + location.search);
      if (narrow.matches) setOpen(true, false);
    };
    fromHash();
    window.addEventListener("hashchange", fromHash);
  }

  // "On this page": collapsed at the top of the content on narrower
  // screens (open in the right-hand column on wide ones), and the section
  // being read highlighted.
  var toc = document.querySelector(".toc");
  if (toc) {
    var box = toc.querySelector("details");
    var fit = function () { if (box) box.open = !compact.matches; };
    fit();
    compact.addEventListener("change", fit);
    var links = {}, heads = [];
    toc.querySelectorAll("a[href^='#']").forEach(function (a) {
      var h = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (h) { links[h.id] = a; heads.push(h); }
    });
    if (heads.length && "IntersectionObserver" in window) {
      // The current section: the last heading at or above the reading line
      // (just below the sticky header); at the very end of the page, the
      // section a link led to if it is on screen, else the last one shown.
      // The observer wakes up whenever a heading crosses the top fifth.
      var line = function () {
        var hd = document.querySelector(".site-header");
        var b = hd && getComputedStyle(hd).position === "sticky" ? hd.getBoundingClientRect().bottom : 0;
        return Math.max(b, 0) + 24;
      };
      var mark = function () {
        var cur = heads[0], y = line(), i;
        for (i = 0; i < heads.length; i++) {
          if (heads[i].getBoundingClientRect().top <= y) cur = heads[i];
        }
        if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2) {
          var target = location.hash && links[decodeURIComponent(location.hash.slice(1))] ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
          var onScreen = function (h) { var r = h.getBoundingClientRect(); return r.top >= 0 && r.top < window.innerHeight; };
          if (target && onScreen(target)) cur = target;
          else for (i = heads.length - 1; i >= 0; i--) if (onScreen(heads[i])) { cur = heads[i]; break; }
        }
        heads.forEach(function (h) {
          if (h === cur) links[h.id].setAttribute("aria-current", "true");
          else links[h.id].removeAttribute("aria-current");
        });
      };
      var io = new IntersectionObserver(mark, { rootMargin: "0px 0px -80% 0px", threshold: [0, 1] });
      heads.forEach(function (h) { io.observe(h); });
      window.addEventListener("hashchange", mark);
      mark();
    }
  }

  // A box that scrolls sideways (a code block, a wide table, a diagram)
  // can be scrolled from the keyboard: it takes focus when it scrolls.
  var scrollers = function () {
    document.querySelectorAll("main pre, main figure.diagram, main table, .fm-table, .hm-scroll").forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY !== "visible";
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-focus", "");
      } else if (!scrolls && el.hasAttribute("data-scroll-focus")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-focus");
      }
    });
  };
  scrollers();
  var resizing = 0;
  window.addEventListener("resize", function () { clearTimeout(resizing); resizing = setTimeout(scrollers, 150); });

  // Heading permalinks in document bodies: a "#" shown on hover and focus.
  document.querySelectorAll(".document .content :is(h2, h3, h4)[id]").forEach(function (h) {
    var a = document.createElement("a");
    a.className = "heading-anchor";
    a.href = "#" + encodeURIComponent(h.id);
    a.setAttribute("aria-label", "Link to this section: " + h.textContent.trim());
    a.textContent = "#";
    h.appendChild(a);
  });

  // A copy button on code blocks; a live region says "Copied".
  var blocks = document.querySelectorAll(".content pre:not(.mermaid-source)"); // Mermaid's source is drawn, not copied
  if (blocks.length) {
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.id = "copy-status";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
    var say = function (text) {
      status.textContent = "";
      setTimeout(function () { status.textContent = text; }, 50);
    };
    var fallback = function (text) {
      var t = document.createElement("textarea");
      t.value = text;
      t.setAttribute("readonly", "");
      t.className = "copy-scratch";
      document.body.appendChild(t);
      t.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      t.remove();
      return ok;
    };
    blocks.forEach(function (pre) {
      var wrap = document.createElement("div");
      wrap.className = "code-block";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy-code";
      b.textContent = "Copy";
      b.setAttribute("aria-label", "Copy code");
      wrap.appendChild(b);
      b.addEventListener("click", function () {
        var text = (pre.querySelector("code") || pre).innerText.replace(/\n$/, "");
        var done = function () { b.textContent = "Copied"; say("Copied"); setTimeout(function () { b.textContent = "Copy"; }, 2000); };
        var failed = function () { say("Could not copy: select the code and copy it"); };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, function () { if (fallback(text)) done(); else failed(); });
        } else if (fallback(text)) done(); else failed();
      });
    });
  }
})();
