package main

import (
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestBuildGCPolicy: isms build collects by buildGC unless GOGC says
// otherwise.
func TestBuildGCPolicy(t *testing.T) {
	if p, ok := buildGCPolicy(""); !ok || p != buildGC {
		t.Errorf("GOGC unset: %+v, %v", p, ok)
	}
	for _, env := range []string{"100", "off", "50"} {
		if _, ok := buildGCPolicy(env); ok {
			t.Errorf("GOGC=%s was overridden", env)
		}
	}
}

// TestGCPolicyPercent: the next collection comes at the floor while the
// heap is small, then at the low percent, then at the high one.
func TestGCPolicyPercent(t *testing.T) {
	const mb = 1 << 20
	p := gcPolicy{floor: 64 * mb, low: 65, step: 128 * mb, high: 100}
	for _, c := range []struct {
		live uint64
		want int
	}{
		{0, 1500},        // as Go's least, 4 MB: the goal is the floor, 4 * 16 = 64
		{1, 1500},        //
		{4*mb + 1, 1499}, // rounded down
		{16 * mb, 300},   // 16 * 4 = 64
		{32 * mb, 100},   // 32 * 2 = 64
		{38 * mb, 68},    // 38 * 1.65 = 62.7: 64/38 = 1.684...
		{39 * mb, 65},    // 39 * 1.65 = 64.35: past the floor
		{127 * mb, 65},   //
		{128*mb - 1, 65}, //
		{128 * mb, 100},  // the step
		{4096 * mb, 100}, //
		{1 << 50, 100},   // no overflow
	} {
		if got := p.percent(c.live); got != c.want {
			t.Errorf("live %d bytes: percent %d, want %d", c.live, got, c.want)
		}
	}
}

// TestGCPolicyFollowsTheHeap: installed, the policy sets the percent
// after every collection by what it kept, and stop puts back the
// setting from before.
func TestGCPolicyFollowsTheHeap(t *testing.T) {
	const mb = 1 << 20
	before := debug.SetGCPercent(123)
	defer debug.SetGCPercent(before)
	p := gcPolicy{floor: 0, low: 40, step: 48 * mb, high: 160}
	stop := p.install()
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	// The finalizer that sets the percent runs after the collection, on
	// the runtime's own goroutine: wait for it.
	wait := func(want int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			runtime.GC()
			if got := gcPercent(); got == want {
				return
			} else if time.Now().After(deadline) {
				t.Fatalf("percent %d, want %d", got, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	wait(40)
	live := make([][]byte, 64)
	for i := range live {
		live[i] = make([]byte, mb)
		for j := 0; j < mb; j += 4096 {
			live[i][j] = 1
		}
	}
	wait(160) // 64 MB kept: past the step
	runtime.KeepAlive(live)
	live = nil
	wait(40)
	stop()
	stopped = true
	if got := gcPercent(); got != 123 {
		t.Errorf("after stop: percent %d, want the 123 from before", got)
	}
	// And it stays put: the finalizer set up last does nothing now.
	runtime.GC()
	runtime.GC()
	time.Sleep(20 * time.Millisecond)
	if got := gcPercent(); got != 123 {
		t.Errorf("a collection after stop changed the percent to %d", got)
	}
}

// TestGCPolicyNests: builds that overlap in one process (the tests run
// several at once) share the policy, and the setting from before comes
// back when the last of them stops, not the first.
func TestGCPolicyNests(t *testing.T) {
	before := debug.SetGCPercent(123)
	defer debug.SetGCPercent(before)
	p := gcPolicy{floor: 0, low: 70, step: 1 << 50, high: 70}
	stopA := p.install()
	stopB := p.install()
	if got := gcPercent(); got != 70 {
		t.Fatalf("installed: percent %d, want 70", got)
	}
	stopA()
	stopA() // twice is once
	if got := gcPercent(); got != 70 {
		t.Errorf("one of two stopped: percent %d, want the policy's 70", got)
	}
	stopB()
	if got := gcPercent(); got != 123 {
		t.Errorf("both stopped: percent %d, want the 123 from before", got)
	}
}

// TestGCPolicyStartsFromTheHeap: installed in a process that already
// holds a heap, the policy starts from what the last collection kept,
// not from an empty heap's floor.
func TestGCPolicyStartsFromTheHeap(t *testing.T) {
	const mb = 1 << 20
	before := debug.SetGCPercent(100)
	defer debug.SetGCPercent(before)
	live := make([][]byte, 96)
	for i := range live {
		live[i] = make([]byte, mb)
	}
	runtime.GC()
	p := gcPolicy{floor: 64 * mb, low: 65, step: 1 << 50, high: 65}
	stop := p.install()
	defer stop()
	pct := gcPercent()
	runtime.KeepAlive(live)
	if pct != 65 {
		t.Errorf("with about 96 MB live: percent %d, want 65 (the floor's %d is for an empty heap)", pct, p.percent(0))
	}
}

// TestBuildPutsTheCollectorBack: isms build runs under the policy when
// GOGC is unset, and puts the collector's setting back when it ends.
func TestBuildPutsTheCollectorBack(t *testing.T) {
	t.Setenv("GOGC", "") // TestMain sets it for the other tests' builds
	before := debug.SetGCPercent(77)
	defer debug.SetGCPercent(before)
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	if code, _, errOut := runCLI(t, "new", site); code != 0 {
		t.Fatalf("isms new: exit %d: %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "build", "-q", "-s", site, "-d", filepath.Join(dir, "out")); code != 0 {
		t.Fatalf("isms build: exit %d: %s", code, errOut)
	}
	if pct := gcPercent(); pct != 77 {
		t.Errorf("after the build the collector runs at %d %%, want the 77 from before", pct)
	}
}

// gcPercent is the collector's setting now (debug has no getter: set
// and put back).
func gcPercent() int {
	pct := debug.SetGCPercent(-1)
	debug.SetGCPercent(pct)
	return pct
}
