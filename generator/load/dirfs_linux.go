package load

import (
	"io/fs"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// noOpenat2 is set once the kernel has said it has no openat2 (Linux
// before 5.6, or a sandbox that filters it).
var noOpenat2 atomic.Bool

// readBeneath reads the regular file name under d in one openat2 with
// RESOLVE_BENEATH: the kernel refuses any step out of d, as os.Root does,
// and O_NOFOLLOW refuses a symbolic link as the last element, as Open's
// Lstat does. That is two opens (the folder, then the file) where os.Root
// makes about eight, walking the path one folder at a time, twice (Lstat,
// then OpenFile). It answers only the plain case, a regular file read to its
// end; anything else (ok false) is left to ReadFile's os.Root path, so
// that refusals and errors read exactly as they always have.
func (d dirFS) readBeneath(name string) (b []byte, ok bool) {
	if noOpenat2.Load() || !fs.ValidPath(name) {
		return nil, false
	}
	root, err := unix.Open(string(d), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false
	}
	defer unix.Close(root)
	fd, err := unix.Openat2(root, name, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_NOCTTY,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
	})
	if err != nil {
		if err == unix.ENOSYS {
			noOpenat2.Store(true)
		}
		return nil, false
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
		return nil, false // a pipe, a device, a folder: Open says which
	}
	b = make([]byte, 0, st.Size+1)
	for {
		n, err := unix.Read(fd, b[len(b):cap(b)])
		if err == unix.EINTR {
			continue
		}
		if err != nil || n < 0 {
			return nil, false
		}
		if n == 0 {
			return b, true
		}
		b = b[:len(b)+n]
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}
