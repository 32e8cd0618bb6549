package serve

// The preview fails when isms build fails, for what the deferred pages
// hold too, and tells browsers in order (after a second hostile review
// of the deferred pages: each test here failed on 056e360).

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
)

// searchLayoutError: isms build fails on the search layout; the lazy
// preview only when a browser asks for /search/.
var searchLayoutError = map[string]string{
	"themes/default/layouts/search.html": `{{define "title"}}Search{{end}}{{define "main"}}{{.Data.Nope}}{{end}}`,
}

// A late error (a deferred page's theme error) outlives the next good
// build, whatever the save: the page that failed is made again on it, and
// the build stays failed while isms build fails.
func TestLateErrorOutlivesUnrelatedSave(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, withFiles(smallSite, searchLayoutError))
	if eager(t, dir).Tree != nil {
		t.Fatal("isms build takes the site")
	}
	s, hs := newServer(t, dir)
	st := openStream(t, hs.URL)
	st.next(t) // hello
	get(t, hs.URL+"/search/")
	if ev := st.next(t); ev.OK {
		t.Fatalf("no failing event for the late error: %+v", ev)
	}
	// An unrelated save: a body edit of the manual (not the theme).
	p := filepath.Join(dir, "content", "manual", "manual.md")
	b, _ := os.ReadFile(p)
	must(t, os.WriteFile(p, append(b, "\nAnother line.\n"...), 0o644))
	s.Rebuild([]string{"content/manual/manual.md"})
	if eager(t, dir).Tree != nil {
		t.Fatal("isms build takes the site")
	}
	ev := st.next(t)
	if ok, _ := s.current().status(); ev.OK || ok {
		t.Errorf("after an unrelated save the preview says the build is good (event %+v, status ok %v); isms build still fails", ev, ok)
	}
	// Fixed: the build is good, and the browser on /search/ reloads.
	must(t, os.Remove(filepath.Join(dir, "themes", "default", "layouts", "search.html")))
	s.Rebuild([]string{"themes/default/layouts/search.html"})
	ev = st.next(t)
	if ok, _ := s.current().status(); !ev.OK || !ok || !slices.Contains(ev.Changed, "/search/") {
		t.Errorf("after the fix: event %+v, status ok %v", ev, ok)
	}
}

// The event of a late error comes after the event of the build whose
// state it belongs to, never before: a deferred page asked for right
// after the swap (while the terminal report prints) must not have its
// OK:false event overtaken by the build's.
func TestLateEventAfterBuildEvent(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, withFiles(smallSite, searchLayoutError))
	hw := &hookWriter{}
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}, Log: hw})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hs := newHTTP(t, s)
	st := openStream(t, hs)
	st.next(t) // hello
	var once sync.Once
	hw.set(func(line string) {
		if strings.HasPrefix(line, "built in") {
			once.Do(func() { s.lazyPage(s.current(), "search/index.html") }) // a browser asks, right after the swap
		}
	})
	s.Rebuild(nil)
	var last event
	for range 2 {
		last = st.next(t)
		t.Logf("event ok=%v gen=%d errors=%d", last.OK, last.Gen, len(last.Errors))
	}
	if ok, _ := s.current().status(); last.OK != ok {
		t.Errorf("the last event says ok=%v, the state ok=%v: browsers drop the overlay of a failed build", last.OK, ok)
	}
}

// A speculated state that a late error made not-ok (status) is still
// remembered as shown by the failed build that follows: when the save is
// then undone, the good build's event names the page browsers show from
// the speculation.
func TestSpeculationShownAfterLateError(t *testing.T) {
	t.Parallel()
	for _, late := range []bool{false, true} {
		name := "no late error"
		if late {
			name = "late error"
		}
		t.Run(name, func(t *testing.T) {
			dir := writeSite(t, withFiles(smallSite, searchLayoutError))
			s, hs := newServer(t, dir)
			st := openStream(t, hs.URL)
			st.next(t)
			p := filepath.Join(dir, "content", "manual", "manual.md")
			orig, _ := os.ReadFile(p)
			must(t, os.WriteFile(p, append(slices.Clone(orig), "\nSPECULATED LINE.\n"...), 0o644))
			// The build after the speculation is overtaken by a newer save
			// (stopped); meanwhile a browser asked for /search/.
			s.beforeSwap = func() {
				if late {
					s.lazyPage(s.current(), "search/index.html")
				}
				s.stopMu.Lock()
				s.stop()
				s.stopMu.Unlock()
			}
			r := s.Rebuild([]string{"content/manual/manual.md"})
			s.beforeSwap = nil
			if !r.Speculated || !r.Stale {
				t.Fatalf("rebuild %+v", r)
			}
			spec := st.next(t)
			if len(spec.Changed) != 1 || !spec.OK {
				t.Fatalf("speculation event %+v", spec)
			}
			page := spec.Changed[0] // /manual/manual/
			// The newer save breaks the build.
			bad := filepath.Join(dir, "content", "bad.md")
			must(t, os.WriteFile(bad, []byte("---\nid: [unclosed\n---\nx\n"), 0o644))
			if r := s.Rebuild([]string{"content/bad.md"}); r.OK {
				t.Fatal("bad document built")
			}
			// Undone: the site is the first build's again.
			must(t, os.Remove(bad))
			must(t, os.WriteFile(p, orig, 0o644))
			if r := s.Rebuild([]string{"content/bad.md", "content/manual/manual.md"}); !r.OK {
				t.Fatal("undo failed")
			}
			var ev event
			for ev = st.next(t); ev.Gen <= spec.Gen; ev = st.next(t) { // the undo's build (failed still, with the late error)
			}
			if !slices.Contains(ev.Changed, page) && !ev.All {
				t.Errorf("browsers show %s from the speculation (SPECULATED LINE.), the good build's event does not name it: %+v", page, ev.Changed)
			}
		})
	}
}

// An extension site-wide report that does not list its URLs is made in
// the lazy build: a document at its URL fails it as it fails isms build.
type plainSiteWide struct{}

func (plainSiteWide) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (plainSiteWide) SiteWide()                                          {}
func (plainSiteWide) Publish(report.Renderer) ([]report.Page, diag.List) {
	return []report.Page{{URL: "ext/index.html", Bytes: []byte("ext")}}, nil
}

func TestUnlistedSiteWideReportClash(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, withFiles(smallSite, map[string]string{"content/ext.md": plainDoc("DOC-E", "Ext doc")}))
	failsAsBuildFails(t, dir, []report.Report{plainSiteWide{}})
}

// An extension (eager) report publishing a deferred report's URL: the
// lazy build claims the pages in list order, as isms build does, and
// blames the same report.
type eagerAt struct{ url string }

func (eagerAt) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (r eagerAt) Publish(report.Renderer) ([]report.Page, diag.List) {
	return []report.Page{{URL: r.url, Bytes: []byte("eager")}}, nil
}

func TestEagerReportAtDeferredURL(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	failsAsBuildFails(t, dir, []report.Report{eagerAt{"print/index.html"}})
}

// Two deferred reports publishing one URL (an extension site-wide
// report that reserves search-index.json): the lazy build fails as isms
// build does.
type reservingAt struct{ url string }

func (reservingAt) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (reservingAt) SiteWide()                                          {}
func (r reservingAt) Reserves(*link.Site) []string                     { return []string{r.url} }
func (r reservingAt) Publish(report.Renderer) ([]report.Page, diag.List) {
	return []report.Page{{URL: r.url, Bytes: []byte("ext")}}, nil
}

func TestTwoDeferredReportsOneURL(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	failsAsBuildFails(t, dir, []report.Report{reservingAt{"search-index.json"}})
}

// failsAsBuildFails says where a lazy build of dir with reps does not
// fail as isms build does, with the same diagnostics.
func failsAsBuildFails(t *testing.T, dir string, reps []report.Report) {
	t.Helper()
	o := generator.Options{AsOf: model.DateOf(2026, 11, 27), Site: os.DirFS(dir), BaseURL: "/", Reports: reps}
	want, err := generator.Build(context.Background(), o)
	if err != nil || want.Tree != nil {
		t.Fatalf("isms build takes the site (%v)", err)
	}
	o.Lazy, o.Cache = true, generator.NewCache()
	got, err := generator.Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tree != nil || got.Diags.String() != want.Diags.String() {
		t.Errorf("isms build:\n%sthe lazy build (tree %v):\n%s", want.Diags, got.Tree != nil, got.Diags)
	}
}

type hookWriter struct {
	mu sync.Mutex
	fn func(string)
}

func (h *hookWriter) set(fn func(string)) { h.mu.Lock(); h.fn = fn; h.mu.Unlock() }
func (h *hookWriter) Write(b []byte) (int, error) {
	h.mu.Lock()
	fn := h.fn
	h.mu.Unlock()
	if fn != nil {
		for _, l := range strings.Split(string(b), "\n") {
			fn(l)
		}
	}
	return len(b), nil
}

func newHTTP(t *testing.T, s *Server) string {
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	return hs.URL
}

// A deferred page whose making warns (a late warning) leaves later
// speculations confirmable: the build that follows a speculated body
// save, with the same bytes, sends no second event.
type warningReport struct{}

func (warningReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (warningReport) SiteWide()                                          {}
func (warningReport) Reserves(*link.Site) []string {
	return []string{"warn/index.html", "warn/other.html"}
}
func (warningReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	var d diag.List
	d.Warnf(diag.Pos{Path: "content"}, "test", "a warning of the warn report")
	return []report.Page{{URL: "warn/index.html", Bytes: []byte("warn")}}, d
}

func TestLateWarningKeepsSpeculationConfirmed(t *testing.T) {
	t.Parallel()
	for _, ask := range []bool{false, true} {
		t.Run(map[bool]string{false: "not asked", true: "asked"}[ask], func(t *testing.T) {
			dir := writeSite(t, smallSite)
			s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27), Reports: []report.Report{warningReport{}}}})
			if err != nil || !s.current().ok {
				t.Fatal(err)
			}
			defer s.Close()
			if ask {
				// a browser asks for a page the report reserves and does
				// not publish (a 404): the warning is late
				if _, ok := s.lazyPage(s.current(), "warn/other.html"); ok {
					t.Fatal("/warn/other.html found")
				}
				if _, d := s.current().status(); !strings.Contains(d.String(), "a warning of the warn report") {
					t.Fatalf("no late warning: %s", d)
				}
			}
			p := filepath.Join(dir, "content", "manual", "manual.md")
			b, _ := os.ReadFile(p)
			must(t, os.WriteFile(p, append(b, "\nA body edit.\n"...), 0o644))
			var specGen int
			s.beforeSwap = func() { specGen = s.current().gen }
			r := s.Rebuild([]string{"content/manual/manual.md"})
			if !r.Speculated {
				t.Fatalf("not speculated: %+v", r)
			}
			if g := s.current().gen; g != specGen {
				t.Errorf("the build after the speculation was not confirmed (gen %d -> %d): an extra event for a body save", specGen, g)
			}
		})
	}
}

// A clash together with a theme error in another deferred report's
// layout: the preview's build lists both errors, as isms build does.
func TestClashWithAnotherDeferredError(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, withFiles(smallSite, withFiles(searchLayoutError, map[string]string{"content/print.md": plainDoc("DOC-P", "Print doc")})))
	want := eager(t, dir)
	if want.Tree != nil {
		t.Fatal("isms build takes the site")
	}
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st := s.current(); st.ok || st.diags.String() != want.Diags.String() {
		t.Errorf("isms build fails:\n%sthe preview's build (ok %v):\n%s", want.Diags, st.ok, st.diags)
	}
}

// A deferred report that reserves (and publishes) the home page's or the
// not-found page's URL, claimed after the reports: the lazy build
// refuses it as isms build does.
func TestDeferredAtHomeOr404(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"index.html", "404.html"} {
		t.Run(u, func(t *testing.T) {
			dir := writeSite(t, smallSite)
			failsAsBuildFails(t, dir, []report.Report{reservingAt{u}})
		})
	}
}

// A deferred report reserves a URL a file holds but does not publish it
// there (no clash), and its making fails; another deferred report
// (search) fails too: the lazy build lists both errors, as isms build
// does.
type errReserving struct{}

func (errReserving) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (errReserving) SiteWide()                                          {}
func (errReserving) Reserves(*link.Site) []string                       { return []string{"free.txt", "err/index.html"} }
func (errReserving) Publish(report.Renderer) ([]report.Page, diag.List) {
	var d diag.List
	d.Errorf(diag.Pos{Path: "content"}, "test", "the err report fails")
	return []report.Page{{URL: "err/index.html", Bytes: []byte("err")}}, d
}

func TestSuspectReportErrorWithoutClash(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, withFiles(smallSite, withFiles(searchLayoutError, map[string]string{"content/free.txt": "free\n"})))
	failsAsBuildFails(t, dir, []report.Report{errReserving{}})
}

// A report that reserves and publishes a folder URL ("ext/", as
// report.Page.URL allows): the preview serves ext/index.html as isms
// build publishes it, and a document at /ext/ fails both.
type slashReport struct{}

func (slashReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (slashReport) SiteWide()                                          {}
func (slashReport) Reserves(*link.Site) []string                       { return []string{"ext/"} }
func (slashReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	return []report.Page{{URL: "ext/", Bytes: []byte("ext")}}, nil
}

func TestReservedFolderURL(t *testing.T) {
	t.Parallel()
	t.Run("served", func(t *testing.T) {
		dir := writeSite(t, smallSite)
		o := generator.Options{AsOf: model.DateOf(2026, 11, 27), Site: os.DirFS(dir), BaseURL: "/", Reports: []report.Report{slashReport{}}}
		want, err := generator.Build(context.Background(), o)
		if err != nil || want.Tree == nil {
			t.Fatal(err, want.Diags)
		}
		if _, ok := want.Tree["ext/index.html"]; !ok {
			t.Fatal("isms build has no ext/index.html")
		}
		o.Lazy, o.Cache = true, generator.NewCache()
		got, err := generator.Build(context.Background(), o)
		if err != nil || got.Tree == nil {
			t.Fatal(err, got.Diags)
		}
		if _, _, found := got.Page("ext/index.html"); !found {
			t.Error("isms build publishes /ext/, the preview answers 404")
		}
	})
	t.Run("clash", func(t *testing.T) {
		dir := writeSite(t, withFiles(smallSite, map[string]string{"content/ext.md": plainDoc("DOC-E", "Ext doc")}))
		failsAsBuildFails(t, dir, []report.Report{slashReport{}})
	})
}

// Two deferred pages fail (the search and print layouts). A browser asks
// for /search/: the preview fails with both errors, as isms build does.
var printLayoutError = map[string]string{
	"themes/default/layouts/print.html": `{{define "title"}}Print{{end}}{{define "main"}}{{.Data.Nope}}{{end}}`,
}

func TestLateErrorListsEveryDeferredError(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, withFiles(smallSite, withFiles(searchLayoutError, printLayoutError)))
	want := eager(t, dir)
	if want.Tree != nil {
		t.Fatal("isms build takes the site")
	}
	s, hs := newServer(t, dir)
	get(t, hs.URL+"/search/")
	ok, got := s.current().status()
	if ok {
		t.Fatal("the preview is good")
	}
	g := slices.Clone(got)
	g.Sort()
	if g.String() != want.Diags.String() {
		t.Errorf("isms build:\n%sthe preview:\n%s", want.Diags, g)
	}
}

// A late error on a state a build replaced meanwhile (a request that
// waited past readWait, or made its page while the next build swapped):
// browsers on the page are told to reload it, and the current build
// makes it (and fails, as isms build does).
func TestLateErrorOnReplacedState(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, withFiles(smallSite, searchLayoutError))
	s, hs := newServer(t, dir)
	st := openStream(t, hs.URL)
	st.next(t) // hello
	once := false
	s.lazyMade = func() {
		if !once {
			once = true
			s.Rebuild([]string{"content/manual/manual.md"}) // a save that changes no byte (touch, :w)
		}
	}
	res, _ := get(t, hs.URL+"/search/")
	s.lazyMade = nil
	t.Logf("/search/: %d", res.StatusCode)
	// The browser on /search/ is told: the build fails, or /search/ is
	// to be reloaded. No event after that may say all is well without
	// reloading it.
	tells := func(ev event) bool { return !ev.OK || slices.Contains(ev.Changed, "/search/") }
	timeout := time.After(10 * time.Second)
	for told := false; !told; {
		select {
		case ev := <-st.events:
			t.Logf("event ok=%v changed=%v errors=%d", ev.OK, ev.Changed, len(ev.Errors))
			told = tells(ev)
		case <-timeout:
			t.Fatalf("the browser on /search/ (status %d) was never told that the build fails or to reload it; isms build fails", res.StatusCode)
		}
	}
	settle := time.After(200 * time.Millisecond)
	for {
		select {
		case ev := <-st.events:
			t.Logf("event ok=%v changed=%v errors=%d", ev.OK, ev.Changed, len(ev.Errors))
			if !tells(ev) {
				t.Errorf("the browser on /search/ was then told ok, with no reload of /search/; isms build fails")
			}
		case <-settle:
			return
		}
	}
}

// The repository's own site: every file of isms build is the preview's
// (each deferred page found through the reports' reservations).
func TestSampleSameAsBuild(t *testing.T) {
	t.Parallel()
	dir, _ := filepath.Abs("../..")
	s, _ := newServer(t, dir)
	sameAsBuild(t, s, dir, "sample", nil)
}

// A deferred report publishing one URL twice (both pages reserved once):
// isms build refuses the second claim. The preview's build does not make
// the report; the first request for the page does, and fails the
// preview with isms build's words.
type twiceReport struct{}

func (twiceReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (twiceReport) SiteWide()                                          {}
func (twiceReport) Reserves(*link.Site) []string                       { return []string{"twice/index.html"} }
func (twiceReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	return []report.Page{{URL: "twice/index.html", Bytes: []byte("a")}, {URL: "twice/index.html", Bytes: []byte("b")}}, nil
}

func TestDeferredReportPublishesTwice(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	reps := []report.Report{twiceReport{}}
	o := generator.Options{AsOf: model.DateOf(2026, 11, 27), Site: os.DirFS(dir), BaseURL: "/", Reports: reps}
	want, err := generator.Build(context.Background(), o)
	if err != nil || want.Tree != nil {
		t.Fatalf("isms build takes the site (%v)", err)
	}
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27), Reports: reps}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ok, _ := s.current().status(); !ok {
		t.Fatal("the lazy build made the report")
	}
	s.lazyPage(s.current(), "twice/index.html")
	ok, got := s.current().status()
	if ok || got.String() != want.Diags.String() {
		t.Errorf("isms build:\n%sthe preview (ok %v):\n%s", want.Diags, ok, got)
	}
}

// The same report with a document at its URL: the preview's build makes
// it there and then, and fails with isms build's words, once each.
func TestDeferredReportPublishesTwiceWhereADocumentIs(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, withFiles(smallSite, map[string]string{"content/twice.md": plainDoc("DOC-T", "Twice doc")}))
	failsAsBuildFails(t, dir, []report.Report{twiceReport{}})
}
