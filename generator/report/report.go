// Package report is the contract between the build pipeline and the ISMS
// views that grow it: the currency report, the process map, the
// Statement of Applicability, the evidence index, version history, the
// printable manual, search — and every view added later.
//
// A report is everything one view adds to a build:
//
//   - its analysis of the linked site (Analyze): findings and diagnostics,
//     computed once per build from read-only input;
//   - its pages and files (Publisher), rendered through what the render
//     stage lends it (Renderer), each claiming its URL;
//   - optionally a link in the site header (Linker), a section on every
//     document page (Annotator), and front-matter keys it owns
//     (Sectioner), decoded as strictly as the document's own.
//
// Each report is one package under generator/report/<name>/, and the
// build lists them, in order, in one place (generator/build.go). A build
// makes a fresh value of every report, so a report may keep what Analyze
// found for its pages; nothing a report is given may be changed.
// Adding a report never edits another report.
package report

import (
	"cmp"
	"html/template"
	"slices"
	"sync"

	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/view"
)

// Input is what every report analyses: the linked site and the facts
// the enrich stage computed for it. It is shared by every report and
// must not be changed.
type Input struct {
	Config   model.Config
	AsOf     model.Date
	Site     *link.Site
	Currency map[string]currency.Info // by content path; retired documents excluded
	Records  Records                  // the records every section declares (risks, actions, …)
	// History is each document's committed changes, newest first, by
	// content path (nil outside version control). The history report reads
	// them while the reports analyse, so it is there for Publish only.
	History func(path string) []Revision
}

// Revision is one commit that changed a document.
type Revision struct {
	Date, Short, Author, Subject string // Date: YYYY-MM-DD
}

// Report is one ISMS view. Analyze runs once per build, after the site
// is linked and before anything is rendered; the findings of every
// report are gathered in list order and sorted once.
type Report interface {
	Analyze(in *Input) ([]model.Finding, diag.List)
}

// Finisher is a report whose analysis has a slow part that document
// pages do not need (the history's diffs of every old version): Analyze
// returns once what Annotate reads is known, and Finish waits for the
// rest and gives the findings and diagnostics that need it. A build that
// writes pages as it renders them (render.Input.Sink) renders document
// pages while the slow part runs and calls Finish before any report
// publishes (enrich.Result.Wait); every other build calls it right after
// Analyze. Annotate may run before Finish; Publish and the report's own
// accessors for its findings only after.
type Finisher interface {
	Finish() ([]model.Finding, diag.List)
}

// Publisher is a report with pages or files to publish.
type Publisher interface {
	Publish(r Renderer) ([]Page, diag.List)
}

// SiteWide is a publisher whose pages are drawn from every document (the
// auditor's copy, the search index, every history page, currency) or
// cost more than a save may (the process map, laid out by Graphviz): a
// body edit changes the former, an edit of a process's inputs the
// latter. The preview (render.Input.Lazy) publishes those that list
// their URLs (Reserver) when a browser first asks for one, not on every
// save.
type SiteWide interface {
	Publisher
	SiteWide()
}

// Linker is a report with an entry in the site header.
type Linker interface {
	HeaderLink() Link
}

// Reserver is a site-wide report that can list, without publishing,
// every URL it may publish (relative to the root, as
// "x/history/index.html"). Only such a report is deferred in a lazy
// render (the preview's): a page asked for is made with the reports that
// reserve it alone, a URL nobody reserves makes nothing, and where a
// file of the build or another report holds a reserved URL the report is
// made there and then, so that the clash is the error isms build
// reports. A page the report publishes but did not list is not served
// by the preview.
type Reserver interface {
	Reserves(s *link.Site) []string
}

// Embedder is a publisher whose pages show other reports' pages (the
// auditor's copy holds the SoA, currency and the process map, through
// their Published): when it is published alone (the preview's deferred
// pages), those are published with it, so that what went wrong drawing
// them is reported as a build of everything would.
type Embedder interface {
	Embeds() []Report
}

// Annotator is a report that adds to every document page's view (the
// process neighbourhood diagram, the "last changed" line). It knows a
// page by its Doc.Path, never by the pointer: the preview renders a
// saved page as a copy of the analysed one with the new text
// (generator.Result.Speculate).
type Annotator interface {
	Annotate(r Renderer, p *link.Page, v *view.DocView)
}

// Sectioner is a report that owns top-level front-matter keys: the
// decoder accepts them (and suggests them for typos) and hands their YAML
// to the section's Decode, positions and all. Their values are in each
// Document's Sections, by key.
type Sectioner interface {
	Sections() []model.Section
}

// Configurer is a report that owns top-level keys of isms.yaml (the risk
// register's risk: block); their values are in Config.Sections, by key.
type Configurer interface {
	ConfigSections() []model.Section
}

// Schema is the front-matter and isms.yaml schema of a build with these
// reports.
func Schema(reports []Report) *model.Schema {
	var secs, cfg []model.Section
	for _, r := range reports {
		if s, ok := r.(Sectioner); ok {
			secs = append(secs, s.Sections()...)
		}
		if c, ok := r.(Configurer); ok {
			cfg = append(cfg, c.ConfigSections()...)
		}
	}
	return model.NewSchema(secs...).WithConfig(cfg...)
}

// Eventer is a report with dates for the review calendar, /reviews.ics
// (an action's due date, an exception's expiry), known after Analyze.
// An event's URL is relative to the site root ("risks/#R-01"); the feed
// makes it absolute when base_url is.
type Eventer interface {
	Events() []currency.Event
}

// Tiler is a report with figures for the home page's ISMS health
// summary (known after Analyze); each tile's URL is relative to the root.
type Tiler interface {
	Tiles() []view.Tile
}

// Link is a header entry. Weight orders the header (lightest first),
// as menu weights do in Hugo; URL is relative to the site root.
type Link struct {
	Title, URL string
	Weight     int
}

// HeaderLinks collects the header entries of reports, ordered by weight
// then title.
func HeaderLinks(reports []Report) []Link {
	var out []Link
	for _, r := range reports {
		if l, ok := r.(Linker); ok {
			out = append(out, l.HeaderLink())
		}
	}
	slices.SortStableFunc(out, func(a, b Link) int { return cmp.Or(cmp.Compare(a.Weight, b.Weight), cmp.Compare(a.Title, b.Title)) })
	return out
}

// Page is one file a report publishes. A page with a Layout is executed
// in the theme's frame (header, navigation, footer) with Data as .Data
// and is written at URL + "index.html" when URL ends in "/"; a page
// without one is Bytes, published as they are at URL.
type Page struct {
	URL     string // relative to the site root: "soa/" or "currency.json"
	Layout  string // theme layout (layouts/<Layout>.html); "" for Bytes
	Kind    string // the page kind templates and CSS see; default Layout
	Title   string
	Crumbs  []view.Crumb // nil: none
	Data    any
	Scripts []string // extra scripts, relative to the root
	Bytes   []byte
	// Stream, for a page without a Layout too big to hold whole (the
	// print page, 135 MB at 10,000 documents), makes the page: it hands
	// write the page's bytes in order as it makes them, and returns the
	// page's problems and write's first error, which ends it. A build
	// writing files as it goes writes the bytes as they come; any other
	// gathers them. write must not keep the bytes it is handed after it
	// returns (the maker reuses them). A page without a Layout has Bytes
	// or Stream.
	Stream func(write func([]byte) error) (diag.List, error) `json:"-"`
	// Sources are the documents whose content the page shows: the page
	// is classified as the highest of them (nil = every document of the
	// build, which is what a page drawn from the whole site is), and at
	// least as Classification when that is set (a history page showing an
	// older, higher-classified version).
	Sources        []*link.Page
	Classification string
}

// Crumbs are the breadcrumbs of a site-wide page: Home › title.
func Crumbs(title string) []view.Crumb {
	return []view.Crumb{{Title: "Home", URL: ""}, {Title: title}}
}

// Renderer is what the render stage lends a report while it publishes:
// the finished analysis of the whole build and the means to render.
// Everything it returns is memoised for the build, and cached across
// builds by the preview server, keyed by the inputs named.
type Renderer interface {
	// Input is what Analyze saw; Findings is every report's findings, sorted.
	Input() *Input
	Findings() []model.Finding
	// Events are every Eventer's dates, in report order.
	Events() []currency.Event
	// Ref links the document with id (Title = id, no URL when unknown).
	Ref(id string) view.RefView
	// View is the document page's view; Body its rendered Markdown.
	View(p *link.Page) *view.DocView
	Body(p *link.Page) ([]byte, error)
	// Has reports whether the theme has a layout.
	Has(layout string) bool
	// Frame renders p in the theme's frame, as Publish's pages are (for
	// a report that post-processes its page, like print).
	Frame(p Page) ([]byte, error)
	// Expect says Frame will be asked for p while p is published as a
	// page of its own, possibly at the same time (the auditor's copy
	// framing the SoA beside the SoA's page): the main block the two
	// share is then made once, by whichever comes first. Call it before
	// Publish returns.
	Expect(p Page)
	// Fragment executes the partial name of layout with data, reusing the
	// previous build's bytes when data (as JSON) and big are unchanged.
	Fragment(key, layout, name string, data any, big []byte) ([]byte, error)
	// FragmentTo is Fragment handing the bytes to use; without a memo
	// (isms build) they are the theme's buffer, valid only until use
	// returns, and not copied.
	FragmentTo(key, layout, name string, data any, big []byte, use func(b []byte)) error
	// Memo returns make's bytes, reused across builds while key and data
	// (as JSON) are unchanged.
	Memo(key string, data any, make func() ([]byte, error)) ([]byte, error)
	// Diagram lays out DOT into inline SVG through the build's layout.
	Diagram(dot []byte) (template.HTML, error)
}

// Published memoises a report's Publish for the build, so that another
// report (the auditor's copy, /print/) can show its page without making
// it twice: whichever asks first makes the pages, the other waits.
type Published struct {
	once  sync.Once
	pages []Page
	diags diag.List
}

// Do returns make's pages, made on the first call.
func (p *Published) Do(make func() ([]Page, diag.List)) ([]Page, diag.List) {
	p.once.Do(func() { p.pages, p.diags = make() })
	return p.pages, p.diags
}

// Printed is the page at url among what Do made (false: none).
func (p *Published) Printed(url string) (Page, bool) {
	for _, pg := range p.pages {
		if pg.URL == url && pg.Layout != "" {
			return pg, true
		}
	}
	return Page{}, false
}
