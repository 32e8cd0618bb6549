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
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/yuin/goldmark"

	"github.com/isms-project/isms/diagrams"
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
	Config   model.Config
	AsOf     model.Date
	Site     *link.Site
	Tree     view.Tree // nil when the build failed
	Commit   string    // source commit, when the site is in git
	Findings []model.Finding
	Currency map[string]currency.Info // by content path; retired documents excluded
	Diags    diag.List                // sorted
}

// contentDir is where documents live inside the site folder.
const contentDir = "content"

// Build runs the pipeline. Cancelling ctx stops it between stages (and
// git at once): it then returns ctx's error and no tree.
func Build(ctx context.Context, o Options) (*Result, error) {
	res := &Result{}
	var diags diag.List
	o.Cache.begin(o)
	defer func() { o.Cache.end(ctx.Err() == nil) }() // a stopped build used too little to judge what is stale
	defer func() { diags.Sort(); res.Diags = diags }()

	histSrc := history.Source{Prev: o.Cache.history(), Reader: o.History}
	if o.SiteDir != "" {
		histSrc.Dir, histSrc.Content = o.SiteDir, contentDir
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
	src, d := load.ReadLimited(content, contentDir+"/", load.Limits{Markdown: cfg.MaxMarkdownSize, File: cfg.MaxFileSize})
	diags = append(diags, d...)
	paths := make([]string, len(src.Docs))
	for i, d := range src.Docs {
		paths[i] = d.Path
	}
	histCtx, stopHistory := context.WithCancel(ctx)
	if !o.NoRender {
		hist.Prefetch(histCtx, paths) // git works while we parse
	}
	defer func() {
		stopHistory() // a build that stops early does not wait for git
		hist.Wait()
	}()
	dr := diagramRenderer(o)
	md := markdown.New(markdown.Options{UnsafeHTML: cfg.UnsafeHTML, Extensions: []goldmark.Extender{diagrams.Fence(dr)}})
	pages := make([]*link.Page, len(src.Docs))
	perDoc := make([]diag.List, len(src.Docs))
	par.Do(len(src.Docs), func(i int) {
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
	if err := ctx.Err(); err != nil {
		return res, err
	}
	var ok []*link.Page
	failed := map[string]string{} // documents that could not be decoded, and the id they seem to have
	for i := range pages {
		diags = append(diags, perDoc[i]...)
		if pages[i] != nil {
			ok = append(ok, pages[i])
		} else {
			failed[src.Docs[i].Path] = model.GuessID(src.Docs[i].Data)
		}
	}
	site, d := link.Link(ok, src.Assets, link.Options{
		Root: root, NormalizeControl: iso.Normalize, ClosestControl: iso.Closest, Failed: failed,
	})
	diags = append(diags, d...)
	res.Site = site

	theme, d := o.Cache.theme(func() (*view.Theme, diag.List) { return loadTheme(o.Site, cfg.Theme) })
	diags = append(diags, d...)
	if diags.HasErrors() {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}

	en, d := enrich.Run(cfg, res.AsOf, site, schema, reports)
	diags = append(diags, d...)
	en.Input.History = hist.Revisions // analysed: other reports' pages may read the history now
	res.Findings = en.Findings
	res.Commit = hist.Commit()
	res.Currency = en.Input.Currency
	if st := hist.State(); st != nil {
		o.Cache.setHistory(st)
	}
	if diags.HasErrors() || o.NoRender {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}

	in := render.Input{
		Config: cfg, AsOf: res.AsOf, Site: site, Theme: theme, ThemeDir: "themes/" + cfg.Theme, Markdown: md,
		Content: content, Assets: src.Assets, Snapshot: o.Snapshot, Scripts: o.Scripts, Commit: res.Commit,
		Enriched: en, Reports: reports, Diagrams: dr,
	}
	if o.Cache != nil {
		in.Memo = o.Cache
	}
	tree, d := render.Site(in)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	res.Tree = tree
	return res, nil
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
func loadTheme(site fs.FS, name string) (*view.Theme, diag.List) {
	var top fs.FS
	if _, err := fs.Stat(site, "themes/"+name); err == nil {
		top, _ = fs.Sub(site, "themes/"+name)
	} else if name != "default" {
		var d diag.List
		d.Errorf(diag.Pos{Path: "isms.yaml"}, "theme", "theme %q not found: no folder themes/%s in the site", name, name)
		t, _ := view.LoadTheme(themes.Default())
		return t, d
	}
	return view.LoadTheme(themes.Overlay(top, themes.Default()))
}

// diagramRenderer returns the build's diagram layout: the caller's (the
// CLI's keeps drawings on disk in DiagramCacheDir; serve keeps one across
// rebuilds), else one that caches in memory for this build only.
func diagramRenderer(o Options) *diagrams.Renderer {
	if o.Diagrams != nil {
		return o.Diagrams
	}
	return diagrams.NewRenderer("")
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
