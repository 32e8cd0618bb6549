package diagrams

import (
	"reflect"
	"testing"
)

// allCovered covers every clause, so tests of the graph rules see no
// clause findings.
var allCovered = map[string][]string{"4": {"P"}, "5": {"P"}, "6": {"P"}, "7": {"P"}, "8": {"P"}, "9": {"P"}, "10": {"P"}}

func TestAnalyze(t *testing.T) {
	p := func(id string) Node { return Node{ID: id, Label: "Title " + id, Phase: "do"} }
	doc := func(id string) Node { return Node{ID: id, External: true} }
	e := func(from, to string) Edge { return Edge{From: from, To: to, Labels: []string{"x"}} }
	tests := []struct {
		name     string
		g        Graph
		coverage map[string][]string
		want     []Finding
	}{
		{
			name:     "connected processes: no findings",
			g:        Graph{Nodes: []Node{p("A"), p("B"), doc("D")}, Edges: []Edge{e("D", "A"), e("A", "B"), e("B", "A")}},
			coverage: allCovered,
		},
		{
			name:     "process-silo: neither inputs nor outputs; an external document is never a silo",
			g:        Graph{Nodes: []Node{p("A"), p("B"), p("S"), doc("LONELY")}, Edges: []Edge{e("A", "B"), e("B", "A"), e("S", "NOT-A-NODE")}},
			coverage: allCovered,
			want:     []Finding{{"major", RuleSilo, []string{"S"}, "S (Title S) is a silo: it has neither inputs nor outputs"}},
		},
		{
			name:     "process-no-inputs and process-no-outputs",
			g:        Graph{Nodes: []Node{p("A"), p("B")}, Edges: []Edge{e("A", "B")}},
			coverage: allCovered,
			want: []Finding{
				{"minor", RuleNoInputs, []string{"A"}, "A (Title A) has outputs but no inputs: what does it work from?"},
				{"minor", RuleNoOutputs, []string{"B"}, "B (Title B) has inputs but no outputs: what does it produce, and for whom?"},
			},
		},
		{
			name: "process-islands, named; a shared document joins processes",
			g: Graph{
				Nodes: []Node{p("A"), p("B"), p("C"), p("D"), p("E"), p("F"), doc("REG")},
				Edges: []Edge{e("A", "B"), e("B", "A"), e("C", "D"), e("D", "C"), e("E", "REG"), e("REG", "F"), e("F", "E")},
			},
			coverage: allCovered,
			want: []Finding{{"major", RuleIslands, []string{"A", "B", "C", "D", "E", "F"},
				"the processes form 3 unconnected islands: {A, B}; {C, D}; {E, F}"}},
		},
		{
			name:     "clause-uncovered, in clause order, after major findings",
			g:        Graph{Nodes: []Node{p("A"), p("S")}, Edges: []Edge{e("A", "A")}},
			coverage: map[string][]string{"4": {"A"}, "5": {"A"}, "6": {}, "7": {"A"}, "8": {"A"}, "9": {"A"}},
			want: []Finding{
				{"major", RuleSilo, []string{"S"}, "S (Title S) is a silo: it has neither inputs nor outputs"},
				{"minor", RuleClauseUncovered, []string{}, "clause 6 (Planning) is not covered by any process"},
				{"minor", RuleClauseUncovered, []string{}, "clause 10 (Improvement) is not covered by any process"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Analyze(tt.g, tt.coverage)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got\n%#v\nwant\n%#v", got, tt.want)
			}
			rev := Graph{Nodes: reversed(tt.g.Nodes), Edges: reversed(tt.g.Edges)}
			if again := Analyze(rev, tt.coverage); !reflect.DeepEqual(again, got) {
				t.Errorf("findings depend on input order:\n%#v", again)
			}
		})
	}
}

func TestAnalyzeSample(t *testing.T) {
	if got := Analyze(sampleISMS(), allCovered); len(got) != 0 {
		t.Errorf("the sample ISMS is fully connected, got %+v", got)
	}
}
