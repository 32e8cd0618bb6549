package generator

import (
	"crypto/sha256"
	"encoding/json"
	"sync"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/render"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/report/history"
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
	view  []*render.DocView
}

func newPageMemo(pages []*link.Page) *pageMemo {
	m := &pageMemo{idx: make(map[*link.Page]int, len(pages))}
	for i, p := range pages {
		m.idx[p] = i
	}
	n := len(pages)
	m.bOnce, m.body, m.bErr = make([]sync.Once, n), make([][]byte, n), make([]error, n)
	m.vOnce, m.view = make([]sync.Once, n), make([]*render.DocView, n)
	return m
}

// body is the page's Markdown rendered to HTML, from the preview cache
// when its source and link destinations are unchanged.
func (in renderInput) body(p *link.Page) ([]byte, error) {
	i, ok := in.memo.idx[p]
	if !ok || in.cache == nil {
		// Putting the link destinations into a frozen body is a copy:
		// cheaper done twice (page and print) than 100 MB kept.
		return in.md.Render(p.MD, p.Dests)
	}
	in.memo.bOnce[i].Do(func() {
		in.memo.body[i], in.memo.bErr[i] = in.cache.body(p, func() ([]byte, error) { return in.md.Render(p.MD, p.Dests) })
	})
	return in.memo.body[i], in.memo.bErr[i]
}

// view is the page's DocView. Reading the tree is safe: views are built
// while the tree holds only assets, or after every parallel step ended.
func (in *renderInput) view(r report.Renderer, p *link.Page) *render.DocView {
	i, ok := in.memo.idx[p]
	if !ok {
		return docView(in, r, p, in.files)
	}
	in.memo.vOnce[i].Do(func() { in.memo.view[i] = docView(in, r, p, in.files) })
	return in.memo.view[i]
}

// body returns a page's body HTML from the cache when the page's source
// and the destinations the link stage gave its links are the ones seen
// last time. A nil cache just calls render.
func (c *Cache) body(p *link.Page, render func() ([]byte, error)) ([]byte, error) {
	if c == nil {
		return render()
	}
	h := sha256.New()
	h.Write(c.salt[:])
	writeSource(h, p)
	var key [32]byte
	h.Sum(key[:0])
	return c.reuse(c.bodies, "b:", p.URL, key, render)
}

// derived returns a page that is made only from its template data (a
// history page): from the cache when the data and the navigation are
// unchanged, else from render. A nil cache just calls render.
func (c *Cache) derived(url string, data *render.PageData, nav string, render func() ([]byte, error)) ([]byte, error) {
	if c == nil {
		return render()
	}
	h := sha256.New()
	h.Write(c.salt[:])
	ns := c.navHash(nav)
	h.Write(ns[:])
	d := *data
	if d.Site != nil {
		sv := *d.Site
		sv.Nav = ""
		d.Site = &sv
	}
	b, err := json.Marshal(&d)
	if err != nil {
		return render()
	}
	h.Write(b)
	var key [32]byte
	h.Sum(key[:0])
	return c.reuse(c.pages, "p:", url, key, render)
}

// fragment returns a piece of HTML made from data and a large byte string
// big (kept out of the JSON, hashed directly), from the cache when both
// are unchanged. A nil cache just calls render.
func (c *Cache) fragment(name string, data any, big []byte, render func() ([]byte, error)) ([]byte, error) {
	if c == nil {
		return render()
	}
	b, err := json.Marshal(data)
	if err != nil {
		return render()
	}
	h := sha256.New()
	h.Write(c.salt[:])
	h.Write(b)
	bs := sha256.Sum256(big)
	h.Write(bs[:])
	var key [32]byte
	h.Sum(key[:0])
	return c.reuse(c.pages, "p:", name, key, render)
}

// history is the previous build's git history, for the preview.
func (c *Cache) history() *history.State {
	if c == nil {
		return nil
	}
	return c.hist
}

func (c *Cache) setHistory(h *history.State) {
	if c != nil {
		c.hist = h
	}
}

// theme returns the parsed theme, from the cache while isms.yaml and the
// site's theme files are unchanged (parsing it costs about 3 ms a save).
func (c *Cache) theme(load func() (*render.Theme, diag.List)) (*render.Theme, diag.List) {
	if c == nil {
		return load()
	}
	if c.parsedTheme == nil {
		c.parsedTheme, c.themeDiags = load()
	}
	return c.parsedTheme, c.themeDiags
}
