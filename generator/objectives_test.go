package generator

import (
	"bytes"
	"context"
	"maps"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"

	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/report/objectives"
)

// objectivesSite is a plan carrying front (objectives: entries) and an
// evidence record.
func objectivesSite(front string) fstest.MapFS {
	return fstest.MapFS{
		"content/evidence/e.md": {Data: []byte("---\nid: EVD-PHISH-06\ntitle: E\ntype: evidence\nowner: CISO\nreviewed: 2026-07-01\ndate: 2026-06-30\n---\nBody.\n")},
		"content/plans/p.md":    {Data: []byte("---\nid: PLN-1\ntitle: Plan\ntype: plan\nowner: CISO\nreviewed: 2026-06-01\n" + front + "---\nBody.\n")},
	}
}

// A measurement's evidence must be a document: an unknown id is a
// located error naming the closest, and nothing is built; a duplicate
// objective id is reported at the second.
func TestObjectiveReferences(t *testing.T) {
	t.Parallel()
	const o = "objectives:\n  - id: OBJ-1\n    title: T\n    target: { op: \"<\", value: 5 }\n"
	for _, tc := range []struct{ name, front, want string }{
		{"unknown evidence names the closest document", o + "    measurements:\n      - { date: 2026-06-15, value: 6.1, evidence: EVD-PHISH-6 }\n",
			`content/plans/p.md:12:51: error: no document has id "EVD-PHISH-6" (evidence of OBJ-1 on 2026-06-15): did you mean "EVD-PHISH-06"? (unknown-id)`},
		{"duplicate objective id", o + "  - { id: OBJ-1, title: U, target: { op: \">\", value: 1 } }\n",
			`content/plans/p.md:11:11: error: objective id "OBJ-1" is already used at content/plans/p.md:8:9 (duplicate-id)`},
		{"out of order stops the build", o + "    measurements:\n      - { date: 2026-09-15, value: 6 }\n      - { date: 2026-06-15, value: 5 }\n",
			`content/plans/p.md:13:17: error: OBJ-1's measurements must be in date order: 2026-06-15 comes after 2026-09-15 (line 12) (measurement-order)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Build(context.Background(), Options{Site: objectivesSite(tc.front), Today: asOf})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Diags.String(), tc.want) {
				t.Errorf("diagnostics:\n%s\nwant %s", res.Diags, tc.want)
			}
			if res.Tree != nil {
				t.Error("a site with errors was built")
			}
		})
	}
}

// /objectives/ of testdata/sites/objectives.txtar is compared with
// testdata/sites/objectives.page.golden (-update rewrites it), with the
// fixture's findings.
func TestObjectivesGolden(t *testing.T) {
	t.Parallel()
	res := mustBuild(t, siteFromTxtar(t, "../testdata/sites/objectives.txtar"))
	var ar txtar.Archive
	for _, p := range []string{"objectives/index.html"} {
		b, ok := res.Tree[p]
		if !ok {
			t.Fatalf("%s was not published", p)
		}
		ar.Files = append(ar.Files, txtar.File{Name: p, Data: append(bytes.TrimSpace(b), '\n')})
	}
	var findings []string
	for _, f := range res.Findings {
		if strings.HasPrefix(f.Rule, "objective-") {
			findings = append(findings, f.Severity+" "+f.Rule+" "+strings.Join(f.IDs, ","))
		}
	}
	ar.Comment = []byte("findings:\n" + strings.Join(findings, "\n") + "\n")
	got := txtar.Format(&ar)
	golden := "../testdata/sites/objectives.page.golden"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("/objectives/ differs from %s; run go test ./generator -run TestObjectivesGolden -update and review the diff", golden)
	}
}

// The register reaches the rest of the portal: the header link between
// Exceptions and the SoA, the home tile, due dates in /reviews.ics, the
// findings in /currency.json, a section on the plan's page, one anchor
// per objective, escaped titles, and one state per objective.
func TestObjectivesConnections(t *testing.T) {
	t.Parallel()
	res := mustBuild(t, siteFromTxtar(t, "../testdata/sites/objectives.txtar"))
	home := string(res.Tree["index.html"])
	i, j, k := strings.Index(home, `href="/exceptions/">Exceptions`), strings.Index(home, `href="/objectives/">Objectives`), strings.Index(home, `href="/soa/">SoA`)
	if j < 0 || !(i < j && j < k) {
		t.Errorf("header: want Exceptions (27), Objectives (28), SoA (30); got positions %d %d %d", i, j, k)
	}
	if want := `href="/objectives/#attention"><span class="tile-value">2</span> objectives off track or missed`; !strings.Contains(home, want) {
		t.Errorf("home page lacks the tile %s", want)
	}
	ics := string(res.Tree["reviews.ics"])
	for _, want := range []string{"UID:objective-OBJ-MISS@", "DTSTART;VALUE=DATE:20261031", "SUMMARY:Objective OBJ-MISS due: Training completion"} {
		if !strings.Contains(ics, want) {
			t.Errorf("reviews.ics lacks %q", want)
		}
	}
	js := string(res.Tree["currency.json"])
	for _, want := range []string{`"rule": "objective-missed"`, `"rule": "objective-off-track"`, `"rule": "objective-unmeasured"`} {
		if !strings.Contains(js, want) {
			t.Errorf("currency.json lacks %s", want)
		}
	}
	page := string(res.Tree["objectives/index.html"])
	for _, id := range []string{"OBJ-MET", "OBJ-ON", "OBJ-OFF", "OBJ-MISS", "OBJ-NONE"} {
		if !strings.Contains(page, `<article class="objective obj-`) || !strings.Contains(page, ` id="`+id+`" `) {
			t.Errorf("/objectives/ has no anchor for %s", id)
		}
	}
	for _, st := range []string{"met", "on-track", "off-track", "missed", "unmeasured"} {
		if n := strings.Count(page, `class="objective obj-`+st+`"`); n != 1 {
			t.Errorf("%d objectives are %s, want 1", n, st)
		}
	}
	if strings.Contains(page, "<b>4</b>") || !strings.Contains(page, "&lt;b&gt;4&lt;/b&gt;") {
		t.Error("an objective's title is not escaped")
	}
	if !strings.Contains(page, `href="/evidence/phish/" title="Phishing simulation June">EVD-PHISH-06</a>`) && !strings.Contains(page, `>EVD-PHISH-06</a>`) {
		t.Error("a measurement's evidence is not linked")
	}
	if idx := string(res.Tree["search-index.json"]); !strings.Contains(idx, `"OBJ-MISS"`) {
		t.Error("search does not find an objective by its id")
	}
	doc := string(res.Tree["plans/objectives/index.html"])
	if !strings.Contains(doc, `id="measured-objectives"`) || !strings.Contains(doc, `href="/objectives/#OBJ-MISS"`) {
		t.Error("the plan's page has no objectives section linking to /objectives/")
	}
	if regexp.MustCompile(`<svg[^>]*\sstyle=`).MatchString(page) {
		t.Error("a chart has an inline style")
	}
}

// A site without objectives says so on /objectives/ (not an empty
// frame) and has no objectives tile.
func TestObjectivesNone(t *testing.T) {
	t.Parallel()
	res := mustBuild(t, siteFromTxtar(t, "../testdata/sites/objectives-none.txtar"))
	page := string(res.Tree["objectives/index.html"])
	if !strings.Contains(page, "No objectives recorded yet") || strings.Contains(page, `id="attention"`) {
		t.Errorf("/objectives/ of a site without objectives:\n%s", page)
	}
	if strings.Contains(string(res.Tree["index.html"]), "objectives off track") {
		t.Error("the home page shows an objectives tile for a site without objectives")
	}
}

// Every objective's state as of the build is one of five, for other
// reports (the management-review pack) to read; the record index holds
// the state as of each objective's latest measurement, which cannot be
// missed or stale.
func TestObjectiveStates(t *testing.T) {
	t.Parallel()
	res := mustBuild(t, siteFromTxtar(t, "../testdata/sites/objectives.txtar"))
	got := objectives.States(&report.Input{Site: res.Site, AsOf: res.AsOf})
	want := map[string]string{"OBJ-MET": "met", "OBJ-ON": "on-track", "OBJ-OFF": "off-track", "OBJ-MISS": "missed", "OBJ-NONE": "unmeasured"}
	if !maps.Equal(got, want) {
		t.Errorf("states %v, want %v", got, want)
	}
	schema := report.Schema(newReports(Options{}, nil))
	rs, _ := report.IndexRecords(res.Site, schema)
	if r, ok := rs.Get("objective", "OBJ-MISS"); !ok || r.Status != "off-track" || r.Title != "Training completion" {
		t.Errorf("record %+v", r)
	}
}
