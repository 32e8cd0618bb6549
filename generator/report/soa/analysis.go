// Package soa is the Statement of Applicability report (ISO/IEC 27001
// 6.1.3 d): every Annex A control with its decision, what implements and
// proves it, and the auditor's questions about it as findings; /soa/.
package soa

import (
	"cmp"
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
// one finding rather than 93.
func soaFindings(m *soaModel) []model.Finding {
	var out []model.Finding
	if len(m.Registers) == 0 {
		return []model.Finding{{
			Severity: "major", Rule: ruleSoANoDecision,
			Message: "there is no Statement of Applicability: no register has applicability: entries, so none of the 93 Annex A controls has a decision (6.1.3 c, d)",
		}}
	}
	for _, e := range m.Entries {
		c := e.Control
		name := c.ID + " " + c.Title
		ok, excluded := e.decided()
		switch {
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
	return out
}

// Report is the SoA report. New makes one per build.
type Report struct{ m *soaModel }

// New returns the report.
func New() *Report { return &Report{} }

// Analyze builds the SoA from the site, applies the rules and reports
// duplicate decisions.
func (r *Report) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	m, diags := buildSoA(in.Site)
	r.m = m
	return soaFindings(m), diags
}

// HeaderLink puts the SoA in the site header.
func (r *Report) HeaderLink() report.Link { return report.Link{Title: "SoA", URL: "soa/", Weight: 30} }
