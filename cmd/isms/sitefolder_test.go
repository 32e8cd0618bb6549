package main

import (
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// A build writes nothing into the site folder but DEST and the build it
// keeps beside it: the diagram cache lives in the user's cache folder.
func TestBuildLeavesSiteFolderUnchanged(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errOut := runCLI(t, "new", dir); code != 0 {
		t.Fatalf("new: exit %d: %s", code, errOut)
	}
	before := siteFiles(t, dir)
	for range 2 { // the second build updates the kept one
		if code, _, errOut := runCLI(t, "build", "-q", "-s", dir, "--as-of", "2026-11-27"); code != 0 {
			t.Fatalf("build: exit %d\n%s", code, errOut)
		}
	}
	after := siteFiles(t, dir)
	for p, b := range before {
		if a, ok := after[p]; !ok {
			t.Errorf("%s was removed", p)
		} else if a != b {
			t.Errorf("%s was changed", p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("the build wrote %s into the site folder", p)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "public", "index.html")); err != nil {
		t.Errorf("no build in public/: %v", err)
	}
	svgs, _ := filepath.Glob(filepath.Join(cache, "isms", "diagrams", "*"))
	if len(svgs) == 0 {
		t.Errorf("no diagram was cached under XDG_CACHE_HOME (%s)", cache)
	}
}

// siteFiles reads every file and folder of the site folder but DEST
// (public/) and the kept build (.public.spare/): path → mode and bytes.
func siteFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "public" || rel == ".public.spare" {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		v := info.Mode().String()
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			v += "\n" + string(b)
		}
		out[filepath.ToSlash(rel)] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 10 || !strings.Contains(out["isms.yaml"], "title") {
		t.Fatalf("the starter site looks empty: %d files", len(out))
	}
	return out
}

// TestHistoryCacheInUserCache: a build of a site in git keeps its old
// versions' diffs in isms/history under the user's cache folder (0700,
// the file 0600), never in the site, and the next build, which reads
// them from there, publishes the same bytes. A snapshot neither reads
// nor writes it.
func TestHistoryCacheInUserCache(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary; skipping tests on a git repository")
	}
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errOut := runCLI(t, "new", dir); code != 0 {
		t.Fatalf("new: exit %d: %s", code, errOut)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=A", "-c", "user.email=a@example.org", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		cmd.Env = testmode.GitEnviron()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "first")
	pol, _ := filepath.Glob(filepath.Join(dir, "content", "policies", "*.md"))
	if len(pol) == 0 {
		t.Fatal("the starter has no policy")
	}
	b, err := os.ReadFile(pol[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pol[0], append(b, "\nA second paragraph.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "second")
	before := filesIn(t, dir)

	var trees []map[string]string
	for range 2 {
		dest := filepath.Join(t.TempDir(), "out")
		if code, _, errOut := runCLI(t, "build", "-q", "-s", dir, "-d", dest, "--as-of", "2026-11-27"); code != 0 {
			t.Fatalf("build: exit %d\n%s", code, errOut)
		}
		trees = append(trees, filesIn(t, dest))
	}
	if !maps.Equal(trees[0], trees[1]) {
		t.Error("the build that read the history cache published other bytes than the one that wrote it")
	}
	if !maps.Equal(before, filesIn(t, dir)) {
		t.Error("the builds changed the site folder")
	}
	files, _ := filepath.Glob(filepath.Join(cache, "isms", "history", "*"))
	if len(files) != 2 || !strings.HasSuffix(files[0], ".bin") || files[1] != strings.TrimSuffix(files[0], ".bin")+".log" {
		t.Fatalf("history cache files: %v, want the versions (.bin) and git's log (.log)", files)
	}
	for _, f := range files {
		if st, err := os.Stat(f); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("the cache file %s: %v %v", f, st.Mode(), err)
		}
	}
	if st, err := os.Stat(filepath.Dir(files[0])); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("the cache folder: %v %v", st.Mode(), err)
	}

	snapCache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", snapCache)
	if code, _, errOut := runCLI(t, "build", "-q", "-s", dir, "-d", filepath.Join(t.TempDir(), "snap"), "--as-of", "2026-11-27", "--snapshot"); code != 0 {
		t.Fatalf("build --snapshot: exit %d\n%s", code, errOut)
	}
	if files, _ := filepath.Glob(filepath.Join(snapCache, "isms", "history", "*")); len(files) != 0 {
		t.Errorf("the snapshot wrote the history cache: %v", files)
	}
}

// filesIn reads every file of dir but a repository's .git: path → bytes.
func filesIn(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" {
			return filepath.SkipDir
		}
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
