//go:build unix

package publish

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestVerifyNonRegularFiles: a named pipe or link where a file is listed,
// or added, is reported and never opened or followed; Verify returns.
func TestVerifyNonRegularFiles(t *testing.T) {
	t.Parallel()
	fifo := func(t *testing.T, p string) {
		t.Helper()
		os.Remove(p)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skip("no named pipes:", err)
		}
	}
	t.Run("listed file is a pipe", func(t *testing.T) {
		dir, _ := publishSnapshot(t)
		fifo(t, filepath.Join(dir, "style.css"))
		r, err := verifyQuick(t, VerifyOptions{}, dir)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Changed, []string{"style.css"}) || r.Why["style.css"] != "a named pipe, not opened" {
			t.Errorf("Verify = %q", r.String())
		}
	})
	t.Run("added pipe and link", func(t *testing.T) {
		dir, _ := publishSnapshot(t)
		fifo(t, filepath.Join(dir, "policies", "pipe"))
		must(t, os.Symlink("/dev/zero", filepath.Join(dir, "zero")))
		r, err := verifyQuick(t, VerifyOptions{}, dir)
		if err != nil {
			t.Fatal(err)
		}
		want := "extra: policies/pipe (a named pipe, not opened)\nextra: zero (a symbolic link, not followed)\n"
		if r.String() != want {
			t.Errorf("Verify =\n%s\nwant\n%s", r, want)
		}
	})
	t.Run("zip is a pipe", func(t *testing.T) {
		dir, m := publishSnapshot(t)
		fifo(t, filepath.Join(dir, m.Zip))
		r, err := verifyQuick(t, VerifyOptions{}, dir)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(r.Changed, []string{m.Zip}) || r.Why[m.Zip] != "a named pipe, not opened" {
			t.Errorf("Verify = %q", r.String())
		}
	})
	t.Run("manifest is a pipe", func(t *testing.T) {
		dir, _ := publishSnapshot(t)
		fifo(t, filepath.Join(dir, ManifestName))
		if _, err := verifyQuick(t, VerifyOptions{}, dir); err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("Verify = %v", err)
		}
	})
}
