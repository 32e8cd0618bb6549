package testmode

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestSpreadTempDirs: where the top-folder flag can be set, t.TempDir's
// folders go under a new base that has it, and done removes the base and
// puts GOTMPDIR back; where it cannot, nothing changes. Both branches are
// checked; which one ran is logged (CI's file system may not have the
// flag).
func TestSpreadTempDirs(t *testing.T) { // not parallel: it sets GOTMPDIR
	parent := t.TempDir()
	t.Setenv("GOTMPDIR", parent)
	done := spreadTempDirs()
	base := os.Getenv("GOTMPDIR")
	if base == parent {
		t.Logf("no top-folder flag on %s's file system: nothing changed", parent)
		if runtime.GOOS == "linux" && setTopDir(parent) == nil {
			t.Error("the flag can be set here, but spreadTempDirs did not use it")
		}
		if left, _ := os.ReadDir(parent); len(left) != 0 {
			t.Errorf("left in %s: %v", parent, left)
		}
		done()
		return
	}
	if filepath.Dir(base) != parent || !strings.HasPrefix(filepath.Base(base), "isms-test-") {
		t.Fatalf("base %s is not a new folder in %s", base, parent)
	}
	if !hasTopDir(t, base) {
		t.Errorf("%s lacks the top-folder flag", base)
	}
	var made string
	t.Run("made", func(t *testing.T) { made = t.TempDir() })
	if !strings.HasPrefix(made, base+string(filepath.Separator)) {
		t.Errorf("t.TempDir made %s, not under %s", made, base)
	}
	done()
	if got := os.Getenv("GOTMPDIR"); got != parent {
		t.Errorf("GOTMPDIR after done = %q, want %q", got, parent)
	}
	if _, err := os.Stat(base); !os.IsNotExist(err) {
		t.Errorf("base %s not removed: %v", base, err)
	}
}

// TestSpreadTempDirsUnset: with GOTMPDIR unset, the base goes in the
// system's temporary folder and done unsets GOTMPDIR again.
func TestSpreadTempDirsUnset(t *testing.T) { // not parallel: it sets GOTMPDIR
	t.Setenv("GOTMPDIR", "") // restored at the end of the test
	os.Unsetenv("GOTMPDIR")
	done := spreadTempDirs()
	base, set := os.LookupEnv("GOTMPDIR")
	done()
	if _, still := os.LookupEnv("GOTMPDIR"); still {
		t.Errorf("GOTMPDIR set after done: %q", os.Getenv("GOTMPDIR"))
	}
	if !set {
		t.Logf("no top-folder flag on %s's file system: nothing changed", os.TempDir())
		return
	}
	if filepath.Dir(base) != filepath.Clean(os.TempDir()) {
		t.Errorf("base %s is not in %s", base, os.TempDir())
	}
	if _, err := os.Stat(base); !os.IsNotExist(err) {
		t.Errorf("base %s not removed: %v", base, err)
	}
}
