// Package print is the printable manual: every approved document on one
// page, for saving as one PDF from the browser; /print/.
package print

import (
	"bytes"
	"cmp"
	"fmt"
	"github.com/isms-project/isms/generator/iso"
	"html/template"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// PrintData is what print.html sees as .Data: the whole approved ISMS in
// manual order, for saving as one PDF from the browser.
type PrintData struct {
	Sections []PrintSection
	Count    int
}

// PrintSection is one document type.
type PrintSection struct {
	Title, Anchor string
	Docs          []PrintDoc
	HTML          template.HTML `json:"-"` // where the documents' sections go (see printMarker)
}

// PrintDoc is one document with its rendered body. Its section is
// executed from the "print-doc" template once and cached, so the big page
// is a concatenation rather than 1,000 template runs on every preview
// rebuild; print.html itself sees Content and HTML empty.
type PrintDoc struct {
	Anchor  string
	Doc     *view.DocView
	Content template.HTML `json:"-"` // hashed apart: see Cache.fragment
	HTML    template.HTML `json:"-"` // left empty: the sections are spliced in whole
}

// Report is the printable manual. It adds no findings.
type Report struct{}

// New returns the report.
func New() *Report { return &Report{} }

// Analyze has nothing to check.
func (*Report) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }

// HeaderLink puts the printable manual in the site header, last.
func (*Report) HeaderLink() report.Link {
	return report.Link{Title: "Print", URL: "print/", Weight: 90}
}

// Publish writes /print/: every approved document (drafts and retired
// documents are not in force) grouped by type in schema order, processes
// in clause order, the rest by title.
func (*Report) Publish(r report.Renderer) ([]report.Page, diag.List) {
	var diags diag.List
	byType := map[string][]*link.Page{}
	for _, p := range r.Input().Site.Pages {
		st := p.Doc.Status
		if st == "" || st == "approved" {
			byType[p.Doc.Type] = append(byType[p.Doc.Type], p)
		}
	}
	d := &PrintData{}
	var bodies [][][]byte // each section's documents, spliced into the page
	var scripts []string  // the Mermaid scripts, when a document has a diagram for them
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
		sec := PrintSection{Title: model.TypeTitle(typ), Anchor: "section-" + typ}
		var parts [][]byte
		for _, p := range ps {
			body, err := r.Body(p)
			if err != nil {
				diags.Errorf(diag.Pos{Path: p.Display}, "render", "%v", err)
				continue
			}
			if p.MD != nil && p.MD.Mermaid && scripts == nil {
				scripts = view.MermaidScripts
			}
			pd := PrintDoc{Anchor: "doc-" + strings.ToLower(p.Doc.ID), Doc: r.View(p), Content: template.HTML(body)}
			frag, err := r.Fragment("print:"+p.URL, "print", "print-doc", pd, body)
			if err != nil {
				diags.Errorf(diag.Pos{Path: "themes/layouts/print.html"}, "theme", "%v", err)
				return nil, diags
			}
			pd.Content = "" // the table of contents needs the rest, not a second copy of the body
			sec.Docs = append(sec.Docs, pd)
			parts = append(parts, frag)
		}
		sec.HTML = template.HTML(printMarker(len(d.Sections)))
		bodies = append(bodies, parts)
		d.Count += len(sec.Docs)
		d.Sections = append(d.Sections, sec)
	}
	// Framed, not published as a page: a page's cache key is its data's
	// JSON, which leaves the bodies out; the fragments above are what is
	// cached.
	const title = "The whole manual for print"
	frame, err := r.Frame(report.Page{URL: "print/", Layout: "print", Title: title, Crumbs: report.Crumbs(title), Data: d, Scripts: scripts})
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/print.html"}, "theme", "%v", err)
		return nil, diags
	}
	return []report.Page{{URL: "print/index.html", Bytes: splicePrint(frame, bodies)}}, diags
}

// printMarker stands in for section i's documents while print.html runs.
// The page is the size of the whole ISMS (130 MB at 10,000 documents):
// passing it through the template would copy it three times (fmt, the
// growing buffer, the result), so the template sees a marker and
// splicePrint puts the documents in its place, in one exact allocation.
// Content cannot forge a marker: everything from content is escaped, and
// the bodies are spliced in after the markers were found.
func printMarker(i int) string { return fmt.Sprintf("<!--isms:print-section:%d-->", i) }

// splicePrint replaces each marker in frame with its section's documents
// (as often as the theme printed it).
func splicePrint(frame []byte, bodies [][][]byte) []byte {
	type hit struct{ at, end, sec int }
	var hits []hit
	size := len(frame)
	for i, parts := range bodies {
		m := []byte(printMarker(i))
		n := 0
		for _, b := range parts {
			n += len(b)
		}
		for off := 0; ; {
			j := bytes.Index(frame[off:], m)
			if j < 0 {
				break
			}
			hits = append(hits, hit{off + j, off + j + len(m), i})
			size += n - len(m)
			off += j + len(m)
		}
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.at - b.at })
	out := make([]byte, 0, size)
	last := 0
	for _, h := range hits {
		out = append(out, frame[last:h.at]...)
		for _, b := range bodies[h.sec] {
			out = append(out, b...)
		}
		last = h.end
	}
	return append(out, frame[last:]...)
}

func firstClause(d *model.Document) string {
	if len(d.Clauses) == 0 {
		return "99"
	}
	return d.Clauses[0]
}
