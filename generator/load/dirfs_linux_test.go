package load

import (
	"os"
	"path/filepath"
	"testing"
)

// readBeneath, DirFS's one-openat2 read, reads the plain case itself and
// leaves every link, escape and pipe to os.Root's path: it must never
// answer one of them (TestDirFS holds the answers os.Root gives).
func TestReadBeneath(t *testing.T) {
	dir := linkedDir(t)
	write(t, filepath.Join(dir, "empty.md"), "")
	if err := os.Symlink(filepath.Join(dir, "b.txt"), filepath.Join(dir, "a/abs.md")); err != nil {
		t.Fatal(err) // absolute, and inside
	}
	d := dirFS(dir)
	b, ok := d.readBeneath("a/doc.md")
	if noOpenat2.Load() {
		t.Skip("no openat2 here (Linux 5.6 and later): DirFS reads through os.Root alone")
	}
	if !ok || string(b) != doc {
		t.Errorf("a/doc.md: %q %v, want the document", b, ok)
	}
	if b, ok := d.readBeneath("empty.md"); !ok || len(b) != 0 {
		t.Errorf("empty.md: %q %v, want no bytes", b, ok)
	}
	for _, name := range []string{"passwd", "etc/passwd", "in.txt", "a/abs.md", "up/" + filepath.Base(dir) + "/b.txt", "pipe", "a", ".", "../b.txt", "/etc/passwd", "missing.md"} {
		if b, ok := d.readBeneath(name); ok {
			t.Errorf("%s: read %d bytes, want it left to os.Root", name, len(b))
		}
	}
	// A listed file replaced by a link before it is read.
	if err := os.Remove(filepath.Join(dir, "b.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(dir, "b.txt")); err != nil {
		t.Fatal(err)
	}
	if b, ok := d.readBeneath("b.txt"); ok {
		t.Errorf("b.txt replaced by a link: read %d bytes", len(b))
	}
}
