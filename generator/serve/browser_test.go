package serve

import (
	"context"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/isms-project/isms/internal/testmode"
)

// TestBrowserLiveReload drives real headless Chromium against the preview:
// a save shows up without a manual reload (and keeps the scroll position),
// a broken front-matter draws the overlay with its location, and the fix
// removes the overlay and updates the page.
func TestBrowserLiveReload(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		bin, err = exec.LookPath("chromium-browser")
	}
	if err != nil {
		t.Skip("skipping: no chromium binary on PATH (apt-get install chromium to run this test)")
	}
	testmode.Slow(t) // a Chromium: the full suite (ISMS_TEST=full) has it

	files := map[string]string{}
	for k, v := range smallSite {
		files[k] = v
	}
	// Long enough to scroll.
	files["content/processes/review.md"] += strings.Repeat("A paragraph to scroll past.\n\n", 120)
	dir := writeSite(t, files)
	s, err := New(Config{Dir: dir, Debounce: 50 * time.Millisecond})
	must(t, err)
	hs := httptest.NewUnstartedServer(s)
	hs.Listener, err = net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	hs.Start()
	wctx, stopWatch := context.WithCancel(context.Background())
	watched := make(chan error, 1)
	go func() { watched <- s.Watch(wctx) }()
	defer func() { s.Close(); hs.Close(); stopWatch(); <-watched }()

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoSandbox,
		chromedp.WindowSize(1024, 700),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	ctx, cancel := context.WithTimeout(bctx, 90*time.Second)
	defer cancel()

	// Wait until the watches are in place, so the next save is seen.
	select {
	case <-s.watching:
	case <-time.After(10 * time.Second):
		t.Fatal("watcher did not start")
	}
	page := hs.URL + "/processes/review/"
	if err := chromedp.Do(ctx, chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	// The reload client must be listening before the file changes.
	for deadline := time.Now().Add(10 * time.Second); s.Clients() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the page did not open the event stream")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 400); window.marker = "before"`)); err != nil {
		t.Fatal(err)
	}

	doc := filepath.Join(dir, "content", "processes", "review.md")
	orig, err := os.ReadFile(doc)
	must(t, err)
	appendTo(t, doc, "\nFreshly appended sentence.\n")
	waitJS(t, ctx, `document.body ? document.body.innerText : ""`,
		func(s string) bool { return strings.Contains(s, "Freshly appended sentence.") })
	if m := evalString(t, ctx, `String(window.marker)`); m != "undefined" {
		t.Errorf("page was patched, not reloaded (marker %q)", m)
	}
	if y := evalString(t, ctx, `String(Math.round(window.scrollY))`); y != "400" {
		t.Errorf("scroll position after reload: %s, want 400", y)
	}

	// Break the front-matter: an unclosed flow sequence.
	broken := strings.Replace(string(orig), "owner: Head of IT", "owner: [Head of IT", 1)
	must(t, os.WriteFile(doc, []byte(broken), 0o644))
	overlay := waitJS(t, ctx, `(document.getElementById("isms-overlay") || {}).textContent || ""`,
		func(s string) bool { return strings.Contains(s, "content/processes/review.md:") })
	if !regexp.MustCompile(`content/processes/review\.md:\d+:\d+`).MatchString(overlay) {
		t.Errorf("overlay lacks a path:line:col location: %q", overlay)
	}
	if !strings.Contains(evalString(t, ctx, `document.body.innerText`), "Freshly appended sentence.") {
		t.Error("the last good page is gone while the build is broken")
	}

	// Fix it with new text: the overlay goes, the page updates.
	fixed := append(orig, "\nThe fixed version.\n"...)
	must(t, os.WriteFile(doc, fixed, 0o644))
	waitJS(t, ctx, `(document.getElementById("isms-overlay") ? "overlay " : "") + document.body.innerText`,
		func(s string) bool {
			return !strings.HasPrefix(s, "overlay ") && strings.Contains(s, "The fixed version.")
		})

	// A new title, saved as sed -i and editors that save atomically do
	// (a temporary file renamed over the document): the heading and the
	// navigation's entry for the page change (speculated, then built).
	tmp := filepath.Join(dir, "content", "processes", "sedA1b2c3")
	must(t, os.WriteFile(tmp, []byte(strings.Replace(string(fixed), "title: Access review", "title: Quarterly access review", 1)), 0o644))
	must(t, os.Rename(tmp, doc))
	waitJS(t, ctx, `(document.querySelector("h1") || {}).textContent + "|" + ((document.querySelector('.site-nav [aria-current="page"]') || {}).textContent || "")`,
		func(s string) bool { return s == "Quarterly access review|Quarterly access review" })
}

func appendTo(t *testing.T, p, s string) {
	t.Helper()
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	must(t, err)
	_, err = f.WriteString(s)
	must(t, err)
	must(t, f.Close())
}

func evalString(t *testing.T, ctx context.Context, js string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitJS evaluates js every 50 ms until ok accepts its value. Errors are
// expected while the page reloads, and retried.
func waitJS(t *testing.T, ctx context.Context, js string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last string
	for time.Now().Before(deadline) {
		ectx, cancel := context.WithTimeout(ctx, 2*time.Second)
		v, err := chromedp.Run(ectx, chromedp.Evaluate[string](js))
		cancel()
		if err == nil {
			last = v
			if ok(v) {
				return v
			}
		}
		if ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if len(last) > 300 {
		last = last[:300] + "…"
	}
	t.Fatalf("timed out waiting on %s; last value %q", js, last)
	return ""
}
