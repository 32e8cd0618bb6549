//go:build unix

package history

import (
	"fmt"
	"os"
	"syscall"
)

// statLine is what a file's metadata says of its contents: size, time,
// mode and, where there is one, the inode (a file replaced by another of
// the same size and time).
func statLine(st os.FileInfo) string {
	var ino uint64
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		ino = uint64(s.Ino)
	}
	return fmt.Sprintf("%d %d %v %d", st.Size(), st.ModTime().UnixNano(), st.Mode(), ino)
}
