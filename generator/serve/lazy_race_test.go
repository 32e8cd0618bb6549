package serve

// A deferred page's error is recorded once and never lost, whatever swap
// (speculation, good or failed build) comes while its page is made: the
// windows are forced through the test hooks and the goroutines' stacks,
// not by sleeping (after a fourth hostile review).

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// waitStack waits until some goroutine is blocked in a sync primitive
// with fn as its first frame outside runtime/sync and caller the next.
// After 20 s it marks the test failed and returns, so that the caller
// goes on releasing what it holds: a test fails, it never hangs.
func waitStack(t *testing.T, fn, caller string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	buf := make([]byte, 1<<20)
	for time.Now().Before(deadline) {
		n := runtime.Stack(buf, true)
		for _, g := range strings.Split(string(buf[:n]), "\n\n") {
			var frames []string
			for _, l := range strings.Split(g, "\n")[1:] {
				if l != "" && !strings.HasPrefix(l, "\t") {
					frames = append(frames, l)
				}
			}
			for i, f := range frames {
				if strings.HasPrefix(f, "runtime.") || strings.HasPrefix(f, "sync.") || strings.HasPrefix(f, "internal/sync.") {
					continue
				}
				if i > 0 && strings.Contains(f, fn) && i+1 < len(frames) && strings.Contains(frames[i+1], caller) {
					return
				}
				break
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Errorf("no goroutine blocked in %s called by %s", fn, caller)
}

// heldSearchPage starts a preview of a site whose search layout fails
// (isms build fails) and a request for /search/ held once its page is
// made, before lazyPage records the error: closing release lets it on,
// and lazyDone is closed when it returns.
func heldSearchPage(t *testing.T) (s *Server, dir string, release, lazyDone chan struct{}) {
	t.Helper()
	dir = writeSite(t, withFiles(smallSite, searchLayoutError))
	if eager(t, dir).Tree != nil {
		t.Fatal("isms build takes the site")
	}
	s, _ = newServer(t, dir)
	if ok, _ := s.current().status(); !ok {
		t.Fatal("first build failed")
	}
	inMade := make(chan struct{})
	release, lazyDone = make(chan struct{}), make(chan struct{})
	s.lazyMade = func() { close(inMade); <-release }
	go func() { s.lazyPage(s.current(), "search/index.html"); close(lazyDone) }()
	<-inMade
	return s, dir, release, lazyDone
}

// A deferred page's error recorded while a speculation swaps in: the
// speculation takes the problems under the lock, so the error stands
// (it was lost when they were copied before it).
func TestLateErrorNotLostToSpeculation(t *testing.T) {
	s, dir, release, lazyDone := heldSearchPage(t)

	old := s.current()
	old.servedMu.Lock() // holds speculate in old.status()
	p := filepath.Join(dir, "content", "manual", "manual.md")
	b, _ := os.ReadFile(p)
	must(t, os.WriteFile(p, append(b, "\nA body edit.\n"...), 0o644))
	rebuilt := make(chan Stats)
	go func() { rebuilt <- s.Rebuild([]string{"content/manual/manual.md"}) }()
	waitStack(t, "(*state).status", "(*Server).speculate")
	s.mu.Lock()
	old.servedMu.Unlock()
	waitStack(t, "(*Server).speculate", "(*Server).Rebuild") // after lateOf(old), at s.mu.Lock
	close(release)
	waitStack(t, "(*Server).lazyPage", "heldSearchPage") // recorded on old, at s.mu.RLock
	s.mu.Unlock()
	<-lazyDone
	r := <-rebuilt
	ok, d := s.current().status()
	t.Logf("rebuild %+v; status ok=%v\n%s", r, ok, d)
	if !r.Speculated {
		t.Fatal("not speculated")
	}
	if ok {
		t.Errorf("isms build fails (the search layout); the preview says the build is good (status ok %v), and the error of /search/ is gone", ok)
	}
}

// The same window in Rebuild: a page that failed after Rebuild read
// which pages had failed is made again under the lock, so the good build
// that swaps in keeps the error.
func TestLateErrorNotLostToRebuild(t *testing.T) {
	s, _, release, lazyDone := heldSearchPage(t)
	s.mu.RLock()
	old := s.st
	s.mu.RUnlock()
	g := make(chan struct{})
	s.beforeSwap = func() {
		old.servedMu.Lock() // holds Rebuild in lateOf(last)
		go func() {
			defer close(g)
			waitStack(t, "lateOf", "(*Server).Rebuild")
			s.mu.Lock()
			old.servedMu.Unlock()
			waitStack(t, "(*Server).Rebuild", "TestLateError") // at s.mu.Lock, before the swap
			close(release)
			waitStack(t, "(*Server).lazyPage", "heldSearchPage") // recorded on old, at s.mu.RLock
			s.mu.Unlock()
		}()
	}
	r := s.Rebuild(nil)
	<-g
	<-lazyDone
	ok, d := s.current().status()
	t.Logf("rebuild %+v; status ok=%v\n%s", r, ok, d)
	if ok {
		t.Errorf("isms build fails (the search layout); after the rebuild the preview says the build is good, and no build made /search/ again")
	}
}

// A deferred page's error and a failed build's swap: the error is
// recorded once, on the state it was made for, before or after the
// failed build copies that state's problems (it was recorded twice).
func TestLateErrorRecordedOnce(t *testing.T) {
	s, dir, release, lazyDone := heldSearchPage(t)
	must(t, os.WriteFile(filepath.Join(dir, "content", "bad.md"), []byte("---\nid: [unclosed\n---\nx\n"), 0o644))
	s.beforeSwap = func() {
		held := make(chan struct{})
		go func() {
			s.mu.RLock()
			close(held)
			waitStack(t, "(*Server).Rebuild", "TestLateError") // at s.mu.Lock, before lateOf(old) and the swap
			close(release)
			waitStack(t, "(*Server).lazyPage", "heldSearchPage") // recorded on old, at s.mu.RLock behind Rebuild
			s.mu.RUnlock()
		}()
		<-held
	}
	r := s.Rebuild([]string{"content/bad.md"})
	<-lazyDone
	ok, d := s.current().status()
	n := strings.Count(d.String(), "can't evaluate field Nope")
	t.Logf("rebuild %+v; status ok=%v\n%s", r, ok, d)
	if n != 1 {
		t.Errorf("the search layout's error is listed %d times in the failed build's status (it was made once)", n)
	}
}
