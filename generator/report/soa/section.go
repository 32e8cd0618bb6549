package soa

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/model"
)

// Statuses are the implementation states an applicability entry may give.
var Statuses = []string{"implemented", "partial", "planned", "not-applicable"}

// Decision is one Statement of Applicability entry.
type Decision struct {
	Control       string // normalised, e.g. "5.15"
	Applicable    bool
	HasApplicable bool // "applicable" was written
	Undecided     bool // awaits a decision: applicable: (or status: without it) is a placeholder such as TBD
	Status        string
	Justification string
	Reasons       []string       // why the control is there besides risk: legal, contractual, business, best-practice
	EvidenceEvery model.Interval // how often evidence for the control must be produced; zero: no cadence
	EveryPos      diag.Pos
	Pos           diag.Pos
}

// Reasons are the reasons: an applicability entry may give for a control
// that no risk needs (a law, a contract), so that it is not reported as
// untraced.
var Reasons = []string{"legal", "contractual", "business", "best-practice"}

// Decided reports whether the entry carries a decision, and whether that
// decision excludes the control. `applicable:` wins; without it a status
// of not-applicable excludes and any other status includes.
func (d *Decision) Decided() (ok, excluded bool) {
	switch {
	case d == nil || d.Undecided:
		return false, false
	case d.HasApplicable:
		return true, !d.Applicable
	case d.Status != "":
		return true, d.Status == "not-applicable"
	}
	return false, false
}

// Sections gives the SoA report the front-matter key applicability:, one
// entry per Annex A control a register decides.
func (*Report) Sections() []model.Section {
	return []model.Section{{Key: "applicability", Decode: decodeApplicability}}
}

// Decisions are a document's applicability entries (none when it has
// none), for reports that trace controls to the SoA (the risk register).
func Decisions(d *model.Document) []Decision { return decisions(d) }

// decisions is a document's applicability entries (none when it has none).
func decisions(d *model.Document) []Decision {
	ds, _ := d.Sections["applicability"].([]Decision)
	return ds
}

// decodeApplicability reads applicability: entries, normalising each
// control id ("A.5.15" → "5.15") and naming the closest control for one
// that is not in Annex A. An entry whose applicable: is a placeholder
// (TBD) awaits a decision: a state, not an error, so that a new SoA
// lists every control before anyone has decided (see undecidedWarning).
func decodeApplicability(v model.Values, n *yaml.Node) any {
	var out []Decision
	var undecided []string
	var first *yaml.Node
	for _, e := range v.List(n, "applicability") {
		f := v.Fields(e, "applicability", []string{"control", "applicable", "status", "justification", "reasons", "evidence_every"})
		if f == nil {
			continue
		}
		r := Decision{Pos: v.Pos(e)}
		x, ok := f["control"]
		if !ok {
			v.Errorf(e, "missing-field", "applicability entry needs \"control\"")
			continue
		}
		r.Control, _ = v.Control(x)
		r.Pos = v.Pos(x)
		if x, ok := f["applicable"]; ok {
			if _, ph := v.Placeholder(x); ph {
				r.Undecided = true
			} else {
				r.Applicable, r.HasApplicable = v.Bool(x, "applicable"), true
			}
		}
		if x, ok := f["status"]; ok {
			if p, ph := v.Placeholder(x); !ph {
				r.Status = v.Enum(x, "status", Statuses)
			} else if r.HasApplicable {
				v.Warnf(x, "placeholder", "status is the placeholder %q: treated as not given", p)
			} else {
				r.Undecided = true
			}
		}
		if r.Undecided {
			if first == nil {
				first = f["control"]
			}
			undecided = append(undecided, r.Control)
		}
		if x, ok := f["justification"]; ok {
			if p, ph := v.Placeholder(x); ph { // not a justification (6.1.3 d)
				v.Warnf(x, "placeholder", "justification is the placeholder %q: treated as not given", p)
			} else {
				r.Justification = v.Str(x)
			}
		}
		if x, ok := f["reasons"]; ok {
			for _, n := range v.StrList(x) {
				if s := v.Enum(n, "reason", Reasons); s != "" {
					r.Reasons = append(r.Reasons, s)
				}
			}
		}
		if x, ok := f["evidence_every"]; ok {
			r.EvidenceEvery, r.EveryPos = v.Interval(x), v.Pos(x)
			if x.Kind == yaml.ScalarNode && strings.TrimSpace(x.Value) == "" {
				v.Errorf(x, "bad-interval", "evidence_every needs an interval such as 30d, 3m or 1y")
			}
		}
		out = append(out, r)
	}
	if first != nil {
		v.Warnf(first, "soa-undecided", "%d of %d Annex A controls await a decision (applicable: TBD): %s; set applicable: true or false on each",
			len(undecided), len(iso.All()), listSome(undecided, 12))
	}
	return out
}

// listSome joins the first n of ids, saying how many more there are.
func listSome(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:n], ", "), len(ids)-n)
}
