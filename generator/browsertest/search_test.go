// Package browsertest drives the built sample site in headless Chromium:
// the parts of the theme that only exist in a browser (search.js) are
// tested the way a reader uses them. The tests skip when no Chromium
// binary is installed, and unless the full suite runs (ISMS_TEST=full) or
// ISMS_SCREENSHOTS asks for screenshots.
package browsertest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/internal/testmode"
)

// Most browser tests run one after another (keyboard focus, scrolling and
// timing are safest alone); the long ones that only read layout
// (TestAxeEveryPageKind, TestNoHorizontalOverflow, TestPrintFitsThePage)
// run in parallel after them, each in a tab of its own.

// browserTests skips t unless the full suite runs (ISMS_TEST=full, as
// .ci/run runs it: a Chromium per test is minutes on a loaded 2-core
// machine) or ISMS_SCREENSHOTS asks for screenshots.
func browserTests(t *testing.T) {
	t.Helper()
	if os.Getenv("ISMS_SCREENSHOTS") == "" {
		testmode.Slow(t)
	}
}

func chromium(t *testing.T) string {
	t.Helper()
	browserTests(t)
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium binary found on PATH (chromium, chromium-browser, google-chrome): browser tests skipped")
	return ""
}

// requests records the paths the browser asked for.
type requests struct {
	mu    sync.Mutex
	paths []string
}

func (r *requests) add(p string) { r.mu.Lock(); r.paths = append(r.paths, p); r.mu.Unlock() }

// list is a copy of the paths so far (the server may still be adding).
func (r *requests) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.paths)
}

func (r *requests) has(p string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Contains(r.paths, p)
}

var (
	sampleOnce sync.Once
	sample     http.Handler
	sampleErr  string
)

// serveSample serves the repository's sample site, built once in memory,
// on 127.0.0.1, and records what the browser asks for. Only for browser
// tests: it skips them unless the full suite runs.
func serveSample(t *testing.T) (string, *requests) {
	t.Helper()
	browserTests(t)
	sampleOnce.Do(func() {
		res, err := generator.Build(context.Background(), generator.Options{Site: os.DirFS("../.."), AsOf: model.DateOf(2026, 11, 27)})
		switch {
		case err != nil:
			sampleErr = err.Error()
		case res.Tree == nil:
			sampleErr = "sample site does not build:\n" + res.Diags.String()
		default:
			sample = http.FileServerFS(res.Tree.FS())
		}
	})
	if sample == nil {
		t.Fatal(sampleErr)
	}
	seen := &requests{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.add(r.URL.Path)
		sample.ServeHTTP(w, r)
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

func browser(t *testing.T) context.Context {
	t.Helper()
	return browserFor(t, 60*time.Second)
}

// browserFor is a fresh tab of the package's one headless Chromium, in a
// browser context of its own (its own cookies, storage and cache, as a
// fresh browser would have), for at most d: tests that load every page
// kind many times need longer than a minute. Starting a Chromium per test
// cost about a second each.
func browserFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	bin := chromium(t)
	theBrowser.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(bin),
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-quic", true),
			chromedp.NoSandbox,
			chromedp.WindowSize(1280, 900),
		)
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel := chromedp.NewContext(actx)
		theBrowser.stop = func() { cancel(); cancelA() }
		// The first Run starts the browser and binds it to ctx, which has
		// no deadline: a test's timeout ends its tab, not the browser.
		if theBrowser.err = chromedp.Do(ctx); theBrowser.err == nil {
			theBrowser.ctx = ctx
		}
	})
	if theBrowser.ctx == nil {
		t.Fatalf("starting Chromium: %v", theBrowser.err)
	}
	ctx, cancel := chromedp.NewContext(theBrowser.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelT := context.WithTimeout(ctx, d)
	t.Cleanup(func() { cancelT(); cancel() })
	return ctx
}

// theBrowser is the package's Chromium, started by the first browser test
// and stopped by TestMain.
var theBrowser struct {
	once sync.Once
	ctx  context.Context
	err  error
	stop func()
}

// TestMain runs four tests side by side (testmode.Waiting): a browser
// test mostly waits on Chromium, whose renderers are processes of their
// own, and on two cores two tabs left the longest tests (the
// accessibility audit, the focus and overflow checks) ending one after
// another on one busy core.
func TestMain(m *testing.M) {
	testmode.Waiting(4, 4)
	code := m.Run()
	if theBrowser.stop != nil {
		theBrowser.stop()
	}
	os.Exit(code)
}

const firstResult = `#search-results li[role=option]`

// press sends a key as a rawKeyDown and a keyUp, with no char event. That
// is what a real keyboard amounts to when the page cancels the keydown:
// chromedp's KeyEvent sends the char event separately, which would type the
// "/" into the box and submit the form on Enter even though search.js
// cancelled the keydown.
func press(key, code string, vk int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{
				Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: vk, NativeVirtualKeyCode: vk,
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func TestSearchAccessFindsPolicyAndFollowsIt(t *testing.T) {
	ctx := browser(t)
	base, seen := serveSample(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.ID("search-input"))); err != nil {
		t.Fatal(err)
	}
	if seen.has("/search-index.json") {
		t.Error("the search index was loaded before the search box was used")
	}
	// "/" focuses the box from anywhere on the page; then type.
	if err := chromedp.Do(ctx, press("/", "Slash", 191)); err != nil {
		t.Fatal(err)
	}
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement && document.activeElement.id`))
	if err != nil || focused != "search-input" {
		t.Fatalf(`after "/", focus is on %q (%v), want the search box`, focused, err)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("access"), chromedp.WaitVisible(chromedp.CSS(firstResult))); err != nil {
		t.Fatal(err)
	}
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('#search-results .r-id')].map(e => e.textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 || ids[0] != "POL-AC-01" {
		t.Fatalf(`results for "access" = %v, want POL-AC-01 first`, ids)
	}
	snippet, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(firstResult+" .r-snippet mark")))
	if err != nil || !strings.EqualFold(snippet, "access") {
		t.Errorf("first result's snippet marks %q (%v), want the matched word", snippet, err)
	}
	if !seen.has("/search-index.json") {
		t.Error("the index was not fetched from the site")
	}

	// Enter follows the selected (first) result.
	if err := chromedp.Do(ctx, press("Enter", "Enter", 13)); err != nil {
		t.Fatal(err)
	}
	if loc := waitLocation(ctx, base+"/policies/access-control/"); loc != base+"/policies/access-control/" {
		t.Fatalf("after Enter the browser is at %s, want /policies/access-control/", loc)
	}
	// The new page may still be loading: read its heading until it is there.
	var h1 string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && h1 != "Access control policy"; time.Sleep(100 * time.Millisecond) {
		h1, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("article h1") || {}).textContent || ""`))
	}
	if h1 != "Access control policy" {
		t.Errorf("the followed page's h1 is %q", h1)
	}
	for _, p := range seen.list() {
		if strings.Contains(p, "://") {
			t.Errorf("unexpected request %s", p)
		}
	}
}

// waitLocation polls the page's URL until it is want or 20 s pass, and
// returns the last URL seen. A Poll inside the page would fail while the
// navigation replaces the page's JavaScript context.
func waitLocation(ctx context.Context, want string) string {
	var loc string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if l, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
			if loc = l; loc == want {
				break
			}
		}
	}
	return loc
}

func TestSearchByIDAndArrowKeys(t *testing.T) {
	ctx := browser(t)
	base, _ := serveSample(t)
	resultIDs := `[...document.querySelectorAll('#search-results .r-id')].map(e => e.textContent)`
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.ID("search-input")),
		chromedp.SendKeys(chromedp.ID("search-input"), "POL-AC-01"), chromedp.WaitVisible(chromedp.CSS(firstResult))); err != nil {
		t.Fatal(err)
	}
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](resultIDs))
	if err != nil || len(ids) == 0 || ids[0] != "POL-AC-01" {
		t.Fatalf(`results for "POL-AC-01" = %v (%v)`, ids, err)
	}

	// A word prefix finds documents too; arrows move the selection.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("search-input").value = ""`),
		chromedp.SendKeys(chromedp.ID("search-input"), "restor")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('#search-results li[role=option]').length >= 2`)); err != nil {
		t.Fatal(err)
	}
	ids, _ = chromedp.Run(ctx, chromedp.Evaluate[[]string](resultIDs))
	if !slices.Contains(ids, "PRO-BACKUP-01") && !slices.Contains(ids, "EVD-BACKUP-2026-03") {
		t.Errorf(`"restor" should find the restore procedure or test: %v`, ids)
	}
	if err := chromedp.Do(ctx, press("ArrowDown", "ArrowDown", 40)); err != nil {
		t.Fatal(err)
	}
	sel, err := chromedp.Run(ctx, chromedp.Evaluate[int](
		`[...document.querySelectorAll('#search-results li[role=option]')].findIndex(li => li.getAttribute('aria-selected') === 'true')`))
	if err != nil || sel != 1 {
		t.Errorf("after ArrowDown the selected result is %d (%v), want 1", sel, err)
	}
}
