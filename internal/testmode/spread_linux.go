package testmode

import (
	"os"

	"golang.org/x/sys/unix"
)

// fsTopDirFlag is FS_TOPDIR_FL from linux/fs.h ("chattr +T"), which
// golang.org/x/sys/unix does not name.
const fsTopDirFlag = 0x00020000

// setTopDir marks dir as a top of the directory tree, so that ext4's
// allocator spreads the folders made in it over the block groups.
func setTopDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
	if err != nil {
		return err
	}
	return unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, int(flags|fsTopDirFlag))
}
