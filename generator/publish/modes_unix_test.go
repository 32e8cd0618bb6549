//go:build unix

package publish

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
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
		if got, err := modesHold(base); err != nil || got != (mask&0o755 == 0) {
			t.Errorf("umask %03o: modesHold = %v, %v", mask, got, err)
		}
		if left, _ := filepath.Glob(filepath.Join(base, "*")); len(left) != 0 {
			t.Errorf("the probe left %v", left)
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

// TestModesInTheSpare: a folder of the kept earlier build whose mode was
// changed, or which passes on a default ACL of its own (what the probe of
// a fresh folder cannot know), still publishes 0755 folders and 0644
// files.
func TestModesInTheSpare(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"folder", "stream"} {
		base := t.TempDir()
		dest := filepath.Join(base, "public")
		spare := filepath.Join(base, ".public.spare")
		publish := func(site fstest.MapFS) {
			t.Helper()
			var err error
			if how == "folder" {
				err = Folder(dest, site)
			} else {
				err = streamTree(t, dest, site, 3)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		publish(siteV1)
		publish(siteV2) // the spare holds v1 now
		if err := os.Chmod(filepath.Join(spare, "policies"), 0o700); err != nil {
			t.Fatal(err)
		}
		// A default ACL of user rwx, group and others nothing, in the
		// kernel's format (version 2, then tag, permissions, id).
		acl := []byte{2, 0, 0, 0,
			0x01, 0, 7, 0, 0xff, 0xff, 0xff, 0xff,
			0x04, 0, 0, 0, 0xff, 0xff, 0xff, 0xff,
			0x20, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}
		aclSet := unix.Setxattr(filepath.Join(spare, "policies", "access"), "system.posix_acl_default", acl, 0) == nil
		publish(siteV2)
		for name, mode := range readTree(t, dest) {
			want := "-rw-r--r--"
			if strings.HasSuffix(name, "/") {
				want = "drwxr-xr-x"
			}
			if name != MarkerName && !strings.HasPrefix(mode, want) {
				t.Errorf("%s: %s is %s", how, name, mode[:10])
			}
		}
		if !aclSet {
			t.Logf("%s: this file system takes no default ACL; the changed mode was checked", how)
		}
	}
}
