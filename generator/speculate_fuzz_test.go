package generator

import (
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
		m := fstest.MapFS{}
		for k, v := range site {
			m[k] = v
		}
		m["content/policies/a.md"] = &fstest.MapFile{Data: []byte(src)}
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
	})
}
