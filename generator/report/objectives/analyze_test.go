package objectives

import (
	"strconv"
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

// obj is an objective with target op value, due (or ""), measured every
// 3 months, with measurements "date=value" in order.
func obj(op string, value float64, due string, ms ...string) *Objective {
	o := &Objective{ID: "OBJ-1", Title: "T", Target: Target{Op: op, Value: value, Unit: "%"}, Every: model.Interval{N: 3, Unit: 'm'}}
	if due != "" {
		o.Due = date(due)
	}
	for _, m := range ms {
		d, v, _ := strings.Cut(m, "=")
		x, err := strconv.ParseFloat(v, 64)
		if err != nil {
			panic(err)
		}
		o.Measurements = append(o.Measurements, Measurement{Date: date(d), Value: x})
	}
	return o
}

// Each objective rule and state on the day its condition begins, the day
// before and the day after (as of 2026-11-27).
func TestObjectiveRules(t *testing.T) {
	asOf := date("2026-11-27")
	for _, tc := range []struct {
		name  string
		o     *Objective
		state string
		want  string
	}{
		{"never measured", obj("<=", 5, "2027-03-31"), StateUnmeasured, "minor objective-unmeasured"},
		{"measured 3m before as-of to the day is current", obj("<=", 5, "2027-03-31", "2026-08-27=4"), StateMet, ""},
		{"measured 3m and a day before as-of is stale", obj("<=", 5, "2027-03-31", "2026-08-26=4"), StateUnmeasured, "minor objective-unmeasured"},
		{"measured 3m less a day before as-of is current", obj("<=", 5, "2027-03-31", "2026-08-28=4"), StateMet, ""},
		{"without measure_every an old measurement is not stale", func() *Objective {
			o := obj("<=", 5, "2027-03-31", "2025-01-01=4")
			o.Every = model.Interval{}
			return o
		}(), StateMet, ""},
		{"a measurement after as-of is not seen", obj("<=", 5, "2027-03-31", "2026-11-01=4", "2026-11-28=9"), StateMet, ""},
		{"meets at the boundary of <=", obj("<=", 5, "2027-03-31", "2026-11-01=5"), StateMet, ""},
		{"misses at the boundary of <", obj("<", 5, "2027-03-31", "2026-11-01=5"), StateOffTrack, "minor objective-off-track"},
		{"meets at the boundary of >=", obj(">=", 95, "2027-03-31", "2026-11-01=95"), StateMet, ""},
		{"misses at the boundary of >", obj(">", 95, "2027-03-31", "2026-11-01=95"), StateOffTrack, "minor objective-off-track"},
		{"= meets exactly", obj("=", 100, "2027-03-31", "2026-11-01=100"), StateMet, ""},
		{"misses, due tomorrow: off track", obj(">=", 95, "2026-11-28", "2026-10-31=93"), StateOffTrack, "minor objective-off-track"},
		{"misses, due today: off track, not yet missed", obj(">=", 95, "2026-11-27", "2026-10-31=93"), StateOffTrack, "minor objective-off-track"},
		{"misses, due yesterday: missed", obj(">=", 95, "2026-11-26", "2026-10-31=93"), StateMissed, "major objective-missed"},
		{"met after due is met", obj(">=", 95, "2026-09-30", "2026-10-31=96"), StateMet, ""},
		{"missed and stale: both", obj(">=", 95, "2026-06-30", "2026-06-01=90"), StateMissed, "minor objective-unmeasured; major objective-missed"},
		{"met, due passed, stale: met, and the rule still asks for measurements", obj(">=", 95, "2026-06-30", "2026-06-01=99"), StateMet, "minor objective-unmeasured"},
		{"met, due ahead, stale: unmeasured", obj(">=", 95, "2027-06-30", "2026-06-01=99"), StateUnmeasured, "minor objective-unmeasured"},
		{"misses but its rate reaches the target by due: on track", obj("<", 5, "2026-12-31", "2026-06-15=6.1", "2026-09-15=5.5"), StateOnTrack, "minor objective-off-track"},
		{"misses and its rate falls short: off track", obj("<", 5, "2027-03-31", "2026-06-15=6.1", "2026-09-15=5.9"), StateOffTrack, "minor objective-off-track"},
		{"misses and moves away: off track", obj("<", 5, "2027-03-31", "2026-06-15=5.5", "2026-09-15=6.1"), StateOffTrack, "minor objective-off-track"},
		{"misses, improving, no due: on track", obj("<", 5, "", "2026-06-15=6.1", "2026-09-15=5.9"), StateOnTrack, "minor objective-off-track"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.o.StateAt(asOf); got != tc.state {
				t.Errorf("state = %q, want %q", got, tc.state)
			}
			if got := rules(findings(tc.o, "PLN-1", asOf)); got != tc.want {
				t.Errorf("findings = %q, want %q", got, tc.want)
			}
		})
	}
}

// The findings name the objective, the value, the target and the dates.
func TestFindingMessages(t *testing.T) {
	asOf := date("2026-11-27")
	for _, tc := range []struct {
		o    *Objective
		want string
	}{
		{obj(">=", 95, "2026-10-31", "2026-10-31=93"), "OBJ-1 was due on 2026-10-31: its latest measurement, 93 % on 2026-10-31 misses the target ≥ 95 %"},
		{obj("<", 5, "2026-12-31", "2026-06-15=6.1", "2026-09-15=5.5"), "OBJ-1's latest measurement, 5.5 % on 2026-09-15 misses the target < 5 % (at its current rate it reaches the target by 2026-12-31)"},
		{obj("<", 5, "2027-03-31", "2026-08-20=4"), "OBJ-1 was last measured on 2026-08-20; measure_every 3m asked for a measurement by 2026-11-20"},
		{obj("<", 5, "2027-03-31"), "OBJ-1 has never been measured"},
	} {
		fs := findings(tc.o, "PLN-1", asOf)
		if len(fs) == 0 || fs[0].Message != tc.want || strings.Join(fs[0].IDs, ",") != "OBJ-1,PLN-1" {
			t.Errorf("findings = %+v, want message %q", fs, tc.want)
		}
	}
}
