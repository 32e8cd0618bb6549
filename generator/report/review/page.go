package review

import (
	"cmp"
	"net/url"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/report/actions"
	"github.com/isms-project/isms/generator/view"
)

// Data is what review.html sees as .Data: the input pack for the next
// management review.
type Data struct {
	Since, Until string      // the period: after Since, up to and including Until (as-of)
	Latest       *LatestView // the latest minutes; nil when no review is recorded
	Items        []Item      // 9.3.2 a–g
	Empty        bool        // nothing at all is recorded: no minutes and no input has anything
}

// LatestView is the latest management review and what its minutes say
// they covered.
type LatestView struct {
	Ref       view.RefView
	Date      string
	HasCovers bool
	Covers    []string
	Missing   []string
}

// Item is one 9.3.2 input, its groups of entries.
type Item struct {
	Letter, Title, Short, Anchor string
	Covered                      bool // the latest minutes covered it (when they say)
	Groups                       []Group
	Entries                      int // in every group
}

// Group is one kind of thing an input looks at (nonconformities, audit
// results, …); Title is "" when the input has one group. Empty is what
// the page says when it has no entries.
type Group struct {
	Title, Empty string
	Entries      []Entry
}

// Entry is one record or document, with where it came from.
type Entry struct {
	ID, Title, URL string
	Status, Date   string
	Note           string
	From           *view.RefView // the document it is written in, when it is a record
}

// Publish writes /management-review/.
func (rep *Report) Publish(r report.Renderer) ([]report.Page, diag.List) {
	d := rep.pack(r)
	return []report.Page{{URL: "management-review/", Layout: "review", Title: "Management review", Crumbs: report.Crumbs("Management review"), Data: d}}, nil
}

// period is the pack's period: after the latest review, or the 12
// months before as-of when none is recorded.
func (rep *Report) period() model.Date {
	if len(rep.minutes) > 0 {
		return heldOn(rep.minutes[0].Doc)
	}
	t := rep.in.AsOf.Time().AddDate(-1, 0, 0)
	return model.DateOf(t.Year(), t.Month(), t.Day())
}

// pack computes every input from the records.
func (rep *Report) pack(r report.Renderer) *Data {
	in := rep.in
	since, until := rep.period(), in.AsOf
	inPeriod := func(d model.Date) bool { return !d.IsZero() && d.After(since) && !d.After(until) }
	d := &Data{Since: since.String(), Until: until.String()}
	if len(rep.minutes) > 0 {
		m := rep.minutes[0].Doc
		lv := &LatestView{Ref: r.Ref(m.ID), Date: heldOn(m).String()}
		if c, ok := covers(m); ok {
			lv.HasCovers, lv.Covers, lv.Missing = true, c.Letters, Missing(c.Letters)
		}
		d.Latest = lv
	}
	reviews := map[string]bool{}
	for _, p := range in.Site.Pages {
		if isReview(p.Doc) {
			reviews[p.Doc.ID] = true
		}
	}
	recordURL := func(p *link.Page, id string) string { return in.Site.Root + p.Href + "#" + url.PathEscape(id) }
	from := func(p *link.Page) *view.RefView { rv := r.Ref(p.Doc.ID); return &rv }
	docEntry := func(p *link.Page, date model.Date, note string) Entry {
		rv := r.Ref(p.Doc.ID)
		e := Entry{ID: p.Doc.ID, Title: p.Doc.Title, URL: rv.URL, Status: p.Doc.Status, Note: note}
		if !date.IsZero() {
			e.Date = date.String()
		}
		return e
	}
	actionEntry := func(p *link.Page, a actions.Action, note string) Entry {
		e := Entry{ID: a.ID, Title: a.Title, URL: recordURL(p, a.ID), Status: a.Status, Note: note, From: from(p)}
		switch {
		case !a.Done.IsZero():
			e.Date = "done " + a.Done.String()
		case !a.Due.IsZero():
			e.Date = "due " + a.Due.String()
		}
		return e
	}
	// relevant: an action still open, or raised or closed in the period
	relevant := func(a actions.Action) bool { return a.Open() || inPeriod(a.Raised) || inPeriod(a.Done) }

	var prev, ncs, opps []Entry
	var ctx, parties, audits, monitoring, fb []Entry
	hasClause := func(doc *model.Document, c string) bool {
		return slices.ContainsFunc(doc.Clauses, func(x string) bool { return x == c || strings.HasPrefix(x, c+".") })
	}
	for _, p := range in.Site.Pages {
		doc := p.Doc
		if doc.IsRetired() {
			continue
		}
		for _, a := range actions.DocActions(doc) {
			switch {
			case reviews[a.Source.ID] && relevant(a):
				note := ""
				if a.Source.ID != doc.ID {
					note = "raised at " + a.Source.ID
				}
				prev = append(prev, actionEntry(p, a, note))
			}
			switch {
			case a.Kind == "nonconformity" && relevant(a):
				ncs = append(ncs, actionEntry(p, a, a.Severity+" nonconformity"))
			case a.Kind == "opportunity" && a.Open():
				opps = append(opps, actionEntry(p, a, ""))
			}
		}
		if hasClause(doc, "4.1") || hasClause(doc, "4.2") {
			var notes []string
			for _, h := range doc.History {
				if inPeriod(h.Date) {
					notes = append(notes, "v"+h.Version+" "+h.Date.String()+": "+h.Change)
				}
			}
			if inPeriod(doc.Reviewed) {
				notes = append(notes, "reviewed "+doc.Reviewed.String())
			}
			if in.History != nil {
				for _, rv := range in.History(doc.Path) {
					if day, err := model.ParseDate(rv.Date); err == nil && inPeriod(day) {
						notes = append(notes, "commit "+rv.Short+" "+rv.Date+": "+rv.Subject)
					}
				}
			}
			if len(notes) > 0 {
				e := docEntry(p, model.Date{}, strings.Join(notes, "; "))
				if hasClause(doc, "4.1") {
					ctx = append(ctx, e)
				}
				if hasClause(doc, "4.2") {
					parties = append(parties, e)
				}
			}
		}
		if hasClause(doc, "9.2") && inPeriod(doc.Date) {
			audits = append(audits, docEntry(p, doc.Date, doc.Type))
		}
		if doc.Type == "evidence" && hasClause(doc, "9.1") && inPeriod(doc.Date) {
			monitoring = append(monitoring, docEntry(p, doc.Date, ""))
		}
		if feedback(doc) {
			date := cmp.Or(doc.Date, doc.Reviewed)
			if inPeriod(date) {
				fb = append(fb, docEntry(p, date, doc.Type))
			}
		}
	}
	var objectives []Entry
	for _, id := range in.Records.IDs("objective") {
		rec, _ := in.Records.Get("objective", id)
		e := Entry{ID: id, Title: rec.Title, Status: cmp.Or(rec.Status, "unmeasured")}
		if rec.Page != nil {
			e.URL, e.From = recordURL(rec.Page, id), from(rec.Page)
		}
		objectives = append(objectives, e)
	}
	var risks, treatment []Entry
	for _, f := range r.Findings() {
		if (f.Rule != "risk-above-appetite" && f.Rule != "risk-acceptance-expired") || len(f.IDs) == 0 {
			continue
		}
		e := Entry{ID: f.IDs[0], Note: f.Message, Status: strings.TrimPrefix(f.Rule, "risk-")}
		if rec, ok := in.Records.Get("risk", f.IDs[0]); ok {
			e.Title = rec.Title
			if rec.Page != nil {
				e.URL, e.From = recordURL(rec.Page, rec.ID), from(rec.Page)
			}
		}
		risks = append(risks, e)
	}
	seen := map[string]bool{}
	for _, id := range in.Records.IDs("risk") {
		rk, _ := in.Records.Get("risk", id)
		for _, aid := range rk.Refs["action"] {
			a, ok := in.Records.Get("action", aid)
			if !ok || seen[aid] || (a.Status != "open" && a.Status != "in-progress") {
				continue
			}
			seen[aid] = true
			e := Entry{ID: aid, Title: a.Title, Status: a.Status, Note: "treats " + id}
			if a.Page != nil {
				e.URL, e.From = recordURL(a.Page, aid), from(a.Page)
			}
			treatment = append(treatment, e)
		}
	}

	nothing := "Nothing recorded since " + d.Since + "."
	one := func(es []Entry) []Group { return []Group{{Entries: es, Empty: nothing}} }
	groups := map[string][]Group{
		"a": one(prev),
		"b": one(ctx),
		"c": one(parties),
		"d": {
			{Title: "Nonconformities and corrective actions", Entries: ncs, Empty: "No nonconformity open, raised or closed since " + d.Since + "."},
			{Title: "Monitoring and measurement results", Entries: monitoring, Empty: "No monitoring evidence (clause 9.1) dated since " + d.Since + "."},
			{Title: "Audit results", Entries: audits, Empty: "No audit record (clause 9.2) dated since " + d.Since + "."},
			{Title: "Fulfilment of objectives", Entries: objectives, Empty: "No objectives recorded."},
		},
		"e": one(fb),
		"f": {
			{Title: "Risks above appetite or with an expired acceptance", Entries: risks, Empty: "No risk is above appetite or past its acceptance."},
			{Title: "Treatment actions open", Entries: treatment, Empty: "No treatment action is open."},
		},
		"g": {{Entries: opps, Empty: "No open opportunity for improvement."}},
	}
	d.Empty = d.Latest == nil
	for _, l := range Letters {
		it := Item{Letter: l, Title: Inputs[l], Short: short[l], Anchor: "input-" + l, Groups: groups[l]}
		for gi := range it.Groups {
			g := &it.Groups[gi]
			slices.SortStableFunc(g.Entries, func(a, b Entry) int { return cmp.Compare(a.ID, b.ID) })
			it.Entries += len(g.Entries)
		}
		if d.Latest != nil && d.Latest.HasCovers {
			it.Covered = slices.Contains(d.Latest.Covers, l)
		}
		if it.Entries > 0 {
			d.Empty = false
		}
		d.Items = append(d.Items, it)
	}
	return d
}

// HeaderLink puts the review pack in the site header.
func (*Report) HeaderLink() report.Link {
	return report.Link{Title: "Management review", URL: "management-review/", Weight: 29}
}
