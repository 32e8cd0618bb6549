package render

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// Deferred holds what a lazy render (Input.Lazy) left out: the pages of
// the site-wide reports (report.SiteWide), published and rendered on the
// first call to Pages from the finished build's state — the same code,
// the same memo keys, so the same bytes as an eager build. The preview
// asks for them when a browser does: a save then costs what the edit
// changes, not /print/, the search index and every history page.
type Deferred struct {
	in   renderInput // the build's, with its own memo store
	docs *docPages   // the build's document pages, for Document
	reps []report.Report
	once sync.Once
	done atomic.Bool
	tree view.Tree
	diag diag.List
}

// deferred says whether rep is left to Deferred in this render.
func (in *renderInput) deferred(rep report.Report) bool {
	_, ok := rep.(report.SiteWide)
	return ok && in.lazy != nil
}

// Done says whether the pages were made: Pages no longer uses a store.
func (d *Deferred) Done() bool { return d.done.Load() }

// Pages publishes and renders the deferred reports on the first call,
// with store as the memo (nil: none), and returns their files — less
// any URL the build's tree or an earlier report already holds — and the
// diagnostics of making them. Safe for concurrent use; the tree returned
// is never written again.
func (d *Deferred) Pages(store Memo) (view.Tree, diag.List) {
	d.once.Do(func() {
		defer d.done.Store(true)
		in := d.in
		in.store = store
		d.tree, d.diag = in.publishDeferred(d.reps)
	})
	return d.tree, d.diag
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

// Document renders the page of p, a document of the finished build
// changed after it (its parse replaced, everything the link stage gave it
// kept), as that build would have rendered it, with no memo: the
// preview's answer to a save while the site is built again. The page is
// exact when the change reaches no other page (its links, headings and
// front-matter as they were, but for what the page alone shows); the
// build that follows says otherwise. A new title, badge (its status) or
// list of clauses moves or changes the document's entries in the
// navigation: the page's navigation and pager are made again, with it
// in its new places.
func (d *Deferred) Document(p *link.Page) ([]byte, error) {
	if d == nil || d.docs == nil {
		return nil, errors.New("render: no build to render a document with")
	}
	in := *d.docs.in
	in.store, in.saved = nil, true
	dp := *d.docs
	dp.in, dp.r = &in, &lender{in: &in}
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

// publishDeferred is the report half of renderSite for reps, into a tree
// of its own.
func (in *renderInput) publishDeferred(reps []report.Report) (view.Tree, diag.List) {
	pages, diags := in.publishPages(&lender{in: in}, reps, nil, nil)
	tree := view.Tree{}
	for _, pg := range pages {
		_, built := in.files[pg.url]
		if _, taken := tree[pg.url]; taken || built {
			diags.Errorf(diag.Pos{Path: contentDir}, "url-taken", "the %s report and another file both publish /%s", reportName(reps[pg.rep]), pg.url)
			continue
		}
		tree[pg.url] = pg.b
	}
	return tree, diags
}
