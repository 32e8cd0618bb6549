package render

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// Deferred holds what a lazy render (Input.Lazy) left out: the pages of
// the site-wide reports that list what they may publish (report.SiteWide
// and report.Reserver), published and rendered when first asked for from
// the finished build's state — the same code, the same memo keys, so the
// same bytes as an eager build. The preview asks for them when a browser
// does: a save then costs what the edit changes, not /print/, the search
// index, the process map and every history page. A page asked for is made
// with the reports that reserve its URL alone (Page): a browser on the
// process map does not wait for the auditor's copy, and a URL nobody
// reserves makes nothing.
type Deferred struct {
	in   renderInput // the build's, with its own memo store
	docs *docPages   // the build's document pages, for Document
	reps []report.Report
	at   []int // each deferred report's index in the build's list

	mu       sync.Mutex
	reserved map[string][]int // by URL: the reports that reserve it, in list order (reservations)
	made     []bool           // by index in reps: published and rendered
	pages    [][]reportPage   // what each made report rendered, in its order
	diags    diag.List        // the problems of making them, as they were made
	told     int              // how many of diags Page has returned
	done     atomic.Bool      // every report made: tree is final
	tree     view.Tree
}

// deferred says whether rep is left to Deferred in this render: a
// site-wide report that says which URLs it may publish, so that a lazy
// build can still refuse what an eager one refuses (clash). Any other
// report is made in the build.
func (in *renderInput) deferred(rep report.Report) bool {
	if in.lazy == nil {
		return false
	}
	_, wide := rep.(report.SiteWide)
	_, lists := rep.(report.Reserver)
	return wide && lists
}

// Done says whether every deferred page was made: Pages and Page no
// longer use a store.
func (d *Deferred) Done() bool { return d.done.Load() }

// Pages publishes and renders the deferred reports not made yet, with
// store as the memo (nil: none), and returns their files — less any URL
// the build's tree or an earlier report already holds — and the
// diagnostics of making them. Safe for concurrent use; the tree returned
// is never written again.
func (d *Deferred) Pages(store Memo) (view.Tree, diag.List) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.makeAll(store)
	return d.tree, d.diags
}

// Page is the deferred file at url (relative to the root, as in
// view.Tree), made with the reports that reserve url alone, one at a
// time in list order, until one publishes it; diags are the problems of
// making the deferred pages no earlier call returned. A URL two deferred
// reports both publish is the build's error (clash). Safe for
// concurrent use.
func (d *Deferred) Page(store Memo, url string) (b []byte, diags diag.List, found bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	b, found = d.find(store, url)
	if d.diags[d.told:].HasErrors() { // the build fails: its problems are isms build's, every deferred report's
		d.make(store, func(int) bool { return true }, true)
	}
	diags = slices.Clone(d.diags[d.told:])
	d.told = len(d.diags)
	return b, diags, found
}

// find is Page without the diagnostics.
func (d *Deferred) find(store Memo, url string) ([]byte, bool) {
	if d.done.Load() {
		b, found := d.tree[url]
		return b, found
	}
	for _, i := range d.reservations()[url] {
		d.make(store, d.with(i), true)
		if b, ok := d.lookup(i, url); ok {
			return b, true
		}
	}
	return nil, false
}

// reservations are the URLs the deferred reports may publish
// (report.Reserver), each with the reports that reserve it in list
// order; listed once, on first use.
func (d *Deferred) reservations() map[string][]int {
	if d.reserved == nil {
		d.reserved = map[string][]int{}
		for i, rep := range d.reps {
			for _, u := range rep.(report.Reserver).Reserves(d.in.site) {
				if u == "" || strings.HasSuffix(u, "/") { // as publishPages names a page
					u += "index.html"
				}
				if l := d.reserved[u]; len(l) == 0 || l[len(l)-1] != i {
					d.reserved[u] = append(l, i)
				}
			}
		}
	}
	return d.reserved
}

// Reserved says whether a deferred report may publish url (a path as
// in view.Tree, "x/index.html"): a page a document there would clash
// with. Safe for concurrent use once the build has returned (it listed
// the reservations, and they never change); true when it did not.
func (d *Deferred) Reserved(url string) bool {
	if d == nil {
		return false
	}
	if d.reserved == nil {
		return len(d.reps) > 0
	}
	return len(d.reserved[url]) > 0
}

// with says which reports are made with report i: i, and the deferred
// reports it embeds (report.Embedder).
func (d *Deferred) with(i int) func(int) bool {
	want := map[int]bool{i: true}
	if e, ok := d.reps[i].(report.Embedder); ok {
		for _, part := range e.Embeds() {
			for j, rep := range d.reps {
				if sameReport(rep, part) {
					want[j] = true
				}
			}
		}
	}
	return func(j int) bool { return want[j] }
}

// sameReport says whether a and b are the same report. A report passed
// by value may be of a type == panics on (a slice field, or an interface
// field holding one): it is then no other report.
func sameReport(a, b report.Report) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

// make publishes and renders, side by side, the reports want names that
// are not made yet. With tell, a URL one of them publishes twice is
// reported as an eager build reports it (its second claim fails); the
// build's clash check claims those it makes itself.
func (d *Deferred) make(store Memo, want func(i int) bool, tell bool) {
	if d.made == nil {
		d.made, d.pages = make([]bool, len(d.reps)), make([][]reportPage, len(d.reps))
	}
	any := false
	for i := range d.reps {
		any = any || !d.made[i] && want(i)
	}
	if !any {
		return
	}
	in := d.in
	in.store = store
	skip := func(i int) bool { return d.made[i] || !want(i) }
	pages, diags := in.publishPages(&lender{in: &in}, d.reps, skip, nil)
	d.diags = append(d.diags, diags...)
	for _, pg := range pages {
		d.pages[pg.rep] = append(d.pages[pg.rep], pg)
	}
	for i := range d.reps {
		if !d.made[i] && want(i) && tell {
			seen := map[string]bool{}
			for _, pg := range d.pages[i] {
				if seen[pg.url] {
					name := "the " + reportName(d.reps[i]) + " report"
					d.diags.Errorf(diag.Pos{Path: contentDir}, "url-taken", "%s and %s both publish /%s: rename or move %s", name, name, pg.url, name)
				}
				seen[pg.url] = true
			}
		}
		d.made[i] = d.made[i] || want(i)
	}
}

// clash finds the deferred pages an eager build would refuse: each
// deferred report that reserves a URL held (a file of the build or an
// eager report's page) or reserved by another deferred report is made,
// and the pages it publishes at such a URL are returned, with rep their
// report's index in the build's list, for the caller to claim in list
// order as an eager build does (the claims fail: url-taken). Once one is
// found every deferred report is made, so that their problems are
// reported too, as an eager build reports them. Nothing is made when no
// URL is held, as on every build of a site whose documents stay off the
// reports' URLs.
func (d *Deferred) clash(store Memo, held func(url string) bool) []reportPage {
	suspect := map[int]bool{}
	for u, reps := range d.reservations() {
		if len(reps) > 1 || held(u) {
			for _, i := range reps {
				suspect[i] = true
			}
		}
	}
	if len(suspect) == 0 {
		return nil
	}
	d.make(store, func(i int) bool { return suspect[i] }, false) // the caller claims what clashes
	published := map[string]int{}                                // by URL: how many made deferred reports publish it
	for i := range d.reps {
		for _, pg := range d.pages[i] {
			published[pg.url]++
		}
	}
	var out []reportPage
	for i := range d.reps {
		for _, pg := range d.pages[i] {
			if published[pg.url] > 1 || held(pg.url) {
				pg.rep = d.at[i]
				out = append(out, pg)
			}
		}
	}
	if len(out) > 0 || d.diags.HasErrors() {
		d.make(store, func(int) bool { return true }, true)
	}
	return out
}

// makeAll makes the reports not made yet and, once, the tree of them
// all: every report's pages in list order, a URL the build's tree or an
// earlier report holds reported instead.
func (d *Deferred) makeAll(store Memo) {
	if d.done.Load() {
		return
	}
	d.make(store, func(int) bool { return true }, true)
	d.tree = view.Tree{}
	for _, pages := range d.pages {
		own := make(map[string]bool, len(pages))
		for _, pg := range pages {
			_, built := d.in.files[pg.url]
			if own[pg.url] {
				continue // the same report's second page there: told as it was made
			}
			own[pg.url] = true
			if _, taken := d.tree[pg.url]; taken || built {
				d.diags.Errorf(diag.Pos{Path: contentDir}, "url-taken", "the %s report and another file both publish /%s", reportName(d.reps[pg.rep]), pg.url)
				continue
			}
			d.tree[pg.url] = pg.b
		}
	}
	d.pages = nil // the tree holds them
	d.done.Store(true)
}

// lookup finds url among the pages report i made, unless the build's
// tree or a report before it holds it.
func (d *Deferred) lookup(i int, url string) ([]byte, bool) {
	if !d.made[i] {
		return nil, false
	}
	if _, built := d.in.files[url]; built {
		return nil, false
	}
	for j := range i {
		for _, pg := range d.pages[j] {
			if pg.url == url {
				return nil, false
			}
		}
	}
	for _, pg := range d.pages[i] {
		if pg.url == url {
			return pg.b, true
		}
	}
	return nil, false
}

// Standalone says whether the page of p, a document of the finished
// build, shows its front-matter only where Document makes it again (its
// heading, title, breadcrumbs, document control, revision table,
// navigation and pager; a process's neighbourhood drawing, whose own
// node the processes report draws from the page's document): not when
// a report added a part to it (a register's records, the exceptions
// granted against a policy) or it names itself among its inputs or
// outputs.
func (d *Deferred) Standalone(p *link.Page) bool {
	if d == nil || d.docs == nil {
		return false
	}
	v := d.docs.r.View(p)
	self := func(r view.RefView) bool { return r.ID == p.Doc.ID }
	return len(v.Sections) == 0 && !slices.ContainsFunc(v.Inputs, self) && !slices.ContainsFunc(v.Outputs, self)
}

// Groups are the build's navigation groups (ok false for a build that
// rendered no document pages).
func (d *Deferred) Groups() (view.NavData, bool) {
	if d == nil || d.docs == nil {
		return view.NavData{}, false
	}
	return d.docs.groups, true
}

// Document renders the page of p, a document of the finished build
// changed after it (its parse replaced, everything the link stage gave it
// kept), as that build would have rendered it, with no memo: the
// preview's answer to a save while the site is built again. The page is
// exact when the change reaches no other page (its links, headings and
// front-matter as they were, but for what the page alone shows); the
// build that follows says otherwise. A new title, badge (its status) or
// list of clauses moves or changes the document's entries in the
// navigation: the page's navigation and pager are made again, with it
// in its new places. Other inputs or outputs give the page the edges
// the build will draw (link.Site.EdgesWith); an error when it would
// draw none for one of them.
func (d *Deferred) Document(p *link.Page) ([]byte, error) {
	if d == nil || d.docs == nil {
		return nil, errors.New("render: no build to render a document with")
	}
	in := *d.docs.in
	in.store, in.saved, in.stopped = nil, true, nil
	dp := *d.docs
	dp.in, dp.r = &in, &lender{in: &in}
	if old := in.site.ByPath[p.Doc.Path]; old != nil && (!sameRefs(old.Doc.Inputs, p.Doc.Inputs) || !sameRefs(old.Doc.Outputs, p.Doc.Outputs)) {
		// Other inputs or outputs: the page lists the edges the build
		// will draw (the processes report draws them too).
		edges, ok := in.site.EdgesWith(p)
		if !ok {
			return nil, errors.New("render: the saved document's inputs or outputs name what the build would not draw")
		}
		site := *in.site
		site.Edges = edges
		in.site, in.edges = &site, edgeIndex(&site)
	}
	if old := in.site.ByPath[p.Doc.Path]; old != nil && (view.NavPageOf(old) != view.NavPageOf(p) || !slices.Equal(old.Doc.Clauses, p.Doc.Clauses)) {
		groups := dp.groups.With(view.NavPageOf(p), p.Doc.Clauses)
		navs, err := in.navigation(groups, len(in.site.Pages))
		if err != nil {
			return nil, err
		}
		dp.groups, dp.navs = groups, navs
		dp.pagers = map[string]*view.Pager{p.Href: view.PagerFor(groups, p.Href)}
		// The frame's partials see the shared navigation too (a theme
		// may show it in its drawer): made again with the new one.
		if shared := navs.Shared(); shared != in.sv.Nav {
			sv := *in.sv
			sv.Nav = shared
			if err := in.frameParts(&sv); err != nil {
				return nil, err
			}
			in.sv = &sv
		}
	}
	return dp.page(p)
}

// sameRefs says whether two lists of inputs or outputs name the same
// documents with the same labels, in the same order.
func sameRefs(a, b []model.Ref) bool {
	return slices.EqualFunc(a, b, func(x, y model.Ref) bool { return x.ID == y.ID && x.What == y.What })
}
