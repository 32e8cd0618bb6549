package testmode

import (
	"os"
	"path/filepath"
	"testing"
)

// Run runs m's tests with their temporary folders spread over the disk
// (see spreadTempDirs) and returns m.Run's exit code. A TestMain that
// has nothing else to do calls Main.
func Run(m *testing.M) int {
	done := spreadTempDirs()
	defer done()
	return m.Run()
}

// Main is a TestMain: Run, then exit with its code.
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// spreadTempDirs gives t.TempDir a base folder of its own that ext4
// treats as a top of the tree (chattr +T), and returns the function that
// removes it.
//
// Why: t.TempDir makes its folders under GOTMPDIR, else the system's
// temporary folder, and ext4 places a new folder in its parent's block
// group, so every test's files share one group of 8,192 inodes. Without a
// journal (this project's development machine), ext4 avoids reusing an
// inode freed in the last minute (six while its inode table block is
// dirty): each file created skips, one buffer lookup each, every such
// inode in the group, and takes one of them only when the group has no
// other. The quick suite creates and deletes some 15,000 files, so the
// group fills with them and each later file creation searches the whole
// group (perf: a quarter of the suite's CPU in find_inode_bit and
// recently_deleted). Under a top folder each test's folder goes to a
// group with free inodes of its own.
//
// Where the flag cannot be set (tmpfs, another file system, another
// system), nothing changes: the base is removed and GOTMPDIR left as it
// was.
func spreadTempDirs() (done func()) {
	old, had := os.LookupEnv("GOTMPDIR")
	base, err := os.MkdirTemp(old, "isms-test-")
	if err != nil {
		return func() {}
	}
	if abs, err := filepath.Abs(base); err == nil {
		base = abs // a test that changes folder still finds it
	}
	if setTopDir(base) != nil || os.Setenv("GOTMPDIR", base) != nil {
		os.Remove(base)
		return func() {}
	}
	return func() {
		if had {
			os.Setenv("GOTMPDIR", old)
		} else {
			os.Unsetenv("GOTMPDIR")
		}
		os.RemoveAll(base)
	}
}
