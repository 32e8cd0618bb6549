package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// runCLI runs the command in this process. Most tests of this package
// call t.Parallel; not those that set an environment variable, change the
// working folder or swap a package variable (serveContext): Go runs those
// first, one at a time, and the parallel ones only after.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// TestNewThenBuild: the sample written by `isms new --sample` builds
// cleanly, with a page per document and the home page.
func TestNewThenBuild(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errOut := runCLI(t, "new", "--sample", dir); code != 0 {
		t.Fatalf("new: exit %d: %s", code, errOut)
	}
	dest := filepath.Join(t.TempDir(), "out")
	code, out, errOut := runCLI(t, "build", "-s", dir, "-d", dest, "--as-of", "2026-11-27")
	if code != 0 {
		t.Fatalf("build: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, "Built ") {
		t.Errorf("no summary line: %q", out)
	}
	for _, p := range []string{"index.html", "404.html", "policies/access-control/index.html", "assets/style.css"} {
		if _, err := os.Stat(filepath.Join(dest, p)); err != nil {
			t.Errorf("missing %s: %v", p, err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, ".gitignore")); err != nil || !strings.Contains(string(b), "/public/\n/.public.spare/\n") {
		t.Errorf("starter .gitignore = %q, %v", b, err)
	}
	if code, _, _ := runCLI(t, "new", dir); code != 1 {
		t.Errorf("new into a non-empty folder: exit %d, want 1", code)
	}

	// Built again, with profiles: the previous build is kept beside dest
	// and becomes the next one, which is the same site.
	before := readAll(t, dest)
	profs := t.TempDir()
	cpu, mem, trc := filepath.Join(profs, "cpu.prof"), filepath.Join(profs, "mem.prof"), filepath.Join(profs, "trace.out")
	for range 2 {
		if code, _, errOut := runCLI(t, "build", "-q", "-s", dir, "-d", dest, "--as-of", "2026-11-27", "--cpuprofile", cpu, "--memprofile", mem, "--trace", trc); code != 0 {
			t.Fatalf("build with profiles: exit %d\n%s", code, errOut)
		}
	}
	for _, p := range []string{cpu, mem, trc} {
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("profile %s not written: %v", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(dest), ".out.spare", "index.html")); err != nil {
		t.Errorf("the previous build was not kept beside dest: %v", err)
	}
	if after := readAll(t, dest); len(after) != len(before) {
		t.Errorf("rebuilt from the kept build: %d files, first build had %d", len(after), len(before))
	} else {
		for p, b := range before {
			if after[p] != b {
				t.Errorf("%s differs after rebuilding from the kept build", p)
			}
		}
	}
}

// readAll returns every file under dir by slash path.
func readAll(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestBuildErrorLeavesDestUntouched: a content error exits 1, prints the
// located message, and the previous output stays byte for byte.
func TestBuildErrorLeavesDestUntouched(t *testing.T) {
	t.Parallel()
	site := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(site, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(site, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("content/a.md", "---\nid: A\ntitle: A\ntype: policy\nowner: CISO\n---\nHello.\n")
	dest := filepath.Join(t.TempDir(), "public")
	if code, _, e := runCLI(t, "build", "-s", site, "-d", dest); code != 0 {
		t.Fatalf("first build: exit %d: %s", code, e)
	}
	before, err := os.ReadFile(filepath.Join(dest, "a/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	write("content/a.md", "---\nid: A\ntitle: A\ntype: policy\nowner: CISO\nreviewed: 2026-13-45\n---\nChanged.\n")
	code, _, errOut := runCLI(t, "build", "-s", site, "-d", dest)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if !strings.Contains(errOut, "content/a.md:6:11: error: \"2026-13-45\" is not a date") {
		t.Errorf("stderr lacks the located message:\n%s", errOut)
	}
	after, _ := os.ReadFile(filepath.Join(dest, "a/index.html"))
	if !bytes.Equal(before, after) {
		t.Error("a failed build changed the previous output")
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{}, {"frobnicate"}, {"build", "--no-such-flag"}, {"build", "--as-of", "yesterday"}, {"build", "-s", "/does/not/exist"}, {"new"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("isms %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}
	if code, out, _ := runCLI(t, "version"); code != 0 || !strings.HasPrefix(out, "isms ") {
		t.Errorf("version: %d %q", code, out)
	}
}

// TestHeapSampledOnlyForAProfile: main turns Go's sampling of allocations
// for heap profiles off (2 % of a build's CPU), unless GODEBUG sets a
// rate; a build asked for a heap profile turns it back on at Go's own
// rate. Not parallel: it sets a variable of the process.
func TestHeapSampledOnlyForAProfile(t *testing.T) {
	before := runtime.MemProfileRate
	t.Cleanup(func() { runtime.MemProfileRate = before })
	runtime.MemProfileRate = 4096
	stopHeapSampling("gctrace=1,memprofilerate=4096")
	if runtime.MemProfileRate != 4096 {
		t.Errorf("the rate GODEBUG set was changed to %d", runtime.MemProfileRate)
	}
	stopHeapSampling("gctrace=1")
	if runtime.MemProfileRate != 0 {
		t.Errorf("sampling left on: MemProfileRate %d", runtime.MemProfileRate)
	}
	site := writeSite(t, "")
	dest := filepath.Join(t.TempDir(), "out")
	if code, _, errOut := runCLI(t, "build", "-q", "-s", site, "-d", dest, "--as-of", "2026-11-27"); code != 0 {
		t.Fatalf("build: exit %d\n%s", code, errOut)
	}
	if runtime.MemProfileRate != 0 {
		t.Errorf("a build without --memprofile sampled allocations: MemProfileRate %d", runtime.MemProfileRate)
	}
	mem := filepath.Join(t.TempDir(), "mem.prof")
	if code, _, errOut := runCLI(t, "build", "-q", "-s", site, "-d", dest, "--as-of", "2026-11-27", "--memprofile", mem); code != 0 {
		t.Fatalf("build with --memprofile: exit %d\n%s", code, errOut)
	}
	if runtime.MemProfileRate != memProfileRate {
		t.Errorf("a build with --memprofile: MemProfileRate %d, want Go's %d", runtime.MemProfileRate, memProfileRate)
	}
}
