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
	if out := a.MD.Links[0].Out; out != "/r/procedures/b/" {
		t.Errorf("folder-style link rewritten to %q, want the page URL /r/procedures/b/", out)
	}
	if s.byURL("procedures/b/") != b || s.byURL("procedures/c/") != nil {
		t.Error("byURL does not find pages by URL")
	}
}

// Links to files whose names hold "%", "#", "?" or spaces are written
// percent-encoded, so they reach the file on a static server.
func TestAssetLinksAreEscaped(t *testing.T) {
	a := page(t, "policies/a.md", "---\nid: A\ntitle: A\ntype: policy\nowner: o\n---\n\n"+
		"[1](../evidence/100%25.pdf) [2](../evidence/a%2520b.pdf) [3](<../evidence/x y.pdf>) [4](../evidence/q%3F%23.pdf) [5](../evidence/plain-file_1.pdf#p2) [6](../evidence/50%25off.md)\n")
	b := page(t, "evidence/50%off.md", "---\nid: B\ntitle: B\ntype: evidence\nowner: o\n---\n\nBody.\n")
	_, d := Link([]*Page{a, b}, []string{"evidence/100%.pdf", "evidence/a%20b.pdf", "evidence/x y.pdf", "evidence/q?#.pdf", "evidence/plain-file_1.pdf"}, Options{Root: "/r/"})
	if len(d) != 0 {
		t.Fatal(d.String())
	}
	want := []string{"/r/evidence/100%25.pdf", "/r/evidence/a%2520b.pdf", "/r/evidence/x%20y.pdf", "/r/evidence/q%3F%23.pdf", "/r/evidence/plain-file_1.pdf#p2", "/r/evidence/50%25off/"}
	for i, w := range want {
		if got := a.MD.Links[i].Out; got != w {
			t.Errorf("link %d: %q, want %q", i+1, got, w)
		}
	}
	html, err := markdown.New(markdown.Options{}).Render(a.MD)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(string(html), `href="`+w+`"`) {
			t.Errorf("rendered HTML lacks href=%q:\n%s", w, html)
		}
	}
}
