package browsertest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Clicking a heat-map cell lands on the rows of its risks: the URL names
// the first, which is highlighted, and the cell's other risks are the
// rows right after it, on screen below the sticky header.
func TestRiskHeatMapCellLandsOnRows(t *testing.T) {
	ctx := browser(t)
	base, _ := serveSample(t)
	cell := `#heatmap-inherent g.hm-cell[data-likelihood="3"][data-impact="4"]`
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/risks/"), chromedp.WaitReady(chromedp.CSS(cell))); err != nil {
		t.Fatal(err)
	}
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('`+cell+` a.hm-id text')].map(e => e.textContent)`))
	if err != nil || len(ids) != 3 {
		t.Fatalf("cell L3×I4 lists %v (%v), want three risks", ids, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(cell+" a.hm-cell-link rect"))); err != nil {
		t.Fatal(err)
	}
	if loc := waitLocation(ctx, base+"/risks/#"+ids[0]); loc != base+"/risks/#"+ids[0] {
		t.Fatalf("after clicking the cell the browser is at %s, want #%s", loc, ids[0])
	}
	time.Sleep(200 * time.Millisecond) // the scroll to the target
	for _, id := range ids {
		vis, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
			const r = document.getElementById(`+"`"+id+"`"+`).getBoundingClientRect();
			const h = document.querySelector('.site-header').getBoundingClientRect().bottom;
			return r.top >= h - 1 && r.bottom <= window.innerHeight;
		})()`))
		if err != nil || !vis {
			t.Errorf("row %s is not on screen below the header after the click (%v)", id, err)
		}
	}
	target, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(':target')).outlineStyle`))
	if err != nil || target != "solid" {
		t.Errorf("the landed-on row is not highlighted: outline %q (%v)", target, err)
	}
	// An id inside a cell is its own link.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#heatmap-residual a.hm-id[href="#R-02"] text`))); err != nil {
		t.Fatal(err)
	}
	if loc := waitLocation(ctx, base+"/risks/#R-02"); loc != base+"/risks/#R-02" {
		t.Errorf("after clicking R-02 in the residual map the browser is at %s", loc)
	}
}

// The register's filters are links and CSS: "with findings" leaves only
// the flagged rows on show, "all" brings the rest back.
func TestRiskFiltersWithoutJS(t *testing.T) {
	ctx := browser(t)
	base, _ := serveSample(t)
	shown := `[...document.querySelectorAll('#register tbody tr')].filter(r => r.offsetParent !== null).map(r => r.id)`
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/risks/#only-flagged"), chromedp.WaitReady(chromedp.CSS("#register"))); err != nil {
		t.Fatal(err)
	}
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](shown))
	if err != nil || strings.Join(ids, " ") != "R-02 R-07 R-13 R-08" {
		t.Errorf("with findings shows %v (%v), want R-02 R-07 R-13 R-08", ids, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`.risk-filters a[href="#register"]`))); err != nil {
		t.Fatal(err)
	}
	waitLocation(ctx, base+"/risks/#register")
	if ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](shown)); err != nil || len(ids) != 13 {
		t.Errorf("all shows %d rows (%v), want 13", len(ids), err)
	}
}

// The register's sort buttons (added by risks.js) order the rows by the
// column's value, and a second click reverses it.
func TestRiskSort(t *testing.T) {
	ctx := browser(t)
	base, _ := serveSample(t)
	ids := `[...document.querySelectorAll('#register tbody tr')].map(r => r.id).join(" ")`
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/risks/"), chromedp.WaitReady(chromedp.CSS("#register th.r-id button.risk-sort"))); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"R-01 R-02 R-03 R-04 R-05 R-06 R-07 R-08 R-09 R-10 R-11 R-12 R-13",
		"R-13 R-12 R-11 R-10 R-09 R-08 R-07 R-06 R-05 R-04 R-03 R-02 R-01",
	} {
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('#register th.r-id button').click()`)); err != nil {
			t.Fatal(err)
		}
		if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](ids)); err != nil || got != want {
			t.Errorf("sorted by id: %s (%v), want %s", got, err, want)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('#register thead th')[5].querySelector('button').click()`)); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](ids))
	if first := strings.Fields(got); err != nil || len(first) != 13 || !strings.Contains("R-06 R-11", first[0]) || !strings.Contains("R-06 R-11", first[1]) || first[12] != "R-02" {
		t.Errorf("sorted by residual score: %s (%v), want the two 3s first and R-02 (8) last", got, err)
	}
}

// TestRiskScreenshots writes /risks/ at 390 and 1400 px, dark, and as an
// A4 PDF into $ISMS_SCREENSHOTS, for a person to look at; skipped otherwise.
func TestRiskScreenshots(t *testing.T) {
	dir := os.Getenv("ISMS_SCREENSHOTS")
	if dir == "" {
		t.Skip("set ISMS_SCREENSHOTS=dir to write screenshots of /risks/")
	}
	ctx := browser(t)
	base, _ := serveSample(t)
	media := func(m, scheme string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m,
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		})
	}
	for _, s := range []struct {
		name   string
		width  int64
		scheme string
	}{{"risks-390", 390, "light"}, {"risks-1400", 1400, "light"}, {"risks-1400-dark", 1400, "dark"}, {"risks-390-dark", 390, "dark"}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.width, 900), media("", s.scheme),
			chromedp.Navigate(base+"/risks/"), chromedp.WaitReady(chromedp.CSS("#register"))); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{"method", "findings", "heatmaps", "register"} {
			png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID(part)))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, s.name+"-"+part+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The register's own page (its risks table) and an SoA row that
	// lists the risks relying on its control.
	for _, s := range []struct{ name, url, sel string }{
		{"register-doc", "/registers/risk-register/", "#register-risks"},
		{"soa-row", "/soa/", "#control-8-5"},
	} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), media("", "light"), chromedp.Navigate(base+s.url), chromedp.WaitReady(chromedp.CSS(s.sel))); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(s.sel)))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A4 at 96 dpi less 1 cm margins, with print media: what the PDF
	// holds, as a picture (no PDF rasteriser is needed to look at it).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(718, 1047), media("print", "light"), chromedp.Navigate(base+"/risks/"), chromedp.WaitReady(chromedp.CSS("#register"))); err != nil {
		t.Fatal(err)
	}
	for _, part := range []string{"heatmaps", "register"} {
		png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID(part)))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "risks-print-"+part+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), media("", "light"), chromedp.Navigate(base+"/risks/"), chromedp.WaitReady(chromedp.CSS("#register"))); err != nil {
		t.Fatal(err)
	}
	bg := true
	r, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PrintBackground: &bg, PaperWidth: 8.27, PaperHeight: 11.69})
	pdf := r.Data
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "risks-a4.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}
