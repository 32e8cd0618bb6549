package generator

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/internal/testmode"
)

// TestLazyRandomEdits: a lazy build through the preview's cache, with the
// pages it deferred made on request, is the fresh eager build byte for
// byte after every random edit — whether or not the previous build's
// deferred pages were asked for (their memos outlive one build only
// when they were). The quick suite runs one seed and half the steps.
func TestLazyRandomEdits(t *testing.T) {
	t.Parallel()
	seeds, steps := uint64(testmode.Rounds(1, 3)), testmode.Rounds(8, 16)
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			site := siteFromTxtar(t, "../testdata/sites/basic.txtar")
			r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
			c := NewCache()
			var did []string
			for step := range steps {
				did = append(did, editSite(site, r, step))
				lazy, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c, Lazy: true})
				if err != nil {
					t.Fatal(err)
				}
				fresh, err := Build(context.Background(), Options{Site: site, AsOf: asOf})
				if err != nil {
					t.Fatal(err)
				}
				if ld, fd := lazy.Diags.String(), fresh.Diags.String(); ld != fd {
					t.Fatalf("after %q: diagnostics differ\nlazy:\n%s\nfresh:\n%s", did, ld, fd)
				}
				if (lazy.Tree == nil) != (fresh.Tree == nil) {
					t.Fatalf("after %q: lazy ok=%v, fresh ok=%v", did, lazy.Tree != nil, fresh.Tree != nil)
				}
				if lazy.Tree == nil {
					continue
				}
				for _, u := range []string{"print/index.html", "search-index.json", "currency/index.html", "processes/index.html", "processes/map.svg"} {
					if _, ok := lazy.Tree[u]; ok {
						t.Fatalf("the lazy build rendered %s", u)
					}
				}
				if step%3 == 2 {
					continue // nobody asks: the next build must not rely on these memos
				}
				whole := maps.Clone(lazy.Tree)
				deferred, diags := lazy.lazy.pages()
				if len(diags) > 0 {
					t.Fatalf("making the deferred pages: %s", diags)
				}
				for u, b := range deferred {
					whole[u] = b
				}
				if p := treeDiff(whole, fresh.Tree); p != "" {
					t.Fatalf("after %q: lazy build differs from a fresh one at %s:\n%s", did, p, firstDiff(string(whole[p]), string(fresh.Tree[p])))
				}
				for _, u := range []string{"print/index.html", "processes/index.html"} {
					if b, _, ok := lazy.Page(u); !ok || string(b) != string(fresh.Tree[u]) {
						t.Fatalf("Page(%s) = %d bytes, %v", u, len(b), ok)
					}
				}
			}
		})
	}
}

// TestLazyEditionsRenderAll: an edition's tree is redacted whole, so a
// lazy build of an edition defers nothing and holds no canary.
func TestLazyEditionsRenderAll(t *testing.T) {
	t.Parallel()
	dir := canarySite(t)
	eager := buildCanary(t, dir, Options{Edition: "staff"})
	lazy := buildCanary(t, dir, Options{Edition: "staff", Lazy: true, Cache: NewCache()})
	if p := treeDiff(lazy.Tree, eager.Tree); p != "" {
		t.Fatalf("lazy edition differs at %s", p)
	}
	if _, _, ok := lazy.Page("print/index.html"); ok {
		t.Fatal("a lazy edition build deferred pages")
	}
	if l := leaks(t, lazy.Tree, canaries); len(l) > 0 {
		t.Fatalf("leaks: %v", l)
	}
}

// probeReport is a site-wide report with a header link that counts how
// often it publishes.
type probeReport struct{ published atomic.Int32 }

func (*probeReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (*probeReport) SiteWide()                                          {}
func (*probeReport) HeaderLink() report.Link                            { return report.Link{Title: "Probe", URL: "probe/"} }
func (*probeReport) Reserves(*link.Site) []string                       { return []string{"probe/index.html"} }
func (r *probeReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	r.published.Add(1)
	return []report.Page{{URL: "probe/index.html", Bytes: []byte("probe")}}, nil
}

// plainReport is a site-wide report that does not list its URLs
// (report.Reserver): a lazy build makes it, as an eager one does.
type plainReport struct{ published atomic.Int32 }

func (*plainReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (*plainReport) SiteWide()                                          {}
func (r *plainReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	r.published.Add(1)
	return []report.Page{{URL: "plain.txt", Bytes: []byte("plain")}}, nil
}

// TestLazyPageMakesItsOwnReport: a deferred page asked for is made with
// the reports that reserve its URL alone (the process map without the
// auditor's copy, a history page, the search index); a URL no report
// reserves makes nothing; a site-wide report that does not list its URLs
// is made in the build. Every page comes out as an eager build makes it,
// whichever way and order it was made in.
func TestLazyPageMakesItsOwnReport(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	fresh, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Reports: []report.Report{&probeReport{}, &plainReport{}}})
	if err != nil || fresh.Tree == nil {
		t.Fatalf("build: %v\n%s", err, fresh.Diags)
	}
	build := func(probe *probeReport) *Result {
		t.Helper()
		res, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: NewCache(), Lazy: true, Reports: []report.Report{probe, &plainReport{}}})
		if err != nil || res.Tree == nil {
			t.Fatalf("lazy build: %v\n%s", err, res.Diags)
		}
		return res
	}
	same := func(res *Result, u string) {
		t.Helper()
		b, diags, ok := res.Page(u)
		if !ok || len(diags) > 0 || string(b) != string(fresh.Tree[u]) {
			t.Fatalf("Page(%s) = %d bytes, %v, %s; the eager build has %d bytes", u, len(b), ok, diags, len(fresh.Tree[u]))
		}
	}
	probe := &probeReport{}
	res := build(probe)
	if string(res.Tree["plain.txt"]) != string(fresh.Tree["plain.txt"]) {
		t.Fatal("the report that does not list its URLs is not in the lazy build's tree")
	}
	for _, u := range []string{"processes/index.html", "print/index.html", "policies/backup/history/index.html", "search-index.json", "reviews.ics"} {
		same(res, u)
		if res.lazy.d.Done() || probe.published.Load() != 0 {
			t.Fatalf("asking for %s made every deferred report (the probe published %d times)", u, probe.published.Load())
		}
	}
	for _, u := range []string{"favicon.ico", "nothing/index.html", "policies/nothing/history/index.html"} {
		if _, _, ok := res.Page(u); ok || res.lazy.d.Done() || probe.published.Load() != 0 {
			t.Fatalf("Page(%s), which no report reserves: found %v, every report made %v, the probe published %d times", u, ok, res.lazy.d.Done(), probe.published.Load())
		}
	}
	same(res, "probe/index.html")
	if res.lazy.d.Done() || probe.published.Load() != 1 {
		t.Fatalf("the probe published %d times", probe.published.Load())
	}
	var lazyURLs []string
	for u := range fresh.Tree {
		if _, ok := res.Tree[u]; !ok {
			lazyURLs = append(lazyURLs, u)
		}
	}
	slices.Sort(lazyURLs)
	for _, u := range lazyURLs {
		same(res, u)
	}
	// Each page first, on a build of its own: in the quick suite every
	// third of them (0.3 s of its CPU less), in the full suite all.
	every := testmode.Rounds(3, 1)
	n := 0
	for _, u := range lazyURLs {
		if strings.HasSuffix(u, "/history/index.html") && !strings.HasPrefix(u, "policies/backup/") {
			continue // one history page stands for them
		}
		n++
		if n%every != 0 {
			continue
		}
		same(build(&probeReport{}), u)
	}
}

// withLink is the sample with one policy linking to dest.
func withLink(t *testing.T, dest string) fstest.MapFS {
	site := sampleMap(t)
	const p = "content/policies/physical-security.md"
	src := string(site[p].Data) + "\nSee [the page](" + dest + ").\n"
	site[p] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
	return site
}

// A document's link to /processes/ (a folder, the usual form) checked in
// the build makes only the process map.
func TestLazyFolderLinkMakesOnlyItsReport(t *testing.T) {
	t.Parallel()
	for _, dest := range []string{"/processes/map.svg", "/processes/", "/processes"} {
		t.Run(dest, func(t *testing.T) {
			probe := &probeReport{}
			res, err := Build(context.Background(), Options{Site: withLink(t, dest), AsOf: asOf, Cache: NewCache(), Lazy: true, Reports: []report.Report{probe}})
			if err != nil || res.Tree == nil {
				t.Fatalf("build: %v\n%s", err, res.Diags)
			}
			if res.lazy.d.Done() || probe.published.Load() != 0 {
				t.Errorf("a link to %s made every deferred report in the build (done=%v, probe published %d times)", dest, res.lazy.d.Done(), probe.published.Load())
			}
		})
	}
}

// partReport is a site-wide report another one shows (as print shows
// processes and currency), whose Publish warns.
type partReport struct{ published report.Published }

func (*partReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (*partReport) SiteWide()                                          {}
func (*partReport) HeaderLink() report.Link                            { return report.Link{Title: "Part", URL: "part/"} }
func (*partReport) Reserves(*link.Site) []string                       { return []string{"part/index.html"} }
func (r *partReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	return r.published.Do(func() ([]report.Page, diag.List) {
		var d diag.List
		d.Warnf(diag.Pos{Path: "content"}, "part-warning", "the part warns")
		return []report.Page{{URL: "part/index.html", Bytes: []byte("part")}}, d
	})
}

// wholeReport shows the part's pages, as print does (Published.Do), and
// says so (report.Embedder).
type wholeReport struct{ part *partReport }

func (*wholeReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (*wholeReport) SiteWide()                                          {}
func (*wholeReport) HeaderLink() report.Link                            { return report.Link{Title: "Whole", URL: "whole/"} }
func (*wholeReport) Reserves(*link.Site) []string                       { return []string{"whole/index.html"} }
func (r *wholeReport) Embeds() []report.Report                          { return []report.Report{r.part} }
func (r *wholeReport) Publish(rr report.Renderer) ([]report.Page, diag.List) {
	pages, _ := r.part.Publish(rr) // as print's PrintPage: the part's diagnostics are its own
	return []report.Page{{URL: "whole/index.html", Bytes: append([]byte("whole+"), pages[0].Bytes...)}}, nil
}

// A browser that opens only the page of the report that shows another
// (print, which shows processes) must still be told the other's
// problems, as the eager build tells them.
func TestLazyEmbeddedDiagnostics(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	reps := func() []report.Report { p := &partReport{}; return []report.Report{&wholeReport{part: p}, p} }
	eager, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Reports: reps()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(eager.Diags.String(), "the part warns") {
		t.Fatalf("the eager build does not warn:\n%s", eager.Diags)
	}
	res, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: NewCache(), Lazy: true, Reports: reps()})
	if err != nil || res.Tree == nil {
		t.Fatalf("lazy build: %v\n%s", err, res.Diags)
	}
	b, diags, ok := res.Page("whole/index.html")
	if !ok || string(b) != string(eager.Tree["whole/index.html"]) {
		t.Fatalf("Page(whole/) = %q %v", b, ok)
	}
	if !strings.Contains(diags.String(), "the part warns") {
		t.Errorf("Page(whole/index.html) made the part's pages and lost its warning: diags %q", diags)
	}
}

// sliceReport is an extension report passed by value with a slice field
// (not hashable): fine in an eager build.
type sliceReport struct{ urls []string }

func (sliceReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (sliceReport) SiteWide()                                          {}
func (r sliceReport) Reserves(*link.Site) []string                     { return r.urls }
func (r sliceReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	return []report.Page{{URL: r.urls[0], Bytes: []byte("x")}}, nil
}

// TestLazyUnhashableReport: an extension report passed by value with a
// slice field is made on request as in an eager build, and the cache is
// free for the next build.
func TestLazyUnhashableReport(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	o := Options{Site: site, AsOf: asOf, Reports: []report.Report{sliceReport{urls: []string{"slice/index.html"}}}}
	if res, err := Build(context.Background(), o); err != nil || res.Tree["slice/index.html"] == nil {
		t.Fatalf("eager: %v", err)
	}
	o.Cache, o.Lazy = NewCache(), true
	res, err := Build(context.Background(), o)
	if err != nil || res.Tree == nil {
		t.Fatal(err)
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("Page panicked (net/http recovers it): %v", r)
			}
		}()
		res.Page("slice/index.html")
	}()
	done := make(chan struct{})
	go func() { Build(context.Background(), o); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the next build on the cache never starts: c.mu was left locked")
	}
}

// A theme error in the process map's layout, with a document linking to
// /processes/: the lazy build names the theme error, as the eager one
// does.
func TestLazyThemeErrorBehindLink(t *testing.T) {
	t.Parallel()
	site := withLink(t, "/processes/")
	site["themes/default/layouts/processes.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}Process map{{end}}{{define "main"}}{{.Data.Nope}}{{end}}`)}
	eager, _ := Build(context.Background(), Options{Site: site, AsOf: asOf})
	lazy, _ := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: NewCache(), Lazy: true})
	if e, l := eager.Diags.String(), lazy.Diags.String(); e != l {
		t.Errorf("diagnostics differ\neager:\n%s\nlazy:\n%s", e, l)
	}
}
