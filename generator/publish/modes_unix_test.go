//go:build unix

package publish

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"
)

// TestModesWhateverTheUmask: files are published 0644 and folders 0755
// under any umask, by Folder and by Stream, fresh and into the spare
// (the marker, isms's own, is made as the umask says).
// modesHold finds when setting them again can be left out (umask 022)
// and when not (077). It changes the process's umask, so it must not
// call t.Parallel (Go runs the parallel tests after it).
func TestModesWhateverTheUmask(t *testing.T) {
	for _, mask := range []int{0o022, 0o077, 0o027, 0o002} {
		old := syscall.Umask(mask)
		t.Cleanup(func() { syscall.Umask(old) })
		base := t.TempDir()
		if got, want := modesHold(base), mask&0o755 == 0; got != want {
			t.Errorf("umask %03o: modesHold = %v, want %v", mask, got, want)
		}
		for _, how := range []string{"folder", "stream"} {
			dest := filepath.Join(base, how)
			for i, site := range []fstest.MapFS{siteV1, siteV2, siteV1} {
				var err error
				if how == "folder" {
					err = Folder(dest, site)
				} else {
					err = streamTree(t, dest, site, uint64(i))
				}
				if err != nil {
					t.Fatalf("umask %03o, %s, build %d: %v", mask, how, i, err)
				}
				for name, mode := range readTree(t, dest) {
					if name == MarkerName {
						continue // isms's own, not the site's: made as the umask says
					}
					want := "-rw-r--r--"
					if strings.HasSuffix(name, "/") {
						want = "drwxr-xr-x"
					}
					if !strings.HasPrefix(mode, want) {
						t.Errorf("umask %03o, %s, build %d: %s is %s", mask, how, i, name, mode[:10])
					}
				}
			}
		}
		syscall.Umask(old)
	}
}
