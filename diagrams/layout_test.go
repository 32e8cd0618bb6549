package diagrams

import (
	"fmt"
	"testing"
)

func TestRanksBandsPhases(t *testing.T) {
	g := sampleISMS()
	rank := ranks(g.Nodes, g.Edges)
	lo, hi := map[string]int{}, map[string]int{}
	for i, n := range g.Nodes {
		if n.External {
			continue
		}
		if _, ok := lo[n.Phase]; !ok || rank[i] < lo[n.Phase] {
			lo[n.Phase] = rank[i]
		}
		hi[n.Phase] = max(hi[n.Phase], rank[i])
	}
	for i := 1; i < len(Phases); i++ {
		if hi[Phases[i-1]] >= lo[Phases[i]] {
			t.Errorf("phase %s (rows %d–%d) overlaps %s (rows %d–%d)", Phases[i-1], lo[Phases[i-1]], hi[Phases[i-1]], Phases[i], lo[Phases[i]], hi[Phases[i]])
		}
	}
	// Inside a phase a process sits below the processes feeding it.
	index := map[string]int{}
	for i, n := range g.Nodes {
		index[n.ID] = i
	}
	for _, e := range []Edge{{From: "PRC-CONTEXT-01", To: "PRC-RISK-01"}, {From: "PRC-RISK-01", To: "PRC-TREAT-01"}, {From: "PRC-AUDIT-01", To: "PRC-MR-01"}} {
		if rank[index[e.From]] >= rank[index[e.To]] {
			t.Errorf("%s (row %d) not above %s (row %d)", e.From, rank[index[e.From]], e.To, rank[index[e.To]])
		}
	}
}

func TestRanksWrapWidePhasesAndSurviveCycles(t *testing.T) {
	var nodes []Node
	for i := range 12 {
		nodes = append(nodes, Node{ID: fmt.Sprintf("P%02d", i), Phase: "do"})
	}
	edges := []Edge{{From: "P00", To: "P01"}, {From: "P01", To: "P00"}, {From: "P01", To: "P01"}}
	g := New(nodes, edges)
	rank := ranks(g.Nodes, g.Edges)
	count := map[int]int{}
	for _, r := range rank {
		count[r]++
	}
	for r, c := range count {
		if c > maxPerRank {
			t.Errorf("row %d holds %d processes, cap is %d", r, c, maxPerRank)
		}
	}
	if len(count) != 3 {
		t.Errorf("12 processes in rows of %d: got %d rows (%v), want 3", maxPerRank, len(count), count)
	}
}

func TestNeighbourhoodRanks(t *testing.T) {
	g := sampleISMS().Neighbourhood("PRC-AUDIT-01")
	rank, ok := neighbourhoodRanks(g.Nodes, g.Edges, "PRC-AUDIT-01")
	if !ok {
		t.Fatal("a neighbourhood not recognised as one")
	}
	want := map[string]int{"PLN-AUDIT-01": 0, "PRC-DOC-01": 0, "PRC-AUDIT-01": 1, "PRC-MR-01": 2, "PRC-NC-01": 2}
	for i, n := range g.Nodes {
		if rank[i] != want[n.ID] {
			t.Errorf("%s in column %d, want %d", n.ID, rank[i], want[n.ID])
		}
	}
	whole := sampleISMS()
	if _, ok := neighbourhoodRanks(whole.Nodes, whole.Edges, "PRC-AUDIT-01"); ok {
		t.Errorf("the whole map taken for a neighbourhood")
	}
}
