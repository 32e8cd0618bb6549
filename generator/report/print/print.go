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
	"html"
	"html/template"
	"maps"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
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

// Embeds are the reports whose pages the copy holds (report.Embedder).
func (r *Report) Embeds() []report.Report {
	var out []report.Report
	for _, p := range r.parts {
		if rep, ok := p.(report.Report); ok {
			out = append(out, rep)
		}
	}
	return out
}

// Analyze has nothing to check.
func (*Report) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }

// HeaderLink puts the printable manual in the site header, last.
func (*Report) HeaderLink() report.Link {
	return report.Link{Title: "Print", URL: "print/", Weight: 90}
}

// SiteWide marks the report as drawn from the whole site (report.SiteWide): the auditor's copy shows every document.
func (*Report) SiteWide() {}

// Reserves lists the auditor's copy (report.Reserver).
func (*Report) Reserves(*link.Site) []string { return []string{"print/index.html"} }

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
	var scripts []string // the Mermaid scripts, when a document has a diagram for them
	var secs [][]*link.Page
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
		secs = append(secs, ps)
	}
	// The table of contents: each document's number, anchor and view.
	// Their sections, bodies and all, are made as the page is written
	// (see stream): at 10,000 documents the page is 135 MB, and a build
	// writing files as it goes never holds it whole.
	var flat []*link.Page
	for _, ps := range secs {
		flat = append(flat, ps...)
	}
	views := make([]*view.DocView, len(flat))
	par.Do(len(flat), func(k int) { views[k] = r.View(flat[k]) })
	for _, ps := range secs {
		sec := PrintSection{Number: fmt.Sprint(len(d.Sections) + 1), Title: model.TypeTitle(ps[0].Doc.Type), Anchor: "section-" + ps[0].Doc.Type}
		for i, p := range ps {
			if p.MD != nil && p.MD.Mermaid && scripts == nil {
				scripts = view.MermaidScripts
			}
			sec.Docs = append(sec.Docs, PrintDoc{Number: fmt.Sprintf("%s.%d", sec.Number, i+1), Anchor: docAnchor(p), Doc: views[0]})
			views = views[1:]
		}
		sec.HTML = template.HTML(printMarker(len(d.Sections)))
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
			r.Expect(pg)
		}
	}
	// Every report's ids and links, side by side, are made as the page is
	// written (parts), beside its documents' sections.
	copyKey := cm.key()
	if len(pages) > 0 {
		sec.HTML = template.HTML(printMarker(len(d.Sections)))
		d.Sections = append(d.Sections, sec)
	}
	// Framed, not published as a page: a page's cache key is its data's
	// JSON, which leaves the bodies out; the fragments are what is cached.
	const title = "The auditor's copy for print"
	frame, err := r.Frame(report.Page{URL: "print/", Layout: "print", Title: title, Crumbs: report.Crumbs(title), Data: d, Scripts: scripts})
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/print.html"}, "theme", "%v", err)
		return nil, diags
	}
	pieces := splicePrint(frame, len(d.Sections))
	stream := func(write func([]byte) error) (diags diag.List, err error) {
		parts := rep.makeParts(r, cm, copyKey, pages, sec.Parts)
		partsTold := false
		// partsFailed waits for the parts and says what failed, once.
		partsFailed := func() bool {
			failed := false
			for k, err := range parts.wait() {
				if err != nil {
					failed = true
					if !partsTold {
						diags.Errorf(diag.Pos{Path: "themes/layouts/" + pages[k].Layout + ".html"}, "theme", "%v", err)
					}
				}
			}
			partsTold = true
			return failed
		}
		defer partsFailed()    // never returns while they are being made; a theme need not show them
		made := map[int]bool{} // sections whose problems are reported (a theme may print one twice)
		for _, pc := range pieces {
			switch {
			case pc.sec < 0:
				err = write(pc.frame)
			case pc.sec < len(secs):
				var stop bool
				to := &diags
				if made[pc.sec] {
					to = new(diag.List)
				}
				made[pc.sec] = true
				stop, err = rep.section(r, cm, secs[pc.sec], d.Sections[pc.sec].Docs, write, to)
				if stop {
					return diags, nil
				}
			default:
				if partsFailed() {
					return diags, nil
				}
				for _, h := range parts.htmls {
					if err = write(h); err != nil {
						break
					}
				}
			}
			if err != nil {
				return diags, err
			}
		}
		return diags, nil
	}
	return []report.Page{{URL: "print/index.html", Stream: stream}}, diags
}

// partsMade are the reports' parts of the copy, being made.
type partsMade struct {
	done  chan struct{}
	htmls [][]byte
	errs  []error
}

// wait waits until every part is made and says which failed.
func (p *partsMade) wait() []error {
	<-p.done
	return p.errs
}

// makeParts starts making the reports' pages' parts of the copy, side by
// side: each one's page framed (its main block shared with the page
// itself: Renderer.Expect), its ids and links rewritten. They are made
// while the documents' sections are written, for the currency page's
// main block takes as long as a hundred documents' sections, and made
// before the page is written it held up every page after it.
func (rep *Report) makeParts(r report.Renderer, cm *copyMap, copyKey [32]byte, pages []report.Page, pps []PrintPart) *partsMade {
	p := &partsMade{done: make(chan struct{}), htmls: make([][]byte, len(pages)), errs: make([]error, len(pages))}
	go func() {
		defer close(p.done)
		par.Do(len(pages), func(k int) {
			pg, pp := pages[k], pps[k]
			p.htmls[k], p.errs[k] = r.Memo("print-part:"+pg.URL, struct {
				Part PrintPart
				Page report.Page
				Copy [32]byte
			}{pp, pg, copyKey}, func() ([]byte, error) { return rep.part(r, cm, pg, pp, false) })
			if errors.Is(p.errs[k], errNoMain) {
				// Without <main> the part holds the whole frame, navigation
				// and all, which the key above does not name: not cached.
				p.htmls[k], p.errs[k] = rep.part(r, cm, pg, pp, true)
			}
		})
	}()
	return p
}

// ahead is how many documents' sections are made ahead of the one being
// written: enough to keep every core busy, a megabyte or so.
const ahead = 64

// section writes the sections of a section's documents in order, made on
// every core a few ahead of the writing: each one's body and fragment,
// its ids and links rewritten for the copy. A body that fails is an error
// (the build fails) and its document is left out; the first fragment that
// fails ends the page (stop).
func (*Report) section(r report.Renderer, cm *copyMap, ps []*link.Page, docs []PrintDoc, write func([]byte) error, diags *diag.List) (stop bool, err error) {
	type made struct {
		b                 []byte
		buf               *[]byte // b's buffer, from sectionBufs
		bodyErr, frameErr error
	}
	ms := make([]made, len(ps))
	par.Ordered(len(ps), ahead, func(i int) {
		p, pd := ps[i], docs[i]
		body, err := r.Body(p)
		if err != nil {
			ms[i].bodyErr = err
			return
		}
		pd.Content = view.BytesHTML(body)
		// The fragment is rewritten straight from the theme's buffer.
		buf := sectionBufs.Get().(*[]byte)
		ms[i].buf = buf
		err = r.FragmentTo("print:"+p.URL, "print", "print-doc", pd, body, func(frag []byte) {
			ms[i].b = cm.rewrite(slices.Grow((*buf)[:0], len(frag)+len(frag)/16), frag, p.URL, pd.Anchor, true)
		})
		if err != nil {
			ms[i].frameErr = err
			return
		}
	}, func(i int) bool {
		m := ms[i]
		ms[i] = made{}
		switch {
		case m.bodyErr != nil:
			diags.Errorf(diag.Pos{Path: ps[i].Display}, "render", "%v", m.bodyErr)
			return true
		case m.frameErr != nil:
			diags.Errorf(diag.Pos{Path: "themes/layouts/print.html"}, "theme", "%v", m.frameErr)
			stop = true
			return false
		}
		err = write(m.b)
		if cap(m.b) <= maxSectionBuf {
			*m.buf = m.b
			sectionBufs.Put(m.buf)
		}
		return err == nil
	})
	return stop, err
}

// sectionBufs are the buffers documents' sections are rewritten into,
// reused once written (write keeps nothing: see report.Page's Stream):
// 260 MB of allocations at 10,000 documents otherwise. A buffer grown
// past maxSectionBuf, for a very long document, is let go.
var sectionBufs = sync.Pool{New: func() any { return new([]byte) }}

const maxSectionBuf = 1 << 20

// printMarker stands in for section i's documents while print.html runs.
// The page is the size of the whole ISMS (130 MB at 10,000 documents):
// passing it through the template would copy it three times (fmt, the
// growing buffer, the result), so the template sees a marker and the
// documents are written in its place as they are made.
// Content cannot forge a marker: everything from content is escaped, and
// the documents are put in after the markers were found.
func printMarker(i int) string { return fmt.Sprintf("<!--isms:print-section:%d-->", i) }

// printPiece is a piece of the print page: a piece of the frame (sec
// -1), or where section sec's documents go.
type printPiece struct {
	frame []byte
	sec   int
}

// splicePrint cuts frame at each marker of sections 0..n-1 (as often as
// the theme printed it): the pieces of the page in order, none copied.
func splicePrint(frame []byte, n int) []printPiece {
	type hit struct{ at, end, sec int }
	var hits []hit
	for i := range n {
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
	var out []printPiece
	last := 0
	for _, h := range hits {
		out = append(out, printPiece{frame: frame[last:h.at:h.at], sec: -1}, printPiece{sec: h.sec})
		last = h.end
	}
	return append(out, printPiece{frame: frame[last:], sec: -1})
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
