// Package risks is the risk register report (ISO/IEC 27001 6.1.2, 6.1.3,
// 8.2, 8.3): risks written as risks: entries in any document's
// front-matter, rated on the scales of isms.yaml's risk: block, traced
// to the Statement of Applicability and to actions; findings for risks
// above appetite, expired acceptances, overdue reassessments and the
// controls the SoA and the risks disagree on; /risks/ with the register
// and two heat maps.
package risks

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/report/soa"
)

// The rules of the risk register; their ids are stable (DESIGN part 2).
const (
	ruleAboveAppetite     = "risk-above-appetite"     // major: 6.1.3 f, residual risk accepted by its owner
	ruleAcceptanceExpired = "risk-acceptance-expired" // major: an acceptance past its until date
	ruleNotReassessed     = "risk-not-reassessed"     // minor: 8.2, at planned intervals
	ruleControlExcluded   = "risk-control-excluded"   // major: 6.1.3 b-d, the SoA excludes what treatment needs
	ruleControlUntraced   = "soa-control-untraced"    // minor: 6.1.3 d, an applicable control with no reason
)

// entry is one risk and the document it is written in.
type entry struct {
	Risk
	Page *link.Page
}

// Report is the risk register report. New makes one per build.
type Report struct {
	method   Method
	asOf     model.Date
	risks    []entry           // by id
	decision map[string]string // control → "excluded" or its SoA status
	untraced []decided
	above    int
	dueSoon  model.Interval
}

// New returns the report.
func New() *Report { return &Report{} }

// HeaderLink puts the register in the site header, between currency and the SoA.
func (*Report) HeaderLink() report.Link {
	return report.Link{Title: "Risks", URL: "risks/", Weight: 25}
}

// Analyze checks every risk against the method and the records it
// references, then applies the rules.
func (r *Report) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	var diags diag.List
	r.method, r.asOf, r.dueSoon = method(in.Config), in.AsOf, in.Config.DueSoon
	m := r.method
	for _, p := range in.Site.Pages {
		if p.Doc.IsRetired() {
			continue
		}
		for _, rk := range risksOf(p.Doc) {
			ok := true
			ratings := []Rating{rk.Inherent}
			if rk.Residual != nil {
				ratings = append(ratings, *rk.Residual)
			}
			for _, rt := range ratings {
				ok = checkScore(rt.Likelihood, "likelihood", m.Likelihood, &diags) && ok
				ok = checkScore(rt.Impact, "impact", m.Impact, &diags) && ok
			}
			for _, a := range rk.Actions {
				in.Records.Check("action", a.ID, "action", a.Pos, &diags)
			}
			if !ok {
				continue
			}
			if first, dup := in.Records.Get("risk", rk.ID); dup && first.Pos != rk.Pos {
				continue // a duplicate id, reported by the record index
			}
			r.risks = append(r.risks, entry{rk, p})
		}
	}
	slices.SortFunc(r.risks, func(a, b entry) int { return cmp.Compare(a.ID, b.ID) })
	r.decision, r.untraced = controlDecisions(in.Site)
	return r.findings(in), diags
}

func checkScore(s Score, what string, labels []string, diags *diag.List) bool {
	if s.N == 0 {
		return false // not a number: reported by the decoder
	}
	if s.N > len(labels) {
		diags.Errorf(s.Pos, "bad-score", "%s %d is outside the %s", what, s.N, describe(what, labels))
		return false
	}
	return true
}

// controlDecisions reads the SoA: each decided control's decision as
// shown ("excluded", or the status of an applicable one), and the
// applicable controls whose entry gives no reasons (each with the
// register it is decided in), in catalogue order.
func controlDecisions(s *link.Site) (shown map[string]string, noReason []decided) {
	shown = map[string]string{}
	seen := map[string]bool{}
	for _, p := range s.Pages {
		if p.Doc.IsRetired() {
			continue
		}
		for _, d := range soa.Decisions(p.Doc) {
			if seen[d.Control] {
				continue // the SoA reports a second decision
			}
			seen[d.Control] = true
			ok, ex := d.Decided()
			switch {
			case ok && ex:
				shown[d.Control] = "excluded"
			case ok:
				shown[d.Control] = cmp.Or(d.Status, "applicable")
				if len(d.Reasons) == 0 {
					noReason = append(noReason, decided{d.Control, p.Doc.ID})
				}
			}
		}
	}
	slices.SortFunc(noReason, func(a, b decided) int { return iso.Compare(a.Control, b.Control) })
	return shown, noReason
}

type decided struct{ Control, Register string }

// current reports whether the acceptance holds on day: until is the
// last day it holds.
func (a *Acceptance) current(day model.Date) bool {
	return a != nil && !a.Until.IsZero() && !a.Until.Before(day)
}

// reassessBy is the day by which the risk must be assessed again (zero
// when it never was).
func (r *Report) reassessBy(rk *Risk) model.Date {
	if rk.Assessed.IsZero() {
		return model.Date{}
	}
	return r.method.ReassessEvery.AddTo(rk.Assessed)
}

func (r *Report) findings(in *report.Input) []model.Finding {
	var out []model.Finding
	m := r.method
	cited := map[string]bool{}
	for i := range r.risks {
		rk := &r.risks[i]
		ids := []string{rk.ID, rk.Page.Doc.ID}
		if s := rk.Score(); s > m.Appetite && !rk.Acceptance.current(r.asOf) {
			r.above++
			which := "residual"
			if rk.Residual == nil {
				which = "inherent (no residual given)"
			}
			out = append(out, model.Finding{Severity: "major", Rule: ruleAboveAppetite, IDs: ids,
				Message: fmt.Sprintf("risk %s %q: %s score %d is above the appetite of %d and no current acceptance retains it (6.1.3 f)", rk.ID, rk.Title, which, s, m.Appetite)})
		}
		if a := rk.Acceptance; a != nil && !a.Until.IsZero() && a.Until.Before(r.asOf) {
			out = append(out, model.Finding{Severity: "major", Rule: ruleAcceptanceExpired, IDs: ids,
				Message: fmt.Sprintf("risk %s %q: the acceptance by %s ended on %s; accept it again or treat it", rk.ID, rk.Title, a.By, a.Until)})
		}
		switch due := r.reassessBy(&rk.Risk); {
		case due.IsZero():
			out = append(out, model.Finding{Severity: "minor", Rule: ruleNotReassessed, IDs: ids,
				Message: fmt.Sprintf("risk %s %q has never been assessed: give assessed: (8.2)", rk.ID, rk.Title)})
		case due.Before(r.asOf):
			out = append(out, model.Finding{Severity: "minor", Rule: ruleNotReassessed, IDs: ids,
				Message: fmt.Sprintf("risk %s %q was last assessed on %s: reassessment every %s was due on %s (8.2)", rk.ID, rk.Title, rk.Assessed, m.ReassessEvery, due)})
		}
		for _, c := range rk.Controls {
			cited[c.ID] = true
			if r.decision[c.ID] == "excluded" {
				ctl, _ := iso.Lookup(c.ID)
				out = append(out, model.Finding{Severity: "major", Rule: ruleControlExcluded, IDs: []string{rk.ID, c.ID, rk.Page.Doc.ID},
					Message: fmt.Sprintf("risk %s %q relies on control %s %s, which the Statement of Applicability excludes (6.1.3 b-d)", rk.ID, rk.Title, c.ID, ctl.Title)})
			}
		}
	}
	// Untraced controls are only told apart from traced ones once risks
	// are data: a site without a risks: list gets none of them.
	if len(in.Records["risk"]) > 0 {
		for _, u := range r.untraced {
			if cited[u.Control] {
				continue
			}
			ctl, _ := iso.Lookup(u.Control)
			out = append(out, model.Finding{Severity: "minor", Rule: ruleControlUntraced, IDs: []string{u.Control, u.Register},
				Message: fmt.Sprintf("control %s %s is applicable but no risk relies on it and its SoA entry gives no reasons: (%s) (6.1.3 d)", u.Control, ctl.Title, strings.Join(soa.Reasons, ", "))})
		}
	}
	return out
}
