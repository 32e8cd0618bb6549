package soa

import (
	"net/url"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// Data is what soa.html sees as .Data.
type Data struct {
	Registers []view.RefView
	Summary   []view.Tile
	Findings  []SoAFindingGroup // major first
	Themes    []SoATheme
}

// SoAFindingGroup is the findings of one rule, listed by control, so that
// sixteen "not cited" findings read as one list rather than sixteen sentences.
type SoAFindingGroup struct {
	Rule, Severity, Title string
	Items                 []SoAFindingItem
}

// SoAFindingItem is one control a rule hit; Note holds the documents
// involved where the rule is about them. Message is the full finding text.
type SoAFindingItem struct {
	ID, Title, Anchor, Note, Message string
}

// soaRuleTitles says what each rule means to an auditor, in display order.
var soaRuleTitles = []struct{ rule, title string }{
	{ruleSoANoDecision, "No decision recorded (6.1.3 c)"},
	{ruleSoAUndecided, "Awaiting a decision (applicable: TBD)"},
	{ruleSoAExcludedNoReason, "Excluded without a justification (6.1.3 d)"},
	{ruleSoACitedButExcluded, "Excluded, yet cited by documents or evidence"},
	{ruleSoAApplicableUncited, "Applicable, but no document or evidence cites it"},
	{ruleEvidenceStale, "Evidence overdue for its cadence (evidence_every)"},
	{"soa-control-untraced", "Applicable, but no risk relies on it and no reasons are given"}, // the risk register's rule
}

// SoATheme is one Annex A theme's table.
type SoATheme struct {
	Number, Name string
	Rows         []SoARow
}

// SoARow is one control. Decision is "applicable", "excluded",
// "undecided" (the entry awaits a decision) or "" (none).
type SoARow struct {
	ID, Title, Anchor string
	Decision          string
	Status            string
	Justification     string
	Register          *view.RefView
	Docs, Evidence    []view.RefView
	Citing            []CitingView // records whose refs name the control (risks, actions, …)
	Flags             []string     // rules that hit this control
	Cadence           *CadenceView // nil: no evidence_every
}

// CadenceView is a control's evidence cadence on its row: the interval,
// the newest evidence (nil when none is dated) and when more is due.
type CadenceView struct {
	Every  string
	Newest *view.RefView
	Date   string // of the newest evidence
	Due    string // "" when there is no evidence
	Stale  bool
}

// CitingView is a record that names a control: a risk relying on it, an
// action about it. URL is the record's place in its document.
type CitingView struct {
	Kind, ID, Title, URL string
}

// Publish writes /soa/: every Annex A control grouped by theme, with its
// decision and what implements and proves it.
func (rep *Report) Publish(r report.Renderer) ([]report.Page, diag.List) {
	return rep.published.Do(func() ([]report.Page, diag.List) { return rep.publish(r) })
}

// PrintPage is /soa/ for the auditor's copy (/print/), made once.
func (rep *Report) PrintPage(r report.Renderer) (report.Page, bool) {
	rep.Publish(r)
	return rep.published.Printed("soa/")
}

func (rep *Report) publish(r report.Renderer) ([]report.Page, diag.List) {
	m := rep.m
	d := &Data{}
	for _, p := range m.Registers {
		d.Registers = append(d.Registers, r.Ref(p.Doc.ID))
	}
	flags := map[string][]string{}
	groups := map[string]*SoAFindingGroup{}
	for _, f := range r.Findings() {
		if !strings.HasPrefix(f.Rule, "soa-") && f.Rule != ruleEvidenceStale {
			continue
		}
		if f.Rule == ruleSoAUndecided {
			continue // one finding per register: listed by control below
		}
		g := groups[f.Rule]
		if g == nil {
			g = &SoAFindingGroup{Rule: f.Rule, Severity: f.Severity, Title: f.Rule}
			groups[f.Rule] = g
		}
		it := SoAFindingItem{Message: f.Message}
		if len(f.IDs) > 0 {
			c, _ := iso.Lookup(f.IDs[0])
			it.ID, it.Title, it.Anchor = c.ID, c.Title, view.ControlAnchor(c.ID)
			flags[c.ID] = append(flags[c.ID], f.Rule)
			if f.Rule == ruleSoACitedButExcluded {
				it.Note = "cited by " + strings.Join(f.IDs[1:], ", ")
			}
		}
		g.Items = append(g.Items, it)
	}
	for _, e := range m.Entries {
		if e.Decision == nil || !e.Decision.Undecided {
			continue
		}
		g := groups[ruleSoAUndecided]
		if g == nil {
			g = &SoAFindingGroup{Rule: ruleSoAUndecided, Severity: "major"}
			groups[ruleSoAUndecided] = g
		}
		c := e.Control
		g.Items = append(g.Items, SoAFindingItem{ID: c.ID, Title: c.Title, Anchor: view.ControlAnchor(c.ID),
			Message: "control " + c.ID + " " + c.Title + " awaits a decision in " + e.Register.Doc.ID})
		flags[c.ID] = append(flags[c.ID], ruleSoAUndecided)
	}
	for _, rt := range soaRuleTitles {
		if g := groups[rt.rule]; g != nil {
			g.Title = rt.title
			slices.SortStableFunc(g.Items, func(a, b SoAFindingItem) int { return iso.Compare(a.ID, b.ID) })
			d.Findings = append(d.Findings, *g)
		}
	}
	citing := citingRecords(r.Input())
	cadence := map[string]*CadenceView{}
	for _, c := range rep.cadence {
		cv := &CadenceView{Every: c.Every.String(), Stale: c.Stale}
		if c.Newest != nil {
			rv := r.Ref(c.Newest.Doc.ID)
			cv.Newest, cv.Date, cv.Due = &rv, c.Newest.Doc.Date.String(), c.Due.String()
		}
		cadence[c.Control] = cv
	}
	counts := map[string]int{}
	byTheme := map[string]*SoATheme{}
	for i, t := range iso.Themes() {
		d.Themes = append(d.Themes, SoATheme{Number: string(rune('5' + i)), Name: t})
	}
	for i := range d.Themes {
		byTheme[d.Themes[i].Name] = &d.Themes[i]
	}
	for _, e := range m.Entries {
		row := SoARow{ID: e.Control.ID, Title: e.Control.Title, Anchor: view.ControlAnchor(e.Control.ID), Flags: flags[e.Control.ID]}
		ok, excluded := e.decided()
		switch {
		case e.Decision != nil && e.Decision.Undecided:
			row.Decision = "undecided"
			counts["none"]++
		case !ok:
			counts["none"]++
		case excluded:
			row.Decision = "excluded"
			counts["excluded"]++
		default:
			row.Decision = "applicable"
			counts["applicable"]++
		}
		if e.Decision != nil {
			row.Status, row.Justification = e.Decision.Status, e.Decision.Justification
			rv := r.Ref(e.Register.Doc.ID)
			row.Register = &rv
			if ok && !excluded {
				counts[e.Decision.Status]++
			}
		}
		row.Docs = pageRefs(r, e.Docs)
		row.Evidence = pageRefs(r, e.Evidence)
		row.Citing = citing[e.Control.ID]
		row.Cadence = cadence[e.Control.ID]
		t := byTheme[e.Control.Theme]
		t.Rows = append(t.Rows, row)
	}
	d.Summary = []view.Tile{
		{Label: "applicable", Class: "ok", URL: "#theme-5", Value: counts["applicable"]},
		{Label: "implemented", Class: "ok", Value: counts["implemented"]},
		{Label: "partially implemented", Class: "warn", Value: counts["partial"]},
		{Label: "planned", Class: "warn", Value: counts["planned"]},
		{Label: "excluded", Class: "", Value: counts["excluded"]},
		{Label: "without a decision", Class: "bad", Value: counts["none"]},
	}
	if counts["none"] == 0 {
		d.Summary[5].Class = "ok"
	}
	return []report.Page{{URL: "soa/", Layout: "soa", Title: "Statement of Applicability", Crumbs: report.Crumbs("Statement of Applicability"), Data: d}}, nil
}

// citingRecords are the records of every kind whose Refs name each
// control, by kind then id, so the SoA traces a control to the risks
// that rely on it without knowing what a risk is.
func citingRecords(in *report.Input) map[string][]CitingView {
	out := map[string][]CitingView{}
	for _, k := range in.Records.Kinds() {
		for _, id := range in.Records.IDs(k) {
			rec, _ := in.Records.Get(k, id)
			seen := map[string]bool{}
			for _, c := range rec.Refs["control"] {
				if seen[c] {
					continue
				}
				seen[c] = true
				v := CitingView{Kind: k, ID: id, Title: rec.Title}
				if rec.Page != nil {
					v.URL = in.Site.Root + rec.Page.Href + "#" + url.PathEscape(id)
				}
				out[c] = append(out[c], v)
			}
		}
	}
	return out
}

func pageRefs(r report.Renderer, ps []*link.Page) []view.RefView {
	out := make([]view.RefView, 0, len(ps))
	for _, p := range ps {
		out = append(out, r.Ref(p.Doc.ID))
	}
	return out
}
