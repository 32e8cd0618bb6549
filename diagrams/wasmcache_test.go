package diagrams

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isms-project/isms/diagrams/wasmcache"
)

// TestCacheIsPrivate runs this test binary again with a fresh TMPDIR and
// cache folder: go-graphviz's compilation cache must be taken from
// <cache>/isms/wasm (closed to others: 0700), nothing made in the shared
// $TMPDIR/go-graphviz, and the process must see its own TMPDIR again
// after the inits. This depends on the order Go initialises packages in
// (see package wasmcache), so it is checked in a real process. The
// folder is seeded with this process's compiled module (a compile
// without a cache takes 1-2 s, and a minute under -race) and left open
// (0755), which the child must close.
func TestCacheIsPrivate(t *testing.T) {
	if os.Getenv("ISMS_WASMCACHE_CHILD") == "1" {
		fmt.Printf("TMPDIR=%s\nDIR=%s\n", os.Getenv("TMPDIR"), wasmcache.Dir())
		return
	}
	root := t.TempDir()
	tmp, cache, home := filepath.Join(root, "tmp"), filepath.Join(root, "cache"), filepath.Join(root, "home")
	want := filepath.Join(cache, "isms", "wasm")
	for _, d := range []string{tmp, home, want} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if d := wasmcache.Dir(); d != "" {
		if err := os.CopyFS(filepath.Join(want, "go-graphviz"), os.DirFS(filepath.Join(d, "go-graphviz"))); err != nil {
			t.Logf("no compiled module to copy (%v): the child compiles", err)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCacheIsPrivate$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ISMS_WASMCACHE_CHILD=1", "TMPDIR="+tmp, "HOME="+home, "XDG_CACHE_HOME="+cache)
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(out, "TMPDIR="+tmp+"\n") {
		t.Errorf("the process does not see its own TMPDIR after the inits:\n%s", out)
	}
	if !strings.Contains(out, "DIR="+want+"\n") {
		t.Errorf("cache folder is not %s:\n%s", want, out)
	}
	if _, err := os.Stat(filepath.Join(tmp, "go-graphviz")); err == nil {
		t.Errorf("go-graphviz made its cache in the shared %s/go-graphviz", tmp)
	}
	if st, err := os.Stat(want); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("%s: mode %v (%v), want 0700", want, st.Mode().Perm(), err)
	}
	if ents, err := os.ReadDir(filepath.Join(want, "go-graphviz")); err != nil || len(ents) == 0 {
		t.Errorf("no compilation cache in %s/go-graphviz (%v)", want, err)
	}
}
