package processes

import (
	"github.com/isms-project/isms/diagrams"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/model"

	"cmp"
	"fmt"
	"slices"
	"strings"
)

// The rules Analyze applies, by stable id.
const (
	RuleSilo            = "process-silo"       // a process with neither inputs nor outputs (major)
	RuleIslands         = "process-islands"    // processes fall into disconnected groups (major)
	RuleNoInputs        = "process-no-inputs"  // outputs but no inputs (minor)
	RuleNoOutputs       = "process-no-outputs" // inputs but no outputs (minor)
	RuleClauseUncovered = "clause-uncovered"   // a clause 4–10 no process covers (minor)
)

// Analyze reports how well the processes of g interact. Only processes
// (nodes that are not External) are judged; documents count as what
// processes read and write. Edges naming an id that is not a node are
// ignored, as in DOT. clauseCoverage maps a top-level clause ("4" … "10")
// to the ids of the processes covering it.
//
// Two processes joined only through a document (A writes the risk register,
// B reads it) are connected: that exchange is exactly the interaction
// clause 4.4 asks for. Silos are reported once, as silos, not as islands.
//
// Findings come major first, then in rule order, then by id.
func Analyze(g diagrams.Graph, clauseCoverage map[string][]string) []model.Finding {
	g = diagrams.New(g.Nodes, g.Edges) // canonical: sorted, repeated ids dropped, edges merged
	nodes := g.Nodes
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		index[n.ID] = i
	}
	ins := make([]int, len(nodes))
	outs := make([]int, len(nodes))
	parent := make([]int, len(nodes)) // union-find over all nodes
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for _, e := range g.Edges {
		from, okF := index[e.From]
		to, okT := index[e.To]
		if !okF || !okT {
			continue
		}
		outs[from]++
		ins[to]++
		if a, b := find(from), find(to); a != b {
			parent[max(a, b)] = min(a, b)
		}
	}

	var findings []model.Finding
	var silos, noIn, noOut []model.Finding
	islands := map[int][]string{} // root → process ids, in node order
	var roots []int
	for i, n := range nodes {
		if n.External {
			continue
		}
		name := describe(n)
		switch {
		case ins[i] == 0 && outs[i] == 0:
			silos = append(silos, model.Finding{Severity: "major", Rule: RuleSilo, IDs: []string{n.ID}, Message: fmt.Sprintf("%s is a silo: it has neither inputs nor outputs", name)})
			continue
		case ins[i] == 0:
			noIn = append(noIn, model.Finding{Severity: "minor", Rule: RuleNoInputs, IDs: []string{n.ID}, Message: fmt.Sprintf("%s has outputs but no inputs: what does it work from?", name)})
		case outs[i] == 0:
			noOut = append(noOut, model.Finding{Severity: "minor", Rule: RuleNoOutputs, IDs: []string{n.ID}, Message: fmt.Sprintf("%s has inputs but no outputs: what does it produce, and for whom?", name)})
		}
		root := find(i)
		if _, ok := islands[root]; !ok {
			roots = append(roots, root)
		}
		islands[root] = append(islands[root], n.ID)
	}
	findings = append(findings, silos...)
	if len(roots) > 1 {
		var ids, groups []string
		for _, root := range roots { // in node order of each island's first process
			ids = append(ids, islands[root]...)
			groups = append(groups, "{"+strings.Join(islands[root], ", ")+"}")
		}
		findings = append(findings, model.Finding{Severity: "major", Rule: RuleIslands, IDs: ids, Message: fmt.Sprintf("the processes form %d unconnected islands: %s", len(roots), strings.Join(groups, "; "))})
	}
	findings = append(findings, noIn...)
	findings = append(findings, noOut...)
	for _, c := range iso.Clauses {
		if len(clauseCoverage[c.Number]) == 0 {
			findings = append(findings, model.Finding{Severity: "minor", Rule: RuleClauseUncovered, IDs: []string{}, Message: fmt.Sprintf("clause %s (%s) is not covered by any process", c.Number, c.Title)})
		}
	}
	slices.SortStableFunc(findings, func(a, b model.Finding) int {
		return cmp.Compare(severityRank(a.Severity), severityRank(b.Severity))
	})
	return findings
}

func severityRank(s string) int {
	if s == "major" {
		return 0
	}
	return 1
}

func describe(n diagrams.Node) string {
	if t := n.Title(); t != n.ID {
		return fmt.Sprintf("%s (%s)", n.ID, t)
	}
	return n.ID
}
