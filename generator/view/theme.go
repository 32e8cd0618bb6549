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
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/isms-project/isms/generator/diag"
)

// Tree is the rendered site: slash paths without a leading slash → bytes.
// It is an fs.FS through FS().
type Tree map[string][]byte

// Theme is a parsed theme: a template set per page kind plus static files.
type Theme struct {
	fsys  fs.FS
	kinds map[string]*template.Template
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
func LoadTheme(fsys fs.FS) (*Theme, diag.List) {
	var diags diag.List
	t := &Theme{fsys: fsys, kinds: map[string]*template.Template{}}
	entries, err := fs.ReadDir(fsys, "layouts")
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes"}, "theme", "theme has no layouts folder: %v", err)
		return t, diags
	}
	base := template.New("").Funcs(funcs)
	var kinds []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".html" {
			continue
		}
		if strings.HasPrefix(name, "_") || name == "base.html" {
			if err := parseInto(base, fsys, "layouts/"+name); err != nil {
				diags.Errorf(diag.Pos{Path: "themes/layouts/" + name}, "theme", "%v", err)
			}
			continue
		}
		kinds = append(kinds, name)
	}
	for _, name := range kinds {
		c, err := base.Clone()
		if err == nil {
			err = parseInto(c, fsys, "layouts/"+name)
		}
		if err != nil {
			diags.Errorf(diag.Pos{Path: "themes/layouts/" + name}, "theme", "%v", err)
			continue
		}
		t.kinds[strings.TrimSuffix(name, ".html")] = c
	}
	return t, diags
}

func parseInto(t *template.Template, fsys fs.FS, name string) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	_, err = t.New(name).Parse(string(b))
	return err
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

// Defines reports whether the kind's set defines the named template.
func (t *Theme) Defines(kind, name string) bool {
	tm := t.kinds[kind]
	return tm != nil && tm.Lookup(name) != nil
}

// Fragment executes a named template (a partial) from the kind's set.
func (t *Theme) Fragment(kind, name string, data any) (template.HTML, error) {
	tm := t.kinds[kind]
	if tm == nil {
		return "", fmt.Errorf("theme has no layout %q", kind)
	}
	var buf bytes.Buffer
	if err := tm.ExecuteTemplate(&buf, name, data); err != nil {
		return "", err
	}
	return template.HTML(buf.String()), nil
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
