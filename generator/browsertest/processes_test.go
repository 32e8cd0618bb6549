package browsertest

import (
	"math"
	"testing"

	"github.com/chromedp/chromedp"
)

// textSizes is the smallest rendered font size, in CSS pixels, of the
// process map's process names, ids and edge labels: each text's font
// size in the SVG's units times the scale the page draws the SVG at, and
// the height of its box on screen.
const textSizes = `(() => {
	const svg = document.querySelector('.process-map svg');
	const scale = svg.getScreenCTM().a, out = {names: 1e9, ids: 1e9, edges: 1e9, boxes: 1e9, count: 0};
	for (const t of svg.querySelectorAll('g.node text, g.edge text')) {
		const px = parseFloat(t.getAttribute('font-size')) * scale;
		const kind = t.closest('g.edge') ? 'edges' : (t.getAttribute('font-weight') === 'bold' ? 'names' : 'ids');
		out[kind] = Math.min(out[kind], px);
		out.boxes = Math.min(out.boxes, t.getBoundingClientRect().height);
		out.count++;
	}
	return out;
})()`

type sizes struct {
	Names, IDs, Edges, Boxes float64
	Count                    int
}

// At a 1,400 px window the process map is legible: process names, ids
// and edge labels at 11 px or more. Zoom buttons scale it; the map holds
// no Graphviz internals as tooltips, is named as a group of links, and
// the interactions are listed as a table, one row per arrow.
func TestProcessMapLegible(t *testing.T) {
	ctx := browser(t)
	base, _ := serveSample(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), media("", "light"),
		chromedp.Navigate(base+"/processes/"), chromedp.WaitReady(chromedp.CSS(".process-map svg"))); err != nil {
		t.Fatal(err)
	}
	s, err := chromedp.Run(ctx, chromedp.Evaluate[sizes](textSizes))
	if err != nil {
		t.Fatal(err)
	}
	if s.Count < 50 {
		t.Fatalf("the map has %d texts in nodes and edges", s.Count)
	}
	for _, c := range []struct {
		what string
		px   float64
	}{{"process names", s.Names}, {"ids", s.IDs}, {"edge labels", s.Edges}, {"text boxes", s.Boxes}} {
		if c.px < 11 {
			t.Errorf("at 1,400 px the map's %s are %.1f px, want at least 11", c.what, c.px)
		}
	}

	// No <title> names a cluster or an edge; the SVG is a named group.
	internals, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.process-map svg title')].map(e => e.textContent).filter(t => t.includes('cluster_') || t.includes('->'))`))
	if err != nil || len(internals) > 0 {
		t.Errorf("Graphviz internals in the map's <title>s: %v (%v)", internals, err)
	}
	role, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(s => s.getAttribute('role') + ' ' + (s.getAttribute('aria-label') || '') + ' | ' + s.closest('figure').getAttribute('aria-labelledby'))(document.querySelector('.process-map svg'))`))
	if err != nil || role != "group ISMS process interactions | map-caption" {
		t.Errorf("the map's role, name and figure caption: %q (%v)", role, err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.querySelectorAll('.interactions-table tbody tr').length, document.querySelectorAll('.process-map svg g.edge').length,
		[...document.querySelectorAll('.interactions-table tbody tr')].filter(r => r.cells[0].querySelector('a') && r.cells[2].querySelector('a') && r.cells[1].textContent.trim() !== '').length]`))
	if err != nil || len(rows) != 3 || rows[0] == 0 || rows[0] != rows[1] || rows[2] != rows[0] {
		t.Errorf("interactions table rows, map edges, complete rows: %v (%v); want one complete row per edge", rows, err)
	}

	// Zoom: + scales the drawing by 1.25, "Fit to width" fits the canvas.
	width := `document.querySelector('.process-map svg').getBoundingClientRect().width`
	w0, err := chromedp.Run(ctx, chromedp.Evaluate[float64](width))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.map-zoom button[data-zoom="in"]`))); err != nil {
		t.Fatal(err)
	}
	if w1, _ := chromedp.Run(ctx, chromedp.Evaluate[float64](width)); math.Abs(w1/w0-1.25) > 0.02 {
		t.Errorf("zooming in took the map from %.0f to %.0f px", w0, w1)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.map-zoom button[data-zoom="fit"]`))); err != nil {
		t.Fatal(err)
	}
	fit, _ := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[document.querySelector('.process-map svg').getBoundingClientRect().width, document.querySelector('.map-canvas').clientWidth]`))
	if len(fit) != 2 || fit[0] > fit[1] || fit[0] < fit[1]-10 {
		t.Errorf("fit to width: map %v px in a canvas of the second", fit)
	}
}
