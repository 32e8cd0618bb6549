package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/isms-project/isms/diagrams"
	"html/template"
	"io/fs"
	"maps"
	"path"
	"strings"

	"github.com/isms-project/isms/generator/annexa"
	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/render"
)

type renderInput struct {
	cfg      model.Config
	asOf     model.Date
	site     *link.Site
	theme    *render.Theme
	md       *markdown.Markdown
	content  fs.FS
	assets   []string
	snapshot bool
	scripts  []string
	en       *enrichment
	diagrams *diagrams.Renderer
	cache    *Cache // document pages whose inputs did not change are not rendered again
	memo     *pageMemo
	files    render.Tree // the tree as the document pages left it (artefacts are read from it)
}

// renderSite is the render stage: every page into an in-memory tree.
func renderSite(in renderInput) (render.Tree, diag.List) {
	var diags diag.List
	s := in.site
	in.memo = newPageMemo(s.Pages)
	in.cache.neighbourhoods(in.en.graph)
	tree := render.Tree{}
	for _, a := range in.assets {
		b, err := fs.ReadFile(in.content, a)
		if err != nil {
			diags.Errorf(diag.Pos{Path: contentDir + "/" + a}, "read", "%v", err)
			continue
		}
		tree[a] = b
	}
	if err := in.theme.Static(tree); err != nil {
		diags.Errorf(diag.Pos{Path: "themes"}, "theme", "%v", err)
	}
	tree["assets/chroma.css"] = markdown.CSS()

	groups := render.Groups(s)
	navHTML, err := in.cache.fragment("!nav", groups, nil, func() ([]byte, error) {
		h, err := in.theme.Fragment("home", "nav", groups)
		return []byte(h), err
	})
	nav := template.HTML(navHTML)
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/_nav.html"}, "theme", "%v", err)
		return nil, diags
	}
	navs := render.NewNavs(groups, nav, len(s.Pages))
	sv := &render.SiteView{
		Title: in.cfg.Title, Organization: in.cfg.Organization, Root: s.Root,
		AsOf: in.asOf.String(), Snapshot: in.snapshot, Commit: in.en.commit, Nav: navs.Shared(), Scripts: in.scripts,
	}

	out := make([][]byte, len(s.Pages))
	errs := make([]error, len(s.Pages))
	parallel(len(s.Pages), func(i int) {
		p := s.Pages[i]
		view := in.view(p, tree)
		site := *sv
		data := &render.PageData{
			Site: &site, Kind: "document", Title: p.Doc.Title, URL: p.URL,
			Crumbs: render.Crumbs(p.Doc), Doc: view, TOC: render.TOC(p.MD.Headings),
		}
		out[i], errs[i] = in.cache.page(p, data, string(nav), func() ([]byte, error) {
			body, err := in.body(p)
			if err != nil {
				return nil, err
			}
			data.Content = template.HTML(body)
			site.Nav = navs.For(p.URL)
			return in.theme.Execute("document", data)
		})
	})
	for i, p := range s.Pages {
		if errs[i] != nil {
			diags.Errorf(diag.Pos{Path: p.Display}, "render", "%v", errs[i])
			continue
		}
		tree[p.URL+"index.html"] = out[i]
	}

	// Site-wide pages, one file per feature, run side by side: each writes
	// its own tree and diagnostics, merged in a fixed order afterwards. They
	// read the shared tree (for artefacts) only while nobody writes it.
	// The longest go first (at 10,000 documents print takes 1.8 s,
	// currency 1.4 s, history 1.0 s, search 0.5 s, the rest 0.1 s each), so
	// that the last to start is not the longest: 3.2 s -> 2.6 s on 2 cores.
	features := []func(renderInput, *render.SiteView, render.Tree, *diag.List){
		renderPrint, renderCurrency, renderHistory, renderSearch, renderEvidence, renderSoA, renderProcesses,
	}
	in.files = tree
	parts := make([]render.Tree, len(features))
	partDiags := make([]diag.List, len(features))
	parallel(len(features), func(i int) {
		parts[i] = render.Tree{}
		features[i](in, sv, parts[i], &partDiags[i])
	})
	for i := range features {
		maps.Copy(tree, parts[i])
		diags = append(diags, partDiags[i]...)
	}

	hd := &render.PageData{Site: sv, Kind: "home", Title: "Home", Data: homeData(in, groups)}
	home, err := in.cache.derived("!home", hd, string(sv.Nav), func() ([]byte, error) { return in.theme.Execute("home", hd) })
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/home.html"}, "theme", "%v", err)
	} else if _, taken := tree["index.html"]; !taken {
		tree["index.html"] = home
	}
	nf, err := in.theme.Execute("404", &render.PageData{Site: sv, Kind: "404", Title: "Page not found"})
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/404.html"}, "theme", "%v", err)
	} else {
		tree["404.html"] = nf
	}
	return tree, diags
}

func statusText(d *model.Document) (text, class string) {
	if d.Status == "" {
		return "approved", "approved"
	}
	return d.Status, d.Status
}

// docView flattens a document and what the enrich stages know about it
// into plain strings for the templates.
func docView(in renderInput, p *link.Page, tree render.Tree) *render.DocView {
	d := p.Doc
	s := in.site
	v := &render.DocView{
		ID: d.ID, Title: d.Title, Type: d.Type, TypeTitle: model.TypeTitle(d.Type), Owner: d.Owner,
		Version: d.Version, Status: d.Status, Classification: d.Classification,
		ApprovedBy: d.ApprovedBy, Approved: d.Approved.String(), Reviewed: d.Reviewed.String(),
		Date: d.Date.String(), Phase: d.Phase, Retired: d.IsRetired(), Clauses: d.Clauses,
		Revisions: d.History, URL: s.Root + p.URL,
	}
	v.StatusText, v.StatusClass = statusText(d)
	if d.Type == "process" && d.ID != "" {
		v.Diagram, _ = neighbourhoodSVG(in, d.ID) // the whole map already drew this graph; an error shows there
	}
	v.LastChanged, v.HistoryURL = lastChanged(in.en, p)
	v.HistoryURL = s.Root + v.HistoryURL
	if c, ok := in.en.currency[d.Path]; ok {
		v.Currency = c.Status
		v.NextReview = c.NextReview.String()
	}
	for _, c := range d.Controls {
		ctl, _ := annexa.Lookup(c)
		v.Controls = append(v.Controls, render.ControlView{ID: c, Title: ctl.Title})
	}
	for _, e := range s.Edges {
		if e.To == d.ID {
			v.Inputs = append(v.Inputs, refView(s, e.From, e.Whats))
		}
		if e.From == d.ID {
			v.Outputs = append(v.Outputs, refView(s, e.To, e.Whats))
		}
	}
	if d.File != "" {
		f := path.Clean(strings.TrimPrefix(d.File, "/"))
		files := tree
		if in.files != nil {
			files = in.files
		}
		if b, ok := files[f]; ok {
			sum := sha256.Sum256(b)
			ext := strings.ToLower(path.Ext(f))
			v.File = &render.FileView{
				Name: path.Base(f), URL: s.Root + f, Size: humanSize(len(b)),
				SHA256: hex.EncodeToString(sum[:]),
				Image:  ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".gif" || ext == ".svg" || ext == ".webp",
			}
		}
	}
	return v
}

func refView(s *link.Site, id string, whats []string) render.RefView {
	r := render.RefView{ID: id, Title: id, Whats: whats}
	if p, ok := s.ByID[id]; ok {
		r.Title, r.URL = p.Doc.Title, s.Root+p.URL
	}
	return r
}

func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// HomeData is what home.html sees as .Data.
type HomeData struct {
	Scope    template.HTML
	Manual   *render.RefView
	Health   []Tile
	ByType   []render.NavGroup
	ByClause []render.NavGroup
}

// Tile is one figure in the home page's health summary.
type Tile struct {
	Label, Class, URL string
	Value             int
}

func homeData(in renderInput, groups render.NavData) *HomeData {
	s := in.site
	h := &HomeData{ByType: groups.ByType, ByClause: groups.ByClause}
	manual := homeManual(s)
	if idx, ok := s.ByPath["_index.md"]; ok {
		if b, err := in.body(idx); err == nil {
			h.Scope = template.HTML(b)
		}
	} else if manual != nil {
		h.Scope = template.HTML("<p>" + template.HTMLEscapeString(manual.MD.Lead) + "</p>")
	}
	if manual != nil {
		r := refView(s, manual.Doc.ID, nil)
		h.Manual = &r
	}
	counts := map[string]int{}
	for _, c := range in.en.currency {
		counts[c.Status]++
	}
	cur := s.Root + "currency/"
	h.Health = []Tile{
		{Label: "documents current", Class: "ok", URL: cur, Value: counts[currency.Current]},
		{Label: "due for review soon", Class: "warn", URL: cur, Value: counts[currency.DueSoon]},
		{Label: "overdue for review", Class: "bad", URL: cur, Value: counts[currency.Overdue]},
		{Label: "never reviewed", Class: "bad", URL: cur, Value: counts[currency.NeverReviewed]},
	}
	return h
}

// homeManual is the manual whose first paragraph the home page shows.
func homeManual(s *link.Site) *link.Page {
	for _, p := range s.Pages {
		if p.Doc.Type == "manual" && !p.Doc.IsRetired() {
			return p
		}
	}
	return nil
}
