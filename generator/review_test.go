package generator

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"
	"golang.org/x/tools/txtar"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
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
	t.Parallel()
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
	t.Parallel()
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

// minutesDoc is management-review minutes held on date with extra
// front matter (covers:).
func minutesDoc(id, date, extra string) string {
	return "---\nid: " + id + "\ntitle: Review " + id + "\ntype: minutes\nowner: MD\nclause: \"9.3\"\nreviewed: " + date + "\ndate: " + date + "\n" + extra + "---\nMinutes.\n"
}

// mr-input-missing looks at the latest minutes with clause 9.3 only (by
// date, not by file order), and only when they say what they covered.
func TestMRInputMissing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		old, new string // covers: lines of the older and the newer minutes
		want     string // "" for no finding
	}{
		{"everything covered", "", "covers: [a, b, c, d, e, f, g]\n", ""},
		{"one missing", "covers: [a, b, c, d, e, f, g]\n", "covers: [g, f, d, c, b, a]\n",
			"the latest management review, MIN-2 of 2026-10-20, does not cover 9.3.2 e (interested-party feedback)"},
		{"several missing, upper case accepted", "", "covers: [A, d]\n",
			"does not cover 9.3.2 b (external and internal issues), c (interested parties' needs), e (interested-party feedback), f (risk assessment and treatment), g (opportunities for improvement)"},
		{"an older review's gaps do not count", "covers: [a]\n", "covers: [a, b, c, d, e, f, g]\n", ""},
		{"latest without covers: no finding", "covers: [a]\n", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := actionsSite("", "")
			// file order is the reverse of date order
			site["content/minutes/a.md"] = &fstest.MapFile{Data: []byte(minutesDoc("MIN-2", "2026-10-20", tc.new))}
			site["content/minutes/b.md"] = &fstest.MapFile{Data: []byte(minutesDoc("MIN-1", "2025-11-04", tc.old))}
			res := buildOK(t, site)
			got := findingsOf(res.Findings, "mr-input-missing")
			if tc.want == "" {
				if len(got) != 0 {
					t.Errorf("findings %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Severity != "minor" || got[0].IDs[0] != "MIN-2" || !strings.Contains(got[0].Message, tc.want) {
				t.Errorf("findings %+v, want one minor with %q", got, tc.want)
			}
		})
	}
}

// covers: and feedback: are decoded strictly: located errors, nothing built.
func TestCoversDecoding(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, doc, want string }{
		{"unknown letter", minutesDoc("MIN-1", "2026-10-20", "covers: [a, h]\n"),
			`content/minutes/m.md:9:13: error: covers "h" is not one of a, b, c, d, e, f, g`},
		{"repeated letter", minutesDoc("MIN-1", "2026-10-20", "covers: [a, b, a]\n"),
			`content/minutes/m.md:9:16: error: 9.3.2 a is already listed at content/minutes/m.md:9:10 (duplicate)`},
		{"empty letter", minutesDoc("MIN-1", "2026-10-20", "covers: [a, \"\"]\n"),
			`content/minutes/m.md:9:13: error: covers lists the inputs of 9.3.2 by letter, a to g (bad-covers)`},
		{"a mapping", minutesDoc("MIN-1", "2026-10-20", "covers: { a: 1 }\n"),
			`content/minutes/m.md:9:9: error: expected a value or a list of values, found a mapping (bad-value)`},
		{"not minutes", "---\nid: POL-9\ntitle: P\ntype: policy\nowner: CISO\nreviewed: 2026-01-01\ncovers: [a]\n---\nBody.\n",
			`content/minutes/m.md:7:9: error: covers: lists the 9.3.2 inputs a management review discussed, but POL-9 has no clause 9.3: add clause 9.3 or remove covers (covers-not-minutes)`},
		{"feedback not a boolean", "---\nid: REC-9\ntitle: P\ntype: record\nowner: CISO\nreviewed: 2026-01-01\nfeedback: often\n---\nBody.\n",
			`content/minutes/m.md:7:11: error:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := actionsSite("", "")
			site["content/minutes/m.md"] = &fstest.MapFile{Data: []byte(tc.doc)}
			res, err := Build(context.Background(), Options{Site: site, Today: asOf})
			if err != nil {
				t.Fatal(err)
			}
			if d := res.Diags.String(); res.Tree != nil || !strings.Contains(d, tc.want) {
				t.Errorf("built=%v diags:\n%s\nwant %s", res.Tree != nil, d, tc.want)
			}
		})
	}
}

// The /management-review/ page of testdata/sites/review.txtar is
// compared with testdata/sites/review.page.golden (-update rewrites it),
// with the build's mr-input-missing finding.
func TestReviewGolden(t *testing.T) {
	t.Parallel()
	res := mustBuild(t, siteFromTxtar(t, "../testdata/sites/review.txtar"))
	b, ok := res.Tree["management-review/index.html"]
	if !ok {
		t.Fatal("management-review/index.html was not published")
	}
	var ar txtar.Archive
	ar.Files = append(ar.Files, txtar.File{Name: "management-review/index.html", Data: append(bytes.TrimSpace(b), '\n')})
	var fs []string
	for _, f := range findingsOf(res.Findings, "mr-input-missing") {
		fs = append(fs, f.Severity+" "+f.Rule+" "+strings.Join(f.IDs, ",")+": "+f.Message)
	}
	ar.Files = append(ar.Files, txtar.File{Name: "findings", Data: []byte(strings.Join(fs, "\n") + "\n")})
	got := txtar.Format(&ar)
	golden := "../testdata/sites/review.page.golden"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("/management-review/ differs from %s (run with -update and review the diff):\n%s", golden, firstDiff(string(want), string(got)))
	}
}

// A site with no minutes and no records shows a plain "No records yet"
// state and says "Nothing recorded since …" under every input.
func TestReviewNoRecords(t *testing.T) {
	t.Parallel()
	res := buildOK(t, fstest.MapFS{"content/policies/a.md": {Data: []byte(policy)}})
	page := string(res.Tree["management-review/index.html"])
	for _, want := range []string{"<strong>No records yet.</strong>", "the last 12 months", "Nothing recorded since 2025-11-27.", "No objectives recorded.", "No open opportunity for improvement."} {
		if !strings.Contains(page, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if n := strings.Count(page, `class="mr-item"`); n != 7 {
		t.Errorf("%d input sections, want 7 (a-g)", n)
	}
	if len(findingsOf(res.Findings, "mr-input-missing")) != 0 {
		t.Error("mr-input-missing without minutes")
	}
}

// fakeObjectives stands in for the objectives report (another branch):
// its test_objectives: entries "id status" declare records of kind
// objective, which the pack lists under 9.3.2 d with their status.
type fakeObjectives struct{}

func (fakeObjectives) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (fakeObjectives) Sections() []model.Section {
	return []model.Section{{
		Key: "test_objectives",
		Decode: func(v model.Values, n *yaml.Node) any {
			var out []model.Record
			for _, x := range v.StrList(n) {
				id, status, _ := strings.Cut(v.Str(x), " ")
				out = append(out, model.Record{Kind: "objective", ID: id, Title: "Objective " + id, Status: status, Pos: v.Pos(x)})
			}
			return out
		},
		Records: func(d any) []model.Record { return d.([]model.Record) },
	}}
}

func TestReviewObjectives(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{"content/plans/o.md": {Data: []byte("---\nid: PLAN-O\ntitle: Objectives\ntype: plan\nowner: CISO\nreviewed: 2026-06-01\ntest_objectives: [\"OBJ-2 off-track\", \"OBJ-1 met\"]\n---\nBody.\n")}}
	res, err := Build(context.Background(), Options{Site: site, Today: asOf, Reports: []report.Report{fakeObjectives{}}})
	if err != nil || res.Tree == nil {
		t.Fatalf("%v\n%s", err, res.Diags)
	}
	page := string(res.Tree["management-review/index.html"])
	i, j := strings.Index(page, `<code>OBJ-1</code></a> Objective OBJ-1 <span class="badge badge-met">met</span>`), strings.Index(page, `<code>OBJ-2</code></a> Objective OBJ-2 <span class="badge badge-off-track">off-track</span>`)
	if i < 0 || j < i {
		t.Errorf("objectives not listed with their status, in id order:\n%s", page[strings.Index(page, "Fulfilment of objectives"):])
	}
	if strings.Contains(page, "No records yet") {
		t.Error("a site with objectives shows the no-records state")
	}
}

// The home page shows the Check and Act tiles: days since the latest
// audit record and management review, or 0 recorded (bad) without any.
func TestReviewTiles(t *testing.T) {
	t.Parallel()
	tile := func(class, url string, n int, label string) string {
		return `<li class="pdca-fact pdca-fact-` + class + `"><a href="/` + url + `"><span class="tile-value">` + itoa(n) + `</span> ` + label + `</a></li>`
	}
	home := string(mustBuild(t, siteFromTxtar(t, "../testdata/sites/review.txtar")).Tree["index.html"])
	for _, want := range []string{
		tile("ok", "management-review/#input-d", 72, "days since the last internal audit"),
		tile("ok", "management-review/", 170, "days since the last management review"),
	} {
		if !strings.Contains(home, want) {
			t.Errorf("home lacks %s", want)
		}
	}
	empty := string(buildOK(t, fstest.MapFS{"content/policies/a.md": {Data: []byte(policy)}}).Tree["index.html"])
	for _, want := range []string{
		tile("bad", "management-review/#input-d", 0, "internal audits recorded"),
		tile("bad", "management-review/", 0, "management reviews recorded"),
	} {
		if !strings.Contains(empty, want) {
			t.Errorf("empty home lacks %s", want)
		}
	}
}

// A review a year and a day ago is bad, exactly a year ago still ok-ish (warn).
func TestReviewAgeBoundary(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		date, class string
		days        int
	}{
		{"2025-11-27", "warn", 365},
		{"2025-11-26", "bad", 366},
		{"2025-12-28", "ok", 334},
		{"2025-12-27", "warn", 335},
	} {
		site := fstest.MapFS{"content/minutes/m.md": {Data: []byte(minutesDoc("MIN-1", tc.date, ""))}}
		home := string(buildOK(t, site).Tree["index.html"])
		want := `<li class="pdca-fact pdca-fact-` + tc.class + `"><a href="/management-review/"><span class="tile-value">` + itoa(tc.days) + `</span> days since the last management review</a>`
		if !strings.Contains(home, want) {
			t.Errorf("%s: home lacks %s", tc.date, want)
		}
	}
}
