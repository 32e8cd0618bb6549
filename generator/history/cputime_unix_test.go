//go:build unix

package history

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time used so far by this process and its waited-for
// children (the git processes). Benchmarks report it beside wall time
// because the wall time on a shared machine mostly measures the neighbours.
func cpuTime() time.Duration {
	var self, kids syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids)
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
}
