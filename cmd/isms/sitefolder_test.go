package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
