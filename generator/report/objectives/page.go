package objectives

import (
	"html/template"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// LinkView is a reference shown as its id, linked when URL is set.
type LinkView struct{ ID, Title, URL string }

// MeasurementView is one measurement as the templates see it.
type MeasurementView struct {
	Date, Value string
	Meets       bool
	Evidence    *view.RefView
}

// ObjectiveView is one objective as the templates see it.
type ObjectiveView struct {
	ID, Title, Owner string
	Target           string
	Latest           *MeasurementView // nil: never measured
	State            string           // met | on-track | off-track | missed | unmeasured
	Due, DueNote     string
	Every            string // "3 months"
	Doc              view.RefView
	Controls         []LinkView
	Measurements     []MeasurementView // newest first
	Chart            template.HTML
}

// ObjectivesData is what objectives.html sees as .Data.
type ObjectivesData struct {
	Tiles      []view.Tile
	Attention  []ObjectiveView // missed, off track or unmeasured
	Objectives []ObjectiveView
}

// DocObjectivesData is what the objectives-table partial sees.
type DocObjectivesData struct {
	Root       string
	Objectives []ObjectiveView
}

// HeaderLink puts the objectives in the site header.
func (r *Report) HeaderLink() report.Link {
	return report.Link{Title: "Objectives", URL: "objectives/", Weight: 28}
}

// stateLabel is a state as read aloud.
var stateLabel = map[string]string{StateMet: "met", StateOnTrack: "on track", StateOffTrack: "off track", StateMissed: "missed", StateUnmeasured: "unmeasured"}

// view is an objective as the templates see it.
func (r *Report) view(rr report.Renderer, it item) ObjectiveView {
	o, in := it.O, r.in
	v := ObjectiveView{ID: o.ID, Title: o.Title, Owner: o.Owner, Target: o.Target.String(), State: o.StateAt(in.AsOf),
		Due: o.Due.String(), Doc: rr.Ref(it.Page.Doc.ID), Chart: template.HTML(Trend(o, in.AsOf))}
	if !o.Every.IsZero() {
		v.Every = view.HumanInterval(o.Every)
	}
	if !o.Due.IsZero() {
		switch n := in.AsOf.DaysUntil(o.Due); {
		case n < 0:
			v.DueNote = "passed " + days(-n) + " ago"
		case n == 0:
			v.DueNote = "due today"
		default:
			v.DueNote = "in " + days(n)
		}
	}
	for _, c := range o.Controls {
		ctl, _ := iso.Lookup(c.ID)
		v.Controls = append(v.Controls, LinkView{ID: c.ID, Title: ctl.Title, URL: in.Site.Root + "soa/#" + view.ControlAnchor(c.ID)})
	}
	for i := len(o.Measurements) - 1; i >= 0; i-- {
		m := o.Measurements[i]
		if in.AsOf.Before(m.Date) {
			continue
		}
		mv := MeasurementView{Date: m.Date.String(), Value: Number(m.Value, o.Target.Unit), Meets: o.Target.Meets(m.Value)}
		if m.Evidence.ID != "" {
			ref := rr.Ref(m.Evidence.ID)
			mv.Evidence = &ref
		}
		v.Measurements = append(v.Measurements, mv)
	}
	if len(v.Measurements) > 0 {
		l := v.Measurements[0]
		v.Latest = &l
	}
	return v
}

func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return itoa(n) + " days"
}

func itoa(n int) string { return Number(float64(n), "") }

// Publish writes /objectives/: every objective, its latest result, its
// state and its trend; a site without objectives gets a page that says so.
func (r *Report) Publish(rr report.Renderer) ([]report.Page, diag.List) {
	d := &ObjectivesData{}
	count := map[string]int{}
	for _, it := range r.objectives {
		v := r.view(rr, it)
		d.Objectives = append(d.Objectives, v)
		count[v.State]++
		if v.State == StateMissed || v.State == StateOffTrack || v.State == StateUnmeasured {
			d.Attention = append(d.Attention, v)
		}
	}
	if len(d.Objectives) > 0 {
		for _, s := range []string{StateMet, StateOnTrack, StateOffTrack, StateMissed, StateUnmeasured} {
			class := "ok"
			switch {
			case count[s] > 0 && s == StateMissed:
				class = "bad"
			case count[s] > 0 && (s == StateOffTrack || s == StateUnmeasured):
				class = "warn"
			case s == StateOnTrack:
				class = ""
			}
			url := "#all"
			if s == StateMissed || s == StateOffTrack || s == StateUnmeasured {
				url = "#attention"
			}
			d.Tiles = append(d.Tiles, view.Tile{Label: stateLabel[s], Class: class, URL: url, Value: count[s]})
		}
	}
	return []report.Page{{URL: "objectives/", Layout: "objectives", Title: "Objectives", Crumbs: report.Crumbs("Objectives"), Data: d}}, nil
}

// Annotate adds to a document page the objectives written in it.
func (r *Report) Annotate(rr report.Renderer, p *link.Page, v *view.DocView) {
	if p.Doc.IsRetired() || r.in == nil || len(r.byPage[p.Doc.Path]) == 0 {
		return
	}
	var os []ObjectiveView
	for _, it := range r.byPage[p.Doc.Path] {
		os = append(os, r.view(rr, it))
	}
	h, err := rr.Fragment("objectives:"+p.Doc.Path, "document", "objectives-table", DocObjectivesData{Root: r.in.Site.Root, Objectives: os}, nil)
	if err != nil {
		h = []byte("<p>" + template.HTMLEscapeString(err.Error()) + "</p>")
	}
	v.Sections = append(v.Sections, view.DocSection{ID: "measured-objectives", Title: "Measured objectives", Class: "objectives-section", HTML: template.HTML(h)})
}
