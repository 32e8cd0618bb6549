package view

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
)

// Parts of the default layouts written in Go, byte for byte what the
// template they replace wrote (each kept below, or in the tests, and
// held to it by a test and a fuzz target): each took a reflective
// template call per value on every page. Ids and URLs that are not
// plain (plainID, plainURL) are left to html/template, executing the
// template replaced; text goes through WriteText.

// TOCList is a page's table of contents: its h2 and h3 headings.
type TOCList []markdown.Heading

// tocItems is how the default base.html listed a table of contents
// before TOCList.Items, and how Items lists one it cannot write itself.
var tocItems = template.Must(template.New("toc").Parse(
	`{{range .}}<li class="toc-{{.Level}}"><a href="#{{.ID}}">{{.Text}}</a></li>{{end}}`))

// Items is the table's entries as the default base.html lists them,
//
//	{{range .TOC}}<li class="toc-{{.Level}}"><a href="#{{.ID}}">{{.Text}}</a></li>{{end}}
//
// byte for byte. Written in Go where every id is made of letters, digits
// and - . _ ~ (which html/template leaves alone in a URL's fragment, as
// in element text): those three reflective template calls an entry were
// a twentieth of a document page's CPU. A table with any other id is
// listed by html/template (tocItems).
func (l TOCList) Items() template.HTML {
	n := 0
	for _, h := range l {
		if !plainID(h.ID) {
			return execute(tocItems, l)
		}
		n += 48 + len(h.ID) + len(h.Text)
	}
	var b strings.Builder
	b.Grow(n)
	for _, h := range l {
		b.WriteString(`<li class="toc-`)
		b.WriteString(strconv.Itoa(h.Level))
		b.WriteString(`"><a href="#`)
		b.WriteString(h.ID)
		b.WriteString(`">`)
		WriteText(&b, h.Text)
		b.WriteString(`</a></li>`)
	}
	return template.HTML(b.String())
}

// plainID reports whether id is not empty and made of URL-unreserved
// characters only: ASCII letters, digits, - . _ ~.
func plainID(id string) bool {
	if id == "" {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// CrumbList is a page's breadcrumbs; the last is the page itself.
type CrumbList []Crumb

// crumbItems is how the default base.html listed breadcrumbs before
// CrumbList.Items, and how Items lists those it cannot write itself.
var crumbItems = template.Must(template.New("crumbs").Funcs(funcs).Parse(
	`{{range $i, $c := .Crumbs}}<li>{{if lastCrumb $i $.Crumbs}}<span aria-current="page">{{$c.Title}}</span>{{else}}<a href="{{$.Root}}{{$c.URL}}">{{$c.Title}}</a>{{end}}</li>{{end}}`))

// Items is the breadcrumbs' list items under root (the site's root URL),
// as the default base.html lists them:
//
//	{{range $i, $c := .Crumbs}}<li>{{if lastCrumb $i $.Crumbs}}<span aria-current="page">{{$c.Title}}</span>{{else}}<a href="{{$.Site.Root}}{{$c.URL}}">{{$c.Title}}</a>{{end}}</li>{{end}}
func (l CrumbList) Items(root string) template.HTML {
	plain := plainURL(root)
	for i := 0; i+1 < len(l) && plain; i++ { // the last crumb is not linked
		plain = plainURL(l[i].URL)
	}
	if !plain {
		return execute(crumbItems, struct {
			Crumbs CrumbList
			Root   string
		}{l, root})
	}
	var b strings.Builder
	for i, c := range l {
		b.WriteString(`<li>`)
		if i == len(l)-1 {
			b.WriteString(`<span aria-current="page">`)
			WriteText(&b, c.Title)
			b.WriteString(`</span>`)
		} else {
			b.WriteString(`<a href="`)
			b.WriteString(root)
			b.WriteString(c.URL)
			b.WriteString(`">`)
			WriteText(&b, c.Title)
			b.WriteString(`</a>`)
		}
		b.WriteString(`</li>`)
	}
	return template.HTML(b.String())
}

// pagerLinks is how the default base.html linked a page's neighbours
// before Pager.Links, and how Links links those it cannot write itself.
var pagerLinks = template.Must(template.New("pager").Parse(
	`{{with .Pager.Prev}}<a class="pager-prev" href="{{$.Root}}{{.URL}}" rel="prev"><span class="pager-dir">Previous</span> <span class="pager-title">{{.Title}}</span></a>{{end}}` +
		`{{with .Pager.Next}}<a class="pager-next" href="{{$.Root}}{{.URL}}" rel="next"><span class="pager-dir">Next</span> <span class="pager-title">{{.Title}}</span></a>{{end}}`))

// Links is the links to the pages before and after, under root, as the
// default base.html writes them in its pager:
//
//	{{with .Prev}}<a class="pager-prev" href="{{$.Site.Root}}{{.URL}}" rel="prev"><span class="pager-dir">Previous</span> <span class="pager-title">{{.Title}}</span></a>{{end}}{{with .Next}}…{{end}}
func (p *Pager) Links(root string) template.HTML {
	if p == nil {
		return ""
	}
	if !plainURL(root) || p.Prev != nil && !plainURL(p.Prev.URL) || p.Next != nil && !plainURL(p.Next.URL) {
		return execute(pagerLinks, struct {
			Pager *Pager
			Root  string
		}{p, root})
	}
	var b strings.Builder
	for _, l := range []struct {
		page            *NavPage
		class, rel, dir string
	}{{p.Prev, "pager-prev", "prev", "Previous"}, {p.Next, "pager-next", "next", "Next"}} {
		if l.page == nil {
			continue
		}
		b.WriteString(`<a class="`)
		b.WriteString(l.class)
		b.WriteString(`" href="`)
		b.WriteString(root)
		b.WriteString(l.page.URL)
		b.WriteString(`" rel="`)
		b.WriteString(l.rel)
		b.WriteString(`"><span class="pager-dir">`)
		b.WriteString(l.dir)
		b.WriteString(`</span> <span class="pager-title">`)
		WriteText(&b, l.page.Title)
		b.WriteString(`</span></a>`)
	}
	return template.HTML(b.String())
}

// plainURL reports whether u is made only of ASCII letters, digits and
// - . _ ~ / #: no scheme for html/template to filter, nothing for it to
// escape or normalise in an attribute's URL, wherever in it u stands.
func plainURL(u string) bool {
	for i := 0; i < len(u); i++ {
		c := u[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' || c == '#') {
			return false
		}
	}
	return true
}

// execute runs one of the templates above, which cannot fail on the
// values they are given.
func execute(t *template.Template, data any) template.HTML {
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return ""
	}
	return template.HTML(b.String())
}

// RevisionList is a document's revision table (its history: rows).
type RevisionList []model.Revision

// Rows is the table's rows as document.html and history.html list them,
//
//	{{range .Revisions}}<tr><td>{{.Version}}</td><td>{{.Date}}</td><td>{{.Author}}</td><td>{{.Change}}</td></tr>{{end}}
//
// byte for byte (TestRevisionRows): every value is element text.
func (l RevisionList) Rows() template.HTML {
	var b strings.Builder
	for _, r := range l {
		b.WriteString(`<tr><td>`)
		WriteText(&b, r.Version)
		b.WriteString(`</td><td>`)
		WriteText(&b, r.Date.String())
		b.WriteString(`</td><td>`)
		WriteText(&b, r.Author)
		b.WriteString(`</td><td>`)
		WriteText(&b, r.Change)
		b.WriteString(`</td></tr>`)
	}
	return template.HTML(b.String())
}
