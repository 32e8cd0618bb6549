// Package objectives is the register of information security objectives
// (ISO/IEC 27001 6.2) and their measurements (9.1), written as
// objectives: entries in any document's front-matter. It checks the
// evidence each measurement cites, applies the objective rules of DESIGN
// part 2 (unmeasured, off track, missed) and publishes /objectives/ with
// a trend chart per objective.
package objectives

import (
	"fmt"
	"math"
	"strconv"

	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// Rule ids, stable (DESIGN part 2).
const (
	ruleUnmeasured = "objective-unmeasured" // minor
	ruleOffTrack   = "objective-off-track"  // minor
	ruleMissed     = "objective-missed"     // major
)

// The states of an objective, one each.
const (
	StateMet        = "met"        // the latest measurement meets the target, due passed or not
	StateOnTrack    = "on-track"   // it misses, but the last two measurements' rate reaches the target by due
	StateOffTrack   = "off-track"  // it misses, due not passed, not on course to reach it
	StateMissed     = "missed"     // due passed and the latest misses
	StateUnmeasured = "unmeasured" // never measured, or (due ahead) no measurement within measure_every before as-of
)

// Latest is the newest measurement on or before asOf (any, when asOf is
// zero).
func (o *Objective) Latest(asOf model.Date) (Measurement, bool) {
	for i := len(o.Measurements) - 1; i >= 0; i-- {
		if m := o.Measurements[i]; asOf.IsZero() || !asOf.Before(m.Date) {
			return m, true
		}
	}
	return Measurement{}, false
}

// previous is the measurement before the latest on or before asOf.
func (o *Objective) previous(asOf model.Date) (Measurement, bool) {
	n := 0
	for i := len(o.Measurements) - 1; i >= 0; i-- {
		if m := o.Measurements[i]; !asOf.Before(m.Date) {
			if n++; n == 2 {
				return m, true
			}
		}
	}
	return Measurement{}, false
}

// Stale reports whether no measurement was made within measure_every
// before asOf (on the day measure_every after the latest it is still
// current); without measure_every, only never measured is stale.
func (o *Objective) Stale(asOf model.Date) bool {
	m, ok := o.Latest(asOf)
	if !ok {
		return true
	}
	return !o.Every.IsZero() && o.Every.AddTo(m.Date).Before(asOf)
}

// Overdue reports whether due has passed (the due day itself is not).
func (o *Objective) Overdue(asOf model.Date) bool { return !o.Due.IsZero() && o.Due.Before(asOf) }

// StateAt is the objective's state as of asOf. Once due has passed the
// latest measurement decides it, met or missed, however long ago it was
// made; before that a stale one is unmeasured even if its last result
// met the target (nobody knows it still does).
func (o *Objective) StateAt(asOf model.Date) string {
	m, ok := o.Latest(asOf)
	switch {
	case !ok:
		return StateUnmeasured
	case o.Overdue(asOf) && o.Target.Meets(m.Value):
		return StateMet
	case o.Overdue(asOf):
		return StateMissed
	case o.Stale(asOf):
		return StateUnmeasured
	case o.Target.Meets(m.Value):
		return StateMet
	case o.onCourse(asOf, m):
		return StateOnTrack
	}
	return StateOffTrack
}

// onCourse reports whether the rate between the last two measurements,
// continued to due, reaches the target (without a due: whether it moves
// towards it at all).
func (o *Objective) onCourse(asOf model.Date, latest Measurement) bool {
	prev, ok := o.previous(asOf)
	if !ok {
		return false
	}
	gap := math.Abs(latest.Value-o.Target.Value) < math.Abs(prev.Value-o.Target.Value)
	if !gap || o.Due.IsZero() {
		return gap
	}
	days := prev.Date.DaysUntil(latest.Date)
	if days <= 0 {
		return false
	}
	rate := (latest.Value - prev.Value) / float64(days)
	return o.Target.Meets(latest.Value + rate*float64(latest.Date.DaysUntil(o.Due)))
}

// item is an objective and the document it is written in.
type item struct {
	O    *Objective
	Page *link.Page
}

// Report is the objectives register. New makes one per build.
type Report struct {
	in         *report.Input
	objectives []item            // every live document's, in path then file order
	byPage     map[string][]item // by content path (Annotator)
}

// New returns the objectives report.
func New() *Report { return &Report{} }

// States are every objective's state as of in.AsOf, by id: what the
// record index cannot hold (it is built before the as-of is applied).
func States(in *report.Input) map[string]string {
	out := map[string]string{}
	for _, p := range in.Site.Pages {
		if p.Doc.IsRetired() {
			continue
		}
		os := DocObjectives(p.Doc)
		for i := range os {
			out[os[i].ID] = os[i].StateAt(in.AsOf)
		}
	}
	return out
}

// Analyze checks the evidence each measurement cites and applies the
// objective rules.
func (r *Report) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	r.in, r.byPage = in, map[string][]item{}
	var diags diag.List
	var out []model.Finding
	for _, p := range in.Site.Pages {
		if p.Doc.IsRetired() {
			continue
		}
		os := DocObjectives(p.Doc)
		for i := range os {
			o := &os[i]
			for _, m := range o.Measurements {
				ev := m.Evidence
				if ev.ID == "" {
					continue
				}
				if _, ok := in.Site.ByID[ev.ID]; ok || in.Site.Withheld(ev.ID) {
					continue
				}
				if c := diag.Closest(ev.ID, in.Site.IDs()); c != "" {
					diags.Errorf(ev.Pos, "unknown-id", "no document has id %q (evidence of %s on %s): did you mean %q?", ev.ID, o.ID, m.Date, c)
				} else {
					diags.Errorf(ev.Pos, "unknown-id", "no document has id %q (evidence of %s on %s)", ev.ID, o.ID, m.Date)
				}
			}
			it := item{o, p}
			r.objectives = append(r.objectives, it)
			r.byPage[p.Doc.Path] = append(r.byPage[p.Doc.Path], it)
			out = append(out, findings(o, p.Doc.ID, in.AsOf)...)
		}
	}
	return out, diags
}

// findings applies the rules. A missed objective is not also reported
// off track: the major finding says it.
func findings(o *Objective, doc string, asOf model.Date) []model.Finding {
	ids := []string{o.ID, doc}
	var out []model.Finding
	m, measured := o.Latest(asOf)
	if o.Stale(asOf) {
		msg := o.ID + " has never been measured"
		if measured {
			msg = fmt.Sprintf("%s was last measured on %s; measure_every %s asked for a measurement by %s", o.ID, m.Date, o.Every, o.Every.AddTo(m.Date))
		}
		out = append(out, model.Finding{Severity: "minor", Rule: ruleUnmeasured, IDs: ids, Message: msg})
	}
	if !measured || o.Target.Meets(m.Value) {
		return out
	}
	got := fmt.Sprintf("%s on %s misses the target %s", Number(m.Value, o.Target.Unit), m.Date, o.Target.String())
	if o.Overdue(asOf) {
		out = append(out, model.Finding{Severity: "major", Rule: ruleMissed, IDs: ids,
			Message: fmt.Sprintf("%s was due on %s: its latest measurement, %s", o.ID, o.Due, got)})
	} else {
		msg := fmt.Sprintf("%s's latest measurement, %s", o.ID, got)
		if o.onCourse(asOf, m) {
			msg += " (at its current rate it reaches the target by " + o.Due.String() + ")"
		}
		out = append(out, model.Finding{Severity: "minor", Rule: ruleOffTrack, IDs: ids, Message: msg})
	}
	return out
}

// String writes the target as "≤ 5 %".
func (t Target) String() string {
	sym := map[string]string{"<=": "≤", ">=": "≥", "<": "<", ">": ">", "=": "="}[t.Op]
	return sym + " " + Number(t.Value, t.Unit)
}

// Number writes a value and its unit: 4.8 %, 12 days.
func Number(x float64, unit string) string {
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if a := math.Abs(x); a >= 1e15 || a != 0 && a < 1e-6 {
		s = strconv.FormatFloat(x, 'g', -1, 64)
	}
	if unit == "" {
		return s
	}
	return s + " " + unit
}

// Events are the due dates of objectives, for /reviews.ics.
func (r *Report) Events() []currency.Event {
	var out []currency.Event
	for _, it := range r.objectives {
		o := it.O
		if !o.Due.IsZero() {
			out = append(out, currency.Event{UID: "objective-" + o.ID, Date: o.Due,
				Summary: "Objective " + o.ID + " due: " + o.Title, Description: "Target " + o.Target.String() + ". Owner: " + o.Owner, URL: "objectives/#" + o.ID})
		}
	}
	return out
}

// Tiles count objectives off track or missed on the home page, for a
// site that has any objectives.
func (r *Report) Tiles() []view.Tile {
	if len(r.objectives) == 0 {
		return nil
	}
	n := 0
	for _, it := range r.objectives {
		if s := it.O.StateAt(r.in.AsOf); s == StateOffTrack || s == StateMissed {
			n++
		}
	}
	class := "ok"
	if n > 0 {
		class = "bad"
	}
	return []view.Tile{{Label: "objectives off track or missed", Class: class, URL: "objectives/#attention", Value: n, Phase: "check"}}
}
