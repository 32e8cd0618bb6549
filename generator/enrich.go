package generator

import (
	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/par"
	"github.com/isms-project/isms/generator/report"
)

// enrichment is what the enrich stage adds to the linked site: each
// document's currency as of the build's date, then every report's
// analysis. Render only reads it.
type enrichment struct {
	input    *report.Input
	findings []model.Finding // every report's, sorted: major first, then rule, then ids
}

// enrich computes currency and runs every report's analysis side by side;
// each report's findings and diagnostics are collected by its index, so
// the result never depends on scheduling, and sorted once.
func enrich(cfg model.Config, asOf model.Date, s *link.Site, reports []report.Report) (*enrichment, diag.List) {
	in := &report.Input{Config: cfg, AsOf: asOf, Site: s, Currency: map[string]currency.Info{}}
	for _, p := range s.Pages {
		if !p.Doc.IsRetired() {
			in.Currency[p.Doc.Path] = currency.Of(p.Doc, cfg, asOf)
		}
	}
	found := make([][]model.Finding, len(reports))
	ds := make([]diag.List, len(reports))
	par.Do(len(reports), func(i int) { found[i], ds[i] = reports[i].Analyze(in) })
	en := &enrichment{input: in}
	var diags diag.List
	for i := range reports {
		en.findings = append(en.findings, found[i]...)
		diags = append(diags, ds[i]...)
	}
	currency.SortFindings(en.findings)
	return en, diags
}
