// Package processes is the process-interaction report (ISO/IEC 27001
// 4.4): the graph of processes drawn from the documents' inputs and
// outputs, its connectivity findings, the clauses each process covers,
// the whole map on /processes/ and each process's neighbourhood on its
// own page.
package processes

import (
	"cmp"
	"github.com/isms-project/isms/generator/iso"
	"html/template"
	"slices"
	"sort"

	"github.com/isms-project/isms/diagrams"
	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// Report is the process report. New makes one per build.
type Report struct {
	graph     diagrams.Graph
	around    func(id string) diagrams.Graph // graph.Neighbourhoods(), indexed once
	site      *link.Site
	cur       map[string]currency.Info
	published report.Published
}

// New returns the report.
func New() *Report { return &Report{} }

// HeaderLink puts the process map first in the site header.
func (*Report) HeaderLink() report.Link {
	return report.Link{Title: "Process map", URL: "processes/", Weight: 10}
}

// Graph is the process-interaction graph Analyze built.
func (r *Report) Graph() diagrams.Graph { return r.graph }

// Analyze builds the graph and judges the processes' connectivity and
// the clauses they cover.
func (r *Report) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	s := in.Site
	r.site, r.cur = s, in.Currency
	r.graph = processGraph(s, s.Edges, in.Currency, nil)
	r.around = r.graph.Neighbourhoods()
	hasProcess := slices.ContainsFunc(s.Pages, func(p *link.Page) bool { return p.Doc.Type == "process" })
	if !hasProcess {
		return nil, nil
	}
	return Analyze(r.graph, clauseCoverage(s)), nil
}

// processGraph builds the process-interaction graph from the documents:
// every process, plus any document named in an input or output. edges
// are the site's (Site.Edges), or what they would be with swap's
// document in place of the one at its path (the preview's page of a
// document saved since the build; nil: none).
func processGraph(s *link.Site, siteEdges []link.Edge, cur map[string]currency.Info, swap *link.Page) diagrams.Graph {
	docOf := func(p *link.Page) *model.Document {
		if swap != nil && p.Doc.Path == swap.Doc.Path {
			return swap.Doc
		}
		return p.Doc
	}
	inGraph := map[string]bool{}
	for _, p := range s.Pages {
		if d := docOf(p); d.Type == "process" && !d.IsRetired() && d.ID != "" {
			inGraph[d.ID] = true
		}
	}
	for _, e := range siteEdges {
		inGraph[e.From], inGraph[e.To] = true, true
	}
	var nodes []diagrams.Node
	for _, p := range s.Pages {
		d := docOf(p)
		if !inGraph[d.ID] || s.ByID[d.ID] != p {
			continue
		}
		n := diagrams.Node{
			ID: d.ID, Label: d.Title, URL: s.Root + p.Href,
			Tooltip: tooltip(d), Phase: phase(d),
			Status: cur[d.Path].Status, External: d.Type != "process",
		}
		n.Order = order(d)
		nodes = append(nodes, n)
	}
	var edges []diagrams.Edge
	for _, e := range siteEdges {
		edges = append(edges, diagrams.Edge{From: e.From, To: e.To, Labels: e.Whats})
	}
	return diagrams.New(nodes, edges)
}

// sameRefs says whether two lists of inputs or outputs name the same
// documents with the same labels, in the same order.
func sameRefs(a, b []model.Ref) bool {
	return slices.EqualFunc(a, b, func(x, y model.Ref) bool { return x.ID == y.ID && x.What == y.What })
}

// order is a node's place among its phase's nodes: the document's first
// clause.
func order(d *model.Document) string {
	if len(d.Clauses) > 0 {
		return d.Clauses[0]
	}
	return ""
}

// phase is a node's PDCA cluster: a process's phase; a document that is
// not a process is drawn outside the clusters.
func phase(d *model.Document) string {
	if d.Type != "process" {
		return ""
	}
	return d.Phase
}

// tooltip is a node's tooltip: the document's title and owner.
func tooltip(d *model.Document) string { return d.Title + " — owner: " + d.Owner }

// clauseCoverage maps each main clause 4–10 to the processes covering it.
func clauseCoverage(s *link.Site) map[string][]string {
	cov := map[string][]string{}
	for _, c := range iso.Clauses {
		cov[c.Number] = nil
	}
	for _, p := range s.Pages {
		if p.Doc.Type != "process" || p.Doc.IsRetired() {
			continue
		}
		for _, c := range p.Doc.Clauses {
			mc := iso.MainClause(c)
			if _, ok := cov[mc]; ok && !slices.Contains(cov[mc], p.Doc.ID) {
				cov[mc] = append(cov[mc], p.Doc.ID)
			}
		}
	}
	for _, ids := range cov {
		sort.Strings(ids)
	}
	return cov
}

// Data is what processes.html sees as .Data.
type Data struct {
	Map          template.HTML
	Interactions []Interaction // the map as text: every edge, by source then target
	Findings     []model.Finding
	Clauses      []ClauseRow
	Count        int
	Withheld     int // processes this edition leaves out, with their interactions
}

// Interaction is one arrow of the map: From feeds To with What (the
// labels of every declaration of the edge; none when unlabelled).
type Interaction struct {
	From, To view.RefView
	What     []string
}

// ClauseRow is one main clause and what covers it.
type ClauseRow struct {
	Number, Title string
	Processes     []view.RefView
	Documents     int
}

// Annotate draws a process's one-hop neighbourhood on its page. The
// drawing is reused across builds while the neighbourhood is unchanged.
func (rep *Report) Annotate(r report.Renderer, p *link.Page, v *view.DocView) {
	d := p.Doc
	if d.Type != "process" || d.ID == "" {
		return
	}
	g := rep.around(d.ID)
	if built := rep.site.ByPath[d.Path]; built != nil && built != p && (!sameRefs(built.Doc.Inputs, d.Inputs) || !sameRefs(built.Doc.Outputs, d.Outputs)) {
		// The preview's page of a process saved with other inputs or
		// outputs: its neighbourhood as the build will draw it.
		if edges, ok := rep.site.EdgesWith(p); ok {
			g = processGraph(rep.site, edges, rep.cur, p).Neighbourhoods()(d.ID)
		}
	}
	if len(g.Nodes) == 0 {
		return
	}
	// The process itself is drawn as the page's document has it: in a
	// build that is the map's node; the preview's page for a document
	// saved since (a new title, owner, review date, phase or first
	// clause) has a newer one.
	g.Nodes = slices.Clone(g.Nodes)
	for i, n := range g.Nodes {
		if n.ID != d.ID {
			continue
		}
		g.Nodes[i].Label, g.Nodes[i].Tooltip, g.Nodes[i].Status = d.Title, tooltip(d), v.Currency
		if o, ph := order(d), phase(d); o != n.Order || ph != n.Phase {
			g.Nodes[i].Order, g.Nodes[i].Phase = o, ph
			g = diagrams.New(g.Nodes, g.Edges) // in its phase, in its place there
		}
		break
	}
	svg, err := r.Memo("neighbourhood:"+d.ID, g, func() ([]byte, error) {
		svg, err := r.Diagram(diagrams.DOT(g, diagrams.Options{Focus: d.ID}))
		return []byte(svg), err
	})
	if err == nil { // the whole map draws the same graph and reports the error
		v.Diagram = template.HTML(svg)
	}
}

// SiteWide marks the report as drawn from the whole site
// (report.SiteWide): the map draws every process, and laying out a map
// of hundreds of processes takes Graphviz longer than a save may (1.3 s
// at 2,500): the preview draws it when a browser asks for it.
func (*Report) SiteWide() {}

// Reserves lists the map's drawing and page (report.Reserver).
func (*Report) Reserves(*link.Site) []string {
	return []string{"processes/map.svg", "processes/index.html"}
}

// Publish writes /processes/ (the whole map, inline) and
// /processes/map.svg (to download).
func (rep *Report) Publish(r report.Renderer) ([]report.Page, diag.List) {
	return rep.published.Do(func() ([]report.Page, diag.List) { return rep.publish(r) })
}

// PrintPage is /processes/ for the auditor's copy (/print/), made once.
func (rep *Report) PrintPage(r report.Renderer) (report.Page, bool) {
	rep.Publish(r)
	return rep.published.Printed("processes/")
}

func (rep *Report) publish(r report.Renderer) ([]report.Page, diag.List) {
	var diags diag.List
	if !r.Has("processes") {
		return nil, nil
	}
	s := rep.site
	var pages []report.Page
	data := &Data{Count: len(rep.graph.Nodes), Withheld: s.WithheldCount("process")}
	if len(rep.graph.Nodes) > 0 {
		b, err := r.Memo("process-map", rep.graph, func() ([]byte, error) {
			svg, err := r.Diagram(diagrams.DOT(rep.graph, diagrams.Options{Title: "ISMS process interactions", Legend: true}))
			return []byte(svg), err
		})
		svg := template.HTML(b)
		if err != nil {
			diags.Errorf(diag.Pos{Path: "content"}, "diagram", "drawing the process map: %v", err)
			return nil, diags
		}
		data.Map = svg
		// In the map's order (PDCA phase, then clause): the text reads as
		// the drawing does, top to bottom.
		order := make(map[string]int, len(rep.graph.Nodes))
		for i, n := range rep.graph.Nodes {
			order[n.ID] = i
		}
		edges := slices.Clone(rep.graph.Edges)
		slices.SortStableFunc(edges, func(a, b diagrams.Edge) int {
			return cmp.Or(cmp.Compare(order[a.From], order[b.From]), cmp.Compare(order[a.To], order[b.To]))
		})
		for _, e := range edges {
			data.Interactions = append(data.Interactions, Interaction{From: r.Ref(e.From), To: r.Ref(e.To), What: e.Labels})
		}
		pages = append(pages, report.Page{URL: "processes/map.svg", Bytes: append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"), svg...)})
	}
	for _, f := range r.Findings() {
		if len(f.Rule) > 8 && (f.Rule[:8] == "process-" || f.Rule == "clause-uncovered") {
			data.Findings = append(data.Findings, f)
		}
	}
	cov := clauseCoverage(s)
	groups := view.Groups(s)
	for i, c := range iso.Clauses {
		row := ClauseRow{Number: c.Number, Title: c.Title}
		for _, id := range cov[c.Number] {
			row.Processes = append(row.Processes, r.Ref(id))
		}
		if i < len(groups.ByClause) {
			row.Documents = len(groups.ByClause[i].Pages)
		}
		data.Clauses = append(data.Clauses, row)
	}
	return append(pages, report.Page{URL: "processes/", Layout: "processes", Kind: "report", Title: "Process map",
		Crumbs: report.Crumbs("Process map"), Data: data, Scripts: []string{"assets/processes.js"}}), diags
}
