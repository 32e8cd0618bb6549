package serve

import (
	"os"
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// TestMain runs four tests side by side (testmode.Waiting): most of this
// package's parallel tests wait (for a watcher's quiet time, a held
// rebuild, readWait) rather than compute, and at go test's default of one
// per core they waited in turn, 1.5 s of the quick suite's last second
// and a half on two cores.
func TestMain(m *testing.M) {
	testmode.Waiting()
	os.Exit(m.Run())
}
