// Draws the page's ```mermaid fences with the theme's copy of Mermaid
// (vendor/mermaid, loaded just before this script on pages that have a
// fence). Without scripts the reader sees the diagram's source.
//
// The site's Content-Security-Policy allows no inline styles (style-src
// 'self'), and Mermaid writes a <style> element into every drawing, sets
// style attributes, and parses markup that carries them: each would be
// blocked and reported. So while Mermaid draws, and when the drawing is
// put in the page, styles take the CSSOM's way in, which the policy does
// not govern:
// - a <style> element's rules become a constructed stylesheet adopted by
//   the document (the rules are scoped to the drawing's id);
// - a style attribute becomes el.style.cssText;
// - markup is parsed with its style attributes renamed, and the styles
//   are set through el.style afterwards.
// The patches are in place only while Mermaid runs.
(function () {
  "use strict";
  var blocks = Array.prototype.slice.call(document.querySelectorAll("figure.mermaid > pre.mermaid-source"));
  if (!blocks.length || !window.mermaid) return;

  var adopted = new Map(); // rules → their sheet, each adopted once
  function adopt(css) {
    if (!css || adopted.has(css)) return;
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    adopted.set(css, sheet);
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  }

  // renameStyles renames every style attribute in the start tags of
  // markup to data-isms-style, reading attribute values with their quotes
  // so that text and values are never touched.
  var MARK = "data-isms-style";
  function renameStyles(s) {
    var out = [], i = 0, n = s.length;
    for (;;) {
      var lt = s.indexOf("<", i);
      if (lt < 0 || lt + 1 >= n) break;
      if (!/[A-Za-z]/.test(s.charAt(lt + 1))) { out.push(s.slice(i, lt + 1)); i = lt + 1; continue; }
      var j = lt + 1;
      while (j < n && !/[\s\/>]/.test(s.charAt(j))) j++;
      out.push(s.slice(i, j));
      i = j;
      while (i < n && s.charAt(i) !== ">") {
        var c = s.charAt(i);
        if (/[\s\/]/.test(c)) { out.push(c); i++; continue; }
        var k = i + 1;
        while (k < n && !/[\s\/>=]/.test(s.charAt(k))) k++;
        var name = s.slice(i, k);
        out.push(name.toLowerCase() === "style" ? MARK : name);
        i = k;
        var eq = /^\s*=\s*/.exec(s.substr(i, 64));
        if (!eq) continue;
        out.push(eq[0]);
        i += eq[0].length;
        var q = s.charAt(i), e;
        if (q === '"' || q === "'") {
          e = s.indexOf(q, i + 1);
          e = e < 0 ? n : e + 1;
        } else {
          for (e = i; e < n && !/[\s>]/.test(s.charAt(e)); e++);
        }
        out.push(s.slice(i, e));
        i = e;
      }
    }
    out.push(s.slice(i));
    return out.join("");
  }

  // restoreStyles sets the renamed styles through the CSSOM.
  function restoreStyles(root) {
    var els = Array.prototype.slice.call(root.querySelectorAll("[" + MARK + "]"));
    if (root.hasAttribute && root.hasAttribute(MARK)) els.push(root);
    els.forEach(function (el) {
      var css = el.getAttribute(MARK);
      el.removeAttribute(MARK);
      if (el.style) el.style.cssText = css;
    });
  }

  function isStyleElement(n) { return n && n.nodeType === 1 && n.localName === "style"; }
  var E = Element.prototype, N = Node.prototype, P = DOMParser.prototype;
  var orig = { setAttribute: E.setAttribute, setAttributeNS: E.setAttributeNS, insertBefore: N.insertBefore, appendChild: N.appendChild, parseFromString: P.parseFromString };
  function patch() {
    E.setAttribute = function (name, value) {
      if (String(name).toLowerCase() === "style" && this.style) { this.style.cssText = String(value); return; }
      return orig.setAttribute.call(this, name, value);
    };
    E.setAttributeNS = function (ns, name, value) {
      if (!ns && String(name).toLowerCase() === "style" && this.style) { this.style.cssText = String(value); return; }
      return orig.setAttributeNS.call(this, ns, name, value);
    };
    // Mermaid fills a <style> element before inserting it: its rules are
    // adopted instead, and the element stays out of the document.
    N.insertBefore = function (node, ref) {
      if (isStyleElement(node)) { adopt(node.textContent); return node; }
      return orig.insertBefore.call(this, node, ref);
    };
    N.appendChild = function (node) {
      if (isStyleElement(node)) { adopt(node.textContent); return node; }
      return orig.appendChild.call(this, node);
    };
    // DOMPurify, inside Mermaid, parses the finished drawing.
    P.parseFromString = function (markup, type) {
      var doc = orig.parseFromString.call(this, renameStyles(String(markup)), type);
      restoreStyles(doc);
      return doc;
    };
  }
  function unpatch() {
    E.setAttribute = orig.setAttribute;
    E.setAttributeNS = orig.setAttributeNS;
    N.insertBefore = orig.insertBefore;
    N.appendChild = orig.appendChild;
    P.parseFromString = orig.parseFromString;
  }

  // place puts the drawing where its source was.
  function place(pre, svg) {
    var doc = orig.parseFromString.call(new DOMParser(), "<!DOCTYPE html><body>" + renameStyles(svg), "text/html");
    var root = doc.body.firstElementChild;
    if (!root || root.localName !== "svg") throw new Error("Mermaid gave no drawing");
    root.querySelectorAll("style").forEach(function (s) { adopt(s.textContent); s.remove(); });
    document.adoptNode(root);
    restoreStyles(root);
    // Mermaid scales the drawing down to the column; on a phone that
    // makes its labels unreadable, so below 480 px it scrolls instead.
    var box = root.viewBox && root.viewBox.baseVal;
    if (box && box.width > 0) root.style.minWidth = Math.min(box.width, 480) + "px";
    pre.replaceWith(root);
  }

  function failed(pre, err) {
    var note = document.createElement("figcaption");
    note.className = "diagram-error";
    note.setAttribute("role", "alert");
    var msg = String((err && err.message) || err).split("\n").slice(0, 3).join(" ");
    note.textContent = "This diagram could not be drawn: " + msg;
    pre.parentNode.appendChild(note);
  }

  mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",       // labels are text: no HTML, no click handlers
    suppressErrorRendering: true,  // a broken diagram keeps its source, with the error beside it
    theme: "default",              // dark mode inverts it, as it does Graphviz's drawings
    fontFamily: getComputedStyle(document.body).fontFamily,
  });
  (async function () {
    for (var i = 0; i < blocks.length; i++) {
      var pre = blocks[i], svg = null, err = null;
      patch();
      try {
        svg = (await mermaid.render("isms-mermaid-" + (i + 1), pre.textContent)).svg;
      } catch (e) {
        err = e;
      } finally {
        unpatch();
      }
      try {
        if (err) throw err;
        place(pre, svg);
      } catch (e) {
        failed(pre, e);
      }
    }
    document.documentElement.setAttribute("data-mermaid", "drawn");
  })();
})();
