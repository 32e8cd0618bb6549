package render

import (
	"sync"

	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// pageMemo computes each page's rendered body and template view at most
// once per build, however many site-wide pages (print, evidence) show the
// same document again. Work is done on first use, so pages that the cache
// serves whole never pay for it.
type pageMemo struct {
	idx   map[*link.Page]int
	bOnce []sync.Once
	body  [][]byte
	bErr  []error
	vOnce []sync.Once
	view  []*view.DocView
}

func newPageMemo(pages []*link.Page) *pageMemo {
	m := &pageMemo{idx: make(map[*link.Page]int, len(pages))}
	for i, p := range pages {
		m.idx[p] = i
	}
	n := len(pages)
	m.bOnce, m.body, m.bErr = make([]sync.Once, n), make([][]byte, n), make([]error, n)
	m.vOnce, m.view = make([]sync.Once, n), make([]*view.DocView, n)
	return m
}

// body is the page's Markdown rendered to HTML, from the preview cache
// when its source and link destinations are unchanged.
func (in renderInput) body(p *link.Page) ([]byte, error) {
	i, ok := in.memo.idx[p]
	if !ok || in.store == nil {
		// Putting the link destinations into a frozen body is a copy:
		// cheaper done twice (page and print) than 100 MB kept.
		return in.md.Render(p.MD, p.Dests)
	}
	in.memo.bOnce[i].Do(func() {
		in.memo.body[i], in.memo.bErr[i] = in.remember("body:"+p.URL, func() ([]byte, error) { return in.md.Render(p.MD, p.Dests) }, p)
	})
	return in.memo.body[i], in.memo.bErr[i]
}

// view is the page's DocView. Reading the tree is safe: views are built
// while the tree holds only assets, or after every parallel step ended.
func (in *renderInput) view(r report.Renderer, p *link.Page) *view.DocView {
	i, ok := in.memo.idx[p]
	if !ok {
		return docView(in, r, p, in.files)
	}
	in.memo.vOnce[i].Do(func() {
		v := docView(in, r, p, in.files)
		if in.mains != nil && in.theme.SharesControl() {
			// The document's page and its part in the auditor's copy
			// show one execution of its control panel. A build with a
			// memo (the preview) renders the copy only when asked, and
			// keeps pages whose data did not change: none is made for it.
			// A panel that fails here is left to the page, which says
			// what failed.
			if h, err := in.theme.ControlPanel(v); err == nil {
				v.Control = h
			}
		}
		in.memo.view[i] = v
	})
	return in.memo.view[i]
}
