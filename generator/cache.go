package generator

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash"
	"io/fs"
	"sync"
	"unsafe"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/render"
	"github.com/isms-project/isms/generator/report/history"
)

// Cache carries work from one build to the next, for the preview server:
// decoded and parsed documents keyed by path and content hash, and the
// HTML of document pages keyed by a hash of everything that page's bytes
// are made from. It is conservative by construction: a key covers the
// document's source, the site settings, the theme files, the navigation
// and the page's whole template data, so a page whose inputs changed in
// any way misses and is rendered again. Site-wide pages are never cached.
//
// A Cache is used by one build at a time (Build takes its lock); entries
// the latest build did not use are dropped, so it holds one site's worth.
type Cache struct {
	mu     sync.Mutex // held for a whole build
	salt   [32]byte   // settings every entry depends on
	docs   map[string]*docEntry
	pages  map[string]*pageEntry
	bodies map[string]*pageEntry // rendered Markdown by page URL (print shows every body again)
	hist   *history.State        // the last build's git history and diffs

	parsedTheme *render.Theme // the theme's templates: the salt covers isms.yaml and themes/
	themeDiags  diag.List
	used        map[string]bool // doc paths and page URLs the current build used
	usedM       sync.Mutex

	nav    string // the navigation the last navSum was computed for
	navSum [32]byte
	navM   sync.Mutex
}

type docEntry struct {
	sum      [32]byte
	released bool // parsed for a check: its body was not kept for rendering
	doc      *model.Document
	md       *markdown.Doc
	diags    diag.List
}

type pageEntry struct {
	key  [32]byte
	html []byte
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{docs: map[string]*docEntry{}, pages: map[string]*pageEntry{}, bodies: map[string]*pageEntry{}}
}

// begin locks the cache for a build and drops every entry if the
// settings, the site config or the site's theme files changed.
func (c *Cache) begin(o Options) {
	if c == nil {
		return
	}
	c.mu.Lock()
	h := sha256.New()
	writeField := func(b []byte) {
		var n [8]byte
		for i := range n {
			n[i] = byte(len(b) >> (8 * i))
		}
		h.Write(n[:])
		h.Write(b)
	}
	writeField([]byte(o.Today.String()))
	writeField([]byte(o.AsOf.String()))
	writeField([]byte(o.BaseURL))
	if o.Snapshot {
		writeField([]byte("snapshot"))
	}
	for _, s := range o.Scripts {
		writeField([]byte(s))
	}
	for _, r := range o.Reports { // they may own front-matter sections
		writeField([]byte(fmt.Sprintf("%T", r)))
	}
	cfg, err := fs.ReadFile(o.Site, "isms.yaml")
	writeField([]byte(errString(err)))
	writeField(cfg)
	_ = fs.WalkDir(o.Site, "themes", func(p string, d fs.DirEntry, err error) error {
		writeField([]byte(p))
		if err == nil && !d.IsDir() {
			b, err := fs.ReadFile(o.Site, p)
			writeField([]byte(errString(err)))
			writeField(b)
		}
		return nil
	})
	var salt [32]byte
	h.Sum(salt[:0])
	if salt != c.salt {
		c.salt = salt
		clear(c.docs)
		clear(c.pages)
		clear(c.bodies)
		c.parsedTheme, c.themeDiags = nil, nil
	}
	c.used = map[string]bool{}
	c.nav, c.navSum = "", sha256.Sum256(nil)
}

// end drops the entries this build did not use and unlocks the cache.
func (c *Cache) end() {
	if c == nil {
		return
	}
	for k := range c.docs {
		if !c.used["d:"+k] {
			delete(c.docs, k)
		}
	}
	for k := range c.pages {
		if !c.used["p:"+k] {
			delete(c.pages, k)
		}
	}
	for k := range c.bodies {
		if !c.used["b:"+k] {
			delete(c.bodies, k)
		}
	}
	c.mu.Unlock()
}

func (c *Cache) use(key string) {
	c.usedM.Lock()
	c.used[key] = true
	c.usedM.Unlock()
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// decode returns the decoded and parsed document for path, from the cache
// when its bytes are the ones seen last time, else from parse. Safe for
// concurrent calls during one build. A nil cache just calls parse.
//
// Reusing a parsed tree is sound because the link stage's only change to
// it, rewriting link destinations, is recomputed from the original
// destinations on every build. A parse made for a check (noRender) kept
// no body, so a build that renders parses again.
func (c *Cache) decode(path string, data []byte, noRender bool, parse func() (*model.Document, *markdown.Doc, diag.List)) (*model.Document, *markdown.Doc, diag.List) {
	if c == nil {
		return parse()
	}
	sum := sha256.Sum256(data)
	c.use("d:" + path)
	c.usedM.Lock()
	e := c.docs[path]
	c.usedM.Unlock()
	if e != nil && e.sum == sum && (noRender || !e.released) {
		return e.doc, e.md, e.diags
	}
	doc, md, d := parse()
	c.usedM.Lock()
	c.docs[path] = &docEntry{sum: sum, released: noRender, doc: doc, md: md, diags: d}
	c.usedM.Unlock()
	return doc, md, d
}

// page returns a document page's HTML from the cache when nothing it is
// made from changed since the last build, else from render (whose result
// is kept). data is the page's template data without Content; render
// fills Content in. A nil cache just calls render.
func (c *Cache) page(p *link.Page, data *render.PageData, nav string, render func() ([]byte, error)) ([]byte, error) {
	if c == nil {
		return render()
	}
	key, ok := c.pageKey(p, data, nav)
	if !ok {
		return render()
	}
	return c.reuse(c.pages, "p:", p.URL, key, render)
}

// reuse returns the HTML kept in m under name when it was made from the
// same key, else renders it and keeps it. Entries a build does not touch
// are dropped at its end (prefix marks which map a name belongs to).
func (c *Cache) reuse(m map[string]*pageEntry, prefix, name string, key [32]byte, render func() ([]byte, error)) ([]byte, error) {
	c.use(prefix + name)
	c.usedM.Lock()
	e := m[name]
	c.usedM.Unlock()
	if e != nil && e.key == key {
		return e.html, nil
	}
	b, err := render()
	if err == nil {
		c.usedM.Lock()
		m[name] = &pageEntry{key: key, html: b}
		c.usedM.Unlock()
	}
	return b, err
}

// pageKey hashes the page's inputs: its source, the destinations the link
// stage gave its links, the navigation, and its template data as JSON
// (everything but the navigation, which is hashed once per build).
func (c *Cache) pageKey(p *link.Page, data *render.PageData, nav string) ([32]byte, bool) {
	h := sha256.New()
	h.Write(c.salt[:])
	ns := c.navHash(nav)
	h.Write(ns[:])
	writeSource(h, p)
	d := *data
	d.Content = ""
	if d.Site != nil {
		sv := *d.Site
		sv.Nav = ""
		d.Site = &sv
	}
	b, err := json.Marshal(&d)
	if err != nil {
		return [32]byte{}, false
	}
	h.Write(b)
	var k [32]byte
	h.Sum(k[:0])
	return k, true
}

// navHash hashes the site's shared navigation once per build: every page
// passes the same string, so it is recognised by its address.
func (c *Cache) navHash(nav string) [32]byte {
	c.navM.Lock()
	defer c.navM.Unlock()
	if len(nav) == len(c.nav) && unsafe.StringData(nav) == unsafe.StringData(c.nav) {
		return c.navSum
	}
	c.nav = nav
	c.navSum = sha256.Sum256([]byte(nav))
	return c.navSum
}

// writeSource hashes what a page's body is made from: its source and the
// destinations the link stage gave its links.
func writeSource(h hash.Hash, p *link.Page) {
	src := sha256.Sum256(p.MD.Src)
	h.Write(src[:])
	for i, l := range p.MD.Links {
		h.Write([]byte(l.Dest))
		h.Write([]byte{0})
		if i < len(p.Dests) {
			h.Write([]byte(p.Dests[i]))
		}
		h.Write([]byte{0})
	}
}
