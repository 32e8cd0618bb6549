package generator

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
)

// doc builds a minimal valid document with extra front-matter lines and a body.
func doc(extra, body string) string {
	return "---\nid: DOC-1\ntitle: Doc\ntype: policy\nowner: CISO\n" + extra + "---\n" + body
}

// other is a second document the tests may refer to.
const other = "---\nid: PRC-RISK-01\ntitle: Risk assessment\ntype: process\nowner: Risk\nphase: plan\n---\n## Method\n"

// TestValidationRules: one case per rule users meet. Each asserts the
// message, its path:line:col, and that the build produced no tree.
func TestValidationRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  string // a line of the diagnostics
		ok    bool   // the build still succeeds (warnings only)
	}{
		{"missing required field", map[string]string{"content/a.md": "---\nid: A\ntitle: A\ntype: policy\n---\n"},
			`content/a.md:1:1: error: required key "owner" is missing (missing-field)`, false},
		{"no front-matter", map[string]string{"content/a.md": "# Just text\n"},
			`content/a.md:1:1: error: no front-matter`, false},
		{"unclosed front-matter", map[string]string{"content/a.md": "---\nid: A\n"},
			`content/a.md:1:1: error: front-matter opened with --- but never closed`, false},
		{"dashes that are not front-matter", map[string]string{"content/a.md": "-----\n# x\n"},
			`content/a.md:1:1: error: first line is a row of dashes`, false},
		{"duplicate id", map[string]string{"content/a.md": doc("", ""), "content/b.md": doc("", "")},
			`content/b.md:2:5: error: id "DOC-1" is already used by content/a.md (line 2) (duplicate-id)`, false},
		{"bad type enum", map[string]string{"content/a.md": strings.Replace(doc("", ""), "type: policy", "type: polciy", 1)},
			`content/a.md:4:7: error: type "polciy" is not one of manual, policy, process, procedure, standard, plan, register, record, minutes, evidence: did you mean "policy"? (bad-type)`, false},
		{"bad status enum", map[string]string{"content/a.md": doc("status: aproved\n", "")},
			`content/a.md:6:9: error: status "aproved" is not one of draft, approved, retired: did you mean "approved"? (bad-status)`, false},
		{"bad classification", map[string]string{"content/a.md": doc("classification: secret\n", "")},
			`content/a.md:6:17: error: classification "secret" is not one of public, internal, confidential, restricted (bad-classification)`, false},
		{"bad phase", map[string]string{"content/a.md": doc("phase: doo\n", "")},
			`content/a.md:6:8: error: phase "doo" is not one of plan, do, check, act`, false},
		{"impossible date", map[string]string{"content/a.md": doc("reviewed: 2026-13-45\n", "")},
			`content/a.md:6:11: error: "2026-13-45" is not a date of the form YYYY-MM-DD (bad-date)`, false},
		{"review_every syntax", map[string]string{"content/a.md": doc("review_every: 12 months\n", "")},
			`content/a.md:6:15: error: "12 months" is not an interval such as 90d, 2w, 12m or 1y (bad-interval)`, false},
		{"unknown key warns with the closest key", map[string]string{"content/a.md": doc("reviwed: 2026-01-01\n", "")},
			`content/a.md:6:1: warning: unknown key "reviwed": did you mean "reviewed"? (unknown-key)`, true},
		{"duplicate key", map[string]string{"content/a.md": doc("title: Again\n", "")},
			`content/a.md:6:1: error: key "title" is given twice (first at line 3) (duplicate-key)`, false},
		{"unknown input id", map[string]string{"content/a.md": doc("inputs:\n  - PRC-RISK-1\n", ""), "content/r.md": other},
			`content/a.md:7:5: error: no document has id "PRC-RISK-1": did you mean "PRC-RISK-01"? (unknown-id)`, false},
		{"unknown output id", map[string]string{"content/a.md": doc("outputs:\n  - { to: PRC-RISKS-01, what: x }\n", ""), "content/r.md": other},
			`content/a.md:7:11: error: no document has id "PRC-RISKS-01": did you mean "PRC-RISK-01"? (unknown-id)`, false},
		{"unknown control", map[string]string{"content/a.md": doc("controls: [\"5.38\"]\n", "")},
			`content/a.md:6:12: error: "5.38" is not an ISO/IEC 27001:2022 Annex A control: did you mean "5.37"? (unknown-control)`, false},
		{"broken link", map[string]string{"content/a.md": doc("", "See [risk](risks.md).\n"), "content/risk.md": other},
			`content/a.md:7:5: error: link "risks.md": no document content/risks.md: did you mean risk.md? (broken-link)`, false},
		{"broken fragment", map[string]string{"content/a.md": doc("", "See [risk](risk.md#methods).\n"), "content/risk.md": other},
			`content/a.md:7:5: error: link "risk.md#methods": content/risk.md has no heading with id "methods": did you mean #method? (broken-link)`, false},
		{"yaml syntax error at the file's line", map[string]string{"content/a.md": doc("clause: [6.1\n", "")},
			`content/a.md:6:1: error: front-matter is not valid YAML: did not find expected ',' or ']'`, false},
		{"missing evidence file", map[string]string{"content/a.md": strings.Replace(doc("file: evidence/x.pdf\n", ""), "type: policy", "type: evidence", 1)},
			`content/a.md:6:7: error: evidence file "evidence/x.pdf" does not exist under content/ (missing-file)`, false},
		{"bad clause", map[string]string{"content/a.md": doc("clause: \"A.5\"\n", "")},
			`content/a.md:6:9: error: clause "A.5" is not an ISO/IEC 27001 clause number`, false},
		{"version is a string", map[string]string{"content/a.md": doc("version: [1]\n", "")},
			`content/a.md:6:10: error: expected a single value, found a list (bad-value)`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := fstest.MapFS{}
			for p, s := range tc.files {
				site[p] = &fstest.MapFile{Data: []byte(s)}
			}
			res, err := Build(context.Background(), Options{Site: site, Today: asOf})
			if err != nil {
				t.Fatal(err)
			}
			got := res.Diags.String()
			if !strings.Contains(got, tc.want) {
				t.Errorf("diagnostics lack\n  %s\ngot:\n%s", tc.want, got)
			}
			if (res.Tree != nil) != tc.ok {
				t.Errorf("tree produced = %v, want %v", res.Tree != nil, tc.ok)
			}
		})
	}
}

// TestDiagnosticsSortedAndAll: every problem is reported, in path order.
func TestDiagnosticsSortedAndAll(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"content/b.md": {Data: []byte(doc("status: nope\nreviewed: 2026-02-30\n", ""))},
		"content/a.md": {Data: []byte("---\nid: A\n---\n")},
	}
	res, _ := Build(context.Background(), Options{Site: site, Today: asOf})
	lines := strings.Split(strings.TrimSpace(res.Diags.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("want 5 diagnostics, got:\n%s", res.Diags)
	}
	if !strings.HasPrefix(lines[0], "content/a.md:") || !strings.HasPrefix(lines[4], "content/b.md:7:") {
		t.Errorf("not sorted by path and line:\n%s", res.Diags)
	}
}
