package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/model"
)

// TestWatchLateKickIsNoFullRebuild: a batch appended to pending while the
// builder is already awake for an earlier kick is taken with that kick;
// its own kick, sent afterwards, then finds pending empty. An empty
// pending must not be read as "everything changed": it was a full
// rebuild (memo FS forgotten, no speculation), here seen by a file the
// watcher never reported (written through a hard link outside the site)
// being read again. The window between the callback's append and its
// kick (it takes stopMu to stop the running build) is held open by
// holding stopMu.
func TestWatchLateKickIsNoFullRebuild(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, lines := loggedServer(t, dir)
	var bmu sync.Mutex
	builds := 0
	held, release := make(chan struct{}), make(chan struct{})
	s.beforeSwap = func() {
		bmu.Lock()
		builds++
		n := builds
		bmu.Unlock()
		if n == 1 {
			close(held)
			<-release
		}
	}
	watchSite(t, s)

	// manual.md changes on disk without an event: only a full rebuild reads it.
	manual := filepath.Join(dir, "content", "manual", "manual.md")
	link := filepath.Join(t.TempDir(), "manual.md")
	must(t, os.Link(manual, link))
	morig, _ := os.ReadFile(manual)
	must(t, os.WriteFile(link, append(slices.Clone(morig), "UNREPORTED.\n"...), 0o644))

	waitLine := func(want int) {
		t.Helper()
		for {
			select {
			case n := <-lines.seen:
				if n >= want {
					return
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("change line %d never came", want)
			}
		}
	}
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, append(slices.Clone(orig), "FIRST SAVE.\n"...), 0o644))
	<-held // build 1, before its swap
	cancelled := make(chan struct{})
	var once sync.Once
	s.stopMu.Lock()
	stop := s.stop
	s.stop = func() { stop(); once.Do(func() { close(cancelled) }) }
	s.stopMu.Unlock()
	must(t, os.WriteFile(doc, append(slices.Clone(orig), "SECOND SAVE.\n"...), 0o644))
	<-cancelled // batch 2 is pending, its kick on its way
	time.Sleep(50 * time.Millisecond)
	s.stopMu.Lock() // batch 3's callback will stall between append and kick
	must(t, os.WriteFile(doc, append(slices.Clone(orig), "THIRD SAVE.\n"...), 0o644))
	waitLine(3)
	time.Sleep(100 * time.Millisecond) // batch 3 appended to pending
	close(release)                     // build 1 goes stale; the builder takes batches 2 and 3
	time.Sleep(100 * time.Millisecond)
	s.stopMu.Unlock()

	deadline := time.Now().Add(10 * time.Second)
	for {
		st := s.current()
		if st.full == nil && strings.Contains(string(st.tree["processes/review/index.html"]), "THIRD SAVE.") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the third save was never built")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // any build after it
	bmu.Lock()
	n := builds
	bmu.Unlock()
	if n != 2 {
		t.Errorf("%d builds reached their swap, want 2 (the stale one, then batches 2 and 3)", n)
	}
	if strings.Contains(string(s.current().tree["manual/manual/index.html"]), "UNREPORTED.") {
		t.Error("a build after the last batch forgot every file: an empty pending was taken as a full rebuild")
	}
}

// TestSavesFasterThanBuildsStillServeBuilds: saves that keep coming
// faster than a build takes (an editor's autosave on a large site; here
// each build is made slow by beforeSwap) must still let builds through:
// a page that shows the saved document's title but is not the saved
// page (the access policy lists its output, the review process) only
// changes with a whole build. Each save stopping the build that runs
// means no build swaps in until the saves stop: saves stop builds for
// MaxWait at most.
func TestSavesFasterThanBuildsStillServeBuilds(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}, MaxWait: 300 * time.Millisecond})
	must(t, err)
	t.Cleanup(s.Close)
	s.beforeSwap = func() { time.Sleep(200 * time.Millisecond) } // a large site's build
	watchSite(t, s)
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	end := time.Now().Add(1500 * time.Millisecond)
	seen := false
	for i := 0; !seen && time.Now().Before(end); i++ {
		must(t, os.WriteFile(doc, []byte(strings.Replace(string(orig), "title: Access review", fmt.Sprintf("title: Retitled %d", i), 1)), 0o644))
		for t0 := time.Now(); time.Since(t0) < 100*time.Millisecond; time.Sleep(5 * time.Millisecond) {
			if strings.Contains(string(s.current().tree["policies/access/index.html"]), "Retitled") {
				seen = true
			}
		}
	}
	if !seen {
		t.Error("1.5 s of saves every 100 ms (builds of 200 ms, MaxWait 300 ms): no build swapped in; the other pages never showed a new title")
	}
}
