// Package review is the management-review report (ISO/IEC 27001 9.3):
// the input pack for the next review, computed from the records since
// the latest review's minutes, one section per 9.3.2 input a–g; the
// covers: list of minutes and the rule that the latest minutes cover
// every input; /management-review/.
package review

import (
	"cmp"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
)

// ruleInputMissing: the latest management-review minutes that say what
// they covered (covers:) leave out inputs of 9.3.2.
const ruleInputMissing = "mr-input-missing" // minor: 9.3.2 a–g must all be considered

// Report is the management-review report. New makes one per build.
type Report struct {
	in      *report.Input
	minutes []*link.Page // every live document with clause 9.3, newest first
}

// New returns the report.
func New() *Report { return &Report{} }

// isReview reports whether a document is management-review minutes: it
// has clause 9.3 or one of its subclauses.
func isReview(d *model.Document) bool {
	for _, c := range d.Clauses {
		if c == "9.3" || strings.HasPrefix(c, "9.3.") {
			return true
		}
	}
	return false
}

// heldOn is when a review was held: the minutes' date, else their
// approval date.
func heldOn(d *model.Document) model.Date {
	if !d.Date.IsZero() {
		return d.Date
	}
	return d.Approved
}

// covers is a document's covers: list, if it has one.
func covers(d *model.Document) (Covers, bool) {
	c, ok := d.Sections["covers"].(Covers)
	return c, ok
}

// feedback reports whether a document is marked as interested-party
// feedback.
func feedback(d *model.Document) bool {
	f, _ := d.Sections["feedback"].(Feedback)
	return f.On
}

// Analyze finds the management reviews held (minutes with clause 9.3,
// by date), checks that covers: is only on minutes, and applies
// mr-input-missing to the latest minutes that carry covers:.
func (r *Report) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	r.in = in
	var diags diag.List
	r.minutes = nil
	for _, p := range in.Site.Pages {
		d := p.Doc
		if _, ok := covers(d); ok && !isReview(d) {
			diags.Errorf(d.At("covers"), "covers-not-minutes",
				"covers: lists the 9.3.2 inputs a management review discussed, but %s has no clause 9.3: add clause 9.3 or remove covers", d.ID)
		}
		if d.IsRetired() || !isReview(d) || heldOn(d).IsZero() || heldOn(d).After(in.AsOf) {
			continue
		}
		r.minutes = append(r.minutes, p)
	}
	slices.SortStableFunc(r.minutes, func(a, b *link.Page) int {
		return cmp.Or(-cmp.Compare(heldOn(a.Doc).String(), heldOn(b.Doc).String()), cmp.Compare(a.Doc.ID, b.Doc.ID))
	})
	return inputFindings(r.minutes), diags
}

// inputFindings is mr-input-missing for the latest minutes, when they say
// what they covered.
func inputFindings(minutes []*link.Page) []model.Finding {
	if len(minutes) == 0 {
		return nil
	}
	d := minutes[0].Doc
	c, ok := covers(d)
	if !ok {
		return nil
	}
	missing := Missing(c.Letters)
	if len(missing) == 0 {
		return nil
	}
	var names []string
	for _, l := range missing {
		names = append(names, l+" ("+strings.ToLower(short[l])+")")
	}
	return []model.Finding{{Severity: "minor", Rule: ruleInputMissing, IDs: []string{d.ID},
		Message: "the latest management review, " + d.ID + " of " + heldOn(d).String() + ", does not cover 9.3.2 " + strings.Join(names, ", ")}}
}

// Missing are the letters of 9.3.2 not in covered, in order.
func Missing(covered []string) []string {
	var out []string
	for _, l := range Letters {
		if !slices.Contains(covered, l) {
			out = append(out, l)
		}
	}
	return out
}

// short names each input in a few words, for messages and headings.
var short = map[string]string{
	"a": "Actions from previous reviews",
	"b": "External and internal issues",
	"c": "Interested parties' needs",
	"d": "Performance",
	"e": "Interested-party feedback",
	"f": "Risk assessment and treatment",
	"g": "Opportunities for improvement",
}
