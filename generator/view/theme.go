// Package view is what pages are made of: the theme (templates from the
// embedded default overlaid with the site's own files; the page kinds are
// the layouts under layouts/ and every layout is executed inside "base"),
// the values templates see (PageData, SiteView, DocView, RefView, Tile,
// navigation), and the in-memory output tree. The render stage
// (generator/render) and the reports (generator/report) build with it.
// It never touches the disk; publish writes the tree out.
package view

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"
	"unsafe"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/themes"
)

// Tree is the rendered site: slash paths without a leading slash → bytes.
// It is an fs.FS through FS().
type Tree map[string][]byte

// Theme is a parsed theme: a template set per page kind plus static files.
type Theme struct {
	fsys  fs.FS
	kinds map[string]*template.Template
	// shares holds the kinds whose main block SharesMain allows to be
	// executed once for a page and its part in the print copy.
	shares map[string]bool
	// control is a clone of the document kind's set, made before any
	// execution, that ControlPanel executes the partial from: where the
	// partial cannot be escaped on its own, html/template disables it in
	// the set that tried, and that is not to be the pages' own.
	control *template.Template
}

var funcs = template.FuncMap{
	"join": strings.Join,
	// lastCrumb: the last breadcrumb is the current page, shown unlinked.
	"lastCrumb": func(i int, cs []Crumb) bool { return i == len(cs)-1 },
	"lower":     strings.ToLower,
	// label reads a value aloud: "due-soon" → "due soon", "in-progress" → "in progress".
	"label": func(s string) string { return strings.ReplaceAll(s, "-", " ") },
	"pct": func(a, b int) int {
		if b == 0 {
			return 0
		}
		return a * 100 / b
	},
}

// LoadTheme parses layouts/_*.html (partials) and base.html once, then each
// other layouts/<kind>.html into its own clone, so each kind can define
// "main" and "title" without clashing.
//
// The parsed layouts are kept for the process, keyed by their bytes, so
// every build of a process shares them (a Theme is read-only once
// loaded): parsing them for each build, 25 ms a time, was a fifth of the
// generator tests' time. The Theme returned reads its static files from
// fsys still.
func LoadTheme(fsys fs.FS) (*Theme, diag.List) {
	var diags diag.List
	t := &Theme{fsys: fsys, kinds: map[string]*template.Template{}, shares: map[string]bool{}}
	entries, err := fs.ReadDir(fsys, "layouts")
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes"}, "theme", "theme has no layouts folder: %v", err)
		return t, diags
	}
	var files []layoutFile
	key := sha256.New()
	unread := false // a layout that cannot be read is reported on every load: never cached
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".html" {
			continue
		}
		b, err := fs.ReadFile(fsys, "layouts/"+name)
		files = append(files, layoutFile{name, b, err})
		if err != nil {
			unread = true
			continue
		}
		fmt.Fprintf(key, "%d:%s%d:", len(name), name, len(b))
		key.Write(b)
	}
	var sum [sha256.Size]byte
	key.Sum(sum[:0])
	if set, ok := parsedLayouts.get(sum); ok && !unread {
		t.kinds, t.shares, t.control = set.kinds, set.shares, set.control
		return t, nil
	}
	base := template.New("").Funcs(funcs)
	var kinds []layoutFile
	defaultFrame := false // base.html is the default theme's (SharesMain)
	for _, f := range files {
		if f.name == "base.html" && f.err == nil {
			defaultFrame = bytes.Equal(f.src, defaultBase())
		}
		if strings.HasPrefix(f.name, "_") || f.name == "base.html" {
			if err := parseInto(base, f); err != nil {
				diags.Errorf(diag.Pos{Path: "themes/layouts/" + f.name}, "theme", "%v", err)
			}
			continue
		}
		kinds = append(kinds, f)
	}
	for _, f := range kinds {
		c, err := base.Clone()
		if err == nil {
			err = parseInto(c, f)
		}
		if err != nil {
			diags.Errorf(diag.Pos{Path: "themes/layouts/" + f.name}, "theme", "%v", err)
			continue
		}
		kind := strings.TrimSuffix(f.name, ".html")
		t.kinds[kind] = c
		t.shares[kind] = defaultFrame && sharesMain(c) // before any execution escapes (and so changes) the trees
	}
	if sharesControl(t.kinds["document"], t.kinds["print"]) {
		t.control, _ = t.kinds["document"].Clone() // nil if it fails: not shared
	}
	if len(diags) == 0 {
		parsedLayouts.put(sum, parsedSet{t.kinds, t.shares, t.control})
	}
	return t, diags
}

// defaultBase is the default theme's base.html.
var defaultBase = sync.OnceValue(func() []byte {
	b, _ := fs.ReadFile(themes.Default(), "layouts/base.html")
	return b
})

// layoutFile is one file of layouts/ as read, or the error reading it.
type layoutFile struct {
	name string
	src  []byte
	err  error
}

func parseInto(t *template.Template, f layoutFile) error {
	if f.err != nil {
		return f.err
	}
	_, err := t.New("layouts/" + f.name).Parse(string(f.src))
	return err
}

// parsedLayouts holds the template sets of the last few themes loaded
// (about 2 MB each). A set is only executed once parsed, which is safe
// from many goroutines, so builds share it.
var parsedLayouts = layoutCache{max: 4}

type layoutCache struct {
	mu    sync.Mutex
	max   int
	order [][sha256.Size]byte // oldest first
	sets  map[[sha256.Size]byte]parsedSet
}

// parsedSet is a theme's parsed layouts: a template set per kind, and
// the kinds whose main block may be shared (Theme.SharesMain).
type parsedSet struct {
	kinds   map[string]*template.Template
	shares  map[string]bool
	control *template.Template
}

func (c *layoutCache) get(k [sha256.Size]byte) (parsedSet, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.sets[k]
	return s, ok
}

func (c *layoutCache) put(k [sha256.Size]byte, s parsedSet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sets == nil {
		c.sets = map[[sha256.Size]byte]parsedSet{}
	}
	if _, ok := c.sets[k]; ok {
		return
	}
	if len(c.order) == c.max {
		delete(c.sets, c.order[0])
		c.order = c.order[1:]
	}
	c.order = append(c.order, k)
	c.sets[k] = s
}

// Has reports whether the theme has a layout for kind.
func (t *Theme) Has(kind string) bool { return t.kinds[kind] != nil }

// maxPooled is the largest buffer kept for reuse: a document page is
// about 30 kB.
const maxPooled = 1 << 20

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Execute runs the layout for kind inside "base" (or, for a layout that
// does not use base, its own "page" template).
func (t *Theme) Execute(kind string, data any) ([]byte, error) {
	var out []byte
	err := t.ExecuteTo(kind, data, func(b []byte) error {
		out = bytes.Clone(b)
		return nil
	})
	return out, err
}

// ExecuteTo is Execute handing the page to use instead of returning a
// copy: b is the theme's own buffer, valid only until use returns (a
// build that writes each page out at once spares copying 470 MB of pages
// at 10,000 documents). use's error is returned as it is.
func (t *Theme) ExecuteTo(kind string, data any, use func(b []byte) error) error {
	tm := t.kinds[kind]
	if tm == nil {
		return fmt.Errorf("theme has no layout %q (layouts/%s.html)", kind, kind)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		// A buffer that held a site-wide page of many megabytes would
		// stay in the pool, unused, until the process ends.
		if buf.Cap() <= maxPooled {
			bufPool.Put(buf)
		}
	}()
	name := "base"
	if tm.Lookup("page") != nil {
		name = "page"
	}
	if err := tm.ExecuteTemplate(buf, name, data); err != nil {
		return fmt.Errorf("layouts/%s.html: %v", kind, err)
	}
	return use(buf.Bytes())
}

// SharesControl reports whether a document's page and its part in the
// auditor's copy show one execution of the "control-panel" partial
// (DocView.Control, made by ControlPanel); sharesControl says where.
// Executing the panel twice for each document was 4 % of a build's CPU
// at 1,000 documents.
func (t *Theme) SharesControl() bool { return t.control != nil }

// ControlPanel executes the "control-panel" partial for v, as the
// document kind's set would in HTML text, where SharesControl.
func (t *Theme) ControlPanel(v *DocView) (template.HTML, error) {
	if t.control == nil {
		return "", errors.New("the theme's document and print pages do not share their control panel")
	}
	var b strings.Builder
	if err := t.control.ExecuteTemplate(&b, "control-panel", v); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// Defines reports whether the kind's set defines the named template.
func (t *Theme) Defines(kind, name string) bool {
	tm := t.kinds[kind]
	return tm != nil && tm.Lookup(name) != nil
}

// Fragment executes a named template (a partial) from the kind's set.
func (t *Theme) Fragment(kind, name string, data any) (template.HTML, error) {
	var h template.HTML
	err := t.fragmentTo(kind, name, data, func(b []byte) { h = template.HTML(b) })
	return h, err
}

// FragmentBytes is Fragment as bytes, copied once out of a reused buffer
// (the auditor's copy makes 10,000 sections of 13 kB: growing a buffer
// for each and converting the result twice was 460 MB of allocations).
func (t *Theme) FragmentBytes(kind, name string, data any) ([]byte, error) {
	var out []byte
	err := t.fragmentTo(kind, name, data, func(b []byte) { out = bytes.Clone(b) })
	return out, err
}

// FragmentTo executes the partial name of kind with data and hands the
// bytes to use: the theme's buffer, valid only until use returns.
func (t *Theme) FragmentTo(kind, name string, data any, use func(b []byte)) error {
	return t.fragmentTo(kind, name, data, use)
}

func (t *Theme) fragmentTo(kind, name string, data any, use func(b []byte)) error {
	tm := t.kinds[kind]
	if tm == nil {
		return fmt.Errorf("theme has no layout %q", kind)
	}
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooled {
			bufPool.Put(buf)
		}
	}()
	if err := tm.ExecuteTemplate(buf, name, data); err != nil {
		return err
	}
	use(buf.Bytes())
	return nil
}

// Static copies the theme's static/ files into the tree under assets/,
// less those skip names (by their URL in the tree; nil skips none),
// which are not read: Mermaid's 5.5 MB on a site that draws none.
func (t *Theme) Static(tree Tree, skip func(url string) bool) error {
	return fs.WalkDir(t.fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		u := "assets/" + strings.TrimPrefix(p, "static/")
		if skip != nil && skip(u) {
			return nil
		}
		b, err := fs.ReadFile(t.fsys, p)
		if err != nil {
			return err
		}
		tree[u] = b
		return nil
	})
}

// BytesHTML is b as template.HTML without copying it, for a rendered body
// that is never changed afterwards (copying each body into a string for
// its page and again for the auditor's copy was 240 MB of allocations at
// 10,000 documents). b must not be changed or reused after.
func BytesHTML(b []byte) template.HTML {
	return template.HTML(unsafe.String(unsafe.SliceData(b), len(b)))
}
