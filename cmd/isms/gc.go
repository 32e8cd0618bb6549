package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// gcPolicy is how often a build collects garbage, by its live heap (what
// the last collection kept). Go collects when the heap has grown GOGC
// percent over the live heap, and not before it reaches 4 MB. A build's
// heap is mostly made and dropped within the build, and two settings
// differ from that:
//
//   - floor: no collection before the heap reaches floor. A build's first
//     collections mark a small heap many times over: 15 of the 31 of a
//     build of 1,000 documents with history came before its heap reached
//     64 MB, and none of them lowered its peak, which comes later.
//   - percent: low while the live heap is under step, high from there.
//     At 72 % rather than Go's 100 %, a build of 1,000 documents with
//     history peaks at 152-154 MB rather than 164 (Hugo's: 315-335 MB).
//     It is memory against the collector's CPU (that site on tmpfs,
//     alternating builds, CPU and peak RSS): 65 %, as up to 2026-12-05,
//     0.869-0.907 s and 151-152 MB; 72 % 0.850-0.863 s and 152-154 MB;
//     80 % 0.864-0.876 s and 155-157 MB; 100 % 0.859 s and 164 MB.
//     Without history, 65 -> 72 %: 0.783 -> 0.771 s, 124 -> 126 MB. A
//     large heap is what takes the collector's time, and memory is not
//     what a large build is short of: at 10,000 documents (300-600 MB
//     live) it is collected a third less often at 100 %.
//
// The step to 100 %, measured with bench/gensite against 65 %
// throughout (2026-12-05, this 2-core VM): at 10,000 documents with 2,000 commits
// user CPU 11.85 -> 10.94 and 11.09 s (two sets of runs), wall 8.31 ->
// 7.61 s, peak RSS 0.87-0.93 -> 1.01-1.11 GB (Hugo's: 2.5-2.6 GB); at
// 1,000 documents with history user CPU 1.70 -> 1.67 s and peak RSS 166
// MB either way, without history 0.92 -> 0.88 s and 125 -> 130 MB.
type gcPolicy struct {
	floor     uint64
	low, high int
	step      uint64
}

// buildGCPolicy is the policy of a build when the environment's GOGC is
// gogc: buildGC unless GOGC is set (then Go's own, as GOGC says).
func buildGCPolicy(gogc string) (gcPolicy, bool) {
	if gogc != "" {
		return gcPolicy{}, false
	}
	return buildGC, true
}

var buildGC = gcPolicy{floor: 64 << 20, low: 72, step: 128 << 20, high: 100}

// percent is the GOGC that makes the next collection come when it should
// after one that left live bytes.
func (p gcPolicy) percent(live uint64) int {
	pct := p.low
	if live >= p.step {
		pct = p.high
	}
	if live < 4<<20 {
		live = 4 << 20 // Go's own least heap goal at GOGC 100
	}
	if goal := live + live*uint64(pct)/100; goal < p.floor {
		pct = int((p.floor - live) * 100 / live)
	}
	return pct
}

// install puts the policy in force: now, and again after every
// collection, until stop, which puts back the setting from before. It
// learns of each collection from a finalizer: the runtime runs it, on
// its finalizer goroutine, after the collection that found its object
// unreachable, and it sets one up again for the next. Builds that run
// at once in one process (tests) share it: the first to install puts it
// in force, the last to stop puts the old setting back.
func (p gcPolicy) install() (stop func()) {
	gcState.mu.Lock()
	defer gcState.mu.Unlock()
	gcState.users++
	if gcState.users == 1 {
		gcState.gen++
		gen := gcState.gen
		gcState.before = debug.SetGCPercent(p.percent(liveHeap())) // 0 in a fresh process
		var arm func()
		arm = func() {
			runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) {
				gcState.mu.Lock()
				defer gcState.mu.Unlock()
				if gcState.users == 0 || gcState.gen != gen {
					return // stopped, or another policy is in force now
				}
				debug.SetGCPercent(p.percent(liveHeap()))
				arm()
			})
		}
		arm()
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			gcState.mu.Lock()
			defer gcState.mu.Unlock()
			if gcState.users--; gcState.users == 0 {
				debug.SetGCPercent(gcState.before)
			}
		})
	}
}

// liveHeap is what the last collection kept (0 before the first).
func liveHeap() uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return sample[0].Value.Uint64()
}

// gcState is the policy in force in the process, if any.
var gcState struct {
	mu     sync.Mutex
	users  int // builds running under it
	gen    int // which installation: a finalizer of an earlier one does nothing
	before int // the percent to put back
}

// gcSentinel is the object whose finalizer marks a collection: large
// enough to have an allocation of its own (the runtime batches tiny
// objects, and a finalizer on one would wait for its neighbours).
type gcSentinel struct{ _ [32]byte }
