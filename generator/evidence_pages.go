package generator

import (
	"cmp"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/annexa"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/render"
)

// EvidenceData is what evidence.html sees as .Data.
type EvidenceData struct {
	Items     []EvidenceItem  // newest first
	ByControl []EvidenceGroup // Annex A order
	ByClause  []EvidenceGroup // clause order
}

// EvidenceItem is one evidence document with its artefact. Controls and
// Clauses are also given space-separated for the filter script's data
// attributes.
type EvidenceItem struct {
	*render.DocView
	Controls                []EvidenceControl // hides DocView.Controls
	ControlKeys, ClauseKeys string
}

// EvidenceControl is a cited control with its row on /soa/.
type EvidenceControl struct{ ID, Title, Anchor string }

// EvidenceGroup lists the evidence for one control or clause, so the page
// can be filtered without JavaScript by following the anchors.
type EvidenceGroup struct {
	Key, Title, Anchor string
	Items              []render.RefView
}

// renderEvidence writes /evidence/: every evidence document with its date,
// controls, clauses and artefact (size, SHA-256, download, image preview),
// plus the same evidence grouped by control and by clause.
func renderEvidence(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {
	d := &EvidenceData{}
	byControl := map[string][]render.RefView{}
	byClause := map[string][]render.RefView{}
	for _, p := range in.site.Pages {
		if p.Doc.Type != "evidence" {
			continue
		}
		v := in.view(p, tree)
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
				links = append(links, EvidenceControl{ID: c.ID, Title: c.Title, Anchor: controlAnchor(c.ID)})
			}
		}
		d.Items = append(d.Items, EvidenceItem{DocView: v, Controls: links,
			ControlKeys: strings.Join(controls, " "), ClauseKeys: strings.Join(clauses, " ")})
		ref := refView(in.site, p.Doc.ID, nil)
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
	for _, c := range annexa.All() {
		if refs := byControl[c.ID]; len(refs) > 0 {
			d.ByControl = append(d.ByControl, EvidenceGroup{Key: c.ID, Title: c.Title, Anchor: controlAnchor(c.ID), Items: refs})
		}
	}
	clauses := make([]string, 0, len(byClause))
	for c := range byClause {
		clauses = append(clauses, c)
	}
	slices.SortFunc(clauses, compareClause)
	for _, c := range clauses {
		d.ByClause = append(d.ByClause, EvidenceGroup{Key: c, Title: clauseTitle(c), Anchor: "clause-" + strings.ReplaceAll(c, ".", "-"), Items: byClause[c]})
	}
	sitewidePage(in, sv, tree, diags, "evidence", "evidence/", "Evidence", d)
}

// compareClause orders clause numbers numerically part by part: 9.1 before
// 9.1.2 before 10.1.
func compareClause(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, y := as[i], bs[i]
		if c := cmp.Or(cmp.Compare(len(x), len(y)), cmp.Compare(x, y)); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(as), len(bs))
}

// clauseTitle names the main clause a clause number belongs to.
func clauseTitle(c string) string {
	mc := render.MainClause(c)
	for _, t := range render.ClauseTitles {
		if t.Number == mc {
			return t.Title
		}
	}
	return ""
}
