package actions

import (
	"fmt"
	"html"
	"strings"
)

// Ageing is the open actions by age (days since raised), stacked by kind:
// what the chart on /actions/ draws and its table alternative lists.
type Ageing struct {
	Buckets []Bucket
	Kinds   []string // the kinds present, in Kinds order
}

// Bucket is one age band; Counts are by kind, in Ageing.Kinds order.
type Bucket struct {
	Label  string
	Counts []int
	Total  int
}

// ageBands are the bands' upper bounds in days, inclusive; the last is open.
var ageBands = []struct {
	max   int
	label string
}{{30, "0–30 days"}, {90, "31–90 days"}, {180, "91–180 days"}, {-1, "over 180 days"}}

// newAgeing buckets open actions; an action without a raised date is in
// a band of its own, shown only when there is one.
func newAgeing(open []ActionView) Ageing {
	var g Ageing
	present := map[string]bool{}
	for _, a := range open {
		present[a.Kind] = true
	}
	kindIndex := map[string]int{}
	for _, k := range Kinds {
		if present[k] {
			kindIndex[k] = len(g.Kinds)
			g.Kinds = append(g.Kinds, k)
		}
	}
	for _, b := range ageBands {
		g.Buckets = append(g.Buckets, Bucket{Label: b.label, Counts: make([]int, len(g.Kinds))})
	}
	undated := Bucket{Label: "not dated", Counts: make([]int, len(g.Kinds))}
	for _, a := range open {
		b := &undated
		if a.HasAge {
			i := 0
			for i < len(ageBands)-1 && a.Age > ageBands[i].max {
				i++
			}
			b = &g.Buckets[i]
		}
		b.Counts[kindIndex[a.Kind]]++
		b.Total++
	}
	if undated.Total > 0 {
		g.Buckets = append(g.Buckets, undated)
	}
	return g
}

// Chart geometry, in SVG user units; the SVG scales to its container.
const (
	ageH         = 260
	ageTop       = 30
	ageBase      = 200
	ageLeft      = 20
	ageCol       = 110
	ageBar       = 56
	ageLegendTop = 236
)

// SVG draws the ageing chart: one column per age band, stacked by kind,
// each column's total above it, a legend below. Colours come from CSS
// classes (dark mode), with fill attributes as a fallback; the title and
// description say what it shows for screen readers.
func (g Ageing) SVG() string {
	maxV := 1
	for _, b := range g.Buckets {
		maxV = max(maxV, b.Total)
	}
	scale := float64(ageBase-ageTop-14) / float64(maxV)
	ageW := ageLeft + len(g.Buckets)*ageCol + 20
	fills := map[string]string{"nonconformity": "#cf222e", "observation": "#bf8700", "opportunity": "#1a7f37", "action": "#0b5cad"}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="ageing-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="ageing-title ageing-desc">`, ageW, ageH, ageW, ageH)
	b.WriteString(`<title id="ageing-title">Open actions by age since raised, by kind</title>`)
	fmt.Fprintf(&b, `<desc id="ageing-desc">%s</desc>`, html.EscapeString(g.Describe()))
	fmt.Fprintf(&b, `<line class="chart-axis" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, ageLeft-8, ageBase, ageW-8, ageBase)
	for i, bk := range g.Buckets {
		x := ageLeft + i*ageCol + (ageCol-ageBar)/2
		top := ageBase
		for k, n := range bk.Counts {
			if n == 0 {
				continue
			}
			h := max(int(float64(n)*scale+0.5), 2)
			kind := g.Kinds[k]
			fmt.Fprintf(&b, `<rect class="chart-bar chart-kind-%s" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s: %d %s</title></rect>`,
				kind, x, top-h, ageBar, h, fills[kind], html.EscapeString(bk.Label), n, kind)
			top -= h
		}
		fmt.Fprintf(&b, `<text class="chart-value" x="%d" y="%d" text-anchor="middle">%d</text>`, x+ageBar/2, top-6, bk.Total)
		fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="middle">%s</text>`, x+ageBar/2, ageBase+18, html.EscapeString(bk.Label))
	}
	x := ageLeft
	for _, k := range g.Kinds {
		fmt.Fprintf(&b, `<rect class="chart-bar chart-kind-%s" x="%d" y="%d" width="12" height="12" fill="%s"/>`, k, x, ageLegendTop, fills[k])
		fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d">%s</text>`, x+17, ageLegendTop+11, k)
		x += 30 + 8*len(k)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// Describe says in one sentence what the chart shows.
func (g Ageing) Describe() string {
	var parts []string
	total := 0
	for _, b := range g.Buckets {
		total += b.Total
		parts = append(parts, fmt.Sprintf("%s: %d", b.Label, b.Total))
	}
	if total == 0 {
		return "No open actions."
	}
	return fmt.Sprintf("%d open actions by age since raised — %s.", total, strings.Join(parts, "; "))
}
