package objectives

import (
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

// FuzzDecode runs the strict decoder with objectives: on arbitrary
// front-matter. Nothing may panic; every diagnostic is located in the
// file; an objective decoded without errors has a known comparison, a
// finite target, finite measurements in date order, exactly one state,
// and a chart that is well-formed.
func FuzzDecode(f *testing.F) {
	if b, err := os.ReadFile("../../../content/plans/isms-objectives-2026.md"); err == nil {
		f.Add(string(b))
	}
	for _, s := range []string{
		okObjective, "objectives: [x]\n", "objectives: {a: b}\n", okObjective + "    measurements: [[1]]\n",
		okObjective + "    measurements:\n      - { date: 2026-09-01, value: 1e308 }\n      - { date: 2026-09-02, value: -1e308 }\n",
		okObjective + "    measurements:\n      - { date: 2026-09-01, value: 0x1F, evidence: [a] }\n      - { date: 2026-08-01, value: .inf }\n",
		"objectives:\n  - { id: &a O-1, title: *a, target: { op: \"=\", value: 0 }, due: 2026-01-01, measure_every: 1d }\n",
	} {
		f.Add(head + s + "---\n")
	}
	schema := model.NewSchema(New().Sections()...)
	asOf := date("2026-11-27")
	f.Fuzz(func(t *testing.T, src string) {
		doc, diags := schema.Decode("content/a.md", "content/a.md", []byte(src))
		for _, d := range diags {
			if d.Pos.Line < 1 || !strings.HasPrefix(d.Pos.Path, "content/a.md") {
				t.Fatalf("unlocated diagnostic: %v", d)
			}
		}
		if doc == nil || diags.HasErrors() {
			return
		}
		os := DocObjectives(doc)
		for i := range os {
			o := &os[i]
			if o.ID == "" || o.Title == "" || !slices.Contains(Ops, o.Target.Op) || math.IsNaN(o.Target.Value) || math.IsInf(o.Target.Value, 0) {
				t.Fatalf("objective decoded without errors but incomplete: %+v", o)
			}
			for j, m := range o.Measurements {
				if math.IsNaN(m.Value) || math.IsInf(m.Value, 0) || m.Date.IsZero() || j > 0 && m.Date.Before(o.Measurements[j-1].Date) {
					t.Fatalf("measurement decoded without errors but impossible: %+v", o)
				}
			}
			if st := o.StateAt(asOf); !slices.Contains([]string{StateMet, StateOnTrack, StateOffTrack, StateMissed, StateUnmeasured}, st) {
				t.Fatalf("state %q", st)
			}
			if svg := Trend(o, asOf); svg != "" {
				parse(t, svg)
				if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
					t.Fatalf("chart with a non-finite coordinate: %s", svg)
				}
			}
			_ = findings(o, "PLN-1", asOf)
		}
		_ = records(doc.Sections["objectives"])
	})
}
