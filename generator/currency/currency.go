// Package currency computes, as of a given calendar date, whether each
// document's review is current, due soon, overdue or has never happened.
// The date is always passed in; nothing here reads the clock.
package currency

import "github.com/isms-project/isms/generator/model"

// Statuses in report order.
const (
	Current       = "current"
	DueSoon       = "due-soon"
	Overdue       = "overdue"
	NeverReviewed = "never-reviewed"
)

// Statuses lists the four statuses in report order.
var Statuses = []string{Current, DueSoon, Overdue, NeverReviewed}

// Info is one document's currency.
type Info struct {
	Status      string
	Interval    model.Interval
	NextReview  model.Date // zero when never reviewed
	DaysOverdue int        // > 0 only when overdue
	DaysLeft    int        // days until next review (negative when overdue)
	Applies     bool       // false for retired documents
}

// Of computes a document's currency as of asOf. A document is overdue from
// the day after its next review date; on that date itself it is due soon.
func Of(d *model.Document, cfg model.Config, asOf model.Date) Info {
	in := Info{Interval: cfg.ReviewInterval(d), Applies: !d.IsRetired()}
	if d.Reviewed.IsZero() {
		in.Status = NeverReviewed
		return in
	}
	in.NextReview = in.Interval.AddTo(d.Reviewed)
	in.DaysLeft = asOf.DaysUntil(in.NextReview)
	switch {
	case in.DaysLeft < 0:
		in.Status = Overdue
		in.DaysOverdue = -in.DaysLeft
	case !cfg.DueSoon.AddTo(asOf).Before(in.NextReview):
		in.Status = DueSoon
	default:
		in.Status = Current
	}
	return in
}
