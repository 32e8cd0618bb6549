package currency

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/isms-project/isms/generator/model"
)

// Finding rule ids. They are stable: CI scripts and auditors' notes refer
// to them, so a rule may be added but an id never renamed.
//
//	rule                  severity  fires when
//	--------------------  --------  --------------------------------------------------
//	shelf-ware            major     a register (type register) is overdue or was never
//	                                reviewed: it is not maintained
//	no-management-review  major     no minutes (type minutes) of a management review
//	                                (clause 9.3 or 9.3.x) are dated within the 12
//	                                months up to the as-of date
//	no-internal-audit     major     no record, minutes or evidence of an internal
//	                                audit (clause 9.2 or 9.2.x) is dated within the 12
//	                                months up to the as-of date
//	long-overdue          major     a document is overdue by more than its whole
//	                                review interval (a full cycle was skipped)
//	overdue               minor     a document is overdue (and not long-overdue)
//	never-reviewed        minor     an approved document has no reviewed date
//	stale-draft           minor     a draft is older than 90 days, counted from its
//	                                date, else approved, else reviewed, else the
//	                                latest row of its revision table; a draft with
//	                                none of these is not judged
//	policy-unapproved     minor     an approved policy lacks approved_by or approved
//
// Registers are judged by shelf-ware only, so one stale register gives one
// finding, not two. Retired documents are never judged. "Dated" means the
// front-matter date (when the meeting or audit happened); a date after the
// as-of date does not count.
const (
	RuleShelfWare          = "shelf-ware"
	RuleNoManagementReview = "no-management-review"
	RuleNoInternalAudit    = "no-internal-audit"
	RuleLongOverdue        = "long-overdue"
	RuleOverdue            = "overdue"
	RuleNeverReviewed      = "never-reviewed"
	RuleStaleDraft         = "stale-draft"
	RulePolicyUnapproved   = "policy-unapproved"
)

// Severities.
const (
	Major = "major"
	Minor = "minor"
)

// StaleDraftDays is how old a draft may be before it is a finding.
const StaleDraftDays = 90

// lookback is the window in which a management review and an internal
// audit must have happened (ISO/IEC 27001 expects both at planned
// intervals; a year is what auditors accept by default).
var lookback = model.Interval{N: 12, Unit: 'm'}

// Findings applies the rules to the documents as of asOf. info holds each
// non-retired document's currency by content path (as Of computes it).
// The result is sorted (see SortFindings).
func Findings(docs []*model.Document, info map[string]Info, asOf model.Date) []model.Finding {
	var out []model.Finding
	add := func(sev, rule string, ids []string, format string, args ...any) {
		out = append(out, model.Finding{Severity: sev, Rule: rule, IDs: ids, Message: fmt.Sprintf(format, args...)})
	}
	var lastMR, lastAudit *model.Document
	for _, d := range docs {
		in, ok := info[d.Path]
		if d.IsRetired() || !ok {
			continue
		}
		draft := d.Status == "draft"
		switch {
		case d.Type == "register" && (in.Status == Overdue || in.Status == NeverReviewed):
			if in.Status == Overdue {
				add(Major, RuleShelfWare, []string{d.ID}, "register %s (%s) was last reviewed on %s and is %s overdue (review every %s): an unmaintained register is shelf-ware",
					d.ID, d.Title, d.Reviewed, plural(in.DaysOverdue, "day"), in.Interval)
			} else {
				add(Major, RuleShelfWare, []string{d.ID}, "register %s (%s) has never been reviewed: an unmaintained register is shelf-ware", d.ID, d.Title)
			}
		case d.Type == "register":
		case in.LongOverdue(asOf):
			add(Major, RuleLongOverdue, []string{d.ID}, "%s (%s) was due for review on %s and is %s overdue, more than its whole review interval of %s",
				d.ID, d.Title, in.NextReview, plural(in.DaysOverdue, "day"), in.Interval)
		case in.Status == Overdue:
			add(Minor, RuleOverdue, []string{d.ID}, "%s (%s) was due for review on %s and is %s overdue",
				d.ID, d.Title, in.NextReview, plural(in.DaysOverdue, "day"))
		case in.Status == NeverReviewed && !draft:
			add(Minor, RuleNeverReviewed, []string{d.ID}, "%s (%s) is in force but has no reviewed date", d.ID, d.Title)
		}
		if draft {
			if since, what := draftSince(d); !since.IsZero() && days(since, asOf) > StaleDraftDays {
				add(Minor, RuleStaleDraft, []string{d.ID}, "%s (%s) has been a draft for %s (since its %s, %s): approve it or retire it",
					d.ID, d.Title, plural(days(since, asOf), "day"), what, since)
			}
		}
		if d.Type == "policy" && !draft && (d.ApprovedBy == "" || d.Approved.IsZero()) {
			var missing []string
			if d.ApprovedBy == "" {
				missing = append(missing, "approved_by")
			}
			if d.Approved.IsZero() {
				missing = append(missing, "approved")
			}
			add(Minor, RulePolicyUnapproved, []string{d.ID}, "policy %s (%s) is in force without a record of its approval: %s missing",
				d.ID, d.Title, strings.Join(missing, " and "))
		}
		if inWindow(d.Date, asOf) {
			if d.Type == "minutes" && hasClause(d, "9.3") && (lastMR == nil || d.Date.After(lastMR.Date)) {
				lastMR = d
			}
			if (d.Type == "record" || d.Type == "minutes" || d.Type == "evidence") && hasClause(d, "9.2") && (lastAudit == nil || d.Date.After(lastAudit.Date)) {
				lastAudit = d
			}
		}
	}
	if lastMR == nil {
		add(Major, RuleNoManagementReview, []string{}, "no management review minutes (type minutes, clause 9.3) are dated within the 12 months up to %s (since %s)", asOf, start(asOf))
	}
	if lastAudit == nil {
		add(Major, RuleNoInternalAudit, []string{}, "no internal audit record (a record, minutes or evidence with clause 9.2) is dated within the 12 months up to %s (since %s)", asOf, start(asOf))
	}
	SortFindings(out)
	return out
}

// start is the first day of the lookback window ending at asOf.
func start(asOf model.Date) model.Date {
	return minusMonths(asOf, lookback.N)
}

// minusMonths goes back n calendar months, clamping to the month's end
// (2026-03-31 − 1m = 2026-02-28), the mirror of Interval.AddTo.
func minusMonths(d model.Date, n int) model.Date {
	y, m, day := d.Time().Date()
	total := y*12 + int(m) - 1 - n
	ty, tm := total/12, time.Month(total%12+1)
	last := time.Date(ty, tm+1, 0, 0, 0, 0, 0, time.UTC).Day()
	return model.DateOf(ty, tm, min(day, last))
}

// inWindow reports whether date is within the 12 months up to asOf
// (both ends included).
func inWindow(date, asOf model.Date) bool {
	return !date.IsZero() && !date.After(asOf) && !date.Before(start(asOf))
}

// draftSince is the date a draft has existed since, and which field said so.
func draftSince(d *model.Document) (model.Date, string) {
	switch {
	case !d.Date.IsZero():
		return d.Date, "date"
	case !d.Approved.IsZero():
		return d.Approved, "approved date"
	case !d.Reviewed.IsZero():
		return d.Reviewed, "reviewed date"
	}
	var last model.Date
	for _, r := range d.History {
		if r.Date.After(last) {
			last = r.Date
		}
	}
	return last, "latest revision"
}

// hasClause reports whether the document cites clause c or a sub-clause of it.
func hasClause(d *model.Document, c string) bool {
	for _, x := range d.Clauses {
		if x == c || strings.HasPrefix(x, c+".") {
			return true
		}
	}
	return false
}

// SortFindings orders findings major first, then by rule, then by the ids
// concerned (in natural order, so control 5.9 comes before 5.10), then by
// message, so the list never depends on the order in
// which rules ran. Nil id lists become empty so JSON shows [] not null.
func SortFindings(fs []model.Finding) {
	for i := range fs {
		if fs[i].IDs == nil {
			fs[i].IDs = []string{}
		}
	}
	rank := func(s string) int {
		if s == Major {
			return 0
		}
		return 1
	}
	slices.SortStableFunc(fs, func(a, b model.Finding) int {
		return cmp.Or(
			cmp.Compare(rank(a.Severity), rank(b.Severity)),
			cmp.Compare(a.Rule, b.Rule),
			slices.CompareFunc(a.IDs, b.IDs, naturalCompare),
			cmp.Compare(a.Message, b.Message),
		)
	})
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// naturalCompare compares strings with runs of digits compared by value:
// "5.9" < "5.10", "A-2" < "A-10".
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			i, j := digits(a), digits(b)
			na, nb := strings.TrimLeft(a[:i], "0"), strings.TrimLeft(b[:j], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), cmp.Compare(na, nb)); c != 0 {
				return c
			}
			a, b = a[i:], b[j:]
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digits(s string) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}
