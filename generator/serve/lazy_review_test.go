package serve

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
)

// eager is what `isms build` would publish for dir, with the preview's
// own options (base URL "/", the reload script): no Lazy, no Cache.
func eager(t *testing.T, dir string) *generator.Result {
	t.Helper()
	res, err := generator.Build(context.Background(), generator.Options{
		AsOf: model.DateOf(2026, 11, 27), Site: os.DirFS(dir), SiteDir: dir, BaseURL: "/",
		Scripts: []string{Prefix + "reload.js"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func withFiles(base map[string]string, extra map[string]string) map[string]string {
	m := maps.Clone(base)
	maps.Copy(m, extra)
	return m
}

// A document or copied file at a deferred report's URL: isms build
// refuses the site (url-taken), and so does the preview's lazy build,
// with the same words, though it publishes no deferred page.
func TestLazyBuildReportsDeferredURLTaken(t *testing.T) {
	t.Parallel()
	for name, extra := range map[string]map[string]string{
		"history": {"content/policies/access/history.md": "---\nid: DOC-H\ntitle: History doc\ntype: procedure\nowner: CISO\nreviewed: 2026-01-05\n---\nA document at a history URL.\n"},
		"search":  {"content/search.md": "---\nid: DOC-S\ntitle: Search doc\ntype: procedure\nowner: CISO\nreviewed: 2026-01-05\n---\nA document at /search/.\n"},
		"print":   {"content/print.md": "---\nid: DOC-P\ntitle: Print doc\ntype: procedure\nowner: CISO\nreviewed: 2026-01-05\n---\nA document at /print/.\n"},
		"asset":   {"content/currency.json": "{}\n"},
		"map":     {"content/processes/map.svg": "<svg/>\n"},
		"process": {"content/processes.md": "---\nid: DOC-M\ntitle: Map doc\ntype: procedure\nowner: CISO\nreviewed: 2026-01-05\n---\nA document at /processes/.\n"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeSite(t, withFiles(smallSite, extra))
			want := eager(t, dir)
			s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			st := s.current()
			if want.Tree != nil {
				t.Fatal("isms build takes the site")
			}
			if st.ok || st.diags.String() != want.Diags.String() {
				t.Errorf("isms build fails:\n%s\nthe preview's build (ok %v):\n%s", want.Diags, st.ok, st.diags)
			}
		})
	}
}

// sliceReport is an extension report passed by value with a slice field
// (an uncomparable dynamic type), wholeReport a report that embeds it.
type sliceReport struct{ urls []string }

func (sliceReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (sliceReport) SiteWide()                                          {}
func (r sliceReport) Reserves(*link.Site) []string                     { return r.urls }
func (r sliceReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	return []report.Page{{URL: r.urls[0], Bytes: []byte("slice")}}, nil
}

type wholeReport struct{ part sliceReport }

func (*wholeReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (*wholeReport) SiteWide()                                          {}
func (*wholeReport) HeaderLink() report.Link                            { return report.Link{Title: "Whole", URL: "whole/"} }
func (*wholeReport) Reserves(*link.Site) []string                       { return []string{"whole/index.html"} }
func (r *wholeReport) Embeds() []report.Report                          { return []report.Report{r.part} }
func (r *wholeReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	return []report.Page{{URL: "whole/index.html", Bytes: []byte("whole")}}, nil
}

// An Embedder whose part is a by-value report with a slice field:
// Deferred.with compares the reports with ==, which panics on an
// uncomparable dynamic type. The eager build is fine.
func TestLazyEmbedderOfUncomparableReport(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	part := sliceReport{urls: []string{"slice/index.html"}}
	reps := []report.Report{&wholeReport{part: part}, part}
	o := generator.Options{AsOf: model.DateOf(2026, 11, 27), Site: os.DirFS(dir), BaseURL: "/", Reports: reps}
	if res, err := generator.Build(context.Background(), o); err != nil || res.Tree["whole/index.html"] == nil {
		t.Fatalf("eager: %v %s", err, res.Diags)
	}
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27), Reports: reps}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("lazyPage(/whole/) panicked: %v", r)
			}
		}()
		s.lazyPage(s.current(), "whole/index.html")
	}()
}

// The same, reached from the build: a document links to /whole/, so the
// lazy build makes the report to check the link, and New panics.
func TestLazyEmbedderOfUncomparableReportLinked(t *testing.T) {
	t.Parallel()
	site := withFiles(smallSite, map[string]string{"content/manual/manual.md": smallSite["content/manual/manual.md"] + "\nSee [the whole](/whole/).\n"})
	dir := writeSite(t, site)
	part := sliceReport{urls: []string{"slice/index.html"}}
	reps := []report.Report{&wholeReport{part: part}, part}
	o := generator.Options{AsOf: model.DateOf(2026, 11, 27), Site: os.DirFS(dir), BaseURL: "/", Reports: reps}
	if res, err := generator.Build(context.Background(), o); err != nil || res.Tree["whole/index.html"] == nil {
		t.Fatalf("eager: %v %s", err, res.Diags)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("New panicked: %v", r)
		}
	}()
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27), Reports: reps}})
	if err == nil {
		s.Close()
	}
}

// A new document created while the preview runs, at a URL the last good
// build gave a (non-deferred) report's page or the home page: Speculate
// declines it (no such document before), the partial build renders it
// (Input.Only checks only copied and theme files) and, the URL being in
// the last tree, the preview serves the document's page there — a page
// isms build never publishes (it refuses the site: url-taken).
func TestPartialBuildNewDocumentAtTakenURL(t *testing.T) {
	t.Parallel()
	for name, path := range map[string]string{
		"soa":  "content/soa.md",
		"home": "content/index.md",
	} {
		t.Run(name, func(t *testing.T) {
			dir := writeSite(t, smallSite)
			s, _ := newServer(t, dir)
			key := strings.TrimPrefix(strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(path, "content/"), ".md"), "index"), "/")
			if key != "" {
				key += "/"
			}
			key += "index.html"
			before := s.current().tree[key]
			if before == nil {
				t.Fatalf("no %s in the first build", key)
			}
			must(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(path)), []byte("---\nid: DOC-NEW\ntitle: Brand new\ntype: procedure\nowner: CISO\nreviewed: 2026-01-05\n---\nNEW DOCUMENT BODY.\n"), 0o644))
			want := eager(t, dir)
			if want.Tree != nil {
				t.Fatalf("isms build accepts the site")
			}
			var served string
			s.beforeSwap = func() { // between the partial build and the whole build's swap
				// What a request gets once it stops waiting for the build
				// (readWait): the state's tree.
				s.mu.RLock()
				served = string(s.st.tree[key])
				s.mu.RUnlock()
			}
			st := s.Rebuild([]string{path})
			if strings.Contains(served, "NEW DOCUMENT BODY.") {
				t.Errorf("the preview served the new document at /%s (a page isms build never publishes: %s); rebuild %+v", key, strings.TrimSpace(want.Diags.String()), st)
			}
		})
	}
}

// sameAsBuild says where the preview's files (its tree and the deferred
// pages, asked for in the order given) differ from isms build's.
func sameAsBuild(t *testing.T, s *Server, dir string, step string, order []string) {
	t.Helper()
	want := eager(t, dir)
	if want.Tree == nil {
		t.Fatalf("%s: isms build fails: %s", step, want.Diags)
	}
	st := s.current()
	if !st.ok {
		t.Fatalf("%s: preview build failed: %s", step, st.diags)
	}
	keys := slices.Sorted(maps.Keys(want.Tree))
	// ask for the given ones first (they decide which report is made alone)
	keys = append(slices.Clone(order), keys...)
	seen := map[string]bool{}
	bad := 0
	for _, k := range keys {
		if seen[k] {
			continue
		}
		seen[k] = true
		b, ok := st.tree[k]
		if !ok {
			b, ok = s.lazyPage(st, k)
		}
		if !ok {
			t.Errorf("%s: the preview has no %s", step, k)
			bad++
		} else if string(b) != string(want.Tree[k]) {
			t.Errorf("%s: %s differs from isms build's", step, k)
			bad++
		}
		if bad > 5 {
			t.FailNow()
		}
	}
	for k := range st.tree {
		if _, ok := want.Tree[k]; !ok {
			t.Errorf("%s: the preview serves %s, isms build does not", step, k)
		}
	}
}

// Saves of several kinds in a row (a body edit: speculated; a new link: a
// partial build; a title; another doc; a body edit again), each followed
// by every deferred page asked for: each time the preview is isms build.
func TestSavesThenDeferredPagesAreTheBuilds(t *testing.T) {
	t.Parallel()
	dir := bigSite(t, 12)
	s, _ := newServer(t, dir)
	order := []string{"print/index.html", "processes/index.html", "area03/doc-0003/history/index.html", "search-index.json", "currency.json"}
	sameAsBuild(t, s, dir, "start", order)
	doc := func(i int) string {
		return filepath.Join(dir, "content", fmt.Sprintf("area%02d", i%10), fmt.Sprintf("doc-%04d.md", i))
	}
	rel := func(i int) string { return fmt.Sprintf("content/area%02d/doc-%04d.md", i%10, i) }
	edit := func(i int, f func(string) string) Stats {
		b, _ := os.ReadFile(doc(i))
		must(t, os.WriteFile(doc(i), []byte(f(string(b))), 0o644))
		key := fmt.Sprintf("area%02d/doc-%04d/index.html", i%10, i)
		var early []byte
		s.beforeSwap = func() { early = s.current().tree[key] }
		stats := s.Rebuild([]string{rel(i)})
		s.beforeSwap = nil
		if w := eager(t, dir).Tree[key]; stats.Speculated && string(early) != string(w) {
			t.Errorf("the page served before the build, %s, is not isms build's", key)
		}
		return stats
	}
	steps := []struct {
		name string
		i    int
		f    func(string) string
	}{
		{"body", 3, func(s string) string { return s + "\nA body edit.\n" }},
		{"link", 3, func(s string) string { return s + "\nSee [doc 5](../area05/doc-0005.md).\n" }},
		{"title", 5, func(s string) string { return strings.Replace(s, "title: Document number 5", "title: Renamed five", 1) }},
		{"input", 8, func(s string) string { return strings.Replace(s, "inputs: [DOC-0004]", "inputs: [DOC-0000]", 1) }},
		{"other body", 7, func(s string) string { return s + "\nAnother body edit.\n" }},
		{"heading", 3, func(s string) string { return strings.Replace(s, "## Steps", "## Stages", 1) }},
	}
	for k, st := range steps {
		stats := edit(st.i, st.f)
		t.Logf("%s: %+v", st.name, stats)
		o := order
		if k%2 == 1 {
			o = slices.Clone(order)
			slices.Reverse(o)
		}
		sameAsBuild(t, s, dir, st.name, o)
	}
}

// A failed build (bad front matter), then the fix together with a
// change Speculate declines; a change of isms.yaml (a new salt); a
// failed isms.yaml and its fix: each time the preview is isms build.
func TestFailedFixedThenDeferredPagesAreTheBuilds(t *testing.T) {
	t.Parallel()
	dir := bigSite(t, 12)
	s, _ := newServer(t, dir)
	order := []string{"search-index.json", "print/index.html", "area03/doc-0003/history/index.html", "processes/index.html"}
	sameAsBuild(t, s, dir, "start", order)
	p3 := filepath.Join(dir, "content", "area03", "doc-0003.md")
	orig, _ := os.ReadFile(p3)
	must(t, os.WriteFile(p3, []byte(strings.Replace(string(orig), "owner: Owner 3", "owner: [unclosed", 1)), 0o644))
	if st := s.Rebuild([]string{"content/area03/doc-0003.md"}); st.OK {
		t.Fatalf("bad front matter built: %+v", st)
	}
	must(t, os.WriteFile(p3, append(slices.Clone(orig), "\nSee [doc 5](../area05/doc-0005.md).\n"...), 0o644))
	t.Logf("fix: %+v", s.Rebuild([]string{"content/area03/doc-0003.md"}))
	sameAsBuild(t, s, dir, "fixed", order)
	// a save taken by the partial build right after
	b, _ := os.ReadFile(p3)
	must(t, os.WriteFile(p3, append(b, "\nSee [doc 6](../area06/doc-0006.md).\n"...), 0o644))
	t.Logf("partial: %+v", s.Rebuild([]string{"content/area03/doc-0003.md"}))
	sameAsBuild(t, s, dir, "partial after fix", order)

	y := filepath.Join(dir, "isms.yaml")
	must(t, os.WriteFile(y, []byte("title: Another Title\norganization: Bench Ltd\n"), 0o644))
	t.Logf("yaml: %+v", s.Rebuild([]string{"isms.yaml"}))
	sameAsBuild(t, s, dir, "yaml", order)
	must(t, os.WriteFile(y, []byte("title: [\n"), 0o644))
	if st := s.Rebuild([]string{"isms.yaml"}); st.OK {
		t.Fatal("bad yaml built")
	}
	must(t, os.WriteFile(y, []byte("title: Third Title\norganization: Bench Ltd\n"), 0o644))
	t.Logf("yaml fixed: %+v", s.Rebuild([]string{"isms.yaml"}))
	sameAsBuild(t, s, dir, "yaml fixed", order)
	b, _ = os.ReadFile(p3)
	must(t, os.WriteFile(p3, append(b, "\nSee [doc 7](../area07/doc-0007.md).\n"...), 0o644))
	t.Logf("partial after yaml: %+v", s.Rebuild([]string{"content/area03/doc-0003.md"}))
	sameAsBuild(t, s, dir, "partial after yaml", order)
}

// A browser on /print/ (a deferred page), then a save that fails the
// build, then the fix, which changes what /print/ shows: the fix's
// event must name /print/ so that the browser reloads. The failed
// build's state forgot which deferred pages were served.
func TestFailedBuildKeepsServedDeferredPages(t *testing.T) {
	t.Parallel()
	dir := bigSite(t, 12)
	s, hs := newServer(t, dir)
	st := openStream(t, hs.URL)
	st.next(t) // hello
	if res, body := get(t, hs.URL+"/print/"); res.StatusCode != 200 || !strings.Contains(body, "Document number 3") {
		t.Fatalf("GET /print/: %d", res.StatusCode)
	}
	p3 := filepath.Join(dir, "content", "area03", "doc-0003.md")
	orig, _ := os.ReadFile(p3)
	must(t, os.WriteFile(p3, []byte(strings.Replace(string(orig), "owner: Owner 3", "owner: [unclosed", 1)), 0o644))
	if r := s.Rebuild([]string{"content/area03/doc-0003.md"}); r.OK {
		t.Fatal("bad front matter built")
	}
	if ev := st.next(t); ev.OK {
		t.Fatalf("event of the failed build: %+v", ev)
	}
	must(t, os.WriteFile(p3, append(slices.Clone(orig), "\nFixed and extended.\n"...), 0o644))
	if r := s.Rebuild([]string{"content/area03/doc-0003.md"}); !r.OK {
		t.Fatal("the fix failed")
	}
	ev := st.next(t)
	if _, body := get(t, hs.URL+"/print/"); !strings.Contains(body, "Fixed and extended.") {
		t.Fatal("/print/ lacks the fix: the test proves nothing")
	}
	if !slices.Contains(ev.Changed, "/print/") && !ev.All {
		t.Errorf("the fix's event does not name /print/, which the browser shows from before: %+v", ev.Changed)
	}
}

// Deferred pages asked for over HTTP, concurrently, while saves of every
// kind (speculated, partial, whole) follow one another; then the preview
// is isms build. Run with -race.
func TestDeferredPagesDuringSaves(t *testing.T) {
	t.Parallel()
	dir := bigSite(t, 12)
	s, hs := newServer(t, dir)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for _, u := range []string{"/print/", "/search-index.json", "/processes/", "/currency/", "/reviews.ics", "/area03/doc-0003/history/", "/area05/doc-0005/history", "/search", "/nothing/", "/area03/doc-0003/"} {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := http.Get(hs.URL + u)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode >= 500 {
					t.Errorf("GET %s: %d", u, res.StatusCode)
				}
			}
		})
	}
	p3 := filepath.Join(dir, "content", "area03", "doc-0003.md")
	p8 := filepath.Join(dir, "content", "area08", "doc-0008.md")
	for i := range 12 {
		var path string
		switch i % 4 {
		case 0:
			b, _ := os.ReadFile(p3)
			must(t, os.WriteFile(p3, append(b, fmt.Sprintf("\nBody %d.\n", i)...), 0o644))
			path = "content/area03/doc-0003.md"
		case 1:
			b, _ := os.ReadFile(p3)
			must(t, os.WriteFile(p3, append(b, fmt.Sprintf("\nSee [doc %d](../area0%d/doc-000%d.md).\n", i%10, i%10, i%10)...), 0o644))
			path = "content/area03/doc-0003.md"
		case 2:
			b, _ := os.ReadFile(p8)
			must(t, os.WriteFile(p8, []byte(strings.Replace(string(b), "title: Document number 8", fmt.Sprintf("title: Document number 8 v%d", i), 1)), 0o644))
			path = "content/area08/doc-0008.md"
		case 3:
			must(t, os.WriteFile(filepath.Join(dir, "isms.yaml"), []byte(fmt.Sprintf("title: Bench %d\norganization: Bench Ltd\n", i)), 0o644))
			path = "isms.yaml"
		}
		if st := s.Rebuild([]string{path}); !st.OK {
			t.Fatalf("save %d: %+v", i, st)
		}
	}
	close(stop)
	wg.Wait()
	sameAsBuild(t, s, dir, "after", []string{"search-index.json", "print/index.html"})
}

// A theme error in a deferred report's layout: isms build fails. The
// preview's build does not execute that layout until a browser asks for
// the page; then the build is failed as isms build's is (its error in
// the overlay of every open page, in the first event of a page opened
// later), until a build replaces it.
func TestThemeErrorInDeferredPageFailsTheBuild(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, withFiles(smallSite, map[string]string{
		"themes/default/layouts/search.html": `{{define "title"}}Search{{end}}{{define "main"}}{{.Data.Nope}}{{end}}`,
	}))
	want := eager(t, dir)
	if want.Tree != nil {
		t.Fatal("isms build takes the site")
	}
	s, hs := newServer(t, dir)
	if ok, _ := s.current().status(); !ok {
		t.Fatal("the lazy build executed the search layout")
	}
	st := openStream(t, hs.URL)
	st.next(t) // hello
	if res, _ := get(t, hs.URL+"/search/"); res.StatusCode != http.StatusNotFound {
		t.Errorf("GET /search/: %d", res.StatusCode)
	}
	ev := st.next(t)
	if ev.OK || len(ev.Errors) == 0 || !strings.Contains(want.Diags.String(), ev.Errors[0].Text) {
		t.Errorf("the event after the failed page: %+v; isms build says\n%s", ev, want.Diags)
	}
	late := openStream(t, hs.URL)
	if hello := late.next(t); hello.OK || len(hello.Errors) != len(ev.Errors) {
		t.Errorf("a page opened later is told %+v", hello)
	}
	if ok, _ := s.current().status(); ok {
		t.Error("the preview's build is still good")
	}
	if r := s.Rebuild([]string{"content/manual/manual.md"}); !r.OK || r.Speculated {
		t.Errorf("a save after the failed page: %+v (a failed build speculates nothing)", r)
	}
}

// A site-wide report that may publish a URL no other file holds is not
// made by the preview's build. One whose URL a document holds is made,
// and the build fails as isms build does, with every deferred report
// made so that their problems are reported as isms build reports them.
func TestLazyBuildMakesOnlyClashingReports(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	build := func(lazy bool, urls ...string) (*generator.Result, []int) {
		t.Helper()
		n := make([]int, len(urls))
		var reps []report.Report
		for i, u := range urls {
			reps = append(reps, reservingReport{n: &n[i], url: u})
		}
		o := generator.Options{AsOf: model.DateOf(2026, 11, 27), Site: os.DirFS(dir), BaseURL: "/", Reports: reps, Lazy: lazy}
		if lazy {
			o.Cache = generator.NewCache()
		}
		res, err := generator.Build(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		return res, n
	}
	if res, n := build(true, "free/index.html", "free.txt"); res.Tree == nil || n[0]+n[1] != 0 {
		t.Errorf("no clash: the lazy build made the reports %v times (diags %s)", n, res.Diags)
	}
	want, _ := build(false, "free/index.html", "policies/access/index.html")
	if want.Tree != nil {
		t.Fatal("isms build takes the site")
	}
	res, n := build(true, "free/index.html", "policies/access/index.html")
	if res.Tree != nil || res.Diags.String() != want.Diags.String() {
		t.Errorf("the lazy build:\n%s\nisms build:\n%s", res.Diags, want.Diags)
	}
	if n[0] != 1 || n[1] != 1 {
		t.Errorf("made the free report %d times, the clashing one %d", n[0], n[1])
	}
}

// reservingReport is a site-wide report publishing one page at url,
// counting its makings.
type reservingReport struct {
	n   *int
	url string
}

func (reservingReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (reservingReport) SiteWide()                                          {}
func (r reservingReport) Reserves(*link.Site) []string                     { return []string{r.url} }
func (r reservingReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	*r.n++
	return []report.Page{{URL: r.url, Bytes: []byte("page")}}, nil
}

func plainDoc(id, title string) string {
	return "---\nid: " + id + "\ntitle: " + title + "\ntype: procedure\nowner: CISO\nreviewed: 2026-01-05\n---\nBody of " + title + ".\n"
}

// Documents at URLs the deferred reports' claims and header links match
// without colliding: history pages of documents named history, a search
// folder, documents under processes/ and currency/: every file of isms
// build, asked for in an adversarial order, is the preview's.
func TestClaimedPrefixesWithoutClash(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, withFiles(smallSite, map[string]string{
		"content/policies/history.md":    plainDoc("DOC-H1", "A history policy"),
		"content/history/history.md":     plainDoc("DOC-H2", "History of history"),
		"content/search/search.md":       plainDoc("DOC-S1", "Search in search"),
		"content/search-index.md":        plainDoc("DOC-S2", "Search index doc"),
		"content/processes/map.md":       plainDoc("DOC-P1", "Map doc"),
		"content/processes/processes.md": plainDoc("DOC-P2", "Processes doc"),
		"content/currency/currency.md":   plainDoc("DOC-C1", "Currency doc"),
		"content/print/x.md":             plainDoc("DOC-X1", "Print x"),
	}))
	want := eager(t, dir)
	if want.Tree == nil {
		t.Skipf("isms build refuses the site: %s", want.Diags)
	}
	var order []string
	for k := range want.Tree {
		if strings.Contains(k, "history") || strings.HasPrefix(k, "search") || strings.HasPrefix(k, "processes") || strings.HasPrefix(k, "currency") || strings.HasPrefix(k, "print") {
			order = append(order, k)
		}
	}
	slices.Sort(order)
	slices.Reverse(order)
	s, _ := newServer(t, dir)
	sameAsBuild(t, s, dir, "claimed prefixes", order)
}

// countReport is a site-wide report that counts its makings.
type countReport struct{ n *int }

func (countReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (countReport) SiteWide()                                          {}
func (countReport) Reserves(*link.Site) []string                       { return []string{"count.txt"} }
func (r countReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	*r.n++
	return []report.Page{{URL: "count.txt", Bytes: []byte("n")}}, nil
}

// Not a correctness bug: a document's URL asked for without its slash
// (/processes/review) makes every deferred report (print, history,
// search...: seconds at 10,000 documents) before the redirect, because
// the handler asks the deferred pages for the key before the tree for
// key+"/index.html".
func TestSlashlessDocumentURLMakesNoReport(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	n := 0
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27), Reports: []report.Report{countReport{&n}}}})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	defer hs.Close()
	defer s.Close()
	res, _ := get(t, hs.URL+"/processes/review")
	if res.Request.URL.Path != "/processes/review/" {
		t.Fatalf("not redirected: %s", res.Request.URL.Path)
	}
	if n > 0 {
		t.Errorf("a redirect to a document's page made every deferred report (the counting one %d time(s))", n)
	}
}

// TestNewDocumentServedAtAFreeURL: a save that creates a document is
// answered by a build of its page alone, on the last build, when no
// file of that build is at its URL and no deferred report may publish
// there: the page served before the whole build is the whole build's,
// byte for byte. At a URL a deferred report reserves (a document's
// history page) it goes straight to the whole build, which refuses
// the site as isms build does, with no build of its page alone to
// delay it.
func TestNewDocumentServedAtAFreeURL(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, _ := newServer(t, dir)
	partials := 0
	s.partial = func() { partials++ }
	var served []byte
	s.beforeSwap = func() {
		s.mu.RLock()
		served = s.st.tree["policies/brand-new/index.html"]
		s.mu.RUnlock()
	}
	const path = "content/policies/brand-new.md"
	must(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(path)), []byte("---\nid: DOC-NEW\ntitle: Brand new\ntype: procedure\nowner: CISO\nreviewed: 2026-01-05\n---\nNEW DOCUMENT BODY.\n"), 0o644))
	if st := s.Rebuild([]string{path}); !st.OK || !st.Speculated || partials != 1 {
		t.Fatalf("rebuild %+v after %d builds of the page alone, want 1", st, partials)
	}
	if !strings.Contains(string(served), "NEW DOCUMENT BODY.") {
		t.Fatal("the new document's page was not served before the whole build")
	}
	if got := s.current().tree["policies/brand-new/index.html"]; string(got) != string(served) {
		t.Errorf("the page served before the build differs from the build's (%d and %d bytes)", len(served), len(got))
	}

	const taken = "content/policies/access/history.md" // /policies/access/history/: the history report's
	served = nil
	s.beforeSwap = func() {
		s.mu.RLock()
		served = s.st.tree["policies/access/history/index.html"]
		s.mu.RUnlock()
	}
	must(t, os.MkdirAll(filepath.Join(dir, "content", "policies", "access"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(taken)), []byte("---\nid: DOC-HIST\ntitle: Not a history\ntype: procedure\nowner: CISO\nreviewed: 2026-01-05\n---\nTAKEN URL.\n"), 0o644))
	if want := eager(t, dir); want.Tree != nil {
		t.Fatal("isms build accepts a document at a history page's URL")
	}
	if st := s.Rebuild([]string{taken}); st.Speculated || partials != 1 {
		t.Errorf("a new document at a reserved URL: rebuild %+v after %d builds of the page alone, want 1", st, partials)
	}
	if strings.Contains(string(served), "TAKEN URL.") {
		t.Error("the preview served the document at the history page's URL")
	}
}

// newDocServed writes site, starts a server, creates the document at
// rel with body and rebuilds: what the preview served at key before
// the whole build (nil: nothing), and whether isms build accepts the
// site with the new document.
func newDocServed(t *testing.T, site map[string]string, rel, key, body string) (served []byte, eagerOK bool) {
	t.Helper()
	dir := writeSite(t, site)
	s, _ := newServer(t, dir)
	s.beforeSwap = func() {
		s.mu.RLock()
		served = s.st.tree[key]
		s.mu.RUnlock()
	}
	p := filepath.Join(dir, filepath.FromSlash(rel))
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(t, os.WriteFile(p, []byte(body), 0o644))
	want := eager(t, dir)
	s.Rebuild([]string{rel})
	return served, want.Tree != nil
}

func newDoc(id, title, text string) string {
	return "---\nid: " + id + "\ntitle: " + title + "\ntype: procedure\nowner: CISO\nreviewed: 2026-01-05\n---\n" + text + "\n"
}

// TestNewDocumentWhoseHistoryURLIsTaken: a new document's own URL is
// free, but the URL of its history page (a deferred report's page the
// last build did not reserve) is another file's: isms build refuses the
// site, and the preview serves no page for it. Found by a hostile review
// of 952f58e, with TestNewDocumentAtAFilesFolder.
func TestNewDocumentWhoseHistoryURLIsTaken(t *testing.T) {
	t.Parallel()
	for name, extra := range map[string]map[string]string{
		"document": {"content/policies/x/history.md": newDoc("DOC-H", "At a history URL", "HELD.")},
		"index":    {"content/policies/x/history/index.md": newDoc("DOC-H", "At a history URL", "HELD.")},
		"asset":    {"content/policies/x/history/index.html": "<p>copied</p>\n"},
	} {
		t.Run(name, func(t *testing.T) {
			served, ok := newDocServed(t, withFiles(smallSite, extra), "content/policies/x.md", "policies/x/index.html", newDoc("DOC-X", "X", "NEW X BODY."))
			if ok {
				t.Fatal("isms build accepts the site")
			}
			if strings.Contains(string(served), "NEW X BODY.") {
				t.Error("the preview served a page isms build refuses (its history page's URL is taken)")
			}
		})
	}
}

// TestNewDocumentAtAFilesFolder: a new document whose page needs a
// folder where the site has a file (a copied file, a page a deferred
// report publishes, a theme file): isms build refuses the site (a file
// and a folder of one name), and the preview serves no page for it.
func TestNewDocumentAtAFilesFolder(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		extra    map[string]string
		rel, key string
	}{
		"asset":    {map[string]string{"content/policies/list.csv": "a,b\n"}, "content/policies/list.csv.md", "policies/list.csv/index.html"},
		"deferred": {nil, "content/currency.json.md", "currency.json/index.html"},
		"theme":    {nil, "content/assets/chroma.css.md", "assets/chroma.css/index.html"},
	} {
		t.Run(name, func(t *testing.T) {
			served, ok := newDocServed(t, withFiles(smallSite, c.extra), c.rel, c.key, newDoc("DOC-F", "F", "FILE FOLDER BODY."))
			if ok {
				t.Fatal("isms build accepts the site")
			}
			if strings.Contains(string(served), "FILE FOLDER BODY.") {
				t.Error("the preview served a page isms build refuses")
			}
		})
	}
}

// TestNewDocumentBadNameNoPartial: a new document under a name the
// listing refuses goes straight to the whole build (which refuses it),
// with no build of its page alone to delay it.
func TestNewDocumentBadNameNoPartial(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, smallSite)
	s, _ := newServer(t, dir)
	partials := 0
	s.partial = func() { partials++ }
	const rel = "content/policies/in\u200bvisible.md"
	must(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), []byte(newDoc("DOC-B", "B", "BAD NAME.")), 0o644))
	if st := s.Rebuild([]string{rel}); st.OK || st.Speculated || partials != 0 {
		t.Errorf("rebuild %+v after %d builds of the page alone, want 0", st, partials)
	}
}
