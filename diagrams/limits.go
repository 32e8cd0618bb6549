package diagrams

import (
	"context"
	"fmt"
	"strconv"

	"github.com/goccy/go-graphviz/cgraph"
)

// Limits bound the work one DOT text may ask of Graphviz. Layout time grows
// much faster than linearly in the edges (a 19 KB fence of 780 labelled
// edges took over three minutes; 190 take about 1.5 s), and a render cannot
// be interrupted: go-graphviz creates its wazero runtime in a package init
// without WithCloseOnContextDone, so a context deadline is only noticed
// between calls, never during a layout. The limits are therefore on size,
// checked before the layout starts. Zero means no limit.
type Limits struct {
	Bytes int // length of the DOT text
	Nodes int // nodes in the whole graph, subgraphs included
	Edges int
}

// FenceLimits are the limits for a ```dot fence in a document (the
// process maps the build draws itself have none: they are shaped by
// DOT's own large-map rules).
var FenceLimits = Limits{Bytes: 32 << 10, Nodes: 200, Edges: 200}

// LimitError is a DOT text over one of its Limits.
type LimitError struct {
	What       string // "bytes", "nodes" or "edges"
	Got, Limit int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("too large: %d %s, the limit is %d (split it into smaller diagrams)", e.Got, e.What, e.Limit)
}

// SVGWithin is SVG with limits; a text over them gives a *LimitError
// before any layout work.
func (r *Renderer) SVGWithin(ctx context.Context, dot []byte, lim Limits) ([]byte, error) {
	if lim.Bytes > 0 && len(dot) > lim.Bytes {
		return nil, &LimitError{What: "bytes", Got: len(dot), Limit: lim.Bytes}
	}
	return r.svg(ctx, dot, &lim)
}

// check enforces lim on a parsed graph and caps the tuning attributes that
// multiply layout passes (mclimit, searchsize) at Graphviz's defaults.
// It runs under gvMu.
func (lim *Limits) check(g *cgraph.Graph) error {
	if lim.Nodes > 0 {
		if n, err := g.NodeNum(); err != nil || n > lim.Nodes {
			return &LimitError{What: "nodes", Got: n, Limit: lim.Nodes}
		}
	}
	if lim.Edges > 0 {
		if n, err := g.EdgeNum(); err != nil || n > lim.Edges {
			return &LimitError{What: "edges", Got: n, Limit: lim.Edges}
		}
	}
	for attr, most := range map[string]float64{"mclimit": 1, "searchsize": 30} {
		if v, err := strconv.ParseFloat(g.GetStr(attr), 64); err == nil && !(v <= most) {
			if err := g.Set(attr, strconv.FormatFloat(most, 'g', -1, 64)); err != nil {
				return fmt.Errorf("dot: capping %s: %w", attr, err)
			}
		}
	}
	return nil
}
