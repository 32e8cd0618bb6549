package render

import (
	"cmp"
	"context"
	"errors"
	"html/template"
	"slices"
	"sync"

	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// lender is what the render stage lends the reports (report.Renderer):
// the build's analysis, the memoised document views and bodies, and the
// theme, preview cache and diagram layout behind the pages they publish.
type lender struct{ in *renderInput }

func (l *lender) Input() *report.Input              { return l.in.en.Input }
func (l *lender) Findings() []model.Finding         { l.in.en.Wait(); return l.in.en.Findings }
func (l *lender) Events() []currency.Event          { return l.in.en.Events }
func (l *lender) Ref(id string) view.RefView        { return refView(l.in.site, id, nil) }
func (l *lender) View(p *link.Page) *view.DocView   { return l.in.view(l, p) }
func (l *lender) Body(p *link.Page) ([]byte, error) { return l.in.body(p) }
func (l *lender) Has(layout string) bool            { return l.in.theme.Has(layout) }
func (l *lender) Frame(p report.Page) ([]byte, error) {
	pd := l.data(p, l.in.marking(l.in.ranks(p.Sources)))
	if m := l.in.mains; m != nil && len(p.Crumbs) == 0 && l.in.theme.SharesMain(p.Layout) {
		// The auditor's copy frames a report's page without its
		// breadcrumbs: its main block, made once, goes into the page
		// too (pageTo). The copy's own frame has breadcrumbs, and no
		// page to share with.
		pd.Main = m.make(p, l.mainOf(p, pd))
	}
	return l.in.theme.Execute(p.Layout, pd)
}

func (l *lender) Expect(p report.Page) {
	if m := l.in.mains; m != nil && l.in.theme.SharesMain(p.Layout) {
		m.expect(p)
	}
}

// mainOf executes p's main block with pd.
func (l *lender) mainOf(p report.Page, pd *view.PageData) func() ([]byte, error) {
	return func() ([]byte, error) { return l.in.theme.FragmentBytes(p.Layout, "main", pd) }
}

// mains holds the main blocks of report pages the auditor's copy frames
// (lender.Frame) while their own pages are rendered (pageTo), so that
// each is executed once, by whichever of the two comes first: executing
// the currency page's main block, a table row a document, was 2 % of a
// build's CPU, and it was done twice.
type mains struct {
	mu sync.Mutex
	m  map[string]*mainBlock // by layout and URL
}

type mainBlock struct {
	once sync.Once
	b    template.HTML // "" if it failed: each then executes main itself and says what failed
	left int           // of the page and its part, those still to take it
}

func mainKey(p report.Page) string { return p.Layout + "\x00" + p.URL }

// expect makes room for p's main block, to be taken by its page and its
// part in the copy.
func (m *mains) expect(p report.Page) {
	m.mu.Lock()
	if m.m[mainKey(p)] == nil {
		m.m[mainKey(p)] = &mainBlock{left: 2}
	}
	m.mu.Unlock()
}

// make returns p's main block for its part in the copy, made by exec
// unless the page made it first; "" if it failed (the part then executes
// main itself and says what failed).
func (m *mains) make(p report.Page, exec func() ([]byte, error)) template.HTML {
	m.mu.Lock()
	e := m.m[mainKey(p)]
	if e == nil { // not expected: kept for the page, if it comes later
		e = &mainBlock{left: 2}
		m.m[mainKey(p)] = e
	}
	m.mu.Unlock()
	e.made(exec)
	m.took(p, e)
	return e.b
}

// take returns p's main block for its page, made by exec unless the copy
// made it first, if the copy frames p; else, or if it failed, "": the
// page executes main itself.
func (m *mains) take(p report.Page, exec func() ([]byte, error)) template.HTML {
	m.mu.Lock()
	e := m.m[mainKey(p)]
	m.mu.Unlock()
	if e == nil {
		return ""
	}
	e.made(exec) // or made by a Frame still running: wait for it
	m.took(p, e)
	return e.b
}

func (e *mainBlock) made(exec func() ([]byte, error)) {
	e.once.Do(func() {
		if b, err := exec(); err == nil {
			e.b = template.HTML(b)
		}
	})
}

// took forgets e once both have taken it.
func (m *mains) took(p report.Page, e *mainBlock) {
	m.mu.Lock()
	if e.left--; e.left <= 0 && m.m[mainKey(p)] == e {
		delete(m.m, mainKey(p))
	}
	m.mu.Unlock()
}

func (l *lender) Fragment(key, layout, name string, data any, big []byte) ([]byte, error) {
	return l.in.remember("fragment:"+key, func() ([]byte, error) {
		return l.in.theme.FragmentBytes(layout, name, data)
	}, layout, name, data, big)
}

func (l *lender) FragmentTo(key, layout, name string, data any, big []byte, use func(b []byte)) error {
	if l.in.store == nil {
		return l.in.theme.FragmentTo(layout, name, data, use)
	}
	b, err := l.Fragment(key, layout, name, data, big)
	if err != nil {
		return err
	}
	use(b)
	return nil
}

func (l *lender) Memo(key string, data any, make func() ([]byte, error)) ([]byte, error) {
	return l.in.remember("memo:"+key, make, data)
}

func (l *lender) Diagram(dot []byte) (template.HTML, error) {
	svg, err := l.in.diagrams.SVG(context.Background(), dot)
	return template.HTML(svg), err
}

// data is the template data of a report's page: the site frame with the
// page marked current in the navigation and its own scripts added.
func (l *lender) data(p report.Page, marking string) *view.PageData {
	sv := l.in.sv
	site := *sv
	site.Nav = view.MarkCurrent(sv.Nav, sv.Root+p.URL)
	if len(p.Scripts) > 0 {
		site.Scripts = slices.Clone(sv.Scripts)
		for _, s := range p.Scripts {
			site.Scripts = append(site.Scripts, sv.Root+s)
		}
	}
	return &view.PageData{Site: &site, Kind: cmp.Or(p.Kind, p.Layout), Title: p.Title, URL: p.URL, Crumbs: p.Crumbs, Data: p.Data, Marking: marking}
}

// errStreamed is a page made as it is written handed to page or pageTo:
// publishPages writes such pages itself.
var errStreamed = errors.New("a page made as it is written (report.Page.Stream) goes through publishPages")

// page renders one page a report published: its bytes as they are, or
// its layout in the site frame, reused from the previous build while its
// data and the navigation are unchanged.
func (l *lender) page(p report.Page, marking string) ([]byte, error) {
	if p.Layout == "" {
		if p.Stream != nil {
			return nil, errStreamed
		}
		return p.Bytes, nil
	}
	pd := l.data(p, marking)
	if l.in.store == nil {
		l.takeMain(p, pd)
		return l.in.theme.Execute(p.Layout, pd)
	}
	return l.in.remember("page:"+p.URL, func() ([]byte, error) { return l.in.theme.Execute(p.Layout, pd) }, p.Layout, NavPart(pd.Site.Nav), pd)
}

// takeMain gives pd the main block p shares with its part in the
// auditor's copy (Frame), if the copy frames it.
func (l *lender) takeMain(p report.Page, pd *view.PageData) {
	if m := l.in.mains; m != nil && l.in.theme.SharesMain(p.Layout) {
		pd.Main = m.take(p, l.mainOf(p, pd))
	}
}

// pageTo is page handing the page to use; without a memo, b is the
// theme's buffer, valid only until use returns.
func (l *lender) pageTo(p report.Page, marking string, use func(b []byte) error) error {
	if p.Layout == "" {
		if p.Stream != nil {
			return errStreamed
		}
		return use(p.Bytes)
	}
	if l.in.store == nil {
		pd := l.data(p, marking)
		l.takeMain(p, pd)
		return l.in.theme.ExecuteTo(p.Layout, pd, use)
	}
	b, err := l.page(p, marking)
	if err != nil {
		return err
	}
	return use(b)
}
