package actions

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

// FuzzDecode runs the strict decoder with actions: and exceptions: on
// arbitrary front-matter. Nothing may panic; every diagnostic is located
// in the file; an entry decoded without errors is in a possible state.
func FuzzDecode(f *testing.F) {
	for _, p := range []string{"../../../content/records/corrective-action-2026-09.md", "../../../content/registers/exceptions-register.md", "../../../content/records/security-training-2026.md"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		okAction, "actions: [x]\n", "actions: {a: b}\n", "actions:\n  - {id: [a], title: {b: c}, kind: action, status: open}\n",
		okAction + "    effectiveness: x\n", okAction + "    effectiveness: {checked: 2026-01-01}\n", okAction + "    risks: {a: b}\n",
		strings.Replace(okAction, "open", "done", 1) + "    done: 2026-13-01\n",
		"exceptions:\n  - { id: EX-1, title: T, policy: [P], expires: 2026-05-01, granted: 2027-01-01, controls: [[1]] }\n",
		"exceptions:\n  - { id: &a EX-1, title: *a, policy: *a, expires: 2026-05-01 }\n",
	} {
		f.Add(head + s + "---\n")
	}
	schema := model.NewSchema(append(New().Sections(), NewExceptions().Sections()...)...)
	f.Fuzz(func(t *testing.T, src string) {
		doc, diags := schema.Decode("content/a.md", "content/a.md", []byte(src))
		for _, d := range diags {
			if d.Pos.Line < 1 || !strings.HasPrefix(d.Pos.Path, "content/a.md") {
				t.Fatalf("unlocated diagnostic: %v", d)
			}
		}
		if doc == nil || diags.HasErrors() {
			return
		}
		for _, a := range DocActions(doc) {
			if a.ID == "" || a.Title == "" || !slices.Contains(Kinds, a.Kind) || !slices.Contains(Statuses, a.Status) {
				t.Fatalf("action decoded without errors but incomplete: %+v", a)
			}
			if a.Open() && !a.Done.IsZero() || a.Closed() && a.Done.IsZero() {
				t.Fatalf("action in an impossible state without an error: %+v", a)
			}
			if ef := a.Effectiveness; ef != nil && !ef.Checked.IsZero() && (a.Done.IsZero() || ef.Checked.Before(a.Done)) {
				t.Fatalf("effectiveness checked before done without an error: %+v", a)
			}
		}
		for _, x := range DocExceptions(doc) {
			if x.ID == "" || x.Policy.ID == "" || x.Expires.IsZero() || !x.Granted.IsZero() && x.Expires.Before(x.Granted) {
				t.Fatalf("exception decoded without errors but impossible: %+v", x)
			}
		}
		_ = actionRecords(doc.Sections["actions"])
		_ = exceptionRecords(doc.Sections["exceptions"])
	})
}
