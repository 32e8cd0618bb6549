package view

import (
	"html/template"
	"text/template/parse"
)

// controlApart is what a control panel may not read of its DocView: the
// panel made once for both pages (Control) is not in the view it is made
// from.
var controlApart = map[string]bool{"Control": true}

// sharesControl decides SharesControl for a theme's document and print
// sets, parsed and not yet executed. A document's page and its part in
// the auditor's copy may show one execution of its control panel where
//   - the document page's "main" and the copy's "print-doc" read a field
//     Control: the layouts show the panel made once (a theme whose
//     layouts call the partial in place gets no panel made ahead, which
//     they would not show, whatever its partials read);
//   - "control-panel", and every template it calls, by name, are defined
//     alike in both sets (compared as parsed);
//   - the panel, with what it calls, reads no Control and uses its dot
//     neither whole (printed, or handed to a function, where a Control
//     made or not would show) nor as the dot of a partial that does.
//
// Its dot is the document's DocView in either page, and a template sees
// nothing but its dot.
func sharesControl(doc, print *template.Template) bool {
	if doc == nil || print == nil || !reads(doc, "main", "Control") || !reads(print, "print-doc", "Control") {
		return false
	}
	if !sameTemplate(doc, print, "control-panel", map[string]bool{}) {
		return false
	}
	c := &shareCheck{set: doc, seen: map[called]bool{}, ok: true, apart: controlApart}
	c.template("control-panel", pageDot)
	return c.ok
}

// reads reports whether the template name of set (itself, not what it
// calls) reads a field named field.
func reads(set *template.Template, name, field string) bool {
	t := set.Lookup(name)
	if t == nil || t.Tree == nil {
		return false
	}
	found := false
	walkNodes(t.Tree.Root, func(n parse.Node) {
		found = found || countOf(fieldIdents(n), field) > 0
	})
	return found
}

// sameTemplate reports whether the template name and every template it
// calls are defined alike in sets a and b (nil: not alike), compared as
// parsed, before any execution escapes (and so changes) the trees.
func sameTemplate(a, b *template.Template, name string, seen map[string]bool) bool {
	if seen[name] {
		return true
	}
	seen[name] = true
	ta, tb := a.Lookup(name), b.Lookup(name)
	if ta == nil || tb == nil || ta.Tree == nil || tb.Tree == nil || ta.Tree.Root.String() != tb.Tree.Root.String() {
		return false
	}
	same := true
	walkNodes(ta.Tree.Root, func(n parse.Node) {
		if c, ok := n.(*parse.TemplateNode); ok && same {
			same = sameTemplate(a, b, c.Name, seen)
		}
	})
	return same
}
