// Package currency computes, as of a given calendar date, whether each
// document's review is current, due soon, overdue or has never happened;
// the ISMS health findings that follow from those facts; and the outputs
// built from them: the currency.json report, the timeline chart (SVG) and
// the iCalendar feed of review dates.
//
// The date is always passed in; nothing here reads the clock. All
// arithmetic is on calendar dates (model.Date), so there are no time-zone
// or daylight-saving surprises: 2025-01-31 + 1m is 2025-02-28.
//
// A document is due soon from due_soon before its next review up to and
// including the next review date itself, and overdue from the day after.
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
	Future      bool       // reviewed is later than the as-of date
}

// Of computes a document's currency as of asOf. A document is overdue from
// the day after its next review date; on that date itself it is due soon.
// A review dated after asOf is taken at its word (the status follows from
// it) and flagged in Future, so the caller can warn.
func Of(d *model.Document, cfg model.Config, asOf model.Date) Info {
	in := Info{Interval: cfg.ReviewInterval(d), Applies: !d.IsRetired()}
	if d.Reviewed.IsZero() {
		in.Status = NeverReviewed
		return in
	}
	in.Future = d.Reviewed.After(asOf)
	in.NextReview = in.Interval.AddTo(d.Reviewed)
	if !d.NextReview.IsZero() {
		in.NextReview = d.NextReview // an explicit date wins
	}
	in.DaysLeft = days(asOf, in.NextReview)
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

// LongOverdue reports whether the document has been overdue for longer
// than a whole review interval: a full review cycle was skipped.
func (in Info) LongOverdue(asOf model.Date) bool {
	return in.Status == Overdue && asOf.After(in.Interval.AddTo(in.NextReview))
}

// days counts calendar days from a to b through day numbers rather than
// time.Duration, which saturates after 292 years (intervals may be long).
func days(a, b model.Date) int {
	return int(dayNumber(b) - dayNumber(a))
}

func dayNumber(d model.Date) int64 {
	return d.Time().Unix() / 86400 // dates are UTC midnights
}
