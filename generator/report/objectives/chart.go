package objectives

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/isms-project/isms/generator/model"
)

// Chart geometry, in SVG user units; the SVG scales to its container.
const (
	chartW, chartH = 320, 120
	padL, padR     = 44, 12
	padT, padB     = 12, 24
)

// Trend draws an objective's measurements as a small line chart at build
// time: the target as a dashed line, each measurement a point (hollow
// when it misses the target), the first and last dates on the axis.
// Colours come from CSS classes; the title names the objective and the
// description lists the values, and the page repeats them as a table.
// It is "" for an objective without measurements.
func Trend(o *Objective, asOf model.Date) string {
	var ms []Measurement
	for _, m := range o.Measurements {
		if !asOf.Before(m.Date) {
			ms = append(ms, m)
		}
	}
	if len(ms) == 0 {
		return ""
	}
	// Values are scaled by the largest magnitude first, so that a span
	// between huge values of opposite sign does not overflow.
	scale := max(1, math.Abs(o.Target.Value))
	for _, m := range ms {
		scale = max(scale, math.Abs(m.Value))
	}
	lo, hi := o.Target.Value/scale, o.Target.Value/scale
	for _, m := range ms {
		lo, hi = min(lo, m.Value/scale), max(hi, m.Value/scale)
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	span := hi - lo
	lo, hi = lo-span*0.1, hi+span*0.1
	first, last := ms[0].Date, ms[len(ms)-1].Date
	days := first.DaysUntil(last)
	plotW, plotH := float64(chartW-padL-padR), float64(chartH-padT-padB)
	x := func(d model.Date) float64 {
		if days == 0 {
			return float64(padL) + plotW/2
		}
		return float64(padL) + plotW*float64(first.DaysUntil(d))/float64(days)
	}
	y := func(v float64) float64 { return float64(padT) + plotH*(hi-v/scale)/(hi-lo) }
	id := "trend-" + o.ID
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="obj-trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="%s-title %s-desc">`,
		chartW, chartH, chartW, chartH, html.EscapeString(id), html.EscapeString(id))
	fmt.Fprintf(&b, `<title id="%s-title">%s: measurements against the target %s</title>`, html.EscapeString(id), html.EscapeString(o.ID), html.EscapeString(o.Target.String()))
	fmt.Fprintf(&b, `<desc id="%s-desc">%s</desc>`, html.EscapeString(id), html.EscapeString(describe(o, ms)))
	fmt.Fprintf(&b, `<line class="obj-axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, padL, chartH-padB, chartW-padR, chartH-padB)
	ty := y(o.Target.Value)
	fmt.Fprintf(&b, `<line class="obj-target" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/>`, padL, ty, chartW-padR, ty)
	fmt.Fprintf(&b, `<text class="obj-label obj-target-label" x="%d" y="%.1f" text-anchor="end">%s</text>`, padL-4, ty+4, html.EscapeString(o.Target.String()))
	if len(ms) > 1 {
		pts := make([]string, len(ms))
		for i, m := range ms {
			pts[i] = fmt.Sprintf("%.1f,%.1f", x(m.Date), y(m.Value))
		}
		fmt.Fprintf(&b, `<polyline class="obj-line" points="%s"/>`, strings.Join(pts, " "))
	}
	for _, m := range ms {
		class := "obj-point obj-meets"
		if !o.Target.Meets(m.Value) {
			class = "obj-point obj-misses"
		}
		fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%.1f" r="4"><title>%s: %s</title></circle>`,
			class, x(m.Date), y(m.Value), m.Date, html.EscapeString(Number(m.Value, o.Target.Unit)))
	}
	fmt.Fprintf(&b, `<text class="obj-label" x="%d" y="%d">%s</text>`, padL, chartH-6, first)
	if days > 0 {
		fmt.Fprintf(&b, `<text class="obj-label" x="%d" y="%d" text-anchor="end">%s</text>`, chartW-padR, chartH-6, last)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// describe says in one sentence what the chart shows.
func describe(o *Objective, ms []Measurement) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.Date.String() + ": " + Number(m.Value, o.Target.Unit)
	}
	return fmt.Sprintf("Target %s. %d measurements — %s.", o.Target.String(), len(ms), strings.Join(parts, "; "))
}
