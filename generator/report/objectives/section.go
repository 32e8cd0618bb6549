package objectives

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/model"
)

// Ops are the comparisons a target may use.
var Ops = []string{"<=", ">=", "<", ">", "="}

// Ref is an id written in an entry and where it was written.
type Ref struct {
	ID  string
	Pos diag.Pos
}

// Target is what an objective's measurements are compared with.
type Target struct {
	Op    string
	Value float64
	Unit  string
}

// Meets reports whether x meets the target.
func (t Target) Meets(x float64) bool {
	switch t.Op {
	case "<=":
		return x <= t.Value
	case ">=":
		return x >= t.Value
	case "<":
		return x < t.Value
	case ">":
		return x > t.Value
	case "=":
		return math.Abs(x-t.Value) <= 1e-9*max(1, math.Abs(t.Value))
	}
	return false
}

// Measurement is one retained result (9.1): when, what, and the
// document that holds the evidence.
type Measurement struct {
	Date     model.Date
	Value    float64
	Evidence Ref
}

// Objective is one objectives: entry (6.2).
type Objective struct {
	ID, Title, Owner string
	Target           Target
	Due              model.Date
	Every            model.Interval // measure_every
	Measurements     []Measurement  // in date order
	Controls         []Ref
	Pos              diag.Pos
}

var (
	objectiveKeys   = []string{"id", "title", "owner", "target", "due", "measure_every", "measurements", "controls"}
	targetKeys      = []string{"op", "value", "unit"}
	measurementKeys = []string{"date", "value", "evidence"}
)

// Sections gives the objectives report the front-matter key objectives:,
// each entry a record of kind "objective".
func (*Report) Sections() []model.Section {
	return []model.Section{{Key: "objectives", Decode: decode, Records: records,
		RecordsAsOf: func(decoded any, asOf model.Date) []model.Record { return recordsAt(decoded, asOf) }}}
}

// DocObjectives are a document's decoded objectives.
func DocObjectives(d *model.Document) []Objective {
	os, _ := d.Sections["objectives"].([]Objective)
	return os
}

// records declares each objective. Its Status is the state as of its own
// latest measurement (a record is indexed before the build's as-of is
// applied): unmeasured, met, on-track or off-track; StateAt gives the
// state as of a date, missed included.
func records(decoded any) []model.Record { return recordsAt(decoded, model.Date{}) }

// recordsAt declares each objective with its state as of asOf (the
// build's date: missed included), or, with no date, as of its own latest
// measurement.
func recordsAt(decoded any, asOf model.Date) []model.Record {
	os, _ := decoded.([]Objective)
	out := make([]model.Record, 0, len(os))
	for i := range os {
		o := &os[i]
		var refs map[string][]string
		if len(o.Controls) > 0 {
			refs = map[string][]string{"control": nil}
			for _, c := range o.Controls {
				refs["control"] = append(refs["control"], c.ID)
			}
		}
		st := StateUnmeasured
		if !asOf.IsZero() {
			st = o.StateAt(asOf)
		} else if m, ok := o.Latest(model.Date{}); ok {
			st = o.StateAt(m.Date)
		}
		out = append(out, model.Record{Kind: "objective", ID: o.ID, Title: o.Title, Status: st, Pos: o.Pos, Refs: refs})
	}
	return out
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// decode reads objectives: entries, each error located at its value.
func decode(v model.Values, n *yaml.Node) any {
	var out []Objective
	for _, e := range v.List(n, "objectives") {
		f := v.Fields(e, "objectives", objectiveKeys)
		if f == nil {
			continue
		}
		if !required(v, e, f, "objectives", "id", "title", "target") {
			continue
		}
		o := Objective{ID: v.Str(f["id"]), Pos: v.Pos(f["id"]), Title: v.Str(f["title"])}
		if o.ID != "" && !idPattern.MatchString(o.ID) {
			v.Errorf(f["id"], "bad-id", "id %q may hold only letters, digits, '.', '_' and '-'", o.ID)
		}
		if x, ok := f["owner"]; ok {
			o.Owner = v.Str(x)
		}
		if x, ok := f["due"]; ok {
			o.Due = v.Date(x)
		}
		if x, ok := f["measure_every"]; ok {
			o.Every = v.Interval(x)
		}
		if x, ok := f["controls"]; ok {
			o.Controls = controls(v, x)
		}
		t, ok := decodeTarget(v, f["target"])
		if !ok {
			continue
		}
		o.Target = t
		if x, ok := f["measurements"]; ok {
			o.Measurements = decodeMeasurements(v, x, o.ID)
		}
		out = append(out, o)
	}
	return out
}

func decodeTarget(v model.Values, n *yaml.Node) (Target, bool) {
	f := v.Fields(n, "target", targetKeys)
	if f == nil || !required(v, n, f, "target", "op", "value") {
		return Target{}, false
	}
	t := Target{Op: v.Enum(f["op"], "op", Ops)}
	val, ok := number(v, f["value"], "target value")
	t.Value = val
	if x, given := f["unit"]; given {
		t.Unit = v.Str(x)
	}
	return t, ok && t.Op != ""
}

func decodeMeasurements(v model.Values, n *yaml.Node, id string) []Measurement {
	var out []Measurement
	var prev *yaml.Node
	for _, e := range v.List(n, "measurements") {
		f := v.Fields(e, "measurements", measurementKeys)
		if f == nil || !required(v, e, f, "measurements", "date", "value") {
			continue
		}
		m := Measurement{Date: v.Date(f["date"])}
		val, ok := number(v, f["value"], "measurement value")
		if !ok || m.Date.IsZero() {
			continue
		}
		m.Value = val
		if x, given := f["evidence"]; given {
			if s := v.Str(x); s != "" {
				m.Evidence = Ref{ID: s, Pos: v.Pos(x)}
			}
		}
		if len(out) > 0 && m.Date.Before(out[len(out)-1].Date) {
			v.Errorf(f["date"], "measurement-order", "%s's measurements must be in date order: %s comes after %s (line %d)",
				id, m.Date, out[len(out)-1].Date, v.Pos(prev).Line)
			continue
		}
		prev = f["date"]
		out = append(out, m)
	}
	return out
}

// number reads a finite decimal number (what names it in messages).
func number(v model.Values, n *yaml.Node, what string) (float64, bool) {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		s := strings.ReplaceAll(n.Value, "_", "")
		if x, err := strconv.ParseFloat(s, 64); err == nil && !math.IsNaN(x) && !math.IsInf(x, 0) {
			return x, true
		}
		if x, err := strconv.ParseInt(s, 0, 64); err == nil {
			return float64(x), true
		}
	}
	found := n.Value
	if n.Kind != yaml.ScalarNode {
		found = "a list or mapping"
	}
	v.Errorf(n, "bad-value", "%s must be a number, found %q", what, found)
	return 0, false
}

// required reports each of need that is missing or empty, at the entry.
func required(v model.Values, e *yaml.Node, f map[string]*yaml.Node, what string, need ...string) bool {
	ok := true
	for _, k := range need {
		x, given := f[k]
		if !given || x == nil || x.Kind == yaml.ScalarNode && (x.Tag == "!!null" || strings.TrimSpace(x.Value) == "") {
			v.Errorf(e, "missing-field", "%s entry needs %q", what, k)
			ok = false
		}
	}
	return ok
}

// controls reads Annex A control ids, normalised, naming the closest
// control for one that is not in Annex A.
func controls(v model.Values, n *yaml.Node) []Ref {
	var out []Ref
	for _, x := range v.StrList(n) {
		if v.Str(x) == "" {
			continue
		}
		if c, ok := v.Control(x); ok {
			out = append(out, Ref{ID: c, Pos: v.Pos(x)})
		}
	}
	return out
}
