package diagrams

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestCompareClauses(t *testing.T) {
	ordered := []string{"4", "4.1", "5", "6.1", "6.1.2", "6.1.10", "6.2", "6.9", "6.10", "9", "10", "A.5", "A.5.2", "A.5.10", ""}
	for i := range ordered {
		for j := range ordered {
			got := CompareClauses(ordered[i], ordered[j])
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got != want {
				t.Errorf("CompareClauses(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func TestNewMergesEdges(t *testing.T) {
	tests := []struct {
		name  string
		edges []Edge
		want  []Edge
	}{
		{
			name:  "declared from both ends is one edge",
			edges: []Edge{{From: "A", To: "B", Labels: []string{"Risk register"}}, {From: "A", To: "B", Labels: []string{"Risk register"}}},
			want:  []Edge{{From: "A", To: "B", Labels: []string{"Risk register"}}},
		},
		{
			name:  "two different labels are both kept, sorted",
			edges: []Edge{{From: "A", To: "B", Labels: []string{"Zeta"}}, {From: "A", To: "B", Labels: []string{"Alpha", ""}}},
			want:  []Edge{{From: "A", To: "B", Labels: []string{"Alpha", "Zeta"}}},
		},
		{
			name:  "opposite directions stay two edges, sorted by ends",
			edges: []Edge{{From: "B", To: "A"}, {From: "A", To: "B"}},
			want:  []Edge{{From: "A", To: "B"}, {From: "B", To: "A"}},
		},
		{
			name:  "unknown ids are kept for the caller to judge",
			edges: []Edge{{From: "A", To: "NOPE", Labels: []string{"x"}}},
			want:  []Edge{{From: "A", To: "NOPE", Labels: []string{"x"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := New([]Node{{ID: "A"}, {ID: "B"}}, tt.edges)
			if !reflect.DeepEqual(g.Edges, tt.want) {
				t.Errorf("edges = %#v, want %#v", g.Edges, tt.want)
			}
		})
	}
}

func TestNewOrdersNodes(t *testing.T) {
	g := New([]Node{
		{ID: "X", Label: "external"},
		{ID: "ACT", Phase: "act", Order: "10.1"},
		{ID: "P2", Phase: "plan", Order: "6.10"},
		{ID: "P1", Phase: "plan", Order: "6.9"},
		{ID: "P0", Phase: "plan", Order: "6.9"},
		{ID: "D", Phase: "do", Order: "8.1"},
		{ID: "P1", Phase: "check", Label: "duplicate id: dropped"},
	}, nil)
	var ids []string
	for _, n := range g.Nodes {
		ids = append(ids, n.ID)
	}
	want := []string{"P0", "P1", "P2", "D", "ACT", "X"}
	if !slices.Equal(ids, want) {
		t.Errorf("order = %v, want %v", ids, want)
	}
	if g.Nodes[1].Phase != "plan" {
		t.Errorf("repeated id replaced the first occurrence: %+v", g.Nodes[1])
	}
}

func TestNeighbourhood(t *testing.T) {
	g := New([]Node{
		{ID: "IN", Phase: "plan"}, {ID: "ME", Phase: "do"}, {ID: "OUT", Phase: "check"},
		{ID: "FAR", Phase: "act"}, {ID: "DOC", External: true},
	}, []Edge{
		{From: "IN", To: "ME", Labels: []string{"a"}},
		{From: "ME", To: "OUT", Labels: []string{"b"}},
		{From: "DOC", To: "ME", Labels: []string{"c"}},
		{From: "OUT", To: "FAR", Labels: []string{"d"}},
		{From: "IN", To: "OUT"},
	})
	n := g.Neighbourhood("ME")
	var ids []string
	for _, x := range n.Nodes {
		ids = append(ids, x.ID)
	}
	if want := []string{"IN", "ME", "OUT", "DOC"}; !slices.Equal(ids, want) {
		t.Errorf("nodes = %v, want %v", ids, want)
	}
	wantEdges := []Edge{
		{From: "DOC", To: "ME", Labels: []string{"c"}},
		{From: "IN", To: "ME", Labels: []string{"a"}},
		{From: "ME", To: "OUT", Labels: []string{"b"}},
	}
	if !reflect.DeepEqual(n.Edges, wantEdges) {
		t.Errorf("edges = %v, want %v", n.Edges, wantEdges)
	}
	if got := g.Neighbourhood("NOPE"); len(got.Nodes) != 0 || len(got.Edges) != 0 {
		t.Errorf("unknown id: got %+v, want empty", got)
	}
	// The neighbourhood must not share label slices with the whole graph.
	n.Edges[0].Labels[0] = "changed"
	if g.Edges[0].Labels[0] != "c" {
		t.Errorf("Neighbourhood aliases the source graph's labels")
	}
}

// TestNeighbourhoodsIndexed: the indexed neighbourhoods are the plain
// ones for every node of random graphs (repeated ids, self-loops,
// parallel edges and ends that are no node included) and for an id
// that is no node.
func TestNeighbourhoodsIndexed(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for round := range 200 {
		n := 1 + r.IntN(12)
		var g Graph
		for i := range n {
			g.Nodes = append(g.Nodes, Node{ID: fmt.Sprintf("N%d", r.IntN(n+2)), Label: fmt.Sprint(i), Phase: Phases[r.IntN(len(Phases))]})
		}
		for i := range r.IntN(3 * n) {
			g.Edges = append(g.Edges, Edge{From: fmt.Sprintf("N%d", r.IntN(n+2)), To: fmt.Sprintf("N%d", r.IntN(n+2)), Labels: []string{fmt.Sprint("l", i)}})
		}
		if round%2 == 0 {
			g = New(g.Nodes, g.Edges)
		}
		around := g.Neighbourhoods()
		for i := range n + 3 {
			id := fmt.Sprintf("N%d", i)
			if want, got := g.Neighbourhood(id), around(id); !reflect.DeepEqual(want, got) {
				t.Fatalf("round %d, %s:\nplain   %+v\nindexed %+v", round, id, want, got)
			}
		}
	}
}
