package render

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"maps"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/enrich"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/par"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// Input is what the render stage is given: the linked and enriched site,
// the theme and Markdown renderer, the reports, and the preview's memory.
type Input struct {
	Config   model.Config
	AsOf     model.Date
	Site     *link.Site
	Theme    *view.Theme
	ThemeDir string // where the site's own theme files would be, for messages
	Markdown *markdown.Markdown
	Content  fs.FS    // the content folder, for the files copied as they are
	Assets   []string // those files, relative to Content
	Snapshot bool
	Scripts  []string // extra script URLs in every page (the preview's reload client)
	Commit   string
	Enriched *enrich.Result
	Reports  []report.Report
	Diagrams Layout
	Memo     Memo           // nil: nothing is carried between builds
	Edition  *model.Edition // the audience the site is for; nil = the whole site
	// Lazy, when set, receives the site-wide reports that list their
	// URLs (report.SiteWide and report.Reserver) unpublished, to render
	// on request (the preview); nil = all now.
	Lazy *Deferred
	// Sink, when set, is handed every file as soon as it is rendered and
	// claimed, and the tree keeps only the files read later (those copied
	// from content/ and the theme's): a one-shot build writes its pages
	// as it goes instead of holding them all (isms build). Its Write is
	// called from several goroutines at once; an error fails the build.
	Sink Sink
	// Only, when set, renders the page of that document alone (its
	// Page.Display) and returns a tree of that page: the preview's answer
	// to a save a speculation cannot take, from the site as now saved.
	// The tree is empty when it is not a page of the site, or when what
	// the rest of the render checks could refuse it (a copied or theme
	// file at its URL, a link to a page no document publishes: reports'
	// pages are not made). The whole build that follows has the last
	// word.
	Only string
	// Groups, with Only, are the site's navigation groups when the
	// caller has them (an earlier build's, moved for the page:
	// view.NavData.With), so the site's pages are not grouped again.
	Groups *view.NavData
	// Stopped, when set, is asked before each page is made: once it says
	// true (the build was cancelled: the preview's next save), the pages
	// not made yet are left out, and the caller discards what Site
	// returns.
	Stopped func() bool
}

// Sink takes the files of a build one at a time (a *publish.Stream).
// Write must not keep data after it returns: it may be the theme's
// buffer.
type Sink interface {
	Write(name string, data []byte) error
}

// StreamSink is a sink that writes a file as it is made (report.Page's
// Stream) without holding it whole; for any other sink it is gathered
// first. stream returns write's error or its own.
type StreamSink interface {
	WriteStream(name string, stream func(write func([]byte) error) error) error
}

// Taint is the classification rank of every file of a tree (the
// scheme's index, public 0): the highest of everything the file was made
// from — its document, the documents a report page shows, the
// documents linking to a copied file (the lowest of them: a file is as
// open as the most open document that publishes it; the default
// classification when none does).
type Taint map[string]int

// Layout lays DOT out as SVG ready to inline (a *diagrams.Renderer, with
// the caches its caller chose).
type Layout interface {
	SVG(ctx context.Context, dot []byte) ([]byte, error)
}

// Memo carries bytes from one build to the next (the preview's cache):
// Memo returns the bytes kept under name when they were made from the
// same parts, else make's. The parts name everything the bytes are made
// from: a *link.Page (its source and link destinations), a NavPart, raw
// bytes, and values hashed as JSON (a *view.PageData without its
// navigation and content).
type Memo interface {
	Memo(name string, make func() ([]byte, error), parts ...any) ([]byte, error)
}

// NavPart is a navigation's HTML as a Memo part; a memo may recognise the
// site's one navigation by its address instead of hashing it per page.
type NavPart string

// contentDir is where documents live inside the site folder, for messages.
const contentDir = "content"

// Site is the render stage: every page into an in-memory tree, with each
// file's taint. Every file claims its URL; a second claim is the error
// url-taken, naming both claimants, and the first keeps it.
func Site(in Input) (view.Tree, Taint, diag.List) {
	ri := renderInput{
		cfg: in.Config, asOf: in.AsOf, site: in.Site, theme: in.Theme, themeDir: in.ThemeDir,
		md: in.Markdown, content: in.Content, assets: in.Assets, snapshot: in.Snapshot, scripts: in.Scripts,
		commit: in.Commit, en: in.Enriched, reports: in.Reports, diagrams: in.Diagrams, store: in.Memo,
		edition: in.Edition, taint: Taint{}, lazy: in.Lazy, sink: in.Sink, only: in.Only, groups: in.Groups, stopped: in.Stopped,
	}
	tree, diags := renderSite(ri)
	return tree, ri.taint, diags
}

// rank is a document's classification rank.
func (in *renderInput) rank(p *link.Page) int {
	return in.cfg.Rank(in.cfg.ClassificationOf(p.Doc))
}

// ranks is the highest rank of pages; nil = every document of the site.
func (in *renderInput) ranks(ps []*link.Page) int {
	if ps == nil {
		if in.siteRank != nil {
			return *in.siteRank
		}
		ps = in.site.Pages
	}
	r := 0
	for _, p := range ps {
		r = max(r, in.rank(p))
	}
	return r
}

// assetRank is a copied file's rank: the lowest of the documents that
// link to it, else the default classification's.
func (in *renderInput) assetRank(a string) int {
	users := in.site.AssetUsers[a]
	if len(users) == 0 {
		return in.cfg.Rank(in.cfg.ClassificationOf(&model.Document{}))
	}
	r := in.rank(users[0])
	for _, p := range users[1:] {
		r = min(r, in.rank(p))
	}
	return r
}

// marking is the label a page of rank r is marked with, "" below marking_from.
func (in *renderInput) marking(r int) string {
	if r < in.cfg.MarkingRank() || r < 0 {
		return ""
	}
	return in.cfg.Level(r)
}

// remember is the memo's answer, or make's without one.
func (in *renderInput) remember(name string, make func() ([]byte, error), parts ...any) ([]byte, error) {
	if in.store == nil {
		return make()
	}
	return in.store.Memo(name, make, parts...)
}

type renderInput struct {
	cfg      model.Config
	asOf     model.Date
	site     *link.Site
	theme    *view.Theme
	themeDir string // where the site's own theme files would be, for messages
	md       *markdown.Markdown
	content  fs.FS
	assets   []string
	snapshot bool
	scripts  []string
	commit   string
	en       *enrich.Result
	reports  []report.Report
	diagrams Layout
	edition  *model.Edition
	taint    Taint // filled in as files are claimed
	store    Memo  // document pages whose inputs did not change are not rendered again
	memo     *pageMemo
	files    view.Tree           // the tree as the document pages left it (artefacts are read from it)
	arts     map[string]artefact // a sink build's copied files that documents name as their file, not kept in files
	sv       *view.SiteView
	siteRank *int             // ranks(nil), taken once: every site-wide page asks
	edges    map[string][]int // each document's edges (indices into site.Edges, ascending)
	lazy     *Deferred        // where the site-wide reports go, unpublished; nil = publish them
	sink     Sink             // where pages go as they are made; nil = into the tree
	saved    bool             // rendering a document saved after the build (Deferred.Document)
	only     string           // Input.Only
	groups   *view.NavData    // Input.Groups
	stopped  func() bool      // Input.Stopped
	mains    *mains           // report pages' main blocks made for the copy, for their pages; nil with a memo
}

// stop says whether the render was stopped (Input.Stopped).
func (in *renderInput) stop() bool { return in.stopped != nil && in.stopped() }

// Every file claims its URL. Two claims are an error at the claimant
// that is a file of the site (a document, a copied file, a theme
// override), which is what the author can rename; the first keeps it.
type claimant struct {
	what string
	file bool
}

// artefact is what a document page shows of its file: size and SHA-256.
type artefact struct {
	size int
	sum  [32]byte
}

// copyAssets reads the site's files (evidence, images) side by side and
// claims each, in order, for its URL. Without a sink the tree keeps them;
// with one, each goes to the sink as soon as it is read, and only the
// size and hash of those a document names as its file are kept (at
// 10,000 documents, 2,400 evidence files and 90 MB, which were read,
// written and held one after the other before any page was rendered).
func (in *renderInput) copyAssets(reserve func(string, claimant, int) bool, claim func(string, claimant, []byte, int, bool), sinkErr *error, diags *diag.List) {
	type read struct {
		b   []byte
		art *artefact
		err error
	}
	got := make([]read, len(in.assets))
	if in.only != "" {
		// One page is rendered (a partial build): the files are claimed,
		// to keep the page's URL from them, and not read, but for the one
		// its document names as its file (the page shows its size and
		// hash). Their ranks are no one's to read.
		named := ""
		if i := slices.IndexFunc(in.site.Pages, func(p *link.Page) bool { return p.Display == in.only }); i >= 0 && in.site.Pages[i].Doc.File != "" {
			named = path.Clean(strings.TrimPrefix(in.site.Pages[i].Doc.File, "/"))
		}
		in.arts = map[string]artefact{}
		for _, a := range in.assets {
			if !reserve(a, claimant{contentDir + "/" + a, true}, 0) || a != named {
				continue
			}
			b, err := fs.ReadFile(in.content, a)
			if err != nil {
				diags.Errorf(diag.Pos{Path: contentDir + "/" + a}, "read", "%v", err)
				continue
			}
			in.arts[a] = artefact{size: len(b), sum: sha256.Sum256(b)}
		}
		return
	}
	if in.sink == nil {
		par.Do(len(in.assets), func(i int) { got[i].b, got[i].err = fs.ReadFile(in.content, in.assets[i]) })
		for i, a := range in.assets {
			if got[i].err != nil {
				diags.Errorf(diag.Pos{Path: contentDir + "/" + a}, "read", "%v", got[i].err)
				continue
			}
			claim(a, claimant{contentDir + "/" + a, true}, got[i].b, in.assetRank(a), true)
		}
		return
	}
	named := map[string]bool{} // the files documents name (file:)
	for _, p := range in.site.Pages {
		if f := p.Doc.File; f != "" {
			named[path.Clean(strings.TrimPrefix(f, "/"))] = true
		}
	}
	ok := make([]bool, len(in.assets))
	for i, a := range in.assets {
		ok[i] = reserve(a, claimant{contentDir + "/" + a, true}, in.assetRank(a))
	}
	werrs := make([]error, len(in.assets))
	par.Do(len(in.assets), func(i int) {
		a := in.assets[i]
		b, err := fs.ReadFile(in.content, a)
		if err != nil {
			got[i].err = err
			return
		}
		if named[a] {
			got[i].art = &artefact{size: len(b), sum: sha256.Sum256(b)}
		}
		if ok[i] {
			werrs[i] = in.sink.Write(a, b)
		}
	})
	in.arts = map[string]artefact{}
	for i, a := range in.assets {
		switch {
		case got[i].err != nil:
			diags.Errorf(diag.Pos{Path: contentDir + "/" + a}, "read", "%v", got[i].err)
		case werrs[i] != nil && *sinkErr == nil:
			*sinkErr = werrs[i]
		case got[i].art != nil && ok[i]:
			in.arts[a] = *got[i].art
		}
	}
}

func renderSite(in renderInput) (view.Tree, diag.List) {
	var diags diag.List
	s := in.site
	in.memo = newPageMemo(s.Pages)
	whole := in.ranks(nil)
	in.siteRank = &whole
	in.edges = edgeIndex(s)
	tree := view.Tree{}
	owner := map[string]claimant{}
	var sinkErr error // the first file the sink refused
	put := func(url string, b []byte) {
		if err := in.sink.Write(url, b); err != nil && sinkErr == nil {
			sinkErr = err
		}
	}
	// A URL is a file or a folder, as on disk (publish.Stream): dirs are
	// the folders of the URLs claimed, each with the first claimed in it.
	dirs := map[string]string{}
	// reserve claims url for a file rendered later; with a sink the
	// file goes there, and the tree keeps only its name (nil).
	reserve := func(url string, c claimant, rank int) bool {
		first, taken := owner[url]
		if !taken {
			// The file and folder of one name: the file claimed in a
			// folder of url's, or url claimed in a folder of a file's.
			file, inside := url, ""
			if u, ok := dirs[url]; ok {
				inside = u
			}
			for d := path.Dir(url); inside == "" && d != "."; d = path.Dir(d) {
				if _, ok := owner[d]; ok {
					file, inside = d, url
				}
			}
			if inside != "" {
				fc, ic := owner[file], owner[inside]
				if file == url {
					fc = c
				} else {
					ic = c
				}
				at := fc
				if ic.file && !fc.file {
					at = ic
				}
				pos := diag.Pos{Path: at.what}
				if !at.file {
					pos = diag.Pos{Path: contentDir}
				}
				diags.Errorf(pos, "url-taken", "%s publishes /%s and %s publishes /%s, which needs /%s to be a folder: rename or move %s", fc.what, file, ic.what, inside, file, at.what)
				return false
			}
			owner[url] = c
			tree[url] = nil
			in.taint[url] = rank
			for d := path.Dir(url); d != "."; d = path.Dir(d) {
				if _, ok := dirs[d]; ok {
					break
				}
				dirs[d] = url
			}
			return true
		}
		at, other := c, first
		if first.file && !c.file {
			at, other = first, c
		}
		pos := diag.Pos{Path: at.what}
		if !at.file {
			pos = diag.Pos{Path: contentDir}
		}
		diags.Errorf(pos, "url-taken", "%s and %s both publish /%s: rename or move %s", at.what, other.what, url, at.what)
		return false
	}
	// takenBy says whether url clashes with a claimed file: the same, or
	// one that is a folder of url's or that url is a folder of.
	takenBy := func(url string, files map[string]bool, folders map[string]bool) bool {
		if _, ok := owner[url]; ok || files[url] || folders[url] {
			return true
		}
		if _, ok := dirs[url]; ok {
			return true
		}
		for d := path.Dir(url); d != "."; d = path.Dir(d) {
			if _, ok := owner[d]; ok || files[d] {
				return true
			}
		}
		return false
	}
	// claim claims url for b; with a sink, b goes there at once, and the
	// tree keeps it only if kept (a file docView reads back).
	claim := func(url string, c claimant, b []byte, rank int, kept bool) {
		if !reserve(url, c, rank) {
			return
		}
		if in.sink == nil || kept {
			tree[url] = b
		}
		if in.sink != nil {
			put(url, b)
		}
	}
	file := func(display string) claimant { return claimant{display, true} }
	generated := func(what string) claimant { return claimant{what, false} }
	in.copyAssets(reserve, claim, &sinkErr, &diags)
	static := view.Tree{}
	mermaid := slices.ContainsFunc(s.Pages, func(p *link.Page) bool { return p.MD != nil && p.MD.Mermaid })
	noMermaid := func(u string) bool { return !mermaid && view.MermaidAsset(u) } // no page draws a Mermaid diagram
	if err := in.theme.Static(static, noMermaid); err != nil {
		diags.Errorf(diag.Pos{Path: "themes"}, "theme", "%v", err)
	}
	for _, u := range slices.Sorted(maps.Keys(static)) {
		claim(u, generated("the theme's "+in.themeDir+"/static/"+strings.TrimPrefix(u, "assets/")), static[u], 0, true)
	}
	claim("assets/chroma.css", generated("the syntax-highlighting stylesheet"), markdown.CSS(), 0, true)

	var groups view.NavData
	if in.groups != nil {
		groups = *in.groups
	} else {
		groups = view.Groups(s)
	}
	navs, err := in.navigation(groups, len(s.Pages))
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/_nav.html"}, "theme", "%v", err)
		return nil, diags
	}
	var pagers map[string]*view.Pager
	if in.only == "" {
		pagers = view.Pagers(groups)
	}
	sv := &view.SiteView{
		Title: in.cfg.Title, Organization: in.cfg.Organization, Root: s.Root,
		AsOf: in.asOf.String(), Snapshot: in.snapshot, Commit: in.commit, Nav: navs.Shared(), Scripts: in.scripts,
	}
	if e := in.edition; e != nil {
		sv.Edition, sv.EditionMax = e.Name, e.Max
		if e.Title != "" {
			sv.Title = e.Title
		}
	}
	for _, l := range report.HeaderLinks(in.reports) {
		if in.edition != nil && in.cfg.Rank(in.edition.Max) == 0 {
			break // a public edition reads as a trust centre: its policies, not the ISMS's registers
		}
		sv.Header = append(sv.Header, view.HeaderLink{Title: l.Title, URL: s.Root + l.URL})
	}
	if err := in.frameParts(sv); err != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/_frame.html"}, "theme", "%v", err)
		return nil, diags
	}
	in.sv = sv
	in.files = tree
	if in.store == nil {
		in.mains = &mains{m: map[string]*mainBlock{}}
	}
	r := &lender{in: &in}

	dp := &docPages{in: &in, r: r, groups: groups, navs: navs, pagers: pagers}
	if in.only != "" {
		// The page alone, when nothing the rest of the render checks
		// can refuse it: its URL is free of the files claimed so far
		// (copied, the theme's), and every link it makes to a page not a
		// document's resolves to one of those (a report's pages are not
		// made here: such a link waits for the whole build).
		only := view.Tree{}
		i := slices.IndexFunc(s.Pages, func(p *link.Page) bool { return p.Display == in.only })
		if i < 0 {
			return only, diags
		}
		p := s.Pages[i]
		if takenBy(p.URL+"index.html", nil, nil) || len(unpublished(s, p, tree, nil)) > 0 {
			return only, diags
		}
		dp.pagers = map[string]*view.Pager{p.Href: view.PagerFor(groups, p.Href)}
		b, err := dp.page(p)
		if err != nil {
			diags.Errorf(diag.Pos{Path: p.Display}, "render", "%v", err)
			return nil, diags
		}
		only[p.URL+"index.html"] = b
		return only, diags
	}
	out := make([][]byte, len(s.Pages))
	errs := make([]error, len(s.Pages))
	if in.sink == nil {
		par.Do(len(s.Pages), func(i int) {
			if !in.stop() {
				out[i], errs[i] = dp.page(s.Pages[i])
			}
		})
	} else {
		// Claimed first, in order (so a clash names the same files), then
		// each page goes to the sink as soon as it is rendered.
		ok := make([]bool, len(s.Pages))
		for i, p := range s.Pages {
			ok[i] = reserve(p.URL+"index.html", file(p.Display), in.rank(p))
		}
		werrs := make([]error, len(s.Pages))
		par.Do(len(s.Pages), func(i int) {
			if in.stop() {
				return
			}
			errs[i] = dp.pageTo(s.Pages[i], func(b []byte) error {
				if ok[i] {
					werrs[i] = in.sink.Write(s.Pages[i].URL+"index.html", b)
				}
				return nil
			})
		})
		for _, err := range werrs {
			if err != nil && sinkErr == nil {
				sinkErr = err
			}
		}
	}
	for i, p := range s.Pages {
		if errs[i] != nil {
			diags.Errorf(diag.Pos{Path: p.Display}, "render", "%v", errs[i])
			continue
		}
		if in.sink == nil {
			claim(p.URL+"index.html", file(p.Display), out[i], in.rank(p), false)
		}
	}

	// Every report publishes side by side (in the order newReports lists
	// them); their pages are then rendered side by side, and claimed in
	// list order. Reports read the tree (for artefacts) only while nobody
	// writes it.
	var reserveAll func([]reportPage) []bool
	if in.sink != nil {
		reserveAll = func(jobs []reportPage) []bool {
			ok := make([]bool, len(jobs))
			for k, j := range jobs {
				ok[k] = reserve(j.url, generated("the "+reportName(in.reports[j.rep])+" report"), j.rank)
			}
			return ok
		}
	}
	// The home and not-found pages need nothing the reports publish. A
	// build makes them beside the reports' pages (the home page of 10,000
	// documents takes 140 ms), the preview after them, if not stopped by
	// then (its memo outlives the render); both claim them last.
	homeRank := in.ranks(nil) // its figures come from every register
	var home, notFound []byte
	var homeErr, notFoundErr error
	makeHome := func() {
		hd := &view.PageData{Site: sv, Kind: "home", Title: "Home", Data: homeData(in, groups), Marking: in.marking(homeRank)}
		home, homeErr = in.remember("home", func() ([]byte, error) { return in.theme.Execute("home", hd) }, NavPart(sv.Nav), hd)
		notFound, notFoundErr = in.theme.Execute("404", &view.PageData{Site: sv, Kind: "404", Title: "Page not found"})
	}
	var homeMade sync.WaitGroup
	if in.store == nil {
		homeMade.Go(makeHome)
		defer homeMade.Wait()
	}

	// Reports read every analysis whole: the slow parts that ran beside
	// the document pages (report.Finisher) end here.
	in.en.Wait()
	pages, d := in.publishPages(r, in.reports, func(i int) bool { return in.deferred(in.reports[i]) }, reserveAll)
	diags = append(diags, d...)

	var deferred func(string) bool // a lazy render: links into the deferred pages
	if in.lazy != nil {
		dl := in.lazy
		dl.in, dl.docs = in, dp
		dl.in.stopped = nil // its pages are made after the build, on request
		for i, rep := range in.reports {
			if in.deferred(rep) {
				dl.reps, dl.at = append(dl.reps, rep), append(dl.at, i)
			}
		}
		// A deferred page whose URL another file or report page holds is
		// the build's error, as isms build reports it: the reports that
		// would publish it are made now, and their pages at such URLs
		// claimed in list order with the eager reports' (which fails).
		held, heldDirs := map[string]bool{}, map[string]bool{}
		for _, pg := range pages {
			held[pg.url] = true
			for d := path.Dir(pg.url); d != "." && !heldDirs[d]; d = path.Dir(d) {
				heldDirs[d] = true
			}
		}
		dl.mu.Lock()
		clashing := dl.clash(in.store, func(u string) bool {
			// the home and not-found pages are claimed after the reports
			return takenBy(u, held, heldDirs) || u == "index.html" || u == "404.html"
		})
		diags = append(diags, dl.diags[dl.told:]...)
		dl.told = len(dl.diags)
		dl.mu.Unlock()
		if len(clashing) > 0 {
			pages = append(pages, clashing...)
			slices.SortStableFunc(pages, func(a, b reportPage) int { return a.rep - b.rep })
		}
		deferred = func(rel string) bool {
			// Made now, in the build, only when a document links there:
			// the reports that reserve it, alone.
			dl.mu.Lock()
			defer dl.mu.Unlock()
			_, ok := dl.find(in.store, rel)
			if dl.diags[dl.told:].HasErrors() {
				// The build fails: its problems are isms build's, every
				// deferred report's among them.
				dl.make(in.store, func(int) bool { return true }, true)
			}
			// What went wrong making them is the build's to report.
			diags = append(diags, dl.diags[dl.told:]...)
			dl.told = len(dl.diags)
			return ok
		}
	}
	for _, pg := range pages {
		if pg.err != nil && sinkErr == nil {
			sinkErr = pg.err
		}
		if in.sink == nil {
			claim(pg.url, generated("the "+reportName(in.reports[pg.rep])+" report"), pg.b, pg.rank, false)
		}
	}
	checkPublished(s, tree, deferred, &diags)
	if in.stop() {
		return tree, diags
	}
	if in.store != nil {
		makeHome()
	}
	homeMade.Wait()
	if homeErr != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/home.html"}, "theme", "%v", homeErr)
	} else {
		claim("index.html", generated("the home page"), home, homeRank, false)
	}
	if notFoundErr != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/404.html"}, "theme", "%v", notFoundErr)
	} else {
		claim("404.html", generated("the not-found page"), notFound, 0, false)
	}
	if sinkErr != nil {
		diags.Errorf(diag.Pos{Path: contentDir}, "publish", "writing the site: %v", sinkErr)
	}
	return tree, diags
}

// frameParts executes the theme's frame partials every page shares
// (site-head, site-header, site-drawer) once, with sv (its navigation
// included: a theme may show it in the drawer), into sv.
func (in *renderInput) frameParts(sv *view.SiteView) error {
	for _, part := range []struct {
		name string
		html *template.HTML
	}{{"site-head", &sv.HeadHTML}, {"site-header", &sv.HeaderHTML}, {"site-drawer", &sv.DrawerHTML}} {
		if !in.theme.Defines("home", part.name) {
			continue
		}
		h, err := in.theme.Fragment("home", part.name, sv)
		if err != nil {
			return err
		}
		*part.html = h
	}
	return nil
}

// navigation prepares the document pages' navigation from groups, for a
// site of pages documents: only small sites' pages carry the theme's
// whole "nav" partial (view.NavFullMax).
func (in *renderInput) navigation(groups view.NavData, pages int) (*view.Navs, error) {
	var nav template.HTML
	if pages <= view.NavFullMax {
		navHTML, err := in.remember("nav", func() ([]byte, error) {
			h, err := in.theme.Fragment("home", "nav", groups)
			return []byte(h), err
		}, groups)
		if err != nil {
			return nil, err
		}
		nav = template.HTML(navHTML)
	}
	return view.NewNavs(groups, nav, pages), nil
}

// docPages renders document pages: what every one of them shares.
type docPages struct {
	in     *renderInput
	r      *lender
	groups view.NavData // what navs and pagers were made from
	navs   *view.Navs
	pagers map[string]*view.Pager
}

// page renders p's page, from the memo while its inputs are unchanged.
func (dp *docPages) page(p *link.Page) ([]byte, error) {
	var out []byte
	err := dp.pageTo(p, func(b []byte) error {
		if dp.in.store == nil {
			b = bytes.Clone(b) // the theme's buffer
		}
		out = b
		return nil
	})
	return out, err
}

// pageTo renders p's page and hands it to use. Without a memo, b is the
// theme's buffer, valid only until use returns (a build with a sink
// writes it out at once instead of copying it); with one, the memo's.
func (dp *docPages) pageTo(p *link.Page, use func(b []byte) error) error {
	in := dp.in
	dv := dp.r.View(p)
	site := *in.sv
	if p.MD != nil && p.MD.Mermaid {
		site.Scripts = view.WithMermaid(in.sv.Scripts, in.site.Root)
	}
	data := &view.PageData{
		Site: &site, Kind: "document", Title: p.Doc.Title, URL: p.URL,
		Crumbs: view.Crumbs(p.Doc), Doc: dv, TOC: view.TOC(p.MD.Headings),
		Marking: in.marking(in.rank(p)),
		Pager:   dp.pagers[p.Href],
	}
	// Content and Nav are filled in only once the page is made: a memo
	// key is taken without them.
	fill := func() error {
		body, err := in.body(p)
		if err != nil {
			return err
		}
		data.Content = view.BytesHTML(body)
		site.Nav = dp.navs.For(p.Href)
		return nil
	}
	if in.store == nil {
		if err := fill(); err != nil {
			return err
		}
		return in.theme.ExecuteTo("document", data, use)
	}
	b, err := in.remember("document:"+p.URL, func() ([]byte, error) {
		if err := fill(); err != nil {
			return nil, err
		}
		return in.theme.Execute("document", data)
	}, dp.navs.Key(p.Href), p, data)
	if err != nil {
		return err
	}
	return use(b)
}

// reportPage is one page a report published, rendered.
type reportPage struct {
	rep  int    // the report's index in the list given
	url  string // the file it goes to ("x/" is "x/index.html")
	rank int    // its taint
	b    []byte
	err  error // with a sink: writing it failed
}

// publishPages lets every report of reps that skip does not name publish,
// side by side (in list order), and renders their pages side by side,
// each marked with its classification; a page whose layout fails is a
// theme error and is not returned.
//
// With reserve (a build with a sink), the pages' URLs are claimed in list
// order before any is rendered, and each page goes to the sink as soon
// as it is rendered (if its claim held), its bytes and its source then
// dropped: the pages come back without bytes.
func (in *renderInput) publishPages(r *lender, reps []report.Report, skip func(i int) bool, reserve func([]reportPage) []bool) ([]reportPage, diag.List) {
	var diags diag.List
	pubs := make([][]report.Page, len(reps))
	pubDiags := make([]diag.List, len(reps))
	par.Do(len(reps), func(i int) {
		if skip != nil && skip(i) || in.stop() {
			return
		}
		if pr, ok := reps[i].(report.Publisher); ok {
			pubs[i], pubDiags[i] = pr.Publish(r)
		}
	})
	var jobs []reportPage
	var src []report.Page
	for i := range reps {
		diags = append(diags, pubDiags[i]...)
		for _, pg := range pubs[i] {
			rank := in.ranks(pg.Sources)
			if c := pg.Classification; c != "" {
				rank = max(rank, in.cfg.Rank(c))
			}
			url := pg.URL
			if url == "" || strings.HasSuffix(url, "/") {
				url += "index.html"
			}
			jobs = append(jobs, reportPage{rep: i, url: url, rank: rank})
			src = append(src, pg)
		}
	}
	pubs = nil
	ferrs := make([]error, len(jobs))
	var claimed []bool
	if reserve != nil {
		claimed = reserve(jobs)
	}
	sdiags := make([]diag.List, len(jobs)) // the problems of pages made as they are written
	par.Do(len(jobs), func(k int) {
		if in.stop() {
			return
		}
		if pg := src[k]; pg.Stream != nil && pg.Layout == "" {
			src[k] = report.Page{}
			ss, ok := in.sink.(StreamSink)
			switch {
			case reserve != nil && !claimed[k]:
			case reserve != nil && ok:
				jobs[k].err = ss.WriteStream(jobs[k].url, func(write func([]byte) error) error {
					var err error
					sdiags[k], err = pg.Stream(write)
					return err
				})
			default:
				var b []byte
				sdiags[k], _ = pg.Stream(func(p []byte) error { b = append(b, p...); return nil })
				if reserve == nil {
					jobs[k].b = b
				} else {
					jobs[k].err = in.sink.Write(jobs[k].url, b)
				}
			}
			return
		}
		if reserve == nil {
			jobs[k].b, ferrs[k] = r.page(src[k], in.marking(jobs[k].rank))
			return
		}
		ferrs[k] = r.pageTo(src[k], in.marking(jobs[k].rank), func(b []byte) error {
			if claimed[k] {
				jobs[k].err = in.sink.Write(jobs[k].url, b)
			}
			return nil
		})
		src[k] = report.Page{Layout: src[k].Layout} // written: the print page alone is 135 MB at 10,000 documents
	})
	out := jobs[:0]
	for k, j := range jobs {
		diags = append(diags, sdiags[k]...)
		if ferrs[k] != nil {
			diags.Errorf(diag.Pos{Path: "themes/layouts/" + src[k].Layout + ".html"}, "theme", "%v", ferrs[k])
			continue
		}
		out = append(out, j)
	}
	return out, diags
}

// checkPublished checks the site-absolute links the link stage could not
// resolve ("/soa/#control-5-1", "/assets/style.css") against what the
// build publishes: a page (its folder or its index.html) or a file.
func checkPublished(s *link.Site, tree view.Tree, deferred func(string) bool, diags *diag.List) {
	for _, p := range s.Pages {
		for _, l := range unpublished(s, p, tree, deferred) {
			u, _ := url.Parse(l.Dest)
			diags.Errorf(p.Pos(l.Offset), "broken-link", "link %q: the site publishes nothing at %s", l.Dest, u.Path)
		}
	}
}

// unpublished are p's links to pages not a document's (Page.Published)
// that neither tree nor (when not nil) deferred holds.
func unpublished(s *link.Site, p *link.Page, tree view.Tree, deferred func(string) bool) []markdown.Link {
	var out []markdown.Link
	for _, i := range p.Published {
		l := p.MD.Links[i]
		u, err := url.Parse(l.Dest)
		if err != nil {
			continue // reported by the link stage
		}
		rel := strings.TrimPrefix(u.Path, s.Root)
		if _, ok := tree[rel]; ok {
			continue
		}
		if _, ok := tree[strings.TrimSuffix(rel, "/")+"/index.html"]; ok {
			continue
		}
		if deferred != nil && (deferred(rel) || deferred(strings.TrimSuffix(rel, "/")+"/index.html")) {
			continue
		}
		out = append(out, l)
	}
	return out
}

// reportName is a report's package name ("soa", "history"), for messages.
func reportName(r report.Report) string {
	t := reflect.TypeOf(r)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return path.Base(t.PkgPath())
}

func statusText(d *model.Document) (text, class string) {
	if d.Status == "" {
		return "approved", "approved"
	}
	return d.Status, d.Status
}

// docView flattens a document and what the enrich stages know about it
// into plain strings for the templates.
func docView(in *renderInput, r report.Renderer, p *link.Page, tree view.Tree) *view.DocView {
	d := p.Doc
	s := in.site
	v := &view.DocView{
		ID: d.ID, Title: d.Title, Type: d.Type, TypeTitle: model.TypeTitle(d.Type), Owner: d.Owner,
		Version: d.Version, Status: d.Status, Classification: d.Classification,
		ApprovedBy: d.ApprovedBy, Approved: d.Approved.String(), Reviewed: d.Reviewed.String(),
		Date: d.Date.String(), Phase: d.Phase, Retired: d.IsRetired(), Clauses: d.Clauses,
		Revisions: d.History, URL: s.Root + p.Href,
	}
	v.StatusText, v.StatusClass = statusText(d)
	if c, ok := in.currencyOf(d); ok {
		v.Currency = c.Status
		v.NextReview = c.NextReview.String()
	}
	for _, c := range p.Controls {
		ctl, _ := iso.Lookup(c)
		v.Controls = append(v.Controls, view.ControlView{ID: c, Title: ctl.Title, URL: s.Root + "soa/#" + view.ControlAnchor(c)})
	}
	for _, i := range in.edgesOf(d.ID) {
		e := s.Edges[i]
		if e.To == d.ID {
			v.Inputs = append(v.Inputs, refView(s, e.From, e.Whats))
		}
		if e.From == d.ID {
			v.Outputs = append(v.Outputs, refView(s, e.To, e.Whats))
		}
	}
	if d.File != "" {
		f := path.Clean(strings.TrimPrefix(d.File, "/"))
		art, ok := in.arts[f]
		if !ok {
			var b []byte
			if b, ok = tree[f]; ok {
				art = artefact{size: len(b), sum: sha256.Sum256(b)}
			}
		}
		if ok {
			ext := strings.ToLower(path.Ext(f))
			v.File = &view.FileView{
				Name: path.Base(f), URL: s.Root + link.EscapePath(f), Size: humanSize(art.size),
				SHA256: hex.EncodeToString(art.sum[:]),
				Image:  ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".gif" || ext == ".svg" || ext == ".webp",
			}
		}
	}
	for _, rep := range in.reports {
		if a, ok := rep.(report.Annotator); ok {
			a.Annotate(r, p, v)
		}
	}
	return v
}

// currencyOf is d's currency: the build's, or on a page rendered after
// the build for a document saved since (Deferred.Document) worked out
// again from d, whose review dates may have moved.
func (in *renderInput) currencyOf(d *model.Document) (currency.Info, bool) {
	if in.saved {
		if d.IsRetired() {
			return currency.Info{}, false // as enrich.Start: no currency for a retired document
		}
		return currency.Of(d, in.cfg, in.asOf), true
	}
	c, ok := in.en.Input.Currency[d.Path]
	return c, ok
}

// edgeIndex lists each document's process edges, by id, in the site's
// order: a document page looks up its own instead of scanning them all
// (O(documents × edges) per build otherwise).
func edgeIndex(s *link.Site) map[string][]int {
	idx := map[string][]int{}
	for i, e := range s.Edges {
		idx[e.From] = append(idx[e.From], i)
		if e.To != e.From {
			idx[e.To] = append(idx[e.To], i)
		}
	}
	return idx
}

// edgesOf are the indices of the edges from or to id, ascending.
func (in *renderInput) edgesOf(id string) []int {
	if in.edges == nil {
		return edgeIndex(in.site)[id]
	}
	return in.edges[id]
}

func refView(s *link.Site, id string, whats []string) view.RefView {
	if s.Withheld(id) {
		return view.RefView{Title: report.NotInEdition, Whats: whats}
	}
	r := view.RefView{ID: id, Title: id, Whats: whats}
	if p, ok := s.ByID[id]; ok {
		r.Title, r.URL = p.Doc.Title, s.Root+p.Href
	}
	return r
}

func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// HomeData is what home.html sees as .Data.
type HomeData struct {
	TrustCentre *TrustCentre // a public edition's home page: this and nothing else
	Scope       template.HTML
	Manual      *view.RefView
	Health      []view.Tile
	Engine      []PDCAStep // the PDCA panel; empty when no report gave it a tile
	ByType      []view.NavGroup
	ByClause    []view.NavGroup
}

// PDCAStep is one step of the home page's PDCA panel: the tiles the
// reports gave it, and the step's state — the worst of theirs.
type PDCAStep struct {
	Phase, Title, Question, Class string
	Tiles                         []view.Tile
}

// pdcaSteps are the panel's steps and what each asks of the records.
var pdcaSteps = []PDCAStep{
	{Phase: "plan", Title: "Plan", Question: "Risks assessed and within appetite?"},
	{Phase: "do", Title: "Do", Question: "Treatment and corrective actions on time?"},
	{Phase: "check", Title: "Check", Question: "Audited, monitored, objectives measured?"},
	{Phase: "act", Title: "Act", Question: "Nonconformities closed and reviewed at the top?"},
}

// engine groups the reports' phase tiles into the PDCA panel.
func engine(tiles []view.Tile) []PDCAStep {
	rank := map[string]int{"ok": 0, "": 0, "warn": 1, "bad": 2}
	var out []PDCAStep
	some := false
	for _, st := range pdcaSteps {
		st.Class = "ok"
		for _, t := range tiles {
			if t.Phase != st.Phase {
				continue
			}
			st.Tiles = append(st.Tiles, t)
			if rank[t.Class] > rank[st.Class] {
				st.Class = t.Class
			}
		}
		if len(st.Tiles) == 0 {
			st.Class = "none"
		} else {
			some = true
		}
		out = append(out, st)
	}
	if !some {
		return nil
	}
	return out
}

// TrustCentre is a public edition's home page: the certificate isms.yaml
// declares and the policies the edition publishes.
type TrustCentre struct {
	Certification       *model.Certification
	Status, StatusClass string // "valid" / "expired" as of the build's date, "not certified"
	Issued, ValidUntil  string
	Policies            []view.RefView
}

// trustCentre is the home page of an edition whose max is the scheme's
// lowest level, else nil.
func trustCentre(in renderInput) *TrustCentre {
	if in.edition == nil || in.cfg.Rank(in.edition.Max) != 0 {
		return nil
	}
	tc := &TrustCentre{Certification: in.cfg.Certification, Status: "not certified", StatusClass: "none"}
	if c := tc.Certification; c != nil {
		tc.Issued, tc.ValidUntil = c.Issued.String(), c.ValidUntil.String()
		switch {
		case c.ValidUntil.IsZero():
			tc.Status, tc.StatusClass = "certified", "current"
		case c.ValidUntil.Before(in.asOf):
			tc.Status, tc.StatusClass = "expired", "overdue"
		default:
			tc.Status, tc.StatusClass = "valid", "current"
		}
	}
	for _, p := range in.site.Pages {
		if p.Doc.Type == "policy" && !p.Doc.IsRetired() {
			tc.Policies = append(tc.Policies, refView(in.site, p.Doc.ID, nil))
		}
	}
	return tc
}

func homeData(in renderInput, groups view.NavData) *HomeData {
	s := in.site
	if tc := trustCentre(in); tc != nil {
		return &HomeData{TrustCentre: tc}
	}
	h := &HomeData{ByType: groups.ByType, ByClause: groups.ByClause}
	manual := homeManual(s)
	if manual != nil {
		h.Scope = template.HTML("<p>" + template.HTMLEscapeString(manual.MD.Lead) + "</p>")
	}
	if manual != nil {
		r := refView(s, manual.Doc.ID, nil)
		h.Manual = &r
	}
	counts := map[string]int{}
	for _, c := range in.en.Input.Currency {
		counts[c.Status]++
	}
	cur := s.Root + "currency/"
	h.Health = []view.Tile{
		{Label: "documents current", Class: "ok", URL: cur + "?status=" + currency.Current + "#documents", Value: counts[currency.Current]},
		{Label: "due for review soon", Class: "warn", URL: cur + "?status=" + currency.DueSoon + "#documents", Value: counts[currency.DueSoon]},
		{Label: "overdue for review", Class: "bad", URL: cur + "?status=" + currency.Overdue + "#documents", Value: counts[currency.Overdue]},
		{Label: "never reviewed", Class: "bad", URL: cur + "?status=" + currency.NeverReviewed + "#documents", Value: counts[currency.NeverReviewed]},
	}
	var phased []view.Tile
	for _, t := range in.en.Tiles {
		t.URL = s.Root + t.URL
		if t.Phase != "" {
			phased = append(phased, t)
			continue
		}
		h.Health = append(h.Health, t)
	}
	h.Engine = engine(phased)
	return h
}

// homeManual is the manual whose first paragraph the home page shows.
func homeManual(s *link.Site) *link.Page {
	for _, p := range s.Pages {
		if p.Doc.Type == "manual" && !p.Doc.IsRetired() {
			return p
		}
	}
	return nil
}
