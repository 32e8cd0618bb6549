//go:build unix

package wasmcache

import (
	"os"
	"syscall"
)

// ownedByMe reports whether this user owns the file.
func ownedByMe(st os.FileInfo) bool {
	s, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(s.Uid) == os.Getuid()
}
