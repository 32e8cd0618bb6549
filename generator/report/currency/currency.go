// Package currency is the currency report (ISO/IEC 27001 7.5.2, 7.5.3):
// which documents are current, due for review, overdue or never
// reviewed as of the build's date, the ISMS-health findings (the rules of
// package generator/currency), every report's findings in one list, and
// the same as /currency.json and an iCalendar feed, /reviews.ics.
package currency

import (
	"cmp"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"

	cur "github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// Data is what currency.html sees as .Data.
type Data struct {
	AsOf, DueSoon   string
	Tiles           []view.Tile
	Major, Minor    int
	Chart           template.HTML // SVG drawn at build time
	Rows            []CurrencyRow // most urgent first
	Owners          []OwnerGroup  // by owner name
	Findings        []FindingGroup
	JSONURL, ICSURL string
}

// CurrencyRow is one document in the currency table.
type CurrencyRow struct {
	ID, Title, URL, Type, Owner string
	Reviewed, Every, NextReview string
	Status, When                string // When: "57 days overdue", "in 12 days", …
	Rank                        int    // position in urgency order, for sorting back
	DaysLeft                    int
	EveryDays                   int // the interval in approximate days, for sorting
}

// OwnerGroup is one owner's documents, those needing attention first.
type OwnerGroup struct {
	Owner, Anchor           string
	Rows                    []CurrencyRow
	Overdue, DueSoon, Never int
	Attention               bool // anything overdue, due soon or never reviewed
}

// FindingGroup is one rule's findings. A rule that fires many times (an
// SoA with fifteen uncited controls) is shown as one folded group, so it
// does not bury the one major finding beneath it.
type FindingGroup struct {
	Severity, Rule string
	Items          []FindingView
	Open           bool // shown unfolded: a major rule, or a single finding
}

// FindingView is a finding with links to the documents it concerns.
type FindingView struct {
	Severity, Rule, Message string
	Docs                    []view.RefView
}

// Report is the currency report. New makes one per build.
type Report struct{ published report.Published }

// New returns the report.
func New() *Report { return &Report{} }

// HeaderLink puts the currency report in the site header.
func (*Report) HeaderLink() report.Link {
	return report.Link{Title: "Currency", URL: "currency/", Weight: 20}
}

// Analyze applies the currency and ISMS-health rules, and warns where a
// document claims a review later than the as-of date: either the date is
// a typo or the site is being built as of the wrong day.
func (*Report) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	var diags diag.List
	docs := make([]*model.Document, 0, len(in.Site.Pages))
	for _, p := range in.Site.Pages {
		docs = append(docs, p.Doc)
		if c, ok := in.Currency[p.Doc.Path]; ok && c.Future {
			diags.Warnf(p.Doc.At("reviewed"), "review-in-future",
				"reviewed %s is after the as-of date %s; currency is computed from it anyway (next review %s)",
				p.Doc.Reviewed, in.AsOf, c.NextReview)
		}
	}
	return cur.Findings(docs, in.Currency, in.AsOf), diags
}

// SiteWide marks the report as drawn from the whole site (report.SiteWide): its tables list every document.
func (*Report) SiteWide() {}

// Reserves lists the report's page and files (report.Reserver).
func (*Report) Reserves(*link.Site) []string {
	return []string{"currency.json", "reviews.ics", "currency/index.html"}
}

// Publish writes /currency/ (the report page), /currency.json and
// /reviews.ics from the build's currency and every report's findings.
func (rep *Report) Publish(r report.Renderer) ([]report.Page, diag.List) {
	return rep.published.Do(func() ([]report.Page, diag.List) { return publish(r) })
}

// PrintPage is /currency/ for the auditor's copy (/print/), made once.
func (rep *Report) PrintPage(r report.Renderer) (report.Page, bool) {
	rep.Publish(r)
	return rep.published.Printed("currency/")
}

func publish(r report.Renderer) ([]report.Page, diag.List) {
	in := r.Input()
	s := in.Site
	docs := make([]*model.Document, len(s.Pages))
	for i, p := range s.Pages {
		docs[i] = p.Doc
	}
	rep := cur.NewReport(in.AsOf, docs, in.Currency, r.Findings())
	abs := absoluteBase(in.Config.BaseURL)
	ics := cur.ICS(rep, cur.FeedOptions{
		Name:   cmp.Or(in.Config.Organization, in.Config.Title),
		Domain: cmp.Or(hostOf(abs), "isms.invalid"),
		URL: func(r cur.Row) string {
			if abs == "" {
				return ""
			}
			if p, ok := s.ByPath[r.Path]; ok {
				return abs + "/" + p.Href
			}
			return ""
		},
		Events: absoluteEvents(r.Events(), abs),
	})

	d := &Data{
		AsOf: in.AsOf.String(), DueSoon: view.HumanInterval(in.Config.DueSoon),
		Chart:   template.HTML(cur.NewTimeline(rep, in.AsOf).SVG()),
		JSONURL: s.Root + "currency.json", ICSURL: s.Root + "reviews.ics",
	}
	d.Major, d.Minor = rep.Counts()
	sum := rep.Summary
	d.Tiles = []view.Tile{
		{Label: "overdue", Class: tileClass(sum.Overdue, "bad"), URL: "?status=overdue#documents", Value: sum.Overdue},
		{Label: "never reviewed", Class: tileClass(sum.NeverReviewed, "bad"), URL: "?status=never-reviewed#documents", Value: sum.NeverReviewed},
		{Label: "due in " + view.HumanInterval(in.Config.DueSoon), Class: tileClass(sum.DueSoon, "warn"), URL: "?status=due-soon#documents", Value: sum.DueSoon},
		{Label: "current", Class: "ok", URL: "?status=current#documents", Value: sum.Current},
		{Label: "major findings", Class: tileClass(d.Major, "bad"), URL: "#findings", Value: d.Major},
		{Label: "minor findings", Class: tileClass(d.Minor, "warn"), URL: "#findings", Value: d.Minor},
	}
	for i, r := range rep.ByUrgency() {
		row := currencyRow(r, i)
		if p, ok := s.ByPath[r.Path]; ok {
			row.URL = s.Root + p.Href
		}
		d.Rows = append(d.Rows, row)
	}
	d.Owners = ownerGroups(d.Rows)
	for _, f := range rep.Findings { // sorted: major first, then rule
		fv := FindingView{Severity: f.Severity, Rule: f.Rule, Message: f.Message}
		for _, id := range f.IDs {
			if _, ok := s.ByID[id]; ok {
				fv.Docs = append(fv.Docs, r.Ref(id))
			}
		}
		if n := len(d.Findings); n == 0 || d.Findings[n-1].Rule != f.Rule || d.Findings[n-1].Severity != f.Severity {
			d.Findings = append(d.Findings, FindingGroup{Severity: f.Severity, Rule: f.Rule})
		}
		g := &d.Findings[len(d.Findings)-1]
		g.Items = append(g.Items, fv)
		g.Open = g.Severity == cur.Major || len(g.Items) <= 2
	}

	return []report.Page{
		{URL: "currency.json", Bytes: rep.JSON()},
		{URL: "reviews.ics", Bytes: ics},
		{URL: "currency/", Layout: "currency", Kind: "report", Title: "Document currency", Data: d,
			Scripts: []string{"assets/currency.js"}},
	}, nil
}

// absoluteEvents gives events their absolute URLs when the site has an
// absolute base_url, and none otherwise (a feed needs absolute links).
func absoluteEvents(events []cur.Event, abs string) []cur.Event {
	out := make([]cur.Event, len(events))
	for i, e := range events {
		if abs != "" && e.URL != "" {
			e.URL = abs + "/" + e.URL
		} else {
			e.URL = ""
		}
		out[i] = e
	}
	return out
}

func tileClass(n int, class string) string {
	if n == 0 {
		return "ok"
	}
	return class
}

func currencyRow(r cur.Row, rank int) CurrencyRow {
	cr := CurrencyRow{
		ID: r.ID, Title: r.Title, Type: r.Type, Owner: r.Owner,
		Reviewed: string(r.Reviewed), Every: r.ReviewEvery, NextReview: string(r.NextReview),
		Status: r.Status, Rank: rank, DaysLeft: r.DaysLeft,
	}
	if iv, err := model.ParseInterval(r.ReviewEvery); err == nil {
		cr.EveryDays = iv.N * map[byte]int{'d': 1, 'w': 7, 'm': 30, 'y': 365}[iv.Unit]
	}
	switch {
	case r.Status == cur.NeverReviewed:
		cr.When = "never reviewed"
	case r.Status == cur.Overdue:
		cr.When = dayCount(r.DaysOverdue) + " overdue"
	case r.DaysLeft == 0:
		cr.When = "due today"
	default:
		cr.When = "in " + dayCount(r.DaysLeft)
	}
	return cr
}

func dayCount(n int) string {
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

// ownerGroups groups rows (already in urgency order) by owner, owners by name.
func ownerGroups(rows []CurrencyRow) []OwnerGroup {
	by := map[string]*OwnerGroup{}
	var names []string
	for _, r := range rows {
		g := by[r.Owner]
		if g == nil {
			g = &OwnerGroup{Owner: r.Owner, Anchor: "owner-" + view.Slug(r.Owner, "unnamed")}
			by[r.Owner] = g
			names = append(names, r.Owner)
		}
		g.Rows = append(g.Rows, r)
		switch r.Status {
		case cur.Overdue:
			g.Overdue++
		case cur.DueSoon:
			g.DueSoon++
		case cur.NeverReviewed:
			g.Never++
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
	})
	out := make([]OwnerGroup, 0, len(names))
	seen := map[string]int{}
	for _, n := range names {
		g := by[n]
		g.Attention = g.Overdue+g.DueSoon+g.Never > 0
		if k := seen[g.Anchor]; k > 0 { // two owners that slug alike
			seen[g.Anchor]++
			g.Anchor = fmt.Sprintf("%s-%d", g.Anchor, k+1)
		} else {
			seen[g.Anchor] = 1
		}
		out = append(out, *g)
	}
	return out
}

// absoluteBase is base_url without its trailing slash when it is an
// absolute http(s) URL, else "" (a feed needs absolute links).
func absoluteBase(base string) string {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return strings.TrimSuffix(base, "/")
}

func hostOf(abs string) string {
	if u, err := url.Parse(abs); err == nil {
		return u.Hostname()
	}
	return ""
}
