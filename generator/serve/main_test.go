package serve

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"testing"
)

// TestMain runs four tests side by side (one per core on a bigger
// machine) unless -test.parallel says otherwise: most of this package's
// parallel tests wait (for a watcher's quiet time, a held rebuild,
// readWait) rather than compute, and at go test's default of one per
// core they waited in turn, 1.5 s of the quick suite's last second and a
// half on two cores.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", fmt.Sprint(max(4, runtime.GOMAXPROCS(0))))
	}
	os.Exit(m.Run())
}
