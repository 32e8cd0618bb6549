// Client-side search over /search-index.json, which is fetched from this
// site on first use only. Every result is built with DOM methods and
// textContent, so nothing from the index is ever parsed as HTML.
//
// The header box is a WAI-ARIA 1.2 combobox with a listbox popup: focus
// stays in the box, arrows move aria-activedescendant over the options,
// Enter follows the selected one (or opens /search/ when none is: the
// arrows cycle through the options and the box), Escape closes the list
// (or empties the box when it is closed). The options hold no links: a
// listbox option may not contain interactive elements. The popup's link to
// the results page is outside the listbox.
(function () {
  "use strict";

  // ---- The search itself, without the page: words, the prepared index,
  // ranking and snippets. window.isms.search exposes it to the tests.

  // A word is a run of letters and digits; a dot followed by a digit stays
  // inside it, so control and clause ids ("8.8", "A.8.8", "6.1.2") and
  // versions ("2.3") are one word, and a sentence's full stop is not.
  var WORD = /[\p{L}\p{N}]+(?:\.\p{N}[\p{L}\p{N}]*)*/gu;
  var ANNEX = /^a\.\d+(?:\.\d+)*$/;
  // Fields of a posting; W is what a hit in each is worth.
  var TITLE = 0, ID = 1, META = 2, HEAD = 3, TEXT = 4;
  var W = [10, 8, 2, 5, 1];
  // How well a word of the index matches a word of the query.
  var EXACT = 1, PREFIX = 0.7, TYPO1 = 0.4, TYPO2 = 0.3;
  var CODE_HIT = 40; // a query id equal to one of a document's controls or clauses
  var TITLE_ALL = 25; // every word of the query in the title

  // norm lower-cases a word; "A.8.8", an Annex A control as often
  // written, is the control "8.8".
  function norm(w) {
    w = w.toLowerCase();
    return ANNEX.test(w) ? w.slice(2) : w;
  }

  // tokens lists the words of s with where they are: {w (normalised),
  // raw, at, end} (UTF-16 offsets, as String.slice takes them).
  function tokens(s) {
    var out = [], m;
    s = String(s || "");
    WORD.lastIndex = 0;
    while ((m = WORD.exec(s))) out.push({ w: norm(m[0]), raw: m[0], at: m.index, end: m.index + m[0].length });
    return out;
  }

  function isCode(w) { return /^\d/.test(w); }

  // terms are the query's distinct words; annex marks "A.8.8" (a control,
  // never a clause).
  function terms(q) {
    var seen = {}, out = [];
    tokens(q).forEach(function (t) {
      if (seen[t.w]) return;
      seen[t.w] = true;
      out.push({ w: t.w, annex: ANNEX.test(t.raw.toLowerCase()) });
    });
    return out;
  }

  // prepare turns the index file into postings: every word maps to a flat
  // list of (document, field, section, count).
  function prepare(idx) {
    if (!idx || idx.v !== 2) throw new Error("search index version " + (idx && idx.v) + ", want 2");
    var docs = [], post = new Map();
    function add(text, di, f, si) {
      var counts = new Map();
      tokens(text).forEach(function (t) { counts.set(t.w, (counts.get(t.w) || 0) + 1); });
      counts.forEach(function (n, w) {
        var p = post.get(w);
        if (!p) post.set(w, (p = []));
        p.push(di, f, si, n);
      });
    }
    (idx.d || []).forEach(function (d, di) {
      var secs = [{ a: "", t: "", x: d.b || "" }];
      (d.s || []).forEach(function (s) { secs.push({ a: s[0], t: s[1], x: s[2] }); });
      docs.push({ d: d, id: d.i.toLowerCase(), secs: secs, controls: d.c || [], clauses: d.k || [] });
      add(d.t, di, TITLE, 0);
      add(d.i, di, ID, 0);
      add((d.o || "") + " " + d.y, di, META, 0);
      secs.forEach(function (s, si) {
        if (si) add(s.t, di, HEAD, si);
        add(s.x, di, TEXT, si);
      });
    });
    return { docs: docs, post: post, vocab: Array.from(post.keys()).sort() };
  }

  // distance is the edit distance between a and b (insertions, deletions,
  // substitutions and swaps of neighbours), or max+1 once it is above max.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], i, j;
    for (j = 0; j <= b.length; j++) prev.push(j);
    for (i = 1; i <= a.length; i++) {
      var cur = [i], low = i;
      for (j = 1; j <= b.length; j++) {
        var c = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) c = Math.min(c, prev2[j - 2] + 1);
        cur.push(c);
        if (c < low) low = c;
      }
      if (low > max) return max + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[b.length];
  }

  // expand maps a query word to the words of the index it matches, each
  // with how well: itself; words it begins (ids only at a dot: "8" begins
  // "8.8" but "8.3" does not begin "8.30"); and, for words of letters of 4
  // or more, words one typo away (two from 8 letters).
  function expand(p, t) {
    var out = new Map(), v = p.vocab, lo = 0, hi = v.length;
    if (p.post.has(t)) out.set(t, EXACT);
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (v[mid] < t) lo = mid + 1; else hi = mid;
    }
    for (var i = lo; i < v.length && v[i].lastIndexOf(t, 0) === 0; i++) {
      if (v[i] === t || (isCode(t) && v[i].charAt(t.length) !== ".")) continue;
      out.set(v[i], PREFIX);
    }
    if (!/\d/.test(t) && t.length >= 4) {
      var max = t.length >= 8 ? 2 : 1;
      for (var k = 0; k < v.length; k++) {
        var w = v[k];
        if (out.has(w) || Math.abs(w.length - t.length) > max || /\d/.test(w)) continue;
        var d = distance(t, w, max);
        if (d <= max) out.set(w, d === 1 ? TYPO1 : TYPO2);
      }
    }
    return out;
  }

  // codeMatch: 1 if ids holds t, a little more the earlier it is listed
  // (authors list a document's main control first); 0.5 if t is a parent
  // of one ("6.1" of "6.1.2"); else 0.
  function codeMatch(ids, t) {
    var best = 0;
    for (var i = 0; i < ids.length; i++) {
      if (ids[i] === t) return 1 + 0.25 / (i + 1);
      if (ids[i].lastIndexOf(t + ".", 0) === 0) best = 0.5;
    }
    return best;
  }

  // search ranks the documents that match every word of q (and says which
  // of their controls and clauses matched, codes): a document
  // whose id is the query first, then those whose controls or clauses are
  // an id of the query (documents before records: a risk, an action),
  // then those matched without typos, then by score. Each result says the
  // section it leads to (sec, 0 for the document), the one its snippet
  // comes from (snip) and the other sections that matched (more).
  function search(p, q) {
    var ts = terms(q), marks = new Map(), acc = null, ql = q.trim().toLowerCase();
    if (!ts.length) return { results: [], marks: marks };
    ts.forEach(function (t) {
      var per = new Map();
      function row(di) {
        var r = per.get(di);
        if (!r) per.set(di, (r = { s: 0, q: 0, code: 0, top: false, title: false, sec: new Map(), txt: new Map(), codes: [] }));
        return r;
      }
      expand(p, t.w).forEach(function (mq, w) {
        if (!marks.has(w) || marks.get(w) < mq) marks.set(w, mq);
        var ps = p.post.get(w);
        for (var i = 0; i < ps.length; i += 4) {
          var f = ps[i + 1], si = ps[i + 2], r = row(ps[i]);
          var v = W[f] * mq * (f === TEXT ? Math.min(ps[i + 3], 5) : 1);
          r.s += v;
          if (mq > r.q) r.q = mq;
          if (f === TITLE || f === ID) r.top = true;
          if (f === TITLE && mq >= PREFIX) r.title = true;
          if (f === HEAD || f === TEXT) r.sec.set(si, (r.sec.get(si) || 0) + (f === HEAD ? 3 * v : v));
          if (f === TEXT) r.txt.set(si, (r.txt.get(si) || 0) + v);
        }
      });
      if (isCode(t.w)) {
        p.docs.forEach(function (e, di) {
          var c = codeMatch(e.controls, t.w), k = t.annex ? 0 : codeMatch(e.clauses, t.w), m = Math.max(c, k);
          if (!m) return;
          var r = row(di);
          if (c >= 1) r.codes.push("control " + t.w);
          if (k >= 1) r.codes.push("clause " + t.w);
          r.s += CODE_HIT * m;
          r.q = Math.max(r.q, EXACT);
          r.top = true;
          if (m >= 1) r.code = 1;
        });
      }
      if (!acc) {
        acc = per;
        return;
      }
      acc.forEach(function (a, di) {
        var r = per.get(di);
        if (!r) { acc.delete(di); return; }
        a.s += r.s;
        a.q = Math.min(a.q, r.q);
        a.code += r.code;
        a.codes = a.codes.concat(r.codes);
        a.top = a.top && r.top;
        a.title = a.title && r.title;
        r.sec.forEach(function (v, si) { a.sec.set(si, (a.sec.get(si) || 0) + v); });
        r.txt.forEach(function (v, si) { a.txt.set(si, (a.txt.get(si) || 0) + v); });
      });
    });
    var out = [];
    acc.forEach(function (a, di) {
      var e = p.docs[di];
      var secs = Array.from(a.sec.keys());
      secs.sort(function (x, y) { return a.sec.get(y) - a.sec.get(x) || x - y; });
      // A result leads to the section that matched best, unless that is
      // the opening text or the title (or id, or controls) matched every
      // word: then the document is what was asked for.
      var best = secs.length ? secs[0] : 0, sec = a.top ? 0 : best;
      // The snippet comes from the linked section, or for a document
      // from the text with the most hits, so that it shows them.
      var snip = sec;
      if (!sec) {
        var most = -1;
        a.txt.forEach(function (v, si) { if (v > most || (v === most && si < snip)) { most = v; snip = si; } });
      }
      if (a.title) a.s += TITLE_ALL;
      out.push({
        e: e, s: a.s, code: a.code, codes: a.codes, typo: a.q < PREFIX ? 1 : 0, sec: sec, snip: snip,
        rec: e.d.u.indexOf("#") >= 0 ? 1 : 0,
        more: secs.filter(function (si) { return si > 0 && si !== sec; }).slice(0, 3),
        idHit: e.id === ql ? 2 : ql.length > 1 && e.id.lastIndexOf(ql, 0) === 0 ? 1 : 0
      });
    });
    out.sort(function (x, y) {
      return y.idHit - x.idHit || y.code - x.code || x.typo - y.typo || (x.code && x.rec - y.rec) || y.s - x.s || x.rec - y.rec ||
        (x.e.d.t < y.e.d.t ? -1 : x.e.d.t > y.e.d.t ? 1 : 0);
    });
    return { results: out, marks: marks };
  }

  // href is where a result leads: the document, or the heading of the
  // section si.
  function href(r, si) {
    var d = r.e.d, a = r.e.secs[si] && r.e.secs[si].a;
    return d.u + (si && a && d.u.indexOf("#") < 0 ? "#" + encodeURIComponent(a) : "");
  }

  // snippet cuts a passage of the text of section si (or the first text
  // the document has) around the first marked word, starting and ending
  // on word boundaries, as pieces [text, marked].
  function snippet(r, marks, si, width) {
    var secs = r.e.secs, text = secs[si || 0].x;
    for (var i = 0; !text && i < secs.length; i++) text = secs[i].x;
    if (!text) return [];
    width = width || 160;
    var ts = tokens(text), hits = ts.filter(function (t) { return marks.has(t.w); });
    var first = hits.length ? hits[0].at : 0, start = 0, end = text.length;
    if (first > 50) {
      start = text.indexOf(" ", first - 50) + 1;
      if (start <= 0 || start > first) start = first;
    }
    while (start < first && /[\s·|]/.test(text.charAt(start))) start++;
    if (end - start > width) {
      end = text.lastIndexOf(" ", start + width);
      if (end <= first) end = Math.min(text.length, start + width);
    }
    while (end > start && /[\s·|]/.test(text.charAt(end - 1))) end--;
    var out = [], at = start;
    if (start > 0) out.push(["…", false]);
    hits.forEach(function (t) {
      if (t.at < start || t.end > end) return;
      if (t.at > at) out.push([text.slice(at, t.at), false]);
      out.push([text.slice(t.at, t.end), true]);
      at = t.end;
    });
    if (end > at) out.push([text.slice(at, end), false]);
    if (end < text.length) out.push(["…", false]);
    return out;
  }

  // marked cuts a short text (a title) into pieces [text, marked].
  function marked(text, marks) {
    var out = [], at = 0;
    tokens(text).forEach(function (t) {
      if (!marks.has(t.w)) return;
      if (t.at > at) out.push([text.slice(at, t.at), false]);
      out.push([text.slice(t.at, t.end), true]);
      at = t.end;
    });
    if (at < text.length) out.push([text.slice(at), false]);
    return out;
  }

  window.isms = window.isms || {};
  window.isms.search = { tokens: tokens, terms: terms, prepare: prepare, search: search, snippet: snippet, marked: marked, href: href, distance: distance };

  // ---- The page: the header combobox and the /search/ page.

  var root = document.body.getAttribute("data-root") || "/";
  var form = document.querySelector("form.search");
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var popup = document.getElementById("search-popup");
  var count = document.getElementById("search-count");
  var status = document.getElementById("search-status");
  var allLink = document.getElementById("search-all");
  var pageList = document.querySelector(".search-page-results");
  if (!form || !input || !list || !popup) return;
  var indexURL = form.getAttribute("data-index") || root + "search-index.json";
  var prepared = null, loading = null, selected = -1, MAX = 8, announce = 0;

  // Opened from disk (an unzipped snapshot), a browser will not fetch a
  // local JSON file: the snapshot also ships the index as a script that
  // sets ISMS_SEARCH_INDEX, and folder links need their index.html.
  var fromDisk = location.protocol === "file:";
  function page(u) { return fromDisk ? u.replace(/\/(?=$|[?#])/, "/index.html") : u; }
  function fetchIndex() {
    if (!fromDisk) {
      return fetch(indexURL, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    }
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = indexURL.replace(/\.json$/, ".js");
      s.onload = function () { window.ISMS_SEARCH_INDEX ? resolve(window.ISMS_SEARCH_INDEX) : reject(new Error("no index")); };
      s.onerror = reject;
      document.head.appendChild(s);
    });
  }

  function load() {
    if (!loading) {
      loading = fetchIndex()
        .then(function (idx) { prepared = prepare(idx); return prepared; });
    }
    return loading;
  }

  function span(cls, text) {
    var s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  }

  function snippetInto(el, pieces) {
    pieces.forEach(function (p) {
      if (p[1]) {
        var m = document.createElement("mark");
        m.textContent = p[0];
        el.appendChild(m);
      } else {
        el.appendChild(document.createTextNode(p[0]));
      }
    });
  }

  // body fills el with a result's title, section, id, kind and snippet.
  function body(el, r, marks) {
    var d = r.e.d;
    var title = span("r-title", "");
    snippetInto(title, marked(d.t, marks));
    el.appendChild(title);
    if (r.sec) {
      var sec = span("r-section", "");
      snippetInto(sec, marked(r.e.secs[r.sec].t, marks));
      el.appendChild(sec);
    }
    var pieces = snippet(r, marks, r.snip);
    if (pieces.length) {
      var s = span("r-snippet", "");
      snippetInto(s, pieces);
      el.appendChild(s);
    }
    var info = span("r-info", "");
    info.appendChild(span("r-id", d.i));
    info.appendChild(span("r-meta", d.y + (d.o ? " · " + d.o : "")));
    r.codes.forEach(function (c) {
      var m = document.createElement("mark");
      m.className = "r-code";
      m.textContent = c;
      info.appendChild(m);
    });
    el.appendChild(info);
  }

  function plural(n) { return n + (n === 1 ? " result" : " results"); }

  // spelling notes results found only through close spellings.
  function spelling(rs) {
    return rs.length && rs.every(function (r) { return r.typo; }) ? ", by close spelling" : "";
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function options() { return list.querySelectorAll("[role=option]"); }

  // select moves the selection to option i; the arrows cycle through
  // the options and "none" (-1: the box itself, where Enter opens the
  // results page).
  function select(i) {
    var items = options();
    selected = items.length ? ((i + 1 + items.length + 1) % (items.length + 1)) - 1 : -1;
    items.forEach(function (li, k) { li.setAttribute("aria-selected", k === selected ? "true" : "false"); });
    if (selected < 0) {
      input.removeAttribute("aria-activedescendant");
      popup.scrollTop = 0;
      return;
    }
    input.setAttribute("aria-activedescendant", items[selected].id);
    items[selected].scrollIntoView({ block: "nearest" });
  }

  function close() {
    popup.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    selected = -1;
  }

  function allURL(q) { return page(root + "search/?q=" + encodeURIComponent(q)); }

  function update() {
    var q = input.value;
    if (!terms(q).length) { close(); return; }
    load().then(function () {
      if (input.value !== q) return; // a newer keystroke will render
      var res = search(prepared, q), rs = res.results;
      clear(list);
      rs.slice(0, MAX).forEach(function (r, i) {
        var li = document.createElement("li");
        li.setAttribute("role", "option");
        li.id = "search-result-" + i;
        li.setAttribute("data-href", page(root + href(r, r.sec)));
        body(li, r, res.marks);
        list.appendChild(li);
      });
      if (allLink) {
        allLink.href = allURL(q);
        allLink.hidden = !rs.length;
        allLink.textContent = rs.length > MAX ? "Show all" : "Results page";
      }
      count.textContent = rs.length ? plural(rs.length) + spelling(rs) + (rs.length > MAX ? ", top " + MAX + " shown" : "") : "No documents match “" + q + "”.";
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
      selected = -1;
      input.removeAttribute("aria-activedescendant");
      if (rs.length) select(0);
      // The count is announced once typing pauses, not on every key.
      clearTimeout(announce);
      announce = setTimeout(function () { if (status && input.value === q) status.textContent = count.textContent; }, 600);
    }, close);
  }

  function follow(li) {
    if (li && li.getAttribute("data-href")) location.href = li.getAttribute("data-href");
  }

  input.addEventListener("focus", function () { load().catch(function () {}); }, { once: true });
  input.addEventListener("input", update);
  input.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    var open = !popup.hidden;
    if (e.key === "ArrowDown") { e.preventDefault(); if (open) select(selected + 1); else update(); }
    else if (e.key === "ArrowUp") { e.preventDefault(); if (open) select(selected - 1); }
    else if (e.key === "Escape") {
      if (open) { e.preventDefault(); close(); }
      else if (input.value) { e.preventDefault(); input.value = ""; }
    } else if (e.key === "Enter" && open) {
      e.preventDefault();
      if (selected >= 0) follow(options()[selected]);
      else location.href = allURL(input.value);
    }
  });
  // Enter may also arrive as a form submission (an IME, a synthetic char
  // event): go to the selected result then too; with none selected the
  // form opens /search/?q=.
  form.addEventListener("submit", function (e) {
    if (!popup.hidden && selected >= 0) { e.preventDefault(); follow(options()[selected]); }
  });
  // mousedown keeps focus in the box; click follows the option.
  popup.addEventListener("mousedown", function (e) { e.preventDefault(); });
  list.addEventListener("click", function (e) { follow(e.target.closest("[role=option]")); });
  list.addEventListener("mousemove", function (e) {
    var li = e.target.closest("[role=option]"), items = Array.prototype.indexOf.call(options(), li);
    if (li && items !== selected) select(items);
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target, typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); input.focus(); input.select(); }
  });
  document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });

  // The /search/ page: every result for ?q=, each with the other
  // sections that matched; typing in its box updates them and the URL.
  if (pageList) {
    var pageInput = document.getElementById("search-page-input");
    var pageStatus = document.querySelector(".search-page-status");
    var timer = 0;
    var showPage = function (q) {
      if (!terms(q).length) {
        pageList.hidden = true;
        if (pageStatus) pageStatus.textContent = "";
        return;
      }
      load().then(function () {
        var res = search(prepared, q), rs = res.results;
        clear(pageList);
        rs.slice(0, 200).forEach(function (r) {
          var li = document.createElement("li"), a = document.createElement("a");
          a.href = page(root + href(r, r.sec));
          a.className = "r-link";
          body(a, r, res.marks);
          li.appendChild(a);
          if (r.more.length) {
            var more = document.createElement("ul");
            more.className = "r-more";
            more.setAttribute("aria-label", "More sections of " + r.e.d.t);
            r.more.forEach(function (si) {
              var mli = document.createElement("li"), ma = document.createElement("a");
              ma.href = page(root + href(r, si));
              ma.textContent = r.e.secs[si].t;
              mli.appendChild(ma);
              more.appendChild(mli);
            });
            li.appendChild(more);
          }
          pageList.appendChild(li);
        });
        pageList.hidden = !rs.length;
        if (pageStatus) pageStatus.textContent = (rs.length ? plural(rs.length) : "No documents match") + " for “" + q + "”" + spelling(rs) + (rs.length > 200 ? ", the first 200 shown." : ".");
      });
    };
    var q0 = new URLSearchParams(location.search).get("q") || "";
    if (pageInput) {
      pageInput.value = q0;
      pageInput.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          history.replaceState(null, "", "?q=" + encodeURIComponent(pageInput.value));
          showPage(pageInput.value);
        }, 250);
      });
    }
    showPage(q0);
  }
})();
