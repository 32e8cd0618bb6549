// Package testmode decides how much of the test suite runs, in one place.
//
// There are three levels:
//
//   - go test ./...                  the quick suite: no browser, a few
//     rounds of the long property and random-edit tests;
//   - go test -short ./...           quicker still (what -short skips is
//     up to each test; it never runs more than the quick suite);
//   - ISMS_TEST=full go test ./...   every test and every round, as CI
//     (.ci/run) runs it, with -race.
//
// A test that is slow calls Slow; a test with rounds asks Rounds; a test
// the quick suite runs but -short does not calls Medium. A package whose
// tests create many files (sites built to disk, git repositories) runs
// them through Main or Run in its TestMain, and its tests' own git
// commands take GitEnviron.
package testmode

import (
	"flag"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
)

// Env is the variable that selects the full suite when it is "full".
const Env = "ISMS_TEST"

// Full reports whether the full suite runs: ISMS_TEST=full and not -short.
// Call it from a test (after flags are parsed).
func Full() bool {
	return os.Getenv(Env) == "full" && !testing.Short()
}

// Slow skips t unless the full suite runs, saying how to run it.
func Slow(t testing.TB) {
	t.Helper()
	if !Full() {
		t.Skip("slow test: run with " + Env + "=full (CI does)")
	}
}

// Medium skips t with -short: a test that is quick enough for the quick
// suite but not for -short (it starts a subprocess, say).
func Medium(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped with -short: run without -short")
	}
}

// Rounds is quick in the quick suite and full in the full suite: the
// number of seeds, steps or repetitions of a long test.
func Rounds(quick, full int) int {
	if Full() {
		return full
	}
	return quick
}

// Fuzzing reports whether go test -fuzz is fuzzing (rather than running
// the seed corpus as a test): a fuzz target may then take every input.
func Fuzzing() bool {
	f := flag.Lookup("test.fuzz")
	return f != nil && f.Value.String() != ""
}

// TestGC is the collector's target (GOGC) that BuildHeavy sets.
const TestGC = 400

// BuildHeavy tunes a test process that builds hundreds of small sites:
// the collector runs a quarter as often (GOGC=400 unless GOGC is set),
// which in the generator package's tests was 0.6 of its 7.8 s of CPU, for
// about 100 MB more memory. Call it from TestMain before m.Run. It
// changes how often memory is collected, never what a test sees.
func BuildHeavy() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(TestGC)
	}
}

// Waiting is for a test process whose parallel tests mostly wait (on a
// timer, a watcher, another process such as a browser) rather than
// compute: unless -test.parallel is given, quick of them run side by
// side in the quick suite and full in the full suite (whose -race makes
// them compute more), or one per core on a bigger machine, where go test
// would run one per core. Call it from TestMain before m.Run.
func Waiting(quick, full int) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", strconv.Itoa(max(Rounds(quick, full), runtime.GOMAXPROCS(0))))
	}
}

// GitEnviron is the environment for a test's own git commands: the
// process's, without the GIT_ variables a hook or an editor may have set
// (go test run from a pre-commit hook has GIT_DIR and GIT_INDEX_FILE
// pointing at this project's repository), with no system or user
// configuration, and with none of the files a fixture repository does not
// need. Left to itself, git init (and clone) copies a dozen hook samples
// and three other templates, every ref update appends to a reflog, and
// every commit takes a maintenance lock: about thirty files per
// repository, created and then deleted with the test's folder, and on
// this project's development machine each file deleted slows the next
// ones created (see Run).
func GitEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			env = append(env, kv)
		}
	}
	return append(env,
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_TEMPLATE_DIR=", // empty: no templates
		"GIT_CONFIG_COUNT=3",
		"GIT_CONFIG_KEY_0=core.logAllRefUpdates", "GIT_CONFIG_VALUE_0=false",
		"GIT_CONFIG_KEY_1=maintenance.auto", "GIT_CONFIG_VALUE_1=false",
		"GIT_CONFIG_KEY_2=gc.auto", "GIT_CONFIG_VALUE_2=0",
	)
}
