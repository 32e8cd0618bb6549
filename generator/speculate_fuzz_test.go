package generator

import (
	"maps"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzSpeculate: whatever body a save gives a document, Speculate does
// not panic, and a page it renders is the one the build renders.
func FuzzSpeculate(f *testing.F) {
	const head = "---\nid: POL-A\ntitle: A policy\ntype: policy\nowner: X\nreviewed: 2026-10-01\n---\n"
	site := fstest.MapFS{
		"isms.yaml":             {Data: []byte("title: Fuzz\norganization: Example\n")},
		"content/policies/a.md": {Data: []byte(head + "## Steps\n\nSee [b](b.md) and [steps](#steps).\n")},
		"content/policies/b.md": {Data: []byte("---\nid: POL-B\ntitle: B policy\ntype: policy\nowner: X\nreviewed: 2026-10-01\n---\nSee [a's steps](a.md#steps).\n")},
	}
	c := NewCache()
	base := lazyBuild(f, site, "", c)
	for _, s := range []string{
		"## Steps\n",
		"## Steps\n\nMore[^1].\n\n[^1]: note\n",
		"---\n## Steps\n",
		"## Steps\r\n\r\nText\r\n",
		"## Steps\n## Steps\n\nTBD\n",
		"## Stages\n",
		"| a |\n|---|\n| 1 |\n\n```dot\ndigraph { a -> b }\n```\n",
		"",
		"\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		src := head + body + "\n\nSee [b](b.md) and [steps](#steps).\n" // the links kept: most saves are then speculated
		key, b, ok := base.Speculate("content/policies/a.md", []byte(src))
		if !ok {
			return
		}
		buildAgrees(t, site, c, "content/policies/a.md", src, key, b)
	})
}

// FuzzSpeculateFrontMatter: whatever a save writes as a document's
// title, owner and review date (any bytes, so other keys, quoting, flow
// and block YAML too), Speculate does not panic, and a page it renders
// is the one the build renders, navigation and currency included.
func FuzzSpeculateFrontMatter(f *testing.F) {
	doc := func(title, owner, reviewed string) string {
		return "---\nid: POL-A\ntitle: " + title + "\ntype: policy\nowner: " + owner + "\nreviewed: " + reviewed + "\n---\n## Steps\n\nSee [b](b.md) and [steps](#steps).\n"
	}
	site := fstest.MapFS{
		"isms.yaml":             {Data: []byte("title: Fuzz\norganization: Example\n")},
		"content/policies/a.md": {Data: []byte(doc("A policy", "X", "2026-10-01"))},
		"content/policies/b.md": {Data: []byte("---\nid: POL-B\ntitle: B policy\ntype: policy\nowner: X\nreviewed: 2026-10-01\n---\nSee [a's steps](a.md#steps).\n")},
		"content/policies/c.md": {Data: []byte("---\nid: POL-C\ntitle: C policy\ntype: policy\nowner: X\nreviewed: 2026-10-01\n---\nThird.\n")},
	}
	c := NewCache()
	base := lazyBuild(f, site, "", c)
	for _, s := range [][3]string{
		{"Zz policy", "X", "2026-10-01"}, {"\"Quoted: <b>&\"", "Y", "2024-01-01"}, {"'single'", "X", "2027-01-01"},
		{"A policy", "Owner\nstatus: draft", "2026-10-01"}, {"[a, b]", "X", "not a date"}, {"|\n  block", "X", "2026-02-30"},
		{"TBD", "X", "2026-10-01"}, {"", "X", ""}, {"B policy", "X", "2025-11-27"}, {"a\x00b", "X", "2026-10-01"},
		{"title\ntitle: twice", "X", "2026-10-01"}, {"&anchor A", "*anchor", "2026-10-01"}, {"Ünïcödé ‮", "X", "2026-10-01\nnext_review: 2026-12-01"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, title, owner, reviewed string) {
		src := doc(title, owner, reviewed)
		key, b, ok := base.Speculate("content/policies/a.md", []byte(src))
		if !ok {
			return
		}
		buildAgrees(t, site, c, "content/policies/a.md", src, key, b)
	})
}

// buildAgrees builds site with the document at path saved as src and
// checks that its page is b, the page Speculate made (key), unless the
// build rejects the save.
func buildAgrees(t *testing.T, site fstest.MapFS, c *Cache, path, src, key string, b []byte) {
	t.Helper()
	m := fstest.MapFS{}
	for k, v := range site {
		m[k] = v
	}
	m[path] = &fstest.MapFile{Data: []byte(src)}
	res, err := Build(t.Context(), Options{Site: m, AsOf: asOf, Cache: c, Lazy: true})
	if err != nil || res.Tree == nil {
		if strings.Contains(res.Diags.String(), "error") {
			return // the build rejects it: the preview goes back to the last good build
		}
		t.Fatalf("build: %v %s", err, res.Diags)
	}
	if got := res.Tree[key]; string(got) != string(b) {
		t.Fatalf("speculated page differs from the build's:\n%s", firstDiff(string(b), string(got)))
	}
}

// FuzzSpeculateEdges fuzzes a save's inputs, outputs and classification
// on a small process map (a retired process, policies among the ends,
// marking_from and an edition declared): a save Speculate takes is one
// the build accepts, and its page is the build's.
func FuzzSpeculateEdges(f *testing.F) {
	doc := func(id, title, typ, extra string) string {
		return "---\nid: " + id + "\ntitle: " + title + "\ntype: " + typ + "\nowner: X\nreviewed: 2026-10-01\nphase: do\n" + extra + "---\nBody.\n"
	}
	site := fstest.MapFS{
		"isms.yaml":              {Data: []byte("title: Fuzz\norganization: Example\nmarking_from: confidential\neditions:\n  staff: { max: internal }\n")},
		"content/processes/a.md": {Data: []byte(doc("PRC-A", "A process", "process", "inputs: [PRC-B]\noutputs: [{ to: POL-X, what: \"rules\" }]\n"))},
		"content/processes/b.md": {Data: []byte(doc("PRC-B", "B process", "process", "outputs: [{ to: PRC-A, what: \"stuff\" }]\n"))},
		"content/processes/c.md": {Data: []byte(doc("PRC-C", "C process", "process", "inputs: [PRC-A, POL-Y]\n"))},
		"content/processes/r.md": {Data: []byte(doc("PRC-R", "Retired process", "process", "status: retired\n"))},
		"content/policies/x.md":  {Data: []byte("---\nid: POL-X\ntitle: X policy\ntype: policy\nowner: X\nreviewed: 2026-10-01\ninputs: [PRC-C]\n---\nX.\n")},
		"content/policies/y.md":  {Data: []byte("---\nid: POL-Y\ntitle: Y policy\ntype: policy\nowner: X\nreviewed: 2026-10-01\n---\nY.\n")},
	}
	c := NewCache()
	base := lazyBuild(f, site, "", c)
	for _, s := range [][3]string{
		{"[PRC-B, PRC-B]", "[]", ""},
		{"[{ from: PRC-B, what: a }, { from: PRC-B, what: b }]", "[PRC-C]", "restricted"},
		{"[PRC-R]", "[POL-Y]", "public"},
		{"[POL-X]", "[{ to: POL-X, what: \"\" }]", "confidential"},
		{"[]", "[PRC-B]", "internal"},
		{"[{ from: PRC-C, what: \"<b>&\" }]", "[PRC-C]", ""},
		{"[PRC-A]", "[]", ""}, {"[NOPE]", "[]", ""}, {"PRC-B", "{}", "secret"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	saves := []struct{ path, id, title, typ, extra string }{
		{"content/processes/a.md", "PRC-A", "A process", "process", ""},
		{"content/policies/y.md", "POL-Y", "Y policy", "policy", ""},
		{"content/processes/b.md", "PRC-B", "B process", "process", "status: retired\n"},
		{"content/processes/c.md", "PRC-C", "C process", "process", ""},
	}
	f.Fuzz(func(t *testing.T, inputs, outputs, class string) {
		extra := "inputs: " + inputs + "\noutputs: " + outputs + "\n"
		if class != "" {
			extra += "classification: " + class + "\n"
		}
		for _, s := range saves {
			src := doc(s.id, s.title, s.typ, extra+s.extra)
			key, b, ok := base.Speculate(s.path, []byte(src))
			if !ok {
				continue
			}
			m := maps.Clone(site)
			m[s.path] = &fstest.MapFile{Data: []byte(src)}
			res, err := Build(t.Context(), Options{Site: m, AsOf: asOf, Cache: c, Lazy: true})
			if err != nil || res.Tree == nil {
				t.Fatalf("%s speculated, but the build rejects it: %v\n%s", s.path, err, res.Diags)
			}
			if got := res.Tree[key]; string(got) != string(b) {
				t.Fatalf("%s: the speculated page differs from the build's:\n%s", s.path, firstDiff(string(b), string(got)))
			}
		}
	})
}
