package serve

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/isms-project/isms/internal/testmode"
)

// TestServeSpeculationInGit: in a git repository the speculated page of a
// save says "uncommitted changes", and of a save back to the committed
// text names the commit again; each time the build renders the same
// bytes and sends no second event.
func TestServeSpeculationInGit(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary")
	}
	dir := writeSite(t, smallSite)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=Ada Auditor", "-c", "user.email=ada@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(testmode.GitEnviron(), "GIT_AUTHOR_DATE=2025-08-01T10:00:00+00:00", "GIT_COMMITTER_DATE=2025-08-01T10:00:00+00:00", "HOME="+dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "First")
	s, hs := newServer(t, dir)
	st := openStream(t, hs.URL)
	st.next(t) // hello
	doc := filepath.Join(dir, "content", "processes", "review.md")
	committed, _ := os.ReadFile(doc)
	for _, step := range []struct {
		src, want string
	}{
		{string(committed) + "\nSaved, not committed.\n", "uncommitted changes"},
		{string(committed), "2025-08-01 by Ada Auditor"},
	} {
		must(t, os.WriteFile(doc, []byte(step.src), 0o644))
		var wg sync.WaitGroup // deferred pages made while the save is speculated (run with -race)
		for _, u := range []string{"/print/", "/processes/review/history/", "/search-index.json", "/processes/"} {
			wg.Go(func() { get(t, hs.URL+u) })
		}
		if stats := s.Rebuild([]string{"content/processes/review.md"}); !stats.Speculated || !stats.OK {
			t.Fatalf("rebuild %+v", stats)
		}
		wg.Wait()
		if ev := st.next(t); !ev.OK {
			t.Fatalf("speculation event %+v", ev)
		}
		if _, body := get(t, hs.URL+"/processes/review/"); !strings.Contains(body, step.want) {
			t.Errorf("page after the build lacks %q", step.want)
		}
		select {
		case ev := <-st.events:
			if len(ev.Changed) == 0 || slices.Contains(ev.Changed, "/processes/review/") {
				t.Errorf("a second event: the build differs from the speculation: %+v", ev)
			}
		case <-time.After(100 * time.Millisecond):
		}
	}
}
