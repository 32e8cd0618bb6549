package par

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestOrdered: every index is made once and used in order, no more than
// ahead are made and not yet used at any time, and a use that stops ends
// it with nothing made past the window.
func TestOrdered(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, ahead := range []int{0, 1, 3, 16} {
		for _, n := range []int{0, 1, 2, 7, 100} {
			var made, inFlight, most atomic.Int64
			slots := make([]int, n)
			var order []int
			Ordered(n, ahead, func(i int) {
				in := inFlight.Add(1)
				for m := most.Load(); in > m && !most.CompareAndSwap(m, in); m = most.Load() {
				}
				if i%5 == 0 {
					time.Sleep(time.Millisecond) // out of order
				}
				slots[i] = i + 1
				made.Add(1)
			}, func(i int) bool {
				if slots[i] != i+1 {
					t.Fatalf("ahead %d, n %d: used %d before it was made", ahead, n, i)
				}
				order = append(order, i)
				inFlight.Add(-1)
				return true
			})
			if int(made.Load()) != n || len(order) != n {
				t.Fatalf("ahead %d, n %d: made %d, used %d", ahead, n, made.Load(), len(order))
			}
			for i, k := range order {
				if i != k {
					t.Fatalf("ahead %d, n %d: used out of order: %v", ahead, n, order)
				}
			}
			if limit := int64(max(ahead, 1)); most.Load() > limit {
				t.Errorf("ahead %d, n %d: %d made and not used at once", ahead, n, most.Load())
			}
		}
	}

	// Stopping early: nothing runs after Ordered returns, and nothing
	// more than the window past the stop was made.
	var mu sync.Mutex
	made := map[int]bool{}
	var after atomic.Bool
	var returned atomic.Bool
	Ordered(1000, 4, func(i int) {
		if returned.Load() {
			after.Store(true)
		}
		mu.Lock()
		made[i] = true
		mu.Unlock()
	}, func(i int) bool { return i < 10 })
	returned.Store(true)
	time.Sleep(10 * time.Millisecond)
	if after.Load() {
		t.Error("a make ran after Ordered returned")
	}
	for i := range made {
		if i > 10+4 {
			t.Errorf("index %d was made after use stopped at 10 with 4 ahead", i)
		}
	}
}

// TestOrderedUsePanics: a use that panics ends Ordered with its workers.
func TestOrderedUsePanics(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	before := runtime.NumGoroutine()
	func() {
		defer func() { recover() }()
		Ordered(100, 4, func(int) {}, func(i int) bool {
			if i == 3 {
				panic("use")
			}
			return true
		})
	}()
	for range 100 {
		if runtime.NumGoroutine() <= before {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Errorf("%d goroutines left after a panic in use, %d before", runtime.NumGoroutine(), before)
}
