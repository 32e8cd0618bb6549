package history

import (
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// growPipe asks for a 1 MiB pipe from git instead of the default 64 KiB:
// git cat-file writes tens of megabytes of old versions, and with the
// small pipe each 64 KiB is a wake-up of the reader and of git. An
// unprivileged process may ask up to /proc/sys/fs/pipe-max-size (1 MiB
// by default); a refusal leaves the pipe as it was.
func growPipe(r io.Reader) {
	f, ok := r.(*os.File)
	if !ok {
		return
	}
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { unix.FcntlInt(fd, unix.F_SETPIPE_SZ, 1<<20) })
	}
}
