package browsertest

import (
	"context"
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
const axeRun = `(async () => {
	const searchRules = ['aria-allowed-attr', 'aria-required-parent', 'nested-interactive', 'aria-input-field-name'];
	const inSearch = sel => {
		const e = typeof sel === 'string' ? document.querySelector(sel) : null;
		return !!(e && e.closest('form.search, .search-page'));
	};
	const r = await axe.run(document, {resultTypes: ['violations']});
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
})()`

// Every page kind, light and dark, has no serious or critical axe-core
// violation. The two schemes run side by side, each in a tab of its own,
// beside the other parallel browser tests: the audit is the longest.
func TestAxeEveryPageKind(t *testing.T) {
	src := axeSource(t)
	browserTests(t)
	t.Parallel()
	base := serveSampleCSP(t)
	// Every layout in light (1,400: three columns; 1,024: reports in the
	// sidebar; 390: the drawer); dark at both ends.
	widths := map[string][]int64{"light": {1400, 1024, 390}, "dark": {1400, 390}}
	for _, scheme := range []string{"light", "dark"} {
		t.Run(scheme, func(t *testing.T) {
			t.Parallel()
			axeScheme(browserFor(t, 10*time.Minute), t, base, src, scheme, widths[scheme])
		})
	}
}

// axeScheme audits every page kind at each width in one scheme, and the
// open menu drawer on a phone.
func axeScheme(ctx context.Context, t *testing.T, base, src, scheme string, widths []int64) {
	for _, w := range widths {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), media("", scheme)); err != nil {
			t.Fatal(err)
		}
		for _, pk := range pageKinds {
			open(ctx, t, base+pk.url, pk.ready)
			// Injected through DevTools, which the page's CSP does not govern.
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](src)); err != nil {
				t.Fatalf("injecting axe into %s: %v", pk.url, err)
			}
			found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("axe on %s: %v", pk.url, err)
			}
			if len(found) > 0 {
				t.Errorf("%s (%s, %d px): %d serious or critical accessibility violations:\n  %s", pk.name, scheme, w, len(found), strings.Join(found, "\n  "))
			}
		}
	}
	// The menu drawer, open on a phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800), media("", scheme)); err != nil {
		t.Fatal(err)
	}
	open(ctx, t, base+"/policies/access-control/", "button.menu-toggle")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("button.menu-toggle")), chromedp.Evaluate[chromedp.Void](src)); err != nil {
		t.Fatal(err)
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](axeRun, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(found) > 0 {
		t.Errorf("open menu drawer (%s, 390 px): %d serious or critical accessibility violations:\n  %s", scheme, len(found), strings.Join(found, "\n  "))
	}
}
