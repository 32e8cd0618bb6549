package processes

import (
	"github.com/isms-project/isms/diagrams"
	"github.com/isms-project/isms/generator/model"
	"slices"

	"reflect"
	"testing"
)

// allCovered covers every clause, so tests of the graph rules see no
// clause findings.
var allCovered = map[string][]string{"4": {"P"}, "5": {"P"}, "6": {"P"}, "7": {"P"}, "8": {"P"}, "9": {"P"}, "10": {"P"}}

func TestAnalyze(t *testing.T) {
	p := func(id string) diagrams.Node { return diagrams.Node{ID: id, Label: "Title " + id, Phase: "do"} }
	doc := func(id string) diagrams.Node { return diagrams.Node{ID: id, External: true} }
	e := func(from, to string) diagrams.Edge { return diagrams.Edge{From: from, To: to, Labels: []string{"x"}} }
	tests := []struct {
		name     string
		g        diagrams.Graph
		coverage map[string][]string
		want     []model.Finding
	}{
		{
			name:     "connected processes: no findings",
			g:        diagrams.Graph{Nodes: []diagrams.Node{p("A"), p("B"), doc("D")}, Edges: []diagrams.Edge{e("D", "A"), e("A", "B"), e("B", "A")}},
			coverage: allCovered,
		},
		{
			name:     "process-silo: neither inputs nor outputs; an external document is never a silo",
			g:        diagrams.Graph{Nodes: []diagrams.Node{p("A"), p("B"), p("S"), doc("LONELY")}, Edges: []diagrams.Edge{e("A", "B"), e("B", "A"), e("S", "NOT-A-NODE")}},
			coverage: allCovered,
			want:     []model.Finding{{Severity: "major", Rule: RuleSilo, IDs: []string{"S"}, Message: "S (Title S) is a silo: it has neither inputs nor outputs"}},
		},
		{
			name:     "process-no-inputs and process-no-outputs",
			g:        diagrams.Graph{Nodes: []diagrams.Node{p("A"), p("B")}, Edges: []diagrams.Edge{e("A", "B")}},
			coverage: allCovered,
			want: []model.Finding{
				{Severity: "minor", Rule: RuleNoInputs, IDs: []string{"A"}, Message: "A (Title A) has outputs but no inputs: what does it work from?"},
				{Severity: "minor", Rule: RuleNoOutputs, IDs: []string{"B"}, Message: "B (Title B) has inputs but no outputs: what does it produce, and for whom?"},
			},
		},
		{
			name: "process-islands, named; a shared document joins processes",
			g: diagrams.Graph{
				Nodes: []diagrams.Node{p("A"), p("B"), p("C"), p("D"), p("E"), p("F"), doc("REG")},
				Edges: []diagrams.Edge{e("A", "B"), e("B", "A"), e("C", "D"), e("D", "C"), e("E", "REG"), e("REG", "F"), e("F", "E")},
			},
			coverage: allCovered,
			want:     []model.Finding{{Severity: "major", Rule: RuleIslands, IDs: []string{"A", "B", "C", "D", "E", "F"}, Message: "the processes form 3 unconnected islands: {A, B}; {C, D}; {E, F}"}},
		},
		{
			name:     "clause-uncovered, in clause order, after major findings",
			g:        diagrams.Graph{Nodes: []diagrams.Node{p("A"), p("S")}, Edges: []diagrams.Edge{e("A", "A")}},
			coverage: map[string][]string{"4": {"A"}, "5": {"A"}, "6": {}, "7": {"A"}, "8": {"A"}, "9": {"A"}},
			want: []model.Finding{
				{Severity: "major", Rule: RuleSilo, IDs: []string{"S"}, Message: "S (Title S) is a silo: it has neither inputs nor outputs"},
				{Severity: "minor", Rule: RuleClauseUncovered, IDs: []string{}, Message: "clause 6 (Planning) is not covered by any process"},
				{Severity: "minor", Rule: RuleClauseUncovered, IDs: []string{}, Message: "clause 10 (Improvement) is not covered by any process"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Analyze(tt.g, tt.coverage)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%#v\nwant\n%#v", got, tt.want)
			}
			rev := diagrams.Graph{Nodes: slices.Clone(tt.g.Nodes), Edges: slices.Clone(tt.g.Edges)}
			slices.Reverse(rev.Nodes)
			slices.Reverse(rev.Edges)
			if again := Analyze(rev, tt.coverage); !reflect.DeepEqual(again, got) {
				t.Errorf("findings depend on input order:\n%#v", again)
			}
		})
	}
}
