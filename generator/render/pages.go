package render

import (
	"cmp"
	"html/template"
	"io/fs"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
)

// FS exposes the tree as a read-only file system (for publish and serve).
func (t Tree) FS() fs.FS {
	m := make(fstest.MapFS, len(t))
	for k, v := range t {
		m[k] = &fstest.MapFile{Data: v, Mode: 0o644}
	}
	return m
}

// SiteView is what every page template sees as .Site.
type SiteView struct {
	Title, Organization string
	Root                string // URL prefix, ends in "/"
	AsOf                string
	Snapshot            bool
	Commit              string
	Nav                 template.HTML
	Scripts             []string // extra scripts (the preview's reload client)
}

// Crumb is one breadcrumb.
type Crumb struct{ Title, URL string }

// PageData is the value every layout is executed with.
type PageData struct {
	Site    *SiteView
	Kind    string
	Title   string
	URL     string
	Crumbs  []Crumb
	Doc     *DocView
	Content template.HTML
	TOC     []markdown.Heading
	Data    any // kind-specific
}

// ControlView is an Annex A control cited by a document.
type ControlView struct{ ID, Title string }

// RefView is a linked document in inputs, outputs or backlinks.
type RefView struct {
	ID, Title, URL string
	Whats          []string
}

// FileView is an evidence artefact.
type FileView struct {
	Name, URL, Size, SHA256 string
	Image                   bool
}

// DocView is a document as the templates see it. Every string is plain
// text; html/template escapes it.
type DocView struct {
	ID, Title, Type, TypeTitle, Owner    string
	Version, Status, StatusText          string
	StatusClass                          string
	Classification, ApprovedBy, Approved string
	Reviewed, NextReview, Currency, Date string
	LastChanged, HistoryURL              string
	Phase                                string
	Retired                              bool
	Clauses                              []string
	Controls                             []ControlView
	Inputs, Outputs, Backlinks           []RefView
	Revisions                            []model.Revision
	File                                 *FileView
	Diagram                              template.HTML
	URL                                  string
}

// NavPage is one entry in navigation and home lists.
type NavPage struct {
	ID, Title, URL, Badge string
}

// NavGroup is a titled list of pages.
type NavGroup struct {
	Title, Number string
	Type          string // the document type, for by-type groups
	Open          bool
	Pages         []NavPage
}

// NavData is what the "nav" partial is executed with.
type NavData struct {
	Root     string
	ByType   []NavGroup
	ByClause []NavGroup
}

// ClauseTitles names the ISO/IEC 27001 main clauses 4–10.
var ClauseTitles = []struct{ Number, Title string }{
	{"4", "Context of the organization"},
	{"5", "Leadership"},
	{"6", "Planning"},
	{"7", "Support"},
	{"8", "Operation"},
	{"9", "Performance evaluation"},
	{"10", "Improvement"},
}

// MainClause is the top-level clause of "6.1.2" → "6".
func MainClause(c string) string {
	if i := strings.IndexByte(c, '.'); i >= 0 {
		return c[:i]
	}
	return c
}

func badge(d *model.Document) string {
	switch d.Status {
	case "draft", "retired":
		return d.Status
	}
	return ""
}

// Groups builds the by-type and by-clause lists used by the navigation and
// the home page, in a stable order: types in schema order, then pages by title.
func Groups(s *link.Site) NavData {
	nd := NavData{Root: s.Root}
	byType := map[string][]NavPage{}
	byClause := map[string][]NavPage{}
	for _, p := range s.Pages {
		d := p.Doc
		np := NavPage{ID: d.ID, Title: d.Title, URL: p.URL, Badge: badge(d)}
		byType[d.Type] = append(byType[d.Type], np)
		seen := map[string]bool{}
		for _, c := range d.Clauses {
			mc := MainClause(c)
			if !seen[mc] {
				seen[mc] = true
				byClause[mc] = append(byClause[mc], np)
			}
		}
	}
	sortPages := func(ps []NavPage) {
		slices.SortFunc(ps, func(a, b NavPage) int { return cmp.Or(cmp.Compare(a.Title, b.Title), cmp.Compare(a.URL, b.URL)) })
	}
	for _, t := range model.Types {
		if ps := byType[t]; len(ps) > 0 {
			sortPages(ps)
			nd.ByType = append(nd.ByType, NavGroup{Title: model.TypeTitle(t), Type: t, Pages: ps})
		}
	}
	for _, c := range ClauseTitles {
		ps := byClause[c.Number]
		sortPages(ps)
		nd.ByClause = append(nd.ByClause, NavGroup{Number: c.Number, Title: c.Title, Pages: ps})
	}
	return nd
}

// MarkCurrent marks the link to url as the current page in the shared
// navigation HTML, so the navigation is rendered once per site rather than
// once per page.
func MarkCurrent(nav template.HTML, href string) template.HTML {
	needle := `<a href="` + template.HTMLEscapeString(href) + `">`
	s := string(nav)
	if i := strings.Index(s, needle); i >= 0 {
		s = s[:i] + `<a href="` + template.HTMLEscapeString(href) + `" aria-current="page">` + s[i+len(needle):]
	}
	return template.HTML(s)
}

// Crumbs builds the breadcrumbs of a document page: Home › Type › Title.
// URLs are relative to the site root; the type links to its list on the
// home page; the last crumb is the current page.
func Crumbs(d *model.Document) []Crumb {
	return []Crumb{{Title: "Home", URL: ""}, {Title: model.TypeTitle(d.Type), URL: "#type-" + d.Type}, {Title: d.Title}}
}

// TOC keeps h2 and h3 headings, when there are enough to be worth a table.
func TOC(hs []markdown.Heading) []markdown.Heading {
	var out []markdown.Heading
	for _, h := range hs {
		if (h.Level == 2 || h.Level == 3) && h.ID != "" {
			out = append(out, h)
		}
	}
	if len(out) < 3 {
		return nil
	}
	return out
}
