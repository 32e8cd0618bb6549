package browsertest

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/publish"
)

// unzippedSnapshot builds a snapshot of the sample, unzips its zip into
// a new folder as an auditor would, and returns the folder it holds.
func unzippedSnapshot(t *testing.T) string {
	t.Helper()
	res, err := generator.Build(context.Background(), generator.Options{Site: os.DirFS("../.."), AsOf: model.DateOf(2026, 11, 27), Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree == nil {
		t.Fatalf("the sample does not build:\n%s", res.Diags.String())
	}
	out, err := generator.Snapshot(res)
	if err != nil {
		t.Fatal(err)
	}
	z, err := fs.ReadFile(out, "snapshot-2026-11-27.zip")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := publish.Unpack(z, dir); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "snapshot-2026-11-27")
}

// styled reports whether the page has the theme's stylesheet applied:
// the search label is visually hidden by style.css alone.
const styled = `(() => { const l = document.querySelector("label.visually-hidden"); return !!l && getComputedStyle(l).position === "absolute"; })()`

// heading polls the page's h1 until it is want or 20 s pass (the page
// may still be loading) and returns the last one read.
func heading(ctx context.Context, want string) string {
	var h1 string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && h1 != want; time.Sleep(100 * time.Millisecond) {
		h1, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("main h1") || {}).textContent || ""`))
	}
	return h1
}

// follow clicks the first visible link matching sel (the page lists a
// document in several places, some in closed groups).
func follow(ctx context.Context, sel string) error {
	_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const a = [...document.querySelectorAll(`+strconv.Quote(sel)+`)].find(a => a.getClientRects().length > 0);
		if (!a) throw new Error("no visible link");
		a.scrollIntoView({block: "center"}); a.click(); return true; })()`))
	return err
}

// TestSnapshotFromDisk is the auditor's case: the snapshot zip, unzipped,
// opened at index.html over file:// with no server. The stylesheet loads,
// a link leads to a document page and a link in its text to another, and
// search finds a document and follows it.
func TestSnapshotFromDisk(t *testing.T) {
	ctx := browser(t)
	dir := unzippedSnapshot(t)
	base := "file://" + filepath.ToSlash(dir) + "/"

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"index.html"), chromedp.WaitReady(chromedp.ID("search-input"))); err != nil {
		t.Fatal(err)
	}
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](styled)); err != nil || !ok {
		t.Fatalf("index.html from disk is unstyled (%v)", err)
	}

	// A link on the home page leads to a document page, styled too.
	if err := follow(ctx, `a[href="policies/access-control/index.html"]`); err != nil {
		t.Fatal(err)
	}
	if loc := waitLocation(ctx, base+"policies/access-control/index.html"); loc != base+"policies/access-control/index.html" {
		t.Fatalf("the link led to %s", loc)
	}
	if h1 := heading(ctx, "Access control policy"); h1 != "Access control policy" {
		t.Fatalf("the document page's h1 is %q", h1)
	}
	if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](styled)); err != nil || !ok {
		t.Errorf("the document page is unstyled (%v)", err)
	}
	if cur, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('.sidebar a[aria-current="page"]').length`)); err != nil || cur == 0 {
		t.Errorf("the sidebar does not mark the current page (%v)", err)
	}

	// A link in the policy's text leads to another document.
	if err := follow(ctx, `main a[href="../../registers/asset-register/index.html"]`); err != nil {
		t.Fatal(err)
	}
	if loc := waitLocation(ctx, base+"registers/asset-register/index.html"); loc != base+"registers/asset-register/index.html" {
		t.Fatalf("the link in the text led to %s", loc)
	}
	if h1 := heading(ctx, "Information asset register"); h1 != "Information asset register" {
		t.Errorf("the second document's h1 is %q", h1)
	}

	// Search loads the index as a script (fetch of a local file is
	// blocked) and its results open the page's index.html.
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("search-input"), "POL-AC-01"), chromedp.WaitVisible(chromedp.CSS(firstResult))); err != nil {
		t.Fatalf("no search results from disk: %v", err)
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`new URL(document.querySelector("#search-results li[role=option]").getAttribute("data-href"), location.href).href`))
	if err != nil || !strings.HasPrefix(href, base+"policies/access-control/index.html") {
		t.Errorf("first result links to %q (%v)", href, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(href)); err != nil {
		t.Fatal(err)
	}
	if loc := waitLocation(ctx, base+"policies/access-control/index.html"); !strings.HasSuffix(loc, "policies/access-control/index.html") {
		t.Errorf("Enter on the result led to %s", loc)
	}

	// The full results page, which the search form submits to.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"search/index.html?q=backup"), chromedp.WaitVisible(chromedp.CSS(".search-page-results li a"))); err != nil {
		t.Fatalf("the results page shows nothing from disk: %v", err)
	}
	hrefs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll(".search-page-results li a")].map(a => a.href)`))
	if err != nil || len(hrefs) == 0 {
		t.Fatalf("results page links: %v (%v)", hrefs, err)
	}
	for _, h := range hrefs {
		if !strings.HasPrefix(h, base) || !strings.Contains(h, "/index.html") {
			t.Errorf("result link %s does not open a page of the snapshot from disk", h)
		}
	}
}
