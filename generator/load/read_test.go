package load

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/isms-project/isms/generator/diag"
)

const doc = "---\nid: A\ntitle: A\ntype: policy\nowner: X\n---\nbody\n"

func write(t *testing.T, p, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readDir runs ReadLimited on a real folder and fails the test if it does
// not return within 10 s (a FIFO that is opened blocks forever).
func readDir(t *testing.T, dir string, lim Limits) (Content, diag.List) {
	t.Helper()
	type result struct {
		c Content
		d diag.List
	}
	done := make(chan result, 1)
	go func() {
		c, d := ReadLimited(os.DirFS(dir), "content/", lim)
		done <- result{c, d}
	}()
	select {
	case r := <-done:
		return r.c, r.d
	case <-time.After(10 * time.Second):
		t.Fatal("Read hangs (did it open a named pipe?)")
	}
	return Content{}, nil
}

func find(l diag.List, path, code string) *diag.Diagnostic {
	for i := range l {
		if l[i].Pos.Path == path && l[i].Code == code {
			return &l[i]
		}
	}
	return nil
}

// Symbolic links are skipped with a warning wherever they point, never
// followed; named pipes are skipped without being opened.
func TestReadRegularFilesOnly(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "policies/a.md"), doc)
	write(t, filepath.Join(dir, "evidence/ok.txt"), "fine")
	links := map[string]string{
		"evidence/passwd.txt": "/etc/passwd",
		"evidence/environ":    "/proc/self/environ",
		"evidence/zero.bin":   "/dev/zero",
		"evidence/etc":        "/etc",                                    // a folder outside
		"policies/copy.md":    filepath.Join(dir, "policies/a.md"),       // inside the site
		"policies/rel.md":     "a.md",                                    // relative, inside
		"evidence/up.txt":     "../../" + filepath.Base(dir) + "/secret", // relative, outside
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "evidence/pipe.csv"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "policies/pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, diags := readDir(t, dir, Limits{})
	if diags.HasErrors() {
		t.Fatalf("errors:\n%s", diags)
	}
	if len(c.Docs) != 1 || c.Docs[0].Path != "policies/a.md" || string(c.Docs[0].Data) != doc {
		t.Errorf("docs = %+v", c.Docs)
	}
	if !slices.Equal(c.Assets, []string{"evidence/ok.txt"}) {
		t.Errorf("assets = %q, want only evidence/ok.txt", c.Assets)
	}
	for name := range links {
		d := find(diags, "content/"+name, "symlink")
		if d == nil || d.Severity != diag.Warning {
			t.Errorf("no symlink warning for %s:\n%s", name, diags)
		}
	}
	for _, name := range []string{"evidence/pipe.csv", "policies/pipe.md"} {
		d := find(diags, "content/"+name, "special-file")
		if d == nil || d.Severity != diag.Warning || !strings.Contains(d.Msg, "named pipe") {
			t.Errorf("no special-file warning for %s:\n%s", name, diags)
		}
	}
}

func TestReadSizeLimits(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "small.md"), doc)
	write(t, filepath.Join(dir, "big.md"), doc+strings.Repeat("x", 2000))
	write(t, filepath.Join(dir, "big.pdf"), strings.Repeat("x", 5000))
	write(t, filepath.Join(dir, "ok.pdf"), strings.Repeat("x", 4000))
	c, diags := readDir(t, dir, Limits{Markdown: 1000, File: 4000})
	if d := find(diags, "content/big.md", "too-large"); d == nil || d.Severity != diag.Error || !strings.Contains(d.Msg, "max_markdown_size") {
		t.Errorf("big.md: %s", diags)
	}
	if d := find(diags, "content/big.pdf", "too-large"); d == nil || !strings.Contains(d.Msg, "max_file_size") {
		t.Errorf("big.pdf: %s", diags)
	}
	if len(diags) != 2 {
		t.Errorf("want 2 diagnostics:\n%s", diags)
	}
	if len(c.Docs) != 1 || !slices.Equal(c.Assets, []string{"ok.pdf"}) {
		t.Errorf("docs %d, assets %q", len(c.Docs), c.Assets)
	}
	// The defaults: 20 MB and 100 MB.
	big := filepath.Join(dir, "huge.bin")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(DefaultFileLimit + 1); err != nil { // sparse: no disk used
		t.Fatal(err)
	}
	f.Close()
	_, diags = readDir(t, dir, Limits{})
	if d := find(diags, "content/huge.bin", "too-large"); d == nil || !strings.Contains(d.Msg, "limit of 100 MB") {
		t.Errorf("huge.bin: %s", diags)
	}
	if find(diags, "content/big.md", "too-large") != nil {
		t.Errorf("big.md is under the default limit:\n%s", diags)
	}
}

// Names with control characters (terminal escapes) or invisible
// characters (a right-to-left override) are refused, and so is an active
// type whose extension is not in lower case.
func TestReadBadNames(t *testing.T) {
	dir := t.TempDir()
	bad := []string{
		"evidence/\x1b]0;pwned\x07.txt",
		"evidence/new\nline.md",
		"evidence/\u202egnp.exe",
		"evidence/zero\u200bwidth.pdf",
		"bad\u2066dir/inner.md",
		"evidence/Report.HTML",
		"evidence/logo.Svg",
	}
	for _, n := range bad {
		write(t, filepath.Join(dir, n), doc)
	}
	write(t, filepath.Join(dir, "evidence/ok.svg"), "<svg/>")
	write(t, filepath.Join(dir, "evidence/Café Report.PDF"), "x")
	c, diags := readDir(t, dir, Limits{})
	for _, n := range bad {
		p := "content/" + n
		if strings.HasPrefix(n, "bad") {
			p = "content/bad\u2066dir"
		}
		if d := find(diags, p, "bad-name"); d == nil || d.Severity != diag.Error {
			t.Errorf("%q: no bad-name error:\n%s", n, diags)
		}
	}
	if len(c.Docs) != 0 || !slices.Equal(c.Assets, []string{"evidence/Café Report.PDF", "evidence/ok.svg"}) {
		t.Errorf("docs %+v assets %q", c.Docs, c.Assets)
	}
	if out := diags.String(); strings.ContainsAny(out, "\x1b\x07\u202e\u200b\u2066") || strings.Count(out, "\n") != len(diags) {
		t.Errorf("raw control characters in the output:\n%q", out)
	}
}

// Other tools' templates under content/ are published as they are, with
// a located warning that they are not documents.
func TestReadWarnsTemplateSources(t *testing.T) {
	fsys := fstest.MapFS{
		"policies/access.md.tmpl": {Data: []byte("# {{.Name}} access policy\n")},
		"policies/x.j2":           {Data: []byte("{{ org }}\n")},
		"evidence/report.pdf":     {Data: []byte("%PDF")},
		"policies/access.md":      {Data: []byte("---\nid: A\n---\n")},
	}
	c, d := Read(fsys, "content/")
	got := d.String()
	for _, want := range []string{
		"content/policies/access.md.tmpl:1:1: warning: access.md.tmpl is a Go or Mustache template, not a document",
		"content/policies/x.j2:1:1: warning: x.j2 is a Jinja or Nunjucks template",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
	if strings.Count(got, "template-source") != 2 || len(c.Assets) != 3 || len(c.Docs) != 1 {
		t.Errorf("assets %v, docs %d, diagnostics:\n%s", c.Assets, len(c.Docs), got)
	}
}

// TestFetchWait: after Wait every document has been read, so a parser
// that starts then never waits on a reader.
func TestFetchWait(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 50 {
		fsys[fmt.Sprintf("d%02d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf("---\nid: D%d\n---\n", i))}
	}
	c, diags := ListLimited(fsys, "content/", Limits{})
	if len(diags) != 0 || len(c.Docs) != 50 {
		t.Fatalf("listing: %d documents, %v", len(c.Docs), diags)
	}
	f := c.Fetch(fsys, "content/", Limits{})
	f.Wait()
	for i, ch := range f.ready {
		select {
		case <-ch:
		default:
			t.Fatalf("document %d not read after Wait", i)
		}
	}
	if data, d := f.Doc(7); d != nil || !bytes.Contains(data, []byte("id: D7")) {
		t.Errorf("Doc(7) = %q, %v", data, d)
	}
}
