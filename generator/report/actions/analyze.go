// Package actions is the actions register and the exceptions register
// (ISO/IEC 27001 10.2, 9.2, 9.3, 6.1.3): nonconformities, audit findings,
// improvements and other actions written as actions: entries, and
// time-limited policy exceptions written as exceptions: entries, in any
// document's front-matter. It checks what they reference, applies the
// rules of DESIGN part 2 (overdue actions, nonconformities closed without
// a root cause or an effectiveness check, expired and expiring
// exceptions) and publishes /actions/ and /exceptions/.
package actions

import (
	"fmt"
	"strings"

	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// Rule ids, stable (DESIGN part 2).
const (
	ruleOverdue     = "action-overdue"                 // minor; major for a major nonconformity
	ruleNoRootCause = "nonconformity-no-root-cause"    // minor
	ruleUnchecked   = "action-effectiveness-unchecked" // minor
	ruleExpired     = "exception-expired"              // major
	ruleExpiring    = "exception-expiring"             // minor
)

// EffectivenessDays is how long after done a nonconformity may go
// without an effectiveness check.
const EffectivenessDays = 90

// item is an action and the document it is written in.
type item struct {
	A    *Action
	Page *link.Page
}

// xitem is an exception and the document it is written in.
type xitem struct {
	X    *Exception
	Page *link.Page
}

// Report is the actions register. New makes one per build.
type Report struct {
	in       *report.Input
	actions  []item            // every live document's, in path then file order
	bySource map[string][]item // by the id of the document they were raised in
	byPage   map[string][]item // by content path (Annotator)
}

// New returns the actions report.
func New() *Report { return &Report{} }

// Exceptions is the exceptions register. NewExceptions makes one per build.
type Exceptions struct {
	in         *report.Input
	exceptions []xitem            // every live document's, in path then file order
	byPolicy   map[string][]xitem // by the id of the document departed from
	byPage     map[string][]xitem // by content path (Annotator)
}

// NewExceptions returns the exceptions report.
func NewExceptions() *Exceptions { return &Exceptions{} }

// docChecker reports a reference to a document that does not exist as
// unknown-id, naming the closest document id.
func docChecker(in *report.Input, diags *diag.List) func(ref Ref, what string) {
	return func(ref Ref, what string) {
		if ref.ID == "" {
			return
		}
		if _, ok := in.Site.ByID[ref.ID]; ok || in.Site.Withheld(ref.ID) {
			return
		}
		if c := diag.Closest(ref.ID, in.Site.IDs()); c != "" {
			diags.Errorf(ref.Pos, "unknown-id", "no document has id %q (the %s): did you mean %q?", ref.ID, what, c)
		} else {
			diags.Errorf(ref.Pos, "unknown-id", "no document has id %q (the %s)", ref.ID, what)
		}
	}
}

// Analyze checks what each action references (the document it was
// raised in, its risks) and applies the action rules.
func (r *Report) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	r.in, r.bySource, r.byPage = in, map[string][]item{}, map[string][]item{}
	var diags diag.List
	checkDoc := docChecker(in, &diags)
	var out []model.Finding
	for _, p := range in.Site.Pages {
		if p.Doc.IsRetired() {
			continue
		}
		as := DocActions(p.Doc)
		for i := range as {
			a := &as[i]
			checkDoc(a.Source, "source of "+a.ID)
			for _, rk := range a.Risks {
				in.Records.Check("risk", rk.ID, "risk", rk.Pos, &diags)
			}
			it := item{a, p}
			r.actions = append(r.actions, it)
			r.byPage[p.Doc.Path] = append(r.byPage[p.Doc.Path], it)
			if a.Source.ID != "" {
				r.bySource[a.Source.ID] = append(r.bySource[a.Source.ID], it)
			}
			out = append(out, actionFindings(a, p.Doc.ID, in.AsOf)...)
		}
	}
	return out, diags
}

// Analyze checks what each exception references (its policy, its risks)
// and applies the exception rules.
func (r *Exceptions) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	r.in, r.byPolicy, r.byPage = in, map[string][]xitem{}, map[string][]xitem{}
	var diags diag.List
	checkDoc := docChecker(in, &diags)
	var out []model.Finding
	for _, p := range in.Site.Pages {
		if p.Doc.IsRetired() {
			continue
		}
		xs := DocExceptions(p.Doc)
		for i := range xs {
			x := &xs[i]
			checkDoc(x.Policy, "policy of "+x.ID)
			for _, rk := range x.Risks {
				in.Records.Check("risk", rk.ID, "risk", rk.Pos, &diags)
			}
			it := xitem{x, p}
			r.exceptions = append(r.exceptions, it)
			r.byPage[p.Doc.Path] = append(r.byPage[p.Doc.Path], it)
			r.byPolicy[x.Policy.ID] = append(r.byPolicy[x.Policy.ID], it)
			out = append(out, exceptionFindings(x, p.Doc.ID, in.AsOf, in.Config.DueSoon)...)
		}
	}
	return out, diags
}

// overdue reports whether a is open past its due date.
func overdue(a *Action, asOf model.Date) bool {
	return a.Open() && !a.Due.IsZero() && a.Due.Before(asOf)
}

// awaitingCheck reports whether a is a nonconformity done more than
// EffectivenessDays before asOf whose effectiveness nobody checked.
func awaitingCheck(a *Action, asOf model.Date) bool {
	return a.Kind == "nonconformity" && a.Closed() && a.Effectiveness == nil &&
		!a.Done.IsZero() && a.Done.AddDays(EffectivenessDays).Before(asOf)
}

// actionFindings applies the action rules to a, written in document doc.
func actionFindings(a *Action, doc string, asOf model.Date) []model.Finding {
	var out []model.Finding
	ids := []string{a.ID, doc}
	if overdue(a, asOf) {
		sev := "minor"
		if a.Kind == "nonconformity" && a.Severity == "major" {
			sev = "major"
		}
		n := a.Due.DaysUntil(asOf)
		out = append(out, model.Finding{Severity: sev, Rule: ruleOverdue, IDs: ids,
			Message: fmt.Sprintf("%s %s %q was due on %s and is still %s: %s overdue", a.Kind, a.ID, a.Title, a.Due, a.Status, days(n))})
	}
	if a.Kind == "nonconformity" && a.Closed() && strings.TrimSpace(a.RootCause) == "" {
		out = append(out, model.Finding{Severity: "minor", Rule: ruleNoRootCause, IDs: ids,
			Message: fmt.Sprintf("nonconformity %s %q is %s without a root cause (10.2 b asks for its causes)", a.ID, a.Title, a.Status)})
	}
	if awaitingCheck(a, asOf) {
		out = append(out, model.Finding{Severity: "minor", Rule: ruleUnchecked, IDs: ids,
			Message: fmt.Sprintf("nonconformity %s %q was done on %s, %s ago, and its effectiveness has not been checked (10.2 d)", a.ID, a.Title, a.Done, days(a.Done.DaysUntil(asOf)))})
	}
	return out
}

// expired reports whether x is past its expiry (it holds on the day).
func expired(x *Exception, asOf model.Date) bool { return x.Expires.Before(asOf) }

// expiring reports whether x still holds but expires within dueSoon.
func expiring(x *Exception, asOf model.Date, dueSoon model.Interval) bool {
	return !expired(x, asOf) && !dueSoon.AddTo(asOf).Before(x.Expires)
}

// exceptionFindings applies the exception rules to x, written in doc.
func exceptionFindings(x *Exception, doc string, asOf model.Date, dueSoon model.Interval) []model.Finding {
	ids := []string{x.ID, doc}
	if x.Policy.ID != "" && x.Policy.ID != doc {
		ids = append(ids, x.Policy.ID)
	}
	switch {
	case expired(x, asOf):
		return []model.Finding{{Severity: "major", Rule: ruleExpired, IDs: ids,
			Message: fmt.Sprintf("exception %s %q to %s expired on %s, %s ago: renew it, or end the departure from the policy", x.ID, x.Title, x.Policy.ID, x.Expires, days(x.Expires.DaysUntil(asOf)))}}
	case expiring(x, asOf, dueSoon):
		return []model.Finding{{Severity: "minor", Rule: ruleExpiring, IDs: ids,
			Message: fmt.Sprintf("exception %s %q to %s expires on %s, in %s", x.ID, x.Title, x.Policy.ID, x.Expires, days(asOf.DaysUntil(x.Expires)))}}
	}
	return nil
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// Events are the due dates of open actions, for /reviews.ics.
func (r *Report) Events() []currency.Event {
	var out []currency.Event
	for _, it := range r.actions {
		a := it.A
		if a.Open() && !a.Due.IsZero() {
			out = append(out, currency.Event{UID: "action-" + a.ID, Date: a.Due,
				Summary: "Action " + a.ID + " due: " + a.Title, Description: "Owner: " + a.Owner, URL: "actions/#" + a.ID})
		}
	}
	return out
}

// Events are the expiry dates of exceptions, for /reviews.ics.
func (r *Exceptions) Events() []currency.Event {
	var out []currency.Event
	for _, it := range r.exceptions {
		x := it.X
		if !x.Expires.IsZero() {
			out = append(out, currency.Event{UID: "exception-" + x.ID, Date: x.Expires,
				Summary: "Exception " + x.ID + " expires: " + x.Title, Description: "Approved by: " + x.ApprovedBy, URL: "exceptions/#" + x.ID})
		}
	}
	return out
}

// Tiles count overdue actions on the home page, for a site that has any.
func (r *Report) Tiles() []view.Tile {
	var out []view.Tile
	if len(r.actions) > 0 {
		n := 0
		for _, it := range r.actions {
			if overdue(it.A, r.in.AsOf) {
				n++
			}
		}
		out = append(out, view.Tile{Label: "overdue actions", Class: okBad(n), URL: "actions/#overdue", Value: n, Phase: "do"})
		unchecked := 0
		for _, it := range r.actions {
			if a := it.A; a.Kind == "nonconformity" && a.Closed() && a.Effectiveness == nil {
				unchecked++
			}
		}
		t := view.Tile{Label: "nonconformities closed, effectiveness not checked", Class: "ok", URL: "actions/#unverified", Value: unchecked, Phase: "act"}
		if unchecked > 0 {
			t.Class = "warn"
		}
		out = append(out, t)
	}
	return out
}

// Tiles count expired exceptions on the home page, for a site that has any.
func (r *Exceptions) Tiles() []view.Tile {
	var out []view.Tile
	if len(r.exceptions) > 0 {
		n := 0
		for _, it := range r.exceptions {
			if expired(it.X, r.in.AsOf) {
				n++
			}
		}
		out = append(out, view.Tile{Label: "expired exceptions", Class: okBad(n), URL: "exceptions/#expired", Value: n, Phase: "do"})
	}
	return out
}

func okBad(n int) string {
	if n > 0 {
		return "bad"
	}
	return "ok"
}
