package risks

import (
	"os"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/report/soa"
)

// FuzzRisks decodes a document with a risks: section and an isms.yaml
// with a risk: block, then analyses them: never a panic, every problem
// located, and what decodes without errors is well formed.
func FuzzRisks(f *testing.F) {
	if b, err := os.ReadFile("../../../content/registers/risk-register.md"); err == nil {
		y, _ := os.ReadFile("../../../isms.yaml")
		f.Add(b, y)
	}
	head := "---\nid: REG\ntitle: R\ntype: register\nowner: O\nreviewed: 2026-01-01\n"
	for _, s := range [][2]string{
		{"risks:\n  - { id: R-01, title: T, likelihood: 3, impact: 5, controls: [\"8.7\"], residual: { likelihood: 1, impact: 5 }, assessed: 2026-10-14, acceptance: { by: MD, on: 2026-10-14, until: 2027-10-14 } }\n", ""},
		{"risks:\n  - { id: R-01, title: T, likelihood: 9, impact: x }\n", "risk: { likelihood: [a, b], impact: [c, d, e], appetite: 2, reassess_every: 6m }\n"},
		{"risks: [{id: R-1, title: T, likelihood: 1, impact: 1, actions: [A-1], treatment: mitigate}]\n", "risk: { appetite: -1 }\n"},
		{"risks: {id: R-1}\n", "risk: [1]\n"},
		{"risks:\n  - id: R-1\n    title: T\n    likelihood: 1\n    impact: 1\n    residual: 5\n    acceptance: { until: 2026-02-30 }\n", "risk:\n  likelihood: []\n"},
		{"risks:\n  - { id: \"\", title: T, likelihood: 1, impact: 1 }\n  - { id: R-1, title: T, likelihood: 1, impact: 1, controls: A.99.1 }\n", ""},
	} {
		f.Add([]byte(head+s[0]+"---\nBody.\n"), []byte(s[1]))
	}
	rep := New()
	schema := model.NewSchema(append(rep.Sections(), soa.New().Sections()...)...).WithConfig(rep.ConfigSections()...)
	md := markdown.New(markdown.Options{})
	asOf := model.DateOf(2026, 11, 27)
	f.Fuzz(func(t *testing.T, src, cfgSrc []byte) {
		cfg, cd := schema.DecodeConfig("isms.yaml", cfgSrc)
		for _, d := range cd {
			if d.Pos.Line < 1 || d.Pos.Path != "isms.yaml" {
				t.Fatalf("unlocated isms.yaml diagnostic: %v", d)
			}
		}
		m := method(cfg)
		if len(m.Likelihood) < 2 || len(m.Impact) < 2 || m.Appetite < 1 || m.ReassessEvery.IsZero() {
			t.Fatalf("a method that cannot be drawn: %+v", m)
		}
		doc, diags := schema.Decode("a.md", "content/a.md", src)
		for _, d := range diags {
			if d.Pos.Line < 1 || !strings.HasPrefix(d.Pos.Path, "content/a.md") {
				t.Fatalf("unlocated diagnostic: %v", d)
			}
		}
		if doc == nil {
			return
		}
		if !diags.HasErrors() {
			for _, r := range risksOf(doc) {
				if r.ID == "" || r.Inherent.Likelihood.N < 1 || r.Inherent.Impact.N < 1 {
					t.Fatalf("a risk decoded without errors is incomplete: %+v", r)
				}
				for _, c := range r.Controls {
					if _, ok := iso.Lookup(c.ID); !ok {
						t.Fatalf("control %q kept without an error", c.ID)
					}
				}
			}
		}
		p := link.NewPage(doc, md.Parse(src), "content/a.md")
		site, _ := link.Link([]*link.Page{p}, nil, link.Options{NormalizeControl: iso.Normalize, ClosestControl: iso.Closest})
		if site == nil {
			return
		}
		recs, rd := report.IndexRecords(site, schema)
		r := New()
		_, ad := r.Analyze(&report.Input{Config: cfg, AsOf: asOf, Site: site, Records: recs})
		for _, d := range append(rd, ad...) {
			if d.Pos.Line < 1 {
				t.Fatalf("unlocated analysis diagnostic: %v", d)
			}
		}
		for _, h := range []*heatMap{newHeatMap("inherent", "Inherent", r.method)} {
			for _, e := range r.risks {
				h.add(e.Inherent, e.ID)
			}
			if svg := string(h.SVG()); !strings.HasSuffix(svg, "</svg>") {
				t.Fatal("unfinished SVG")
			}
		}
	})
}
