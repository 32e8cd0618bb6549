package view

import (
	"cmp"
	"crypto/sha256"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
)

// SiteView is what every page template sees as .Site.
type SiteView struct {
	Title, Organization string
	Root                string // URL prefix, ends in "/"
	AsOf                string
	Snapshot            bool
	Commit              string
	Nav                 template.HTML
	Header              []HeaderLink // the reports' links in the site header, in order
	Scripts             []string     // extra scripts (the preview's reload client)
	// Edition is the audience this site is for ("" = the whole site) and
	// EditionMax the highest classification it holds.
	Edition, EditionMax string
	// HeadHTML, HeaderHTML and DrawerHTML are the theme's "site-head",
	// "site-header" and "site-drawer" templates (layouts/_frame.html),
	// executed once per build with this SiteView: the parts of every
	// page's frame that depend only on the site (empty where the theme
	// does not define them). Made from the fields above, they are left
	// out of memo keys.
	HeadHTML, HeaderHTML, DrawerHTML template.HTML `json:"-"`
}

// HeaderLink is one link in the site header; URL includes the root.
type HeaderLink struct{ Title, URL string }

// Crumb is one breadcrumb.
type Crumb struct{ Title, URL string }

// PageData is the value every layout is executed with.
type PageData struct {
	Site    *SiteView
	Kind    string
	Title   string
	URL     string
	Crumbs  CrumbList
	Doc     *DocView
	Content template.HTML
	TOC     TOCList
	Pager   *Pager // a document page's neighbours in navigation order
	Data    any    // kind-specific
	// Marking is the page's classification when it is at or above
	// isms.yaml's marking_from: a banner on screen, a header and footer
	// on paper. "" = unmarked.
	Marking string
	// Main, when set, is the kind's main block already executed for this
	// page (Theme.SharesMain): a report's page in the auditor's copy is
	// framed twice, and the frame shows Main rather than executing main
	// again. The default base.html does; a theme's own frame that does
	// not is given no Main.
	Main template.HTML
}

// Pager links a document page to the pages before and after it in the
// navigation's reading order (by type, then by title); nil at either end.
type Pager struct{ Prev, Next *NavPage }

// Pagers gives every document page (by its URL relative to the root, as
// NavPage.URL) its neighbours in the "By type" navigation, read top to
// bottom: the order a reader who follows "Next" from the first policy
// meets the documents in the sidebar.
func Pagers(nd NavData) map[string]*Pager {
	seq := readingOrder(nd)
	out := make(map[string]*Pager, len(seq))
	for i := range seq {
		if p := pagerAt(seq, i); p != nil {
			out[seq[i].URL] = p
		}
	}
	return out
}

// readingOrder is the "By type" navigation read top to bottom.
func readingOrder(nd NavData) []NavPage {
	var seq []NavPage
	for _, g := range nd.ByType {
		seq = append(seq, g.Pages...)
	}
	return seq
}

// pagerAt is the pager of seq[i]: nil when it has no neighbour.
func pagerAt(seq []NavPage, i int) *Pager {
	p := &Pager{}
	if i > 0 {
		p.Prev = &seq[i-1]
	}
	if i+1 < len(seq) {
		p.Next = &seq[i+1]
	}
	if p.Prev == nil && p.Next == nil {
		return nil
	}
	return p
}

// PagerFor is Pagers(nd)[url] alone.
func PagerFor(nd NavData, url string) *Pager {
	seq := readingOrder(nd)
	i := slices.IndexFunc(seq, func(p NavPage) bool { return p.URL == url })
	if i < 0 {
		return nil
	}
	return pagerAt(seq, i)
}

// ControlView is an Annex A control cited by a document.
type ControlView struct{ ID, Title, URL string } // URL: the control's row on /soa/

// RefView is a linked document in inputs or outputs.
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
	Inputs, Outputs                      []RefView
	Revisions                            RevisionList
	File                                 *FileView
	Diagram                              template.HTML
	Sections                             []DocSection // reports' parts of the page (a register's risks), after the body
	URL                                  string
	// Control is the "control-panel" partial executed for this document
	// once, for its page and its part in the auditor's copy, where the
	// theme lets them share it (Theme.SharesControl) and the build keeps
	// no memo; "" otherwise, and the layout executes the partial itself:
	// {{if .Control}}{{.Control}}{{else}}{{template "control-panel" .}}{{end}}.
	Control template.HTML
}

// DocSection is a report's part of a document page, shown after the body
// under its own heading: HTML the report rendered from the document's
// records (the author's prose stays above it).
type DocSection struct {
	ID, Title, Class string
	HTML             template.HTML
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

func badge(d *model.Document) string {
	switch d.Status {
	case "draft", "retired":
		return d.Status
	}
	return ""
}

// Groups builds the by-type and by-clause lists used by the navigation and
// the home page, in a stable order: types in schema order, then pages by
// title. The pages are put in that order once, and each group takes them
// in it: one sort of the site's entries, not one of every group's (a
// page is in its type's group and in each of its clauses' groups).
func Groups(s *link.Site) NavData {
	nd := NavData{Root: s.Root}
	all := make([]NavPage, len(s.Pages))
	order := make([]int, len(s.Pages))
	for i, p := range s.Pages {
		all[i], order[i] = NavPageOf(p), i
	}
	slices.SortFunc(order, func(a, b int) int { return navOrder(all[a], all[b]) })
	byType := map[string][]NavPage{}
	byClause := map[string][]NavPage{}
	var seen []string // a document's main clauses: a handful
	for _, i := range order {
		d, np := s.Pages[i].Doc, all[i]
		byType[d.Type] = append(byType[d.Type], np)
		seen = seen[:0]
		for _, c := range d.Clauses {
			mc := iso.MainClause(c)
			if !slices.Contains(seen, mc) {
				seen = append(seen, mc)
				byClause[mc] = append(byClause[mc], np)
			}
		}
	}
	for _, t := range model.Types {
		if ps := byType[t]; len(ps) > 0 {
			nd.ByType = append(nd.ByType, NavGroup{Title: model.TypeTitle(t), Type: t, Pages: ps})
		}
	}
	for _, c := range iso.Clauses {
		nd.ByClause = append(nd.ByClause, NavGroup{Number: c.Number, Title: c.Title, Pages: byClause[c.Number]})
	}
	return nd
}

// navOrder is the order of a group's pages: by title, then URL.
func navOrder(a, b NavPage) int {
	return cmp.Or(cmp.Compare(a.Title, b.Title), cmp.Compare(a.URL, b.URL))
}

// NavPageOf is p's entry in the navigation and the home page's lists.
func NavPageOf(p *link.Page) NavPage {
	return NavPage{ID: p.Doc.ID, Title: p.Doc.Title, URL: p.Href, Badge: badge(p.Doc)}
}

// With is nd with the entry for np.URL replaced by np and moved to its
// place in each group that lists it, and listed in the "By ISO clause"
// groups of clauses (a document's clauses, as Groups reads them) and
// only those: what Groups gives once that document has np's title and
// badge and those clauses (its type as it was). Groups it changes
// nothing in are shared with nd.
func (nd NavData) With(np NavPage, clauses []string) NavData {
	in := map[string]bool{}
	for _, c := range clauses {
		in[iso.MainClause(c)] = true
	}
	place := func(gs []NavGroup, listed func(NavGroup, bool) bool) []NavGroup {
		out := slices.Clone(gs)
		for i, g := range out {
			j := slices.IndexFunc(g.Pages, func(p NavPage) bool { return p.URL == np.URL })
			ps := g.Pages
			if j >= 0 {
				ps = slices.Delete(slices.Clone(ps), j, j+1)
			}
			if !listed(g, j >= 0) {
				if j >= 0 {
					out[i].Pages = ps
					if len(ps) == 0 {
						out[i].Pages = nil // as Groups leaves a clause no document names
					}
				}
				continue
			}
			if j < 0 {
				ps = slices.Clone(ps)
			}
			k, _ := slices.BinarySearchFunc(ps, np, navOrder)
			out[i].Pages = slices.Insert(ps, k, np)
		}
		return out
	}
	return NavData{
		Root:     nd.Root,
		ByType:   place(nd.ByType, func(_ NavGroup, was bool) bool { return was }),
		ByClause: place(nd.ByClause, func(g NavGroup, _ bool) bool { return in[g.Number] }),
	}
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
func Crumbs(d *model.Document) CrumbList {
	return CrumbList{{Title: "Home", URL: ""}, {Title: model.TypeTitle(d.Type), URL: "#type-" + d.Type}, {Title: d.Title}}
}

// TOC keeps h2 and h3 headings, when there are enough to be worth a table.
func TOC(hs []markdown.Heading) TOCList {
	var out TOCList
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

// NavFullMax is the largest site whose document pages each carry the whole
// navigation. The whole navigation is O(N) bytes on each of N pages:
// 2 MB a page and 20 GB a build at 10,000 documents. Above this size a
// document page lists its own type's pages around it and only the name
// and count of the other groups; the home page keeps every list.
const NavFullMax = 500

// navWindow is how many neighbours each way a large site's navigation lists.
const navWindow = 25

// Navs hands out the navigation of each document page. Everything is
// rendered once per site; a page costs O(1) beyond that.
type Navs struct {
	full    template.HTML
	root    string
	large   bool
	groups  []navGroup
	clauses string            // the "By ISO clause" block, every group collapsed
	at      map[string][2]int // page URL → its group and its place in the group

	shared [32]byte  // Key: the whole navigation (small sites), or all but the pages listed (large)
	hashed sync.Once // shared and the groups' sums, on a large site taken at the first Key
}

type navGroup struct {
	open      string     // <li><details open><summary>… up to the list
	items     []string   // one <li> per page, in navigation order
	sums      [][32]byte // each item's hash, for Key
	collapsed string     // the whole group, closed, pointing to the home page
}

// NewNavs prepares the navigation of a site of pages documents: full is
// the theme's "nav" partial executed with nd, used as it is for small sites.
func NewNavs(nd NavData, full template.HTML, pages int) *Navs {
	n := &Navs{full: full, root: nd.Root, large: pages > NavFullMax}
	if !n.large {
		n.shared = sha256.Sum256([]byte(full))
		return n
	}
	esc := template.HTMLEscapeString
	more := func(text string) string {
		return `<li class="nav-more"><a href="` + esc(nd.Root) + `">` + esc(text) + `</a></li>`
	}
	summary := func(title string, count int) string {
		return `<summary>` + esc(title) + ` <span class="count">` + strconv.Itoa(count) + `</span></summary>`
	}
	n.at = make(map[string][2]int, pages)
	for gi, g := range nd.ByType {
		ng := navGroup{
			open: `<li><details open>` + summary(g.Title, len(g.Pages)) + `<ul>`,
			collapsed: `<li><details>` + summary(g.Title, len(g.Pages)) + `<ul>` +
				more(fmt.Sprintf("All %d on the home page", len(g.Pages))) + `</ul></details></li>`,
		}
		for _, p := range g.Pages {
			item := `<li><a href="` + esc(nd.Root+p.URL) + `">` + esc(p.Title)
			if p.Badge != "" {
				item += ` <span class="badge badge-` + esc(p.Badge) + `">` + esc(p.Badge) + `</span>`
			}
			ng.items = append(ng.items, item+`</a></li>`)
			n.at[p.URL] = [2]int{gi, len(ng.items) - 1}
		}
		n.groups = append(n.groups, ng)
	}
	var b strings.Builder
	b.WriteString("<details class=\"nav-group\"><summary>By ISO clause</summary>\n<ul>")
	for _, g := range nd.ByClause {
		b.WriteString(`<li><details>` + summary(g.Number+" "+g.Title, len(g.Pages)) + `<ul>` +
			more(fmt.Sprintf("All %d on the home page", len(g.Pages))) + `</ul></details></li>`)
	}
	b.WriteString("</ul>\n</details>")
	n.clauses = b.String()
	return n
}

// hash takes a large site's shared hash and each item's, for Key.
func (n *Navs) hash() {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	field(n.root)
	field(n.clauses)
	for i := range n.groups {
		g := &n.groups[i]
		field(g.open)
		field(g.collapsed)
		g.sums = make([][32]byte, len(g.items))
		for j, it := range g.items {
			g.sums[j] = sha256.Sum256([]byte(it))
		}
	}
	h.Sum(n.shared[:0])
}

// Key hashes what the navigation For(url) writes is made of, in O(1) per
// page on a large site (the pages listed around it, not the whole
// navigation): the preview's memo key of a document page, so that a new
// title re-renders the pages that list it, not every page.
func (n *Navs) Key(url string) []byte {
	if n.large {
		n.hashed.Do(n.hash)
	}
	h := sha256.New()
	h.Write(n.shared[:])
	h.Write([]byte(url))
	if at, ok := n.at[url]; ok && n.large {
		g := &n.groups[at[0]]
		lo, hi := max(0, at[1]-navWindow), min(len(g.items), at[1]+navWindow+1)
		fmt.Fprintf(h, "\x00%d %d %d %d %d", at[0], at[1], lo, hi, len(g.items))
		for _, s := range g.sums[lo:hi] {
			h.Write(s[:])
		}
	}
	return h.Sum(nil)
}

// Shared is the navigation of pages that are not documents (reports,
// history pages): the full one on small sites, every group closed on
// large ones. A page marks itself in it with MarkCurrent.
func (n *Navs) Shared() template.HTML {
	if !n.large {
		return n.full
	}
	return n.build(-1, -1)
}

// For is the navigation of the document page at url (relative to the
// root), with the link to it marked as the current page.
func (n *Navs) For(url string) template.HTML {
	if !n.large {
		return MarkCurrent(n.full, n.root+url)
	}
	at, ok := n.at[url]
	if !ok {
		return n.build(-1, -1)
	}
	return n.build(at[0], at[1])
}

// build writes the navigation with group gi open around its page idx
// (gi = -1: every group closed).
func (n *Navs) build(gi, idx int) template.HTML {
	var b strings.Builder
	b.Grow(8 << 10)
	b.WriteString("<details class=\"nav-group\" open><summary>By type</summary>\n<ul>")
	for i, g := range n.groups {
		if i != gi {
			b.WriteString(g.collapsed)
			continue
		}
		lo, hi := max(0, idx-navWindow), min(len(g.items), idx+navWindow+1)
		b.WriteString(g.open)
		if lo > 0 {
			fmt.Fprintf(&b, `<li class="nav-more"><a href="%s">%d more before: all on the home page</a></li>`, template.HTMLEscapeString(n.root), lo)
		}
		for j := lo; j < hi; j++ {
			if j == idx {
				b.WriteString(strings.Replace(g.items[j], `">`, `" aria-current="page">`, 1))
				continue
			}
			b.WriteString(g.items[j])
		}
		if hi < len(g.items) {
			fmt.Fprintf(&b, `<li class="nav-more"><a href="%s">%d more after: all on the home page</a></li>`, template.HTMLEscapeString(n.root), len(g.items)-hi)
		}
		b.WriteString(`</ul></details></li>`)
	}
	b.WriteString("</ul>\n</details>\n")
	b.WriteString(n.clauses)
	return template.HTML(b.String())
}
