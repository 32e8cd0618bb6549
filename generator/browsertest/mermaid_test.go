package browsertest

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/serve"
)

// mermaidSite is a site with one page of Mermaid fences (two diagrams, one
// whose own CSS tries to reach the page, and one that Mermaid cannot
// read) and one page without.
var mermaidSite = map[string]string{
	"isms.yaml": "title: Mermaid test\n",
	"content/processes/risk.md": "---\nid: PRC-RISK-01\ntitle: Risk assessment\ntype: process\nowner: Head of Risk\nreviewed: 2026-10-01\n---\n" +
		"# Flow\n\n```mermaid\nflowchart LR\n  A[Risk identified] --> B{Above appetite?}\n  B -- yes --> C[Treat]\n  B -- no --> D[Accept & monitor]\n```\n\n" +
		"## Hand-over\n\n```mermaid\nsequenceDiagram\n  Owner->>CISO: Treatment plan\n  CISO-->>Owner: Approved\n```\n\n" +
		"## Styled\n\n```mermaid\n%%{init: {\"themeCSS\": \"main { visibility: hidden } .site-header { display: none }\"}}%%\nflowchart LR\n  S[Styled] --> T\n```\n\n" +
		"## Broken\n\n```mermaid\nthis is not a diagram\n```\n",
	"content/policies/plain.md": "---\nid: POL-01\ntitle: Plain policy\ntype: policy\nowner: CISO\nreviewed: 2026-10-01\n---\nNo diagrams here.\n",
}

// serveWithSiteHeaders builds files as a site and serves it on 127.0.0.1
// with the published site's headers (serve.SiteHeaders, which netlify.toml
// repeats), the Content-Security-Policy among them.
func serveWithSiteHeaders(t *testing.T, files map[string]string) (string, *requests) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := generator.Build(context.Background(), generator.Options{Site: os.DirFS(dir), AsOf: model.DateOf(2026, 11, 27)})
	if err != nil || res.Tree == nil {
		t.Fatalf("site does not build: %v\n%s", err, res.Diags.String())
	}
	files2 := http.FileServerFS(res.Tree.FS())
	seen := &requests{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.add(r.URL.Path)
		for _, rule := range serve.SiteHeaders {
			if serve.Match(rule.For, r.URL.Path) {
				for _, v := range rule.Values {
					w.Header().Add(v[0], v[1])
				}
			}
		}
		files2.ServeHTTP(w, r)
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, seen
}

// recordViolations makes every page the browser opens from now on keep
// its Content-Security-Policy violations in window.cspViolations. It is
// evaluated by the browser, outside the page's policy.
func recordViolations(ctx context.Context) error {
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		return err
	}
	_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: `
		window.cspViolations = [];
		document.addEventListener('securitypolicyviolation', e =>
			window.cspViolations.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || '') + ' ' + (e.sample || '') + ' at ' + e.sourceFile + ':' + e.lineNumber));`})
	return err
}

// waitDrawn waits for mermaid.js to finish the page.
func waitDrawn(t *testing.T, ctx context.Context) {
	t.Helper()
	for range 300 {
		state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.getAttribute('data-mermaid') || ''`))
		if err == nil && state == "drawn" {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal("mermaid.js did not finish drawing in 30 s")
}

type mermaidFigure struct {
	Drawn  bool     // an <svg> took the source's place
	Shapes int      // rect, path, polygon, circle, ellipse, line drawn in it
	W, H   float64  // its size on the page
	Text   string   // its text (labels), or the source's
	Error  string   // the error note, if any
	Styles []string // <style> elements left in it
}

const readFigures = `[...document.querySelectorAll('main figure.mermaid')].map(f => {
	const svg = f.querySelector(':scope > svg'), r = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
	const err = f.querySelector('.diagram-error');
	return {Drawn: !!svg, Shapes: svg ? svg.querySelectorAll('rect, path, polygon, circle, ellipse, line').length : 0,
		W: r.width, H: r.height, Text: (svg || f).textContent.replace(/\s+/g, ' ').trim(),
		Error: err ? err.textContent : '', Styles: [...f.querySelectorAll('style')].map(s => s.textContent.slice(0, 40))};
})`

// A ```mermaid fence is drawn in the browser by the theme's Mermaid under
// the site's real Content-Security-Policy (style-src 'self', no inline
// styles) without a single violation, from the site's own host only; a
// diagram Mermaid cannot read keeps its source with the error beside it;
// the drawing is in the printed page; a page without a fence loads no
// Mermaid.
func TestMermaidDrawsUnderCSP(t *testing.T) {
	ctx := browser(t)
	base, seen := serveWithSiteHeaders(t, mermaidSite)
	if err := recordViolations(ctx); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/processes/risk/")); err != nil {
		t.Fatal(err)
	}
	waitDrawn(t, ctx)

	figs, err := chromedp.Run(ctx, chromedp.Evaluate[[]mermaidFigure](readFigures))
	if err != nil || len(figs) != 4 {
		t.Fatalf("page has %d Mermaid figures (%v), want 4", len(figs), err)
	}
	for i, want := range [][]string{{"Risk identified", "Above appetite?", "Treat", "Accept & monitor", "yes", "no"}, {"Owner", "CISO", "Treatment plan", "Approved"}} {
		f := figs[i]
		if !f.Drawn || f.Shapes < 4 || f.W < 100 || f.H < 50 {
			t.Errorf("diagram %d is not drawn visibly: %+v", i+1, f)
		}
		for _, w := range want {
			if !strings.Contains(f.Text, w) {
				t.Errorf("diagram %d lacks the label %q: %q", i+1, w, f.Text)
			}
		}
		if len(f.Styles) > 0 {
			t.Errorf("diagram %d keeps <style> elements, which the CSP blocks: %q", i+1, f.Styles)
		}
	}
	// A diagram's CSS stays in the diagram (Mermaid scopes its rules to
	// the drawing's id, and its sheet is adopted as it is).
	if f := figs[2]; !f.Drawn || !strings.Contains(f.Text, "Styled") {
		t.Errorf("the diagram with its own CSS is not drawn: %+v", f)
	}
	if vis, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('main')).visibility + ' ' + getComputedStyle(document.querySelector('.site-header')).display`)); err != nil || vis != "visible flex" && vis != "visible block" && vis != "visible grid" {
		t.Errorf("a diagram's CSS reached the page: main and header are %q (%v)", vis, err)
	}
	if f := figs[3]; f.Drawn || !strings.Contains(f.Text, "this is not a diagram") || !strings.Contains(f.Error, "could not be drawn") {
		t.Errorf("the broken diagram should keep its source with an error note: %+v", f)
	}
	// The drawing's styles arrived: Mermaid's rules colour its shapes.
	fill, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('main figure.mermaid svg .node rect, main figure.mermaid svg .node polygon')).fill`))
	if err != nil || fill == "" || fill == "rgb(0, 0, 0)" || fill == "none" {
		t.Errorf("the flowchart's nodes are not styled by Mermaid's rules: fill %q (%v)", fill, err)
	}
	violations, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.cspViolations`))
	if err != nil || len(violations) != 0 {
		t.Errorf("%d Content-Security-Policy violations (%v):\n%s", len(violations), err, strings.Join(violations, "\n"))
	}
	foreign, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`performance.getEntriesByType('resource').map(e => e.name).filter(u => !u.startsWith(location.origin + '/'))`))
	if err != nil || len(foreign) != 0 {
		t.Errorf("the page loaded from other hosts: %v (%v)", foreign, err)
	}
	if !seen.has("/assets/vendor/mermaid/mermaid.min.js") || !seen.has("/assets/mermaid.js") {
		t.Errorf("the theme's Mermaid was not loaded from the site: %v", seen.list())
	}

	// Printed: the drawing is in the PDF, as vector text.
	bg := true
	pdf, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PrintBackground: &bg, PaperWidth: 8.27, PaperHeight: 11.69})
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("ISMS_SCREENSHOTS"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "mermaid-a4.pdf"), pdf.Data, 0o644)
	}
	if pdftotext, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("no pdftotext: the PDF's text is not checked")
	} else {
		cmd := exec.Command(pdftotext, "-", "-")
		cmd.Stdin = bytes.NewReader(pdf.Data)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, w := range []string{"Above appetite?", "Treatment plan", "Accept & monitor"} {
			if !strings.Contains(text, w) {
				t.Errorf("the printed page lacks the diagram label %q:\n%s", w, out)
			}
		}
	}

	// The whole manual for print draws them too.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/print/")); err != nil {
		t.Fatal(err)
	}
	waitDrawn(t, ctx)
	figs, err = chromedp.Run(ctx, chromedp.Evaluate[[]mermaidFigure](readFigures))
	if err != nil || len(figs) != 4 || !figs[0].Drawn || !figs[1].Drawn || !figs[2].Drawn || figs[3].Drawn {
		t.Errorf("/print/ has figures %+v (%v), want three drawn and the broken one", figs, err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.cspViolations`)); err != nil || len(v) != 0 {
		t.Errorf("/print/: %d Content-Security-Policy violations (%v):\n%s", len(v), err, strings.Join(v, "\n"))
	}

	// A page without a fence loads none of it.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/policies/plain/"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	scripts, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.scripts].map(s => s.getAttribute('src'))`))
	if err != nil || strings.Contains(strings.Join(scripts, " "), "mermaid") {
		t.Errorf("a page without a Mermaid fence loads %v (%v)", scripts, err)
	}
}

// With scripts off, a reader sees each diagram's source.
func TestMermaidSourceWithoutScripts(t *testing.T) {
	ctx := browser(t)
	base, _ := serveWithSiteHeaders(t, mermaidSite)
	off := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), off, chromedp.Navigate(base+"/processes/risk/"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	src, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('main figure.mermaid > pre.mermaid-source')].filter(p => p.offsetHeight > 0).map(p => p.innerText)`))
	if err != nil || len(src) != 4 || !strings.HasPrefix(src[0], "flowchart LR\n  A[Risk identified] --> B{Above appetite?}") {
		t.Errorf("without scripts the page shows %q (%v), want the four sources", src, err)
	}
}

// TestMermaidScreenshots writes the Mermaid page at 390 and 1400 px,
// light and dark, into $ISMS_SCREENSHOTS, for a person to look at.
func TestMermaidScreenshots(t *testing.T) {
	dir := os.Getenv("ISMS_SCREENSHOTS")
	if dir == "" {
		t.Skip("set ISMS_SCREENSHOTS=dir to write screenshots of a page with Mermaid diagrams")
	}
	ctx := browser(t)
	base, _ := serveWithSiteHeaders(t, mermaidSite)
	for _, s := range []struct {
		name   string
		width  int64
		scheme string
	}{{"mermaid-390", 390, "light"}, {"mermaid-1400", 1400, "light"}, {"mermaid-1400-dark", 1400, "dark"}, {"mermaid-390-dark", 390, "dark"}} {
		media := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: s.scheme}}})
			return err
		})
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.width, 900), media, chromedp.Navigate(base+"/processes/risk/")); err != nil {
			t.Fatal(err)
		}
		waitDrawn(t, ctx)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, s.name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
