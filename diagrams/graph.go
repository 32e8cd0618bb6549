// Package diagrams draws the ISMS process-interaction graph and hand-written
// DOT diagrams.
//
// The pipeline has four steps, each usable on its own:
//
//   - Graph (graph.go) is the data model: processes and the documents they
//     exchange, with merged, labelled edges. It knows nothing of documents;
//     the generator builds it from front-matter.
//   - DOT (dot.go) writes a Graph as deterministic DOT text: PDCA clusters,
//     status colours, links and tooltips, every string escaped.
//   - Renderer (render.go) turns DOT into SVG for inline use with
//     github.com/goccy/go-graphviz, caching by the SHA-256 of the DOT text
//     in memory and on disk so an unchanged diagram is never laid out twice.
//     go-graphviz is not safe for concurrent use, so every call into it is
//     serialised behind one process-wide mutex.
//   - Analyze (analyze.go) reports connectivity findings (silos, islands,
//     uncovered clauses); Fence (fence.go) renders ```dot blocks in Markdown.
//
// The SVG carries classes for the theme's CSS (dark mode included): the
// root has class "diagram-svg"; node groups "node" plus "status-current",
// "status-due-soon", "status-overdue", "status-never-reviewed",
// "status-none" or "external", and "focus"; edges "edge"; phase clusters
// "cluster phase phase-plan" (…-do, -check, -act). The background is
// transparent; boxes have light fills with dark text, edges and their labels
// are grey and may need a lighter fill/stroke in dark mode.
//
// go-graphviz compiles its WebAssembly module in a package init(), so every
// binary that links this package pays that cost at start-up, drawing or not
// (see bench_test.go for the figures). No init of ours calls go-graphviz.
package diagrams

import (
	"cmp"
	"github.com/isms-project/isms/generator/iso"
	"slices"
	"strconv"
	"strings"
)

// Node is one box in a process diagram.
type Node struct {
	ID, Label string // Label is shown in the box (the title); ID small under it
	URL       string // link target, already relative to the base URL; may be ""
	Tooltip   string // e.g. "Risk assessment — owner: Head of Risk"
	Phase     string // "plan" | "do" | "check" | "act" | "" → cluster
	Order     string // sort key within a phase, e.g. the first clause "6.1.2"
	Status    string // "current" | "due-soon" | "overdue" | "never-reviewed" | ""
	External  bool   // a document merely named in inputs/outputs, not a process
}

// Edge is one arrow: From feeds To. Labels are the "what" of every
// declaration that produced the edge, sorted and without duplicates.
type Edge struct {
	From, To string
	Labels   []string
}

// Graph is a process graph. Use New to get one in canonical order; DOT and
// Analyze sort for themselves, so a hand-built Graph works too.
type Graph struct {
	Nodes []Node
	Edges []Edge
}

// Phases lists the PDCA phases in cycle order.
var Phases = iso.Phases

// New returns the graph in canonical order: nodes sorted by phase (PDCA
// order, unphased last), then Order, then ID, with a repeated ID keeping its
// first occurrence; edges merged per (From, To) with their labels sorted and
// de-duplicated, then sorted by From and To. Empty labels are dropped. Edges
// may name ids that are not nodes; DOT and Analyze ignore such edges, so the
// caller decides whether an unknown id is an error.
func New(nodes []Node, edges []Edge) Graph {
	return Graph{Nodes: canonicalNodes(nodes), Edges: mergeEdges(edges)}
}

// canonicalNodes returns a sorted copy of nodes without repeated ids, the
// first occurrence winning.
func canonicalNodes(nodes []Node) []Node {
	seen := make(map[string]bool, len(nodes))
	ns := make([]Node, 0, len(nodes))
	for _, n := range nodes {
		if seen[n.ID] {
			continue
		}
		seen[n.ID] = true
		ns = append(ns, n)
	}
	slices.SortStableFunc(ns, compareNodes)
	return ns
}

// mergeEdges folds edges with the same ends into one, so an edge declared
// from both ends (outputs on A, inputs on B) is drawn once.
func mergeEdges(edges []Edge) []Edge {
	type key struct{ from, to string }
	idx := make(map[key]int, len(edges))
	var out []Edge
	for _, e := range edges {
		k := key{e.From, e.To}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Edge{From: e.From, To: e.To})
		}
		for _, l := range e.Labels {
			if l != "" {
				out[i].Labels = append(out[i].Labels, l)
			}
		}
	}
	for i := range out {
		slices.Sort(out[i].Labels)
		out[i].Labels = slices.Compact(out[i].Labels)
	}
	slices.SortFunc(out, compareEdges)
	return out
}

// Neighbourhood returns the one-hop graph around id: the node itself, every
// node with an edge into it (its inputs) or out of it (its outputs), and
// those edges. An unknown id gives an empty graph.
func (g Graph) Neighbourhood(id string) Graph {
	var found bool
	for _, n := range g.Nodes {
		if n.ID == id {
			found = true
			break
		}
	}
	if !found {
		return Graph{}
	}
	keep := map[string]bool{id: true}
	var edges []Edge
	for _, e := range g.Edges {
		if e.From == id || e.To == id {
			keep[e.From], keep[e.To] = true, true
			edges = append(edges, Edge{From: e.From, To: e.To, Labels: slices.Clone(e.Labels)})
		}
	}
	var nodes []Node
	for _, n := range g.Nodes {
		if keep[n.ID] {
			nodes = append(nodes, n)
		}
	}
	return New(nodes, edges)
}

// Neighbourhoods indexes g once for many Neighbourhood calls: the
// function it returns gives what g.Neighbourhood(id) gives, in time
// proportional to id's edges rather than to the graph (every process
// page draws its own: O(processes × graph) per build otherwise).
func (g Graph) Neighbourhoods() func(id string) Graph {
	nodes := make(map[string][]int, len(g.Nodes))
	for i, n := range g.Nodes {
		nodes[n.ID] = append(nodes[n.ID], i)
	}
	touching := map[string][]int{} // edge indices, ascending
	for i, e := range g.Edges {
		touching[e.From] = append(touching[e.From], i)
		if e.To != e.From {
			touching[e.To] = append(touching[e.To], i)
		}
	}
	return func(id string) Graph {
		if len(nodes[id]) == 0 {
			return Graph{}
		}
		keep := map[string]bool{id: true}
		var edges []Edge
		for _, i := range touching[id] {
			e := g.Edges[i]
			keep[e.From], keep[e.To] = true, true
			edges = append(edges, Edge{From: e.From, To: e.To, Labels: slices.Clone(e.Labels)})
		}
		var idx []int
		for k := range keep {
			idx = append(idx, nodes[k]...)
		}
		slices.Sort(idx)
		ns := make([]Node, len(idx))
		for j, i := range idx {
			ns[j] = g.Nodes[i]
		}
		return New(ns, edges)
	}
}

func phaseRank(p string) int {
	if i := slices.Index(Phases, p); i >= 0 {
		return i
	}
	return len(Phases)
}

func compareNodes(a, b Node) int {
	if c := cmp.Compare(phaseRank(a.Phase), phaseRank(b.Phase)); c != 0 {
		return c
	}
	if c := CompareClauses(a.Order, b.Order); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func compareEdges(a, b Edge) int {
	if c := cmp.Compare(a.From, b.From); c != 0 {
		return c
	}
	return cmp.Compare(a.To, b.To)
}

// CompareClauses orders clause numbers part by part, numerically where both
// parts are numbers, so "6.9" < "6.10" and "9" < "10"; a prefix sorts first
// ("6.1" < "6.1.2"); the empty string sorts last.
func CompareClauses(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.ParseUint(as[i], 10, 64)
		y, erry := strconv.ParseUint(bs[i], 10, 64)
		var c int
		switch {
		case errx == nil && erry == nil:
			c = cmp.Compare(x, y)
		case errx == nil: // numbers before words, e.g. "5" < "A"
			c = -1
		case erry == nil:
			c = 1
		default:
			c = cmp.Compare(as[i], bs[i])
		}
		if c != 0 {
			return c
		}
	}
	if c := cmp.Compare(len(as), len(bs)); c != 0 {
		return c
	}
	return cmp.Compare(a, b) // "06" vs "6": equal numbers, still a total order
}

// Title is the node's name as drawn: its label, else its id, with
// control characters and runs of space cleaned up.
func (n Node) Title() string { return displayTitle(n) }
