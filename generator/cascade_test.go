package generator

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// One bad file is reported once, where it is: other documents that name
// its id or link to it are not blamed for it. A reference to an id no
// file gives is still an error.
func TestBrokenDocumentDoesNotCascade(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"content/p/a.md": {Data: []byte("---\nid: A\ntitle: [broken\ntype: policy\nowner: o\n---\nx\n")},
		"content/p/b.md": {Data: []byte("---\nid: B\ntitle: B\ntype: process\nowner: o\nphase: do\ninputs: [A, Z]\n---\nSee [a](a.md) and [c](c.md).\n")},
	}
	res, err := Build(context.Background(), Options{Site: site, Today: asOf})
	if err != nil {
		t.Fatal(err)
	}
	got := res.Diags.String()
	for _, want := range []string{
		"content/p/a.md:3:1: error: front-matter is not valid YAML",
		`content/p/b.md:7:13: error: no document has id "Z"`,
		`content/p/b.md:9:19: error: link "c.md": no document content/p/c.md`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "error:"); n != 3 {
		t.Errorf("%d errors, want 3 (nothing blamed on b.md for a.md's error):\n%s", n, got)
	}
}

// Site-absolute links are checked like relative ones, under base_url's
// path: to a document's file or page, to a file, to what reports and the
// theme publish; one above the root is another application's and left
// alone.
func TestRootAbsoluteLinks(t *testing.T) {
	t.Parallel()
	build := func(extra string) string {
		t.Helper()
		body := "[a](/isms/policies/a.md#purpose) [b](/isms/policies/a/) [soa](/isms/soa/#control-5-1) " +
			"[css](/isms/assets/style.css) [home](/isms/) [other](/wiki/page)" + extra + "\n"
		site := fstest.MapFS{
			"isms.yaml":             {Data: []byte("base_url: https://intranet.example/isms/\n")},
			"content/policies/a.md": {Data: []byte("---\nid: A\ntitle: A\ntype: policy\nowner: o\n---\n## Purpose\n\n" + body)},
		}
		res, err := Build(context.Background(), Options{Site: site, Today: asOf})
		if err != nil {
			t.Fatal(err)
		}
		return res.Diags.String()
	}
	if got := build(""); got != "" {
		t.Errorf("good site-absolute links reported:\n%s", got)
	}
	for _, tc := range []struct{ link, want string }{
		{" [x](/isms/policies/gone.md)", `content/policies/a.md:9:152: error: link "/isms/policies/gone.md": no document content/policies/gone.md`},
		{" [z](/isms/policies/a.md#nope)", `content/policies/a.md:9:152: error: link "/isms/policies/a.md#nope": content/policies/a.md has no heading with id "nope"`},
		{" [y](/isms/nothing/here/)", `content/policies/a.md:9:152: error: link "/isms/nothing/here/": the site publishes nothing at /isms/nothing/here/ (broken-link)`},
	} {
		if got := build(tc.link); !strings.Contains(got, tc.want) || strings.Count(got, "error:") != 1 {
			t.Errorf("%s:\n%s\nwant only %s", tc.link, got, tc.want)
		}
	}
}

// Links may target a heading's {#custom-id} and the id of a heading in
// any script ("#übersicht").
func TestHeadingTargets(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"content/policies/a.md": {Data: []byte("---\nid: A\ntitle: A\ntype: policy\nowner: o\n---\n## Übersicht\n\n## Scope {#geltungsbereich}\n\nSee [b](b.md#übersicht), [here](#geltungsbereich).\n")},
		"content/policies/b.md": {Data: []byte("---\nid: B\ntitle: B\ntype: policy\nowner: o\n---\n## Übersicht\n\nSee [a](a.md#geltungsbereich).\n")},
	}
	res, err := Build(context.Background(), Options{Site: site, Today: asOf})
	if err != nil || res.Tree == nil {
		t.Fatalf("%v\n%s", err, res.Diags)
	}
	page := string(res.Tree["policies/a/index.html"])
	for _, want := range []string{`<h2 id="übersicht">Übersicht</h2>`, `<h2 id="geltungsbereich">Scope</h2>`, `href="/policies/b/#%C3%BCbersicht"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

// A named anchor in raw HTML (<a id="x"></a>) is a link target, kept as an
// empty element with that id even though raw HTML is dropped.
func TestRawAnchorTargets(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"content/policies/a.md": {Data: []byte("---\nid: A\ntitle: A\ntype: policy\nowner: o\n---\n<a id=\"sec-4\"></a>Text <a name='old-name'></a>, <b>bold</b>.\n\nSee [4](#sec-4), [old](#old-name).\n")},
	}
	res, err := Build(context.Background(), Options{Site: site, Today: asOf})
	if err != nil || res.Tree == nil {
		t.Fatalf("%v\n%s", err, res.Diags)
	}
	page := string(res.Tree["policies/a/index.html"])
	for _, want := range []string{`<span id="sec-4"></span>`, `<span id="old-name"></span>`, `<!-- raw HTML omitted -->bold<!-- raw HTML omitted -->`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

// /print/ carries the reports' sections of each document (the risk
// register's risks, a record's actions), as the document pages do.
func TestPrintHasDocumentSections(t *testing.T) {
	t.Parallel()
	res := sampleBuild(t)
	print := string(res.Tree["print/index.html"])
	for _, want := range []string{"R-01", "CA-2026-09-01", "EX-2026-014"} {
		if !strings.Contains(print, `<section class="doc-section`) || !strings.Contains(print, want) {
			t.Errorf("/print/ lacks the generated sections (%s)", want)
		}
	}
}

// A document whose file name holds "%" or a space is linked
// percent-encoded everywhere (navigation, references, reports), so the
// link reaches the page on a static server.
func TestOddFileNamesLinkEscaped(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"content/evidence/50%off.md": {Data: []byte("---\nid: EVD-1\ntitle: Half\ntype: evidence\nowner: o\ndate: 2026-01-01\n---\nx\n")},
		"content/processes/a b.md":   {Data: []byte("---\nid: PRC-1\ntitle: P\ntype: process\nowner: o\nphase: do\nreviewed: 2026-06-01\ninputs: [EVD-1]\n---\nx\n")},
	}
	res, err := Build(context.Background(), Options{Site: site, Today: asOf})
	if err != nil || res.Tree == nil {
		t.Fatalf("%v\n%s", err, res.Diags)
	}
	if _, ok := res.Tree["evidence/50%off/index.html"]; !ok {
		t.Fatal("the page is not published under its file's name")
	}
	page := string(res.Tree["processes/a b/index.html"])
	for _, want := range []string{`href="/evidence/50%25off/"`, `href="/processes/a%20b/history/"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, `href="/evidence/50%off/"`) {
		t.Error("a raw % in a link")
	}
	if !strings.Contains(string(res.Tree["search-index.json"]), `"u":"evidence/50%25off/"`) {
		t.Error("the search index links the raw name")
	}
}

// Every record is searchable by its id and leads to its row: a risk, an
// action, an exception of the sample.
func TestRecordsSearchable(t *testing.T) {
	t.Parallel()
	res := sampleBuild(t)
	idx := string(res.Tree["search-index.json"])
	for _, want := range []string{
		`"i":"R-11","t":"Inconsistent server hardening because the build procedure is out of date","y":"risk","u":"registers/risk-register/#R-11"`,
		`"i":"CA-2026-09-01"`, `"i":"EX-2026-014"`,
	} {
		if !strings.Contains(idx, want) {
			t.Errorf("search index lacks %s", want)
		}
	}
	if page := string(res.Tree["registers/risk-register/index.html"]); !strings.Contains(page, `id="R-11"`) {
		t.Error("the register's page has no row to land on for R-11")
	}
}

// Every page names the theme's icon, which is published: browsers asked
// for /favicon.ico on every page view and got the 404 page.
func TestFavicon(t *testing.T) {
	t.Parallel()
	res := sampleBuild(t)
	if _, ok := res.Tree["assets/favicon.svg"]; !ok {
		t.Fatal("no assets/favicon.svg")
	}
	for _, p := range []string{"index.html", "policies/access-control/index.html", "risks/index.html"} {
		if !strings.Contains(string(res.Tree[p]), `<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">`) {
			t.Errorf("%s does not name the icon", p)
		}
	}
}

// A record's status is as of the build's date where its kind knows how:
// the management-review pack sees the sample's objective OBJ-2026-06 as
// missed (its due date passed with the target not met), not as off track.
func TestRecordStatusAsOf(t *testing.T) {
	t.Parallel()
	res := sampleBuild(t)
	page := string(res.Tree["management-review/index.html"])
	i := strings.Index(page, `id="OBJ-2026-06"`)
	if i < 0 {
		i = strings.Index(page, "OBJ-2026-06")
	}
	if i < 0 || !strings.Contains(page[i:min(len(page), i+600)], ">missed<") {
		t.Error("the pack does not show OBJ-2026-06 as missed")
	}
}

// The home page shows the PDCA panel from the reports' phase tiles: each
// step with its facts and the worst state among them; on a site without
// records a step says so, and no audit or review recorded is bad.
func TestHomeEnginePanel(t *testing.T) {
	t.Parallel()
	res := sampleBuild(t)
	home := string(res.Tree["index.html"])
	for _, want := range []string{
		`<li class="pdca-step pdca-bad"><h3>Plan</h3>`, `risks above appetite`, `risks not reassessed within their interval`,
		`<h3>Do</h3>`, `overdue actions`, `<h3>Check</h3>`, `days since the last internal audit`,
		`<h3>Act</h3>`, `days since the last management review`,
	} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	empty := string(mustBuild(t, fstest.MapFS{"content/policies/a.md": {Data: []byte(policy)}}).Tree["index.html"])
	for _, want := range []string{`<li class="pdca-step pdca-none"><h3>Plan</h3>`, "No records yet.", `<li class="pdca-step pdca-bad"><h3>Act</h3>`, "management reviews recorded"} {
		if !strings.Contains(empty, want) {
			t.Errorf("the home page of a site without records lacks %q", want)
		}
	}
}
