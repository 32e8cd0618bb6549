// Package par runs independent work on every core and collects results by
// index, so that output never depends on scheduling.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Do runs f(0..n-1) on all cores; each call must write only its own index.
func Do(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, n)
	for i := range n {
		next <- i
	}
	close(next)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// Ordered runs produce(0..n-1) on all cores, in order of index and never
// more than ahead indices past the one use waits for, and calls use on
// the calling goroutine with each index in order once its produce is done:
// a consumer writing results out in order holds at most ahead of them
// (the auditor's copy, 10,000 documents written as they are made). produce
// must write only its own index; use may release it. When use returns
// false no further produce starts, and Ordered returns once those running
// are done.
func Ordered(n, ahead int, produce func(i int), use func(i int) bool) {
	workers := min(runtime.GOMAXPROCS(0), n, max(ahead, 1))
	if workers <= 1 {
		for i := range n {
			produce(i)
			if !use(i) {
				return
			}
		}
		return
	}
	done := make([]chan struct{}, n)
	for i := range done {
		done[i] = make(chan struct{})
	}
	// A token for each index taken and not yet used: a worker puts one
	// in before it takes an index, use takes it out (a worker that finds
	// nothing left takes its own back).
	tokens := make(chan struct{}, ahead)
	quit := make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				select {
				case <-quit:
					return
				default:
				}
				select {
				case tokens <- struct{}{}:
				case <-quit:
					return
				}
				i := int(next.Add(1)) - 1
				if i >= n {
					<-tokens
					return
				}
				produce(i)
				close(done[i])
			}
		})
	}
	// Then (and if use panics) a worker waiting for a token ends; tokens
	// of indices made and not used stay, so none is taken after a stop.
	defer func() {
		close(quit)
		wg.Wait()
	}()
	for i := range n {
		<-done[i]
		if !use(i) {
			return
		}
		<-tokens
	}
}
