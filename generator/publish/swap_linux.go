package publish

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// swap exchanges fresh and dest in one renameat2(RENAME_EXCHANGE), so there
// is no moment at which dest is missing. Afterwards fresh holds the previous
// build, which the caller removes. File systems without the flag fall back
// to renaming dest aside first.
func swap(fresh, dest string) (string, error) {
	if _, err := os.Lstat(dest); errors.Is(err, fs.ErrNotExist) {
		return "", os.Rename(fresh, dest)
	}
	err := unix.Renameat2(unix.AT_FDCWD, fresh, unix.AT_FDCWD, dest, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return fresh, nil
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EOPNOTSUPP):
		return swapAside(fresh, dest)
	}
	return "", &os.LinkError{Op: "renameat2", Old: fresh, New: dest, Err: err}
}
