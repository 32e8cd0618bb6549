package generator

import (
	"context"
	"html/template"
	"path/filepath"
	"slices"
	"sort"

	"github.com/isms-project/isms/diagrams"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/render"
)

// processGraph builds the process-interaction graph from the documents:
// every process, plus any document named in an input or output.
func processGraph(s *link.Site, en *enrichment) diagrams.Graph {
	inGraph := map[string]bool{}
	for _, p := range s.Pages {
		if p.Doc.Type == "process" && !p.Doc.IsRetired() && p.Doc.ID != "" {
			inGraph[p.Doc.ID] = true
		}
	}
	for _, e := range s.Edges {
		inGraph[e.From], inGraph[e.To] = true, true
	}
	var nodes []diagrams.Node
	for _, p := range s.Pages {
		d := p.Doc
		if !inGraph[d.ID] || s.ByID[d.ID] != p {
			continue
		}
		n := diagrams.Node{
			ID: d.ID, Label: d.Title, URL: s.Root + p.URL,
			Tooltip: d.Title + " — owner: " + d.Owner, Phase: d.Phase,
			Status: en.currency[d.Path].Status, External: d.Type != "process",
		}
		if len(d.Clauses) > 0 {
			n.Order = d.Clauses[0]
		}
		if n.External {
			n.Phase = ""
		}
		nodes = append(nodes, n)
	}
	var edges []diagrams.Edge
	for _, e := range s.Edges {
		edges = append(edges, diagrams.Edge{From: e.From, To: e.To, Labels: e.Whats})
	}
	return diagrams.New(nodes, edges)
}

// clauseCoverage maps each main clause 4–10 to the processes covering it.
func clauseCoverage(s *link.Site) map[string][]string {
	cov := map[string][]string{}
	for _, c := range render.ClauseTitles {
		cov[c.Number] = nil
	}
	for _, p := range s.Pages {
		if p.Doc.Type != "process" || p.Doc.IsRetired() {
			continue
		}
		for _, c := range p.Doc.Clauses {
			mc := render.MainClause(c)
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

// enrichProcesses builds the graph and adds the connectivity findings.
func enrichProcesses(s *link.Site, en *enrichment) {
	en.graph = processGraph(s, en)
	hasProcess := slices.ContainsFunc(s.Pages, func(p *link.Page) bool { return p.Doc.Type == "process" })
	if !hasProcess {
		return
	}
	for _, f := range diagrams.Analyze(en.graph, clauseCoverage(s)) {
		en.findings = append(en.findings, model.Finding{Severity: f.Severity, Rule: f.Rule, IDs: f.IDs, Message: f.Message})
	}
}

// diagramRenderer returns the build's renderer: the caller's (serve keeps
// one across rebuilds), else one whose disk cache lives under the site.
func diagramRenderer(o Options) *diagrams.Renderer {
	if o.Diagrams != nil {
		return o.Diagrams
	}
	dir := ""
	if o.SiteDir != "" {
		dir = filepath.Join(o.SiteDir, ".isms-cache", "diagrams")
	}
	return diagrams.NewRenderer(dir)
}

// ProcessesData is what processes.html sees as .Data.
type ProcessesData struct {
	Map      template.HTML
	Findings []model.Finding
	Clauses  []ClauseRow
	Count    int
}

// ClauseRow is one main clause and what covers it.
type ClauseRow struct {
	Number, Title string
	Processes     []render.RefView
	Documents     int
}

// neighbourhoodSVG is the one-hop diagram on a process page.
func neighbourhoodSVG(in renderInput, id string) (template.HTML, error) {
	return in.cache.neighbourhood(id, func() (template.HTML, error) {
		g := in.en.graph.Neighbourhood(id)
		if len(g.Nodes) == 0 {
			return "", nil
		}
		svg, err := in.diagrams.SVG(context.Background(), diagrams.DOT(g, diagrams.Options{Focus: id}))
		return template.HTML(svg), err
	})
}

// renderProcesses writes /processes/ (the whole map, inline) and
// /processes/map.svg (to download).
func renderProcesses(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {
	if !in.theme.Has("processes") {
		return
	}
	s := in.site
	data := &ProcessesData{Count: len(in.en.graph.Nodes)}
	if len(in.en.graph.Nodes) > 0 {
		svg, err := in.diagrams.SVG(context.Background(), diagrams.DOT(in.en.graph, diagrams.Options{Title: "ISMS process interactions", Legend: true}))
		if err != nil {
			diags.Errorf(diag.Pos{Path: contentDir}, "diagram", "drawing the process map: %v", err)
			return
		}
		data.Map = template.HTML(svg)
		tree["processes/map.svg"] = append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"), svg...)
	}
	for _, f := range in.en.findings {
		if len(f.Rule) > 8 && (f.Rule[:8] == "process-" || f.Rule == "clause-uncovered") {
			data.Findings = append(data.Findings, f)
		}
	}
	cov := clauseCoverage(s)
	groups := render.Groups(s)
	for i, c := range render.ClauseTitles {
		row := ClauseRow{Number: c.Number, Title: c.Title}
		for _, id := range cov[c.Number] {
			row.Processes = append(row.Processes, refView(s, id, nil))
		}
		if i < len(groups.ByClause) {
			row.Documents = len(groups.ByClause[i].Pages)
		}
		data.Clauses = append(data.Clauses, row)
	}
	out, err := in.theme.Execute("processes", &render.PageData{
		Site: sv, Kind: "report", Title: "Process map", URL: "processes/",
		Crumbs: []render.Crumb{{Title: "Home", URL: ""}, {Title: "Process map"}}, Data: data,
	})
	if err != nil {
		diags.Errorf(diag.Pos{Path: "themes/layouts/processes.html"}, "theme", "%v", err)
		return
	}
	tree["processes/index.html"] = out
}
