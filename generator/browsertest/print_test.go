package browsertest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// printKinds are the sample site's page kinds that a reader prints, one
// page each.
var printKinds = []struct{ name, url string }{
	{"soa", "/soa/"},
	{"currency", "/currency/"},
	{"print", "/print/"},
	{"processes", "/processes/"},
	{"risks", "/risks/"},
	{"actions", "/actions/"},
	{"exceptions", "/exceptions/"},
	{"objectives", "/objectives/"},
	{"review", "/management-review/"},
	{"evidence", "/evidence/"},
	{"document", "/registers/risk-register/"},
	{"process", "/processes/risk-assessment/"},
	{"history", "/policies/access-control/history/"},
	{"home", "/"},
}

// paper is a sheet size in inches and the width of its printable area
// in CSS pixels under the theme's 15 mm page margins.
type paper struct {
	name          string
	width, height float64 // inches
}

var papers = []paper{{"a4", 8.27, 11.69}, {"letter", 8.5, 11}}

// printWidth is the layout width Chromium gives a printed page: the
// sheet less the theme's @page margins (15 mm each side), at 96 px/in.
func (p paper) printWidth() int64 { return int64((p.width - 2*15/25.4) * 96) }

// printPDF prints the current page on paper p as Chromium's "Save as
// PDF" does (backgrounds off, the theme's own page margins).
func printPDF(ctx context.Context, p paper) ([]byte, error) {
	css := true
	r, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: p.width, PaperHeight: p.height, PreferCSSPageSize: &css})
	if err != nil {
		return nil, err
	}
	return r.Data, nil
}

// TestPrintScreenshots writes every printed page kind at 390 and 1,400 px,
// dark, and as A4 and Letter PDFs into $ISMS_SCREENSHOTS, for a person to
// look at (pdftoppm -png -r 60 x.pdf x); skipped otherwise.
func TestPrintScreenshots(t *testing.T) {
	dir := os.Getenv("ISMS_SCREENSHOTS")
	if dir == "" {
		t.Skip("set ISMS_SCREENSHOTS=dir to write screenshots and PDFs of the printed page kinds")
	}
	only := os.Getenv("ISMS_SCREENSHOTS_ONLY") // e.g. "soa,print"
	base, _ := serveSample(t)
	for _, k := range printKinds {
		if only != "" && !strings.Contains(","+only+",", ","+k.name+",") {
			continue
		}
		ctx := browser(t) // one each: a browser gives a test 60 s
		for _, s := range []struct {
			suffix string
			width  int64
			scheme string
		}{{"390", 390, "light"}, {"1400", 1400, "light"}, {"1400-dark", 1400, "dark"}} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.width, 900), media("", s.scheme),
				chromedp.Navigate(base+k.url), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
				t.Fatal(err)
			}
			shot := chromedp.FullScreenshot(100)
			if h, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollHeight`)); h > 15000 {
				shot = chromedp.CaptureScreenshot() // the whole manual is too tall for one picture
			}
			png, err := chromedp.Run(ctx, shot)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, k.name+"-"+s.suffix+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
			if k.name == "processes" { // the map as it first shows
				png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(".process-map")))
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, k.name+"-"+s.suffix+"-map.png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, p := range papers {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), media("", "light"),
				chromedp.Navigate(base+k.url), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
				t.Fatal(err)
			}
			pdf, err := printPDF(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s.pdf", k.name, p.name)), pdf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// fitScript lists what does not fit a printed page laid out at the
// viewport's width: a table wider than the page or reaching past it, a
// cell whose content spills over its neighbour, the page itself wider
// than the sheet; and, for the SoA, a justification column too narrow to
// hold more than a word a line.
const fitScript = `(() => {
	const W = document.documentElement.clientWidth, bad = [];
	const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '');
	for (const t of document.querySelectorAll('main table')) {
		const r = t.getBoundingClientRect();
		if (r.width === 0) continue;
		if (r.left < -1 || r.right > W + 1) bad.push(name(t) + ' spans ' + Math.round(r.left) + '..' + Math.round(r.right) + ' px of ' + W);
		if (t.scrollWidth > t.clientWidth + 1) bad.push(name(t) + ' clips its content: ' + t.scrollWidth + ' > ' + t.clientWidth + ' px');
		for (const c of t.querySelectorAll('td, th')) {
			if (c.scrollWidth > c.clientWidth + 1) { bad.push(name(t) + ' cell "' + c.textContent.trim().slice(0, 40) + '" spills: ' + c.scrollWidth + ' > ' + c.clientWidth + ' px'); break; }
		}
		// A word broken over lines other than after a hyphen: a column
		// squeezed to a few letters a line.
		const walk = document.createTreeWalker(t, NodeFilter.SHOW_TEXT), range = document.createRange();
		let broken = null;
		for (let n = walk.nextNode(); n && !broken; n = walk.nextNode()) {
			if (!n.parentElement.closest('td, th') || n.parentElement.getClientRects().length === 0) continue;
			for (const m of n.data.matchAll(/\S+/g)) {
				range.setStart(n, m.index); range.setEnd(n, m.index + m[0].length);
				const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
				if (lines.size < 2) continue;
				const top = i => { range.setStart(n, m.index + i); range.setEnd(n, m.index + i + 1); return Math.round(range.getBoundingClientRect().top); };
				for (let i = 1, t0 = top(0); i < m[0].length; i++) {
					const ti = top(i);
					if (ti !== t0) { if (m[0][i - 1] !== '-') broken = m[0]; break; }
				}
				if (broken) break;
			}
		}
		if (broken) bad.push(name(t) + ' breaks the word "' + broken + '" over lines');
	}
	for (const j of document.querySelectorAll('.soa-table td.c-just')) {
		const t = j.closest('table').getBoundingClientRect().width;
		if (j.getBoundingClientRect().width < 0.2 * t) { bad.push('SoA justification column is ' + Math.round(j.getBoundingClientRect().width) + ' px of ' + Math.round(t)); break; }
	}
	if (document.documentElement.scrollWidth > W + 1) bad.push('the page is ' + document.documentElement.scrollWidth + ' px wide, the sheet ' + W);
	return bad;
})()`

// On A4 and on Letter, with print media, no table of any page kind is
// wider than the page, clips a column (the currency report's status) or
// lets a cell spill into the next (the SoA's justification over its
// documents); and a PDF printed on Letter is Letter.
func TestPrintFitsThePage(t *testing.T) {
	browserTests(t)
	t.Parallel() // only reads layout, in a tab of its own
	ctx := browser(t)
	base, _ := serveSample(t)
	for _, p := range papers {
		for _, k := range printKinds {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(p.printWidth(), 1000), media("print", "light"),
				chromedp.Navigate(base+k.url), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
				t.Fatal(err)
			}
			bad, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fitScript))
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range bad {
				t.Errorf("%s on %s: %s", k.url, p.name, b)
			}
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), media("", "light"),
		chromedp.Navigate(base+"/management-review/"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	pdf, err := printPDF(ctx, papers[1])
	if err != nil {
		t.Fatal(err)
	}
	if box := "/MediaBox [0 0 612 792]"; !strings.Contains(string(pdf), box) {
		t.Errorf("/management-review/ printed on Letter lacks %s: a stylesheet forces another paper size", box)
	}
}

// The auditor's copy as Chromium parses it: every id once, every in-page
// link (HTML and SVG) lands on an element of the copy, and the SoA, the
// currency table and the process map are in it.
func TestPrintCopyInBrowser(t *testing.T) {
	ctx := browser(t)
	base, _ := serveSample(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/print/"), chromedp.WaitReady(chromedp.CSS(".print-manual"))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const bad = [], seen = new Map();
		for (const e of document.querySelectorAll('[id]')) seen.set(e.id, (seen.get(e.id) || 0) + 1);
		for (const [id, n] of seen) if (n > 1) bad.push('id ' + id + ' ×' + n);
		let links = 0;
		for (const a of document.querySelectorAll('.print-manual a')) {
			const h = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
			if (!h.startsWith('#')) continue;
			links++;
			if (!document.getElementById(decodeURIComponent(h.slice(1)))) bad.push('link ' + h + ' lands nowhere');
		}
		if (links < 500) bad.push('only ' + links + ' links inside the copy');
		for (const s of ['#report-soa table.soa-table', '#report-currency table.currency-table', '#report-processes svg.diagram-svg g.node', '#doc-prc-risk-01 figure.neighbourhood svg']) {
			if (!document.querySelector(s)) bad.push('no ' + s);
		}
		return bad;
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range got {
		t.Error(b)
	}
}
