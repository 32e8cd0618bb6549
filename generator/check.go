package generator

import (
	"context"
	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/model"
)

// Check runs the pipeline up to and including enrich — validation,
// currency, findings — and renders nothing, for `isms check` in CI.
// Result.Tree is always nil; Result.Diags holds every problem found.
func Check(ctx context.Context, o Options) (*Result, error) {
	o.NoRender = true
	return Build(ctx, o)
}

// CurrencyReport is the currency report of a checked or built site, or
// nil when the pipeline stopped before the enrich stage.
func CurrencyReport(res *Result) *currency.Report {
	if res == nil || res.Site == nil || res.Currency == nil {
		return nil
	}
	docs := make([]*model.Document, len(res.Site.Pages))
	for i, p := range res.Site.Pages {
		docs[i] = p.Doc
	}
	return currency.NewReport(res.AsOf, docs, res.Currency, res.Findings)
}
