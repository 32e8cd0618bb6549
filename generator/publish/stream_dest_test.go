package publish

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// TestStreamFileAddedDuringBuild: a file put into dest while the build
// streams (isms build takes dest's lock and checks it before the whole
// build) is not swapped away into the spare, where the next build's
// prune would delete it: Commit refuses as Begin would have.
func TestStreamFileAddedDuringBuild(t *testing.T) {
	t.Parallel()
	for _, spare := range []bool{false, true} {
		dest := filepath.Join(t.TempDir(), "public")
		must(t, Folder(dest, siteV1))
		if spare {
			must(t, Folder(dest, siteV2))
		}
		s, err := Options{}.Begin(dest)
		must(t, err)
		for n, f := range siteV1 {
			must(t, s.Write(n, f.Data))
		}
		// Someone adds a file to the live site mid-build.
		must(t, os.WriteFile(filepath.Join(dest, "notes.txt"), []byte("mine"), 0o644))
		before := readTree(t, dest)
		err = s.Commit()
		if !errors.Is(err, ErrRefused) {
			t.Errorf("spare=%v: Commit = %v, want refused", spare, err)
		}
		if after := readTree(t, dest); !maps.Equal(before, after) {
			t.Errorf("spare=%v: dest changed", spare)
		}
		// Nor does the next build delete it.
		if err := streamTree(t, dest, siteV2, 1); !errors.Is(err, ErrRefused) {
			t.Errorf("spare=%v: the next build = %v, want refused", spare, err)
		}
		if b, err := os.ReadFile(filepath.Join(dest, "notes.txt")); err != nil || string(b) != "mine" {
			t.Errorf("spare=%v: the file added to dest during the build: %q, %v", spare, b, err)
		}
	}
}

// TestStreamSymlinksInSpare: symlinks planted in the kept build, to a
// folder and to files outside it, never lead a write or a removal
// outside the spare, whether the build writes under them or drops them.
func TestStreamSymlinksInSpare(t *testing.T) {
	t.Parallel()
	for i, site := range []fstest.MapFS{siteV1, siteV2} {
		base := t.TempDir()
		dest, spare := filepath.Join(base, "public"), filepath.Join(base, ".public.spare")
		must(t, Folder(dest, siteV1))
		must(t, Folder(dest, siteV2))
		outside := t.TempDir()
		must(t, os.MkdirAll(filepath.Join(outside, "access"), 0o755))
		must(t, os.WriteFile(filepath.Join(outside, "access", "index.html"), []byte("outside"), 0o644))
		must(t, os.WriteFile(filepath.Join(outside, "style.css"), []byte("body{}"), 0o644))
		must(t, os.WriteFile(filepath.Join(outside, "stale.html"), []byte("only in v1"), 0o644))
		for _, l := range []struct{ name, to string }{
			{"policies", outside}, {"old", outside}, {"style.css", filepath.Join(outside, "style.css")},
		} {
			must(t, os.RemoveAll(filepath.Join(spare, l.name)))
			must(t, os.Symlink(l.to, filepath.Join(spare, l.name)))
		}
		was := readTree(t, outside)
		must(t, streamTree(t, dest, site, uint64(i)))
		if got := readTree(t, outside); !maps.Equal(got, was) {
			t.Errorf("%d: outside changed:\n%v\nwas\n%v", i, got, was)
		}
		if got, want := readTree(t, dest), publishFresh(t, site); !maps.Equal(got, want) {
			t.Errorf("%d: published\n%v\nwant\n%v", i, got, want)
		}
	}
}
