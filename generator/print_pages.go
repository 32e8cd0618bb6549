package generator

import (
	"cmp"
	"html/template"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/render"
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
	HTML          template.HTML `json:"-"` // the documents' sections, joined once (13 MB at 1,000 documents)
}

// PrintDoc is one document with its rendered body. HTML is the
// document's section, executed from the "print-doc" template once and
// cached, so the big page is a concatenation rather than 1,000 template
// runs on every preview rebuild.
type PrintDoc struct {
	Anchor  string
	Doc     *render.DocView
	Content template.HTML `json:"-"` // hashed apart: see Cache.fragment
	HTML    template.HTML `json:"-"`
}

// renderPrint writes /print/: every approved document (drafts and retired
// documents are not in force) grouped by type in schema order, processes
// in clause order, the rest by title.
func renderPrint(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {
	byType := map[string][]*link.Page{}
	for _, p := range in.site.Pages {
		st := p.Doc.Status
		if st == "" || st == "approved" {
			byType[p.Doc.Type] = append(byType[p.Doc.Type], p)
		}
	}
	d := &PrintData{}
	for _, typ := range model.Types {
		ps := byType[typ]
		if len(ps) == 0 {
			continue
		}
		slices.SortFunc(ps, func(a, b *link.Page) int {
			if typ == "process" {
				if c := compareClause(firstClause(a.Doc), firstClause(b.Doc)); c != 0 {
					return c
				}
			}
			return cmp.Or(cmp.Compare(a.Doc.Title, b.Doc.Title), cmp.Compare(a.Doc.Path, b.Doc.Path))
		})
		sec := PrintSection{Title: model.TypeTitle(typ), Anchor: "section-" + typ}
		for _, p := range ps {
			body, err := in.body(p)
			if err != nil {
				diags.Errorf(diag.Pos{Path: p.Display}, "render", "%v", err)
				continue
			}
			pd := PrintDoc{Anchor: "doc-" + strings.ToLower(p.Doc.ID), Doc: in.view(p, tree), Content: template.HTML(body)}
			frag, err := in.cache.fragment("print:"+p.URL, pd, body, func() ([]byte, error) {
				h, err := in.theme.Fragment("print", "print-doc", pd)
				return []byte(h), err
			})
			if err != nil {
				diags.Errorf(diag.Pos{Path: "themes/layouts/print.html"}, "theme", "%v", err)
				return
			}
			pd.HTML = template.HTML(frag)
			sec.Docs = append(sec.Docs, pd)
		}
		var joined strings.Builder
		for i := range sec.Docs {
			joined.WriteString(string(sec.Docs[i].HTML))
			sec.Docs[i].HTML = "" // the table of contents needs the rest, not a second copy
		}
		sec.HTML = template.HTML(joined.String())
		d.Count += len(sec.Docs)
		d.Sections = append(d.Sections, sec)
	}
	// Not through sitewidePage: its cache key is the data's JSON, which
	// leaves the bodies out; the fragments above are what is cached.
	site := *sv
	site.Nav = render.MarkCurrent(sv.Nav, sv.Root+"print/")
	b, err := in.theme.Execute("print", &render.PageData{
		Site: &site, Kind: "print", Title: "The whole manual for print", URL: "print/",
		Crumbs: []render.Crumb{{Title: "Home", URL: ""}, {Title: "The whole manual for print"}},
		Data:   d,
	})
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/print.html"}, "theme", "%v", err)
		return
	}
	tree["print/index.html"] = b
}

func firstClause(d *model.Document) string {
	if len(d.Clauses) == 0 {
		return "99"
	}
	return d.Clauses[0]
}
