package diagrams

import "slices"

// maxPerRank caps how many processes of one phase share a rank (a row of
// the drawing), so a phase with many unconnected processes wraps onto more
// rows instead of growing a map wider than a screen. Very large phases get
// wider rows (the square root of their size): every row adds a layer that
// each long edge must cross, and Graphviz's crossing minimisation grows
// much faster than linearly in those layers.
const maxPerRank = 5

func rowCap(phaseSize int) int {
	c := maxPerRank
	for c*c < phaseSize {
		c++
	}
	return c
}

// ranks assigns every node (by index into nodes, which are sorted) a row of
// the drawing. Graphviz left to itself lets a long chain or a feedback edge
// stretch phases into each other; instead each phase gets its own band of
// rows, Plan above Do above Check above Act (unphased processes last), and
// within a band a process sits below the processes of the same phase that
// feed it. Edges closing a cycle inside a phase are ignored for this, as are
// edges between phases. A document that is not a process goes one row below
// the lowest process writing it, else one row above the highest reading it.
func ranks(nodes []Node, edges []Edge) []int {
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		index[n.ID] = i
	}
	return bandRanks(nodes, edges, index)
}

// neighbourhoodRanks lays out a one-hop graph around focus in three ranks:
// inputs, the focus, outputs. A node that is both an input and an output
// shares the focus's rank. ok is false if some edge does not touch focus,
// i.e. g is not a neighbourhood of it.
func neighbourhoodRanks(nodes []Node, edges []Edge, focus string) (rank []int, ok bool) {
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		index[n.ID] = i
	}
	f, found := index[focus]
	if !found {
		return nil, false
	}
	in := make([]bool, len(nodes))
	out := make([]bool, len(nodes))
	for _, e := range edges {
		switch {
		case e.To == focus:
			in[index[e.From]] = true
		case e.From == focus:
			out[index[e.To]] = true
		default:
			return nil, false
		}
	}
	rank = make([]int, len(nodes))
	for i := range nodes {
		switch {
		case i == f || in[i] == out[i]:
			rank[i] = 1
		case in[i]:
			rank[i] = 0
		default:
			rank[i] = 2
		}
	}
	return rank, true
}

func bandRanks(nodes []Node, edges []Edge, index map[string]int) []int {
	band := func(i int) int {
		if nodes[i].External {
			return -1
		}
		return phaseRank(nodes[i].Phase)
	}
	succ := make([][]int, len(nodes)) // edges inside a band, in sorted order
	for _, e := range edges {
		f, t := index[e.From], index[e.To]
		if f != t && band(f) >= 0 && band(f) == band(t) {
			succ[f] = append(succ[f], t)
		}
	}
	for i := range succ {
		slices.Sort(succ[i])
	}
	back := backEdges(succ)

	rank := make([]int, len(nodes))
	offset := 0
	for b := 0; b <= len(Phases); b++ {
		var members []int
		for i := range nodes {
			if band(i) == b {
				members = append(members, i)
			}
		}
		if len(members) == 0 {
			continue
		}
		preds := make(map[int][]int)
		for _, f := range members {
			for _, t := range succ[f] {
				if !back[[2]int{f, t}] {
					preds[t] = append(preds[t], f)
				}
			}
		}
		// Longest path from the band's sources first, then place nodes in
		// that order into the first row below their feeders that has room.
		longest := make(map[int]int)
		var depth func(int) int
		depth = func(v int) int {
			if d, ok := longest[v]; ok {
				return d
			}
			d := 0
			for _, u := range preds[v] {
				d = max(d, depth(u)+1)
			}
			longest[v] = d
			return d
		}
		order := slices.Clone(members)
		slices.SortStableFunc(order, func(a, b int) int { return depth(a) - depth(b) })
		perRank := rowCap(len(members))
		local := make(map[int]int)
		count := make(map[int]int)
		rows := 0
		for _, v := range order {
			r := 0
			for _, u := range preds[v] {
				r = max(r, local[u]+1)
			}
			for count[r] >= perRank {
				r++
			}
			local[v] = r
			count[r]++
			rows = max(rows, r+1)
		}
		for _, v := range members {
			rank[v] = offset + local[v]
		}
		offset += rows
	}

	for i := range nodes {
		if band(i) >= 0 {
			continue
		}
		below, above := -1, -1
		for _, e := range edges {
			f, t := index[e.From], index[e.To]
			switch {
			case t == i && band(f) >= 0:
				below = max(below, rank[f]+1)
			case f == i && band(t) >= 0:
				if above < 0 || rank[t]-1 < above {
					above = rank[t] - 1
				}
			}
		}
		switch {
		case below >= 0:
			rank[i] = below
		case above >= 0:
			rank[i] = above
		}
	}
	return rank
}

// backEdges finds, by depth-first search from each node in index order, the
// edges that close a cycle; dropping them leaves the graph acyclic.
func backEdges(succ [][]int) map[[2]int]bool {
	const (
		unseen = iota
		onStack
		done
	)
	state := make([]int, len(succ))
	back := make(map[[2]int]bool)
	var visit func(int)
	visit = func(v int) {
		state[v] = onStack
		for _, w := range succ[v] {
			switch state[w] {
			case unseen:
				visit(w)
			case onStack:
				back[[2]int{v, w}] = true
			}
		}
		state[v] = done
	}
	for v := range succ {
		if state[v] == unseen {
			visit(v)
		}
	}
	return back
}
