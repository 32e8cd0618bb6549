package actions

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// The ageing chart is well-formed SVG, described for screen readers, with
// no inline styles (the CSP forbids them), one bar per kind and band that
// has actions, the total above each band, and a legend entry per kind.
func TestAgeingSVG(t *testing.T) {
	open := []ActionView{
		{ID: "A", Kind: "nonconformity", Age: 0, HasAge: true},
		{ID: "B", Kind: "nonconformity", Age: 30, HasAge: true},
		{ID: "C", Kind: "opportunity", Age: 31, HasAge: true},
		{ID: "D", Kind: "nonconformity", Age: 181, HasAge: true},
		{ID: "E", Kind: "opportunity", Age: 180, HasAge: true},
		{ID: "F", Kind: "action"},
	}
	g := newAgeing(open)
	var totals []int
	for _, b := range g.Buckets {
		totals = append(totals, b.Total)
	}
	if got := strings.Join(g.Kinds, ","); got != "nonconformity,opportunity,action" {
		t.Errorf("kinds %s", got)
	}
	if len(totals) != 5 || totals[0] != 2 || totals[1] != 1 || totals[2] != 1 || totals[3] != 1 || totals[4] != 1 || g.Buckets[4].Label != "not dated" {
		t.Errorf("bands %v (0–30: A B; 31–90: C; 91–180: E; over 180: D; not dated: F)", totals)
	}
	svg := g.SVG()
	dec := xml.NewDecoder(strings.NewReader(svg))
	var rects, texts int
	ids := map[string]bool{}
	var labelledBy string
	var textContent []string
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, svg)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			for _, a := range e.Attr {
				if a.Name.Local == "style" {
					t.Errorf("<%s> has an inline style", e.Name.Local)
				}
				if a.Name.Local == "id" {
					ids[a.Value] = true
				}
				if e.Name.Local == "svg" && a.Name.Local == "aria-labelledby" {
					labelledBy = a.Value
				}
				if e.Name.Local == "svg" && a.Name.Local == "role" && a.Value != "img" {
					t.Errorf("role %q", a.Value)
				}
			}
			switch e.Name.Local {
			case "rect":
				rects++
			case "text":
				texts++
				inText = true
			}
		case xml.CharData:
			if inText {
				textContent = append(textContent, string(e))
			}
		case xml.EndElement:
			inText = false
		}
	}
	for _, id := range strings.Fields(labelledBy) {
		if !ids[id] {
			t.Errorf("aria-labelledby names %q, which is not in the chart", id)
		}
	}
	if labelledBy == "" {
		t.Error("the chart has no accessible name")
	}
	// bars: 0–30 nonconformity; 31–90 opportunity; 91–180 opportunity; >180 nonconformity; undated action = 5, legend 3
	if rects != 5+3 {
		t.Errorf("%d rects, want 5 bars and 3 legend swatches", rects)
	}
	joined := strings.Join(textContent, "|")
	for _, want := range []string{"2|0–30 days", "1|not dated", "nonconformity", "opportunity", "action"} {
		if !strings.Contains(joined, want) {
			t.Errorf("chart text %q lacks %q", joined, want)
		}
	}
	if d := g.Describe(); !strings.Contains(d, "6 open actions") || !strings.Contains(d, "not dated: 1") {
		t.Errorf("description %q", d)
	}
	if newAgeing(nil).Describe() != "No open actions." {
		t.Error("an empty chart says nothing")
	}
	if err := xml.Unmarshal([]byte(newAgeing(nil).SVG()), new(struct{})); err != nil {
		t.Errorf("empty chart: %v", err)
	}
}
