package generator

import (
	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/par"
	"github.com/isms-project/isms/generator/render"
	"github.com/isms-project/isms/generator/report"
)

// enrichment is what the enrich stage adds to the linked site: each
// document's currency as of the build's date, then every report's
// analysis. Render only reads it.
type enrichment struct {
	input    *report.Input
	findings []model.Finding  // every report's, sorted: major first, then rule, then ids
	events   []currency.Event // every report's dates for the review calendar
	tiles    []render.Tile    // every report's figures for the home page
}

// enrich computes currency and runs every report's analysis side by side;
// each report's findings and diagnostics are collected by its index, so
// the result never depends on scheduling, and sorted once.
func enrich(cfg model.Config, asOf model.Date, s *link.Site, schema *model.Schema, reports []report.Report) (*enrichment, diag.List) {
	records, diags := report.IndexRecords(s, schema)
	in := &report.Input{Config: cfg, AsOf: asOf, Site: s, Currency: map[string]currency.Info{}, Records: records}
	for _, p := range s.Pages {
		if !p.Doc.IsRetired() {
			in.Currency[p.Doc.Path] = currency.Of(p.Doc, cfg, asOf)
		}
	}
	found := make([][]model.Finding, len(reports))
	ds := make([]diag.List, len(reports))
	par.Do(len(reports), func(i int) { found[i], ds[i] = reports[i].Analyze(in) })
	en := &enrichment{input: in}
	for i, r := range reports {
		en.findings = append(en.findings, found[i]...)
		diags = append(diags, ds[i]...)
		if e, ok := r.(report.Eventer); ok {
			en.events = append(en.events, e.Events()...)
		}
		if t, ok := r.(report.Tiler); ok {
			en.tiles = append(en.tiles, t.Tiles()...)
		}
	}
	currency.SortFindings(en.findings)
	return en, diags
}
