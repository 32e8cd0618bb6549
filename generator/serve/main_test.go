package serve

import (
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// TestMain runs six tests side by side in the quick suite, four in the
// full one (testmode.Waiting): most of this package's parallel tests wait
// (for a watcher's quiet time, a held rebuild, readWait) rather than
// compute. At go test's default of one per core they waited in turn, 1.5 s
// of the quick suite's last second and a half on two cores; with four,
// the package's tests took 2.9 s and with six 2.4 s, most of it the
// quick suite's last seconds (it links last). The full suite's -race
// makes them compute, so it keeps four.
func TestMain(m *testing.M) {
	testmode.Waiting(6, 4)
	testmode.Main(m)
}
