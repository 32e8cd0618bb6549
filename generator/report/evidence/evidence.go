// Package evidence is the evidence index report: every evidence document
// with its artefact (size, SHA-256, download, image preview), grouped by
// control and by clause; /evidence/.
package evidence

import (
	"cmp"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/report/soa"
	"github.com/isms-project/isms/generator/view"
)

// Data is what evidence.html sees as .Data.
type Data struct {
	Items     []EvidenceItem  // newest first
	Stale     []EvidenceGroup // controls whose evidence is overdue (evidence-stale), Annex A order
	ByControl []EvidenceGroup // Annex A order
	ByClause  []EvidenceGroup // clause order
}

// EvidenceItem is one evidence document with its artefact. Controls and
// Clauses are also given space-separated for the filter script's data
// attributes.
type EvidenceItem struct {
	*view.DocView
	Controls                []EvidenceControl // hides DocView.Controls
	ControlKeys, ClauseKeys string
}

// EvidenceControl is a cited control with its row on /soa/.
type EvidenceControl struct{ ID, Title, Anchor string }

// EvidenceGroup lists the evidence for one control or clause, so the page
// can be filtered without JavaScript by following the anchors.
type EvidenceGroup struct {
	Key, Title, Anchor string
	Items              []view.RefView
	Cadence            *Cadence // controls with evidence_every in the SoA
}

// Cadence is how often the SoA asks for evidence of a control, when the
// next is due (by the newest evidence's date) and whether it is overdue.
type Cadence struct {
	Every, Due string // Due "" when no dated evidence cites the control
	Stale      bool
}

// Report is the evidence index. It adds no findings.
type Report struct{}

// New returns the report.
func New() *Report { return &Report{} }

// Analyze has nothing to check: missing artefacts are link errors.
func (*Report) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }

// HeaderLink puts the evidence index in the site header.
func (*Report) HeaderLink() report.Link {
	return report.Link{Title: "Evidence", URL: "evidence/", Weight: 40}
}

// Publish writes /evidence/: every evidence document with its date,
// controls, clauses and artefact (size, SHA-256, download, image preview),
// plus the same evidence grouped by control and by clause.
func (*Report) Publish(r report.Renderer) ([]report.Page, diag.List) {
	d := &Data{}
	byControl := map[string][]view.RefView{}
	byClause := map[string][]view.RefView{}
	for _, p := range r.Input().Site.Pages {
		if p.Doc.Type != "evidence" {
			continue
		}
		v := r.View(p)
		var clauses []string
		for _, c := range v.Clauses {
			if !slices.Contains(clauses, c) {
				clauses = append(clauses, c)
			}
		}
		var controls []string
		var links []EvidenceControl
		for _, c := range v.Controls {
			if !slices.Contains(controls, c.ID) {
				controls = append(controls, c.ID)
				links = append(links, EvidenceControl{ID: c.ID, Title: c.Title, Anchor: view.ControlAnchor(c.ID)})
			}
		}
		d.Items = append(d.Items, EvidenceItem{DocView: v, Controls: links,
			ControlKeys: strings.Join(controls, " "), ClauseKeys: strings.Join(clauses, " ")})
		ref := r.Ref(p.Doc.ID)
		for _, c := range controls {
			byControl[c] = append(byControl[c], ref)
		}
		for _, c := range clauses {
			byClause[c] = append(byClause[c], ref)
		}
	}
	slices.SortStableFunc(d.Items, func(a, b EvidenceItem) int {
		return cmp.Or(-cmp.Compare(a.Date, b.Date), cmp.Compare(a.ID, b.ID))
	})
	cadence := map[string]*Cadence{}
	for _, c := range soa.Cadences(r.Input().Site, r.Input().AsOf) {
		cv := &Cadence{Every: c.Every.String(), Stale: c.Stale}
		if c.Newest != nil {
			cv.Due = c.Due.String()
		}
		cadence[c.Control] = cv
	}
	for _, c := range iso.All() {
		g := EvidenceGroup{Key: c.ID, Title: c.Title, Anchor: view.ControlAnchor(c.ID), Items: byControl[c.ID], Cadence: cadence[c.ID]}
		if len(g.Items) > 0 {
			d.ByControl = append(d.ByControl, g)
		}
		if g.Cadence != nil && g.Cadence.Stale {
			d.Stale = append(d.Stale, g)
		}
	}
	clauses := make([]string, 0, len(byClause))
	for c := range byClause {
		clauses = append(clauses, c)
	}
	slices.SortFunc(clauses, iso.CompareClause)
	for _, c := range clauses {
		d.ByClause = append(d.ByClause, EvidenceGroup{Key: c, Title: iso.ClauseTitle(c), Anchor: "clause-" + strings.ReplaceAll(c, ".", "-"), Items: byClause[c]})
	}
	return []report.Page{{URL: "evidence/", Layout: "evidence", Title: "Evidence", Crumbs: report.Crumbs("Evidence"), Data: d}}, nil
}
