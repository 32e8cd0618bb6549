package currency

import (
	"testing"

	"github.com/isms-project/isms/generator/model"
)

func date(t testing.TB, s string) model.Date {
	t.Helper()
	d, err := model.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func iv(t testing.TB, s string) model.Interval {
	t.Helper()
	i, err := model.ParseInterval(s)
	if err != nil {
		t.Fatal(err)
	}
	return i
}

// Interval.AddTo lives in model; currency depends on its calendar
// behaviour, so the cases that matter for next_review are pinned here.
func TestNextReviewArithmetic(t *testing.T) {
	for _, c := range []struct{ from, every, want string }{
		{"2025-01-31", "1m", "2025-02-28"}, // month end clamps
		{"2024-01-31", "1m", "2024-02-29"}, // leap February
		{"2025-03-31", "1m", "2025-04-30"},
		{"2025-01-30", "1m", "2025-02-28"},
		{"2025-01-28", "1m", "2025-02-28"},
		{"2024-02-29", "1y", "2025-02-28"}, // leap day, plain year
		{"2024-02-29", "4y", "2028-02-29"}, // leap day to leap day
		{"2024-02-29", "12m", "2025-02-28"},
		{"2025-08-31", "6m", "2026-02-28"},
		{"2025-11-15", "3m", "2026-02-15"}, // across the year end
		{"2025-12-31", "1m", "2026-01-31"},
		{"2025-12-31", "2m", "2026-02-28"},
		{"2025-10-01", "24m", "2027-10-01"},
		{"2025-02-28", "1d", "2025-03-01"},
		{"2024-02-28", "1d", "2024-02-29"},
		{"2024-12-31", "1d", "2025-01-01"},
		{"2025-03-29", "1w", "2025-04-05"}, // across a DST change in Europe: still 7 days
		{"2025-10-20", "2w", "2025-11-03"},
		{"2025-01-01", "365d", "2026-01-01"},
		{"2024-01-01", "365d", "2024-12-31"}, // leap year has 366 days
		{"2025-06-15", "1y", "2026-06-15"},
	} {
		got := iv(t, c.every).AddTo(date(t, c.from)).String()
		if got != c.want {
			t.Errorf("%s + %s = %s, want %s", c.from, c.every, got, c.want)
		}
	}
}

func TestStatusBoundaries(t *testing.T) {
	cfg := model.DefaultConfig() // 12m, due soon 30d
	reviewed := "2025-10-01"     // next review 2026-10-01; due soon from 2026-09-01
	for _, c := range []struct {
		asOf, status string
		overdue      int
	}{
		{"2026-08-31", Current, 0},
		{"2026-09-01", DueSoon, 0}, // exactly due_soon before
		{"2026-09-02", DueSoon, 0},
		{"2026-09-30", DueSoon, 0}, // the day before
		{"2026-10-01", DueSoon, 0}, // exactly on next_review: still due, not late
		{"2026-10-02", Overdue, 1}, // the day after
		{"2026-11-27", Overdue, 57},
	} {
		d := &model.Document{ID: "X", Reviewed: date(t, reviewed)}
		in := Of(d, cfg, date(t, c.asOf))
		if in.Status != c.status || in.DaysOverdue != c.overdue || in.NextReview.String() != "2026-10-01" {
			t.Errorf("as of %s: got %s (%d days overdue, next %s), want %s (%d)", c.asOf, in.Status, in.DaysOverdue, in.NextReview, c.status, c.overdue)
		}
	}
}

func TestIntervalPrecedence(t *testing.T) {
	cfg := model.DefaultConfig()
	cfg.TypeReview = map[string]model.Interval{"register": iv(t, "3m")}
	asOf := date(t, "2026-01-01")
	reg := &model.Document{Type: "register", Reviewed: date(t, "2025-11-30")}
	if in := Of(reg, cfg, asOf); in.Interval.String() != "3m" || in.NextReview.String() != "2026-02-28" {
		t.Errorf("type default: got %s next %s", in.Interval, in.NextReview)
	}
	reg.ReviewEvery = iv(t, "1m")
	reg.Reviewed = date(t, "2025-12-15")
	if in := Of(reg, cfg, asOf); in.Interval.String() != "1m" || in.Status != DueSoon {
		t.Errorf("own interval: got %s %s", in.Interval, in.Status)
	}
	pol := &model.Document{Type: "policy", Reviewed: date(t, "2025-11-30")}
	if in := Of(pol, cfg, asOf); in.Interval.String() != "12m" || in.Status != Current {
		t.Errorf("site default: got %s %s", in.Interval, in.Status)
	}
}

func TestNeverReviewedAndFuture(t *testing.T) {
	cfg := model.DefaultConfig()
	asOf := date(t, "2026-11-27")
	if in := Of(&model.Document{}, cfg, asOf); in.Status != NeverReviewed || !in.NextReview.IsZero() {
		t.Errorf("never reviewed: %+v", in)
	}
	in := Of(&model.Document{Reviewed: date(t, "2026-12-01")}, cfg, asOf)
	if !in.Future || in.Status != Current {
		t.Errorf("future review: %+v", in)
	}
	if in := Of(&model.Document{Reviewed: asOf}, cfg, asOf); in.Future {
		t.Errorf("a review on the as-of date is not in the future")
	}
	if in := Of(&model.Document{Status: "retired", Reviewed: asOf}, cfg, asOf); in.Applies {
		t.Errorf("retired documents do not apply")
	}
}

func TestLongIntervalsDoNotOverflow(t *testing.T) {
	cfg := model.DefaultConfig()
	d := &model.Document{Reviewed: date(t, "2000-01-01"), ReviewEvery: iv(t, "1000y")}
	in := Of(d, cfg, date(t, "2026-11-27"))
	if in.Status != Current || in.NextReview.String() != "3000-01-01" || in.DaysLeft < 355000 {
		t.Errorf("1000y: %+v", in)
	}
}

func TestLongOverdue(t *testing.T) {
	cfg := model.DefaultConfig()
	d := &model.Document{Reviewed: date(t, "2024-10-03")} // next 2025-10-03, a cycle later 2026-10-03
	for _, c := range []struct {
		asOf string
		long bool
	}{{"2026-10-03", false}, {"2026-10-04", true}, {"2025-10-04", false}} {
		a := date(t, c.asOf)
		if got := Of(d, cfg, a).LongOverdue(a); got != c.long {
			t.Errorf("as of %s: long overdue %v, want %v", c.asOf, got, c.long)
		}
	}
}
