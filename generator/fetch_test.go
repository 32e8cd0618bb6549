package generator

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/load"
)

// flakyFS fails to read one file and hands out another bigger than its
// listing said: what a disk error, or an editor saving while the build
// lists the folder, does to a build that reads documents while it
// parses the first ones.
type flakyFS struct {
	m          fstest.MapFS
	fail, grow string
}

func (f flakyFS) ReadDir(name string) ([]fs.DirEntry, error) { return f.m.ReadDir(name) }
func (f flakyFS) Stat(name string) (fs.FileInfo, error)      { return f.m.Stat(name) }

func (f flakyFS) Open(name string) (fs.File, error) {
	if name == f.fail {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("input/output error")}
	}
	return f.m.Open(name)
}

func (f flakyFS) ReadFile(name string) ([]byte, error) {
	switch name {
	case f.fail:
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("input/output error")}
	case f.grow:
		b, err := f.m.ReadFile(name)
		return append(b, strings.Repeat("x", 1<<20)...), err
	}
	return f.m.ReadFile(name)
}

// TestBuildDocumentsUnreadable: a document that cannot be read, or grew
// over max_markdown_size after the folder was listed, is a located
// error; the other documents still parse and nothing is rendered.
func TestBuildDocumentsUnreadable(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	site["isms.yaml"].Data = append(site["isms.yaml"].Data, "\nmax_markdown_size: 512KB\n"...)
	fsys := flakyFS{m: site, fail: "content/policies/access-control.md", grow: "content/policies/backup.md"}
	for _, p := range []string{fsys.fail, fsys.grow} {
		if _, ok := site[p]; !ok {
			t.Fatalf("the sample has no %s", p)
		}
	}
	res, err := Build(context.Background(), Options{Site: fsys, Today: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree != nil {
		t.Error("a build with unreadable documents rendered a tree")
	}
	got := res.Diags.String()
	for _, want := range []string{
		"content/policies/access-control.md: error: read policies/access-control.md: input/output error (read)",
		"content/policies/backup.md: error: file is 1.0 MB, over the limit of 512 KB (max_markdown_size in isms.yaml) (too-large)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics lack %q:\n%s", want, got)
		}
	}
	if res.Site == nil || len(res.Site.Pages) < 10 {
		t.Errorf("the other documents were not parsed: %v", res.Site)
	}
}

// lyingFS lists every entry of a load.DirFS as a regular file: what a
// listing sees when a document is swapped for a link after it.
type lyingFS struct{ fs.FS }

func (l lyingFS) ReadDir(name string) ([]fs.DirEntry, error) {
	es, err := fs.ReadDir(l.FS, name)
	for i, e := range es {
		if e.Type()&fs.ModeSymlink != 0 {
			es[i] = regularEntry{e}
		}
	}
	return es, err
}

type regularEntry struct{ fs.DirEntry }

func (regularEntry) Type() fs.FileMode { return 0 }
func (e regularEntry) Info() (fs.FileInfo, error) {
	return fstest.MapFS{e.Name(): {Data: []byte("x")}}.Stat(e.Name())
}

// TestBuildReadsNoSwappedLink: a document that is a symbolic link by the
// time it is read (documents are read while others are parsed) is
// refused by the folder isms build reads through (load.DirFS), never
// followed out of the site.
func TestBuildReadsNoSwappedLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.md")
	if err := os.WriteFile(secret, []byte("---\nid: SECRET-1\ntitle: Outside the site\ntype: policy\nowner: x\n---\nTOP SECRET\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "content", "policies"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "content", "policies", "swapped.md")); err != nil {
		t.Fatal(err)
	}
	res, err := Build(context.Background(), Options{Site: lyingFS{load.DirFS(dir)}, Today: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Diags.String(); !strings.Contains(got, "content/policies/swapped.md: error: open policies/swapped.md: not a regular file") {
		t.Errorf("the swapped document is not a read error (%d files):\n%s", len(res.Tree), got)
	}
	for name, b := range res.Tree {
		if strings.Contains(string(b), "TOP SECRET") || strings.Contains(string(b), "SECRET-1") {
			t.Errorf("%s holds the text from outside the site", name)
		}
	}
}
