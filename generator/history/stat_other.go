//go:build !unix

package history

import (
	"fmt"
	"os"
)

// statLine is what a file's metadata says of its contents: size, time
// and mode.
func statLine(st os.FileInfo) string {
	return fmt.Sprintf("%d %d %v", st.Size(), st.ModTime().UnixNano(), st.Mode())
}
