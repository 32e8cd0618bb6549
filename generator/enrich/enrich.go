// Package enrich is the stage between link and render: each document's
// currency as of the build's date, then every report's analysis, run side
// by side, with findings collected by report index and sorted once, and
// what reports give the calendar and the home page.
package enrich

import (
	"sync"

	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/par"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// Result is what the enrich stage adds to the linked site. Render only
// reads it.
type Result struct {
	Input    *report.Input
	Findings []model.Finding  // every report's, sorted: major first, then rule, then ids; complete after Wait
	Events   []currency.Event // every report's dates for the review calendar
	Tiles    []view.Tile      // every report's figures for the home page

	found   [][]model.Finding // by report
	pending []report.Finisher // Finish not yet called (Start)
	once    sync.Once
	late    diag.List // what the pending reports said
}

// Run computes currency and runs every report's analysis side by side;
// each report's findings and diagnostics are collected by its index, so
// the result never depends on scheduling, and sorted once.
func Run(cfg model.Config, asOf model.Date, s *link.Site, schema *model.Schema, reports []report.Report) (*Result, diag.List) {
	en, diags := Start(cfg, asOf, s, schema, reports)
	return en, append(diags, en.Wait()...)
}

// Start is Run without waiting for the slow part of the reports that
// have one (report.Finisher): what document pages need is known when it
// returns; Findings is complete, and the rest of the diagnostics known,
// once Wait returns.
func Start(cfg model.Config, asOf model.Date, s *link.Site, schema *model.Schema, reports []report.Report) (*Result, diag.List) {
	records, diags := report.IndexRecordsAsOf(s, schema, asOf)
	in := &report.Input{Config: cfg, AsOf: asOf, Site: s, Currency: make(map[string]currency.Info, len(s.Pages)), Records: records}
	for _, p := range s.Pages {
		if !p.Doc.IsRetired() {
			in.Currency[p.Doc.Path] = currency.Of(p.Doc, cfg, asOf)
		}
	}
	found := make([][]model.Finding, len(reports))
	ds := make([]diag.List, len(reports))
	par.Do(len(reports), func(i int) { found[i], ds[i] = reports[i].Analyze(in) })
	en := &Result{Input: in, found: found}
	for i, r := range reports {
		diags = append(diags, ds[i]...)
		if e, ok := r.(report.Eventer); ok {
			en.Events = append(en.Events, e.Events()...)
		}
		if t, ok := r.(report.Tiler); ok {
			en.Tiles = append(en.Tiles, t.Tiles()...)
		}
		if f, ok := r.(report.Finisher); ok {
			en.pending = append(en.pending, f)
		} else {
			en.pending = append(en.pending, nil)
		}
	}
	return en, diags
}

// Wait waits for the slow part of every report's analysis and completes
// Findings; it returns what those parts said (the same list on every
// call). Safe to call from many goroutines.
func (en *Result) Wait() diag.List {
	en.once.Do(func() {
		for i, f := range en.pending {
			if f == nil {
				continue
			}
			fs, d := f.Finish()
			en.found[i] = append(en.found[i], fs...)
			en.late = append(en.late, d...)
		}
		en.pending = nil
		for _, fs := range en.found {
			en.Findings = append(en.Findings, fs...)
		}
		en.found = nil
		currency.SortFindings(en.Findings)
	})
	return en.late
}
