package objectives

import (
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

const head = "---\nid: PLN-1\ntitle: A plan\ntype: plan\nowner: CISO\nreviewed: 2026-06-01\n"

// decodeDoc decodes a document whose front-matter ends with front.
func decodeDoc(t *testing.T, front string) (*model.Document, string) {
	t.Helper()
	schema := model.NewSchema(New().Sections()...)
	doc, diags := schema.Decode("content/plans/a.md", "content/plans/a.md", []byte(head+front+"---\nBody.\n"))
	return doc, diags.String()
}

const okObjective = "objectives:\n  - id: OBJ-1\n    title: Fewer clicks\n    target: { op: \"<=\", value: 5, unit: \"%\" }\n"

// Every validation error of objectives: is located at the value that
// causes it, with its code.
func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct{ name, front, want string }{
		{"missing target", "objectives:\n  - { id: OBJ-1, title: T }\n", `content/plans/a.md:8:5: error: objectives entry needs "target" (missing-field)`},
		{"missing title", "objectives:\n  - { id: OBJ-1, target: { op: \"<\", value: 1 } }\n", `8:5: error: objectives entry needs "title" (missing-field)`},
		{"target without value", "objectives:\n  - { id: OBJ-1, title: T, target: { op: \"<\" } }\n", `8:36: error: target entry needs "value" (missing-field)`},
		{"bad op names the closest", "objectives:\n  - { id: OBJ-1, title: T, target: { op: \"=<\", value: 1 } }\n", `8:42: error: op "=<" is not one of <=, >=, <, >, =: did you mean "<"? (bad-op)`},
		{"value not a number", "objectives:\n  - { id: OBJ-1, title: T, target: { op: \"<\", value: five } }\n", `8:54: error: target value must be a number, found "five" (bad-value)`},
		{"quoted value is not a number", "objectives:\n  - { id: OBJ-1, title: T, target: { op: \"<\", value: \"5\" } }\n", `8:54: error: target value must be a number, found "5" (bad-value)`},
		{"nan is not a number", "objectives:\n  - { id: OBJ-1, title: T, target: { op: \"<\", value: .nan } }\n", `8:54: error: target value must be a number, found ".nan" (bad-value)`},
		{"target not a mapping", "objectives:\n  - { id: OBJ-1, title: T, target: 5 }\n", `8:36: error: target entry must be { op, value, unit }, found a value (bad-value)`},
		{"bad due date", okObjective + "    due: 2026-02-30\n", `11:10: error: "2026-02-30" is not a real date`},
		{"bad interval", okObjective + "    measure_every: every so often\n", `11:20: error:`},
		{"unknown key names the closest", okObjective + "    measure_evry: 3m\n", `11:5: warning: unknown key "measure_evry"`},
		{"id with a space", "objectives:\n  - { id: OBJ 1, title: T, target: { op: \"<\", value: 1 } }\n", `8:11: error: id "OBJ 1" may hold only letters, digits, '.', '_' and '-' (bad-id)`},
		{"unknown control names the closest", okObjective + "    controls: [\"8.99\"]\n", `11:16: error: "8.99" is not an Annex A control: did you mean`},
		{"measurement without value", okObjective + "    measurements:\n      - { date: 2026-06-01 }\n", `12:9: error: measurements entry needs "value" (missing-field)`},
		{"decimal comma is an unknown key", okObjective + "    measurements:\n      - { date: 2026-06-01, value: 6,1 }\n", `12:38: warning: unknown key "1" in measurements entry`},
		{"measurement value a word", okObjective + "    measurements:\n      - { date: 2026-06-01, value: high }\n", `12:36: error: measurement value must be a number, found "high" (bad-value)`},
		{"measurement bad date", okObjective + "    measurements:\n      - { date: 2026-13-01, value: 1 }\n", `12:17: error: "2026-13-01" is not a date of the form YYYY-MM-DD (bad-date)`},
		{"measurements out of order", okObjective + "    measurements:\n      - { date: 2026-09-01, value: 1 }\n      - { date: 2026-06-01, value: 2 }\n",
			`13:17: error: OBJ-1's measurements must be in date order: 2026-06-01 comes after 2026-09-01 (line 12) (measurement-order)`},
		{"measurements not a list", okObjective + "    measurements: 5\n", `11:19: error: measurements must be a list`},
		{"unknown measurement key", okObjective + "    measurements:\n      - { date: 2026-06-01, value: 1, evidense: E-1 }\n", `12:39: warning: unknown key "evidense" in measurements entry: did you mean "evidence"? (unknown-key)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, got := decodeDoc(t, tc.front)
			if !strings.Contains(got, tc.want) {
				t.Errorf("diagnostics:\n%s\nwant %s", got, tc.want)
			}
		})
	}
}

// A valid entry decodes whole and declares a record with its controls.
func TestDecodeObjective(t *testing.T) {
	doc, diags := decodeDoc(t, okObjective+"    owner: CISO\n    due: 2026-12-31\n    measure_every: 3m\n    controls: [\"A.6.3\"]\n    measurements:\n      - { date: 2026-06-15, value: 6.1, evidence: EVD-1 }\n      - { date: 2026-09-15, value: 4_8e-1 }\n      - { date: 2026-09-15, value: 4 }\n")
	if diags != "" {
		t.Fatalf("diagnostics: %s", diags)
	}
	os := DocObjectives(doc)
	if len(os) != 1 {
		t.Fatalf("objectives: %+v", os)
	}
	o := os[0]
	if o.Target != (Target{Op: "<=", Value: 5, Unit: "%"}) || o.Owner != "CISO" || o.Due.String() != "2026-12-31" || o.Every.String() != "3m" || len(o.Measurements) != 3 ||
		o.Measurements[0].Evidence.ID != "EVD-1" || o.Measurements[0].Evidence.Pos.Line != 16 || o.Measurements[1].Value != 48e-1 || o.Controls[0].ID != "6.3" {
		t.Errorf("objective: %+v", o)
	}
	recs := records(os)
	if len(recs) != 1 || recs[0].Kind != "objective" || recs[0].ID != "OBJ-1" || recs[0].Status != StateMet || strings.Join(recs[0].Refs["control"], ",") != "6.3" || recs[0].Pos.Line != 8 {
		t.Errorf("records: %+v", recs)
	}
}
