package generator

import (
	"context"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

// evidenceDoc is an evidence document dated date citing controls.
func evidenceDoc(id, date, controls string) string {
	return "---\nid: " + id + "\ntitle: Evidence " + id + "\ntype: evidence\nowner: CISO\ndate: " + date + "\ncontrols: [" + controls + "]\n---\nDone.\n"
}

func findingsOf(fs []model.Finding, rule string) []model.Finding {
	var out []model.Finding
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// A control whose SoA entry asks for evidence every 3m is stale the day
// after its newest evidence's date + 3m, not on the day; older evidence
// does not count, nor does undated evidence; no evidence at all is stale.
func TestEvidenceStale(t *testing.T) {
	entry := `{ control: "8.13", applicable: true, status: implemented, justification: "needed", evidence_every: 3m }`
	for _, tc := range []struct {
		name  string
		asOf  model.Date
		docs  map[string]string
		stale bool
		want  string
	}{
		{"the day before due", model.DateOf(2026, 11, 30), map[string]string{"content/evidence/a.md": evidenceDoc("EVD-A", "2026-09-01", `"8.13"`)}, false, ""},
		{"on the due day", model.DateOf(2026, 12, 1), map[string]string{"content/evidence/a.md": evidenceDoc("EVD-A", "2026-09-01", `"8.13"`)}, false, ""},
		{"the day after due", model.DateOf(2026, 12, 2), map[string]string{"content/evidence/a.md": evidenceDoc("EVD-A", "2026-09-01", `"8.13"`)}, true,
			"control 8.13 Information backup needs evidence every 3m: the newest, EVD-A of 2026-09-01, was due again by 2026-12-01 (1 day ago)"},
		{"the newest counts, not the oldest", model.DateOf(2026, 12, 2), map[string]string{
			"content/evidence/a.md": evidenceDoc("EVD-A", "2026-09-01", `"8.13"`),
			"content/evidence/b.md": evidenceDoc("EVD-B", "2026-10-01", `"A.8.13", "5.1"`)}, false, ""},
		{"evidence for another control does not count", model.DateOf(2026, 12, 2), map[string]string{
			"content/evidence/a.md": evidenceDoc("EVD-A", "2026-09-01", `"8.13"`),
			"content/evidence/b.md": evidenceDoc("EVD-B", "2026-10-01", `"8.14"`)}, true, "EVD-A of 2026-09-01"},
		{"no evidence at all", model.DateOf(2026, 12, 2), nil, true, "control 8.13 Information backup needs evidence every 3m but no dated evidence cites it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := soaSite(map[string]string{"8.13": entry}, nil, tc.docs)
			res, err := Build(context.Background(), Options{Site: site, Today: tc.asOf})
			if err != nil {
				t.Fatal(err)
			}
			if res.Diags.HasErrors() {
				t.Fatal(res.Diags)
			}
			got := findingsOf(res.Findings, "evidence-stale")
			if !tc.stale {
				if len(got) != 0 {
					t.Errorf("stale: %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Severity != "minor" || got[0].IDs[0] != "8.13" || !strings.Contains(got[0].Message, tc.want) {
				t.Fatalf("findings %+v, want one minor with %q", got, tc.want)
			}
			soa := string(res.Tree["soa/index.html"])
			if !strings.Contains(soa, `class="cadence cadence-stale"`) || !strings.Contains(soa, "Evidence overdue for its cadence") {
				t.Error("the SoA page does not show the stale cadence")
			}
			if len(tc.docs) > 0 && !strings.Contains(string(res.Tree["evidence/index.html"]), `<section class="evidence-stale"`) {
				t.Error("the evidence page does not list the overdue control")
			}
		})
	}
}

// evidence_every is decoded strictly: a bad interval is a located error
// and nothing is built.
func TestEvidenceEveryDecoding(t *testing.T) {
	for _, tc := range []struct{ entry, want string }{
		{`{ control: "8.13", applicable: true, status: implemented, evidence_every: 3 months }`,
			`content/registers/soa.md:79:79: error: "3 months" is not an interval such as 90d, 2w, 12m or 1y (bad-interval)`},
		{`{ control: "8.13", applicable: true, status: implemented, evidence_every: "" }`,
			`content/registers/soa.md:79:79: error: evidence_every needs an interval such as 30d, 3m or 1y (bad-interval)`},
		{`{ control: "8.13", applicable: true, status: implemented, evidence_every: [3m] }`,
			`content/registers/soa.md:79:79: error:`},
	} {
		site := soaSite(map[string]string{"8.13": tc.entry}, nil, nil)
		res, err := Build(context.Background(), Options{Site: site, Today: asOf})
		if err != nil {
			t.Fatal(err)
		}
		d := res.Diags.String()
		if res.Tree != nil || !strings.Contains(d, tc.want) {
			t.Errorf("%s: built=%v diags:\n%s\nwant %s", tc.entry, res.Tree != nil, d, tc.want)
		}
	}
}
