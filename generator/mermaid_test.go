package generator

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/view"
)

// Mermaid (5.5 MB) is published only by a site with a ```mermaid fence,
// with its licence, and only the pages that draw one (the document and
// the print page) load it. In the preview, an edit that adds the first
// fence brings it in, and removing it takes it out again.
func TestMermaidAssetsOnlyWhenUsed(t *testing.T) {
	t.Parallel()
	plain := "---\nid: POL-1\ntitle: Policy\ntype: policy\nowner: CISO\nreviewed: 2026-06-01\n---\nText.\n"
	process := "---\nid: PRC-1\ntitle: Process\ntype: process\nowner: CISO\nreviewed: 2026-06-01\n---\n"
	drawn := process + "```mermaid\nflowchart LR\n  A --> B\n```\n"
	site := fstest.MapFS{"content/policies/p.md": {Data: []byte(plain)}, "content/processes/q.md": {Data: []byte(process + "Text.\n")}}
	c := NewCache()
	check := func(step string, want bool) {
		t.Helper()
		tree := cacheBuild(t, site, c)
		for _, a := range []string{"assets/vendor/mermaid/mermaid.min.js", "assets/vendor/mermaid/LICENSE", "assets/mermaid.js"} {
			if _, ok := tree[a]; ok != want {
				t.Errorf("%s: %s published: %v, want %v", step, a, ok, want)
			}
		}
		for page, loads := range map[string]bool{"policies/p/index.html": false, "processes/q/index.html": want, "print/index.html": want, "index.html": false} {
			html := string(tree[page])
			for _, s := range view.MermaidScripts {
				if got := strings.Contains(html, `<script src="/`+s+`" defer>`); got != loads {
					t.Errorf("%s: %s loads %s: %v, want %v", step, page, s, got, loads)
				}
			}
		}
	}
	check("no fence", false)
	site["content/processes/q.md"] = &fstest.MapFile{Data: []byte(drawn)}
	check("a fence added", true)
	site["content/processes/q.md"] = &fstest.MapFile{Data: []byte(process + "Text.\n")}
	check("the fence removed", false)
}
