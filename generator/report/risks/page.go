package risks

import (
	"cmp"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// Data is what risks.html sees as .Data.
type Data struct {
	Method     MethodView
	Summary    []view.Tile
	Findings   []FindingView
	Registers  []view.RefView
	Maps       []MapView
	Rows       []Row    // by inherent score, highest first, then id
	Treatments []string // the treatments in use, for the filters
}

// MethodView is the declared method, read aloud.
type MethodView struct {
	Likelihood, Impact []ScaleStep
	Appetite           int
	ReassessEvery      string
}

// ScaleStep is one position on a scale.
type ScaleStep struct {
	N     int
	Label string
}

// FindingView is one risk finding, linked to the risk's row.
type FindingView struct {
	Severity, Rule, Message, ID string
}

// MapView is one heat map: its drawing and its table alternative.
type MapView struct {
	ID, Title string
	SVG       template.HTML
	Table     []HMRow
	Impact    []ScaleStep
}

// Row is one risk in the register.
type Row struct {
	ID, Title, Owner     string
	Inherent             RatingView
	Residual             *RatingView
	Retained             RatingView // the residual, or the inherent when none is given
	Treatment, Plan      string
	Controls             []ControlView
	Acceptance           *AcceptanceView
	Actions              []ActionView
	Assessed, ReassessBy string
	Reassess             string // "overdue", "due-soon" or ""
	Register             view.RefView
	Flags                []string // rules that hit this risk
}

// RatingView is a likelihood × impact with its labels and level.
type RatingView struct {
	L, I, Score    int
	LLabel, ILabel string
	Above          bool
}

// ControlView is a control a risk relies on, with its SoA decision.
type ControlView struct {
	ID, Title, URL, Decision string
}

// AcceptanceView is a risk acceptance and whether it still holds.
type AcceptanceView struct {
	By, On, Until string
	Expired       bool
}

// ActionView is an action a risk names, linked where it is recorded.
// Status is not known to this report (the record index carries titles,
// not states); Title says what the action is.
type ActionView struct {
	ID, Title, URL, Status string
}

func (r *Report) rating(rt Rating) RatingView {
	m := r.method
	return RatingView{L: rt.Likelihood.N, I: rt.Impact.N, Score: rt.Value(),
		LLabel: label(m.Likelihood, rt.Likelihood.N), ILabel: label(m.Impact, rt.Impact.N), Above: rt.Value() > m.Appetite}
}

func steps(labels []string) []ScaleStep {
	out := make([]ScaleStep, len(labels))
	for i, l := range labels {
		out[i] = ScaleStep{i + 1, l}
	}
	return out
}

// rows are the register's rows, as the page and the document sections show them.
func (r *Report) rows(rr report.Renderer, risks []entry) []Row {
	in := rr.Input()
	flags := map[string][]string{}
	for _, f := range rr.Findings() {
		if strings.HasPrefix(f.Rule, "risk-") && len(f.IDs) > 0 {
			flags[f.IDs[0]] = append(flags[f.IDs[0]], f.Rule)
		}
	}
	out := make([]Row, 0, len(risks))
	for _, e := range risks {
		row := Row{ID: e.ID, Title: e.Title, Owner: e.Owner, Inherent: r.rating(e.Inherent), Treatment: e.Treatment, Plan: e.Plan,
			Assessed: e.Assessed.String(), Register: rr.Ref(e.Page.Doc.ID), Flags: flags[e.ID]}
		row.Retained = row.Inherent
		if e.Residual != nil {
			rv := r.rating(*e.Residual)
			row.Residual, row.Retained = &rv, rv
		}
		for _, c := range e.Controls {
			ctl, _ := iso.Lookup(c.ID)
			row.Controls = append(row.Controls, ControlView{ID: c.ID, Title: ctl.Title,
				URL: in.Site.Root + "soa/#" + view.ControlAnchor(c.ID), Decision: cmp.Or(r.decision[c.ID], "no decision")})
		}
		if a := e.Acceptance; a != nil {
			row.Acceptance = &AcceptanceView{By: a.By, On: a.On.String(), Until: a.Until.String(), Expired: !a.Until.IsZero() && a.Until.Before(r.asOf)}
		}
		for _, a := range e.Actions {
			av := ActionView{ID: a.ID, Title: a.ID}
			if in.Records.Withheld("action", a.ID) {
				av.ID, av.Title = "", report.NotInEdition
			}
			if rec, ok := in.Records.Get("action", a.ID); ok {
				av.Title, av.Status = rec.Title, rec.Status
				if rec.Page != nil {
					av.URL = in.Site.Root + "actions/#" + url.PathEscape(a.ID) // its row in the tracker
				}
			}
			row.Actions = append(row.Actions, av)
		}
		if due := r.reassessBy(&e.Risk); !due.IsZero() {
			row.ReassessBy = due.String()
			switch {
			case due.Before(r.asOf):
				row.Reassess = "overdue"
			case !r.dueSoon.IsZero() && r.dueSoon.AddTo(r.asOf).After(due):
				row.Reassess = "due-soon"
			}
		} else {
			row.Reassess = "overdue"
		}
		out = append(out, row)
	}
	return out
}

// byScore orders rows by inherent score, highest first, so that the
// risks of one heat-map cell sit together; then by id.
func byScore(a, b Row) int {
	return cmp.Or(cmp.Compare(b.Inherent.Score, a.Inherent.Score), cmp.Compare(b.Inherent.L, a.Inherent.L), cmp.Compare(a.ID, b.ID))
}

// Publish writes /risks/: the method, the findings, the heat maps and the
// register.
func (r *Report) Publish(rr report.Renderer) ([]report.Page, diag.List) {
	m := r.method
	d := &Data{Method: MethodView{Likelihood: steps(m.Likelihood), Impact: steps(m.Impact), Appetite: m.Appetite, ReassessEvery: view.HumanInterval(m.ReassessEvery)}}
	d.Rows = r.rows(rr, r.risks)
	slices.SortStableFunc(d.Rows, byScore)
	d.Maps = r.maps(d.Rows, d.Method.Impact)
	for _, t := range Treatments {
		if slices.ContainsFunc(d.Rows, func(row Row) bool { return row.Treatment == t }) {
			d.Treatments = append(d.Treatments, t)
		}
	}
	seen := map[string]bool{}
	for _, e := range r.risks {
		if !seen[e.Page.Doc.ID] {
			seen[e.Page.Doc.ID] = true
			d.Registers = append(d.Registers, rr.Ref(e.Page.Doc.ID))
		}
	}
	counts := map[string]int{}
	for _, f := range rr.Findings() {
		if strings.HasPrefix(f.Rule, "risk-") {
			counts[f.Rule]++
			id := ""
			if len(f.IDs) > 0 {
				id = f.IDs[0]
			}
			d.Findings = append(d.Findings, FindingView{Severity: f.Severity, Rule: f.Rule, Message: f.Message, ID: id})
		}
	}
	tile := func(label, url string, n int, bad string) view.Tile {
		t := view.Tile{Label: label, URL: url, Value: n, Class: "ok"}
		if n > 0 {
			t.Class = bad
		}
		return t
	}
	d.Summary = []view.Tile{
		{Label: "risks", Class: "", URL: "#register", Value: len(r.risks)},
		tile("above appetite, not accepted", "#findings", counts[ruleAboveAppetite], "bad"),
		tile("acceptances expired", "#findings", counts[ruleAcceptanceExpired], "bad"),
		tile("reassessments overdue", "#findings", counts[ruleNotReassessed], "warn"),
		tile("rely on excluded controls", "#findings", counts[ruleControlExcluded], "bad"),
	}
	return []report.Page{{URL: "risks/", Layout: "risks", Title: "Risk register", Crumbs: report.Crumbs("Risk register"), Data: d, Scripts: []string{"assets/risks.js"}}}, nil
}

// SectionData is what the "risk-section" partial sees: a document's risks.
type SectionData struct {
	Rows     []Row
	Maps     []MapView
	Appetite int
	RisksURL string
}

// Annotate adds a table of the risks a document carries after its body.
// Its id is not "risks": a register's own "## Risks" heading has that one.
func (r *Report) Annotate(rr report.Renderer, p *link.Page, v *view.DocView) {
	var mine []entry
	for _, e := range r.risks {
		if e.Page.Doc.Path == p.Doc.Path {
			mine = append(mine, e)
		}
	}
	if len(mine) == 0 || !rr.Has("document") {
		return
	}
	sd := SectionData{Rows: r.rows(rr, mine), Appetite: r.method.Appetite, RisksURL: rr.Input().Site.Root + "risks/"}
	sd.Maps = r.maps(sd.Rows, steps(r.method.Impact)) // the register's page, and so /print/, shows its heat maps
	html, err := rr.Fragment("risks:"+p.URL, "document", "risk-section", sd, nil)
	if err != nil {
		html = []byte(`<p class="muted">` + esc(err.Error()) + `</p>`)
	}
	v.Sections = append(v.Sections, view.DocSection{ID: "register-risks", Title: fmt.Sprintf("Risks (%d)", len(mine)), Class: "risk-section", HTML: template.HTML(html)})
}

// maps draws the inherent and residual heat maps of rows (in register
// order within a cell).
func (r *Report) maps(rows []Row, impact []ScaleStep) []MapView {
	inh, res := newHeatMap("inherent", "Inherent risk", r.method), newHeatMap("residual", "Residual risk", r.method)
	for _, row := range rows {
		inh.add(Rating{Score{N: row.Inherent.L}, Score{N: row.Inherent.I}}, row.ID)
		if rv := row.Residual; rv != nil {
			res.add(Rating{Score{N: rv.L}, Score{N: rv.I}}, row.ID)
		} else {
			res.add(Rating{Score{N: row.Inherent.L}, Score{N: row.Inherent.I}}, row.ID)
		}
	}
	var out []MapView
	for _, h := range []*heatMap{inh, res} {
		out = append(out, MapView{ID: h.ID, Title: h.Title, SVG: h.SVG(), Table: h.Table(), Impact: impact})
	}
	return out
}

// Events are the acceptance expiries and reassessment due dates, for /reviews.ics.
func (r *Report) Events() []currency.Event {
	var out []currency.Event
	for _, e := range r.risks {
		if a := e.Acceptance; a != nil && !a.Until.IsZero() {
			out = append(out, currency.Event{UID: "risk-acceptance-" + e.ID, Date: a.Until,
				Summary: "Risk acceptance ends: " + e.ID + " " + e.Title, Description: "Accepted by " + a.By + "; accept again or treat the risk.", URL: "risks/" + frag(e.ID)})
		}
		if due := r.reassessBy(&e.Risk); !due.IsZero() {
			out = append(out, currency.Event{UID: "risk-reassess-" + e.ID, Date: due,
				Summary: "Risk reassessment due: " + e.ID + " " + e.Title, Description: "Owner: " + e.Owner, URL: "risks/" + frag(e.ID)})
		}
	}
	return out
}

// Tiles puts the risks above appetite on the home page.
func (r *Report) Tiles() []view.Tile {
	if len(r.risks) == 0 {
		return nil
	}
	t := view.Tile{Label: "risks above appetite", Class: "ok", URL: "risks/#findings", Value: r.above, Phase: "plan"}
	if r.above > 0 {
		t.Class = "bad"
	}
	late := 0
	for _, e := range r.risks {
		if due := r.reassessBy(&e.Risk); due.IsZero() || due.Before(r.asOf) {
			late++
		}
	}
	n := view.Tile{Label: "risks not reassessed within their interval", Class: "ok", URL: "risks/#findings", Value: late, Phase: "plan"}
	if late > 0 {
		n.Class = "warn"
	}
	return []view.Tile{t, n}
}
