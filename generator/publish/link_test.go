//go:build unix

package publish

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"testing/fstest"
)

// TestFolderLinksUnchangedFiles: a republish reuses unchanged files by hard
// link and writes changed ones; the previous build's own files are never
// modified in place (a changed file gets a new inode).
func TestFolderLinksUnchangedFiles(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "public")
	v1 := fstest.MapFS{"same.html": {Data: []byte("same")}, "changed.html": {Data: []byte("old")}}
	if err := Folder(dest, v1); err != nil {
		t.Fatal(err)
	}
	ino := func(p string) uint64 {
		st, err := os.Stat(filepath.Join(dest, p))
		if err != nil {
			t.Fatal(err)
		}
		return st.Sys().(*syscall.Stat_t).Ino
	}
	same, changed := ino("same.html"), ino("changed.html")
	v2 := fstest.MapFS{"same.html": {Data: []byte("same")}, "changed.html": {Data: []byte("new")}}
	if err := Folder(dest, v2); err != nil {
		t.Fatal(err)
	}
	if ino("same.html") != same {
		t.Error("an unchanged file was written again instead of linked")
	}
	if ino("changed.html") == changed {
		t.Error("a changed file kept its old inode")
	}
	if b, _ := os.ReadFile(filepath.Join(dest, "changed.html")); string(b) != "new" {
		t.Errorf("changed.html = %q", b)
	}
	st, _ := os.Stat(filepath.Join(dest, "same.html"))
	if st.Mode().Perm() != fileMode {
		t.Errorf("linked file mode %v", st.Mode())
	}
}
