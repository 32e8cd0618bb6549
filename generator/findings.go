package generator

import (
	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
)

// enrichCurrencyFindings adds the currency and ISMS-health findings (see
// the rule table in package currency) to en.findings, and warns where a
// document claims a review later than the as-of date: either the date is
// a typo or the site is being built as of the wrong day.
func enrichCurrencyFindings(s *link.Site, asOf model.Date, en *enrichment) diag.List {
	var diags diag.List
	docs := make([]*model.Document, 0, len(s.Pages))
	for _, p := range s.Pages {
		docs = append(docs, p.Doc)
		if in, ok := en.currency[p.Doc.Path]; ok && in.Future {
			diags.Warnf(p.Doc.At("reviewed"), "review-in-future",
				"reviewed %s is after the as-of date %s; currency is computed from it anyway (next review %s)",
				p.Doc.Reviewed, asOf, in.NextReview)
		}
	}
	en.findings = append(en.findings, currency.Findings(docs, en.currency, asOf)...)
	return diags
}
