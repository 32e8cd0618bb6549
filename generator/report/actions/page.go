package actions

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// LinkView is a reference shown as its id, linked when URL is set.
type LinkView struct{ ID, Title, URL string }

// ActionView is one action as the templates see it.
type ActionView struct {
	ID, Title, Kind, Severity, Status, Owner string
	Raised, Due, Done                        string
	Age                                      int  // days since raised
	HasAge                                   bool // raised is given
	DueClass                                 string
	DueNote                                  string // "3 days overdue", "in 5 days"
	Source                                   *view.RefView
	Doc                                      view.RefView // the document it is written in
	Risks, Controls                          []LinkView
	RootCause, Correction                    string
	Effect                                   *Effectiveness
	EffectDue                                bool // done nonconformity awaiting its check
}

// Group is one value of a filter (a kind, an owner) and its actions.
type Group struct {
	Name, Anchor string
	Actions      []ActionView
}

// Filter is one way of slicing the register (by kind, owner, status or
// source), as plain sections that work without JavaScript.
type Filter struct {
	Title, Anchor string
	Groups        []Group
}

// ActionsData is what actions.html sees as .Data.
type ActionsData struct {
	Tiles                     []view.Tile
	DueSoon                   string // "30 days"
	Chart                     template.HTML
	Ageing                    Ageing
	Open, Closed              []ActionView
	Overdue, Soon, Unverified []ActionView
	Filters                   []Filter
}

// HeaderLink puts the actions register in the site header.
func (r *Report) HeaderLink() report.Link {
	return report.Link{Title: "Actions", URL: "actions/", Weight: 26}
}

// view is an action as the templates see it.
func (r *Report) view(rr report.Renderer, it item) ActionView {
	a, in := it.A, r.in
	v := ActionView{ID: a.ID, Title: a.Title, Kind: a.Kind, Severity: a.Severity, Status: a.Status, Owner: a.Owner,
		Raised: a.Raised.String(), Due: a.Due.String(), Done: a.Done.String(), RootCause: a.RootCause, Correction: a.Correction,
		Effect: a.Effectiveness, EffectDue: a.Kind == "nonconformity" && a.Closed() && a.Effectiveness == nil,
		Doc: rr.Ref(it.Page.Doc.ID), Risks: riskLinks(in, a.Risks), Controls: controlLinks(in, a.Controls)}
	if a.Source.ID != "" && !rr.Input().Site.Withheld(a.Source.ID) {
		s := rr.Ref(a.Source.ID)
		v.Source = &s
	}
	if !a.Raised.IsZero() {
		v.Age, v.HasAge = max(a.Raised.DaysUntil(in.AsOf), 0), true
	}
	if a.Open() && !a.Due.IsZero() {
		n := in.AsOf.DaysUntil(a.Due)
		switch {
		case n < 0:
			v.DueClass, v.DueNote = "overdue", days(-n)+" overdue"
		case n == 0:
			v.DueClass, v.DueNote = "soon", "due today"
		case !in.Config.DueSoon.AddTo(in.AsOf).Before(a.Due):
			v.DueClass, v.DueNote = "soon", "in "+days(n)
		default:
			v.DueNote = "in " + days(n)
		}
	}
	return v
}

// riskLinks link each risk to its row on /risks/ when the risk register
// declares it, else show the id.
func riskLinks(in *report.Input, refs []Ref) []LinkView {
	var out []LinkView
	for _, rk := range refs {
		l := LinkView{ID: rk.ID}
		if in.Records.Withheld("risk", rk.ID) {
			l.ID = report.NotInEdition
		}
		if rec, ok := in.Records.Get("risk", rk.ID); ok {
			l.Title, l.URL = rec.Title, in.Site.Root+"risks/#"+rk.ID
		}
		out = append(out, l)
	}
	return out
}

// controlLinks link each control to its row on /soa/.
func controlLinks(in *report.Input, refs []Ref) []LinkView {
	var out []LinkView
	for _, c := range refs {
		ctl, _ := iso.Lookup(c.ID)
		out = append(out, LinkView{ID: c.ID, Title: ctl.Title, URL: in.Site.Root + "soa/#" + view.ControlAnchor(c.ID)})
	}
	return out
}

// Publish writes /actions/: the tracker an ISMS manager opens on Monday.
func (r *Report) Publish(rr report.Renderer) ([]report.Page, diag.List) {
	in := r.in
	d := &ActionsData{DueSoon: view.HumanInterval(in.Config.DueSoon)}
	var all []ActionView
	closedThisYear := 0
	for _, it := range r.actions {
		v := r.view(rr, it)
		all = append(all, v)
		a := it.A
		if a.Open() {
			d.Open = append(d.Open, v)
		} else {
			d.Closed = append(d.Closed, v)
		}
		if a.Closed() && a.Done.Time().Year() == in.AsOf.Time().Year() {
			closedThisYear++
		}
		switch {
		case v.DueClass == "overdue":
			d.Overdue = append(d.Overdue, v)
		case v.DueClass == "soon":
			d.Soon = append(d.Soon, v)
		case v.EffectDue:
			d.Unverified = append(d.Unverified, v)
		}
	}
	slices.SortStableFunc(d.Open, func(a, b ActionView) int {
		return cmp.Or(cmp.Compare(undated(a), undated(b)), cmp.Compare(a.Due, b.Due), cmp.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(d.Closed, func(a, b ActionView) int { return cmp.Or(cmp.Compare(b.Done, a.Done), cmp.Compare(a.ID, b.ID)) })
	for _, l := range [][]ActionView{d.Overdue, d.Soon, d.Unverified} {
		slices.SortStableFunc(l, func(a, b ActionView) int { return cmp.Or(cmp.Compare(a.Due, b.Due), cmp.Compare(a.ID, b.ID)) })
	}
	d.Tiles = []view.Tile{
		{Label: "open", Class: "", URL: "#open", Value: len(d.Open)},
		{Label: "overdue", Class: okBad(len(d.Overdue)), URL: "#overdue", Value: len(d.Overdue)},
		{Label: "due within " + d.DueSoon, Class: "warn", URL: "#due-soon", Value: len(d.Soon)},
		{Label: "closed this year", Class: "ok", URL: "#closed", Value: closedThisYear},
		{Label: "awaiting effectiveness check", Class: "warn", URL: "#unverified", Value: len(d.Unverified)},
	}
	if len(d.Soon) == 0 {
		d.Tiles[2].Class = "ok"
	}
	if len(d.Unverified) == 0 {
		d.Tiles[4].Class = "ok"
	}
	d.Ageing = newAgeing(d.Open)
	d.Chart = template.HTML(d.Ageing.SVG())
	d.Filters = filters(all)
	return []report.Page{{URL: "actions/", Layout: "actions", Title: "Actions", Crumbs: report.Crumbs("Actions"), Data: d}}, nil
}

// filters groups every action by kind, owner, status and source.
func filters(all []ActionView) []Filter {
	by := func(title, anchor string, key func(ActionView) string, order []string) Filter {
		f := Filter{Title: title, Anchor: anchor}
		idx := map[string]int{}
		used := map[string]bool{}
		for _, a := range all {
			k := key(a)
			i, ok := idx[k]
			if !ok {
				i = len(f.Groups)
				idx[k] = i
				a := anchor + "-" + view.Slug(k, "x")
				for n := 2; used[a]; n++ { // two names with one slug
					a = fmt.Sprintf("%s-%s-%d", anchor, view.Slug(k, "x"), n)
				}
				used[a] = true
				f.Groups = append(f.Groups, Group{Name: k, Anchor: a})
			}
			f.Groups[i].Actions = append(f.Groups[i].Actions, a)
		}
		rank := func(s string) int {
			if i := slices.Index(order, s); i >= 0 {
				return i
			}
			return len(order)
		}
		slices.SortStableFunc(f.Groups, func(a, b Group) int {
			return cmp.Or(cmp.Compare(rank(a.Name), rank(b.Name)), cmp.Compare(a.Name, b.Name))
		})
		return f
	}
	return []Filter{
		by("Kind", "kind", func(a ActionView) string { return a.Kind }, Kinds),
		by("Owner", "owner", func(a ActionView) string { return cmp.Or(a.Owner, "no owner") }, nil),
		by("Status", "status", func(a ActionView) string { return a.Status }, Statuses),
		by("Source", "source", func(a ActionView) string {
			if a.Source == nil {
				return "no source"
			}
			return a.Source.ID
		}, nil),
	}
}

// DocActionsData is what the actions-table partial sees.
type DocActionsData struct {
	Root    string
	Actions []ActionView
}

// Annotate adds to a document page the actions written in it and, for
// an audit report or minutes, the actions raised in it elsewhere.
func (r *Report) Annotate(rr report.Renderer, p *link.Page, v *view.DocView) {
	if p.Doc.IsRetired() || r.in == nil {
		return
	}
	var carried, raised []ActionView
	for _, it := range r.byPage[p.Doc.Path] {
		carried = append(carried, r.view(rr, it))
	}
	for _, it := range r.bySource[p.Doc.ID] {
		if it.Page.Doc.Path != p.Doc.Path {
			raised = append(raised, r.view(rr, it))
		}
	}
	add := func(id, title string, as []ActionView) {
		if len(as) == 0 {
			return
		}
		h, err := rr.Fragment("actions:"+id+":"+p.Doc.Path, "document", "actions-table", DocActionsData{Root: r.in.Site.Root, Actions: as}, nil)
		if err != nil {
			h = []byte("<p>" + template.HTMLEscapeString(err.Error()) + "</p>")
		}
		v.Sections = append(v.Sections, view.DocSection{ID: id, Title: title, Class: "actions-section", HTML: template.HTML(h)})
	}
	add("actions", "Actions", carried)
	add("actions-raised", "Actions raised here", raised)
}

// ExceptionView is one exception as the templates see it.
type ExceptionView struct {
	ID, Title                string
	Policy                   view.RefView
	Doc                      view.RefView
	Controls, Risks          []LinkView
	ApprovedBy, Compensating string
	Granted, Expires         string
	State, Note              string // expired | expiring | active; "expired 3 days ago"
}

// ExceptionsData is what exceptions.html sees as .Data.
type ExceptionsData struct {
	Tiles                     []view.Tile
	DueSoon                   string
	Expired, Expiring, Active DocExceptionsData
}

// HeaderLink puts the exceptions register in the site header.
func (r *Exceptions) HeaderLink() report.Link {
	return report.Link{Title: "Exceptions", URL: "exceptions/", Weight: 27}
}

func (r *Exceptions) view(rr report.Renderer, it xitem) ExceptionView {
	x, in := it.X, r.in
	v := ExceptionView{ID: x.ID, Title: x.Title, Policy: rr.Ref(x.Policy.ID), Doc: rr.Ref(it.Page.Doc.ID),
		Controls: controlLinks(in, x.Controls), Risks: riskLinks(in, x.Risks), ApprovedBy: x.ApprovedBy,
		Compensating: x.Compensating, Granted: x.Granted.String(), Expires: x.Expires.String()}
	n := in.AsOf.DaysUntil(x.Expires)
	switch {
	case expired(x, in.AsOf):
		v.State, v.Note = "expired", "expired "+days(-n)+" ago"
	case expiring(x, in.AsOf, in.Config.DueSoon):
		v.State, v.Note = "expiring", "expires in "+days(n)
		if n == 0 {
			v.Note = "expires today"
		}
	default:
		v.State, v.Note = "active", "expires in "+days(n)
	}
	return v
}

// Publish writes /exceptions/: expired, expiring and active exceptions.
func (r *Exceptions) Publish(rr report.Renderer) ([]report.Page, diag.List) {
	d := &ExceptionsData{DueSoon: view.HumanInterval(r.in.Config.DueSoon)}
	for _, it := range r.exceptions {
		v := r.view(rr, it)
		switch v.State {
		case "expired":
			d.Expired.Exceptions = append(d.Expired.Exceptions, v)
		case "expiring":
			d.Expiring.Exceptions = append(d.Expiring.Exceptions, v)
		default:
			d.Active.Exceptions = append(d.Active.Exceptions, v)
		}
	}
	for _, l := range [][]ExceptionView{d.Expired.Exceptions, d.Expiring.Exceptions, d.Active.Exceptions} {
		slices.SortStableFunc(l, func(a, b ExceptionView) int {
			return cmp.Or(cmp.Compare(a.Expires, b.Expires), cmp.Compare(a.ID, b.ID))
		})
	}
	d.Tiles = []view.Tile{
		{Label: "expired", Class: okBad(len(d.Expired.Exceptions)), URL: "#expired", Value: len(d.Expired.Exceptions)},
		{Label: "expiring within " + d.DueSoon, Class: "warn", URL: "#expiring", Value: len(d.Expiring.Exceptions)},
		{Label: "active", Class: "", URL: "#active", Value: len(d.Active.Exceptions)},
	}
	if len(d.Expiring.Exceptions) == 0 {
		d.Tiles[1].Class = "ok"
	}
	return []report.Page{{URL: "exceptions/", Layout: "exceptions", Title: "Exceptions", Crumbs: report.Crumbs("Exceptions"), Data: d}}, nil
}

// DocExceptionsData is what the exceptions-table partial sees.
type DocExceptionsData struct {
	Exceptions []ExceptionView
	Against    bool // on the page of the document departed from: name the register instead
}

// Annotate adds to a document page the exceptions written in it and, for
// a policy or procedure, the exceptions granted against it elsewhere.
func (r *Exceptions) Annotate(rr report.Renderer, p *link.Page, v *view.DocView) {
	if p.Doc.IsRetired() || r.in == nil {
		return
	}
	var carried, against []ExceptionView
	for _, it := range r.byPage[p.Doc.Path] {
		carried = append(carried, r.view(rr, it))
	}
	for _, it := range r.byPolicy[p.Doc.ID] {
		if it.Page.Doc.Path != p.Doc.Path {
			against = append(against, r.view(rr, it))
		}
	}
	add := func(id, title string, xs []ExceptionView) {
		if len(xs) == 0 {
			return
		}
		data := DocExceptionsData{Exceptions: xs, Against: id == "exceptions-granted"}
		h, err := rr.Fragment("exceptions:"+id+":"+p.Doc.Path, "document", "exceptions-table", data, nil)
		if err != nil {
			h = []byte("<p>" + template.HTMLEscapeString(err.Error()) + "</p>")
		}
		v.Sections = append(v.Sections, view.DocSection{ID: id, Title: title, Class: "exceptions-section", HTML: template.HTML(h)})
	}
	add("exceptions", "Exceptions", carried)
	add("exceptions-granted", "Exceptions to this document", against)
}

// undated sorts actions without a due date last.
func undated(a ActionView) int {
	if a.Due == "" {
		return 1
	}
	return 0
}
