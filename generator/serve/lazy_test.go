package serve

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestServeDeferredPages: the preview builds without the site-wide pages
// (print, search index, history, currency), makes them when a browser
// asks, and after a save names the ones asked for as changed, so a
// browser on /print/ reloads and gets the edit.
func TestServeDeferredPages(t *testing.T) {
	t.Parallel()
	dir := bigSite(t, 12)
	s, hs := newServer(t, dir)
	tree := s.current().tree
	for _, u := range []string{"print/index.html", "search-index.json", "currency/index.html", "area03/doc-0003/history/index.html"} {
		if _, ok := tree[u]; ok {
			t.Errorf("the preview's build rendered %s on its own", u)
		}
	}
	if _, ok := tree["area03/doc-0003/index.html"]; !ok {
		t.Fatal("no document page in the tree")
	}
	st := openStream(t, hs.URL)
	st.next(t) // hello
	for _, u := range []string{"/print/", "/search-index.json", "/currency/", "/area03/doc-0003/history/"} {
		if res, body := get(t, hs.URL+u); res.StatusCode != 200 || !strings.Contains(body, "Document number") {
			t.Fatalf("GET %s: %d\n%.300s", u, res.StatusCode, body)
		}
	}
	if res, _ := get(t, hs.URL+"/print"); res.Request.URL.Path != "/print/" {
		t.Errorf("/print was not sent to /print/ (%s)", res.Request.URL.Path)
	}
	if res, _ := get(t, hs.URL+"/nothing-here/"); res.StatusCode != 404 {
		t.Errorf("GET /nothing-here/: %d", res.StatusCode)
	}

	doc := filepath.Join(dir, "content", "area03", "doc-0003.md")
	b, _ := os.ReadFile(doc)
	if err := os.WriteFile(doc, append(b, "\nA sentence saved just now.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Rebuild([]string{"content/area03/doc-0003.md"})
	ev := st.settled(t, s)
	for _, u := range []string{"/area03/doc-0003/", "/print/", "/search-index.json"} {
		if !slices.Contains(ev.Changed, u) {
			t.Errorf("event after the save does not name %s: %v", u, ev.Changed)
		}
	}
	if slices.Contains(ev.Changed, "/area04/doc-0004/history/") {
		t.Errorf("event names a history page nobody asked for: %v", ev.Changed)
	}
	if _, body := get(t, hs.URL+"/print/"); !strings.Contains(body, "A sentence saved just now.") {
		t.Error("/print/ after the save does not show the edit")
	}
}

// TestMemoFSKeepsOneCopy: the preview's file system hands every build
// the bytes it keeps (one copy of each source in memory, no garbage per
// save), capped so that an append cannot write into them, and reads the
// disk again once the watcher says the file changed.
func TestMemoFSKeepsOneCopy(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, map[string]string{"content/a.md": "first"})
	m := newMemoFS(dir)
	a, err := m.ReadFile("content/a.md")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.ReadFile("content/a.md")
	if &a[0] != &b[0] {
		t.Error("a second read copied the bytes")
	}
	_ = append(a, " and more"...)
	if c, _ := m.ReadFile("content/a.md"); string(c) != "first" {
		t.Errorf("an append changed the kept bytes: %q", c)
	}
	if err := os.WriteFile(filepath.Join(dir, "content", "a.md"), []byte("second"), 0o644); err != nil {
		t.Fatal(err)
	}
	m.forget([]string{"content/a.md"})
	if c, _ := m.ReadFile("content/a.md"); string(c) != "second" || string(a) != "first" {
		t.Errorf("after the save: %q (the earlier read now %q)", c, a)
	}
}

// TestMemoFSListings: the preview keeps folder listings like files, and a
// path the watcher reports changed refreshes the listing of its folder:
// a file created, deleted, or a folder created or renamed with files in
// it is seen by the next build, and nothing else is listed again.
func TestMemoFSListings(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, map[string]string{"content/a.md": "a", "content/sub/b.md": "b"})
	m := newMemoFS(dir)
	names := func(p string) []string {
		t.Helper()
		es, err := m.ReadDir(p)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range es {
			out = append(out, e.Name())
		}
		return out
	}
	if got := names("content"); !slices.Equal(got, []string{"a.md", "sub"}) {
		t.Fatalf("content/: %q", got)
	}
	names("content/sub")
	write := func(p, s string) {
		t.Helper()
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("content/c.md", "c")
	if got := names("content"); !slices.Equal(got, []string{"a.md", "sub"}) {
		t.Errorf("listed again before the watcher said so: %q", got)
	}
	m.forget([]string{"content/c.md"})
	if got := names("content"); !slices.Equal(got, []string{"a.md", "c.md", "sub"}) {
		t.Errorf("after a file was created: %q", got)
	}
	if err := os.Remove(filepath.Join(dir, "content", "a.md")); err != nil {
		t.Fatal(err)
	}
	m.forget([]string{"content/a.md"})
	if got := names("content"); !slices.Equal(got, []string{"c.md", "sub"}) {
		t.Errorf("after a file was deleted: %q", got)
	}
	if err := os.Rename(filepath.Join(dir, "content", "sub"), filepath.Join(dir, "content", "moved")); err != nil {
		t.Fatal(err)
	}
	write("content/moved/new/d.md", "d")
	m.forget([]string{"content/sub", "content/moved"})
	if got := names("content"); !slices.Equal(got, []string{"c.md", "moved"}) {
		t.Errorf("after a folder was renamed: %q", got)
	}
	if got := names("content/moved"); !slices.Equal(got, []string{"b.md", "new"}) {
		t.Errorf("the renamed folder: %q", got)
	}
	if _, err := m.ReadDir("content/sub"); err == nil {
		t.Error("the folder's old name is still listed")
	}
	write("content/fresh/deep/e.md", "e") // the watcher reports only the file
	m.forget([]string{"content/fresh/deep/e.md"})
	if got := names("content"); !slices.Equal(got, []string{"c.md", "fresh", "moved"}) {
		t.Errorf("after a file was created in a new folder: %q", got)
	}
	m.forgetAll()
	if got := names("content/moved/new"); !slices.Equal(got, []string{"d.md"}) {
		t.Errorf("after forgetting everything: %q", got)
	}
}

// TestServeDeferredPagesDuringSpeculation: site-wide pages asked for
// between a speculation and its build (made from the build before the
// save) are named changed by the build, and show the save after it; and
// requests that race the speculation and the build read no torn state
// (run with -race).
func TestServeDeferredPagesDuringSpeculation(t *testing.T) {
	t.Parallel()
	dir := bigSite(t, 12)
	s, hs := newServer(t, dir)
	st := openStream(t, hs.URL)
	st.next(t) // hello
	doc := filepath.Join(dir, "content", "area03", "doc-0003.md")
	orig, _ := os.ReadFile(doc)
	for i := range 3 {
		inBuild := make(chan struct{})
		release := make(chan struct{})
		s.beforeSwap = func() { close(inBuild); <-release }
		saved := fmt.Sprintf("Saved during speculation %d.", i)
		if err := os.WriteFile(doc, append(slices.Clone(orig), "\n"+saved+"\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for _, u := range []string{"/print/", "/search-index.json", "/area03/doc-0003/", "/area03/doc-0003/history/"} {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					get(t, hs.URL+u)
				}
			})
		}
		rebuilt := make(chan Stats)
		go func() { rebuilt <- s.Rebuild([]string{"content/area03/doc-0003.md"}) }()
		if ev := st.next(t); !slices.Equal(ev.Changed, []string{"/area03/doc-0003/"}) {
			t.Fatalf("event of the speculation: %+v", ev)
		}
		<-inBuild
		get(t, hs.URL+"/print/") // the build before the save's
		get(t, hs.URL+"/search-index.json")
		close(release)
		if stats := <-rebuilt; !stats.Speculated || !stats.OK {
			t.Fatalf("rebuild %+v", stats)
		}
		close(stop)
		wg.Wait()
		ev := st.next(t)
		for _, u := range []string{"/print/", "/search-index.json"} {
			if !slices.Contains(ev.Changed, u) {
				t.Errorf("step %d: the build's event does not name %s: %+v", i, u, ev)
			}
		}
		if _, body := get(t, hs.URL+"/print/"); !strings.Contains(body, saved) {
			t.Errorf("step %d: /print/ after the build lacks the save", i)
		}
	}
}

// TestServeDeferredPageMadeDuringSave: a deferred page still being made
// from the last build when a save is speculated (the first /print/ of a
// large site takes seconds) is named changed by the build that follows:
// the browser got the page from before the save.
func TestServeDeferredPageMadeDuringSave(t *testing.T) {
	t.Parallel()
	dir := bigSite(t, 12)
	s, hs := newServer(t, dir)
	st := openStream(t, hs.URL)
	st.next(t) // hello
	made := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	s.lazyMade = func() { once.Do(func() { close(made); <-release }) }
	got := make(chan string)
	go func() { _, body := get(t, hs.URL+"/print/"); got <- body }()
	<-made
	doc := filepath.Join(dir, "content", "area03", "doc-0003.md")
	orig, _ := os.ReadFile(doc)
	if err := os.WriteFile(doc, append(orig, "\nSaved while /print/ was made.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	stats := s.Rebuild([]string{"content/area03/doc-0003.md"})
	close(release)
	if body := <-got; strings.Contains(body, "Saved while /print/ was made.") {
		t.Fatal("/print/ was made after the save: the test proves nothing")
	}
	if !stats.Speculated || !stats.OK {
		t.Fatalf("rebuild %+v", stats)
	}
	st.next(t) // the speculation
	if ev := st.next(t); !slices.Contains(ev.Changed, "/print/") {
		t.Errorf("the build's event does not name /print/, served from before the save: %+v", ev)
	}
}
