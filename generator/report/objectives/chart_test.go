package objectives

import (
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"testing"
)

// svgElem is one element of a parsed chart.
type svgElem struct {
	name  string
	attrs map[string]string
}

// parse reads an SVG as XML, failing on malformed markup.
func parse(t *testing.T, svg string) []svgElem {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var out []svgElem
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			e := svgElem{name: se.Name.Local, attrs: map[string]string{}}
			for _, a := range se.Attr {
				e.attrs[a.Name.Local] = a.Value
			}
			out = append(out, e)
		}
	}
}

// The trend chart is well-formed SVG, labelled for screen readers by a
// title and a description that exist, with no inline styles (the CSP
// forbids them): the target a dashed line at the target's height, one
// point per measurement up to as-of (hollow when it misses), joined by a
// line, oldest on the left; a markup title is escaped.
func TestTrendSVG(t *testing.T) {
	o := obj("<", 5, "2027-03-31", "2026-03-15=7", "2026-06-15=6.1", "2026-09-15=4.8", "2026-12-15=3")
	o.ID = `OBJ-1`
	o.Target.Unit = `<%>`
	svg := Trend(o, date("2026-11-27"))
	els := parse(t, svg)
	if els[0].name != "svg" || els[0].attrs["role"] != "img" || els[0].attrs["viewBox"] == "" {
		t.Fatalf("root %+v", els[0])
	}
	ids := map[string]bool{}
	count := map[string]int{}
	var target svgElem
	var points []svgElem
	for _, e := range els {
		if _, bad := e.attrs["style"]; bad {
			t.Errorf("%s has an inline style", e.name)
		}
		if id := e.attrs["id"]; id != "" {
			ids[id] = true
		}
		count[e.name]++
		switch {
		case e.attrs["class"] == "obj-target":
			target = e
		case strings.HasPrefix(e.attrs["class"], "obj-point"):
			points = append(points, e)
		}
	}
	for _, id := range strings.Fields(els[0].attrs["aria-labelledby"]) {
		if !ids[id] {
			t.Errorf("aria-labelledby names %q, which is not in the chart", id)
		}
	}
	if count["polyline"] != 1 || len(points) != 3 {
		t.Errorf("%d lines and %d points, want 1 and 3 (the measurement after as-of left out)", count["polyline"], len(points))
	}
	if target.name != "line" || target.attrs["y1"] != target.attrs["y2"] {
		t.Fatalf("target line %+v", target)
	}
	ty, _ := strconv.ParseFloat(target.attrs["y1"], 64)
	var xs, ys []float64
	for _, p := range points {
		x, _ := strconv.ParseFloat(p.attrs["cx"], 64)
		y, _ := strconv.ParseFloat(p.attrs["cy"], 64)
		xs, ys = append(xs, x), append(ys, y)
	}
	if !(xs[0] < xs[1] && xs[1] < xs[2]) {
		t.Errorf("points not in date order: %v", xs)
	}
	// 7 and 6.1 are above the target line (higher values, smaller y) and
	// miss it; 4.8 is below and meets it.
	if !(ys[0] < ys[1] && ys[1] < ty && ty < ys[2]) {
		t.Errorf("point heights %v against the target at %v", ys, ty)
	}
	if !strings.Contains(points[0].attrs["class"], "obj-misses") || !strings.Contains(points[2].attrs["class"], "obj-meets") {
		t.Errorf("point classes %q, %q", points[0].attrs["class"], points[2].attrs["class"])
	}
	if strings.Contains(svg, "<%>") || !strings.Contains(svg, "&lt;%&gt;") {
		t.Error("the unit is not escaped")
	}
}

// One measurement is a point in the middle without a line; none is no
// chart at all (the page says there is nothing to draw).
func TestTrendEdges(t *testing.T) {
	els := parse(t, Trend(obj(">=", 95, "", "2026-10-31=93"), date("2026-11-27")))
	n, lines := 0, 0
	for _, e := range els {
		if e.name == "circle" {
			n++
			if e.attrs["cx"] != "176.0" {
				t.Errorf("a lone point at x=%s, want the middle", e.attrs["cx"])
			}
		}
		if e.name == "polyline" {
			lines++
		}
	}
	if n != 1 || lines != 0 {
		t.Errorf("%d points and %d lines", n, lines)
	}
	// A flat series equal to the target still has a height to draw in.
	if svg := Trend(obj("=", 1, "", "2026-01-01=1", "2026-02-01=1"), date("2026-11-27")); strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
		t.Errorf("flat series: %s", svg)
	}
	if Trend(obj("<", 5, ""), date("2026-11-27")) != "" {
		t.Error("an objective never measured has a chart")
	}
}
