package link

import (
	"testing"

	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
)

func page(t *testing.T, p, src string) *Page {
	t.Helper()
	doc, d := model.Decode(p, "content/"+p, []byte(src))
	if doc == nil {
		t.Fatal(d.String())
	}
	return NewPage(doc, markdown.New(markdown.Options{}).Parse([]byte(src)), "content/"+p)
}

func TestFolderStyleLinkResolvesThroughURLIndex(t *testing.T) {
	a := page(t, "policies/a.md", "---\nid: A\ntitle: A\ntype: policy\nowner: o\n---\n\nSee [b](../procedures/b/) and [c](../procedures/c/).\n")
	b := page(t, "procedures/b.md", "---\nid: B\ntitle: B\ntype: procedure\nowner: o\n---\n\nBody.\n")
	s, d := Link([]*Page{b, a}, nil, Options{Root: "/r/"})
	if len(d) != 1 || d[0].Code != "broken-link" {
		t.Fatalf("want one broken-link for ../procedures/c/, got:\n%s", d.String())
	}
	if out := a.MD.Links[0].Out; out != "/r/procedures/b/" {
		t.Errorf("folder-style link rewritten to %q, want the page URL /r/procedures/b/", out)
	}
	if s.byURL("procedures/b/") != b || s.byURL("procedures/c/") != nil {
		t.Error("byURL does not find pages by URL")
	}
}
