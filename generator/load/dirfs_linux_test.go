package load

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readBeneath, DirFS's one-openat2 read, reads the plain case itself,
// refuses a pipe as Open does, and leaves every path through a link, every
// escape and every folder to os.Root's walk: ReadFile then answers exactly
// as readRoot (os.Root alone) does.
func TestReadBeneath(t *testing.T) {
	dir := linkedDir(t)
	write(t, filepath.Join(dir, "empty.md"), "")
	write(t, filepath.Join(dir, "real/f.md"), "F")
	links := map[string]string{
		"a/abs.md": filepath.Join(dir, "b.txt"), // absolute, and inside
		"c1":       "real",                      // a folder inside, through a link
		"dot":      ".",
		"real/up":  "..",
	}
	for i := 2; i <= 10; i++ { // os.Root follows eight links on the way, the kernel forty
		links[fmt.Sprintf("c%d", i)] = fmt.Sprintf("c%d", i-1)
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	d := dirFS(dir)
	b, done, err := d.readBeneath("a/doc.md")
	if noOpenat2.Load() {
		t.Skip("no openat2 here (Linux 5.6 and later): DirFS reads through os.Root alone")
	}
	if !done || err != nil || string(b) != doc {
		t.Errorf("a/doc.md: %q %v %v, want the document", b, done, err)
	}
	if b, done, err := d.readBeneath("empty.md"); !done || err != nil || len(b) != 0 {
		t.Errorf("empty.md: %q %v %v, want no bytes", b, done, err)
	}
	if _, done, err := d.readBeneath("pipe"); !done || !errors.Is(err, ErrNotRegular) {
		t.Errorf("pipe: %v %v, want it refused as Open refuses it", done, err)
	}
	names := []string{"passwd", "etc/passwd", "in.txt", "a/abs.md", "up/" + filepath.Base(dir) + "/b.txt",
		"a", ".", "../b.txt", "/etc/passwd", "missing.md", "c1/f.md", "c8/f.md", "c9/f.md", "c10/f.md",
		"dot/b.txt", strings.Repeat("dot/", 9) + "b.txt", "real/up/b.txt", strings.Repeat("real/up/", 9) + "b.txt"}
	for _, name := range names {
		if b, done, err := d.readBeneath(name); done && err == nil {
			t.Errorf("%s: read %d bytes, want it left to os.Root", name, len(b))
		}
	}
	// Whatever the path, ReadFile answers as os.Root alone does.
	for _, name := range append(names, "a/doc.md", "b.txt", "empty.md", "pipe", "real/f.md") {
		got, gerr := d.ReadFile(name)
		want, werr := d.readRoot(name)
		if !bytes.Equal(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%s: ReadFile gives %q, %v; os.Root %q, %v", name, got, gerr, want, werr)
		}
	}
	// A listed file replaced by a link before it is read.
	if err := os.Remove(filepath.Join(dir, "b.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "b.txt")); err != nil {
		t.Fatal(err)
	}
	if b, done, err := d.readBeneath("b.txt"); done && err == nil {
		t.Errorf("b.txt replaced by a link: read %d bytes", len(b))
	}
}
