package generator

import (
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/render"
	"github.com/isms-project/isms/generator/view"
)

// lazyPages is a build's deferred pages (Options.Lazy) and the cache
// they may use: the build's, until the next build begins.
type lazyPages struct {
	d     *render.Deferred
	cache *Cache
	gen   uint64
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
// (Options.Lazy): the first call publishes and renders every deferred
// page, from the finished build's state, and keeps them; later calls
// look them up. The diagnostics are those of making them (a theme
// error in a report's layout). found is false for a path no deferred
// report publishes, or for a build that deferred nothing. Safe for
// concurrent use; it waits for a build running on the same cache, whose
// memos it reuses while no newer build has begun.
func (r *Result) Page(path string) (b []byte, diags diag.List, found bool) {
	if r == nil || r.lazy == nil {
		return nil, nil, false
	}
	tree, diags := r.lazy.pages()
	b, found = tree[path]
	return b, diags, found
}

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
