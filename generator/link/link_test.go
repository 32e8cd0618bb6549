package link

import (
	"fmt"
	"net/url"
	"reflect"
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

func TestProcessListingItselfIsLocatedError(t *testing.T) {
	p := page(t, "processes/p.md", "---\nid: PRC-1\ntitle: P\ntype: process\nowner: o\nphase: do\ninputs: [PRC-2, PRC-1]\noutputs:\n  - to: PRC-1\n    what: itself\n---\n\nBody.\n")
	q := page(t, "processes/q.md", "---\nid: PRC-2\ntitle: Q\ntype: process\nowner: o\nphase: do\n---\n\nBody.\n")
	s, d := Link([]*Page{p, q}, nil, Options{})
	want := []string{
		"content/processes/p.md:7:17: error: PRC-1 lists itself in inputs: a process's inputs are other documents (self-reference)",
		"content/processes/p.md:9:9: error: PRC-1 lists itself in outputs: a process's outputs are other documents (self-reference)",
	}
	if len(d) != len(want) || d[0].String() != want[0] || d[1].String() != want[1] {
		t.Errorf("diagnostics:\n%s\nwant:\n%s\n%s", d.String(), want[0], want[1])
	}
	for _, e := range s.Edges {
		if e.From == e.To {
			t.Errorf("self edge %v kept", e)
		}
	}
}

func TestExternalImageIsLocatedWarning(t *testing.T) {
	p := page(t, "policies/a.md", "---\nid: A\ntitle: A\ntype: policy\nowner: o\n---\n\nLogo: ![Our logo](https://cdn.example/logo.png)\n")
	_, d := Link([]*Page{p}, nil, Options{})
	want := `content/policies/a.md:8:7: warning: image "https://cdn.example/logo.png" is on another host, and pages load nothing from other hosts: it is shown as a link (copy it under content/, or set unsafe_html: true) (external-image)`
	if len(d) != 1 || d[0].String() != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", d.String(), want)
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
		if got := a.Dests[i]; got != w {
			t.Errorf("link %d: %q, want %q", i+1, got, w)
		}
	}
	html, err := markdown.New(markdown.Options{}).Render(a.MD, a.Dests)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		if !strings.Contains(string(html), `href="`+w+`"`) {
			t.Errorf("rendered HTML lacks href=%q:\n%s", w, html)
		}
	}
}

// FuzzParseDest: parseDest reads a link's destination as url.Parse does
// (scheme, host, path, fragment; an error where it errs).
func FuzzParseDest(f *testing.F) {
	for _, s := range []string{"../policies/access.md", "a.md#scope", "#top", "/soa/#control-5-1", "https://example.org/x", "mailto:a@b", "a%20b.md", "a?x=1", "//host/p", "a#b#c", "résumé.md", "a b.md", "\x7f", "C:\\x", "*"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseDest(s)
		want, werr := url.Parse(s)
		if (err != nil) != (werr != nil) {
			t.Fatalf("parseDest(%q) error %v, url.Parse %v", s, err, werr)
		}
		if werr != nil {
			return
		}
		if got.Scheme != want.Scheme || got.Host != want.Host || got.Path != want.Path || got.Fragment != want.Fragment {
			t.Fatalf("parseDest(%q) = %q %q %q %q, url.Parse %q %q %q %q", s, got.Scheme, got.Host, got.Path, got.Fragment, want.Scheme, want.Host, want.Path, want.Fragment)
		}
	})
}

// TestCopyKeepsWhatLinkFound: Copy carries every field of a page but the
// line index it makes on demand, so a field added to Page is either
// copied or named here; the copy's slices are the original's, and a
// Link with Recheck leaves the copies' links as they were.
func TestCopyKeepsWhatLinkFound(t *testing.T) {
	a := page(t, "policies/a.md", "---\nid: A\ntitle: A\ntype: policy\nowner: o\ncontrols: [\"A.5.15\"]\n---\n\nSee [b](../procedures/b.md#steps) and [the SoA](/soa/).\n")
	b := page(t, "procedures/b.md", "---\nid: B\ntitle: B\ntype: procedure\nowner: o\n---\n\n## Steps\n\nSee [a](../policies/a.md) and [nothing](nothing.md).\n")
	if _, d := Link([]*Page{a, b}, nil, Options{Root: "/", NormalizeControl: func(c string) (string, bool) { return strings.TrimPrefix(c, "A."), true }}); len(d) != 1 {
		t.Fatalf("want one broken link, got:\n%s", d)
	}
	a.Pos(0) // makes the line index, which Copy leaves out
	c := a.Copy()
	va, vc := reflect.ValueOf(a).Elem(), reflect.ValueOf(c).Elem()
	for i := range va.NumField() {
		name := va.Type().Field(i).Name
		if name == "lines" {
			if !vc.Field(i).IsZero() {
				t.Error("the copy shares the line index")
			}
			continue
		}
		if va.Field(i).IsZero() {
			t.Errorf("the test page has no %s: set one, so Copy is seen to keep it", name)
		}
		if fmt.Sprint(va.Field(i)) != fmt.Sprint(vc.Field(i)) {
			t.Errorf("Copy changed %s", name)
		}
	}
	// b is rechecked against a's copy: a's copy keeps its destination and
	// controls, and b's broken link is reported again.
	b2, a2 := b.Copy(), c
	a2.Dests = []string{"/kept/"}
	_, d := Link([]*Page{a2, b2}, nil, Options{Root: "/", Recheck: b2, NormalizeControl: func(string) (string, bool) { return "", false }, ClosestControl: func(string) string { return "" }})
	if len(d) != 1 || d[0].Code != "broken-link" {
		t.Fatalf("want b's broken link alone, got:\n%s", d)
	}
	if a2.Dests[0] != "/kept/" || a2.Controls[0] != "5.15" {
		t.Errorf("Link with Recheck changed another page: dests %q, controls %q", a2.Dests, a2.Controls)
	}
	if b2.Dests[0] != "/policies/a/" {
		t.Errorf("the rechecked page's link went to %q", b2.Dests[0])
	}
}
