package generator

import (
	"github.com/isms-project/isms/diagrams"
	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
)

// enrichment is what the enrich stage adds to the linked site: facts that
// depend on the date (currency), on the whole graph (connectivity), or on
// the outside world (git history). Render only reads it.
type enrichment struct {
	currency map[string]currency.Info // by content path; retired documents excluded
	findings []model.Finding          // sorted: major first, then rule, then ids
	commit   string                   // HEAD of the site's repository, "" outside git
	history  *siteHistory             // nil when the site folder is not on disk
	graph    diagrams.Graph           // the process-interaction graph
}

// enrich runs the enrich stage. Each feature adds its part in its own file.
func enrich(o Options, cfg model.Config, asOf model.Date, s *link.Site, hist *historyRead) (*enrichment, diag.List) {
	var diags diag.List
	en := &enrichment{currency: map[string]currency.Info{}}
	for _, p := range s.Pages {
		if !p.Doc.IsRetired() {
			en.currency[p.Doc.Path] = currency.Of(p.Doc, cfg, asOf)
		}
	}
	enrichProcesses(s, en)
	diags = append(diags, enrichHistory(o, s, en, hist)...)
	diags = append(diags, enrichSoA(s, en)...)
	diags = append(diags, enrichCurrencyFindings(s, asOf, en)...)
	currency.SortFindings(en.findings) // last: every feature's findings are in
	return en, diags
}
