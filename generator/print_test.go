package generator

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io/fs"
	"maps"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/view"
	"github.com/isms-project/isms/themes"
)

func TestPrintManual(t *testing.T) {
	t.Parallel()
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

// The auditor's copy of the sample ISMS: every id once, every in-page
// link (HTML and SVG) landing on an element of the copy, the reports in
// it, each process with its inputs, outputs and diagram, numbered contents.
func TestPrintCopyIsWhole(t *testing.T) {
	t.Parallel()
	res := sampleBuild(t)
	page := string(res.Tree["print/index.html"])
	article := page[strings.Index(page, `<article class="print-manual">`):]
	ids := map[string]int{}
	for _, m := range attrRE.FindAllStringSubmatch(page, -1) {
		if m[1] == "id" {
			ids[html.UnescapeString(m[2])]++
		}
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q is used %d times in /print/", id, n)
		}
	}
	links := 0
	for _, m := range attrRE.FindAllStringSubmatch(article, -1) {
		if (m[1] == "href" || m[1] == "xlink:href") && strings.HasPrefix(m[2], "#") {
			links++
			if id := html.UnescapeString(m[2][1:]); ids[id] == 0 {
				t.Errorf("%s=%q points at no element of the copy", m[1], m[2])
			}
		}
	}
	if links < 500 {
		t.Errorf("only %d in-copy links: the documents' links to each other do not point inside the copy", links)
	}
	for _, want := range []string{
		`<section class="print-doc print-part" id="report-soa">`, `<table class="soa-table">`, `id="report-soa--control-8-8"`,
		`<section class="print-doc print-part" id="report-currency">`, `<table class="currency-table" id="report-currency--currency-table">`,
		`<section class="print-doc print-part" id="report-processes">`, `class="diagram-svg"`,
		`href="#report-soa--control-8-8"`,     // a document's link to an SoA row
		`xlink:href="#doc-prc-risk-01"`,       // a process map node
		`<span class="toc-number">1.1</span>`, // numbered contents
		`<a href="#report-soa">Statement of Applicability</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/print/ lacks %s", want)
		}
	}
	// Each process: its diagram, then its inputs and outputs.
	proc := article[strings.Index(article, `id="doc-prc-risk-01"`):]
	proc = proc[:strings.Index(proc[1:], `<section class="print-doc`)+1]
	for _, want := range []string{`<figure class="diagram neighbourhood">`, `<h2>Inputs</h2>`, `<h2>Outputs</h2>`, `href="#doc-prc-context-01"`} {
		if !strings.Contains(proc, want) {
			t.Errorf("PRC-RISK-01 in /print/ lacks %s", want)
		}
	}
	for _, not := range []string{`href="/soa/`, `href="/processes/risk-assessment/"`} {
		if strings.Contains(article, not) {
			t.Errorf("/print/ still links out of the copy to a page in it: %s", not)
		}
	}
}

// attrRE finds the attributes that name or point at ids.
var attrRE = regexp.MustCompile(`\s(id|href|xlink:href)="([^"]*)"`)

// TestPrintSectionFails: a document's section of the auditor's copy that
// the theme cannot make fails the build with the theme's message, in a
// build in memory and in one writing its files as it goes (which makes
// the copy as it writes it); the documents before it were made, and
// none after it.
func TestPrintSectionFails(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{}
	for i := range 80 {
		site[fmt.Sprintf("content/policies/p%03d.md", i)] = &fstest.MapFile{Data: fmt.Appendf(nil,
			"---\nid: POL-%03d\ntitle: Policy %03d\ntype: policy\nowner: CISO\nreviewed: 2026-01-01\n---\nBody %03d.\n", i, i, i)}
	}
	layout, err := fs.ReadFile(themes.Default(), "layouts/print.html")
	if err != nil {
		t.Fatal(err)
	}
	// The section of POL-050 calls a method its view does not have.
	site["themes/default/layouts/print.html"] = &fstest.MapFile{Data: bytes.Replace(layout, []byte(`{{define "print-doc" -}}`),
		[]byte(`{{define "print-doc" -}}{{if eq .Doc.ID "POL-050"}}{{.Doc.NoSuchField}}{{end}}`), 1)}
	for _, sink := range []bool{false, true} {
		res, written := buildWithSink(t, site, sink)
		d := res.Diags.String()
		if !res.Diags.HasErrors() || !strings.Contains(d, "themes/layouts/print.html") || !strings.Contains(d, "NoSuchField") {
			t.Errorf("sink %v: diagnostics\n%s", sink, d)
		}
		if sink {
			page := string(written["print/index.html"])
			if !strings.Contains(page, `id="doc-pol-049"`) || strings.Contains(page, `id="doc-pol-050"`) || strings.Contains(page, `id="doc-pol-079"`) {
				t.Errorf("the copy written: 49 %v, 50 %v, 79 %v", strings.Contains(page, `id="doc-pol-049"`),
					strings.Contains(page, `id="doc-pol-050"`), strings.Contains(page, `id="doc-pol-079"`))
			}
		}
	}
}

// TestPrintPartFails: a report's part of the auditor's copy that the
// theme cannot make (made as the copy is written, beside its documents'
// sections) fails the build with the theme's message, in a build in
// memory, in one writing its files as it goes, and in one whose print.html
// does not show the reports' parts at all; the report's own page is made.
func TestPrintPartFails(t *testing.T) {
	t.Parallel()
	currency, err := fs.ReadFile(themes.Default(), "layouts/currency.html")
	if err != nil {
		t.Fatal(err)
	}
	printLayout, err := fs.ReadFile(themes.Default(), "layouts/print.html")
	if err != nil {
		t.Fatal(err)
	}
	site := fstest.MapFS{
		"content/policies/a.md": &fstest.MapFile{Data: []byte("---\nid: POL-A\ntitle: A\ntype: policy\nowner: CISO\nreviewed: 2026-01-01\n---\nBody.\n")},
		// Framed for the copy, without its script, the currency page's
		// main block fails; its own page has it.
		"themes/default/layouts/currency.html": &fstest.MapFile{Data: bytes.Replace(currency, []byte(`{{define "main" -}}`),
			[]byte(`{{define "main" -}}{{if not .Site.Scripts}}{{.NoSuchField}}{{end}}`), 1)},
	}
	hidden := maps.Clone(site)
	if !bytes.Contains(printLayout, []byte("\n{{.HTML}}{{end}}")) {
		t.Fatal("print.html no longer shows each section as {{.HTML}}")
	}
	hidden["themes/default/layouts/print.html"] = &fstest.MapFile{Data: bytes.Replace(printLayout, []byte("\n{{.HTML}}{{end}}"), []byte("\n{{if .Docs}}{{.HTML}}{{end}}{{end}}"), 1)}
	for name, site := range map[string]fstest.MapFS{"default print.html": site, "parts not shown": hidden} {
		for _, sink := range []bool{false, true} {
			res, written := buildWithSink(t, site, sink)
			d := res.Diags.String()
			if !res.Diags.HasErrors() || !strings.Contains(d, "themes/layouts/currency.html") || !strings.Contains(d, "NoSuchField") || strings.Count(d, "field NoSuchField") != 1 {
				t.Errorf("%s, sink %v: diagnostics\n%s", name, sink, d)
			}
			if sink && !strings.Contains(string(written["currency/index.html"]), `class="currency-table"`) {
				t.Errorf("%s: the currency page was not written", name)
			}
		}
	}
}

// TestFailedReportPageLocated: a report's page the theme cannot make is
// reported at its layout, in a build in memory and in one writing its
// files as it goes (which let go of the page, layout and all, once
// written).
func TestFailedReportPageLocated(t *testing.T) {
	t.Parallel()
	currency, err := fs.ReadFile(themes.Default(), "layouts/currency.html")
	if err != nil {
		t.Fatal(err)
	}
	site := fstest.MapFS{
		"content/policies/a.md": &fstest.MapFile{Data: []byte("---\nid: POL-A\ntitle: A\ntype: policy\nowner: CISO\nreviewed: 2026-01-01\n---\nBody.\n")},
		"themes/default/layouts/currency.html": &fstest.MapFile{Data: bytes.Replace(currency, []byte(`{{define "main" -}}`),
			[]byte(`{{define "main" -}}{{.NoSuchField}}`), 1)},
	}
	for _, sink := range []bool{false, true} {
		res, _ := buildWithSink(t, site, sink)
		// The page and its part in the auditor's copy.
		if d := res.Diags.String(); strings.Contains(d, "themes/layouts/.html") || strings.Count(d, "themes/layouts/currency.html") != 2 {
			t.Errorf("sink %v: diagnostics\n%s", sink, d)
		}
	}
}

// buildWithSink builds site in memory, or writing its files as it goes
// into a map (returned), as sink says.
func buildWithSink(t *testing.T, site fstest.MapFS, sink bool) (*Result, view.Tree) {
	t.Helper()
	o := Options{Site: site, Today: asOf}
	ms := &mapSink{files: view.Tree{}}
	if sink {
		o.Sink = ms
	}
	res, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return res, ms.files
}

// TestPrintPartSharesMainOnlyWhereAlike: a report's main block is made
// once for its page and its part in the auditor's copy, in a build in
// memory and in one writing as it goes, where the two are alike; a theme
// whose report reads what they are given apart (its scripts, which the
// copy leaves out) gets each made for itself. Either way the pages are
// those of the preview's build, which makes each alone.
func TestPrintPartSharesMainOnlyWhereAlike(t *testing.T) {
	t.Parallel()
	layout, err := fs.ReadFile(themes.Default(), "layouts/currency.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, probe := range []string{
		"", // the default theme: shared
		`<p class="probe">scripts: {{len .Site.Scripts}}</p>`,
		`<p class="probe">{{with .Site}}{{print .}}{{end}}</p>`, // the Site whole, Scripts and all
		`<p class="probe">{{.Site | printf "%v"}}</p>`,
		`{{$x := 0}}{{range 2}}<p class="probe">{{print $x}}</p>{{$x = $.Site}}{{end}}`, // printed before it is given the Site
	} {
		site := fstest.MapFS{
			"content/policies/a.md": &fstest.MapFile{Data: []byte("---\nid: POL-A\ntitle: A\ntype: policy\nowner: CISO\nreviewed: 2026-01-01\n---\nBody.\n")},
		}
		if probe != "" {
			site["themes/default/layouts/currency.html"] = &fstest.MapFile{Data: bytes.Replace(layout, []byte(`{{define "main" -}}`),
				[]byte(`{{define "main" -}}`+probe), 1)}
		}
		plain, err := Build(context.Background(), Options{Site: site, Today: asOf})
		if err != nil || plain.Diags.HasErrors() {
			t.Fatalf("%s: %v\n%s", probe, err, plain.Diags)
		}
		ms := &mapSink{files: view.Tree{}}
		if res, err := Build(context.Background(), Options{Site: site, Today: asOf, Sink: ms}); err != nil || res.Diags.HasErrors() {
			t.Fatalf("%s: %v\n%s", probe, err, res.Diags)
		}
		lazy, err := Build(context.Background(), Options{Site: site, Today: asOf, Lazy: true, Cache: NewCache()})
		if err != nil || lazy.Diags.HasErrors() {
			t.Fatalf("%s: %v\n%s", probe, err, lazy.Diags)
		}
		deferred, _ := lazy.lazy.pages()
		maps.Copy(deferred, lazy.Tree)
		for _, u := range []string{"currency/index.html", "soa/index.html", "processes/index.html", "print/index.html"} {
			for how, tree := range map[string]view.Tree{"in memory": plain.Tree, "writing as it goes": ms.files} {
				if string(tree[u]) != string(deferred[u]) {
					t.Errorf("%s: %s: the build %s and the preview's differ:\n%s", probe, u, how, firstDiff(string(deferred[u]), string(tree[u])))
				}
			}
		}
		if strings.Contains(probe, "scripts:") {
			if page := string(plain.Tree["currency/index.html"]); !strings.Contains(page, `scripts: 1</p>`) {
				t.Errorf("the currency page does not count its script: %q", regexp.MustCompile(`scripts: [0-9]+`).FindAllString(page, -1))
			}
			if cp := string(plain.Tree["print/index.html"]); !strings.Contains(cp, `scripts: 0</p>`) {
				t.Errorf("the copy's part counts the page's script: %q", regexp.MustCompile(`scripts: [0-9]+`).FindAllString(cp, -1))
			}
		}
	}
}

// TestControlPanelShared: a document's control panel, made once for its
// page and its part in the auditor's copy (view.DocView.Control), is
// what each page made for itself before: the pages of the default
// theme's layouts are those of the same layouts calling the partial in
// place, in a build in memory, in one writing as it goes, and in the
// preview's, which makes each page alone.
func TestControlPanelShared(t *testing.T) {
	t.Parallel()
	doc := func(id, title, typ, extra string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\nid: " + id + "\ntitle: " + title + "\ntype: " + typ + "\nowner: CISO & <IT>\nreviewed: 2026-01-01\n" + extra + "---\nBody of " + id + ", see [B](/policies/b.md).\n")}
	}
	site := fstest.MapFS{
		"content/policies/a.md":  doc("POL-A", "A <policy>", "policy", "status: approved\nversion: \"1.2\"\napproved_by: Board\napproved: 2025-12-01\nclassification: internal\ncontrols: [\"5.1\", \"8.24\"]\n"),
		"content/policies/b.md":  doc("POL-B", "B policy", "policy", "status: draft\nreview_every: monthly\n"),
		"content/processes/x.md": doc("PRC-AUDIT", "Audit", "process", "phase: check\nclause: [\"9.2\", \"9.3\"]\ninputs: [{from: POL-A, what: scope}]\n"),
		"content/policies/r.md":  doc("POL-OLD", "Retired policy", "policy", "status: retired\n"),
	}
	unshared := maps.Clone(site)
	for name, call := range map[string]string{
		"document": `{{if .Control}}{{.Control}}{{else}}{{template "control-panel" .}}{{end}}`,
		"print":    `{{if .Doc.Control}}{{.Doc.Control}}{{else}}{{template "control-panel" .Doc}}{{end}}`,
	} {
		layout, err := fs.ReadFile(themes.Default(), "layouts/"+name+".html")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(layout, []byte(call)) {
			t.Fatalf("layouts/%s.html does not show the shared panel as %s", name, call)
		}
		in := strings.TrimSuffix(strings.TrimPrefix(call[strings.Index(call, "{{else}}"):], "{{else}}"), "{{end}}")
		unshared["themes/default/layouts/"+name+".html"] = &fstest.MapFile{Data: bytes.Replace(layout, []byte(call), []byte(in), 1)}
	}
	want := buildOK(t, unshared).Tree
	// The panel is made once where the layouts show it: a print.html
	// that marks each part whose panel was given counts them.
	marked := maps.Clone(site)
	printLayout, err := fs.ReadFile(themes.Default(), "layouts/print.html")
	if err != nil {
		t.Fatal(err)
	}
	marked["themes/default/layouts/print.html"] = &fstest.MapFile{Data: bytes.Replace(printLayout, []byte(`{{template "control-panel" .Doc}}{{end}}`),
		[]byte(`{{template "control-panel" .Doc}}{{end}}{{if .Doc.Control}}<i class="panel-given"></i>{{end}}`), 1)}
	if n, parts := strings.Count(string(buildOK(t, marked).Tree["print/index.html"]), `<i class="panel-given">`), strings.Count(string(want["print/index.html"]), `class="doc-control"`); n != parts || n < 2 {
		t.Errorf("%d of the copy's %d documents' panels made once for both pages", n, parts)
	}
	plain := buildOK(t, site)
	ms := &mapSink{files: view.Tree{}}
	if res, err := Build(context.Background(), Options{Site: site, Today: asOf, Sink: ms}); err != nil || res.Diags.HasErrors() {
		t.Fatalf("%v\n%s", err, res.Diags)
	}
	lazy, err := Build(context.Background(), Options{Site: site, Today: asOf, Lazy: true, Cache: NewCache()})
	if err != nil || lazy.Diags.HasErrors() {
		t.Fatalf("%v\n%s", err, lazy.Diags)
	}
	deferred, _ := lazy.lazy.pages()
	maps.Copy(deferred, lazy.Tree)
	for _, u := range []string{"policies/a/index.html", "policies/b/index.html", "processes/x/index.html", "policies/r/index.html", "print/index.html"} {
		if !strings.Contains(string(want[u]), `class="doc-control"`) {
			t.Fatalf("%s: no control panel", u)
		}
		for how, tree := range map[string]view.Tree{"in memory": plain.Tree, "writing as it goes": ms.files, "in the preview": deferred} {
			if string(tree[u]) != string(want[u]) {
				t.Errorf("%s: the build %s and the panel made in place differ:\n%s", u, how, firstDiff(string(want[u]), string(tree[u])))
			}
		}
	}
}
