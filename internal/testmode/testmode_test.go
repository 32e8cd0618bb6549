package testmode

import (
	"flag"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestFull(t *testing.T) {
	t.Setenv(Env, "")
	if Full() || Rounds(2, 8) != 2 {
		t.Fatalf("Full() = %v, Rounds(2, 8) = %d without %s", Full(), Rounds(2, 8), Env)
	}
	t.Setenv(Env, "full")
	want := !testing.Short()
	if Full() != want {
		t.Fatalf("Full() = %v with %s=full, want %v (-short %v)", Full(), Env, want, testing.Short())
	}
	if want && Rounds(2, 8) != 8 {
		t.Fatalf("Rounds(2, 8) = %d in the full suite", Rounds(2, 8))
	}
}

func TestSlowSkips(t *testing.T) {
	ran := false
	slow := func(t *testing.T) {
		Slow(t)
		ran = true
	}
	t.Setenv(Env, "")
	t.Run("quick", slow)
	if ran {
		t.Fatal("Slow did not skip in the quick suite")
	}
	t.Setenv(Env, "full")
	t.Run("full", slow)
	if ran == testing.Short() {
		t.Fatalf("with %s=full and -short %v, Slow ran the test: %v", Env, testing.Short(), ran)
	}
}

func TestBuildHeavy(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	BuildHeavy()
	if got := debug.SetGCPercent(100); got != TestGC {
		t.Errorf("GOGC %d after BuildHeavy, want %d", got, TestGC)
	}
	t.Setenv("GOGC", "50")
	BuildHeavy()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("BuildHeavy changed GOGC to %d though GOGC was set", got)
	}
}

// Waiting sets six side by side in the quick suite, four in the full one
// (one per core above that) unless -test.parallel was given.
func TestWaiting(t *testing.T) {
	f := flag.Lookup("test.parallel")
	given := false
	flag.Visit(func(g *flag.Flag) { given = given || g.Name == "test.parallel" })
	before := f.Value.String()
	defer f.Value.Set(before)
	Waiting(6, 4)
	want := strconv.Itoa(max(Rounds(6, 4), runtime.GOMAXPROCS(0)))
	if given {
		want = before
	}
	if got := f.Value.String(); got != want {
		t.Errorf("test.parallel = %s, want %s", got, want)
	}
}

// TestGitEnvironDropsOuterRepository: a GIT_DIR or GIT_INDEX_FILE set by
// a hook that runs go test does not reach a test's git.
func TestGitEnvironDropsOuterRepository(t *testing.T) {
	t.Setenv("GIT_DIR", "/somewhere/.git")
	t.Setenv("GIT_INDEX_FILE", "/somewhere/.git/index")
	env := GitEnviron()
	for _, kv := range env {
		if strings.HasPrefix(kv, "GIT_DIR=") || strings.HasPrefix(kv, "GIT_INDEX_FILE=") {
			t.Errorf("GitEnviron kept %s", kv)
		}
	}
	if !slices.Contains(env, "GIT_TEMPLATE_DIR=") || !slices.Contains(env, "GIT_CONFIG_GLOBAL=/dev/null") {
		t.Errorf("GitEnviron lacks its own settings: %v", env)
	}
}
