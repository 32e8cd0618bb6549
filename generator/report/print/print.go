// Package print is the auditor's copy: every approved document and the
// reports an auditor asks for (the Statement of Applicability, the
// currency report, the process map) on one page, numbered, for saving as
// one PDF from the browser; /print/. Ids are unique across the copy and
// links between its parts stay inside it (see rewrite.go).
package print

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/isms-project/isms/generator/iso"
	"html"
	"html/template"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/par"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// PrintData is what print.html sees as .Data: the whole approved ISMS in
// manual order, for saving as one PDF from the browser.
type PrintData struct {
	Sections []PrintSection
	Count    int
}

// PrintSection is one document type, or the reports. Number is its
// number in the copy ("3"); its documents and reports are numbered under it.
type PrintSection struct {
	Number        string
	Title, Anchor string
	Docs          []PrintDoc
	Parts         []PrintPart   // the reports' pages, in the last section
	HTML          template.HTML `json:"-"` // where the documents' sections go (see printMarker)
}

// PrintPart is a report's page in the copy (the SoA, the currency report,
// the process map).
type PrintPart struct {
	Number, Title, Anchor, URL string
}

// Part is a report whose page belongs in the auditor's copy. PrintPage
// is the page its Publish publishes (made once for both); false: none.
type Part interface {
	PrintPage(r report.Renderer) (report.Page, bool)
}

// PrintDoc is one document with its rendered body. Its section is
// executed from the "print-doc" template once and cached, so the big page
// is a concatenation rather than 1,000 template runs on every preview
// rebuild; print.html itself sees Content and HTML empty.
type PrintDoc struct {
	Number  string // "3.2"
	Anchor  string
	Doc     *view.DocView
	Content template.HTML `json:"-"` // hashed apart: see Cache.fragment
	HTML    template.HTML `json:"-"` // left empty: the sections are spliced in whole
}

// Report is the auditor's copy. It adds no findings.
type Report struct{ parts []Part }

// New returns the report; parts are the reports whose pages follow the
// documents, in that order.
func New(parts ...Part) *Report { return &Report{parts: parts} }

// Analyze has nothing to check.
func (*Report) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }

// HeaderLink puts the printable manual in the site header, last.
func (*Report) HeaderLink() report.Link {
	return report.Link{Title: "Print", URL: "print/", Weight: 90}
}

// SiteWide marks the report as drawn from the whole site (report.SiteWide): the auditor's copy shows every document.
func (*Report) SiteWide() {}

// Publish writes /print/: every approved document (drafts and retired
// documents are not in force) grouped by type in schema order, processes
// in clause order, the rest by title.
func (rep *Report) Publish(r report.Renderer) ([]report.Page, diag.List) {
	var diags diag.List
	in := r.Input()
	byType := map[string][]*link.Page{}
	cm := &copyMap{root: in.Site.Root, anchors: map[string]string{}}
	if u, err := url.Parse(in.Config.BaseURL); err == nil && u.Scheme != "" && u.Host != "" {
		cm.abs = strings.TrimSuffix(in.Config.BaseURL, "/") + "/"
	}
	for _, p := range in.Site.Pages {
		st := p.Doc.Status
		if st == "" || st == "approved" {
			byType[p.Doc.Type] = append(byType[p.Doc.Type], p)
			cm.anchors[p.URL] = docAnchor(p)
		}
	}
	d := &PrintData{}
	var bodies [][][]byte // each section's documents, spliced into the page
	var scripts []string  // the Mermaid scripts, when a document has a diagram for them
	type docRef struct {
		sec, i int    // the document's place in bodies and d.Sections
		url    string // its page, relative to the root
	}
	var docs []docRef
	// Each section's documents in order, then every document's body and
	// fragment side by side (at 10,000 documents, 1.2 s of work that ran
	// alone while the other reports had finished), then put together in
	// order, reporting what failed as one after the other would have: a
	// body that fails is an error (the build fails), and the first
	// fragment that fails ends it.
	type made struct {
		p        *link.Page
		number   string
		body     []byte
		frag     []byte
		pd       PrintDoc
		bodyErr  error
		frameErr error
	}
	var secs [][]made
	for _, typ := range model.Types {
		ps := byType[typ]
		if len(ps) == 0 {
			continue
		}
		slices.SortFunc(ps, func(a, b *link.Page) int {
			if typ == "process" {
				if c := iso.CompareClause(firstClause(a.Doc), firstClause(b.Doc)); c != 0 {
					return c
				}
			}
			return cmp.Or(cmp.Compare(a.Doc.Title, b.Doc.Title), cmp.Compare(a.Doc.Path, b.Doc.Path))
		})
		ms := make([]made, len(ps))
		for i, p := range ps {
			ms[i] = made{p: p, number: fmt.Sprintf("%d.%d", len(secs)+1, i+1)}
		}
		secs = append(secs, ms)
	}
	var flat []*made
	for i := range secs {
		for j := range secs[i] {
			flat = append(flat, &secs[i][j])
		}
	}
	par.Do(len(flat), func(k int) {
		m := flat[k]
		if m.body, m.bodyErr = r.Body(m.p); m.bodyErr != nil {
			return
		}
		m.pd = PrintDoc{Number: m.number, Anchor: docAnchor(m.p), Doc: r.View(m.p), Content: template.HTML(m.body)}
		m.frag, m.frameErr = r.Fragment("print:"+m.p.URL, "print", "print-doc", m.pd, m.body)
		// The table of contents needs the rest, not a second copy of the body.
		m.body, m.pd.Content = nil, ""
	})
	for _, ms := range secs {
		sec := PrintSection{Number: fmt.Sprint(len(d.Sections) + 1), Title: model.TypeTitle(ms[0].p.Doc.Type), Anchor: "section-" + ms[0].p.Doc.Type}
		var parts [][]byte
		for _, m := range ms {
			p := m.p
			if m.bodyErr != nil {
				diags.Errorf(diag.Pos{Path: p.Display}, "render", "%v", m.bodyErr)
				continue
			}
			if p.MD != nil && p.MD.Mermaid && scripts == nil {
				scripts = view.MermaidScripts
			}
			if m.frameErr != nil {
				diags.Errorf(diag.Pos{Path: "themes/layouts/print.html"}, "theme", "%v", m.frameErr)
				return nil, diags
			}
			docs = append(docs, docRef{len(d.Sections), len(sec.Docs), p.URL})
			sec.Docs = append(sec.Docs, m.pd)
			parts = append(parts, m.frag)
		}
		sec.HTML = template.HTML(printMarker(len(d.Sections)))
		bodies = append(bodies, parts)
		d.Count += len(sec.Docs)
		d.Sections = append(d.Sections, sec)
	}
	// The reports' pages are asked for only now: their reports publish
	// side by side with this one, so by now they are usually made.
	sec := PrintSection{Number: fmt.Sprint(len(d.Sections) + 1), Title: "Reports", Anchor: "section-reports"}
	var pages []report.Page
	for _, pt := range rep.parts {
		if pg, ok := pt.PrintPage(r); ok {
			pp := PrintPart{Number: fmt.Sprintf("%s.%d", sec.Number, len(sec.Parts)+1), Title: pg.Title,
				Anchor: "report-" + strings.ReplaceAll(strings.Trim(pg.URL, "/"), "/", "-"), URL: pg.URL}
			cm.anchors[pg.URL] = pp.Anchor
			sec.Parts = append(sec.Parts, pp)
			pages = append(pages, pg)
		}
	}
	// Every document's and report's ids and links, side by side.
	copyKey := cm.key()
	htmls := make([][]byte, len(pages))
	errs := make([]error, len(pages)+len(docs))
	par.Do(len(pages)+len(docs), func(k int) {
		if k < len(pages) {
			pg, pp := pages[k], sec.Parts[k]
			htmls[k], errs[k] = r.Memo("print-part:"+pg.URL, struct {
				Part PrintPart
				Page report.Page
				Copy [32]byte
			}{pp, pg, copyKey}, func() ([]byte, error) { return rep.part(r, cm, pg, pp, false) })
			if errors.Is(errs[k], errNoMain) {
				// Without <main> the part holds the whole frame, navigation
				// and all, which the key above does not name: not cached.
				htmls[k], errs[k] = rep.part(r, cm, pg, pp, true)
			}
			return
		}
		at := docs[k-len(pages)]
		frag, pd := bodies[at.sec][at.i], d.Sections[at.sec].Docs[at.i]
		bodies[at.sec][at.i] = cm.rewrite(make([]byte, 0, len(frag)+len(frag)/16), frag, at.url, pd.Anchor, true)
	})
	for k, err := range errs[:len(pages)] {
		if err != nil {
			diags.Errorf(diag.Pos{Path: "themes/layouts/" + pages[k].Layout + ".html"}, "theme", "%v", err)
			return nil, diags
		}
	}
	if len(pages) > 0 {
		sec.HTML = template.HTML(printMarker(len(d.Sections)))
		bodies = append(bodies, htmls)
		d.Sections = append(d.Sections, sec)
	}
	// Framed, not published as a page: a page's cache key is its data's
	// JSON, which leaves the bodies out; the fragments above are what is
	// cached.
	const title = "The auditor's copy for print"
	frame, err := r.Frame(report.Page{URL: "print/", Layout: "print", Title: title, Crumbs: report.Crumbs(title), Data: d, Scripts: scripts})
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/print.html"}, "theme", "%v", err)
		return nil, diags
	}
	return []report.Page{{URL: "print/index.html", Parts: splicePrint(frame, bodies)}}, diags
}

// printMarker stands in for section i's documents while print.html runs.
// The page is the size of the whole ISMS (130 MB at 10,000 documents):
// passing it through the template would copy it three times (fmt, the
// growing buffer, the result), so the template sees a marker and
// splicePrint puts the documents in its place, without copying them.
// Content cannot forge a marker: everything from content is escaped, and
// the bodies are spliced in after the markers were found.
func printMarker(i int) string { return fmt.Sprintf("<!--isms:print-section:%d-->", i) }

// splicePrint replaces each marker in frame with its section's documents
// (as often as the theme printed it), as the pieces of the page in order:
// pieces of frame and the documents' bodies, none copied.
func splicePrint(frame []byte, bodies [][][]byte) [][]byte {
	type hit struct{ at, end, sec int }
	var hits []hit
	for i := range bodies {
		m := []byte(printMarker(i))
		for off := 0; ; {
			j := bytes.Index(frame[off:], m)
			if j < 0 {
				break
			}
			hits = append(hits, hit{off + j, off + j + len(m), i})
			off += j + len(m)
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.at - b.at })
	var out [][]byte
	last := 0
	for _, h := range hits {
		out = append(out, frame[last:h.at:h.at])
		out = append(out, bodies[h.sec]...)
		last = h.end
	}
	return append(out, frame[last:])
}

// part is a report's page as a part of the copy: the inside of its
// <main> in the theme's frame, its ids and links rewritten, headed by
// its number.
func (*Report) part(r report.Renderer, cm *copyMap, pg report.Page, pp PrintPart, whole bool) ([]byte, error) {
	pg.Crumbs, pg.Scripts = nil, nil
	framed, err := r.Frame(pg)
	if err != nil {
		return nil, err
	}
	inner, ok := mainOf(framed)
	switch {
	case !ok && !whole:
		return nil, errNoMain
	case !ok: // a theme without <main>: the whole page (less <html>)
		inner = bodyOf(framed)
	}
	out := make([]byte, 0, len(inner)+len(inner)/16+200)
	out = append(out, `<section class="print-doc print-part" id="`+html.EscapeString(pp.Anchor)+`">`+"\n"+
		`<p class="doc-kicker print-number">`+html.EscapeString(pp.Number)+` · Report</p>`...)
	out = cm.rewrite(out, inner, pg.URL, pp.Anchor, false)
	return append(out, "</section>\n"...), nil
}

// errNoMain is a theme frame without a <main> element.
var errNoMain = errors.New("the theme's frame has no <main>")

// key names the copy's map for the cache: a report page's part is made
// again when a page joins or leaves the copy.
func (c *copyMap) key() [32]byte {
	h := sha256.New()
	h.Write([]byte(c.root + "\x00" + c.abs + "\x00"))
	for _, k := range slices.Sorted(maps.Keys(c.anchors)) {
		h.Write([]byte(k + "\x00" + c.anchors[k] + "\x00"))
	}
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// docAnchor is a document's id in the copy.
func docAnchor(p *link.Page) string { return "doc-" + strings.ToLower(p.Doc.ID) }

func firstClause(d *model.Document) string {
	if len(d.Clauses) == 0 {
		return "99"
	}
	return d.Clauses[0]
}
