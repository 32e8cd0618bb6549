package generator

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

func cacheBuild(t *testing.T, site fstest.MapFS, c *Cache) view.Tree {
	t.Helper()
	res, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree == nil {
		t.Fatalf("build failed:\n%s", res.Diags)
	}
	return res.Tree
}

// sameTree reports the first path where two trees differ.
func treeDiff(a, b view.Tree) string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !bytes.Equal(a[k], b[k]) {
			return k
		}
	}
	return ""
}

// TestCacheNeverStale edits a site step by step and checks after every
// step that a build through the cache is byte-identical to a fresh one.
// The steps touch what pages depend on besides their own source: another
// document's title (shown in inputs/outputs), the site config, the date.
func TestCacheNeverStale(t *testing.T) {
	t.Parallel()
	site := siteFromTxtar(t, "../testdata/sites/basic.txtar")
	delete(site, "themes/default/layouts/document.html") // the default layout draws neighbourhoods
	c := NewCache()
	check := func(step string) view.Tree {
		t.Helper()
		cached := cacheBuild(t, site, c)
		fresh := cacheBuild(t, site, nil)
		if d := treeDiff(cached, fresh); d != "" {
			t.Fatalf("%s: cached build differs from a fresh one at %s", step, d)
		}
		return cached
	}
	check("first")
	check("unchanged")

	edit := func(path, old, new string) {
		t.Helper()
		f := site[path]
		if f == nil || !bytes.Contains(f.Data, []byte(old)) {
			t.Fatalf("%s has no %q", path, old)
		}
		site[path] = &fstest.MapFile{Data: bytes.Replace(f.Data, []byte(old), []byte(new), 1), Mode: 0o644}
	}
	edit("content/procedures/provisioning.md", "1. Request.", "1. Request it in writing.")
	tree := check("body edit")
	if !strings.Contains(string(tree["procedures/provisioning/index.html"]), "Request it in writing.") {
		t.Fatal("edited text missing")
	}
	edit("content/procedures/provisioning.md", "title: Provisioning", "title: Account provisioning")
	check("title edit")
	edit("content/processes/treat.md", `what: "Risk report"`, `what: "Risk report and register"`)
	tree = check("process graph edit")
	if !strings.Contains(string(tree["processes/risk/index.html"]), "Risk report and register") {
		t.Fatal("neighbourhood diagram not redrawn after an edge label changed")
	}
	edit("content/manual/manual.md", "reviewed: 2026-01-10", "reviewed: 2024-01-10")
	check("currency change")
	site["isms.yaml"] = &fstest.MapFile{Data: []byte("title: Renamed Manual\n"), Mode: 0o644}
	tree = check("config change")
	if !strings.Contains(string(tree["manual/manual/index.html"]), "Renamed Manual") {
		t.Fatal("config change not applied")
	}
	delete(site, "content/manual/manual.md")
	if res, _ := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c}); res.Tree != nil {
		// The policy links to the manual, so deleting it must fail the build.
		t.Fatal("build with a broken link succeeded")
	}
}

// TestCacheReusesParses checks that an unchanged document is neither
// parsed nor rendered again: its parsed tree and its page's bytes are the
// very same values as before.
func TestCacheReusesParses(t *testing.T) {
	t.Parallel()
	site := siteFromTxtar(t, "../testdata/sites/basic.txtar")
	c := NewCache()
	cacheBuild(t, site, c)
	before := c.docs["procedures/provisioning.md"]
	if before == nil {
		t.Fatal("document not cached")
	}
	first := cacheBuild(t, site, c)
	site["content/manual/manual.md"].Data = append(site["content/manual/manual.md"].Data, "\nMore.\n"...)
	second := cacheBuild(t, site, c)
	if &first["procedures/provisioning/index.html"][0] != &second["procedures/provisioning/index.html"][0] {
		t.Error("an unchanged page was rendered again")
	}
	if bytes.Equal(first["manual/manual/index.html"], second["manual/manual/index.html"]) {
		t.Error("the edited page was not rendered again")
	}
	if c.docs["procedures/provisioning.md"].md != before.md {
		t.Error("unchanged document was parsed again")
	}
	if c.docs["manual/manual.md"].sum == [32]byte{} {
		t.Error("changed document not cached")
	}
}

// Every build option is either hashed into every cache key or has a
// stated reason not to be: a new option cannot silently be left out of
// the keys (as NoRender once was).
func TestEveryOptionIsKeyed(t *testing.T) {
	t.Parallel()
	typ := reflect.TypeFor[Options]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		_, unkeyed := unkeyedOptions[name]
		if keyed := slices.Contains(keyedOptions, name); keyed == unkeyed {
			t.Errorf("option %s must be in exactly one of keyedOptions and unkeyedOptions", name)
		}
	}
	for _, name := range keyedOptions {
		if _, ok := typ.FieldByName(name); !ok {
			t.Errorf("keyedOptions names %s, which Options does not have", name)
		}
	}
}

// stopReport cancels its build, if it has a stop, when the build
// publishes the reports (after the document pages, before the home
// page).
type stopReport struct{ stop context.CancelFunc }

func (r *stopReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (r *stopReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	if r.stop != nil {
		r.stop()
	}
	return nil, nil
}

// TestStoppedBuildStopsRendering: a build whose context ends while it
// renders (the preview's next save) makes no more pages (the home page
// of a large site takes 140 ms: its memo is never made) and says it was
// stopped, not that links to the pages it left out are broken.
func TestStoppedBuildStopsRendering(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := NewCache()
	res, err := Build(ctx, Options{Site: sampleMap(t), AsOf: asOf, Cache: c, Lazy: true, Reports: []report.Report{&stopReport{stop: cancel}}})
	if !errors.Is(err, context.Canceled) || res.Tree != nil {
		t.Fatalf("build: %v, tree %v\n%s", err, res.Tree != nil, res.Diags)
	}
	if _, ok := c.memos["home"]; ok {
		t.Error("the stopped build made the home page")
	}
}

// TestStoppedBuildKeepsPagesAskedFor: the memos of a deferred page made
// on request are kept by the next build (Cache.begin: "kept while a
// browser looks at it"). A build stopped in between (the preview's next
// save) must not forget that they were used, or the build after it
// prunes them and the browser's reload makes the page from scratch.
func TestStoppedBuildKeepsPagesAskedFor(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	c := NewCache()
	rep := &stopReport{}
	opts := Options{Site: site, AsOf: asOf, Cache: c, Lazy: true, Reports: []report.Report{rep}}
	const page, memo = "currency/index.html", "page:currency/"
	res, err := Build(context.Background(), opts)
	if err != nil || res.Tree == nil {
		t.Fatalf("build: %v\n%s", err, res.Diags)
	}
	if _, _, found := res.Page(page); !found {
		t.Fatalf("no deferred %s", page)
	}
	if _, ok := c.memos[memo]; !ok {
		t.Fatalf("no memo %q", memo)
	}
	// The next build keeps it.
	res, err = Build(context.Background(), opts)
	if err != nil || res.Tree == nil {
		t.Fatalf("build: %v", err)
	}
	if _, ok := c.memos[memo]; !ok {
		t.Fatal("the build after a request dropped the page's memo")
	}
	res.Page(page) // asked for again, from this build
	// A stopped build, then a whole one.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rep.stop = cancel
	if _, err := Build(ctx, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("the stopped build: %v", err)
	}
	rep.stop = nil
	if res, err = Build(context.Background(), opts); err != nil || res.Tree == nil {
		t.Fatalf("build: %v", err)
	}
	if _, ok := c.memos[memo]; !ok {
		t.Error("after a stopped build, the next build dropped the memo of the page a browser was looking at")
	}
}
