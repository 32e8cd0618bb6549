package generator

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/internal/testmode"
)

// sampleMap is the sample site (content/ and isms.yaml) as a file system
// a test may edit.
func sampleMap(t testing.TB) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := os.DirFS("..")
	for _, top := range []string{"content", "isms.yaml"} {
		err := fs.WalkDir(root, top, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(root, p)
			m[p] = &fstest.MapFile{Data: b, Mode: 0o644}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func lazyBuild(t testing.TB, site fs.FS, dir string, c *Cache) *Result {
	t.Helper()
	res, err := Build(context.Background(), Options{Site: site, SiteDir: dir, AsOf: asOf, Cache: c, Lazy: true})
	if err != nil || res.Tree == nil {
		t.Fatalf("build: %v\n%s", err, res.Diags)
	}
	return res
}

// bodyEdits are saves that change a document's body and nothing any other
// page shows: Speculate must take each, and render what the build renders.
var bodyEdits = []struct {
	name string
	edit func(src string, body int, step int) string
}{
	{"append a paragraph", func(s string, _, step int) string {
		return s + fmt.Sprintf("\nA paragraph saved at step %d, with *emphasis* and `code`.\n", step)
	}},
	{"insert a paragraph first (every line moves)", func(s string, body, step int) string {
		return s[:body] + fmt.Sprintf("\nInserted first, step %d.\n\n", step) + s[body:]
	}},
	{"add a heading (the table of contents changes)", func(s string, _, step int) string {
		return s + fmt.Sprintf("\n## Added section %d\n\nUnder it.\n", step)
	}},
	{"change a word", func(s string, body, step int) string {
		if i := strings.Index(s[body:], " the "); i >= 0 {
			return s[:body+i] + fmt.Sprintf(" the%d ", step) + s[body+i+len(" the "):]
		}
		return s + "\nthe end\n"
	}},
}

// TestSpeculateMatchesBuild: the page Result.Speculate renders for a
// saved document is, byte for byte, the page the build that follows
// renders, for body edits of documents of every kind in the sample (the
// edits add up, each against the build of the one before).
func TestSpeculateMatchesBuild(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	c := NewCache()
	res := lazyBuild(t, site, "", c)
	var docs []string
	for p := range site {
		if strings.HasSuffix(p, ".md") {
			docs = append(docs, p)
		}
	}
	slices.Sort(docs)
	// The quick suite takes the first two documents of each folder (every
	// kind, each edit about as often); the full suite takes every one.
	if !testmode.Full() {
		var some []string
		for i, p := range docs {
			if i < 2 || path.Dir(docs[i-2]) != path.Dir(p) {
				some = append(some, p)
			}
		}
		docs = some
	}
	taken := 0
	for i := range docs {
		p := docs[i]
		var page *struct{ body int }
		for _, lp := range res.Site.Pages {
			if lp.Display == p {
				page = &struct{ body int }{lp.Doc.BodyOffset}
			}
		}
		if page == nil {
			continue // not a document page (a draft left out, say)
		}
		e := bodyEdits[i%len(bodyEdits)]
		src := e.edit(string(site[p].Data), page.body, i)
		key, b, ok := res.Speculate(p, []byte(src))
		if !ok {
			t.Errorf("%s, %s: Speculate declined", p, e.name)
			continue
		}
		taken++
		site[p] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
		res = lazyBuild(t, site, "", c)
		if got := res.Tree[key]; string(got) != string(b) {
			t.Fatalf("%s, %s: the speculated %s differs from the build's:\n%s", p, e.name, key, firstDiff(string(b), string(got)))
		}
	}
	if taken < len(docs)/2 {
		t.Errorf("only %d speculations were checked", taken)
	}
}

// TestSpeculateDeclines: a save that may change another page, or that
// the build would reject, is not speculated.
func TestSpeculateDeclines(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	res := lazyBuild(t, site, "", NewCache())
	const p = "content/policies/access-control.md"
	src := string(site[p].Data)
	body := strings.Index(src[3:], "\n---\n") + 3 + len("\n---\n")
	for _, c := range []struct{ name, src string }{
		{"a front-matter field", strings.Replace(src, "title: ", "title: Renamed ", 1)},
		{"a link added", src + "\nSee [the manual](../manual/isms-manual.md).\n"},
		{"an image added", src + "\n![logo](/logo.png)\n"},
		{"a Mermaid diagram added", src + "\n```mermaid\ngraph TD; A-->B\n```\n"},
		{"a diagram that does not parse", src + "\n```dot\ndigraph { a -> }\n```\n"},
		{"the front-matter broken", "---\ntitle: [\n" + src[body:]},
		{"another file", src},
	} {
		path := p
		if c.name == "another file" {
			path = "content/nothing/here.md"
		}
		if _, _, ok := res.Speculate(path, []byte(c.src)); ok {
			t.Errorf("%s: speculated", c.name)
		}
	}
	if _, _, ok := res.Speculate(p, []byte(src+"\nPlain words.\n")); !ok {
		t.Error("a plain body edit was declined: the cases above prove nothing")
	}
	if _, _, ok := (&Result{Site: res.Site, Tree: res.Tree}).Speculate(p, []byte(src+"\nPlain words.\n")); ok {
		t.Error("an eager build (no Options.Lazy) speculated")
	}
	// An edition's tree is redacted whole: a page rendered against it
	// alone would not be (isms serve --edition never speculates).
	ed, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: NewCache(), Lazy: true, Edition: "staff"})
	if err != nil || ed.Tree == nil {
		t.Fatalf("staff edition: %v\n%s", err, ed.Diags)
	}
	if _, _, ok := ed.Speculate(p, []byte(src+"\nPlain words.\n")); ok {
		t.Error("an edition's build speculated")
	}
}

// TestSpeculateUncommitted: in a git repository, the first save after a
// commit turns the page's "last changed" into "uncommitted changes", and
// a save back to the committed text turns it back — in the speculated
// page as in the build's.
func TestSpeculateUncommitted(t *testing.T) {
	t.Parallel()
	dir := gitSite(t)
	site := os.DirFS(dir)
	c := NewCache()
	res := lazyBuild(t, site, dir, c)
	const p = "content/policies/access-control.md"
	committed, err := os.ReadFile(filepath.Join(dir, p))
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		src  []byte
		want string
	}{
		{append(slices.Clone(committed), "\nSaved, not committed.\n"...), "uncommitted changes"},
		{committed, "2025-08-01 by Ada Auditor"},
	} {
		key, b, ok := res.Speculate(p, step.src)
		if !ok {
			t.Fatal("Speculate declined a body edit")
		}
		if !strings.Contains(string(b), step.want) {
			t.Errorf("speculated page lacks %q", step.want)
		}
		if err := os.WriteFile(filepath.Join(dir, p), step.src, 0o644); err != nil {
			t.Fatal(err)
		}
		res = lazyBuild(t, site, dir, c)
		if got := res.Tree[key]; string(got) != string(b) {
			t.Fatalf("the speculated page differs from the build's:\n%s", firstDiff(string(b), string(got)))
		}
	}
}
