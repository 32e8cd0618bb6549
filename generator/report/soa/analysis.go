// Package soa is the Statement of Applicability report (ISO/IEC 27001
// 6.1.3 d): every Annex A control with its decision, what implements and
// proves it, and the auditor's questions about it as findings; /soa/.
package soa

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
)

// The Statement of Applicability (ISO/IEC 27001 6.1.3 d) ties every Annex A
// control to a decision, written as `applicability:` entries in a register,
// and to the documents and evidence whose `controls:` cite it. The rules
// below are the auditor's questions about it; their ids are stable.
const (
	ruleSoANoDecision        = "soa-no-decision"          // major: 6.1.3 c, compare with Annex A
	ruleSoAExcludedNoReason  = "soa-excluded-unjustified" // major: 6.1.3 d, justify exclusions
	ruleSoAApplicableUncited = "soa-applicable-uncited"   // minor: nothing implements or proves it
	ruleSoACitedButExcluded  = "soa-cited-but-excluded"   // minor: the documents and the SoA disagree
	ruleSoAUndecided         = "soa-undecided"            // major: an entry awaits a decision (applicable: TBD)
)

// soaEntry is one Annex A control with everything the site says about it.
type soaEntry struct {
	Control  iso.Control
	Decision *Decision    // nil when no register decides it
	Register *link.Page   // the register the decision is written in
	Docs     []*link.Page // non-evidence documents citing it, by id
	Evidence []*link.Page // evidence citing it, by id
}

// decided reports whether the entry carries a decision, and whether that
// decision excludes the control (see Decision.Decided).
func (e soaEntry) decided() (ok, excluded bool) { return e.Decision.Decided() }

// soaModel is the whole Statement of Applicability.
type soaModel struct {
	Entries   []soaEntry   // the 93 controls in catalogue order
	Registers []*link.Page // documents with applicability: entries, by path
}

// buildSoA collects the decisions of every live document's applicability:
// list and the citations of every live document's controls: list (the link
// stage has already normalised both). A control decided twice is an error
// at the second decision.
func buildSoA(s *link.Site) (*soaModel, diag.List) {
	var diags diag.List
	m := &soaModel{}
	all := iso.All()
	index := make(map[string]int, len(all))
	m.Entries = make([]soaEntry, len(all))
	for i, c := range all {
		m.Entries[i].Control = c
		index[c.ID] = i
	}
	for _, p := range s.Pages {
		d := p.Doc
		if d.IsRetired() {
			continue
		}
		ds := decisions(d)
		if len(ds) > 0 {
			m.Registers = append(m.Registers, p)
		}
		for k := range ds {
			dec := &ds[k]
			i, ok := index[dec.Control]
			if !ok {
				continue // reported by the link stage
			}
			e := &m.Entries[i]
			if e.Decision != nil {
				diags.Errorf(dec.Pos, "soa-duplicate",
					"control %s is already decided at %s: keep one applicability entry per control", dec.Control, e.Decision.Pos)
				continue
			}
			e.Decision, e.Register = dec, p
		}
		seen := map[string]bool{}
		for _, c := range p.Controls {
			i, ok := index[c]
			if !ok || seen[c] {
				continue
			}
			seen[c] = true
			e := &m.Entries[i]
			if d.Type == "evidence" {
				e.Evidence = append(e.Evidence, p)
			} else {
				e.Docs = append(e.Docs, p)
			}
		}
	}
	byID := func(a, b *link.Page) int {
		return cmp.Or(cmp.Compare(a.Doc.ID, b.Doc.ID), cmp.Compare(a.Doc.Path, b.Doc.Path))
	}
	for i := range m.Entries {
		slices.SortFunc(m.Entries[i].Docs, byID)
		slices.SortFunc(m.Entries[i].Evidence, byID)
	}
	return m, diags
}

// soaFindings applies the SoA rules. Each finding's ids are the control
// first, then the documents involved. A site with no decisions at all gets
// one finding rather than 93, and so does each register for the controls
// awaiting a decision (its ids are the register's alone).
func soaFindings(m *soaModel) []model.Finding {
	var out []model.Finding
	if len(m.Registers) == 0 {
		return []model.Finding{{
			Severity: "major", Rule: ruleSoANoDecision,
			Message: "there is no Statement of Applicability: no register has applicability: entries, so none of the 93 Annex A controls has a decision (6.1.3 c, d)",
		}}
	}
	undecided := map[*link.Page][]string{} // by register: one finding each, not one per control
	for _, e := range m.Entries {
		c := e.Control
		name := c.ID + " " + c.Title
		ok, excluded := e.decided()
		switch {
		case e.Decision != nil && e.Decision.Undecided:
			undecided[e.Register] = append(undecided[e.Register], c.ID)
		case !ok && e.Decision != nil:
			out = append(out, model.Finding{Severity: "major", Rule: ruleSoANoDecision, IDs: []string{c.ID, e.Register.Doc.ID},
				Message: "control " + name + " has an applicability entry with neither applicable nor status (6.1.3 c)"})
		case !ok:
			out = append(out, model.Finding{Severity: "major", Rule: ruleSoANoDecision, IDs: []string{c.ID},
				Message: "control " + name + " has no decision in the Statement of Applicability (6.1.3 c requires comparing the controls with Annex A)"})
		case excluded && strings.TrimSpace(e.Decision.Justification) == "":
			out = append(out, model.Finding{Severity: "major", Rule: ruleSoAExcludedNoReason, IDs: []string{c.ID, e.Register.Doc.ID},
				Message: "control " + name + " is excluded without a justification (6.1.3 d)"})
		}
		cited := append(slices.Clone(e.Docs), e.Evidence...)
		switch {
		case ok && !excluded && len(cited) == 0:
			out = append(out, model.Finding{Severity: "minor", Rule: ruleSoAApplicableUncited, IDs: []string{c.ID},
				Message: "control " + name + " is applicable but no document or evidence cites it in controls:"})
		case ok && excluded && len(cited) > 0:
			ids := []string{c.ID}
			for _, p := range cited {
				ids = append(ids, p.Doc.ID)
			}
			out = append(out, model.Finding{Severity: "minor", Rule: ruleSoACitedButExcluded, IDs: ids,
				Message: "control " + name + " is excluded in the Statement of Applicability but cited by " + strings.Join(ids[1:], ", ")})
		}
	}
	for _, reg := range m.Registers {
		if ids := undecided[reg]; len(ids) > 0 {
			out = append(out, model.Finding{Severity: "major", Rule: ruleSoAUndecided, IDs: []string{reg.Doc.ID},
				Message: fmt.Sprintf("%d of %d Annex A controls await a decision in %s (applicable: TBD): %s; set applicable: true or false on each (6.1.3 c, d)",
					len(ids), len(m.Entries), reg.Doc.ID, listSome(ids, 12))})
		}
	}
	return out
}

// Report is the SoA report. New makes one per build.
type Report struct {
	m         *soaModel
	cadence   []Cadence
	published report.Published
}

// New returns the report.
func New() *Report { return &Report{} }

// Analyze builds the SoA from the site, applies the rules and reports
// duplicate decisions.
func (r *Report) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	m, diags := buildSoA(in.Site)
	r.m = m
	r.cadence = cadences(m, in.AsOf)
	return append(soaFindings(m), cadenceFindings(r.cadence, in.AsOf)...), diags
}

// HeaderLink puts the SoA in the site header.
func (r *Report) HeaderLink() report.Link { return report.Link{Title: "SoA", URL: "soa/", Weight: 30} }

// ruleEvidenceStale is the evidence cadence rule: a control whose
// applicability entry says how often evidence must be produced
// (evidence_every) and whose newest evidence is older than that.
const ruleEvidenceStale = "evidence-stale" // minor: 9.1 retained results, A.5.36

// Cadence is one control's evidence cadence: the interval its
// applicability entry asks for, the newest evidence document citing it
// (by date; nil when none is dated) and when the next is due. Stale means
// as-of is after Due (evidence is due on the day, stale the day after),
// or that no dated evidence cites the control.
type Cadence struct {
	Control  string
	Every    model.Interval
	Newest   *link.Page
	Due      model.Date // Newest's date + Every; zero when there is no evidence
	Stale    bool
	Register *link.Page
	Pos      diag.Pos // of evidence_every
}

// Cadences are the evidence cadences of every applicable control with
// evidence_every, in Annex A order, as of asOf.
func Cadences(s *link.Site, asOf model.Date) []Cadence {
	m, _ := buildSoA(s)
	return cadences(m, asOf)
}

func cadences(m *soaModel, asOf model.Date) []Cadence {
	var out []Cadence
	for _, e := range m.Entries {
		ok, excluded := e.decided()
		if e.Decision == nil || e.Decision.EvidenceEvery.IsZero() || !ok || excluded {
			continue
		}
		c := Cadence{Control: e.Control.ID, Every: e.Decision.EvidenceEvery, Register: e.Register, Pos: e.Decision.EveryPos}
		for _, p := range e.Evidence {
			if p.Doc.Date.IsZero() {
				continue
			}
			if c.Newest == nil || p.Doc.Date.After(c.Newest.Doc.Date) {
				c.Newest = p
			}
		}
		if c.Newest != nil {
			c.Due = c.Every.AddTo(c.Newest.Doc.Date)
			c.Stale = asOf.After(c.Due)
		} else {
			c.Stale = true
		}
		out = append(out, c)
	}
	return out
}

// cadenceFindings are the evidence-stale findings: the control, the
// register that asks for the cadence, and the newest evidence if any.
func cadenceFindings(cs []Cadence, asOf model.Date) []model.Finding {
	var out []model.Finding
	for _, c := range cs {
		if !c.Stale {
			continue
		}
		ctl, _ := iso.Lookup(c.Control)
		name := c.Control + " " + ctl.Title
		ids := []string{c.Control, c.Register.Doc.ID}
		var msg string
		if c.Newest == nil {
			msg = "control " + name + " needs evidence every " + c.Every.String() + " but no dated evidence cites it"
		} else {
			ids = append(ids, c.Newest.Doc.ID)
			n, unit := c.Due.DaysUntil(asOf), "days"
			if n == 1 {
				unit = "day"
			}
			msg = fmt.Sprintf("control %s needs evidence every %s: the newest, %s of %s, was due again by %s (%d %s ago)",
				name, c.Every, c.Newest.Doc.ID, c.Newest.Doc.Date, c.Due, n, unit)
		}
		out = append(out, model.Finding{Severity: "minor", Rule: ruleEvidenceStale, IDs: ids, Message: msg})
	}
	return out
}
