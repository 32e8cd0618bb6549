package generator

import (
	"bytes"
	"reflect"
	"slices"

	"github.com/isms-project/isms/diagrams"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/render"
	"github.com/isms-project/isms/generator/view"
)

// lazyPages is a build's deferred pages (Options.Lazy) and the cache
// they may use: the build's, until the next build begins.
type lazyPages struct {
	d      *render.Deferred
	schema *model.Schema      // what Speculate decodes with
	md     *markdown.Markdown // and parses with
	cache  *Cache
	gen    uint64
}

// lazyPages ties d to the build running on c (nil d: nothing deferred).
func (c *Cache) lazyPages(d *render.Deferred) *lazyPages {
	if d == nil {
		return nil
	}
	l := &lazyPages{d: d, cache: c}
	if c != nil {
		l.gen = c.gen // the build holds c.mu
	}
	return l
}

// Page returns a file the build left to be made on request
// (Options.Lazy): made from the finished build's state the first time
// it is asked for, with the reports that reserve it alone
// (report.Reserver; with the reports their pages embed); later calls
// look them up. A path no deferred report reserves makes nothing. The diagnostics are those of making
// deferred pages that no earlier call returned (a theme error in a
// report's layout). found is false for a path no deferred report
// publishes, or for a build that deferred nothing. Safe for concurrent
// use; it waits for a build running on the same cache, whose memos it
// reuses while no newer build has begun.
func (r *Result) Page(path string) (b []byte, diags diag.List, found bool) {
	if r == nil || r.lazy == nil {
		return nil, nil, false
	}
	return r.lazy.page(path)
}

func (l *lazyPages) page(path string) ([]byte, diag.List, bool) {
	c := l.cache
	if c == nil || l.d.Done() {
		return l.d.Page(nil, path)
	}
	c.mu.Lock() // no build runs while the cache lends its memos
	defer c.mu.Unlock()
	var store render.Memo = c
	if c.gen != l.gen {
		store = nil // a newer build has begun: its salt is not this one's
	}
	return l.d.Page(store, path)
}

// Reserved says whether a page the build deferred (Options.Lazy) may be
// published at url (a path as in Tree): a new document's page there
// would be refused by the build, as by isms build. Safe for concurrent
// use.
func (r *Result) Reserved(url string) bool {
	return r != nil && r.lazy != nil && r.lazy.d.Reserved(url)
}

// pages makes every deferred page: the whole of what Page looks up.
func (l *lazyPages) pages() (view.Tree, diag.List) {
	c := l.cache
	if l.d.Done() || c == nil {
		return l.d.Pages(nil)
	}
	c.mu.Lock() // no build runs while the cache lends its memos
	defer c.mu.Unlock()
	if c.gen != l.gen {
		return l.d.Pages(nil) // a newer build has begun: its salt is not this one's
	}
	return l.d.Pages(c)
}

// Speculate renders the page of the document at path (under content/)
// with its source replaced by src, against this finished build: the
// preview serves it at once while the site is built again, so a save
// shows in one frame however large the site. The page is the one the
// build will render; other pages that show what changed (the navigation
// of others, lists that name the document) wait for that build. It
// declines (ok false) for any change whose effect on the page itself
// the build must work out, or that the build would reject: front-matter
// other than what the page shows as written (shownOnly), a document
// retired or brought back, inputs or outputs naming the document itself
// or an id no document has, or any front-matter change on a
// page that reports add to or that names itself (Standalone), links
// to other destinations, a diagram error, a Mermaid diagram added or
// removed, a build made with editions or without Options.Lazy. Headings
// may change: other documents' links to this one's fragments are checked
// by the build that follows, which always has the last word. key is the
// page's file in Tree.
func (r *Result) Speculate(path string, src []byte) (key string, page []byte, ok bool) {
	if r == nil || r.lazy == nil || r.Tree == nil || r.Site == nil || r.lazy.md == nil {
		return "", nil, false
	}
	var old *link.Page
	for _, p := range r.Site.Pages {
		if p.Display == path {
			old = p
			break
		}
	}
	if old == nil || old.MD == nil || old.MD.Src == nil {
		return "", nil, false
	}
	doc, d := r.lazy.schema.Decode(old.Doc.Path, path, src)
	if doc == nil || d.HasErrors() {
		return "", nil, false
	}
	sameFront := samePrefix(old.Doc.Src, src, old.Doc.BodyOffset) && doc.BodyOffset == old.Doc.BodyOffset
	if !sameFront && (!shownOnly(old.Doc, doc) || doc.IsRetired() != old.Doc.IsRetired() || !r.lazy.d.Standalone(old)) {
		return "", nil, false
	}
	md := r.lazy.md.Parse(src)
	if len(diagrams.FenceErrors(md.Context)) > 0 || md.Mermaid != old.MD.Mermaid || !sameLinks(md.Links, old.MD.Links) {
		return "", nil, false
	}
	// No search text: the page does not show it, and the deferred pages
	// (the search index) come from the build, not from this parse.
	if err := r.lazy.md.Freeze(md); err != nil {
		return "", nil, false
	}
	nd := *old.Doc // as the build left it, with the new source
	nd.Src = src
	if !sameFront {
		nd = *doc
	}
	p := *old
	p.Doc, p.MD = &nd, md
	if !sameFront {
		// As the link stage does (link.Site.checkControls): an unknown
		// control is an error the build reports.
		p.Controls = nil
		for _, c := range nd.Controls {
			n, ok := iso.Normalize(c)
			if !ok {
				return "", nil, false
			}
			p.Controls = append(p.Controls, n)
		}
	}
	b, err := r.lazy.d.Document(&p)
	if err != nil {
		return "", nil, false
	}
	return p.URL + "index.html", b, true
}

// shownOnly says whether b, a new decoding of a's file, differs from a
// only in what the document's own page shows as written, or works out
// from the document alone: its title, owner, status (the caller checks
// it is not retired, nor was), version, approver and approval date,
// date, revision table, Annex A controls (the caller normalises them as
// the link stage does), clauses (render places the page in the
// navigation's clause groups again), its phase (a process's drawing
// places it again), its review date, cycle and next review (its
// currency, which render works out again for the page), its inputs and
// outputs (render lists, and the processes report draws, the edges
// link.Site.EdgesWith gives, or declines), its classification (the
// page's marking; the schema rejects an unknown level), and where in the
// file things are. Everything else (id, type, file, records,
// placeholders) feeds what the build works out across the site (links,
// the schema's fields for a type, the reports' parts of its page): the
// build decides those. A field added
// to model.Document counts as one of those until it is named here.
func shownOnly(a, b *model.Document) bool {
	x, y := *a, *b
	for _, d := range []*model.Document{&x, &y} {
		d.Src, d.Pos, d.ItemPos, d.BodyOffset, d.BodyLine = nil, nil, nil, 0, 0
		d.Title, d.Owner, d.Status, d.Version, d.ApprovedBy, d.History = "", "", "", "", "", nil
		d.Approved, d.Date, d.Reviewed, d.NextReview, d.ReviewEvery = model.Date{}, model.Date{}, model.Date{}, model.Date{}, model.Interval{}
		d.Controls, d.Clauses, d.Phase = nil, nil, ""
		d.Inputs, d.Outputs, d.Classification = nil, nil, ""
	}
	return reflect.DeepEqual(x, y)
}

// samePrefix says whether a and b hold the same first n bytes.
func samePrefix(a, b []byte, n int) bool {
	return n > 0 && len(a) >= n && len(b) >= n && bytes.Equal(a[:n], b[:n])
}

// sameLinks says whether two parses link to the same destinations, in
// the same order, the same way.
func sameLinks(a, b []markdown.Link) bool {
	return slices.EqualFunc(a, b, func(x, y markdown.Link) bool {
		return x.Dest == y.Dest && x.ExternalImage == y.ExternalImage
	})
}
