package load

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/fstest"
	"time"
)

// DirFS reads regular files and folders, and refuses links (inside or out
// of the folder) and pipes without waiting on them.
func TestDirFS(t *testing.T) {
	dir := linkedDir(t)
	fsys := DirFS(dir)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if b, err := fs.ReadFile(fsys, "a/doc.md"); err != nil || string(b) != doc {
			t.Errorf("a/doc.md: %q %v", b, err)
		}
		if b, err := fs.ReadFile(fsys, "b.txt"); err != nil || string(b) != "bee" {
			t.Errorf("b.txt: %q %v", b, err)
		}
		for _, name := range []string{"passwd", "etc/passwd", "in.txt", "up/" + filepath.Base(dir) + "/b.txt", "pipe"} {
			if b, err := fs.ReadFile(fsys, name); err == nil {
				t.Errorf("%s: read %d bytes, want a refusal", name, len(b))
			}
		}
		if _, err := fsys.Open("pipe"); !errors.Is(err, ErrNotRegular) {
			t.Errorf("pipe: %v", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("DirFS blocks on a named pipe")
	}
	// fs.FS conformance over the regular part.
	clean := t.TempDir()
	write(t, filepath.Join(clean, "a/doc.md"), doc)
	write(t, filepath.Join(clean, "b.txt"), "bee")
	if err := fstest.TestFS(DirFS(clean), "a/doc.md", "b.txt"); err != nil {
		t.Error(err)
	}
}

// linkedDir is a folder with two files (a/doc.md, b.txt), links out of
// it (passwd, etc), inside it (in.txt), up and back in (up) and a named
// pipe (pipe).
func linkedDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a/doc.md"), doc)
	write(t, filepath.Join(dir, "b.txt"), "bee")
	for name, target := range map[string]string{"passwd": "/etc/passwd", "etc": "/etc", "in.txt": "b.txt", "up": ".."} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
