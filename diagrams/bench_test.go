package diagrams

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// generatedISMS builds a deterministic map of n processes spread over the
// four phases, each feeding one or two others (mostly the same or the
// next phase, sometimes back to Plan), plus one external document per five
// processes. Real maps are sparser; this errs on the busy side.
func generatedISMS(n int) Graph {
	rng := rand.New(rand.NewPCG(uint64(n), 27001))
	clauses := map[string][]string{
		"plan":  {"4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "6.1.1", "6.1.2", "6.1.3", "6.2", "6.3"},
		"do":    {"7.1", "7.2", "7.3", "7.4", "7.5", "8.1", "8.2", "8.3"},
		"check": {"9.1", "9.2", "9.3"},
		"act":   {"10.1", "10.2"},
	}
	statuses := []string{"current", "current", "current", "due-soon", "overdue", "never-reviewed"}
	words := []string{"Asset", "Access", "Supplier", "Backup", "Change", "Capacity", "Logging", "Crypto", "Awareness", "Continuity", "Vendor", "Patch", "Risk", "Audit", "Review"}
	kinds := []string{"management", "review", "planning", "control", "assessment", "monitoring"}
	var nodes []Node
	byPhase := map[string][]string{}
	for i := range n {
		phase := Phases[i*len(Phases)/n]
		id := fmt.Sprintf("PRC-%03d", i)
		cl := clauses[phase]
		nodes = append(nodes, Node{
			ID: id, Phase: phase, Order: cl[rng.IntN(len(cl))],
			Label:   words[rng.IntN(len(words))] + " " + kinds[rng.IntN(len(kinds))],
			URL:     "../" + id + "/",
			Tooltip: "owner: Process Owner " + fmt.Sprint(i%7),
			Status:  statuses[rng.IntN(len(statuses))],
		})
		byPhase[phase] = append(byPhase[phase], id)
	}
	var edges []Edge
	for i, from := range nodes {
		next := Phases[min(i*len(Phases)/n+1, len(Phases)-1)]
		for range 1 + rng.IntN(2) {
			target := from.Phase
			switch r := rng.IntN(10); {
			case r < 4:
				target = next
			case r == 9:
				target = "plan"
			}
			pool := byPhase[target]
			to := pool[rng.IntN(len(pool))]
			if to != from.ID {
				edges = append(edges, Edge{From: from.ID, To: to, Labels: []string{words[rng.IntN(len(words))] + " records"}})
			}
		}
	}
	for i := range n / 5 {
		id := fmt.Sprintf("DOC-%03d", i)
		nodes = append(nodes, Node{ID: id, Label: words[i%len(words)] + " register", External: true})
		edges = append(edges,
			Edge{From: nodes[rng.IntN(n)].ID, To: id, Labels: []string{"updates"}},
			Edge{From: id, To: nodes[rng.IntN(n)].ID, Labels: []string{"reads"}})
	}
	return New(nodes, edges)
}

// BenchmarkRender measures what an uncached map costs: DOT text plus a
// Graphviz layout and SVG, for maps of 20, 100 and 500 processes.
//
//	go test ./diagrams -run '^$' -bench Render -benchtime 5x
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{20, 100, 500} {
		g := generatedISMS(n)
		b.Run(fmt.Sprintf("processes=%d", n), func(b *testing.B) {
			var size int
			for b.Loop() {
				r := NewRenderer("") // a fresh cache: every iteration renders
				svg, err := r.SVG(context.Background(), DOT(g, Options{Title: "map", Legend: true}))
				if err != nil {
					b.Fatal(err)
				}
				size = len(svg)
			}
			b.ReportMetric(float64(size)/1024, "KiB-svg")
		})
	}
}

// BenchmarkDOT isolates writing the DOT text, so the render figure above
// can be read as almost all Graphviz.
func BenchmarkDOT(b *testing.B) {
	g := generatedISMS(500)
	for b.Loop() {
		DOT(g, Options{Title: "map", Legend: true})
	}
}

// BenchmarkCachedSVG is what an unchanged diagram costs on a rebuild: a
// hash and a map lookup, or a file read with a cold memory cache.
func BenchmarkCachedSVG(b *testing.B) {
	dot := DOT(generatedISMS(100), Options{})
	dir := b.TempDir()
	if _, err := NewRenderer(dir).SVG(context.Background(), dot); err != nil {
		b.Fatal(err)
	}
	b.Run("memory", func(b *testing.B) {
		r := NewRenderer(dir)
		for b.Loop() {
			if _, err := r.SVG(context.Background(), dot); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("disk", func(b *testing.B) {
		for b.Loop() {
			r := NewRenderer(dir)
			if _, err := r.SVG(context.Background(), dot); err != nil || r.Renders() != 0 {
				b.Fatal(err, r.Renders())
			}
		}
	})
}
