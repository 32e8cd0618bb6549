package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// buildSnapshot builds the repository's sample site as a snapshot into a
// new folder and returns it.
func buildSnapshot(t *testing.T) string {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "snap")
	code, _, errOut := runCLI(t, "build", "-s", "../..", "-d", dest, "--as-of", "2026-11-27", "--snapshot", "-q")
	if code != 0 {
		t.Fatalf("build --snapshot: exit %d\n%s", code, errOut)
	}
	return dest
}

var (
	sampleOnce sync.Once
	sampleDir  string
	sampleTmp  string
)

// snapshotOf returns a fresh copy of one snapshot build of the sample site,
// so each test can tamper with its own copy without rebuilding.
func snapshotOf(t *testing.T) string {
	t.Helper()
	dest := filepath.Join(t.TempDir(), "snap")
	must(t, os.CopyFS(dest, os.DirFS(sharedSnapshot(t))))
	return dest
}

// sharedSnapshot is the one snapshot build of the sample site itself, for
// tests that only read it.
func sharedSnapshot(t *testing.T) string {
	t.Helper()
	sampleOnce.Do(func() {
		dir, err := os.MkdirTemp("", "isms-snapshot-")
		if err != nil {
			t.Fatal(err)
		}
		sampleTmp = dir
		dest := filepath.Join(dir, "snap")
		code, _, errOut := runCLI(t, "build", "-s", "../..", "-d", dest, "--as-of", "2026-11-27", "--snapshot", "-q")
		if code != 0 {
			t.Fatalf("build --snapshot: exit %d\n%s", code, errOut)
		}
		sampleDir = dest // only once it is built: the other tests fail, not read half a snapshot
	})
	if sampleDir == "" {
		t.Fatal("the shared snapshot build failed")
	}
	return sampleDir
}

func TestMain(m *testing.M) {
	// The CLI runs in this process and puts its collector policy in
	// force for each build unless GOGC is set: set, it leaves the
	// collector as BuildHeavy tuned it for these tests' forty-odd builds
	// (TestBuildPutsTheCollectorBack unsets it).
	testmode.BuildHeavy()
	if os.Getenv("GOGC") == "" {
		os.Setenv("GOGC", strconv.Itoa(testmode.TestGC))
	}
	code := testmode.Run(m)
	if sampleTmp != "" {
		os.RemoveAll(sampleTmp)
	}
	os.Exit(code)
}

func TestSnapshotVerify(t *testing.T) {
	t.Parallel()
	dest := snapshotOf(t)

	var m struct {
		AsOf  string `json:"as_of"`
		Zip   string `json:"zip"`
		Files []struct{ Path string }
	}
	data, err := os.ReadFile(filepath.Join(dest, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.AsOf != "2026-11-27" || m.Zip != "snapshot-2026-11-27.zip" || len(m.Files) < 50 {
		t.Fatalf("manifest: as_of %q, zip %q, %d files", m.AsOf, m.Zip, len(m.Files))
	}
	page, err := os.ReadFile(filepath.Join(dest, "policies", "access-control", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(page, []byte("Snapshot as of <strong>2026-11-27</strong>")) {
		t.Error("a page lacks the snapshot banner")
	}

	if code, out, errOut := runCLI(t, "verify", dest); code != 0 || !strings.Contains(out, "matches") {
		t.Fatalf("untouched snapshot: exit %d\n%s%s", code, out, errOut)
	}

	// One byte changed, one file removed, one added: all named, exit 1.
	changed := filepath.Join(dest, "soa", "index.html")
	b, err := os.ReadFile(changed)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	must(t, os.WriteFile(changed, b, 0o644))
	must(t, os.Remove(filepath.Join(dest, "evidence", "files", "access-review-2026-q3.csv")))
	must(t, os.WriteFile(filepath.Join(dest, "policies", "late-addition.html"), []byte("<p>added later</p>"), 0o644))

	code, out, errOut := runCLI(t, "verify", dest)
	if code != 1 {
		t.Fatalf("tampered snapshot: exit %d, want 1\n%s%s", code, out, errOut)
	}
	want := "changed: soa/index.html\nmissing: evidence/files/access-review-2026-q3.csv\nextra: policies/late-addition.html\n"
	if out != want {
		t.Errorf("verify printed\n%s\nwant\n%s", out, want)
	}
	if !strings.Contains(errOut, "1 changed, 1 missing, 1 extra") {
		t.Errorf("stderr: %q", errOut)
	}
}

// TestVerifyEachChangeAlone: each kind of change, made alone, is named and
// fails verify, and verify passes again once it is undone. The changes
// take turns on one copy of the snapshot: a copy is some 270 files, and
// every file the quick suite creates and deletes slows the next ones on a
// file system without a journal (README, "Set up").
func TestVerifyEachChangeAlone(t *testing.T) {
	t.Parallel()
	dest := snapshotOf(t)
	restore := func(p string) func() error { // writes p back as it is now
		p = filepath.Join(dest, p)
		orig, err := os.ReadFile(p)
		must(t, err)
		st, err := os.Stat(p)
		must(t, err)
		return func() error {
			if err := os.WriteFile(p, orig, st.Mode()); err != nil {
				return err
			}
			return os.Chmod(p, st.Mode()) // WriteFile's mode passes the umask
		}
	}
	for _, tc := range []struct {
		name         string
		tamper, undo func() error
		want         string
	}{
		{"one byte", func() error {
			p := filepath.Join(dest, "assets", "style.css")
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b[0]++
			return os.WriteFile(p, b, 0o644)
		}, restore("assets/style.css"), "changed: assets/style.css\n"},
		{"removed", func() error { return os.Remove(filepath.Join(dest, "index.html")) }, restore("index.html"), "missing: index.html\n"},
		{"added", func() error { return os.WriteFile(filepath.Join(dest, "robots.txt"), nil, 0o644) },
			func() error { return os.Remove(filepath.Join(dest, "robots.txt")) }, "extra: robots.txt\n"},
	} {
		ok := t.Run(tc.name, func(t *testing.T) {
			must(t, tc.tamper())
			code, out, _ := runCLI(t, "verify", dest)
			if code != 1 || out != tc.want {
				t.Errorf("exit %d, printed %q; want 1 and %q", code, out, tc.want)
			}
			must(t, tc.undo())
			if code, out, errOut := runCLI(t, "verify", dest); code != 0 {
				t.Fatalf("undone: exit %d\n%s%s", code, out, errOut)
			}
		})
		if !ok {
			break // the next change would be made on a tree not put back
		}
	}
}

func TestVerifyUsage(t *testing.T) {
	t.Parallel()
	if code, _, _ := runCLI(t, "verify"); code != 2 {
		t.Errorf("verify without DIR: exit %d, want 2", code)
	}
	if code, _, errOut := runCLI(t, "verify", t.TempDir()); code != 1 || !strings.Contains(errOut, "not a snapshot") {
		t.Errorf("verify of a folder without manifest: exit %d, %q", code, errOut)
	}
}

// TestSnapshotZipReproducible: two builds of the same site give the same
// zip, byte for byte.
func TestSnapshotZipReproducible(t *testing.T) {
	t.Parallel()
	a, b := sharedSnapshot(t), buildSnapshot(t) // two builds: the shared one and a fresh one
	za, err := os.ReadFile(filepath.Join(a, "snapshot-2026-11-27.zip"))
	if err != nil {
		t.Fatal(err)
	}
	zb, err := os.ReadFile(filepath.Join(b, "snapshot-2026-11-27.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if len(za) < 1000 || !bytes.Equal(za, zb) {
		t.Errorf("zips differ (%d and %d bytes)", len(za), len(zb))
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
