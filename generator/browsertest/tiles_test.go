package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestHomeTilesFilter: a health tile on the home page opens /currency/
// with the documents of its status only (the table is filtered by the
// address's ?status=).
func TestHomeTilesFilter(t *testing.T) {
	base := serveSampleCSP(t)
	ctx := browser(t)
	open(ctx, t, base+"/", ".tiles")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.tiles a[href*="status=overdue"]`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS("#currency-table"))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#currency-table tbody tr')].filter(r => !r.hidden).map(r => r.getAttribute('data-status'))`))
	if err != nil || len(got) == 0 {
		t.Fatalf("rows shown: %v (%v)", got, err)
	}
	for _, s := range got {
		if s != "overdue" {
			t.Errorf("a %s row is shown after the overdue tile", s)
		}
	}
	all, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#currency-table tbody tr').length`))
	if all <= len(got) {
		t.Errorf("%d of %d rows shown: nothing was filtered", len(got), all)
	}
}
