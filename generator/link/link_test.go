package link

import (
	"strings"
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
	if out := a.Dests[0]; out != "/r/procedures/b/" {
		t.Errorf("folder-style link rewritten to %q, want the page URL /r/procedures/b/", out)
	}
	if s.byURL("procedures/b/") != b || s.byURL("procedures/c/") != nil {
		t.Error("byURL does not find pages by URL")
	}
}

// Link writes what it finds into its own pages, never into the decoded
// document or its parse: two builds (here with different roots) can share
// them, as the preview cache and editions do.
func TestLinkLeavesDocumentsUnchanged(t *testing.T) {
	src := "---\nid: A\ntitle: A\ntype: policy\nowner: o\ncontrols: [\"A.5.15\", \"8.8\"]\n---\n\nSee [b](../procedures/b.md).\n"
	a := page(t, "policies/a.md", src)
	b := page(t, "procedures/b.md", "---\nid: B\ntitle: B\ntype: procedure\nowner: o\n---\n\nBody.\n")
	norm := func(c string) (string, bool) { return strings.TrimPrefix(c, "A."), true }
	for _, root := range []string{"/one/", "/two/"} {
		pa, pb := NewPage(a.Doc, a.MD, a.Display), NewPage(b.Doc, b.MD, b.Display)
		if _, d := Link([]*Page{pa, pb}, nil, Options{Root: root, NormalizeControl: norm}); len(d) != 0 {
			t.Fatal(d.String())
		}
		if got := pa.Dests[0]; got != root+"procedures/b/" {
			t.Errorf("root %s: link rendered as %q", root, got)
		}
		if got := strings.Join(pa.Controls, " "); got != "5.15 8.8" {
			t.Errorf("root %s: controls %q, want normalised 5.15 8.8", root, got)
		}
	}
	if got := strings.Join(a.Doc.Controls, " "); got != "A.5.15 8.8" {
		t.Errorf("the document's controls were changed to %q", got)
	}
	if a.MD.Links[0].Dest != "../procedures/b.md" {
		t.Errorf("the parse's link was changed to %q", a.MD.Links[0].Dest)
	}
}
