// Package generator is the build pipeline. Data flows one way:
//
//	site fs.FS ─load─▶ sources ─decode+parse─▶ pages ─link─▶ site model
//	  ─enrich (currency as of a date; every report's analysis)─▶
//	  ─render (theme templates; every report's pages)─▶ output tree
//	  ─publish─▶ folder | memory
//
// The stages, each its own package:
//
//   - load (generator/load) walks the content fs.FS into Markdown sources
//     and other files;
//   - decode (generator/model) reads each front-matter strictly into a
//     typed Document, every value with its position; parse
//     (generator/markdown) turns the body into HTML with holes for link
//     destinations, and drops the syntax tree;
//   - link (generator/link) sees the whole site: unique ids, every
//     reference and Markdown link resolved, process edges merged;
//   - enrich (generator/enrich) computes each document's currency as of
//     the build's date (generator/currency), then runs every report's
//     Analyze side by side and sorts their findings once;
//   - render (generator/render; theme and template values in
//     generator/view) writes every document page, the home and 404 pages
//     and each report's pages into an in-memory tree, each file claiming
//     its URL;
//   - publish (generator/publish) writes the tree to a folder atomically,
//     or serve (generator/serve) keeps it in memory.
//
// Editions (isms.yaml's editions; Options.Edition, Options.AllEditions):
// after the whole site is linked and analysed once (its diagnostics and
// findings are the site's), each edition links, analyses and renders
// only the documents at or below its max, from the same parse, knowing
// what it leaves out only to say "not in this edition"; every file it
// renders carries a taint (render.Taint) checked against the max before
// anything is returned.
//
// A report (generator/report) is one ISMS view: its findings, its pages,
// its header link, its part of each document page. The reports are listed
// once, in newReports below: adding a view is one package and one line.
//
// Every stage collects diagnostics instead of stopping at the first
// problem; Build stops between stages when an error was found and returns
// no tree, so nothing is written. Work per document runs in parallel and
// is collected into slices indexed by input order, so the output never
// depends on scheduling. build.go is the only file that knows every stage.
package generator

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"runtime/trace"
	"slices"
	"strings"
	"sync"

	"github.com/yuin/goldmark"

	"github.com/isms-project/isms/diagrams"
	"github.com/isms-project/isms/diagrams/wasmcache"
	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/enrich"
	githistory "github.com/isms-project/isms/generator/history"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/load"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/par"
	"github.com/isms-project/isms/generator/render"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/report/actions"
	currencyreport "github.com/isms-project/isms/generator/report/currency"
	"github.com/isms-project/isms/generator/report/evidence"
	"github.com/isms-project/isms/generator/report/history"
	"github.com/isms-project/isms/generator/report/objectives"
	printreport "github.com/isms-project/isms/generator/report/print"
	"github.com/isms-project/isms/generator/report/processes"
	"github.com/isms-project/isms/generator/report/review"
	"github.com/isms-project/isms/generator/report/risks"
	"github.com/isms-project/isms/generator/report/search"
	"github.com/isms-project/isms/generator/report/soa"
	"github.com/isms-project/isms/generator/view"
	"github.com/isms-project/isms/themes"
)

// Options are what the CLI (or a test) asks of a build.
type Options struct {
	Site     fs.FS      // the site folder: content/, optional isms.yaml and themes/
	SiteDir  string     // the same folder on disk, for git history ("" = none)
	Today    model.Date // used when neither AsOf nor isms.yaml's as_of is set
	AsOf     model.Date // --as-of; overrides isms.yaml
	BaseURL  string     // --base-url; overrides isms.yaml
	Snapshot bool
	Scripts  []string           // extra script URLs in every page's <head> (the preview's reload client)
	Cache    *Cache             // reuse work from the previous build (the preview server); nil = none
	NoRender bool               // stop after enrich (isms check): nothing is rendered, Tree stays nil
	Diagrams *diagrams.Renderer // the diagram layout and its caches, chosen by the caller (cmd, serve); nil = one per build, in memory
	Reports  []report.Report    // reports added after the built-in ones (tests, extensions)
	History  githistory.Reader  // how version history is read; nil = the git command
	// HistoryCache is a folder of the caller's own where git's log, and
	// what was read and diffed of old versions, are kept between builds
	// (the CLI's: HistoryCacheDir); "" = kept for the build only. A
	// snapshot never reads it.
	HistoryCache string
	// Edition builds only what that edition of isms.yaml's editions may
	// publish ("" = the whole site); AllEditions builds every declared
	// edition from one parse into Result.Editions.
	Edition     string
	AllEditions bool
	// Lazy leaves the site-wide reports' pages (report.SiteWide and
	// report.Reserver: print, search, history, currency, the process
	// map) out of Tree, to be rendered on request through Result.Page:
	// the preview, where a save must not pay for them. The build still
	// fails where one of their URLs is taken, as an eager build does.
	// Ignored with editions (their trees are redacted whole).
	Lazy bool
	// Only, when set (a document's path under the site folder, as
	// "content/policies/backup.md"), makes the build a partial one for
	// the preview: the site is read, linked and analysed as a build does,
	// then the page of that document alone is rendered; Tree holds that
	// page (none when it is not a page of the site, a draft left out
	// say). What a whole build checks while rendering the rest is not
	// checked. It leaves the cache's other entries as they were: the
	// whole build that follows has the last word. Not with editions or
	// a sink.
	Only string
	// Base, with Only, is the last build of the whole site (made with
	// these options but Only; the preview's last good build), from which
	// the site differs in the Only document alone, as far as the caller
	// knows: the listing of the content, and the page of every other
	// document as decoded, parsed and linked there, are taken from Base,
	// and the Only document alone is read, parsed and linked (see
	// link.Options.Recheck); a document Base did not list (a new one) is
	// listed after the others. Ignored when Base was built with another
	// isms.yaml.
	Base *Result
	// Sink, when set, takes every file of the whole site's build as soon
	// as it is rendered (a *publish.Stream: isms build), so that the
	// pages are never all in memory; Tree stays nil and Written counts
	// the files. Only for a one-shot build of the whole site: not with
	// editions, Lazy or a Cache. If the build fails after rendering
	// began, the sink holds part of a site: the caller aborts it.
	Sink render.Sink
}

// newReports makes the build's reports, in the order their pages are
// rendered side by side: the longest first (at 10,000 documents print
// takes 1.8 s, currency 1.4 s, history 1.0 s, search 0.5 s, the rest
// 0.1 s each), so that the last to start is not the longest. The header
// orders its links by each report's weight, not by this list.
func newReports(o Options, hist *history.Report) []report.Report {
	// The auditor's copy (print) shows the SoA, currency and process map
	// pages too: those reports make their pages once, for both.
	cur, soaRep, proc := currencyreport.New(), soa.New(), processes.New()
	return append([]report.Report{
		printreport.New(soaRep, proc, cur),
		cur,
		hist,
		search.New(),
		evidence.New(),
		soaRep,
		risks.New(),
		proc,
		actions.New(), actions.NewExceptions(),
		objectives.New(),
		review.New(),
	}, o.Reports...)
}

// Result is a finished (or failed) build.
type Result struct {
	Config  model.Config
	AsOf    model.Date
	Site    *link.Site
	Tree    view.Tree // nil when the build failed, or went to Options.Sink
	Written int       // Options.Sink: the files handed to it, once the build succeeded
	Commit  string    // source commit, when the site is in git
	// Findings are every report's, sorted. A streamed build (Options.Sink)
	// that failed does not wait for the history's diffs: the findings on
	// old versions, and git's warnings about reading them, are missing.
	Findings []model.Finding
	Currency map[string]currency.Info // by content path; retired documents excluded
	Diags    diag.List                // sorted

	Taint    render.Taint     // each file of Tree's classification rank
	Edition  *model.Edition   // the edition Tree holds (--edition); nil = the whole site
	Editions []*EditionResult // AllEditions: one per declared edition, in isms.yaml's order

	lazy *lazyPages // Options.Lazy: what Page renders on request

	// A good build of the whole site: its listing of content/, for a
	// partial build after it (Options.Base).
	listed []string // the documents, in listing order
	assets []string
}

// contentDir is where documents live inside the site folder.
const contentDir = "content"

// Build runs the pipeline. Cancelling ctx stops it between stages (and
// git at once): it then returns ctx's error and no tree.
func Build(ctx context.Context, o Options) (*Result, error) {
	res := &Result{}
	if o.Sink != nil && (o.Edition != "" || o.AllEditions || o.Lazy || o.Cache != nil) {
		return res, errors.New("build: a sink is only for a one-shot build of the whole site")
	}
	if o.Only != "" && (o.Edition != "" || o.AllEditions || o.Sink != nil) {
		return res, errors.New("build: Only renders one page of the whole site, without a sink")
	}
	var diags diag.List
	o.Cache.begin(o)
	// A stopped build used too little to judge what is stale, as did one
	// that failed (a typo must not cost the next build every page); a
	// partial one (Only) renders too little.
	defer func() { o.Cache.end(ctx.Err() == nil && !diags.HasErrors() && o.Only == "") }()
	defer func() { diags.Sort(); res.Diags = diags }()

	histSrc := history.Source{Prev: o.Cache.history(), Reader: o.History}
	if o.SiteDir != "" {
		histSrc.Dir, histSrc.Content = o.SiteDir, contentDir
		if !o.Snapshot {
			histSrc.CacheDir = o.HistoryCache
		}
	}
	hist := history.New(histSrc)
	reports := newReports(o, hist)
	schema := report.Schema(reports)

	cfg := model.DefaultConfig()
	if b, err := fs.ReadFile(o.Site, "isms.yaml"); err == nil {
		var d diag.List
		cfg, d = schema.DecodeConfig("isms.yaml", b)
		diags = append(diags, d...)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return res, err
	}
	schema.WithClassifications(cfg.Classifications)
	if o.BaseURL != "" {
		cfg.BaseURL = o.BaseURL
	}
	root, err := rootPath(cfg.BaseURL)
	if err != nil {
		diags.Errorf(diag.Pos{Path: "isms.yaml"}, "config", "base_url %q: %v", cfg.BaseURL, err)
	}
	res.AsOf = cfg.AsOf
	if !o.AsOf.IsZero() {
		res.AsOf = o.AsOf
	}
	if res.AsOf.IsZero() {
		res.AsOf = o.Today
	}
	res.Config = cfg

	content, err := fs.Sub(o.Site, contentDir)
	if err != nil {
		return res, err
	}
	if _, err := fs.Stat(o.Site, contentDir); err != nil {
		diags.Errorf(diag.Pos{Path: contentDir}, "no-content", "the site has no content/ folder")
		return res, nil
	}
	// The documents are listed, then read, several at a time, while git
	// starts on the history; parsing starts once all are read (see
	// load.Fetching.Wait).
	rg := trace.StartRegion(ctx, "list")
	lim := load.Limits{Markdown: cfg.MaxMarkdownSize, File: cfg.MaxFileSize}
	// A partial build on a base reads the one document; its other pages
	// are the base's (kept[i]).
	src, kept, at := o.base(cfg)
	var fetch *load.Fetching
	if kept != nil {
		fetch = load.Content{Docs: src.Docs[at : at+1]}.Fetch(content, contentDir+"/", lim)
	} else {
		var d diag.List
		src, d = load.ListLimited(content, contentDir+"/", lim)
		diags = append(diags, d...)
		fetch = src.Fetch(content, contentDir+"/", lim)
	}
	rg.End()
	paths := make([]string, len(src.Docs))
	for i, d := range src.Docs {
		paths[i] = d.Path
	}
	histCtx, stopHistory := context.WithCancel(ctx)
	hist.Prefetch(histCtx, paths) // git works while we parse (check too: its findings need the diffs)
	defer func() {
		stopHistory() // a build that stops early does not wait for git
		hist.Wait()
	}()
	rg = trace.StartRegion(ctx, "read")
	fetch.Wait()
	rg.End()
	dr := diagramRenderer(o)
	md := markdown.New(markdown.Options{UnsafeHTML: cfg.UnsafeHTML, Extensions: []goldmark.Extender{diagrams.Fence(dr)}})
	pages := make([]*link.Page, len(src.Docs))
	perDoc := make([]diag.List, len(src.Docs))
	rg = trace.StartRegion(ctx, "parse")
	unread := make([]bool, len(src.Docs))
	par.Do(len(src.Docs), func(i int) {
		j := i // in fetch
		if kept != nil {
			if i != at {
				pages[i] = kept[i]
				return
			}
			j = 0
		}
		data, d := fetch.Doc(j)
		if d != nil {
			perDoc[i], unread[i] = d, true
			return
		}
		src.Docs[i].Data = data
		s := src.Docs[i]
		display := contentDir + "/" + s.Path
		doc, parsed, d := o.Cache.decode(s.Path, s.Data, o.NoRender, func() (*model.Document, *markdown.Doc, diag.List) {
			doc, d := schema.Decode(s.Path, display, s.Data)
			if doc == nil {
				return nil, nil, d
			}
			parsed := md.Parse(s.Data)
			for _, fe := range diagrams.FenceErrors(parsed.Context) {
				d.Errorf(diag.Pos{Path: display, Line: fe.Line, Col: 1}, "dot", "diagram: %s", fe.Msg)
			}
			// Everything later stages need from the syntax tree is taken
			// now, and the tree dropped: 10,000 trees are 850 MB.
			if o.NoRender {
				parsed.Release()
			} else {
				parsed.Text(search.Text)
				if err := md.Freeze(parsed); err != nil {
					d.Errorf(diag.Pos{Path: display}, "render", "%v", err)
				}
			}
			return doc, parsed, d
		})
		perDoc[i] = d
		if doc == nil {
			return
		}
		pages[i] = link.NewPage(doc, parsed, display)
	})
	rg.End()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	var ok []*link.Page
	failed := map[string]string{} // documents that could not be decoded, and the id they seem to have
	for i := range pages {
		diags = append(diags, perDoc[i]...)
		if pages[i] != nil {
			ok = append(ok, pages[i])
		} else if !unread[i] {
			failed[src.Docs[i].Path] = model.GuessID(src.Docs[i].Data)
		}
	}
	lo := link.Options{Root: root, NormalizeControl: iso.Normalize, ClosestControl: iso.Closest, Failed: failed, Origin: origin(cfg.BaseURL)}
	if kept != nil {
		if pages[at] == nil {
			return res, nil // the document has errors: the whole build says which
		}
		lo.Recheck = pages[at]
	}
	rg = trace.StartRegion(ctx, "link")
	site, d := link.Link(ok, src.Assets, lo)
	lo.Recheck = nil // editions check every link
	rg.End()
	diags = append(diags, d...)
	res.Site = site

	theme, d := o.Cache.theme(func() (*view.Theme, diag.List) { return loadTheme(o.Site, cfg.Theme, o.NoRender) })
	diags = append(diags, d...)
	editions, err := selectEditions(cfg, o)
	if err != nil {
		return res, err
	}
	if diags.HasErrors() {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}

	// The whole site is analysed once: its findings and diagnostics are
	// the site's, whoever reads it.
	rg = trace.StartRegion(ctx, "analyse")
	// A build writing pages as it renders them renders the document pages
	// while the history's diffs are still being made (report.Finisher).
	start := enrich.Run
	if o.Sink != nil && editions == nil { // an edition derives its history from the whole site's, finished
		start = enrich.Start
	}
	en, d := start(cfg, res.AsOf, site, schema, reports)
	rg.End()
	diags = append(diags, d...)
	en.Input.History = hist.Revisions // analysed: other reports' pages may read the history now
	res.Findings = en.Findings
	res.Commit = hist.Commit()
	res.Currency = en.Input.Currency
	if st := hist.State(); st != nil {
		o.Cache.setHistory(st)
	}
	if diags.HasErrors() || (o.NoRender && editions == nil) {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}

	if kept != nil && at == len(o.Base.listed) && !o.Base.freeFor(site, reports, pages[at]) {
		return res, nil // a new document where the base has a file: the whole build says what clashes
	}
	a := assembly{o: o, cfg: cfg, schema: schema, theme: theme, md: md, content: content, diagrams: dr, hist: hist,
		stopped: func() bool { return ctx.Err() != nil }}
	if kept != nil {
		a.groups = o.Base.groupsWith(pages[at])
	}
	if editions == nil {
		if o.Lazy && o.Only == "" {
			a.lazy = new(render.Deferred)
		}
		a.sink = o.Sink
		if o.Sink != nil {
			// Nothing reads the documents' text after the analysis in a
			// one-shot build (no cache, no preview): let it go.
			par.Do(len(site.Pages), func(i int) { site.Pages[i].DropSource() }) // each keeps its line index: 80 MB scanned at 10,000 documents
			for i := range src.Docs {
				src.Docs[i].Data = nil
			}
		}
		rg = trace.StartRegion(ctx, "render")
		tree, taint, d := a.render(site, src.Assets, en, reports, nil)
		rg.End()
		if err := ctx.Err(); err != nil {
			return res, err // stopped: the pages it left out are no one's errors
		}
		diags = append(diags, d...)
		if diags.HasErrors() {
			return res, nil
		}
		if o.Sink != nil {
			diags = append(diags, en.Wait()...)
			res.Findings = en.Findings
			res.Written, res.Taint = len(tree), taint
			return res, nil
		}
		res.Tree, res.Taint = tree, taint
		if o.Only == "" {
			res.listed, res.assets = make([]string, len(src.Docs)), src.Assets
			for i, d := range src.Docs {
				res.listed[i] = d.Path
			}
		}
		res.lazy = o.Cache.lazyPages(a.lazy)
		if res.lazy != nil {
			res.lazy.schema, res.lazy.md = schema, md
		}
		return res, nil
	}

	// Each edition: the documents at or below its max, linked, analysed
	// and rendered on their own, from the one parse above.
	seen := map[string]bool{}
	for _, dg := range diags {
		seen[dg.String()] = true
	}
	for _, ed := range editions {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		er, d := a.edition(ctx, ed, ok, lo, src.Assets, site, res)
		for _, dg := range d { // what the whole site's pass did not already say
			if !seen[dg.String()] {
				seen[dg.String()] = true
				diags = append(diags, dg)
			}
		}
		res.Editions = append(res.Editions, er)
	}
	if err := ctx.Err(); err != nil {
		res.Editions = nil
		return res, err // stopped: the pages it left out are no one's errors
	}
	if diags.HasErrors() {
		res.Editions = nil
		return res, nil
	}
	if o.Edition != "" {
		e := res.Editions[0]
		res.Edition, res.Tree, res.Taint, res.Findings, res.Currency = e.Edition, e.Tree, e.Taint, e.Findings, e.Currency
		res.Editions = nil
	}
	if o.NoRender {
		for _, e := range res.Editions {
			e.Tree, e.Taint = nil, nil
		}
	}
	return res, nil
}

// base is what a partial build takes from Options.Base: the listing,
// with the Only document at src.Docs[at] (last, when Base did not list
// it: a new document), and a copy of Base's page for every other
// document (kept, by listing index; kept[at] is nil). kept is nil when
// there is no base to take: no Only or Base, or one built with another
// cfg.
func (o Options) base(cfg model.Config) (src load.Content, kept []*link.Page, at int) {
	b := o.Base
	rel, ok := strings.CutPrefix(o.Only, contentDir+"/")
	if !ok || b == nil || b.listed == nil || b.Site == nil || !reflect.DeepEqual(b.Config, cfg) {
		return src, nil, 0
	}
	listed := b.listed
	at = slices.Index(listed, rel)
	if at < 0 { // a new document, listed last, if the listing would list it
		if !load.ListedDoc(rel) {
			return src, nil, 0
		}
		at = len(listed)
		listed = append(slices.Clip(listed), rel)
	}
	kept = make([]*link.Page, len(listed))
	copies := make([]link.Page, len(listed))
	src.Docs = make([]load.Source, len(listed))
	for i, p := range listed {
		src.Docs[i].Path = p
		if i == at {
			continue
		}
		q := b.Site.ByPath[p]
		if q == nil {
			return load.Content{}, nil, 0 // not a page there: read it
		}
		q.CopyTo(&copies[i])
		kept[i] = &copies[i]
	}
	src.Assets = b.assets
	return src, kept, at
}

// PageFree says whether a new document's page at key (a path as in
// Tree, "x/index.html") would clash with none of r's files: neither key
// nor a folder of it is a file of r's tree or a page a deferred report
// may publish (Reserved). A page on disk is a file in folders.
func (r *Result) PageFree(key string) bool {
	for u := key; u != "."; u = path.Dir(u) {
		if _, held := r.Tree[u]; held || r.Reserved(u) {
			return false
		}
	}
	return true
}

// freeFor says whether p, a document r did not have, clashes with none
// of r's files: its page (PageFree), nor a page the deferred reports may
// publish for it (on site, which has it; its history page) that they
// did not reserve on r's.
func (r *Result) freeFor(site *link.Site, reports []report.Report, p *link.Page) bool {
	if !r.PageFree(p.URL + "index.html") {
		return false
	}
	for _, rep := range reports {
		_, wide := rep.(report.SiteWide)
		res, lists := rep.(report.Reserver)
		if !wide || !lists {
			continue
		}
		for _, u := range res.Reserves(site) {
			if u == "" || strings.HasSuffix(u, "/") {
				u += "index.html"
			}
			if !r.Reserved(u) && !r.PageFree(u) {
				return false
			}
		}
	}
	return true
}

// groupsWith are the navigation groups of r's site with p in place of
// the page of its document there (view.NavData.With), or nil when r kept
// none (a build that was not lazy) or p's document has another type
// there or none (With moves a page within its type's group).
func (r *Result) groupsWith(p *link.Page) *view.NavData {
	old := r.Site.ByPath[p.Doc.Path]
	if old == nil || old.Doc.Type != p.Doc.Type || r.lazy == nil {
		return nil
	}
	g, ok := r.lazy.d.Groups()
	if !ok {
		return nil
	}
	g = g.With(view.NavPageOf(p), p.Doc.Clauses)
	return &g
}

// assembly is what every pass after linking shares: the one parse's
// configuration, theme and renderers.
type assembly struct {
	o        Options
	cfg      model.Config
	schema   *model.Schema
	theme    *view.Theme
	md       *markdown.Markdown
	content  fs.FS
	diagrams *diagrams.Renderer
	hist     *history.Report
	lazy     *render.Deferred // Options.Lazy, whole site: the reports left for later
	sink     render.Sink      // Options.Sink, whole site: where the files go
	groups   *view.NavData    // a partial build's navigation groups, from its base (nil: grouped again)
	stopped  func() bool      // the build's context ended: render stops between pages
}

// render is the render stage for a linked and enriched site (the whole
// site, or an edition's).
func (a *assembly) render(site *link.Site, assets []string, en *enrich.Result, reports []report.Report, ed *model.Edition) (view.Tree, render.Taint, diag.List) {
	in := render.Input{
		Config: a.cfg, AsOf: en.Input.AsOf, Site: site, Theme: a.theme, ThemeDir: "themes/" + a.cfg.Theme, Markdown: a.md,
		Content: a.content, Assets: assets, Snapshot: a.o.Snapshot, Scripts: a.o.Scripts, Commit: a.hist.Commit(),
		Enriched: en, Reports: reports, Diagrams: a.diagrams, Edition: ed, Lazy: a.lazy, Sink: a.sink,
		Only: a.o.Only, Groups: a.groups, Stopped: a.stopped,
	}
	if a.o.Cache != nil {
		in.Memo = a.o.Cache
	}
	return render.Site(in)
}

// EditionResult is one edition of a build: its tree (nil when the build
// failed or nothing was rendered) and what it publishes.
type EditionResult struct {
	Edition  *model.Edition
	Tree     view.Tree
	Taint    render.Taint // each file's classification rank; none above the edition's max
	Findings []model.Finding
	Currency map[string]currency.Info
	Withheld int // documents left out
}

// edition links, analyses and renders the documents an edition may hold.
// Its findings are the whole site's, less those that name or quote
// anything it leaves out: a finding computed from the edition alone
// would report what only looks missing (a process whose inputs come from
// a confidential register). Every file it renders is checked against its
// max: one above is an internal error, not a publish.
func (a *assembly) edition(ctx context.Context, ed model.Edition, all []*link.Page, lo link.Options, assets []string, whole *link.Site, res *Result) (*EditionResult, diag.List) {
	var diags diag.List
	maxRank := a.cfg.Rank(ed.Max)
	visible := func(class string) bool {
		if class == "" {
			class = a.cfg.ClassificationOf(&model.Document{})
		}
		r := a.cfg.Rank(class)
		return r >= 0 && r <= maxRank
	}
	// A document that gives a classification which is no level (a
	// placeholder such as TBD) is read as the scheme's top: an edition
	// fails closed.
	classOf := func(d *model.Document) string {
		if slices.Contains(d.Undecided, "classification") {
			return a.cfg.Top()
		}
		return a.cfg.ClassificationOf(d)
	}
	var pages, withheld []*link.Page
	for _, p := range all {
		cp := *p // link writes its findings on the page: each pass its own
		if visible(classOf(p.Doc)) {
			pages = append(pages, &cp)
		} else {
			withheld = append(withheld, &cp)
		}
	}
	// A file is published when a document of the edition links to it: a
	// file nothing links to (a stray export, a .md.orig) or only
	// documents left out link to is not.
	var shown []string
	for _, f := range assets {
		open := false
		for _, u := range whole.AssetUsers[f] {
			open = open || visible(classOf(u.Doc))
		}
		if open {
			shown = append(shown, f)
		}
	}
	lo.Withheld = withheld
	site, d := link.Link(pages, shown, lo)
	diags = append(diags, d...)
	var hiddenPaths []string
	for _, p := range withheld {
		hiddenPaths = append(hiddenPaths, p.Doc.Path)
	}
	hist := a.hist.For(visible, hiddenPaths)
	reports := newReports(a.o, hist)
	en, d := enrich.Run(a.cfg, res.AsOf, site, a.schema, reports)
	diags = append(diags, d...)
	en.Input.History = hist.Revisions
	en.Findings = withoutWithheld(both(res.Findings, en.Findings), withheld, en.Input.Records.WithheldIDs())
	out := &EditionResult{Edition: &ed, Findings: en.Findings, Currency: en.Input.Currency, Withheld: len(withheld)}
	ids := withheldIDs(withheld, en.Input.Records.WithheldIDs())
	diags = append(diags, mentions(site, ids, ed)...)
	if diags.HasErrors() || a.o.NoRender || ctx.Err() != nil {
		return out, diags
	}
	tree, taint, d := a.render(site, shown, en, reports, &ed)
	diags = append(diags, d...)
	redact(tree, ids, shown)
	for _, u := range slices.Sorted(maps.Keys(taint)) {
		if taint[u] > maxRank || taint[u] < 0 {
			diags.Errorf(diag.Pos{Path: "isms.yaml"}, "internal",
				"edition %s: /%s is classified %s, above the edition's max %s: not published (this is a bug in isms: please report it)",
				ed.Name, u, cmp.Or(a.cfg.Level(taint[u]), "unknown"), ed.Max)
		}
	}
	for _, p := range site.Pages { // what render was given, checked again
		if !visible(classOf(p.Doc)) {
			diags.Errorf(diag.Pos{Path: p.Display}, "internal", "edition %s was given %s, above its max %s (this is a bug in isms)", ed.Name, p.Display, ed.Max)
		}
	}
	if !diags.HasErrors() {
		out.Tree, out.Taint = tree, taint
	}
	return out, diags
}

// both are the findings of whole that the edition's own analysis found
// too, in whole's order: a finding only the whole site has may rest on
// what the edition leaves out (a control a confidential SoA excludes, a
// version of a confidential past), and one only the edition has is an
// artefact of what it leaves out (no management review, when the
// minutes are confidential).
func both(whole, edition []model.Finding) []model.Finding {
	key := func(f model.Finding) string {
		return f.Severity + "\x00" + f.Rule + "\x00" + strings.Join(f.IDs, "\x00") + "\x00" + f.Message
	}
	in := map[string]bool{}
	for _, f := range edition {
		in[key(f)] = true
	}
	var out []model.Finding
	for _, f := range whole {
		if in[key(f)] {
			out = append(out, f)
		}
	}
	return out
}

// withoutWithheld are the findings that neither name nor quote a
// document left out or a record declared in one.
func withoutWithheld(fs []model.Finding, withheld []*link.Page, records []string) []model.Finding {
	words := map[string]bool{}
	for _, w := range records {
		words[w] = true
	}
	for _, p := range withheld {
		words[p.Doc.ID], words[p.Doc.Title], words[p.Doc.Path] = true, true, true
	}
	delete(words, "")
	if len(words) == 0 {
		return fs
	}
	// One pass over a message finds any of the words (the replacer is a
	// trie), where a search per word costs words × findings.
	var pairs []string
	for w := range words {
		pairs = append(pairs, w, "")
	}
	quotes := strings.NewReplacer(pairs...)
	var out []model.Finding
	for _, f := range fs {
		if !slices.ContainsFunc(f.IDs, func(id string) bool { return words[id] }) && quotes.Replace(f.Message) == f.Message {
			out = append(out, f)
		}
	}
	return out
}

// withheldIDs are the ids an edition leaves out that can be told apart
// from words, in lower case: a document's or record's id of three
// characters or more, made of letters, digits and - . _ with at least
// one digit or mark.
func withheldIDs(withheld []*link.Page, records []string) map[string]bool {
	ids := map[string]bool{}
	for _, id := range append(slices.Clone(records), pageIDs(withheld)...) {
		if len(id) >= 3 && strings.ContainsAny(id, "0123456789-._") && strings.IndexFunc(id, func(r rune) bool { return !idChar(byte(r)) || r >= 0x80 }) < 0 {
			ids[strings.ToLower(id)] = true
		}
	}
	return ids
}

func pageIDs(ps []*link.Page) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Doc.ID)
	}
	return out
}

func idChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
}

// hyphen is how Graphviz writes "-" in SVG text and attributes.
const hyphen = "&#45;"

// eachID calls fn with the start and end of every whole token of s that
// is one of ids, in any case: a run of id characters (a hyphen may be
// written &#45;, as Graphviz does), less trailing dots and hyphens (the
// end of a sentence), so "R-1" is found in "R-1." but not in "R-12"; a
// JSON escape (\u003e) ends a token.
func eachID[T ~string | ~[]byte](s T, ids map[string]bool, fn func(start, end int)) {
	hyphenAt := func(j int) bool {
		return s[j] == '&' && len(s)-j >= len(hyphen) && string(s[j:j+len(hyphen)]) == hyphen
	}
	var norm []byte
	var ends []int
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+6 <= len(s) && s[i+1] == 'u' && isHex(s[i+2:i+6]) {
			i += 6
			continue
		}
		if !idChar(s[i]) && !hyphenAt(i) {
			i++
			continue
		}
		j := i
		norm, ends = norm[:0], ends[:0]
		for j < len(s) {
			if c := s[j]; idChar(c) {
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				norm = append(norm, c)
				j++
			} else if hyphenAt(j) {
				norm = append(norm, '-')
				j += len(hyphen)
			} else {
				break
			}
			ends = append(ends, j)
		}
		k := len(norm)
		for k > 0 && (norm[k-1] == '.' || norm[k-1] == '-') {
			k--
		}
		if k > 0 && ids[string(norm[:k])] {
			fn(i, ends[k-1])
		}
		i = j
	}
}

func isHex[T ~string | ~[]byte](s T) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// mentions warns at every place a document of the edition names an id it
// leaves out: the mention is published redacted (redact).
func mentions(site *link.Site, ids map[string]bool, ed model.Edition) diag.List {
	var diags diag.List
	if len(ids) == 0 {
		return nil
	}
	for _, p := range site.Pages {
		src := string(p.Doc.Src)
		eachID(src, ids, func(i, j int) {
			diags.Warnf(p.Pos(i), "withheld-mention", "%s is left out of edition %s (up to %s): this mention of it is published as %s",
				src[i:j], ed.Name, ed.Max, redacted)
		})
	}
	return diags
}

// redacted is what an edition publishes in place of an id it leaves out.
const redacted = "[not in this edition]"

// redact replaces every id an edition leaves out in the text files the
// build generated (pages, the search index, feeds, drawings): a document
// of the edition may name one in its text or front-matter, and its page,
// history diff and search entry would repeat it. Copied files are the
// authors' own and published as they are.
func redact(tree view.Tree, ids map[string]bool, copied []string) {
	if len(ids) == 0 {
		return
	}
	skip := map[string]bool{}
	for _, c := range copied {
		skip[c] = true
	}
	for u, b := range tree {
		switch path.Ext(u) {
		case ".html", ".json", ".ics", ".svg", ".xml", ".txt", ".csv":
		default:
			continue // scripts and stylesheets (the theme's, Mermaid's) are not made from documents
		}
		if skip[u] {
			continue
		}
		if path.Ext(u) == ".ics" { // lines folded at 75 octets may split an id
			s := string(b)
			lines := strings.Split(strings.ReplaceAll(s, "\r\n ", ""), "\r\n")
			for i, l := range lines {
				lines[i] = currency.Fold(redactText(l, ids))
			}
			if r := strings.Join(lines, "\r\n"); r != s {
				tree[u] = []byte(r)
			}
			continue
		}
		var out []byte // made only when an id is found: most pages have none
		last := 0
		eachID(b, ids, func(i, j int) {
			out = append(append(out, b[last:i]...), redacted...)
			last = j
		})
		if out != nil {
			tree[u] = append(out, b[last:]...)
		}
	}
}

// redactText is s with every id of ids replaced by the redaction mark.
func redactText(s string, ids map[string]bool) string {
	var out []byte
	last := 0
	eachID(s, ids, func(i, j int) {
		out = append(append(out, s[last:i]...), redacted...)
		last = j
	})
	if out == nil {
		return s
	}
	return string(append(out, s[last:]...))
}

// UnknownEditionError is a --edition that isms.yaml does not declare.
type UnknownEditionError struct {
	Name     string
	Declared []string
}

func (e *UnknownEditionError) Error() string {
	if len(e.Declared) == 0 {
		return fmt.Sprintf("edition %q: isms.yaml declares no editions (add editions:, e.g. staff: { max: internal })", e.Name)
	}
	return fmt.Sprintf("edition %q is not declared in isms.yaml: declared are %s", e.Name, strings.Join(e.Declared, ", "))
}

// selectEditions are the editions o asks for: nil for the whole site.
func selectEditions(cfg model.Config, o Options) ([]model.Edition, error) {
	switch {
	case o.AllEditions:
		if len(cfg.Editions) == 0 {
			return nil, &UnknownEditionError{Name: "--all-editions"}
		}
		return cfg.Editions, nil
	case o.Edition != "":
		e, ok := cfg.Edition(o.Edition)
		if !ok {
			return nil, &UnknownEditionError{Name: o.Edition, Declared: cfg.EditionNames()}
		}
		return []model.Edition{e}, nil
	}
	return nil, nil
}

// origin is base_url's scheme and host, "" when it has none.
func origin(base string) string {
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// rootPath is the URL path every link starts with, from base_url.
func rootPath(base string) (string, error) {
	if base == "" {
		return "/", nil
	}
	u, err := url.Parse(base)
	if err != nil {
		return "/", err
	}
	p := u.Path
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p, nil
}

// loadTheme overlays <site>/themes/<name>/ on the embedded default theme.
// With check (nothing rendered) it only reports the theme's errors, and
// the theme is nil.
func loadTheme(site fs.FS, name string, check bool) (*view.Theme, diag.List) {
	var top fs.FS
	if _, err := fs.Stat(site, "themes/"+name); err == nil {
		top, _ = fs.Sub(site, "themes/"+name)
	} else if name != "default" {
		var d diag.List
		d.Errorf(diag.Pos{Path: "isms.yaml"}, "theme", "theme %q not found: no folder themes/%s in the site", name, name)
		if check {
			return nil, d
		}
		t, _ := view.LoadTheme(themes.Default())
		return t, d
	}
	if check {
		return nil, view.CheckTheme(top, themes.Default())
	}
	// view.LoadTheme parses each theme's layouts once per process.
	return view.LoadTheme(themes.Overlay(top, themes.Default()))
}

// diagramRenderer returns the build's diagram layout: the caller's (the
// CLI's keeps drawings on disk in DiagramCacheDir; serve keeps one across
// rebuilds), else the process's, which caches in memory.
func diagramRenderer(o Options) *diagrams.Renderer {
	if o.Diagrams != nil {
		return o.Diagrams
	}
	return sharedDiagrams()
}

// sharedDiagrams lays out the diagrams of every build that brings no
// Renderer of its own, so a site built again in the same process does not
// lay out the same DOT text again: an SVG depends on nothing but its text.
// The generator tests build the sample dozens of times; with a Renderer per
// build, Graphviz's WebAssembly was a sixth of their CPU time.
var sharedDiagrams = sync.OnceValue(func() *diagrams.Renderer { return diagrams.NewRenderer("") })

// HistoryCacheDir is where the CLI keeps a site's git log, and what it
// read and diffed of its old versions, between builds: isms/history in the user's cache
// folder, made 0700 and checked to be a folder of this user's, closed to
// others (it holds the text of every version) — or "" when there is none.
func HistoryCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil || dir == "" {
		return ""
	}
	dir = filepath.Join(dir, "isms", "history")
	if !wasmcache.OwnFolder(dir) {
		return ""
	}
	return dir
}

// DiagramCacheDir is where the CLI keeps laid-out diagrams between builds:
// isms/diagrams in the user's cache folder ($XDG_CACHE_HOME or ~/.cache
// on Linux) — never in the site, which a build does not write — or ""
// (no disk cache) when there is none.
func DiagramCacheDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "isms", "diagrams")
}
