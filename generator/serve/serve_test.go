package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
)

// smallSite is a valid three-document site.
var smallSite = map[string]string{
	"isms.yaml": "title: Preview Test\norganization: Example\n",
	"content/policies/access.md": `---
id: POL-01
title: Access policy
type: policy
owner: CISO
reviewed: 2026-01-05
outputs: [PRC-01]
---
# Access

Read [the process](../processes/review.md).
`,
	"content/processes/review.md": `---
id: PRC-01
title: Access review
type: process
owner: Head of IT
reviewed: 2026-01-05
phase: check
---
## Steps

Review every quarter.
`,
	"content/manual/manual.md": `---
id: MAN-01
title: Manual
type: manual
owner: CISO
reviewed: 2026-01-05
---
The manual.
`,
}

// Most tests of this package call t.Parallel: each has its own site
// folder, server and watcher, and they mostly wait (debounce, quiet
// times). Not the one whose assertion rests on a short sleep
// (TestServeDropsStaleRebuild), nor the browser tests: they run first,
// alone in this package.
func writeSite(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newServer(t testing.TB, dir string) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}})
	if err != nil {
		t.Fatal(err)
	}
	if !s.current().ok {
		t.Fatalf("first build failed:\n%s", s.current().diags)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { s.Close(); hs.Close() })
	return s, hs
}

func get(t testing.TB, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// rawGet sends the path exactly as given, with no client-side cleaning.
func rawGet(t *testing.T, addr, path string) (int, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", path)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeTraversal(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	// A secret beside the site and one inside it that is not published.
	must(t, os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.txt"), []byte("TOPSECRET"), 0o644))
	_, hs := newServer(t, dir)
	addr := strings.TrimPrefix(hs.URL, "http://")
	for _, p := range []string{
		"/../secret.txt",
		"/../../../../etc/passwd",
		"/policies/../../secret.txt",
		"/%2e%2e/secret.txt",
		"/%2e%2e%2fsecret.txt",
		"/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/%252e%252e%252fsecret.txt",
		"/..%5csecret.txt",
		"/..\\secret.txt",
		"/policies/..%5c..%5csecret.txt",
		"/./isms.yaml",
		"//etc/passwd",
		"/isms.yaml",
		"/content/policies/access.md",
		"/%00",
	} {
		code, body := rawGet(t, addr, p)
		if code == http.StatusOK || code/100 == 3 {
			t.Errorf("%s: status %d, want a refusal", p, code)
		}
		for _, leak := range []string{"TOPSECRET", "root:", "Preview Test\norganization", "id: POL-01"} {
			if strings.Contains(body, leak) {
				t.Errorf("%s: body leaks %q", p, leak)
			}
		}
	}
}

func TestServeFiles(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	_, hs := newServer(t, dir)
	for _, c := range []struct {
		path, ctype string
		code        int
		has         string
	}{
		{"/", "text/html; charset=utf-8", 200, "Preview Test"},
		{"/policies/access/", "text/html; charset=utf-8", 200, "Access policy"},
		{"/assets/style.css", "text/css; charset=utf-8", 200, ""},
		{"/__isms/reload.js", "text/javascript; charset=utf-8", 200, "EventSource"},
		{"/no/such/page/", "text/html; charset=utf-8", 404, "<html"},
		{"/assets/", "text/html; charset=utf-8", 404, ""}, // no listings
	} {
		res, body := get(t, hs.URL+c.path)
		if res.StatusCode != c.code {
			t.Errorf("%s: status %d, want %d", c.path, res.StatusCode, c.code)
		}
		if got := res.Header.Get("Content-Type"); got != c.ctype {
			t.Errorf("%s: Content-Type %q, want %q", c.path, got, c.ctype)
		}
		if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", c.path, res.Header)
		}
		if !strings.Contains(body, c.has) {
			t.Errorf("%s: body lacks %q", c.path, c.has)
		}
	}
	_, page := get(t, hs.URL+"/policies/access/")
	if !strings.Contains(page, `<script src="/__isms/reload.js" defer></script>`) {
		t.Error("preview page lacks the reload client")
	}
	// A folder without its slash redirects to the slash form.
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := cl.Get(hs.URL + "/policies/access")
	must(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/policies/access/" {
		t.Errorf("no-slash: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	req, _ := http.NewRequest(http.MethodPost, hs.URL+"/", nil)
	res, err = http.DefaultClient.Do(req)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d", res.StatusCode)
	}
}

// stream reads build events from /__isms/events.
type stream struct {
	events chan event
	cancel context.CancelFunc
}

func openStream(t testing.TB, url string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/__isms/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("events Content-Type %q", ct)
	}
	st := &stream{events: make(chan event, 16), cancel: cancel}
	go func() {
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var ev event
				if json.Unmarshal([]byte(d), &ev) == nil {
					st.events <- ev
				}
			}
		}
		close(st.events)
	}()
	t.Cleanup(cancel)
	return st
}

func (st *stream) next(t testing.TB) event {
	t.Helper()
	select {
	case ev, ok := <-st.events:
		if !ok {
			t.Fatal("event stream closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return event{}
}

// settled reads the events of the rebuilds that have returned, up to the
// one of s's current generation (a speculation's and its build's), and
// merges them: the URLs any of them named changed, the last one's state.
func (st *stream) settled(t testing.TB, s *Server) event {
	t.Helper()
	gen := s.current().gen
	var merged event
	for {
		ev := st.next(t)
		changed := append(merged.Changed, ev.Changed...)
		merged = ev
		slices.Sort(changed)
		merged.Changed = slices.Compact(changed)
		if ev.Gen >= gen || !ev.OK {
			return merged
		}
	}
}

func TestServeEventsAndErrors(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, hs := newServer(t, dir)
	st := openStream(t, hs.URL)
	hello := st.next(t)
	if !hello.Hello || !hello.OK || hello.Gen != 1 || len(hello.Errors) != 0 {
		t.Fatalf("hello %+v", hello)
	}

	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, append(orig, "Appended sentence.\n"...), 0o644))
	s.Rebuild([]string{"content/processes/review.md"})
	ev := st.next(t)
	if !ev.OK || ev.Gen != 2 || !slices.Contains(ev.Changed, "/processes/review/") || ev.CSSOnly || ev.All {
		t.Fatalf("after an edit: %+v", ev)
	}
	if slices.Contains(ev.Changed, "/manual/manual/") {
		t.Errorf("an unrelated page is reported changed: %q", ev.Changed)
	}
	_, body := get(t, hs.URL+"/processes/review/")
	if !strings.Contains(body, "Appended sentence.") {
		t.Fatal("served page lacks the edit")
	}

	// Break the front-matter: the event carries located errors, the last
	// good page stays served.
	broken := strings.Replace(string(orig), "owner: Head of IT", "owner: [Head of IT", 1) + "Lost edit.\n"
	must(t, os.WriteFile(doc, []byte(broken), 0o644))
	s.Rebuild([]string{"content/processes/review.md"})
	ev = st.next(t)
	if ev.OK || len(ev.Errors) == 0 || ev.Gen != 2 {
		t.Fatalf("after breaking: %+v", ev)
	}
	located := false
	for _, m := range ev.Errors {
		located = located || strings.HasPrefix(m.Pos, "content/processes/review.md:") && strings.Count(m.Pos, ":") == 2
	}
	if !located {
		t.Errorf("errors %+v: none at content/processes/review.md:line:col", ev.Errors)
	}
	res, body := get(t, hs.URL+"/processes/review/")
	if res.StatusCode != 200 || !strings.Contains(body, "Appended sentence.") || strings.Contains(body, "Lost edit.") {
		t.Fatal("the last good page is not what is served")
	}
	// A browser that connects now learns of the errors at once.
	if h := openStream(t, hs.URL).next(t); h.OK || len(h.Errors) == 0 {
		t.Fatalf("hello while broken: %+v", h)
	}

	// Fix it: the overlay's errors go, the page updates.
	must(t, os.WriteFile(doc, append(orig, "Fixed.\n"...), 0o644))
	s.Rebuild([]string{"content/processes/review.md"})
	ev = st.next(t)
	if !ev.OK || len(ev.Errors) != 0 || ev.Gen != 3 || !slices.Contains(ev.Changed, "/processes/review/") {
		t.Fatalf("after fixing: %+v", ev)
	}

	// Delete a page: it is reported removed and served as 404.
	must(t, os.Remove(filepath.Join(dir, "content", "manual", "manual.md")))
	s.Rebuild([]string{"content/manual/manual.md"})
	ev = st.next(t)
	if !ev.OK || !slices.Contains(ev.Removed, "/manual/manual/") {
		t.Fatalf("after deleting: %+v", ev)
	}
	if res, _ := get(t, hs.URL+"/manual/manual/"); res.StatusCode != 404 {
		t.Errorf("deleted page: %d", res.StatusCode)
	}

	// A stylesheet-only change.
	must(t, os.MkdirAll(filepath.Join(dir, "themes", "default", "static"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "themes", "default", "static", "extra.css"), []byte("body{}"), 0o644))
	s.Rebuild([]string{"themes/default/static/extra.css"})
	ev = st.next(t)
	if !ev.OK || !ev.CSSOnly || !slices.Equal(ev.Changed, []string{"/assets/extra.css"}) {
		t.Fatalf("after a CSS change: %+v", ev)
	}
}

// TestServeWatchPushesEvent runs the whole loop: a save on disk, the
// watcher, the rebuild, the event.
func TestServeWatchPushesEvent(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, hs := newServer(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx) }()
	defer func() { cancel(); <-done }()
	st := openStream(t, hs.URL)
	st.next(t)   // hello
	<-s.watching // the watches are in place
	doc := filepath.Join(dir, "content", "policies", "access.md")
	orig, _ := os.ReadFile(doc)
	tmp := filepath.Join(dir, "content", "policies", ".access.md.tmp")
	must(t, os.WriteFile(tmp, append(orig, "Saved atomically.\n"...), 0o644))
	must(t, os.Rename(tmp, doc))
	for {
		ev := st.next(t)
		if slices.Contains(ev.Changed, "/policies/access/") {
			break
		}
	}
	if _, body := get(t, hs.URL+"/policies/access/"); !strings.Contains(body, "Saved atomically.") {
		t.Fatal("page lacks the saved text")
	}
}

// notSpeculated is a batch of changes the server does not answer before
// its build (Server.speculate takes a lone saved document): the saved
// review.md and isms.yaml, whose change the build works out.
var notSpeculated = []string{"content/processes/review.md", "isms.yaml"}

// TestServeRequestWaitsForRebuild holds a rebuild between build and swap
// and checks that a request made meanwhile waits (briefly: readWait),
// then gets the new page.
func TestServeRequestWaitsForRebuild(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, hs := newServer(t, dir)
	inBuild := make(chan struct{})
	release := make(chan struct{})
	s.beforeSwap = func() { close(inBuild); <-release }
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, append(orig, "New text.\n"...), 0o644))
	rebuilt := make(chan struct{})
	go func() { s.Rebuild(notSpeculated); close(rebuilt) }()
	<-inBuild

	got := make(chan string, 1)
	go func() {
		res, err := http.Get(hs.URL + "/processes/review/")
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		got <- string(b)
	}()
	select {
	case <-got:
		t.Fatal("a request was answered in the middle of a rebuild")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	<-rebuilt
	if body := <-got; !strings.Contains(body, "New text.") {
		t.Fatal("the waiting request did not get the rebuilt page")
	}
}

// A rebuild that takes long (a heavy diagram, a slow disk) never holds
// requests up for more than readWait: they get the last good site.
func TestServeAnswersDuringSlowRebuild(t *testing.T) {
	t.Parallel() // the limit (5 × readWait) is ample beside tests that mostly sleep
	dir := writeSite(t, smallSite)
	s, hs := newServer(t, dir)
	inBuild := make(chan struct{})
	release := make(chan struct{})
	s.beforeSwap = func() { close(inBuild); <-release }
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, append(orig, "New text.\n"...), 0o644))
	rebuilt := make(chan struct{})
	go func() { s.Rebuild(notSpeculated); close(rebuilt) }()
	<-inBuild
	defer func() { close(release); <-rebuilt }()

	start := time.Now()
	res, body := get(t, hs.URL+"/processes/review/")
	if waited := time.Since(start); waited > 5*readWait {
		t.Errorf("a request waited %v for a slow rebuild", waited)
	}
	if res.StatusCode != http.StatusOK || strings.Contains(body, "New text.") {
		t.Errorf("during a slow rebuild: status %d, new text %v; want the last good page", res.StatusCode, strings.Contains(body, "New text."))
	}
}

// A rebuild overtaken by a newer change is stale: it is not swapped in,
// and the newer one, which sees every change, is.
func TestServeDropsStaleRebuild(t *testing.T) {
	dir := writeSite(t, smallSite)
	s, _ := newServer(t, dir)
	gen := s.current().gen
	inBuild := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	s.beforeSwap = func() { once.Do(func() { close(inBuild); <-release }) }
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, append(orig, "First save.\n"...), 0o644))
	first := make(chan Stats)
	go func() { first <- s.Rebuild(notSpeculated) }()
	<-inBuild
	must(t, os.WriteFile(doc, append(orig, "Second save.\n"...), 0o644))
	second := make(chan Stats)
	go func() { second <- s.Rebuild(notSpeculated) }()
	time.Sleep(50 * time.Millisecond) // the second asks while the first is held
	close(release)
	if st := <-first; !st.Stale || st.OK {
		t.Errorf("the overtaken rebuild: %+v, want stale", st)
	}
	if st := <-second; !st.OK {
		t.Errorf("the newer rebuild: %+v", st)
	}
	if got := s.current().gen; got != gen+1 {
		t.Errorf("generation %d after two rebuilds, one stale: want %d", got, gen+1)
	}
	if page := string(s.current().tree["processes/review/index.html"]); !strings.Contains(page, "Second save.") {
		t.Error("the served page is not the newer save")
	}
}

func TestServeFirstBuildFails(t *testing.T) {
	t.Parallel()
	files := map[string]string{}
	for k, v := range smallSite {
		files[k] = v
	}
	files["content/manual/manual.md"] = "---\nid: MAN-01\ntitle: [unclosed\n---\n"
	dir := writeSite(t, files)
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}})
	must(t, err)
	hs := httptest.NewServer(s)
	defer hs.Close()
	defer s.Close()
	res, body := get(t, hs.URL+"/")
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "content/manual/manual.md:3") ||
		!strings.Contains(body, `src="/__isms/reload.js"`) {
		t.Fatalf("%d\n%s", res.StatusCode, body)
	}
	if strings.Contains(body, "<script>") {
		t.Error("inline script on the error page")
	}
}

// Serve builds once at start: Watch rebuilds only what was saved after
// New's build began (nothing, for an untouched site).
func TestServeBuildsOnceAtStart(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, _ := newServer(t, dir)
	if got := s.changedSince(s.started); len(got) != 0 {
		t.Errorf("an untouched site has changes since the first build: %v", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.Watch(ctx) }()
	time.Sleep(300 * time.Millisecond)
	if gen := s.current().gen; gen != 1 {
		t.Errorf("generation %d after starting to watch an untouched site: want 1 (one build)", gen)
	}
	cancel()
	<-done

	// A save while the first build ran is not missed.
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, append(orig, "Saved during the first build.\n"...), 0o644))
	s.started = time.Now().Add(-time.Minute)
	if got := s.changedSince(s.started); !slices.Contains(got, "content/processes/review.md") {
		t.Errorf("changes since the first build: %v, want the saved file", got)
	}
}

// TestServeEdition: the preview of one edition serves what it holds and
// answers 404 for a document above its max.
func TestServeEdition(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, map[string]string{
		"isms.yaml":             "editions:\n  staff: { max: internal }\n",
		"content/policies/a.md": "---\nid: POL-A\ntitle: Open policy\ntype: policy\nowner: X\nreviewed: 2026-10-01\n---\nSee [the secret](b.md).\n",
		"content/policies/b.md": "---\nid: POL-B\ntitle: Secretcanary policy\ntype: policy\nowner: X\nclassification: confidential\nreviewed: 2026-10-01\n---\nSecretcanary text.\n",
	})
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27), Edition: "staff"}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { s.Close(); hs.Close() })
	if res, body := get(t, hs.URL+"/policies/a/"); res.StatusCode != 200 || strings.Contains(strings.ToLower(body), "secretcanary") || !strings.Contains(body, "not in this edition") {
		t.Errorf("/policies/a/: %d, %q", res.StatusCode, body)
	}
	if res, _ := get(t, hs.URL+"/policies/b/"); res.StatusCode != 404 {
		t.Errorf("/policies/b/ of a confidential document: %d, want 404", res.StatusCode)
	}
	if _, body := get(t, hs.URL+"/search-index.json"); strings.Contains(strings.ToLower(body), "secretcanary") {
		t.Error("the search index holds the confidential document")
	}
}

// TestServeSpeculatesBodyEdit: a save that changes only a document's
// body is served and announced before the site is built again — a
// request made while that build runs gets the new page at once — and
// the build, which renders the same bytes, sends no second event.
func TestServeSpeculatesBodyEdit(t *testing.T) {
	dir := writeSite(t, smallSite)
	s, hs := newServer(t, dir)
	st := openStream(t, hs.URL)
	gen := st.next(t).Gen // hello
	inBuild := make(chan struct{})
	release := make(chan struct{})
	s.beforeSwap = func() { close(inBuild); <-release }
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, append(orig, "Speculated text.\n"...), 0o644))
	rebuilt := make(chan Stats)
	go func() { rebuilt <- s.Rebuild([]string{"content/processes/review.md"}) }()
	ev := st.next(t)
	if !ev.OK || ev.Gen != gen+1 || !slices.Equal(ev.Changed, []string{"/processes/review/"}) {
		t.Fatalf("event of the speculation: %+v", ev)
	}
	<-inBuild // the build runs (held before its swap)
	start := time.Now()
	_, body := get(t, hs.URL+"/processes/review/")
	if waited := time.Since(start); waited > readWait/2 {
		t.Errorf("the saved page waited %v for the build", waited)
	}
	if !strings.Contains(body, "Speculated text.") {
		t.Error("the page served during the build lacks the save")
	}
	speculated := s.current().tree["processes/review/index.html"]
	close(release)
	if stats := <-rebuilt; !stats.OK || !stats.Speculated || stats.Changed != 1 {
		t.Errorf("rebuild %+v", stats)
	}
	if got := s.current().tree["processes/review/index.html"]; string(got) != string(speculated) {
		t.Errorf("the build's page differs from the speculated one:\n%s", got)
	}
	if g := s.current().gen; g != gen+1 {
		t.Errorf("generation %d after a confirmed speculation, want %d", g, gen+1)
	}
	select {
	case ev := <-st.events:
		t.Errorf("a second event for a confirmed speculation: %+v", ev)
	case <-time.After(100 * time.Millisecond):
	}

	// A save that adds a link is beyond Result.Speculate: the page is
	// made by a build of it alone (Options.Only), served and announced
	// before the whole build, which confirms it.
	s.beforeSwap = nil
	must(t, os.WriteFile(doc, append(orig, "See [the manual](../manual/manual.md).\n"...), 0o644))
	if stats := s.Rebuild([]string{"content/processes/review.md"}); !stats.Speculated || !stats.OK {
		t.Errorf("a link added: %+v", stats)
	}
	if ev := st.next(t); ev.Gen != gen+2 || !slices.Equal(ev.Changed, []string{"/processes/review/"}) {
		t.Errorf("event of the partial build: %+v", ev)
	}
	if page := string(s.current().tree["processes/review/index.html"]); !strings.Contains(page, `href="/manual/manual/"`) {
		t.Error("the page does not link to the manual")
	}
}

// TestServeSpeculatesSaveThroughTempFile: sed -i, and editors that save
// atomically, write the new text to a temporary file beside the document
// and rename it over; the watcher reports both names. A new title saved
// so is served before the build (the temporary file is gone and the last
// build never had it), with the navigation's entry renamed. A batch that
// also removed a file the last build had, or that holds another file
// still there, is left to the build.
func TestServeSpeculatesSaveThroughTempFile(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, hs := newServer(t, dir)
	doc := filepath.Join(dir, "content", "policies", "access.md")
	orig, _ := os.ReadFile(doc)
	save := func(title string) {
		tmp := filepath.Join(dir, "content", "policies", "sedX1b2c3")
		must(t, os.WriteFile(tmp, []byte(strings.Replace(string(orig), "title: Access policy", "title: "+title, 1)), 0o644))
		must(t, os.Rename(tmp, doc))
	}
	save("Access control policy")
	if stats := s.Rebuild([]string{"content/policies/access.md", "content/policies/sedX1b2c3"}); !stats.Speculated || !stats.OK {
		t.Errorf("a new title saved through a temporary file: %+v", stats)
	}
	_, body := get(t, hs.URL+"/policies/access/")
	if !strings.Contains(body, "<h1>Access control policy</h1>") || !strings.Contains(body, `aria-current="page">Access control policy</a>`) {
		t.Errorf("the page lacks the new title in its heading and navigation:\n%s", body)
	}

	save("Access policy, again")
	must(t, os.Remove(filepath.Join(dir, "content", "manual", "manual.md")))
	if stats := s.Rebuild([]string{"content/manual/manual.md", "content/policies/access.md"}); stats.Speculated {
		t.Errorf("a save beside a document removed was speculated: %+v", stats)
	}
	save("Access policy, third")
	must(t, os.WriteFile(filepath.Join(dir, "content", "policies", "notes.txt"), []byte("notes"), 0o644))
	if stats := s.Rebuild([]string{"content/policies/access.md", "content/policies/notes.txt"}); stats.Speculated {
		t.Errorf("a save beside another file written was speculated: %+v", stats)
	}
}

// TestServeSpeculationCountsOvertakenSaves: a save whose rebuild went
// stale (a newer save stopped it before it swapped in) is still unseen
// by the served build: the newer save is not speculated against that
// build alone. (Found by a hostile review: a body save of one document
// was speculated with the navigation from before another's new title.)
func TestServeSpeculationCountsOvertakenSaves(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, srv := newServer(t, dir)
	held, release := make(chan struct{}), make(chan struct{})
	s.beforeSwap = func() { close(held); <-release }
	manual := filepath.Join(dir, "content", "manual", "manual.md")
	orig, _ := os.ReadFile(manual)
	must(t, os.WriteFile(manual, []byte(strings.Replace(string(orig), "title: Manual", "title: Renamed manual", 1)), 0o644))
	first := make(chan Stats)
	go func() { first <- s.Rebuild([]string{"content/manual/manual.md"}) }()
	<-held // the manual's build, before its swap
	s.beforeSwap = nil
	cancelled := make(chan struct{})
	s.stopMu.Lock()
	stop := s.stop
	s.stop = func() { stop(); close(cancelled) }
	s.stopMu.Unlock()
	access := filepath.Join(dir, "content", "policies", "access.md")
	aorig, _ := os.ReadFile(access)
	must(t, os.WriteFile(access, append(aorig, "\nA body edit.\n"...), 0o644))
	second := make(chan Stats)
	go func() { second <- s.Rebuild([]string{"content/policies/access.md"}) }()
	<-cancelled // the access policy's rebuild stopped the manual's
	close(release)
	if st := <-first; !st.Stale {
		t.Fatalf("the manual's rebuild: %+v, want it stale", st)
	}
	if st := <-second; st.Speculated || !st.OK {
		t.Errorf("the access policy's rebuild: %+v, want it built, not speculated", st)
	}
	if _, body := get(t, srv.URL+"/policies/access/"); !strings.Contains(body, "Renamed manual") || !strings.Contains(body, "A body edit.") {
		t.Error("the access policy's page lacks a save")
	}
	// The next lone save is speculated again: the build has seen both.
	must(t, os.WriteFile(access, append(aorig, "\nA second body edit.\n"...), 0o644))
	if st := s.Rebuild([]string{"content/policies/access.md"}); !st.Speculated || !st.OK {
		t.Errorf("the save after: %+v, want it speculated", st)
	}

	// Two saves of one document, the first overtaken: the second is
	// still the only document changed since the served build.
	held, release = make(chan struct{}), make(chan struct{})
	s.beforeSwap = func() { close(held); <-release }
	must(t, os.WriteFile(access, append(aorig, "\nA third body edit.\n"...), 0o644))
	go func() { first <- s.Rebuild([]string{"content/policies/access.md"}) }()
	<-held
	s.beforeSwap = nil
	cancelled = make(chan struct{})
	s.stopMu.Lock()
	stop = s.stop
	s.stop = func() { stop(); close(cancelled) }
	s.stopMu.Unlock()
	must(t, os.WriteFile(access, append(aorig, "\nA fourth body edit.\n"...), 0o644))
	go func() { second <- s.Rebuild([]string{"content/policies/access.md"}) }()
	<-cancelled
	close(release)
	if st := <-first; !st.Stale {
		t.Fatalf("the third save's rebuild: %+v, want it stale", st)
	}
	if st := <-second; !st.Speculated || !st.OK {
		t.Errorf("the fourth save, after an overtaken save of the same document: %+v, want it speculated", st)
	}
}

// TestSavedDocument: which document a batch of changed paths saved.
func TestSavedDocument(t *testing.T) {
	t.Parallel()
	site := &link.Site{ByPath: map[string]*link.Page{}, Assets: map[string]bool{"evidence/files/log.pdf": true}}
	for _, p := range []string{"policies/a.md", "records/2026/audit.md"} {
		pg := &link.Page{Doc: &model.Document{Path: p}}
		site.Pages = append(site.Pages, pg)
		site.ByPath[p] = pg
	}
	present := map[string]bool{"content/policies/a.md": true, "content/policies/b.md": true, "content/policies/notes.txt": true, "isms.yaml": true}
	exists := func(p string) bool { return present[p] }
	for _, c := range []struct {
		changed []string
		want    string
	}{
		{[]string{"content/policies/a.md"}, "content/policies/a.md"},
		{[]string{"content/policies/a.md", "content/policies/sed4Xy9"}, "content/policies/a.md"},
		{[]string{"content/policies/.a.md.swp", "content/policies/a.md"}, "content/policies/a.md"},
		{[]string{"content/policies/a.md", "content/policies/sed4Xy9", "content/policies/a.md"}, "content/policies/a.md"}, // saved again after an overtaken save
		{[]string{"content/policies/a.md", "content/policies/b.md"}, ""},                                                  // two documents
		{[]string{"content/policies/a.md", "content/policies/notes.txt"}, ""},                                             // another file, still there
		{[]string{"content/policies/a.md", "content/records/2026/audit.md"}, ""},                                          // a document removed
		{[]string{"content/policies/a.md", "content/records/2026"}, ""},                                                   // a folder of documents removed
		{[]string{"content/evidence/files/log.pdf", "content/policies/a.md"}, ""},                                         // a file removed
		{[]string{"content/evidence/files", "content/policies/a.md"}, ""},                                                 // a folder of files removed
		{[]string{"content/policies/a.md", "isms.yaml"}, ""},                                                              // the configuration
		{[]string{"content/policies/a.md", "themes/default/layouts/base.html"}, ""},                                       // the theme, gone
		{[]string{"content/policies/gone.md"}, ""},                                                                        // a document that is not there
		{[]string{"content/policies/sed4Xy9"}, ""},                                                                        // nothing saved
		{nil, ""},
	} {
		if got := savedDocument(c.changed, site, exists); got != c.want {
			t.Errorf("savedDocument(%q) = %q, want %q", c.changed, got, c.want)
		}
	}
}

// TestServeSpeculationThenFailedBuild: a body edit is speculated, but the
// build finds it breaks another document (a link to a heading it
// renamed): the overlay shows the error and the last good build — not
// the speculation — is served again.
func TestServeSpeculationThenFailedBuild(t *testing.T) {
	t.Parallel()
	files := maps.Clone(smallSite)
	files["content/manual/manual.md"] += "See [the steps](../processes/review.md#steps).\n"
	dir := writeSite(t, files)
	s, hs := newServer(t, dir)
	st := openStream(t, hs.URL)
	st.next(t) // hello
	before := s.current().tree["processes/review/index.html"]
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, []byte(strings.Replace(string(orig), "## Steps", "## Stages", 1)), 0o644))
	if stats := s.Rebuild([]string{"content/processes/review.md"}); !stats.Speculated || stats.OK {
		t.Fatalf("rebuild %+v: want a speculation, then a failed build", stats)
	}
	if ev := st.next(t); !ev.OK || !slices.Contains(ev.Changed, "/processes/review/") {
		t.Errorf("event of the speculation: %+v", ev)
	}
	if ev := st.next(t); ev.OK || len(ev.Errors) == 0 || !strings.Contains(ev.Errors[0].Text, "steps") {
		t.Errorf("event of the failed build: %+v", ev)
	}
	if got := s.current().tree["processes/review/index.html"]; string(got) != string(before) {
		t.Error("after the failed build the speculated page is still served")
	}
}

// TestServeMemoryLimit: the server keeps the soft memory limit it is
// given while the site fits, and lifts it above what a build leaves live
// when the site does not, so the collector never runs without pause.
func TestServeMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	dir := writeSite(t, smallSite)
	if _, err := New(Config{Dir: dir, MemoryLimit: 1 << 40}); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<40 {
		t.Errorf("limit %d after a build of a site that fits, want %d", got, int64(1<<40))
	}
	if _, err := New(Config{Dir: dir, MemoryLimit: 1024}); err != nil {
		t.Fatal(err)
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if got := debug.SetMemoryLimit(-1); got < int64(ms.HeapAlloc) {
		t.Errorf("limit %d below the heap (%d) after a build of a site that does not fit", got, ms.HeapAlloc)
	}
}

// TestServeSpeculationFailedThenReverted: a speculated page, then a
// failed build, then the save undone. The browsers show the speculated
// page under the overlay; the build that succeeds again has the bytes of
// the last good build, which differ from what they show, so its event
// names the page.
func TestServeSpeculationFailedThenReverted(t *testing.T) {
	t.Parallel()
	files := maps.Clone(smallSite)
	files["content/manual/manual.md"] += "See [the steps](../processes/review.md#steps).\n"
	dir := writeSite(t, files)
	s, hs := newServer(t, dir)
	st := openStream(t, hs.URL)
	st.next(t) // hello
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, []byte(strings.Replace(string(orig), "## Steps", "## Stages", 1)), 0o644))
	if stats := s.Rebuild([]string{"content/processes/review.md"}); !stats.Speculated || stats.OK {
		t.Fatalf("rebuild %+v: want a speculation, then a failed build", stats)
	}
	st.next(t) // the speculation: browsers reload into it
	if ev := st.next(t); ev.OK {
		t.Fatalf("event of the failed build: %+v", ev)
	}
	must(t, os.WriteFile(doc, orig, 0o644))
	if stats := s.Rebuild([]string{"content/processes/review.md"}); !stats.OK {
		t.Fatalf("rebuild after the revert %+v", stats)
	}
	if ev := st.next(t); !ev.OK || !slices.Contains(ev.Changed, "/processes/review/") {
		t.Errorf("event of the build after the revert: %+v; the browsers still show the speculated page", ev)
	}
}

// TestServeEditionNeverSpeculates: the preview of an edition builds every
// save whole (an edition's tree is redacted as a whole), and a body edit
// of a document above its max shows nowhere.
func TestServeEditionNeverSpeculates(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, map[string]string{
		"isms.yaml":             "editions:\n  staff: { max: internal }\n",
		"content/policies/a.md": "---\nid: POL-A\ntitle: Open policy\ntype: policy\nowner: X\nreviewed: 2026-10-01\n---\nOpen text.\n",
		"content/policies/b.md": "---\nid: POL-B\ntitle: Secret policy\ntype: policy\nowner: X\nclassification: confidential\nreviewed: 2026-10-01\n---\nSecret text.\n",
	})
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27), Edition: "staff"}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(func() { s.Close(); hs.Close() })
	for _, f := range []string{"a.md", "b.md"} {
		p := filepath.Join(dir, "content", "policies", f)
		b, _ := os.ReadFile(p)
		must(t, os.WriteFile(p, append(b, "Canaryword saved.\n"...), 0o644))
		if stats := s.Rebuild([]string{"content/policies/" + f}); stats.Speculated || !stats.OK {
			t.Errorf("%s saved: %+v", f, stats)
		}
	}
	if res, _ := get(t, hs.URL+"/policies/b/"); res.StatusCode != 404 {
		t.Errorf("/policies/b/ after a save: %d", res.StatusCode)
	}
	for k, v := range s.current().tree {
		if strings.Contains(string(v), "Secret text") {
			t.Errorf("%s shows the confidential body", k)
		}
	}
}

// TestServePartialBuild: a save Result.Speculate declines is built alone
// (Options.Only) before the whole build; a request made meanwhile waits
// for it and gets the new page. One the rest of the build may refuse (a
// link to a page no document publishes) is left to the whole build.
func TestServePartialBuild(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, hs := newServer(t, dir)
	inPartial := make(chan struct{})
	release := make(chan struct{})
	var once sync.Once
	s.partial = func() { once.Do(func() { close(inPartial); <-release }) }
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, append(orig, "See [the manual](../manual/manual.md) again.\n"...), 0o644))
	rebuilt := make(chan Stats)
	go func() { rebuilt <- s.Rebuild([]string{"content/processes/review.md"}) }()
	<-inPartial
	got := make(chan string, 1)
	go func() { _, body := get(t, hs.URL+"/processes/review/"); got <- body }()
	select {
	case <-got:
		t.Fatal("a request was answered in the middle of the partial build")
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if body := <-got; !strings.Contains(body, "again.") {
		t.Error("the waiting request did not get the saved page")
	}
	if st := <-rebuilt; !st.OK || !st.Speculated {
		t.Errorf("rebuild %+v", st)
	}

	must(t, os.WriteFile(doc, append(orig, "See [the map](/processes/nope/).\n"...), 0o644))
	if st := s.Rebuild([]string{"content/processes/review.md"}); st.OK || st.Speculated {
		t.Errorf("a broken link to a report's page: %+v, want neither speculated nor built", st)
	}
}

// logLines is a server log that tells lines starting with a prefix.
type logLines struct {
	mu     sync.Mutex
	prefix string
	n      int
	seen   chan int // each matching line's count
	buf    []byte
}

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		if strings.HasPrefix(string(l.buf[:i]), l.prefix) {
			l.n++
			select {
			case l.seen <- l.n:
			default:
			}
		}
		l.buf = l.buf[i+1:]
	}
}

// loggedServer is a server of dir whose log tells its "change:" lines
// (each batch the watcher hands over).
func loggedServer(t *testing.T, dir string) (*Server, *logLines) {
	t.Helper()
	lines := &logLines{prefix: "change:", seen: make(chan int, 8)}
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}, Log: lines})
	must(t, err)
	t.Cleanup(s.Close)
	return s, lines
}

// TestSaveDuringBuildStopsIt: a save that comes while the build after
// the last one runs is taken by the watcher at once (it no longer waits
// for that build: the builds run beside it), stops that build, which is
// not served (only "built" once for the two saves), and is served with
// the build after it.
func TestSaveDuringBuildStopsIt(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, lines := loggedServer(t, dir)
	held, builds := make(chan struct{}), 0
	s.beforeSwap = func() { // the builds run one at a time: no lock needed
		if builds++; builds != 1 {
			return
		}
		close(held)
		timeout := time.After(5 * time.Second)
		for {
			select {
			case n := <-lines.seen:
				if n < 2 {
					continue
				}
			case <-timeout:
				t.Error("the second save was not taken while the first build ran")
			}
			return
		}
	}
	watchSite(t, s)
	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, _ := os.ReadFile(doc)
	must(t, os.WriteFile(doc, append(slices.Clone(orig), "FIRST SAVE.\n"...), 0o644))
	<-held
	must(t, os.WriteFile(doc, append(slices.Clone(orig), "SECOND SAVE.\n"...), 0o644))
	deadline := time.Now().Add(10 * time.Second)
	for {
		st := s.current()
		if st.full == nil && strings.Contains(string(st.tree["processes/review/index.html"]), "SECOND SAVE.") {
			break // the build after the second save has swapped in
		}
		if time.Now().After(deadline) {
			t.Fatal("the second save was never built")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if builds != 2 {
		t.Errorf("%d builds reached their swap, want 2", builds)
	}
}

// watchSite runs s.Watch until the test ends, and returns once the
// watches are in place.
func watchSite(t *testing.T, s *Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	<-s.watching
}
