package generator

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestPrintManual(t *testing.T) {
	doc := func(id, title, typ, extra string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\nid: " + id + "\ntitle: " + title + "\ntype: " + typ + "\nowner: CISO\nreviewed: 2026-01-01\n" + extra + "---\nBody of " + id + ".\n")}
	}
	site := fstest.MapFS{
		"content/policies/b.md":  doc("POL-B", "B policy", "policy", "status: approved\n"),
		"content/policies/a.md":  doc("POL-A", "A <policy>", "policy", ""),
		"content/policies/d.md":  doc("POL-DRAFT", "Draft policy", "policy", "status: draft\n"),
		"content/policies/r.md":  doc("POL-OLD", "Retired policy", "policy", "status: retired\n"),
		"content/processes/x.md": doc("PRC-AUDIT", "Audit", "process", "clause: \"9.2\"\n"),
		"content/processes/y.md": doc("PRC-RISK", "Risk", "process", "clause: [\"6.1.2\"]\n"),
		"content/manual/m.md":    doc("MAN", "Manual", "manual", ""),
	}
	res := buildOK(t, site)
	page := string(res.Tree["print/index.html"])
	// Manual, then policies by title, then processes in clause order.
	order := []string{`id="doc-man"`, `id="doc-pol-a"`, `id="doc-pol-b"`, `id="doc-prc-risk"`, `id="doc-prc-audit"`}
	last := -1
	for _, o := range order {
		i := strings.Index(page, o)
		if i < 0 || i < last {
			t.Fatalf("%s at %d, after %d: want manual order %v", o, i, last, order)
		}
		last = i
	}
	for _, want := range []string{`<a href="#doc-pol-a">A &lt;policy&gt;</a>`, "Body of POL-B.", "5 approved documents", `<a class="toc-group" href="#section-policy">Policies</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("/print/ lacks %q", want)
		}
	}
	for _, not := range []string{"POL-DRAFT", "POL-OLD"} {
		if strings.Contains(page, `id="doc-`+strings.ToLower(not)+`"`) {
			t.Errorf("/print/ holds %s, which is not approved", not)
		}
	}
	css := string(res.Tree["assets/style.css"])
	if !strings.Contains(css, ".print-doc { break-before: page;") {
		t.Error("style.css has no page break before each printed document")
	}
}
