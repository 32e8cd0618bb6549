package actions

import (
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

func date(s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// rules is "severity rule" per finding, joined by "; ".
func rules(fs []model.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Severity+" "+f.Rule)
	}
	return strings.Join(out, "; ")
}

// Each action rule on the day its condition begins, the day before and
// the day after.
func TestActionRules(t *testing.T) {
	asOf := date("2026-11-27")
	open := func(kind, sev, due string) *Action {
		return &Action{ID: "CA-1", Title: "T", Kind: kind, Severity: sev, Status: "open", Due: date(due)}
	}
	done := func(status, doneOn, rootCause string, ef *Effectiveness) *Action {
		return &Action{ID: "CA-1", Title: "T", Kind: "nonconformity", Severity: "minor", Status: status, Done: date(doneOn), RootCause: rootCause, Effectiveness: ef}
	}
	checked := &Effectiveness{Checked: date("2026-11-01"), Result: "effective"}
	for _, tc := range []struct {
		name string
		a    *Action
		want string
	}{
		{"due tomorrow", open("action", "", "2026-11-28"), ""},
		{"due today is not overdue", open("action", "", "2026-11-27"), ""},
		{"due yesterday is overdue", open("action", "", "2026-11-26"), "minor action-overdue"},
		{"in-progress past due", &Action{ID: "CA-1", Kind: "observation", Status: "in-progress", Due: date("2026-01-01")}, "minor action-overdue"},
		{"minor nonconformity overdue", open("nonconformity", "minor", "2026-11-26"), "minor action-overdue"},
		{"major nonconformity overdue is major", open("nonconformity", "major", "2026-11-26"), "major action-overdue"},
		{"done past due is not overdue", done("done", "2026-11-20", "cause", checked), ""},
		{"cancelled past due is not overdue", &Action{ID: "CA-1", Kind: "action", Status: "cancelled", Due: date("2026-01-01")}, ""},
		{"no due date", &Action{ID: "CA-1", Kind: "action", Status: "open"}, ""},
		{"done without root cause", done("done", "2026-11-20", "", checked), "minor nonconformity-no-root-cause"},
		{"verified without root cause", done("verified", "2026-11-20", " ", checked), "minor nonconformity-no-root-cause"},
		{"open without root cause is fine", open("nonconformity", "minor", "2026-12-01"), ""},
		{"done opportunity needs no root cause", &Action{ID: "CA-1", Kind: "opportunity", Status: "done", Done: date("2026-01-01")}, ""},
		{"done 89 days ago, unchecked", done("done", "2026-08-30", "c", nil), ""},
		{"done 90 days ago, unchecked", done("done", "2026-08-29", "c", nil), ""},
		{"done 91 days ago, unchecked", done("done", "2026-08-28", "c", nil), "minor action-effectiveness-unchecked"},
		{"verified 91 days ago, unchecked", done("verified", "2026-08-28", "c", nil), "minor action-effectiveness-unchecked"},
		{"done 91 days ago, checked", done("done", "2026-08-28", "c", checked), ""},
		{"both at once", done("done", "2026-01-01", "", nil), "minor nonconformity-no-root-cause; minor action-effectiveness-unchecked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := actionFindings(tc.a, "REC-1", asOf)
			if got := rules(fs); got != tc.want {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
			for _, f := range fs {
				if len(f.IDs) != 2 || f.IDs[0] != "CA-1" || f.IDs[1] != "REC-1" || !strings.Contains(f.Message, "CA-1") {
					t.Errorf("finding %+v does not name the action and its document", f)
				}
			}
		})
	}
}

// The exception rules: it holds on its expiry day, expires the day
// after; it is expiring within due_soon (30 days by default) inclusive.
func TestExceptionRules(t *testing.T) {
	asOf := date("2026-11-27")
	soon := model.Interval{N: 30, Unit: 'd'}
	for _, tc := range []struct{ expires, want string }{
		{"2026-11-26", "major exception-expired"},
		{"2026-11-27", "minor exception-expiring"},
		{"2026-11-28", "minor exception-expiring"},
		{"2026-12-26", "minor exception-expiring"},
		{"2026-12-27", "minor exception-expiring"},
		{"2026-12-28", ""},
		{"2027-06-01", ""},
	} {
		t.Run(tc.expires, func(t *testing.T) {
			x := &Exception{ID: "EX-1", Title: "T", Policy: Ref{ID: "POL-1"}, Expires: date(tc.expires)}
			fs := exceptionFindings(x, "REG-1", asOf, soon)
			if got := rules(fs); got != tc.want {
				t.Errorf("findings %q, want %q", got, tc.want)
			}
			for _, f := range fs {
				if strings.Join(f.IDs, " ") != "EX-1 REG-1 POL-1" {
					t.Errorf("finding ids %v, want the exception, its register and its policy", f.IDs)
				}
			}
		})
	}
	// A longer due_soon widens the window.
	x := &Exception{ID: "EX-1", Expires: date("2027-01-10")}
	if got := rules(exceptionFindings(x, "REG-1", asOf, model.Interval{N: 2, Unit: 'm'})); got != "minor exception-expiring" {
		t.Errorf("with due_soon 2m: %q", got)
	}
}
