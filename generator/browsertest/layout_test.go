package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/isms-project/isms/generator/serve"
)

// pageKinds is one page of every kind the sample publishes.
var pageKinds = []struct{ name, url, ready string }{
	{"home", "/", "main h1"},
	{"policy", "/policies/access-control/", "article h1"},
	{"procedure", "/procedures/backup-and-restore/", "article h1"},
	{"process", "/processes/internal-audit/", "article h1"},
	{"register", "/registers/risk-register/", "article h1"},
	{"history", "/policies/access-control/history/", "main h1"},
	{"processes", "/processes/", "main h1"},
	{"currency", "/currency/", "main h1"},
	{"soa", "/soa/", "main h1"},
	{"evidence", "/evidence/", "main h1"},
	{"risks", "/risks/", "main h1"},
	{"actions", "/actions/", "main h1"},
	{"exceptions", "/exceptions/", "main h1"},
	{"objectives", "/objectives/", "main h1"},
	{"management-review", "/management-review/", "main h1"},
	{"search", "/search/?q=access", "main h1"},
	{"404", "/no-such-page/", "main h1"},
}

// serveSampleCSP serves the sample with the published site's headers, the
// Content-Security-Policy included, so every script runs as it would when
// published (no inline script or style attribute would work).
func serveSampleCSP(t *testing.T) string {
	t.Helper()
	serveSample(t) // builds the sample once
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, rule := range serve.SiteHeaders {
			if serve.Match(rule.For, r.URL.Path) {
				for _, kv := range rule.Values {
					w.Header().Add(kv[0], kv[1])
				}
			}
		}
		// A missing page gets 404.html, as from isms serve and Netlify.
		rec := httptest.NewRecorder()
		sample.ServeHTTP(rec, r)
		if rec.Code == http.StatusNotFound {
			rec = httptest.NewRecorder()
			nf, _ := http.NewRequest(http.MethodGet, "/404.html", nil)
			sample.ServeHTTP(rec, nf)
			rec.Code = http.StatusNotFound
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// media emulates a media type ("" for screen, "print") and a colour scheme.
func media(m, scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m,
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return err
	})
}

// focused makes the tab behave as the focused, active page (a headless
// window, or a tab not in front, never has focus).
func focused() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetFocusEmulationEnabled, emulation.SetFocusEmulationEnabledParams{Enabled: true})
		return err
	})
}

func open(ctx context.Context, t *testing.T, url, ready string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(ready))); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
}

// overflowing names the elements that stick out past the window's right
// edge without a scrolling box of their own around them.
const overflowing = `(() => {
	const w = document.documentElement.clientWidth, out = [];
	for (const e of document.querySelectorAll('body *')) {
		const r = e.getBoundingClientRect();
		if (r.width === 0 || r.right <= w + 1) continue;
		let clipped = false;
		for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
			const s = getComputedStyle(p);
			if (s.overflowX !== 'visible' && p.getBoundingClientRect().right <= w + 1) { clipped = true; break; }
			if (s.position === 'fixed') { clipped = true; break; }
		}
		if (!clipped && getComputedStyle(e).position !== 'fixed') out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') + ' right=' + Math.round(r.right));
	}
	return out.slice(0, 8);
})()`

// No page kind scrolls sideways at phone, tablet, laptop and desktop
// widths: wide tables and diagrams scroll inside their own box. On paper
// (print media at A4's printable width) no table is wider than the page
// or clipped inside a scrolling box that paper cannot scroll. Paper is
// checked on the page as loaded at the widest screen, as a reader prints
// what is open: print media lays out the loaded page again, no reload.
func TestNoHorizontalOverflow(t *testing.T) {
	browserTests(t)
	t.Parallel() // only reads layout, in a tab of its own
	ctx := browserFor(t, 5*time.Minute)
	base := serveSampleCSP(t)
	for _, pk := range pageKinds {
		for _, w := range []int64{320, 390, 768, 1024, 1400} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), media("", "light")); err != nil {
				t.Fatal(err)
			}
			open(ctx, t, base+pk.url, pk.ready)
			sizes, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
			if err != nil {
				t.Fatal(err)
			}
			if sizes[0] > sizes[1] {
				what, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](overflowing))
				t.Errorf("%s at %d px: the page is %d px wide (window %d): %s", pk.name, w, sizes[0], sizes[1], strings.Join(what, ", "))
			}
		}
		// A4 less 10 mm margins at 96 dpi.
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(718, 1047), media("print", "light")); err != nil {
			t.Fatal(err)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
			if (!matchMedia('print').matches) return ['not laid out for print'];
			const w = document.documentElement.clientWidth, out = [];
			document.querySelectorAll('table').forEach((t, i) => {
				const r = t.getBoundingClientRect();
				if (r.width === 0) return;
				if (r.right > w + 1 || t.scrollWidth > t.clientWidth + 1) out.push('table ' + i + (t.className ? '.' + t.className : '') + ' ' + Math.round(Math.max(r.right, r.left + t.scrollWidth)) + ' px');
			});
			return out;
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		if len(wide) > 0 {
			t.Errorf("%s printed: tables wider than the 718 px page: %s", pk.name, strings.Join(wide, ", "))
		}
	}
}

// On a phone the content comes first and the navigation is a drawer
// behind the Menu button: a disclosure button (aria-expanded,
// aria-controls) whose drawer takes focus, closes on Escape and gives
// focus back to the button.
func TestMenuDrawer(t *testing.T) {
	ctx := browser(t)
	base := serveSampleCSP(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800), media("", "light")); err != nil {
		t.Fatal(err)
	}
	for _, pk := range pageKinds {
		open(ctx, t, base+pk.url, "button.menu-toggle")
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const b = document.querySelector('button.menu-toggle'), nav = document.getElementById('site-nav');
			const h1 = document.querySelector('main h1').getBoundingClientRect();
			return [b.getAttribute('aria-expanded'), b.getAttribute('aria-controls'), !nav.checkVisibility() ? 'hidden' : 'shown', h1.top < 400 ? 'content first' : 'content at ' + Math.round(h1.top)].join(' ');
		})()`))
		if err != nil || got != "false site-nav hidden content first" {
			t.Errorf("%s at 390 px: menu %q (%v), want \"false site-nav hidden content first\"", pk.name, got, err)
		}
	}
	open(ctx, t, base+"/policies/access-control/", "button.menu-toggle")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("button.menu-toggle"))); err != nil {
		t.Fatal(err)
	}
	state := `[document.querySelector('button.menu-toggle').getAttribute('aria-expanded'), !document.getElementById('site-nav').checkVisibility() ? 'hidden' : 'shown', document.getElementById('site-nav').contains(document.activeElement) ? 'focus in drawer' : document.activeElement.className].join(' ')`
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](state)); err != nil || got != "true shown focus in drawer" {
		t.Errorf("after Menu: %q (%v), want the drawer open with focus in it", got, err)
	}
	if cur, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.getAttribute('aria-current') || ''`)); cur != "page" {
		t.Errorf("focus in the opened drawer is not on the current page's link (aria-current %q)", cur)
	}
	if err := chromedp.Do(ctx, press("Escape", "Escape", 27)); err != nil {
		t.Fatal(err)
	}
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](state)); err != nil || got != "false hidden menu-toggle" {
		t.Errorf("after Escape: %q (%v), want the drawer closed and focus on the Menu button", got, err)
	}
	// The close button inside the drawer closes it too.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("button.menu-toggle")), chromedp.Click(chromedp.CSS("button.nav-close"))); err != nil {
		t.Fatal(err)
	}
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](state)); err != nil || got != "false hidden menu-toggle" {
		t.Errorf("after Close menu: %q (%v)", got, err)
	}
	// A click on the dimmed page beside the drawer closes it and follows
	// nothing underneath.
	before, _ := chromedp.Run(ctx, chromedp.Location())
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("button.menu-toggle")), chromedp.MouseClickXY(375, 300)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	after, _ := chromedp.Run(ctx, chromedp.Location())
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('button.menu-toggle').getAttribute('aria-expanded')`)); got != "false" || after != before {
		t.Errorf("after a click beside the drawer: expanded %s, at %s (was %s)", got, after, before)
	}
	// An address ending in #site-nav opens the drawer, and Escape closes it.
	open(ctx, t, base+"/soa/#site-nav", "button.menu-toggle")
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](state)); err != nil || got != "true shown focus in drawer" {
		t.Errorf("at /soa/#site-nav: %q (%v), want the drawer open", got, err)
	}
	if err := chromedp.Do(ctx, press("Escape", "Escape", 27)); err != nil {
		t.Fatal(err)
	}
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[string](state)); err != nil || got != "false hidden menu-toggle" {
		t.Errorf("at /soa/#site-nav after Escape: %q (%v), want the drawer closed", got, err)
	}
	// The reports are in the drawer on phones (the header has no room).
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#site-nav .drawer-reports a[href="/soa/"]').length`)); err != nil || n != 1 {
		t.Errorf("the drawer has %d links to /soa/ (%v)", n, err)
	}
	// At 1,400 px there is no Menu button and the sidebar is in place.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900)); err != nil {
		t.Fatal(err)
	}
	open(ctx, t, base+"/policies/access-control/", "main h1")
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[getComputedStyle(document.querySelector('.menu-toggle')).display, !document.getElementById('site-nav').checkVisibility() ? 'hidden' : 'shown'].join(' ')`)); got != "none shown" {
		t.Errorf("at 1,400 px: menu button and sidebar %q, want \"none shown\"", got)
	}
}

// Without JavaScript the Menu link opens the drawer through :target and
// its Close link shuts it.
func TestMenuDrawerWithoutJS(t *testing.T) {
	ctx := browser(t)
	base := serveSampleCSP(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	open(ctx, t, base+"/soa/", "a.menu-toggle")
	shown := `!document.getElementById('site-nav').checkVisibility() ? 'hidden' : 'shown'`
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](shown)); got != "hidden" {
		t.Fatalf("the drawer is %s before Menu", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("a.menu-toggle"))); err != nil {
		t.Fatal(err)
	}
	waitLocation(ctx, base+"/soa/#site-nav")
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](shown)); got != "shown" {
		t.Errorf("the drawer is %s after Menu without JavaScript", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("a.nav-close"))); err != nil {
		t.Fatal(err)
	}
	waitLocation(ctx, base+"/soa/#main")
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](shown)); got != "hidden" {
		t.Errorf("the drawer is %s after Close menu without JavaScript", got)
	}
}

// "On this page" stays reachable below 1,200 px: collapsed at the top of
// the content, opened by its summary; the section being read is marked.
func TestOnThisPage(t *testing.T) {
	ctx := browser(t)
	base := serveSampleCSP(t)
	const doc = "/policies/access-control/"
	for _, w := range []int64{390, 1024} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 800), media("", "light")); err != nil {
			t.Fatal(err)
		}
		open(ctx, t, base+doc, ".toc summary")
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const toc = document.querySelector('.toc'), d = toc.querySelector('details'), h1 = document.querySelector('main h1');
			return [!toc.checkVisibility() ? 'hidden' : 'shown', d.open ? 'open' : 'closed', toc.getBoundingClientRect().bottom <= h1.getBoundingClientRect().top ? 'above' : 'beside'].join(' ');
		})()`))
		if err != nil || got != "shown closed above" {
			t.Errorf("at %d px the table of contents is %q (%v), want shown, closed, above the title", w, got, err)
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".toc summary"))); err != nil {
			t.Fatal(err)
		}
		if vis, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('.toc ol a').checkVisibility()`)); !vis {
			t.Errorf("at %d px the summary does not open the table of contents", w)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 800)); err != nil {
		t.Fatal(err)
	}
	open(ctx, t, base+doc, ".toc a")
	got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const toc = document.querySelector('.toc'), main = document.querySelector('main');
		return [toc.querySelector('details').open ? 'open' : 'closed', toc.getBoundingClientRect().left >= main.getBoundingClientRect().right ? 'right' : 'elsewhere'].join(' ');
	})()`))
	if got != "open right" {
		t.Errorf("at 1,400 px the table of contents is %q, want open to the right of the content", got)
	}
	// Scrolling to the third section marks it (IntersectionObserver).
	third, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelectorAll('.toc a')[2].getAttribute('href')`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector('`+third+`').scrollIntoView()`)); err != nil {
		t.Fatal(err)
	}
	var cur string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && cur != third; time.Sleep(50 * time.Millisecond) {
		cur, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('.toc a[aria-current]') || {getAttribute: () => ''}).getAttribute('href')`))
	}
	if cur != third {
		t.Errorf("after scrolling to %s the highlighted section is %q", third, cur)
	}
}

// Nothing a link or Tab moves to lands under the sticky header: the first
// Tab after the skip link, a table-of-contents link, an SoA jump link.
//
// It runs beside the other parallel tests in a tab of its own; focus is
// emulated, as a tab that is not in front would otherwise never have it.
func TestFocusNotObscured(t *testing.T) {
	browserTests(t)
	t.Parallel()
	ctx := browserFor(t, 5*time.Minute)
	base := serveSampleCSP(t)
	if err := chromedp.Do(ctx, focused()); err != nil {
		t.Fatal(err)
	}
	below := func(sel string) string {
		return `(() => {
			const e = ` + sel + `, h = document.querySelector('.site-header').getBoundingClientRect();
			const r = e.getBoundingClientRect();
			return r.top >= h.bottom - 1 ? 'clear' : 'under the header (' + Math.round(r.top) + ' < ' + Math.round(h.bottom) + ')';
		})()`
	}
	for _, w := range []int64{390, 820, 1024, 1400} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 700), media("", "light")); err != nil {
			t.Fatal(err)
		}
		for _, pk := range pageKinds {
			open(ctx, t, base+pk.url, pk.ready)
			// Scrolled down, as a reader is, then: Tab to the skip link, Enter, Tab.
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.body.scrollHeight / 2)`),
				chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`),
				press("Tab", "Tab", 9), press("Enter", "Enter", 13), press("Tab", "Tab", 9)); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
			got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.closest('main') ? `+below(`document.activeElement`)+` : 'focus outside main: ' + document.activeElement.outerHTML.slice(0, 80)`))
			if err != nil || got != "clear" {
				t.Errorf("%s at %d px: the first Tab after the skip link is %s (%v)", pk.name, w, got, err)
			}
		}
		open(ctx, t, base+"/policies/access-control/", "main h1")
		href, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelectorAll('.toc a')[3].getAttribute('href')`))
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`location.hash = '`+href+`'`)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
		if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](below(`document.querySelector('`+href+`')`))); got != "clear" {
			t.Errorf("at %d px the section %s opened from the table of contents is %s", w, href, got)
		}
		open(ctx, t, base+"/soa/#control-8-8", "#control-8-8")
		time.Sleep(100 * time.Millisecond)
		if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](below(`document.getElementById('control-8-8')`))); got != "clear" {
			t.Errorf("at %d px the SoA row #control-8-8 is %s", w, got)
		}
	}
}

// The theme toggle: follows the system until chosen, remembers the choice
// per browser, sets it before the first paint (a blocking script in
// <head>, no inline script under the CSP), and prints light.
func TestThemeToggle(t *testing.T) {
	ctx := browser(t)
	base := serveSampleCSP(t)
	bg := `getComputedStyle(document.body).backgroundColor`
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), media("", "dark")); err != nil {
		t.Fatal(err)
	}
	open(ctx, t, base+"/", "button.theme-toggle")
	got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[`+bg+`, document.querySelector('.theme-toggle').getAttribute('aria-pressed'), document.documentElement.getAttribute('data-theme') || 'system'].join(' ')`))
	if got != "rgb(13, 17, 23) true system" {
		t.Errorf("with a dark system and no choice: %q, want dark, pressed, following the system", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("button.theme-toggle"))); err != nil {
		t.Fatal(err)
	}
	got, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`[`+bg+`, document.querySelector('.theme-toggle').getAttribute('aria-pressed'), localStorage.getItem('isms-theme')].join(' ')`))
	if got != "rgb(255, 255, 255) false light" {
		t.Errorf("after choosing light: %q", got)
	}
	// Another page, same browser: light before any deferred script ran.
	open(ctx, t, base+"/soa/", "main h1")
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.getAttribute('data-theme') + ' ' + `+bg)); got != "light rgb(255, 255, 255)" {
		t.Errorf("the next page is %q, want the remembered light", got)
	}
	head, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const s = document.querySelector('head script[src$="/assets/theme.js"]'); return s ? (s.defer || s.async ? 'deferred' : 'blocking') : 'missing'; })()`))
	if head != "blocking" {
		t.Errorf("theme.js in <head> is %s: the page would flash in the other theme", head)
	}
	// Chosen dark on a light system; print is light all the same.
	if err := chromedp.Do(ctx, media("", "light"), chromedp.Click(chromedp.CSS("button.theme-toggle"))); err != nil {
		t.Fatal(err)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem('isms-theme') + ' ' + `+bg)); got != "dark rgb(13, 17, 23)" {
		t.Errorf("after choosing dark on a light system: %q", got)
	}
	if err := chromedp.Do(ctx, media("print", "dark")); err != nil {
		t.Fatal(err)
	}
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](bg+` + ' ' + getComputedStyle(document.body).color`)); got != "rgb(255, 255, 255) rgb(0, 0, 0)" {
		t.Errorf("printed with dark chosen: %q, want black on white", got)
	}
}

// Document pages: a permalink beside each heading (named, shown on
// focus), previous and next documents at the foot, a copy button on code
// blocks that says "Copied".
func TestDocumentReadingAids(t *testing.T) {
	ctx := browser(t)
	base := serveSampleCSP(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), media("", "light")); err != nil {
		t.Fatal(err)
	}
	// A headless window never has focus: emulate it, or :focus never matches.
	if err := chromedp.Do(ctx, focused()); err != nil {
		t.Fatal(err)
	}
	open(ctx, t, base+"/procedures/backup-and-restore/", "article h1")
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
		const h = document.querySelector('.content h2[id]'), a = h.querySelector('a.heading-anchor');
		if (!a) return ['no anchor'];
		const before = getComputedStyle(a).opacity;
		a.focus();
		return [a.getAttribute('href') === '#' + h.id ? 'href ok' : a.getAttribute('href'), a.getAttribute('aria-label'), before + '→' + getComputedStyle(a).opacity];
	})()`))
	if err != nil || len(got) != 3 || got[0] != "href ok" || !strings.HasPrefix(got[1], "Link to this section: ") || got[2] != "0→1" {
		t.Errorf("heading permalink: %q (%v)", got, err)
	}
	pager, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('nav.pager a')].map(a => a.rel + ' ' + a.getAttribute('href'))`))
	if err != nil || len(pager) != 2 || !strings.HasPrefix(pager[0], "prev /") || !strings.HasPrefix(pager[1], "next /") {
		t.Errorf("pager links %q (%v), want prev and next", pager, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".code-block button.copy-code"))); err != nil {
		t.Fatal(err)
	}
	var said string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && said != "Copied"; time.Sleep(50 * time.Millisecond) {
		said, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('#copy-status') || {}).textContent || ''`))
	}
	if said != "Copied" {
		t.Errorf("after Copy the live region says %q", said)
	}
	// Next from the first document walks the navigation's order.
	first, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#site-nav .site-nav a').getAttribute('href')`))
	open(ctx, t, base+first, "article h1")
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('nav.pager a')].map(a => a.rel).join(' ')`)); n != "next" {
		t.Errorf("the first document's pager has %q, want only next", n)
	}
	want, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelectorAll('#site-nav .site-nav a')[1].getAttribute('href')`))
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('nav.pager a[rel=next]').getAttribute('href')`)); got != want {
		t.Errorf("next after the first document is %s, want the navigation's second %s", got, want)
	}
}

// TestThemeScreenshots writes every page kind at 390 and 1,400 px, light
// and dark, and print-media pictures into $ISMS_SCREENSHOTS, for a person
// to look at; skipped otherwise.
func TestThemeScreenshots(t *testing.T) {
	dir := os.Getenv("ISMS_SCREENSHOTS")
	if dir == "" {
		t.Skip("set ISMS_SCREENSHOTS=dir to write screenshots of every page kind")
	}
	ctx := browserFor(t, 10*time.Minute)
	base := serveSampleCSP(t)
	shots := []struct {
		suffix string
		width  int64
		m      string
		scheme string
	}{{"390", 390, "", "light"}, {"1024", 1024, "", "light"}, {"1400", 1400, "", "light"}, {"390-dark", 390, "", "dark"}, {"1400-dark", 1400, "", "dark"}, {"print", 718, "print", "light"}}
	for _, s := range shots {
		for _, pk := range pageKinds {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(s.width, 900), media(s.m, s.scheme)); err != nil {
				t.Fatal(err)
			}
			open(ctx, t, base+pk.url, pk.ready)
			shot := chromedp.CaptureScreenshot() // the first screenful, as a reader sees it
			if s.m == "print" {
				shot = chromedp.Screenshot(chromedp.CSS("body"))
			}
			png, err := chromedp.Run(ctx, shot)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%s.png", pk.name, s.suffix)), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Details: the collapsed and opened table of contents, a code block
	// with its copy button, previous/next, at 390 and 1,400 px.
	for _, w := range []int64{390, 1400} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, 900), media("", "light")); err != nil {
			t.Fatal(err)
		}
		open(ctx, t, base+"/procedures/backup-and-restore/", "nav.pager")
		for _, part := range []struct{ name, sel string }{{"toc", ".toc"}, {"code", ".code-block"}, {"pager", "nav.pager"}} {
			png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(part.sel)))
			if err == nil {
				err = os.WriteFile(filepath.Join(dir, fmt.Sprintf("detail-%s-%d.png", part.name, w)), png, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// The drawer open on a phone, and a PDF of a document page.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 800), media("", "light")); err != nil {
		t.Fatal(err)
	}
	open(ctx, t, base+"/policies/access-control/", "button.menu-toggle")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("button.menu-toggle"))); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "drawer-390.png"), png, 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1400, 900), media("", "dark")); err != nil {
		t.Fatal(err)
	}
	open(ctx, t, base+"/policies/access-control/", "main h1")
	r, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: 8.27, PaperHeight: 11.69})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "policy-a4.pdf"), r.Data, 0o644); err != nil {
		t.Fatal(err)
	}
}
