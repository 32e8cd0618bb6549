package currency

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/isms-project/isms/generator/model"
)

// Timeline is what the chart shows: the overdue backlog, then the reviews
// falling due in each of the 12 calendar months starting with the as-of
// date's month.
type Timeline struct {
	Overdue int
	Months  []Month
}

// Month is one column of the timeline.
type Month struct {
	Year    int
	Month   time.Month
	Due     int // reviews due in the month (including DueSoon)
	DueSoon int // of which already within the due-soon window
}

// NewTimeline buckets the report's upcoming review dates by month.
func NewTimeline(r *Report, asOf model.Date) Timeline {
	t := Timeline{Overdue: r.Summary.Overdue}
	y, m, _ := asOf.Time().Date()
	for i := range 12 {
		mm := time.Date(y, m+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		t.Months = append(t.Months, Month{Year: mm.Year(), Month: mm.Month()})
	}
	for _, row := range r.Documents {
		if row.Status != Current && row.Status != DueSoon {
			continue
		}
		d, err := model.ParseDate(string(row.NextReview))
		if err != nil {
			continue
		}
		dy, dm, _ := d.Time().Date()
		i := (dy-y)*12 + int(dm) - int(m)
		if i < 0 || i >= len(t.Months) {
			continue
		}
		t.Months[i].Due++
		if row.Status == DueSoon {
			t.Months[i].DueSoon++
		}
	}
	return t
}

// Chart geometry, in SVG user units; the SVG scales to its container.
const (
	chartW, chartH = 780, 250
	colW           = 56
	barW           = 34
	plotTop        = 28  // room for the value labels above the tallest bar
	plotBottom     = 200 // baseline
	leftPad        = 26
)

// SVG draws the timeline as a bar chart: the backlog bar first, set apart,
// then one bar per month with the due-soon part stacked at its base.
// Every bar carries its number as text, and title/desc describe the whole
// chart for screen readers. Colours come from CSS classes (dark mode),
// with fill attributes as a fallback.
func (t Timeline) SVG() string {
	maxV := max(t.Overdue, 1)
	for _, m := range t.Months {
		maxV = max(maxV, m.Due)
	}
	scale := float64(plotBottom-plotTop-14) / float64(maxV)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="timeline-title timeline-desc">`, chartW, chartH, chartW, chartH)
	fmt.Fprintf(&b, `<title id="timeline-title">Reviews due over the next 12 months, and the overdue backlog</title>`)
	fmt.Fprintf(&b, `<desc id="timeline-desc">%s</desc>`, html.EscapeString(t.Describe()))
	fmt.Fprintf(&b, `<line class="chart-axis" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888"/>`, leftPad-8, plotBottom, chartW-8, plotBottom)
	bar := func(x int, v int, class, fill string, base int) int {
		h := int(float64(v)*scale + 0.5)
		if v > 0 && h < 2 {
			h = 2
		}
		if v > 0 {
			fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d" rx="2" fill="%s"/>`, class, x, base-h, barW, h, fill)
		}
		return base - h
	}
	x0 := leftPad
	top := bar(x0, t.Overdue, "chart-bar chart-bar-overdue", "#cf222e", plotBottom)
	fmt.Fprintf(&b, `<text class="chart-value" x="%d" y="%d" text-anchor="middle">%d</text>`, x0+barW/2, top-6, t.Overdue)
	fmt.Fprintf(&b, `<text class="chart-label chart-label-strong" x="%d" y="%d" text-anchor="middle">Overdue</text>`, x0+barW/2, plotBottom+18)
	fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="middle">now</text>`, x0+barW/2, plotBottom+34)
	sep := x0 + colW + 4
	fmt.Fprintf(&b, `<line class="chart-sep" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#888" stroke-dasharray="4 4"/>`, sep, plotTop-10, sep, plotBottom+38)
	for i, m := range t.Months {
		x := sep + 14 + i*colW
		soonTop := bar(x, m.DueSoon, "chart-bar chart-bar-soon", "#bf8700", plotBottom)
		top := bar(x, m.Due-m.DueSoon, "chart-bar chart-bar-due", "#0b5cad", soonTop)
		fmt.Fprintf(&b, `<text class="chart-value" x="%d" y="%d" text-anchor="middle">%d</text>`, x+barW/2, top-6, m.Due)
		fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="middle">%s</text>`, x+barW/2, plotBottom+18, m.Month.String()[:3])
		if i == 0 || m.Month == time.January {
			fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="middle">%d</text>`, x+barW/2, plotBottom+34, m.Year)
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// Describe says in one paragraph what the chart shows.
func (t Timeline) Describe() string {
	var parts []string
	for _, m := range t.Months {
		if m.Due > 0 {
			parts = append(parts, fmt.Sprintf("%s %d: %d", m.Month, m.Year, m.Due))
		}
	}
	s := fmt.Sprintf("%s overdue now.", plural(t.Overdue, "review"))
	if len(parts) == 0 {
		return s + " No reviews fall due in the next 12 months."
	}
	return s + " Reviews due by month: " + strings.Join(parts, "; ") + "."
}
