package generator

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/diagrams"
)

func TestProcessMapAndZeroRerenders(t *testing.T) {
	t.Parallel()
	site := siteFromTxtar(t, "../testdata/sites/basic.txtar")
	delete(site, "themes/default/layouts/document.html") // the default layout shows the neighbourhood diagram
	delete(site, "themes/default/layouts/base.html")
	dr := diagrams.NewRenderer("")
	res, err := Build(context.Background(), Options{Site: site, Today: asOf, Diagrams: dr})
	if err != nil || res.Tree == nil {
		t.Fatalf("build: %v\n%s", err, res.Diags)
	}
	m := string(res.Tree["processes/index.html"])
	for _, want := range []string{`xlink:href="/processes/risk/"`, `xlink:href="/processes/treat/"`, "Risk report", "<svg"} {
		if !strings.Contains(m, want) {
			t.Errorf("process map lacks %q", want)
		}
	}
	if _, ok := res.Tree["processes/map.svg"]; !ok {
		t.Error("no processes/map.svg")
	}
	if !strings.Contains(string(res.Tree["processes/risk/index.html"]), `class="diagram neighbourhood"`) {
		t.Error("process page lacks its neighbourhood diagram")
	}
	first := dr.Renders()
	if first == 0 {
		t.Fatal("no renders counted")
	}
	// An unrelated edit: the processes are unchanged, so nothing is drawn again.
	site["content/policies/access.md"].Data = append(site["content/policies/access.md"].Data, []byte("\nMore text.\n")...)
	if res, _ := Build(context.Background(), Options{Site: site, Today: asOf, Diagrams: dr}); res.Tree == nil {
		t.Fatalf("rebuild failed:\n%s", res.Diags)
	}
	if got := dr.Renders(); got != first {
		t.Errorf("rebuild with unchanged processes rendered %d diagrams, want 0", got-first)
	}
}

func TestConnectivityFindings(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"content/a.md": {Data: []byte("---\nid: PRC-A\ntitle: A\ntype: process\nowner: X\nphase: plan\nclause: \"6.1\"\n---\n")},
		"content/b.md": {Data: []byte("---\nid: PRC-B\ntitle: B\ntype: process\nowner: X\nphase: do\nclause: \"8.1\"\noutputs: [PRC-C]\n---\n")},
		"content/c.md": {Data: []byte("---\nid: PRC-C\ntitle: C\ntype: process\nowner: X\nphase: check\nclause: \"9.2\"\n---\n")},
		"content/d.md": {Data: []byte("---\nid: PRC-D\ntitle: D\ntype: process\nowner: X\nphase: act\nclause: \"10.1\"\noutputs: [PRC-E]\n---\n")},
		"content/e.md": {Data: []byte("---\nid: PRC-E\ntitle: E\ntype: process\nowner: X\nphase: act\nclause: \"10.2\"\n---\n")},
	}
	res, err := Build(context.Background(), Options{Site: site, Today: asOf, Diagrams: diagrams.NewRenderer("")})
	if err != nil || res.Tree == nil {
		t.Fatalf("build: %v\n%s", err, res.Diags)
	}
	rules := map[string]bool{}
	for _, f := range res.Findings {
		rules[f.Rule] = true
	}
	for _, want := range []string{"process-silo", "process-no-inputs", "process-no-outputs", "process-islands", "clause-uncovered"} {
		if !rules[want] {
			t.Errorf("no %s finding in %+v", want, res.Findings)
		}
	}
	if !strings.Contains(string(res.Tree["processes/index.html"]), "process-silo") {
		t.Error("findings not shown on /processes/")
	}
}

func TestDotFenceErrorPosition(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"content/a.md": {Data: []byte(doc("", "Intro.\n\n```dot\ndigraph {\n  a -> b;\n  b -> ;\n}\n```\n"))},
	}
	res, _ := Build(context.Background(), Options{Site: site, Today: asOf, Diagrams: diagrams.NewRenderer("")})
	if res.Tree != nil {
		t.Error("a DOT syntax error should fail the build")
	}
	if !strings.Contains(res.Diags.String(), "content/a.md:12:1: error: diagram:") {
		t.Errorf("want the error at the DOT line (content/a.md:12), got:\n%s", res.Diags)
	}
	good := fstest.MapFS{"content/a.md": {Data: []byte(doc("", "```dot\ndigraph { a -> b }\n```\n"))}}
	res, _ = Build(context.Background(), Options{Site: good, Today: asOf, Diagrams: diagrams.NewRenderer("")})
	if res.Tree == nil || !strings.Contains(string(res.Tree["a/index.html"]), "<svg") {
		t.Errorf("dot fence not drawn:\n%s", res.Diags)
	}
}

// The sample's process map as a screen reader and a tooltip meet it: no
// Graphviz names in <title>s, a group named by the drawing's title, edge
// labels tied to their edges, and one row of the interactions table per
// arrow, in the map's order.
func TestProcessMapTextAlternative(t *testing.T) {
	t.Parallel()
	res := sampleBuild(t)
	page := string(res.Tree["processes/index.html"])
	svg := page[strings.Index(page, "<svg"):strings.Index(page, "</svg>")]
	for _, not := range []string{"<title>", "cluster_", "&#45;&gt;"} {
		if strings.Contains(svg, not) {
			t.Errorf("the map on /processes/ holds %s", not)
		}
	}
	for _, want := range []string{`role="group" aria-label="ISMS process interactions"`, `<figure class="diagram process-map" aria-labelledby="map-caption">`,
		`<figcaption id="map-caption">`, `<script src="/assets/processes.js" defer></script>`, `href="/processes/map.svg">Open the map full size</a>`} {
		if !strings.Contains(page, want) {
			t.Errorf("/processes/ lacks %s", want)
		}
	}
	rows := strings.Count(page[strings.Index(page, `<table class="interactions-table">`):], "<tr><td>")
	if edges := strings.Count(page, `class="edge"`); rows != edges || rows < 30 {
		t.Errorf("the interactions table has %d rows for %d arrows", rows, edges)
	}
	first := `<tr><td><a href="/processes/context-of-the-organisation/">Context of the organisation</a> <code>PRC-CONTEXT-01</code></td><td>ISMS scope and context</td><td><a href="/processes/leadership/">Leadership and commitment</a> <code>PRC-LEAD-01</code></td></tr>`
	if !strings.Contains(page, first) {
		t.Errorf("the interactions table does not start with the first process's first output:\n%s", first)
	}
}
