package main

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// starter writes the `isms new` starter site into a new folder.
func starter(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errOut := runCLI(t, "new", dir); code != 0 {
		t.Fatalf("new: exit %d: %s", code, errOut)
	}
	return dir
}

// TestBuildRefusesForeignDest is the case: `isms build -d u` twice
// into a folder holding a user's file used to delete it. Now it is refused
// (exit 2, nothing written); with --force the file is kept in the spare,
// which later builds leave alone.
func TestBuildRefusesForeignDest(t *testing.T) {
	t.Parallel()
	site := starter(t)
	base := t.TempDir()
	u := filepath.Join(base, "u")
	must(t, os.MkdirAll(u, 0o755))
	must(t, os.WriteFile(filepath.Join(u, "thesis.docx"), []byte("thesis"), 0o644))
	for range 2 {
		code, _, errOut := runCLI(t, "build", "-q", "-s", site, "-d", u, "--as-of", "2026-11-27")
		if code != 2 || !strings.Contains(errOut, "not an earlier isms build") || !strings.Contains(errOut, "--force") {
			t.Fatalf("build into a folder of someone's files: exit %d, %q; want 2 and a message naming --force", code, errOut)
		}
	}
	if got := readAll(t, base); !maps.Equal(got, map[string]string{"u/thesis.docx": "thesis"}) {
		t.Fatalf("a refused build wrote or removed files: %v", got)
	}

	code, _, errOut := runCLI(t, "build", "-q", "--force", "-s", site, "-d", u, "--as-of", "2026-11-27")
	if code != 0 || !strings.Contains(errOut, "kept in "+filepath.Join(base, ".u.spare")) {
		t.Fatalf("build --force: exit %d, %q", code, errOut)
	}
	for range 2 {
		code, _, errOut := runCLI(t, "build", "-q", "-s", site, "-d", u, "--as-of", "2026-11-27")
		if code != 0 || !strings.Contains(errOut, "as it is") {
			t.Fatalf("rebuild: exit %d, %q", code, errOut)
		}
	}
	if b, err := os.ReadFile(filepath.Join(base, ".u.spare", "thesis.docx")); err != nil || string(b) != "thesis" {
		t.Errorf("the user's file after three builds: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(u, "index.html")); err != nil {
		t.Errorf("not published: %v", err)
	}
}

// TestBuildRefusesSiteFolders: `isms build -d content` run in the site
// (and the site itself, its parent, a folder in content/) is refused,
// exit 2, with the site unchanged.
func TestBuildRefusesSiteFolders(t *testing.T) {
	site := starter(t)
	before := readAll(t, site)
	for _, dest := range []string{
		filepath.Join(site, "content"), filepath.Join(site, "content", "policies"), site, filepath.Dir(site),
	} {
		for _, force := range []string{"-q", "--force"} {
			code, _, errOut := runCLI(t, "build", force, "-s", site, "-d", dest, "--as-of", "2026-11-27")
			if code != 2 || !strings.Contains(errOut, "refusing") {
				t.Errorf("build -d %s %s: exit %d, %q; want 2", dest, force, code, errOut)
			}
		}
	}
	t.Chdir(site)
	if code, _, errOut := runCLI(t, "build", "-q", "-d", "content", "--as-of", "2026-11-27"); code != 2 || !strings.Contains(errOut, "content/") {
		t.Errorf("build -d content in the site: exit %d, %q", code, errOut)
	}
	if after := readAll(t, site); !maps.Equal(before, after) {
		t.Errorf("a refused build changed the site: %d files, was %d", len(after), len(before))
	}
}

// TestBuildConcurrent: two builds of different sites into one DEST at
// once both succeed, and DEST is always one of the two builds whole.
func TestBuildConcurrent(t *testing.T) {
	t.Parallel()
	a, b := starter(t), starter(t)
	p := filepath.Join(b, "isms.yaml")
	y, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(p, []byte(strings.Replace(string(y), "title: ", "title: Other ", 1)), 0o644))
	build := func(site, dest string) int {
		code, _, errOut := runCLI(t, "build", "-q", "-s", site, "-d", dest, "--as-of", "2026-11-27")
		if code != 0 {
			t.Errorf("build %s: exit %d: %s", site, code, errOut)
		}
		return code
	}
	wantA, wantB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	build(a, wantA)
	build(b, wantB)
	treeA, treeB := readAll(t, wantA), readAll(t, wantB)
	if maps.Equal(treeA, treeB) {
		t.Fatal("the two sites build the same")
	}
	dest := filepath.Join(t.TempDir(), "public")
	rounds := testmode.Rounds(2, 6)
	for round := range rounds {
		var wg sync.WaitGroup
		for _, site := range []string{a, b} {
			wg.Go(func() { build(site, dest) })
		}
		wg.Wait()
		if got := readAll(t, dest); !maps.Equal(got, treeA) && !maps.Equal(got, treeB) {
			t.Fatalf("round %d: DEST is a mix of the two builds", round)
		}
	}
}

var rootHashLine = regexp.MustCompile(`Snapshot root hash \(SHA-256 of manifest.json\): ([0-9a-f]{64})\n`)

// TestSnapshotRootHash: the build prints the root hash, and verify
// --expect holds the snapshot to it.
func TestSnapshotRootHash(t *testing.T) {
	t.Parallel()
	site := starter(t)
	dest := filepath.Join(t.TempDir(), "snap")
	code, out, errOut := runCLI(t, "build", "-q", "-s", site, "-d", dest, "--as-of", "2026-11-27", "--snapshot")
	m := rootHashLine.FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("build --snapshot -q: exit %d, printed %q %s", code, out, errOut)
	}
	root := m[1]
	zipped := filepath.Join(dest, "snapshot-2026-11-27.zip")
	if !strings.Contains(out, "Snapshot: "+zipped+" (unzip it and open index.html") || !strings.Contains(out, filepath.Join(dest, "manifest.json")) {
		t.Errorf("build --snapshot does not say where the zip and manifest went: %q", out)
	}
	if _, err := os.Stat(zipped); err != nil {
		t.Errorf("the zip it names: %v", err)
	}
	code, out, errOut = runCLI(t, "verify", dest, "--expect", root)
	if code != 0 || !strings.Contains(out, "root hash: "+root) && !strings.Contains(out, root) {
		t.Errorf("verify --expect the printed hash: exit %d, %q %q", code, out, errOut)
	}
	other := strings.Repeat("0", 64)
	code, out, _ = runCLI(t, "verify", dest, "--expect", other)
	if code != 1 || !strings.Contains(out, "expected "+other) {
		t.Errorf("verify --expect another hash: exit %d, %q", code, out)
	}
}

// TestSnapshotSigned: build --snapshot --sign KEY writes manifest.json.sig;
// verify --signer checks it.
func TestSnapshotSigned(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed (apt-get install openssh-client):", err)
	}
	keys := t.TempDir()
	key := filepath.Join(keys, "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ciso", "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	signers := filepath.Join(keys, "allowed_signers")
	must(t, os.WriteFile(signers, []byte("ciso@harbourline.example "+string(pub)), 0o644))

	site := starter(t)
	if code, _, _ := runCLI(t, "build", "-q", "-s", site, "-d", filepath.Join(t.TempDir(), "x"), "--sign", key); code != 2 {
		t.Errorf("--sign without --snapshot: exit %d, want 2", code)
	}
	dest := filepath.Join(t.TempDir(), "snap")
	if code, out, errOut := runCLI(t, "build", "-q", "-s", site, "-d", dest, "--as-of", "2026-11-27", "--snapshot", "--sign", key); code != 0 {
		t.Fatalf("build --snapshot --sign: exit %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dest, "manifest.json.sig")); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, "verify", dest, "--signer", signers)
	if code != 0 || !strings.Contains(out, "signed by ciso@harbourline.example") {
		t.Errorf("verify --signer: exit %d, %q %q", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "verify", dest); code != 0 || !strings.Contains(errOut, "not checked") {
		t.Errorf("verify without --signer: exit %d, %q", code, errOut)
	}
	if code, out, _ := runCLI(t, "verify", dest, "--signer", signers, "--identity", "someone@else"); code != 1 || !strings.Contains(out, "signature") {
		t.Errorf("verify --identity of someone else: exit %d, %q", code, out)
	}
}

// TestBuildRefusesFileAddedToBuild: a file put by hand into an earlier
// build is named and kept: exit 2 until it is moved or --force is given.
func TestBuildRefusesFileAddedToBuild(t *testing.T) {
	t.Parallel()
	site := starter(t)
	u := filepath.Join(t.TempDir(), "u")
	if code, _, errOut := runCLI(t, "build", "-q", "-s", site, "-d", u, "--as-of", "2026-11-27"); code != 0 {
		t.Fatalf("first build: exit %d: %s", code, errOut)
	}
	must(t, os.WriteFile(filepath.Join(u, "thesis.docx"), []byte("thesis"), 0o644))
	before := readAll(t, filepath.Dir(u))
	code, _, errOut := runCLI(t, "build", "-q", "-s", site, "-d", u, "--as-of", "2026-11-27")
	if code != 2 || !strings.Contains(errOut, "did not write (thesis.docx)") {
		t.Fatalf("build over a build with a file added by hand: exit %d, %q", code, errOut)
	}
	if after := readAll(t, filepath.Dir(u)); !maps.Equal(before, after) {
		t.Error("a refused build changed files")
	}
}

// TestBuildFailingMidRenderLeavesDest: a build that fails after it has
// written pages (a theme layout that only report pages use breaks, so
// every document page is already written) leaves the published site as
// it was and nothing new beside it, and the next good build publishes
// what a fresh build does, from the half-updated kept build.
func TestBuildFailingMidRenderLeavesDest(t *testing.T) {
	t.Parallel()
	site := starter(t)
	dir := t.TempDir()
	u := filepath.Join(dir, "u")
	build := func(dest string) (int, string) {
		code, _, errOut := runCLI(t, "build", "-q", "-s", site, "-d", dest, "--as-of", "2026-11-27")
		return code, errOut
	}
	for range 2 { // the second keeps the first as the spare
		if code, errOut := build(u); code != 0 {
			t.Fatalf("build: exit %d: %s", code, errOut)
		}
	}
	policy := filepath.Join(site, "content", "policies", "information-security-policy.md")
	src, err := os.ReadFile(policy)
	must(t, err)
	must(t, os.WriteFile(policy, append(src, []byte("\nA sentence added before the failed build.\n")...), 0o644))
	layout := filepath.Join(site, "themes", "default", "layouts", "history.html")
	must(t, os.MkdirAll(filepath.Dir(layout), 0o755))
	must(t, os.WriteFile(layout, []byte(`{{define "main"}}{{.Data.NoSuchField}}{{end}}`), 0o644))
	before := readAll(t, dir)
	code, errOut := build(u)
	if code != 1 || !strings.Contains(errOut, "NoSuchField") {
		t.Fatalf("build with a broken history layout: exit %d, %q", code, errOut)
	}
	after := readAll(t, dir)
	if !strings.Contains(after[".u.spare/policies/information-security-policy/index.html"], "A sentence added") {
		t.Error("the failed build had written no document page: this test no longer fails mid-render")
	}
	for p, b := range before {
		if strings.HasPrefix(p, ".u.spare/") {
			continue // the kept build is isms's own scratch: it may be half updated
		}
		if after[p] != b {
			t.Errorf("%s changed by the failed build", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok && !strings.HasPrefix(p, ".u.spare/") {
			t.Errorf("%s left by the failed build", p)
		}
	}
	must(t, os.Remove(layout))
	if code, errOut := build(u); code != 0 {
		t.Fatalf("build after the fix: exit %d: %s", code, errOut)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if code, errOut := build(fresh); code != 0 {
		t.Fatalf("fresh build: exit %d: %s", code, errOut)
	}
	if got, want := readAll(t, u), readAll(t, fresh); !maps.Equal(got, want) {
		t.Error("the build after a failed one differs from a fresh build")
	}
}
