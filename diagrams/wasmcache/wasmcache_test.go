package wasmcache

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOwnFolder: the folder is made 0700, closed again when opened up,
// and refused when it is a link or (as root, who can give it away)
// another user's.
func TestOwnFolder(t *testing.T) {
	Restore() // no package diagrams here to do it: t.TempDir in the usual place
	root := t.TempDir()
	d := filepath.Join(root, "cache", "isms", "wasm")
	if !OwnFolder(d) {
		t.Fatal("a new folder is refused")
	}
	if st, err := os.Lstat(d); err != nil || !st.IsDir() || st.Mode().Perm() != 0o700 {
		t.Fatalf("made %v (%v), want a folder 0700", st.Mode(), err)
	}
	if err := os.Chmod(d, 0o777); err != nil {
		t.Fatal(err)
	}
	if !OwnFolder(d) {
		t.Fatal("an opened-up folder of ours is refused")
	}
	if st, _ := os.Lstat(d); st.Mode().Perm() != 0o700 {
		t.Errorf("opened-up folder left %v, want 0700", st.Mode().Perm())
	}

	link := filepath.Join(root, "link")
	if err := os.Symlink(d, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	if OwnFolder(link) {
		t.Error("a link to a folder is taken")
	}

	if os.Getuid() != 0 {
		t.Skip("giving a folder to another user needs root")
	}
	theirs := filepath.Join(root, "theirs")
	if err := os.Mkdir(theirs, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(theirs, 4242, 4242); err != nil {
		t.Skip("chown:", err)
	}
	if OwnFolder(theirs) {
		t.Error("another user's folder is taken")
	}
}
