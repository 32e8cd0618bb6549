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
