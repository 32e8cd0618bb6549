package publish

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"testing"
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
