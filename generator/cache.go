package generator

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"hash"
	"io/fs"
	"reflect"
	"sync"
	"unsafe"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/render"
	"github.com/isms-project/isms/generator/report/history"
	"github.com/isms-project/isms/generator/view"
)

// Cache carries work from one build to the next, for the preview server.
// It holds two kinds of entry:
//
//   - decoded and parsed documents, by path and the hash of their bytes;
//   - memos: bytes (a page, a rendered body, a navigation, a diagram) by
//     name and a key that hashes everything they are made from. Every key
//     starts with the salt, which hashes every build option that can change
//     output (keyedOptions: a new option must be listed there or in
//     unkeyedOptions, or TestEveryOptionIsKeyed fails), isms.yaml and the
//     site's theme files; then come the parts the caller names (keyOf).
//
// It is conservative by construction: an entry whose inputs changed in
// any way misses and is made again. A Cache is used by one build at a time
// (Build takes its lock); entries the latest build did not use are
// dropped, so it holds one site's worth.
type Cache struct {
	mu    sync.Mutex // held for a whole build
	salt  [32]byte   // options, isms.yaml and theme files every entry depends on
	docs  map[string]*docEntry
	memos map[string]*memoEntry
	hist  *history.State // the last build's git history and diffs

	parsedTheme *view.Theme // the theme's templates: the salt covers isms.yaml and themes/
	themeDiags  diag.List
	used        map[string]bool // doc paths and memo names the current build used
	usedM       sync.Mutex

	gen uint64 // counts builds: pages made on request after a build use the cache only until the next begins

	srcSums map[*markdown.Doc][32]byte // this build's parses: their sources' hashes, taken once per parse

	nav    string // the navigation the last navSum was computed for
	navSum [32]byte
	navM   sync.Mutex
}

type docEntry struct {
	sum      [32]byte // of the bytes: compared only when no document kept them (doc nil)
	srcSum   [32]byte // of md.Src, for memo keys (writeSource)
	released bool     // parsed for a check: its body was not kept for rendering
	doc      *model.Document
	md       *markdown.Doc
	diags    diag.List
}

type memoEntry struct {
	key [32]byte
	val []byte
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{docs: map[string]*docEntry{}, memos: map[string]*memoEntry{}}
}

// keyedOptions are the build options hashed into every key, by field name.
// unkeyedOptions are the others, each with the reason it needs no place.
var (
	keyedOptions   = []string{"Today", "AsOf", "BaseURL", "Snapshot", "Scripts", "Reports", "Edition", "AllEditions"}
	unkeyedOptions = map[string]string{
		"Lazy":         "it changes when pages are made, not their bytes: a deferred page is made by the same code under the same key",
		"Site":         "isms.yaml and themes/ are hashed into the salt, documents by their bytes",
		"SiteDir":      "only history reads it, and history pages are keyed by their data",
		"Cache":        "the cache itself",
		"NoRender":     "decoded documents record whether their body was kept",
		"Diagrams":     "a layout draws the same SVG for the same DOT",
		"History":      "history pages and lines are keyed by what was read",
		"HistoryCache": "what it keeps is what would be read and diffed again: the same for the same blobs, and git's log the same for the same commit and setting",
		"Sink":         "a build with a sink has no cache (Build refuses both)",
		"Only":         "it chooses which pages are made, not their bytes: the page is made by the same code under the same key",
		"Base":         "a partial build takes from it what it would read, parse and link again, the same for the same files",
	}
)

// begin locks the cache for a build and drops every entry if the salt
// changed: a keyed option, the site config or the site's theme files.
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
	ov := reflect.ValueOf(o)
	for _, name := range keyedOptions {
		writeField([]byte(name))
		v := ov.FieldByName(name)
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Interface {
			for i := range v.Len() { // reports: their types (they may own front-matter sections)
				writeField([]byte(fmt.Sprintf("%T", v.Index(i).Interface())))
			}
			continue
		}
		writeField([]byte(fmt.Sprintf("%v", v.Interface())))
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
		clear(c.memos)
		c.parsedTheme, c.themeDiags = nil, nil
	}
	c.gen++
	if c.used == nil {
		c.used = map[string]bool{}
	} // else what was made on request since the last build (Result.Page): kept while a browser looks at it
	c.nav, c.navSum = "", sha256.Sum256(nil)
	c.srcSums = map[*markdown.Doc][32]byte{}
}

// end drops the entries this build did not use (when prune: a build that
// was stopped did not get to use them all) and unlocks the cache. A
// build that does not prune (stopped, failed or partial: Options.Only)
// keeps what was used so far, the pages made on request among them, for
// the next build to keep too.
func (c *Cache) end(prune bool) {
	if c == nil {
		return
	}
	defer c.mu.Unlock()
	if !prune {
		return
	}
	defer func() { c.used = map[string]bool{} }()
	for k := range c.docs {
		if !c.used["d:"+k] {
			delete(c.docs, k)
		}
	}
	for k := range c.memos {
		if !c.used["m:"+k] {
			delete(c.memos, k)
		}
	}
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
// Reusing a parse is sound because no later stage changes it (the link
// stage writes destinations into its own pages). A parse made for a
// check (noRender) kept no body, so a build that renders parses again.
func (c *Cache) decode(path string, data []byte, noRender bool, parse func() (*model.Document, *markdown.Doc, diag.List)) (*model.Document, *markdown.Doc, diag.List) {
	if c == nil {
		return parse()
	}
	c.use("d:" + path)
	c.usedM.Lock()
	e := c.docs[path]
	c.usedM.Unlock()
	if e != nil && (noRender || !e.released) && e.same(data) {
		c.keepSrcSum(e)
		return e.doc, e.md, e.diags
	}
	doc, md, d := parse()
	e = &docEntry{sum: sha256.Sum256(data), released: noRender, doc: doc, md: md, diags: d}
	if md != nil {
		e.srcSum = sha256.Sum256(md.Src)
	}
	c.keepSrcSum(e)
	c.usedM.Lock()
	c.docs[path] = e
	c.usedM.Unlock()
	return doc, md, d
}

// same says whether data are the bytes e was made from: compared with
// the source its document kept (a memcmp, several times faster than
// hashing every file of the site on every save), else by hash.
func (e *docEntry) same(data []byte) bool {
	if e.doc != nil {
		return bytes.Equal(e.doc.Src, data)
	}
	return e.sum == sha256.Sum256(data)
}

func (c *Cache) keepSrcSum(e *docEntry) {
	if e.md == nil {
		return
	}
	c.usedM.Lock()
	c.srcSums[e.md] = e.srcSum
	c.usedM.Unlock()
}

// Memo returns the bytes kept under name when they were made from the same
// inputs (parts, see keyOf), else make's, which are kept when make
// succeeds (render.Memo). Safe for concurrent calls with distinct names
// during one build. A nil cache, or parts that cannot be hashed, just
// call make.
func (c *Cache) Memo(name string, make func() ([]byte, error), parts ...any) ([]byte, error) {
	if c == nil {
		return make()
	}
	key, ok := c.keyOf(parts...)
	if !ok {
		return make()
	}
	c.use("m:" + name)
	c.usedM.Lock()
	e := c.memos[name]
	c.usedM.Unlock()
	if e != nil && e.key == key {
		return e.val, nil
	}
	b, err := make()
	if err == nil {
		c.usedM.Lock()
		c.memos[name] = &memoEntry{key: key, val: b}
		c.usedM.Unlock()
	}
	return b, err
}

// keyOf hashes the salt and then each part: a *link.Page as its source
// and link destinations (what its body is made from), a render.NavPart (hashed once per build), raw
// bytes, and anything else as what its JSON is made of (hashValue) — a
// *view.PageData without its navigation and content, which the caller
// names apart when they matter.
func (c *Cache) keyOf(parts ...any) ([32]byte, bool) {
	h := sha256.New()
	h.Write(c.salt[:])
	for _, p := range parts {
		h.Write([]byte{0xff}) // parts cannot run into each other
		switch p := p.(type) {
		case *link.Page:
			c.writeSource(h, p)
		case render.NavPart:
			ns := c.navHash(string(p))
			h.Write(ns[:])
		case []byte:
			s := sha256.Sum256(p)
			h.Write(s[:])
		case *view.PageData:
			d := *p
			d.Content = ""
			if d.Site != nil {
				sv := *d.Site
				sv.Nav = ""
				d.Site = &sv
			}
			if !hashValue(h, &d) {
				return [32]byte{}, false
			}
		default:
			if !hashValue(h, p) {
				return [32]byte{}, false
			}
		}
	}
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
func (c *Cache) writeSource(h hash.Hash, p *link.Page) {
	c.usedM.Lock()
	src, ok := c.srcSums[p.MD]
	c.usedM.Unlock()
	if !ok {
		src = sha256.Sum256(p.MD.Src)
	}
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
func (c *Cache) theme(load func() (*view.Theme, diag.List)) (*view.Theme, diag.List) {
	if c == nil {
		return load()
	}
	if c.parsedTheme == nil {
		c.parsedTheme, c.themeDiags = load()
	}
	return c.parsedTheme, c.themeDiags
}
