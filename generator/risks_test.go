package generator

import (
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
	res, err := Build(Options{Site: site, Today: day})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Every problem in risks: and in isms.yaml's risk: block is located at
// the value, names what is wrong, and stops the build.
func TestRiskValidation(t *testing.T) {
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
