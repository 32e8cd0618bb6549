package currency

import (
	"cmp"
	"encoding/json"
	"slices"

	"github.com/isms-project/isms/generator/model"
)

// Report is the currency report: the shape of /currency.json and of
// `isms check --format json`, fixed by DESIGN.md.
type Report struct {
	AsOf      string          `json:"as_of"`
	Documents []Row           `json:"documents"`
	Findings  []model.Finding `json:"findings"`
	Summary   Summary         `json:"summary"`
}

// Row is one document in the report. Every key is always present;
// reviewed and next_review are null when the document was never reviewed.
type Row struct {
	ID          string          `json:"id"`
	Title       string          `json:"title"`
	Path        string          `json:"path"`
	Owner       string          `json:"owner"`
	Type        string          `json:"type"`
	Reviewed    OptDate         `json:"reviewed"`
	ReviewEvery string          `json:"review_every"`
	NextReview  OptDate         `json:"next_review"`
	Status      string          `json:"status"`
	DaysOverdue int             `json:"days_overdue"`
	DaysLeft    int             `json:"-"` // until next review; negative when overdue
	Doc         *model.Document `json:"-"`
}

// OptDate is a YYYY-MM-DD date that is null in JSON when empty.
type OptDate string

// MarshalJSON writes null for the empty date.
func (d OptDate) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(d))
}

// Summary counts documents per status.
type Summary struct {
	Current       int `json:"current"`
	DueSoon       int `json:"due-soon"`
	Overdue       int `json:"overdue"`
	NeverReviewed int `json:"never-reviewed"`
}

// Of returns the count for a status.
func (s Summary) Of(status string) int {
	switch status {
	case Current:
		return s.Current
	case DueSoon:
		return s.DueSoon
	case Overdue:
		return s.Overdue
	case NeverReviewed:
		return s.NeverReviewed
	}
	return 0
}

// Total is the number of documents counted.
func (s Summary) Total() int { return s.Current + s.DueSoon + s.Overdue + s.NeverReviewed }

// NewReport assembles the report. docs are in the order rows should
// appear (the site's path order); documents without an entry in info
// (retired ones) are left out. findings are copied and sorted.
func NewReport(asOf model.Date, docs []*model.Document, info map[string]Info, findings []model.Finding) *Report {
	r := &Report{AsOf: asOf.String(), Documents: []Row{}, Findings: slices.Clone(findings)}
	if r.Findings == nil {
		r.Findings = []model.Finding{}
	}
	SortFindings(r.Findings)
	for _, d := range docs {
		in, ok := info[d.Path]
		if !ok {
			continue
		}
		r.Documents = append(r.Documents, Row{
			ID: d.ID, Title: d.Title, Path: d.Path, Owner: d.Owner, Type: d.Type,
			Reviewed: OptDate(d.Reviewed.String()), ReviewEvery: in.Interval.String(),
			NextReview: OptDate(in.NextReview.String()), Status: in.Status,
			DaysOverdue: in.DaysOverdue, DaysLeft: in.DaysLeft, Doc: d,
		})
		switch in.Status {
		case Current:
			r.Summary.Current++
		case DueSoon:
			r.Summary.DueSoon++
		case Overdue:
			r.Summary.Overdue++
		case NeverReviewed:
			r.Summary.NeverReviewed++
		}
	}
	return r
}

// urgency ranks statuses for "what needs attention first".
func urgency(status string) int {
	switch status {
	case Overdue:
		return 0
	case NeverReviewed:
		return 1
	case DueSoon:
		return 2
	}
	return 3
}

// ByUrgency returns the rows most urgent first: overdue (longest first),
// never reviewed, due soon (soonest first), current (soonest first).
func (r *Report) ByUrgency() []Row {
	rows := slices.Clone(r.Documents)
	slices.SortStableFunc(rows, CompareUrgency)
	return rows
}

// CompareUrgency orders two rows as ByUrgency does.
func CompareUrgency(a, b Row) int {
	return cmp.Or(
		cmp.Compare(urgency(a.Status), urgency(b.Status)),
		cmp.Compare(a.DaysLeft, b.DaysLeft),
		cmp.Compare(a.ID, b.ID),
	)
}

// Counts returns how many findings have each severity.
func (r *Report) Counts() (major, minor int) {
	for _, f := range r.Findings {
		if f.Severity == Major {
			major++
		} else {
			minor++
		}
	}
	return major, minor
}
