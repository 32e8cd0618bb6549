package load

import (
	"io"
	"io/fs"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// noOpenat2 is set once the kernel has said it has no openat2 (Linux
// before 5.6) or may not use it (a seccomp filter's EPERM).
var noOpenat2 atomic.Bool

// readBeneath reads the file name under d with one openat2 that follows
// no symbolic link at all (RESOLVE_NO_SYMLINKS) and cannot step out of d
// (RESOLVE_BENEATH). That is two opens (the folder, then the file) where
// os.Root makes about eight, walking the path one folder at a time,
// twice (Lstat, then OpenFile).
//
// It answers (done) the plain case, a regular file read to its end, and
// refuses a pipe, socket or device with Open's own error after its one
// open (a second open of a device can have effects of its own). Anything
// else is left to ReadFile's os.Root path, which decides as it always
// has: a path through a link (os.Root follows up to eight that stay
// inside), a folder, an error. One difference is the kernel's: a file in
// a folder that may be entered but not listed (mode 0711) is read, where
// os.Root, which opens every folder on the way for reading, refused it.
func (d dirFS) readBeneath(name string) (b []byte, done bool, err error) {
	if noOpenat2.Load() || !fs.ValidPath(name) {
		return nil, false, nil
	}
	root, err := unix.Open(string(d), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false, nil
	}
	defer unix.Close(root)
	fd, err := unix.Openat2(root, name, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_NOCTTY,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		if err == unix.ENOSYS || err == unix.EPERM {
			noOpenat2.Store(true)
		}
		return nil, false, nil
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, false, nil
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFDIR:
		return nil, false, nil // ReadFile says what a folder is
	default:
		return nil, true, &fs.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	b, err = readToEnd(st.Size, func(p []byte) (int, error) {
		for {
			n, err := unix.Read(fd, p)
			switch {
			case err == unix.EINTR:
				continue
			case err != nil:
				return 0, err
			case n == 0:
				return 0, io.EOF
			}
			return n, nil
		}
	})
	if err != nil {
		return nil, false, nil // os.Root's path says what went wrong
	}
	return b, true, nil
}
