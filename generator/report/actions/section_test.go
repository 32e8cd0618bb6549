package actions

import (
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

const head = "---\nid: REC-1\ntitle: A record\ntype: record\nowner: CISO\nreviewed: 2026-06-01\n"

// decode decodes a document whose front-matter ends with front.
func decode(t *testing.T, front string) (*model.Document, string) {
	t.Helper()
	schema := model.NewSchema(append(New().Sections(), NewExceptions().Sections()...)...)
	doc, diags := schema.Decode("content/records/a.md", "content/records/a.md", []byte(head+front+"---\nBody.\n"))
	return doc, diags.String()
}

const okAction = "actions:\n  - id: CA-1\n    title: Fix it\n    kind: nonconformity\n    severity: minor\n    status: open\n"

// Every validation error of actions: and exceptions: is located at the
// value that causes it, with its code.
func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct{ name, front, want string }{
		{"missing title", "actions:\n  - { id: CA-1, kind: action, status: open }\n", `content/records/a.md:8:5: error: actions entry needs "title" (missing-field)`},
		{"bad kind names the closest", "actions:\n  - { id: CA-1, title: T, kind: nonconformaty, severity: minor, status: open }\n", `8:33: error: kind "nonconformaty" is not one of nonconformity, observation, opportunity, action: did you mean "nonconformity"? (bad-kind)`},
		{"bad status names the closest", "actions:\n  - { id: CA-1, title: T, kind: action, status: in-progres }\n", `8:49: error: status "in-progres" is not one of open, in-progress, done, verified, cancelled: did you mean "in-progress"? (bad-status)`},
		{"bad severity", "actions:\n  - { id: CA-1, title: T, kind: nonconformity, severity: majr, status: open }\n", `8:58: error: severity "majr" is not one of major, minor: did you mean "major"? (bad-severity)`},
		{"severity on an observation", "actions:\n  - { id: CA-1, title: T, kind: observation, severity: minor, status: open }\n", `8:56: error: severity is graded for nonconformities only; CA-1 is an observation (bad-severity)`},
		{"nonconformity without severity", "actions:\n  - { id: CA-1, title: T, kind: nonconformity, status: open }\n", `8:5: error: nonconformity CA-1 needs "severity": major or minor (missing-field)`},
		{"bad effectiveness result", strings.Replace(okAction, "open", "done", 1) + "    done: 2026-05-01\n    effectiveness: { checked: 2026-06-01, result: efective }\n", `14:51: error: result "efective" is not one of effective, not-effective: did you mean "effective"? (bad-result)`},
		{"bad date", okAction + "    due: 2026-02-30\n", `13:10: error: "2026-02-30" is not a real date`},
		{"unknown control names the closest", okAction + "    controls: [\"8.99\"]\n", `13:16: error: "8.99" is not an Annex A control: did you mean`},
		{"done date on an open action", okAction + "    done: 2026-05-01\n", `13:11: error: CA-1 is open but has a done date: set status to done, or remove done (impossible-state)`},
		{"done without a done date", strings.Replace(okAction, "open", "done", 1), `12:13: error: CA-1 is done but has no done date: add done: YYYY-MM-DD (impossible-state)`},
		{"done with an empty done date", strings.Replace(okAction, "open", "done", 1) + "    done: \"\"\n", `12:13: error: CA-1 is done but has no done date`},
		{"verified without a done date", strings.Replace(okAction, "open", "verified", 1), `12:13: error: CA-1 is verified but has no done date`},
		{"effectiveness before done", strings.Replace(okAction, "open", "done", 1) + "    done: 2026-05-01\n    effectiveness: { checked: 2026-04-30, result: effective }\n", `14:31: error: CA-1's effectiveness was checked on 2026-04-30, before it was done on 2026-05-01 (impossible-state)`},
		{"effectiveness on an action never done", strings.Replace(okAction, "open", "cancelled", 1) + "    effectiveness: { checked: 2026-04-30, result: effective }\n", `13:31: error: CA-1 has an effectiveness check but was never done`},
		{"due before raised", okAction + "    raised: 2026-05-02\n    due: 2026-05-01\n", `14:10: error: CA-1 is due on 2026-05-01, before it was raised on 2026-05-02 (impossible-state)`},
		{"done before raised", strings.Replace(okAction, "open", "done", 1) + "    raised: 2026-05-02\n    done: 2026-05-01\n    root_cause: x\n", `14:11: error: CA-1 was done on 2026-05-01, before it was raised on 2026-05-02 (impossible-state)`},
		{"actions not a list", "actions: CA-1\n", `7:10: error: actions must be a list, found a value (bad-value)`},
		{"entry not a mapping", "actions: [CA-1]\n", `7:11: error: actions entry must be {`},
		{"unknown key names the closest", okAction + "    rootcause: x\n", `13:5: warning: unknown key "rootcause"`},
		{"action id with a space", "actions:\n  - { id: CA 1, title: T, kind: action, status: open }\n", `8:11: error: id "CA 1" may hold only letters, digits, '.', '_' and '-' (bad-id)`},
		{"exception id with a slash", "exceptions:\n  - { id: EX/1, title: T, policy: POL-1, expires: 2027-01-01 }\n", `8:11: error: id "EX/1" may hold only letters`},
		{"exception without expiry", "exceptions:\n  - { id: EX-1, title: T, policy: POL-1 }\n", `8:5: error: exceptions entry needs "expires" (missing-field)`},
		{"exception expires before granted", "exceptions:\n  - { id: EX-1, title: T, policy: POL-1, granted: 2026-05-02, expires: 2026-05-01 }\n", `8:72: error: EX-1 expires on 2026-05-01, before it was granted on 2026-05-02 (impossible-state)`},
		{"exception unknown control", "exceptions:\n  - { id: EX-1, title: T, policy: POL-1, expires: 2026-05-01, controls: [\"9.1\"] }\n", `8:74: error: "9.1" is not an Annex A control`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got := decode(t, tc.front)
			if !strings.Contains(got, tc.want) {
				t.Errorf("diagnostics:\n%s\nwant %s", got, tc.want)
			}
		})
	}
}

// A valid entry decodes with every field, controls normalised, and
// declares its record with what it references.
func TestDecodeValid(t *testing.T) {
	doc, diags := decode(t, `actions:
  - id: CA-1
    title: Fix it
    kind: nonconformity
    severity: major
    source: REC-AUDIT
    raised: 2026-01-02
    owner: Head of IT
    due: 2026-03-01
    status: verified
    root_cause: old procedure
    correction: fixed the host
    done: 2026-02-01
    effectiveness: { checked: 2026-03-01, by: CISO, result: effective }
    risks: [R-1]
    controls: ["A.8.9", 5.1]
exceptions:
  - { id: EX-1, title: T, policy: POL-1, controls: "8.8", risks: R-2, approved_by: CISO, granted: 2026-01-01, expires: 2026-12-31, compensating: WAF }
`)
	if diags != "" {
		t.Fatalf("diagnostics:\n%s", diags)
	}
	as := DocActions(doc)
	if len(as) != 1 {
		t.Fatalf("got %d actions", len(as))
	}
	a := as[0]
	if a.Severity != "major" || a.Source.ID != "REC-AUDIT" || a.Owner != "Head of IT" || a.Done.String() != "2026-02-01" ||
		a.Effectiveness == nil || a.Effectiveness.Result != "effective" || a.Effectiveness.By != "CISO" ||
		len(a.Controls) != 2 || a.Controls[0].ID != "8.9" || a.Controls[1].ID != "5.1" || a.RootCause != "old procedure" || a.Pos.Line != 8 {
		t.Errorf("decoded %+v", a)
	}
	xs := DocExceptions(doc)
	if len(xs) != 1 || xs[0].Policy.ID != "POL-1" || xs[0].Controls[0].ID != "8.8" || xs[0].Risks[0].ID != "R-2" || xs[0].Compensating != "WAF" {
		t.Errorf("decoded %+v", xs)
	}
	recs := actionRecords(doc.Sections["actions"])
	if len(recs) != 1 || recs[0].Kind != "action" || recs[0].Refs["document"][0] != "REC-AUDIT" || recs[0].Refs["risk"][0] != "R-1" || recs[0].Refs["control"][1] != "5.1" {
		t.Errorf("records %+v", recs)
	}
	recs = exceptionRecords(doc.Sections["exceptions"])
	if len(recs) != 1 || recs[0].Kind != "exception" || recs[0].Refs["document"][0] != "POL-1" || recs[0].Refs["risk"][0] != "R-2" {
		t.Errorf("records %+v", recs)
	}
}
