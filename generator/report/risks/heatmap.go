package risks

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
)

// heatMap is a likelihood × impact grid with the risks in each cell.
type heatMap struct {
	ID, Title string // "inherent", "Inherent risk"
	method    Method
	cells     [][][]string // [likelihood-1][impact-1] → risk ids, in register order
}

func newHeatMap(id, title string, m Method) *heatMap {
	h := &heatMap{ID: id, Title: title, method: m, cells: make([][][]string, len(m.Likelihood))}
	for i := range h.cells {
		h.cells[i] = make([][]string, len(m.Impact))
	}
	return h
}

func (h *heatMap) add(r Rating, id string) {
	l, i := r.Likelihood.N, r.Impact.N
	if l >= 1 && l <= len(h.cells) && i >= 1 && i <= len(h.cells[0]) {
		h.cells[l-1][i-1] = append(h.cells[l-1][i-1], id)
	}
}

// Geometry of the drawing, in SVG user units (CSS scales it down).
const (
	hmLeft    = 150 // likelihood labels
	hmTop     = 12
	hmCellW   = 104
	hmCellH   = 72
	hmBottom  = 58 // impact labels and axis title
	hmPerLine = 2
	hmLines   = 3 // id lines per cell; more become "+N"
)

// hmLabel shortens a scale label that would overflow its column.
func hmLabel(s string, max int) string {
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func frag(id string) string { return "#" + url.PathEscape(id) }

var esc = template.HTMLEscapeString

// SVG draws the map: likelihood up, impact across; a cell is "above" when
// its score is above the appetite. Each cell links to its first risk's
// row and lists every id as a link to its row. Classes only, no inline
// styles (the CSP forbids them); the text alternative is the title and
// the table beside it.
func (h *heatMap) SVG() template.HTML {
	m := h.method
	rows, cols := len(m.Likelihood), len(m.Impact)
	w, ht := hmLeft+cols*hmCellW+8, hmTop+rows*hmCellH+hmBottom
	var b strings.Builder
	tid := "hm-" + h.ID + "-title"
	fmt.Fprintf(&b, `<svg class="heatmap" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" aria-labelledby="%s">`, w, ht, w, ht, tid)
	fmt.Fprintf(&b, `<title id="%s">%s heat map: likelihood (%d levels) by impact (%d levels); cells above the appetite of %d are marked; %s</title>`,
		tid, esc(h.Title), rows, cols, m.Appetite, esc(h.describe()))
	for l := rows; l >= 1; l-- {
		y := hmTop + (rows-l)*hmCellH
		fmt.Fprintf(&b, `<text class="hm-axis-label" x="%d" y="%d" text-anchor="end">%d %s</text>`, hmLeft-8, y+hmCellH/2+4, l, esc(hmLabel(m.Likelihood[l-1], 18)))
		for i := 1; i <= cols; i++ {
			x := hmLeft + (i-1)*hmCellW
			ids := h.cells[l-1][i-1]
			score := l * i
			class := "hm-within"
			if score > m.Appetite {
				class = "hm-above"
			}
			fmt.Fprintf(&b, `<g class="hm-cell %s" data-likelihood="%d" data-impact="%d" data-count="%d">`, class, l, i, len(ids))
			rect := fmt.Sprintf(`<rect x="%d" y="%d" width="%d" height="%d" rx="3"/>`, x+1, y+1, hmCellW-2, hmCellH-2)
			if len(ids) > 0 {
				fmt.Fprintf(&b, `<a class="hm-cell-link" href="%s" aria-label="%s">%s</a>`, esc(frag(ids[0])),
					esc(fmt.Sprintf("likelihood %d × impact %d = %d: %s", l, i, score, strings.Join(ids, ", "))), rect)
			} else {
				b.WriteString(rect)
			}
			fmt.Fprintf(&b, `<text class="hm-score" x="%d" y="%d">%d</text>`, x+hmCellW-8, y+15, score)
			for k, id := range ids {
				line, col := k/hmPerLine, k%hmPerLine
				if line == hmLines-1 && len(ids) > hmLines*hmPerLine && col == hmPerLine-1 {
					fmt.Fprintf(&b, `<a class="hm-more" href="%s"><text x="%d" y="%d">+%d</text></a>`, esc(frag(ids[k])), x+8+col*46, y+32+line*16, len(ids)-k)
					break
				}
				fmt.Fprintf(&b, `<a class="hm-id" href="%s"><text x="%d" y="%d">%s</text></a>`, esc(frag(id)), x+8+col*46, y+32+line*16, esc(hmLabel(id, 7)))
			}
			b.WriteString(`</g>`)
		}
	}
	by := hmTop + rows*hmCellH
	for i := 1; i <= cols; i++ {
		x := hmLeft + (i-1)*hmCellW + hmCellW/2
		fmt.Fprintf(&b, `<text class="hm-axis-label" x="%d" y="%d" text-anchor="middle">%d</text>`, x, by+16, i)
		fmt.Fprintf(&b, `<text class="hm-axis-label" x="%d" y="%d" text-anchor="middle">%s</text>`, x, by+31, esc(hmLabel(m.Impact[i-1], 15)))
	}
	fmt.Fprintf(&b, `<text class="hm-axis-title" x="%d" y="%d" text-anchor="middle">Impact →</text>`, hmLeft+cols*hmCellW/2, by+51)
	fmt.Fprintf(&b, `<text class="hm-axis-title" x="8" y="%d">Likelihood ↑</text>`, hmTop+10)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// describe lists the occupied cells, for the title.
func (h *heatMap) describe() string {
	var parts []string
	for l := len(h.cells); l >= 1; l-- {
		for i := 1; i <= len(h.cells[l-1]); i++ {
			if ids := h.cells[l-1][i-1]; len(ids) > 0 {
				parts = append(parts, fmt.Sprintf("L%d×I%d: %s", l, i, strings.Join(ids, ", ")))
			}
		}
	}
	if len(parts) == 0 {
		return "no risks"
	}
	return strings.Join(parts, "; ")
}

// HMRow is one likelihood row of the heat map's table alternative,
// highest first.
type HMRow struct {
	Likelihood int
	Label      string
	Cells      []HMCell
}

// HMCell is one cell of the table alternative.
type HMCell struct {
	Score int
	Above bool
	IDs   []string
}

// Table is the map as rows, for the table alternative.
func (h *heatMap) Table() []HMRow {
	var out []HMRow
	for l := len(h.cells); l >= 1; l-- {
		row := HMRow{Likelihood: l, Label: h.method.Likelihood[l-1]}
		for i := 1; i <= len(h.cells[l-1]); i++ {
			row.Cells = append(row.Cells, HMCell{Score: l * i, Above: l*i > h.method.Appetite, IDs: h.cells[l-1][i-1]})
		}
		out = append(out, row)
	}
	return out
}
