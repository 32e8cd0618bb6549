// Client-side search over /search-index.json, which is fetched from this
// site on first use only. Every result is built with DOM methods and
// textContent, so nothing from the index is ever parsed as HTML.
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "/";
  var form = document.querySelector("form.search");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  if (!form || !input || !list) return;
  var indexURL = form.getAttribute("data-index") || root + "search-index.json";
  var docs = null, loading = null, selected = -1, MAX = 10;

  function norm(s) { return " " + String(s || "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ") + " "; }
  function terms(q) { return q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean); }

  function load() {
    if (!loading) {
      loading = fetch(indexURL, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (idx) {
          docs = (idx.d || []).map(function (d) {
            return { d: d, id: d.i.toLowerCase(), nid: norm(d.i), title: norm(d.t), heads: norm((d.h || []).join(" ")),
              codes: norm((d.c || []).concat(d.k || []).join(" ")), meta: norm(d.o + " " + d.y), body: norm(d.b) };
          });
          return docs;
        });
    }
    return loading;
  }

  // count of word-prefix occurrences of t in a normalised field, capped
  function hits(field, t, cap) {
    var n = 0, i = field.indexOf(" " + t);
    while (i >= 0 && n < cap) { n++; i = field.indexOf(" " + t, i + 1); }
    return n;
  }

  function score(e, q, ts) {
    var s = 0, ql = q.trim().toLowerCase();
    if (ql && e.id === ql) s += 1000;
    else if (ql.length > 1 && e.id.indexOf(ql) === 0) s += 400;
    for (var i = 0; i < ts.length; i++) {
      var t = ts[i], ts0 = 0;
      if (e.title.indexOf(" " + t + " ") >= 0) ts0 += 50;
      else if (e.title.indexOf(" " + t) >= 0) ts0 += 35;
      else if (e.nid.indexOf(" " + t) >= 0) ts0 += 30; // a word of the id, e.g. "ac"
      // A title that starts with the word is about it: "Access control
      // policy" before "User access provisioning" for "access".
      if (e.title.indexOf(" " + t) === 0) ts0 += 30;
      if (e.codes.indexOf(" " + t + " ") >= 0) ts0 += 30;
      ts0 += 6 * hits(e.heads, t, 3) + 2 * hits(e.meta, t, 2) + hits(e.body, t, 10);
      if (!ts0) return 0; // every word must match somewhere
      s += ts0;
    }
    return s;
  }

  function search(q) {
    var ts = terms(q);
    if (!ts.length || !docs) return [];
    var out = [];
    for (var i = 0; i < docs.length; i++) {
      var s = score(docs[i], q, ts);
      if (s > 0) out.push({ e: docs[i], s: s });
    }
    out.sort(function (a, b) { return b.s - a.s || (a.e.d.t < b.e.d.t ? -1 : a.e.d.t > b.e.d.t ? 1 : 0); });
    return out;
  }

  // snippet appends body text around the first matching word, with the
  // match in <mark>.
  function snippet(el, text, ts) {
    var low = text.toLowerCase(), at = -1, len = 0;
    for (var i = 0; i < ts.length && at < 0; i++) {
      var re = new RegExp("(^|[^\\p{L}\\p{N}])" + ts[i].replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "u");
      var m = re.exec(low);
      if (m) { at = m.index + m[1].length; len = ts[i].length; }
    }
    if (at < 0) { el.textContent = text.slice(0, 120) + (text.length > 120 ? "…" : ""); return; }
    var start = Math.max(0, at - 50), end = Math.min(text.length, at + len + 70);
    el.appendChild(document.createTextNode((start > 0 ? "…" : "") + text.slice(start, at)));
    var mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + len);
    el.appendChild(mark);
    el.appendChild(document.createTextNode(text.slice(at + len, end) + (end < text.length ? "…" : "")));
  }

  function item(r, ts, i) {
    var d = r.e.d, li = document.createElement("li"), a = document.createElement("a");
    li.setAttribute("role", "option");
    li.id = "search-result-" + i;
    a.href = root + d.u;
    a.tabIndex = -1;
    var title = document.createElement("span"); title.className = "r-title"; title.textContent = d.t;
    var id = document.createElement("span"); id.className = "r-id"; id.textContent = d.i;
    var meta = document.createElement("span"); meta.className = "r-meta";
    meta.textContent = " · " + d.y + (d.o ? " · " + d.o : "");
    var snip = document.createElement("span"); snip.className = "r-snippet";
    snippet(snip, d.b || (d.h || []).join(" · "), ts);
    a.appendChild(title); a.appendChild(id); a.appendChild(meta); a.appendChild(snip);
    li.appendChild(a);
    return li;
  }

  function show(into, results, ts, max) {
    while (into.firstChild) into.removeChild(into.firstChild);
    results.slice(0, max).forEach(function (r, i) { into.appendChild(item(r, ts, i)); });
  }

  function select(i) {
    var items = list.querySelectorAll("li[role=option]");
    if (!items.length) { selected = -1; return; }
    selected = (i + items.length) % items.length;
    items.forEach(function (li, k) { li.setAttribute("aria-selected", k === selected ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[selected].id);
    items[selected].scrollIntoView({ block: "nearest" });
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    selected = -1;
  }

  function update() {
    var q = input.value;
    if (!terms(q).length) { close(); return; }
    load().then(function () {
      if (input.value !== q) return; // a newer keystroke will render
      var rs = search(q), ts = terms(q);
      show(list, rs, ts, MAX);
      if (!rs.length) {
        var li = document.createElement("li"); li.className = "r-none"; li.textContent = "No documents match “" + q + "”.";
        list.appendChild(li);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      selected = -1;
      if (rs.length) select(0);
    }, function () {
      close();
    });
  }

  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });
  input.addEventListener("input", update);
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) update(); else select(selected + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); select(selected - 1); }
    else if (e.key === "Escape") { close(); }
    else if (e.key === "Enter") {
      var items = list.querySelectorAll("li[role=option] a");
      if (!list.hidden && items.length) { e.preventDefault(); location.href = items[Math.max(selected, 0)].href; }
    }
  });
  // Enter may also arrive as a form submission (an IME, a synthetic char
  // event): go to the selected result then too, not to /search/.
  form.addEventListener("submit", function (e) {
    var items = list.querySelectorAll("li[role=option] a");
    if (!list.hidden && items.length && selected >= 0) { e.preventDefault(); location.href = items[selected].href; }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); input.select(); }
  });
  document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });

  // The /search/ page: show every result for ?q=.
  var pageList = document.querySelector(".search-page-results");
  if (pageList) {
    var q = new URLSearchParams(location.search).get("q") || "";
    var pageInput = document.getElementById("search-page-input");
    if (pageInput) pageInput.value = q;
    if (terms(q).length) {
      load().then(function () {
        var rs = search(q), status = document.querySelector(".search-page-status");
        show(pageList, rs, terms(q), 100);
        // The page's results are a plain list of links, not the box's
        // listbox options: reachable with Tab, no option role (axe: list).
        pageList.querySelectorAll("li[role=option]").forEach(function (li) {
          li.removeAttribute("role");
          li.removeAttribute("id");
          var a = li.querySelector("a");
          if (a) a.removeAttribute("tabindex");
        });
        pageList.hidden = false;
        if (status) status.textContent = rs.length + (rs.length === 1 ? " document matches" : " documents match") + " “" + q + "”.";
      });
    }
  }
})();
