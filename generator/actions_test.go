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

// actionsSite is a policy and a record carrying front (actions: or
// exceptions: entries), and optionally a second record.
func actionsSite(front, other string) fstest.MapFS {
	rec := "---\nid: REC-AUDIT\ntitle: Audit report\ntype: record\nowner: CISO\nreviewed: 2026-06-01\n" + front + "---\nBody.\n"
	site := fstest.MapFS{
		"content/policies/a.md": {Data: []byte(policy)},
		"content/records/r.md":  {Data: []byte(rec)},
	}
	if other != "" {
		site["content/records/s.md"] = &fstest.MapFile{Data: []byte("---\nid: REC-2\ntitle: Other\ntype: record\nowner: CISO\nreviewed: 2026-06-01\n" + other + "---\nBody.\n")}
	}
	return site
}

// References from actions and exceptions are checked after every
// document is read: an unknown source or policy document, an unknown
// risk and a duplicate id are located errors naming what was meant, and
// nothing is built.
func TestActionReferences(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, front, other, want string }{
		{"unknown source names the closest document", "actions:\n  - { id: CA-1, title: T, kind: action, status: open, source: REC-AUDT }\n", "",
			`content/records/r.md:8:63: error: no document has id "REC-AUDT" (the source of CA-1): did you mean "REC-AUDIT"? (unknown-id)`},
		{"unknown policy names the closest document", "exceptions:\n  - { id: EX-1, title: T, policy: POL-2, expires: 2027-01-01 }\n", "",
			`content/records/r.md:8:35: error: no document has id "POL-2" (the policy of EX-1): did you mean "POL-1"? (unknown-id)`},
		{"unknown risk on an action", "actions:\n  - { id: CA-1, title: T, kind: action, status: open, risks: [R-01] }\n", "",
			`content/records/r.md:8:63: error: no risk has id "R-01" (unknown-id)`},
		{"unknown risk on an exception", "exceptions:\n  - { id: EX-1, title: T, policy: POL-1, expires: 2027-01-01, risks: R-05 }\n", "",
			`content/records/r.md:8:70: error: no risk has id "R-05" (unknown-id)`},
		{"duplicate action id across documents", "actions:\n  - { id: CA-1, title: T, kind: action, status: open }\n", "actions:\n  - { id: CA-1, title: U, kind: action, status: open }\n",
			`content/records/s.md:8:11: error: action id "CA-1" is already used at content/records/r.md:8:11 (duplicate-id)`},
		{"duplicate exception id in one document", "exceptions:\n  - { id: EX-1, title: T, policy: POL-1, expires: 2027-01-01 }\n  - { id: EX-1, title: U, policy: POL-1, expires: 2027-01-01 }\n", "",
			`content/records/r.md:9:11: error: exception id "EX-1" is already used at content/records/r.md:8:11 (duplicate-id)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Build(context.Background(), Options{Site: actionsSite(tc.front, tc.other), Today: asOf})
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

// The /actions/ and /exceptions/ pages of testdata/sites/actions.txtar
// are compared with testdata/sites/actions.pages.golden (-update rewrites
// it); the fixture's document pages are in TestGoldenSites' golden.
func TestActionsGolden(t *testing.T) {
	t.Parallel()
	res := mustBuild(t, siteFromTxtar(t, "../testdata/sites/actions.txtar"))
	var ar txtar.Archive
	for _, p := range []string{"actions/index.html", "exceptions/index.html"} {
		b, ok := res.Tree[p]
		if !ok {
			t.Fatalf("%s was not published", p)
		}
		ar.Files = append(ar.Files, txtar.File{Name: p, Data: append(bytes.TrimSpace(b), '\n')})
	}
	var findings []string
	for _, f := range res.Findings {
		findings = append(findings, f.Severity+" "+f.Rule+" "+strings.Join(f.IDs, ","))
	}
	ar.Comment = []byte("findings:\n" + strings.Join(findings, "\n") + "\n")
	got := txtar.Format(&ar)
	golden := "../testdata/sites/actions.pages.golden"
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
		t.Errorf("the actions and exceptions pages differ from %s; run go test ./generator -run TestActionsGolden -update and review the diff", golden)
	}
}

// The registers reach the rest of the portal: header links between
// Currency and the SoA, due dates and expiries in /reviews.ics, home
// tiles, findings in /currency.json, and sections on the pages of the
// documents that carry, raised or are departed from by the entries.
func TestActionsConnections(t *testing.T) {
	t.Parallel()
	res := mustBuild(t, siteFromTxtar(t, "../testdata/sites/actions.txtar"))
	home := string(res.Tree["index.html"])
	i, j, k, l := strings.Index(home, `href="/currency/">Currency`), strings.Index(home, `href="/actions/">Actions`),
		strings.Index(home, `href="/exceptions/">Exceptions`), strings.Index(home, `href="/soa/">SoA`)
	if i < 0 || !(i < j && j < k && k < l) {
		t.Errorf("header: want Currency (20), Actions (26), Exceptions (27), SoA (30); got positions %d %d %d %d", i, j, k, l)
	}
	for _, want := range []string{`href="/actions/#overdue"><span class="tile-value">2</span> overdue actions`, `href="/exceptions/#expired"><span class="tile-value">1</span> expired exceptions`} {
		if !strings.Contains(home, want) {
			t.Errorf("home page lacks the tile %s", want)
		}
	}
	ics := string(res.Tree["reviews.ics"])
	for _, want := range []string{"UID:action-CA-2@", "DTSTART;VALUE=DATE:20261218", "SUMMARY:Action CA-2 due: Policy published without approval", "UID:exception-EX-3@", "DTSTART;VALUE=DATE:20270331"} {
		if !strings.Contains(ics, want) {
			t.Errorf("reviews.ics lacks %q", want)
		}
	}
	for _, no := range []string{"UID:action-CA-3@", "UID:action-ACT-1@", "UID:action-OFI-1@"} {
		if strings.Contains(ics, no) {
			t.Errorf("reviews.ics has %q (closed, cancelled or undated)", no)
		}
	}
	if js := string(res.Tree["currency.json"]); !strings.Contains(js, `"action-overdue"`) || !strings.Contains(js, `"exception-expired"`) {
		t.Error("currency.json lacks the register's findings")
	}
	for page, wants := range map[string][]string{
		"records/audit/index.html":        {`id="actions"><h2>Actions</h2>`, `<tr id="OBS-1">`, `id="actions-raised"><h2>Actions raised here</h2>`, `<tr id="CA-1">`},
		"records/ca/index.html":           {`id="actions"><h2>Actions</h2>`, `<a href="/actions/#CA-3"><code>CA-3</code></a>`, `<span class="badge badge-effective">effective</span>`},
		"policies/access/index.html":      {`id="exceptions-granted"><h2>Exceptions to this document</h2>`, `<tr id="EX-1" class="exc-expired">`, `<th scope="col">Recorded in</th>`},
		"registers/exceptions/index.html": {`id="exceptions"><h2>Exceptions</h2>`, `Printers share an admin &lt;account&gt;`, `<tr id="EX-2" class="exc-expiring">`},
	} {
		got := string(res.Tree[page])
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %s", page, want)
			}
		}
	}
	if strings.Contains(string(res.Tree["records/ca/index.html"]), `id="actions-raised"`) {
		t.Error("a record that raised nothing lists actions raised in it")
	}
}

// riskStub declares risk records (as the risk register does) under a
// test-only key, so the registers' risk references can be checked and
// linked without the risk register.
type riskStub struct{}

func (riskStub) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (riskStub) Sections() []model.Section {
	return []model.Section{{
		Key: "test_risks",
		Decode: func(v model.Values, n *yaml.Node) any {
			var out []model.Record
			for _, e := range v.List(n, "test_risks") {
				out = append(out, model.Record{Kind: "risk", ID: v.Str(e), Title: "Risk " + v.Str(e), Pos: v.Pos(e)})
			}
			return out
		},
		Records: func(d any) []model.Record { return d.([]model.Record) },
	}}
}

// A risk an action or exception names links to its row on /risks/ when
// the risk register declares it; an undeclared one is unknown-id naming
// the closest risk.
func TestActionRiskLinks(t *testing.T) {
	t.Parallel()
	build := func(risks string) *Result {
		site := actionsSite("test_risks: [R-01, R-02]\nactions:\n  - { id: CA-1, title: T, kind: action, status: open, risks: ["+risks+"] }\nexceptions:\n  - { id: EX-1, title: T, policy: POL-1, expires: 2027-01-01, risks: R-02 }\n", "")
		res, err := Build(context.Background(), Options{Site: site, Today: asOf, Reports: []report.Report{riskStub{}}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := build("R-01")
	if res.Tree == nil {
		t.Fatalf("build failed:\n%s", res.Diags)
	}
	if a := string(res.Tree["actions/index.html"]); !strings.Contains(a, `risks <a href="/risks/#R-01" title="Risk R-01">R-01</a>`) {
		t.Error("/actions/ does not link the action's risk to /risks/#R-01")
	}
	if x := string(res.Tree["exceptions/index.html"]); !strings.Contains(x, `<a href="/risks/#R-02" title="Risk R-02">R-02</a>`) {
		t.Error("/exceptions/ does not link the exception's risk")
	}
	res = build("R-03")
	if want := `content/records/r.md:9:63: error: no risk has id "R-03": did you mean "R-01"? (unknown-id)`; !strings.Contains(res.Diags.String(), want) || res.Tree != nil {
		t.Errorf("diagnostics:\n%s\nwant %s and nothing built", res.Diags, want)
	}
}
