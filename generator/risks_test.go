package generator

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/model"
)

// riskDoc is a register whose front-matter ends with front (risks: …);
// its front-matter starts on line 2, so the first line of front is line 8.
func riskDoc(id, front string) string {
	return "---\nid: " + id + "\ntitle: Risk register\ntype: register\nowner: CISO\nreviewed: 2026-06-01\n" + front + "---\nBody.\n"
}

// riskSite is a site with the register, optional isms.yaml and an SoA
// that excludes 7.6 and gives 5.31 a legal reason.
func riskSite(front, ismsYAML string, more ...string) fstest.MapFS {
	site := fstest.MapFS{
		"content/registers/risks.md": {Data: []byte(riskDoc("REG-RISK", front))},
		"content/registers/soa.md": {Data: []byte(riskDoc("REG-SOA", "applicability:\n"+
			"  - { control: \"5.1\", applicable: true, status: implemented }\n"+
			"  - { control: \"5.31\", applicable: true, status: implemented, reasons: [legal] }\n"+
			"  - { control: \"7.6\", applicable: false, justification: No secure areas }\n"+
			"  - { control: \"8.7\", applicable: true, status: implemented }\n"))},
	}
	if ismsYAML != "" {
		site["isms.yaml"] = &fstest.MapFile{Data: []byte(ismsYAML)}
	}
	for i := 0; i+1 < len(more); i += 2 {
		site[more[i]] = &fstest.MapFile{Data: []byte(more[i+1])}
	}
	return site
}

func buildAt(t *testing.T, site fstest.MapFS, day model.Date) *Result {
	t.Helper()
	res, err := Build(context.Background(), Options{Site: site, Today: day})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Every problem in risks: and in isms.yaml's risk: block is located at
// the value, names what is wrong, and stops the build.
func TestRiskValidation(t *testing.T) {
	t.Parallel()
	const ok = "  - { id: R-01, title: Ransomware, likelihood: 3, impact: 5 }\n"
	for _, tc := range []struct {
		name, front, yaml string
		more              []string
		want              string // path:line:col: severity: text
	}{
		{"likelihood outside the default scale", "risks:\n  - { id: R-01, title: T, likelihood: 6, impact: 5 }\n", "", nil,
			"content/registers/risks.md:8:39: error: likelihood 6 is outside the likelihood scale 1–5 (Rare … Almost certain) (bad-score)"},
		{"impact outside a declared scale", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 4 }\n",
			"risk:\n  impact: [Low, Medium, High]\n", nil,
			"content/registers/risks.md:8:50: error: impact 4 is outside the impact scale 1–3 (Low … High) (bad-score)"},
		{"residual outside the scale", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, residual: { likelihood: 9, impact: 1 } }\n", "", nil,
			"content/registers/risks.md:8:77: error: likelihood 9 is outside the likelihood scale 1–5 (Rare … Almost certain) (bad-score)"},
		{"score not a number", "risks:\n  - { id: R-01, title: T, likelihood: high, impact: 1 }\n", "", nil,
			`content/registers/risks.md:8:39: error: likelihood must be a whole number from 1 (a position on the likelihood scale), found "high" (bad-score)`},
		{"score zero", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 0 }\n", "", nil,
			`content/registers/risks.md:8:50: error: impact must be a whole number from 1 (a position on the impact scale), found "0" (bad-score)`},
		{"duplicate id in one register", "risks:\n" + ok + ok, "", nil,
			`content/registers/risks.md:9:11: error: risk id "R-01" is already used at content/registers/risks.md:8:11 (duplicate-id)`},
		{"duplicate id across documents", "risks:\n" + ok, "", []string{"content/registers/z.md", riskDoc("REG-Z", "risks:\n"+ok)},
			`content/registers/z.md:8:11: error: risk id "R-01" is already used at content/registers/risks.md:8:11 (duplicate-id)`},
		{"unknown action with no actions at all", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, actions: [CA-1] }\n", "", nil,
			`content/registers/risks.md:8:63: error: no action has id "CA-1" (unknown-id)`},
		{"unknown control with did-you-mean", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, controls: [\"8.7\", \"A.8.35\"] }\n", "", nil,
			`content/registers/risks.md:8:71: error: "A.8.35" is not an Annex A control: did you mean "8.34"? (unknown-control)`},
		{"bad treatment with the closest word", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, treatment: mitigate }\n", "", nil,
			`content/registers/risks.md:8:64: error: treatment "mitigate" is not one of modify, retain, avoid, share: ISO/IEC 27005 calls it "modify" (bad-treatment)`},
		{"bad treatment typo", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, treatment: modfy }\n", "", nil,
			`content/registers/risks.md:8:64: error: treatment "modfy" is not one of modify, retain, avoid, share: did you mean "modify"? (bad-treatment)`},
		{"missing impact", "risks:\n  - { id: R-01, title: T, likelihood: 1 }\n", "", nil,
			`content/registers/risks.md:8:5: error: risk entry needs "impact" (missing-field)`},
		{"acceptance without until", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, acceptance: { by: CEO } }\n", "", nil,
			`content/registers/risks.md:8:65: error: acceptance needs "by" (who accepted the risk) and "until" (when the acceptance ends) (missing-field)`},
		{"bad acceptance date", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, acceptance: { by: CEO, until: 2027-02-30 } }\n", "", nil,
			`content/registers/risks.md:8:83: error: "2027-02-30" is not a real date: February 2027 has 28 days (bad-date)`},
		{"not a list", "risks: R-01\n", "", nil,
			`content/registers/risks.md:7:8: error: risks must be a list, found a value (bad-value)`},
		{"unknown key in a risk", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, ownr: X }\n", "", nil,
			`content/registers/risks.md:8:53: warning: unknown key "ownr"`},
		{"scale too short", "risks:\n" + ok, "risk:\n  likelihood: [Only]\n", nil,
			`isms.yaml:2:15: error: the likelihood scale needs 2 to 10 labels, lowest first; found 1 (bad-value)`},
		{"bad appetite", "risks:\n" + ok, "risk:\n  appetite: low\n", nil,
			`isms.yaml:2:13: error: appetite must be a whole number from 1`},
		{"bad reassessment interval", "risks:\n" + ok, "risk:\n  reassess_every: yearly-ish\n", nil,
			`isms.yaml:2:19: error:`},
		{"SoA reason not in the list", "risks:\n" + ok, "", []string{"content/registers/soa.md", riskDoc("REG-SOA", "applicability:\n  - { control: \"5.31\", applicable: true, reasons: [legal, regulatory] }\n")},
			`content/registers/soa.md:8:59: error: reason "regulatory" is not one of legal, contractual, business, best-practice (bad-reason)`},
		{"typo in the risk block", "risks:\n" + ok, "risk:\n  apetite: 8\n", nil,
			`isms.yaml:2:3: warning: unknown key "apetite" in risk entry: did you mean "appetite"? (unknown-key)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := buildAt(t, riskSite(tc.front, tc.yaml, tc.more...), asOf)
			if !strings.Contains(res.Diags.String(), tc.want) {
				t.Errorf("diagnostics:\n%s\nwant %s", res.Diags, tc.want)
			}
			if strings.Contains(tc.want, ": error: ") && res.Tree != nil {
				t.Error("a site with risk errors was built")
			}
		})
	}
}

// findingFor returns the findings of rule whose first id is id.
func findingsFor(res *Result, rule, id string) []model.Finding {
	var out []model.Finding
	for _, f := range res.Findings {
		if f.Rule == rule && len(f.IDs) > 0 && f.IDs[0] == id {
			out = append(out, f)
		}
	}
	return out
}

var ruleSeverity = map[string]string{
	"risk-above-appetite": "major", "risk-acceptance-expired": "major", "risk-not-reassessed": "minor",
	"risk-control-excluded": "major", "soa-control-untraced": "minor",
}

// Each rule on the day before, on and after its boundary; an acceptance
// holds through its until day and a reassessment is due on its day.
func TestRiskRules(t *testing.T) {
	t.Parallel()
	day := func(s string) model.Date { d, _ := model.ParseDate(s); return d }
	const accepted = "risks:\n  - { id: R-01, title: T, likelihood: 3, impact: 4, assessed: 2026-06-01, acceptance: { by: CEO, on: 2026-05-27, until: 2026-11-27 } }\n"
	const reassess = "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, assessed: 2025-11-27 }\n"
	for _, tc := range []struct {
		name, front, yaml string
		asOf              string
		rule, id          string
		want              string // "" for none; else part of the message
	}{
		{"acceptance the day before it ends", accepted, "", "2026-11-26", "risk-acceptance-expired", "R-01", ""},
		{"acceptance on its last day", accepted, "", "2026-11-27", "risk-acceptance-expired", "R-01", ""},
		{"acceptance the day after", accepted, "", "2026-11-28", "risk-acceptance-expired", "R-01", "the acceptance by CEO ended on 2026-11-27"},
		{"above appetite, accepted, day before", accepted, "", "2026-11-26", "risk-above-appetite", "R-01", ""},
		{"above appetite, accepted, last day", accepted, "", "2026-11-27", "risk-above-appetite", "R-01", ""},
		{"above appetite, acceptance expired", accepted, "", "2026-11-28", "risk-above-appetite", "R-01", "inherent (no residual given) score 12 is above the appetite of 8"},
		{"on the appetite is within it", "risks:\n  - { id: R-01, title: T, likelihood: 2, impact: 4, assessed: 2026-06-01 }\n", "", "2026-11-27", "risk-above-appetite", "R-01", ""},
		{"one above the appetite", "risks:\n  - { id: R-01, title: T, likelihood: 3, impact: 3, assessed: 2026-06-01 }\n", "", "2026-11-27", "risk-above-appetite", "R-01", "score 9 is above the appetite of 8"},
		{"declared appetite", "risks:\n  - { id: R-01, title: T, likelihood: 3, impact: 3, assessed: 2026-06-01 }\n", "risk: { appetite: 9 }\n", "2026-11-27", "risk-above-appetite", "R-01", ""},
		{"residual wins over inherent", "risks:\n  - { id: R-01, title: T, likelihood: 5, impact: 5, residual: { likelihood: 2, impact: 5 }, assessed: 2026-06-01 }\n", "", "2026-11-27", "risk-above-appetite", "R-01", "residual score 10 is above the appetite of 8"},
		{"reassessment the day before it is due", reassess, "", "2026-11-26", "risk-not-reassessed", "R-01", ""},
		{"reassessment on the day", reassess, "", "2026-11-27", "risk-not-reassessed", "R-01", ""},
		{"reassessment the day after", reassess, "", "2026-11-28", "risk-not-reassessed", "R-01", "was last assessed on 2025-11-27: reassessment every 12m was due on 2026-11-27"},
		{"declared reassessment interval", reassess, "risk: { reassess_every: 6m }\n", "2026-05-28", "risk-not-reassessed", "R-01", "due on 2026-05-27"},
		{"never assessed", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1 }\n", "", "2026-11-27", "risk-not-reassessed", "R-01", "has never been assessed"},
		{"relies on an excluded control", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, assessed: 2026-06-01, controls: [\"A.7.6\", \"8.7\"] }\n", "", "2026-11-27", "risk-control-excluded", "R-01", "relies on control 7.6 Working in secure areas, which the Statement of Applicability excludes"},
		{"applicable control untraced", reassess, "", "2026-11-27", "soa-control-untraced", "5.1", "control 5.1 Policies for information security is applicable but no risk relies on it"},
		{"applicable control with a reason", reassess, "", "2026-11-27", "soa-control-untraced", "5.31", ""},
		{"applicable control a risk cites", "risks:\n  - { id: R-01, title: T, likelihood: 1, impact: 1, assessed: 2026-06-01, controls: [\"8.7\"] }\n", "", "2026-11-27", "soa-control-untraced", "8.7", ""},
		{"excluded control is not untraced", reassess, "", "2026-11-27", "soa-control-untraced", "7.6", ""},
		{"no risks: no untraced controls", "", "", "2026-11-27", "soa-control-untraced", "5.1", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := buildAt(t, riskSite(tc.front, tc.yaml), day(tc.asOf))
			if res.Diags.HasErrors() {
				t.Fatalf("build failed:\n%s", res.Diags)
			}
			got := findingsFor(res, tc.rule, tc.id)
			switch {
			case tc.want == "" && len(got) > 0:
				t.Errorf("unexpected %s: %v", tc.rule, got)
			case tc.want != "" && len(got) != 1:
				t.Errorf("want one %s for %s, got %v", tc.rule, tc.id, got)
			case tc.want != "" && !strings.Contains(got[0].Message, tc.want):
				t.Errorf("message %q lacks %q", got[0].Message, tc.want)
			case tc.want != "" && got[0].Severity != ruleSeverity[tc.rule]:
				t.Errorf("%s is %s, want %s", tc.rule, got[0].Severity, ruleSeverity[tc.rule])
			}
		})
	}
}

// The /risks/ page of a small fixture, compared with its golden
// (rewrite with -update and review the diff).
func TestRisksPageGolden(t *testing.T) {
	t.Parallel()
	res := mustBuild(t, siteFromTxtar(t, "../testdata/sites/risks.txtar"))
	got := append(bytes.TrimSpace(res.Tree["risks/index.html"]), '\n')
	golden := "../testdata/sites/risks.page.golden"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("/risks/ differs from %s (run go test ./generator -run TestRisksPageGolden -update and review the diff):\n%s", golden, firstDiff(string(want), string(got)))
	}
}

// svgCell is one heat-map cell as drawn.
type svgCell struct {
	class      string
	l, i, n    int
	cellHref   string
	ids, hrefs []string
}

// heatMapCells parses the heat map with id (inherent, residual) out of a
// page as XML (which also proves it well formed) and returns its cells.
func heatMapCells(t *testing.T, page, id string) ([]svgCell, string) {
	t.Helper()
	at := strings.Index(page, `id="heatmap-`+id+`"`)
	if at < 0 {
		t.Fatalf("no heat map %s", id)
	}
	start := at + strings.Index(page[at:], "<svg")
	end := start + strings.Index(page[start:], "</svg>") + len("</svg>")
	svg := page[start:end]
	dec := xml.NewDecoder(strings.NewReader(svg))
	var cells []svgCell
	var cur *svgCell
	var href string
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("heat map %s is not well-formed XML: %v\n%s", id, err, svg)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range e.Attr {
				attr[a.Name.Local] = a.Value
				if a.Name.Local == "style" {
					t.Errorf("inline style in the heat map: %v", e)
				}
			}
			switch e.Name.Local {
			case "g":
				c := svgCell{class: attr["class"]}
				fmt.Sscan(attr["data-likelihood"], &c.l)
				fmt.Sscan(attr["data-impact"], &c.i)
				fmt.Sscan(attr["data-count"], &c.n)
				cells = append(cells, c)
				cur = &cells[len(cells)-1]
			case "a":
				href = attr["href"]
				if attr["class"] == "hm-cell-link" {
					cur.cellHref = href
				}
			case "text":
				inText = cur != nil && href != "" && !strings.Contains(attr["class"], "hm-")
			}
		case xml.CharData:
			if inText {
				cur.ids = append(cur.ids, string(e))
				cur.hrefs = append(cur.hrefs, href)
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "a":
				href = ""
			case "text":
				inText = false
			case "g":
				cur = nil
			}
		}
	}
	return cells, svg
}

// The heat maps, checked as drawings: one cell per likelihood × impact,
// coloured by the appetite, each risk once in its cell as a link to its
// row, and the cell itself linking to its first risk.
func TestRiskHeatMapSVG(t *testing.T) {
	t.Parallel()
	res := mustBuild(t, siteFromTxtar(t, "../testdata/sites/risks.txtar"))
	page := string(res.Tree["risks/index.html"])
	for _, tc := range []struct {
		id   string
		want map[string][2]int // risk id → likelihood, impact
	}{
		{"inherent", map[string][2]int{"R-01": {3, 3}, "R-02": {2, 1}, "R&D-03": {3, 2}, "R-04": {2, 3}}},
		{"residual", map[string][2]int{"R-01": {1, 3}, "R-02": {2, 1}, "R&D-03": {2, 2}, "R-04": {2, 3}}},
	} {
		cells, svg := heatMapCells(t, page, tc.id)
		if len(cells) != 9 {
			t.Fatalf("%s: %d cells, want 3 × 3", tc.id, len(cells))
		}
		if !strings.Contains(svg, "<title id=") || !strings.Contains(svg, `aria-labelledby="hm-`+tc.id+`-title"`) {
			t.Errorf("%s: no accessible title", tc.id)
		}
		if !strings.Contains(svg, "R&amp;D-03") || strings.Contains(svg, "R&D") {
			t.Errorf("%s: ids are not escaped", tc.id)
		}
		seen := map[string]bool{}
		for _, c := range cells {
			above := c.l*c.i > 3
			if above != strings.Contains(c.class, "hm-above") || above == strings.Contains(c.class, "hm-within") {
				t.Errorf("%s: cell L%d×I%d has class %q, appetite 3", tc.id, c.l, c.i, c.class)
			}
			if c.n != len(c.ids) {
				t.Errorf("%s: cell L%d×I%d says %d risks, lists %v", tc.id, c.l, c.i, c.n, c.ids)
			}
			for k, id := range c.ids {
				if want := tc.want[id]; want != [2]int{c.l, c.i} {
					t.Errorf("%s: %s drawn at L%d×I%d, want L%d×I%d", tc.id, id, c.l, c.i, want[0], want[1])
				}
				if c.hrefs[k] != "#"+url.PathEscape(id) {
					t.Errorf("%s: %s links to %q", tc.id, id, c.hrefs[k])
				}
				if !strings.Contains(page, `<tr id="`+strings.ReplaceAll(id, "&", "&amp;")+`"`) {
					t.Errorf("%s: %s has no row to land on", tc.id, id)
				}
				seen[id] = true
			}
			if len(c.ids) > 0 && c.cellHref != c.hrefs[0] {
				t.Errorf("%s: cell L%d×I%d links to %q, want its first risk %q", tc.id, c.l, c.i, c.cellHref, c.hrefs[0])
			}
			if len(c.ids) == 0 && c.cellHref != "" {
				t.Errorf("%s: empty cell L%d×I%d links to %q", tc.id, c.l, c.i, c.cellHref)
			}
		}
		if len(seen) != len(tc.want) {
			t.Errorf("%s: risks drawn %v, want %v", tc.id, seen, tc.want)
		}
	}
}

// Risks reach the rest of the portal: the SoA lists the risks relying
// on each control, the register's page shows its risks as a table, the
// review calendar has acceptance ends and reassessments, the home page
// counts risks above appetite, and the header links /risks/.
func TestRiskTraceability(t *testing.T) {
	t.Parallel()
	site := siteFromTxtar(t, "../testdata/sites/risks.txtar")
	delete(site, "themes/default/layouts/base.html")
	delete(site, "themes/default/layouts/document.html")
	res := mustBuild(t, site)
	soaPage := string(res.Tree["soa/index.html"])
	row := soaPage[strings.Index(soaPage, `<tr id="control-8-7"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, `<a href="/registers/risks/#R-01" title="Ransomware encrypts the file server">R-01</a>`) {
		t.Errorf("the SoA row of 8.7 does not list R-01:\n%s", row)
	}
	if !strings.Contains(soaPage, "soa-control-untraced") {
		t.Error("the SoA page does not show untraced controls")
	}
	doc := string(res.Tree["registers/risks/index.html"])
	if !strings.Contains(doc, `<section class="doc-section risk-section" id="register-risks"><h2>Risks (4)</h2>`) || !strings.Contains(doc, `<tr id="R-01" class="risk-row treatment-modify">`) {
		t.Error("the register's page has no table of its risks")
	}
	if !strings.Contains(doc, "Lab &lt;bench&gt; data leaks") {
		t.Error("a risk title is not escaped on the document page")
	}
	ics := string(res.Tree["reviews.ics"])
	for _, want := range []string{"UID:risk-acceptance-R-01@", "DTSTART;VALUE=DATE:20270401", "UID:risk-reassess-R-01@", "DTSTART;VALUE=DATE:20271001", "UID:risk-acceptance-R&D-03@"} {
		if !strings.Contains(ics, want) {
			t.Errorf("reviews.ics lacks %q", want)
		}
	}
	if strings.Contains(ics, "risk-reassess-R-04") {
		t.Error("a risk never assessed has a reassessment date")
	}
	home := string(res.Tree["index.html"])
	if !strings.Contains(home, `href="/risks/#findings"`) || !strings.Contains(home, "risks above appetite") {
		t.Error("the home page has no risks-above-appetite tile")
	}
	i, j, k := strings.Index(home, `href="/currency/">Currency`), strings.Index(home, `href="/risks/">Risks`), strings.Index(home, `href="/soa/">SoA`)
	if i < 0 || j < 0 || k < 0 || !(i < j && j < k) {
		t.Errorf("header: want Currency (20), Risks (25), SoA (30); got positions %d %d %d", i, j, k)
	}
	var rules []string
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Rule, "risk-") || f.Rule == "soa-control-untraced" {
			rules = append(rules, f.Rule+" "+strings.Join(f.IDs, ","))
		}
	}
	want := []string{
		"risk-above-appetite R&D-03,REG-RISK", "risk-above-appetite R-04,REG-RISK",
		"risk-acceptance-expired R&D-03,REG-RISK", "risk-control-excluded R&D-03,7.6,REG-RISK",
		"risk-not-reassessed R-04,REG-RISK", "soa-control-untraced 5.1,REG-SOA",
	}
	slices.Sort(rules)
	if !slices.Equal(rules, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(rules, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(string(res.Tree["currency.json"]), `"risk-acceptance-expired"`) {
		t.Error("risk findings are not in /currency.json")
	}
}
