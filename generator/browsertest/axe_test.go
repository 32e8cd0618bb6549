package browsertest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// axeDefault is where .ci/run installs axe-core from the npm registry
// (npm install --prefix /opt/axe axe-core@4); $ISMS_AXE names another
// axe.min.js, e.g. after npm install --prefix /tmp/axe axe-core@4.
const axeDefault = "/opt/axe/node_modules/axe-core/axe.min.js"

func axeSource(t *testing.T) string {
	t.Helper()
	path := os.Getenv("ISMS_AXE")
	if path == "" {
		path = axeDefault
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("axe-core not found at %s (set ISMS_AXE to an axe.min.js, or run npm install --prefix /opt/axe axe-core@4): accessibility audit skipped", path)
	}
	return string(b)
}

// axeRun audits the page with axe-core and lists its serious and critical
// violations, one line per rule and element.
//
// The search box's combobox (the header's form.search on every page, the
// form and results on /search/) belongs to the search engineer, who is
// rewriting it as a WAI-ARIA combobox: until then the four rules it breaks
// are ignored for elements inside it, and only there.
const axeRun = `(async rules => {
	const searchRules = ['aria-allowed-attr', 'aria-required-parent', 'nested-interactive', 'aria-input-field-name'];
	const inSearch = sel => {
		const e = typeof sel === 'string' ? document.querySelector(sel) : null;
		return !!(e && e.closest('form.search, .search-page'));
	};
	const opts = {resultTypes: ['violations']};
	if (rules) opts.runOnly = {type: 'rule', values: rules};
	const r = await axe.run(document, opts);
	const out = [];
	for (const v of r.violations) {
		for (const n of v.nodes) {
			const impact = n.impact || v.impact;
			if (impact !== 'serious' && impact !== 'critical') continue;
			if (searchRules.includes(v.id) && inSearch(n.target[0])) continue;
			out.push(impact + ' ' + v.id + ': ' + n.target.join(' ') + ' — ' + (n.failureSummary || v.help).replace(/\s+/g, ' ').slice(0, 240));
		}
	}
	return out;
})`

// colourRules are the rules of axe-core's cat.color category that its
// default run enables: the only ones whose verdict a colour scheme can
// change. The page is the same document in dark as in light (the style
// sheet's prefers-color-scheme block and theme.js's change listener switch
// it live), so the dark audit runs these on the page already loaded.
const colourRules = `['color-contrast', 'link-in-text-block']`

// Every page kind has no serious or critical axe-core violation, in light
// at each layout's width (1,400: three columns; 1,024: reports in the
// sidebar; 390: the drawer) and in dark at both ends. Each width runs in a
// tab of its own, beside the other parallel browser tests: the audit is the
// longest of them.
func TestAxeEveryPageKind(t *testing.T) {
	src := axeSource(t)
	browserTests(t)
	t.Parallel()
	base := serveSampleCSP(t)
	for _, w := range []struct {
		width int64
		dark  bool
	}{{1400, true}, {1024, false}, {390, true}} {
		t.Run(fmt.Sprint(w.width), func(t *testing.T) {
			t.Parallel()
			axeWidth(browserFor(t, 10*time.Minute), t, base, src, w.width, w.dark)
		})
	}
}

// axeWidth audits every page kind at one width in light, then, if dark,
// in dark on the same load; at 390 px also the open menu drawer.
func axeWidth(ctx context.Context, t *testing.T, base, src string, width int64, dark bool) {
	pages := append(pageKinds[:len(pageKinds):len(pageKinds)], struct{ name, url, ready string }{"open menu drawer", "/policies/access-control/", "button.menu-toggle"})
	if width > 390 {
		pages = pageKinds
	}
	for _, pk := range pages {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900), media("", "light")); err != nil {
			t.Fatal(err)
		}
		open(ctx, t, base+pk.url, pk.ready)
		if pk.name == "open menu drawer" {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("button.menu-toggle"))); err != nil {
				t.Fatal(err)
			}
		}
		// Injected through DevTools, which the page's CSP does not govern.
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
			t.Fatalf("injecting axe into %s: %v", pk.url, err)
		}
		axeReport(ctx, t, pk.name, "light", width, "null")
		if !dark {
			continue
		}
		if err := chromedp.Do(ctx, media("", "dark")); err != nil {
			t.Fatal(err)
		}
		// The switch took: the page's background is the dark one.
		if bg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`)); bg != "rgb(13, 17, 23)" {
			t.Fatalf("%s (%d px) switched to dark has background %q, want rgb(13, 17, 23): the dark audit would check light colours", pk.url, width, bg)
		}
		axeReport(ctx, t, pk.name, "dark", width, colourRules)
	}
}

// axeReport runs axeRun (all the default rules when rules is "null") on
// the loaded page and fails the test with what it found.
func axeReport(ctx context.Context, t *testing.T, name, scheme string, width int64, rules string) {
	t.Helper()
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](axeRun+"("+rules+")", chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe on %s (%s, %d px): %v", name, scheme, width, err)
	}
	if len(found) > 0 {
		t.Errorf("%s (%s, %d px): %d serious or critical accessibility violations:\n  %s", name, scheme, width, len(found), strings.Join(found, "\n  "))
	}
}
