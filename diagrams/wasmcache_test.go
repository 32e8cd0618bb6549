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
// cache folder: go-graphviz's compilation cache must land in
// <cache>/isms/wasm (0700), nothing in the shared $TMPDIR/go-graphviz,
// and the process must see its own TMPDIR again after the inits. This
// depends on the order Go initialises packages in (see package
// wasmcache), so it is checked in a real process.
func TestCacheIsPrivate(t *testing.T) {
	if os.Getenv("ISMS_WASMCACHE_CHILD") == "1" {
		fmt.Printf("TMPDIR=%s\nDIR=%s\n", os.Getenv("TMPDIR"), wasmcache.Dir())
		return
	}
	root := t.TempDir()
	tmp, cache, home := filepath.Join(root, "tmp"), filepath.Join(root, "cache"), filepath.Join(root, "home")
	for _, d := range []string{tmp, home} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	child := func(t *testing.T, env ...string) string {
		t.Helper()
		cmd := exec.Command(os.Args[0], "-test.run=^TestCacheIsPrivate$", "-test.count=1")
		cmd.Env = append(os.Environ(), "ISMS_WASMCACHE_CHILD=1", "TMPDIR="+tmp, "HOME="+home)
		cmd.Env = append(cmd.Env, env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return string(out)
	}

	out := child(t, "XDG_CACHE_HOME="+cache)
	want := filepath.Join(cache, "isms", "wasm")
	if !strings.Contains(out, "TMPDIR="+tmp+"\n") {
		t.Errorf("the process does not see its own TMPDIR after the inits:\n%s", out)
	}
	if !strings.Contains(out, "DIR="+want+"\n") {
		t.Errorf("cache folder is not %s:\n%s", want, out)
	}
	if _, err := os.Stat(filepath.Join(tmp, "go-graphviz")); err == nil {
		t.Errorf("go-graphviz wrote its cache into the shared %s/go-graphviz", tmp)
	}
	st, err := os.Stat(want)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o700 {
		t.Errorf("%s has mode %v, want 0700", want, st.Mode().Perm())
	}
	if ents, err := os.ReadDir(filepath.Join(want, "go-graphviz")); err != nil || len(ents) == 0 {
		t.Errorf("no compilation cache in %s/go-graphviz (%v)", want, err)
	}

	t.Run("opened-up folder is closed again", func(t *testing.T) {
		if err := os.Chmod(want, 0o777); err != nil {
			t.Fatal(err)
		}
		child(t, "XDG_CACHE_HOME="+cache)
		if st, err := os.Stat(want); err != nil || st.Mode().Perm() != 0o700 {
			t.Errorf("mode after the run: %v (%v), want 0700", st.Mode().Perm(), err)
		}
	})

	t.Run("a link is not followed", func(t *testing.T) {
		if testing.Short() {
			t.Skip("compiles the WebAssembly without a cache (1-2 s): .ci/run runs it")
		}
		other := filepath.Join(root, "other")
		if err := os.MkdirAll(filepath.Join(other, "isms"), 0o755); err != nil {
			t.Fatal(err)
		}
		elsewhere := filepath.Join(root, "elsewhere")
		if err := os.Mkdir(elsewhere, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(elsewhere, filepath.Join(other, "isms", "wasm")); err != nil {
			t.Skip("no symlinks:", err)
		}
		out := child(t, "XDG_CACHE_HOME="+other)
		if strings.Contains(out, "DIR="+filepath.Join(other, "isms", "wasm")+"\n") {
			t.Errorf("the cache followed a link:\n%s", out)
		}
		if ents, _ := os.ReadDir(elsewhere); len(ents) > 0 {
			t.Errorf("go-graphviz wrote through the link into %s", elsewhere)
		}
	})
}
