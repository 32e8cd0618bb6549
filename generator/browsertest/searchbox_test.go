package browsertest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The header search box and /search/ on the sample site, used as a reader
// does: typing "8.8", "acess" and "risk treatment", reading the count,
// highlights and section links, and moving with the keyboard.

// controlDocs lists the ids of the index entries whose controls include c,
// read from the sample's /search-index.json.
func controlDocs(t *testing.T, base, c string) []string {
	t.Helper()
	resp, err := http.Get(base + "/search-index.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var idx struct {
		D []struct {
			I string
			C []string
		}
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range idx.D {
		if slices.Contains(d.C, c) {
			ids = append(ids, d.I)
		}
	}
	return ids
}

func evalString(ctx context.Context, expr string) string {
	s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	return s
}

// typeQuery empties the header box and types q, then waits until the
// popup shows the results for it.
func typeQuery(t *testing.T, ctx context.Context, q string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("search-input").value = ""`),
		chromedp.SendKeys(chromedp.ID("search-input"), q)); err != nil {
		t.Fatalf("typing %q: %v", q, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.getElementById("search-popup").hidden && document.getElementById("search-count").textContent !== ""`)); err != nil {
		t.Fatalf("results for %q: %v", q, err)
	}
}

var countRE = regexp.MustCompile(`^(\d+) results?\b`)

func TestSearchBoxControlsCountAndKeys(t *testing.T) {
	ctx := browser(t)
	base, _ := serveSample(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.ID("search-input"))); err != nil {
		t.Fatal(err)
	}
	// The combobox before use.
	attrs := evalString(ctx, `(() => { const i = document.getElementById("search-input"), l = document.getElementById(i.getAttribute("aria-controls"));
		return [i.getAttribute("role"), i.getAttribute("aria-expanded"), i.getAttribute("aria-autocomplete"), l && l.getAttribute("role"), l && l.getAttribute("aria-label")].join("|") })()`)
	if attrs != "combobox|false|list|listbox|Search results" {
		t.Errorf("combobox role|expanded|autocomplete, listbox role|name = %q", attrs)
	}

	// "8.8": every entry whose controls include 8.8 comes first.
	typeQuery(t, ctx, "8.8")
	want := controlDocs(t, base, "8.8")
	if len(want) < 5 {
		t.Fatalf("the sample has %d entries with control 8.8: %v", len(want), want)
	}
	ids, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#search-results [role=option] .r-id')].map(e => e.textContent)`))
	if len(ids) < len(want) || !sameSet(ids[:len(want)], want) {
		t.Errorf(`results for "8.8" = %v, want first %v (their controls include 8.8)`, ids, want)
	} else if ids[0] != "PRO-PATCH-01" {
		t.Errorf(`first result for "8.8" is %s, want the patch management procedure`, ids[0])
	}
	count := evalString(ctx, `document.getElementById("search-count").textContent`)
	m := countRE.FindStringSubmatch(count)
	if m == nil {
		t.Fatalf("count %q", count)
	}
	if n, _ := strconv.Atoi(m[1]); n < len(want) || n > 20 {
		t.Errorf(`"8.8" gives %d results (%q): "8.8" must not match every 8`, n, count)
	}
	// The count is also announced in a live region (role=status) once typing pauses.
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`/^\d+ results?/.test(document.getElementById("search-status").textContent)`, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
		t.Errorf("the status region never announced the count: %q", evalString(ctx, `document.getElementById("search-status").textContent`))
	}
	// Options hold no links or other focusable things; a link beside the
	// list opens the full results page.
	if n := evalString(ctx, `String(document.querySelectorAll('#search-results a, #search-results button, #search-results input, #search-results [tabindex]').length)`); n != "0" {
		t.Errorf("%s interactive elements inside the listbox", n)
	}
	if got := evalString(ctx, `(() => { const a = document.querySelector('#search-popup a#search-all'); return a && !a.hidden ? a.getAttribute("href") : "" })()`); got != "/search/?q=8.8" {
		t.Errorf("the popup's link to all results leads to %q, want /search/?q=8.8", got)
	}

	active := `(() => { const i = document.getElementById("search-input"), a = i.getAttribute("aria-activedescendant");
		return a + "|" + (a && document.getElementById(a).getAttribute("aria-selected")) + "|" + i.getAttribute("aria-expanded") })()`
	if got := evalString(ctx, active); got != "search-result-0|true|true" {
		t.Errorf("after typing: activedescendant|selected|expanded = %q", got)
	}
	if err := chromedp.Do(ctx, press("ArrowDown", "ArrowDown", 40)); err != nil {
		t.Fatal(err)
	}
	if got := evalString(ctx, active); got != "search-result-1|true|true" {
		t.Errorf("after ArrowDown: %q", got)
	}
	if err := chromedp.Do(ctx, press("ArrowUp", "ArrowUp", 38), press("ArrowUp", "ArrowUp", 38)); err != nil {
		t.Fatal(err)
	}
	if got := evalString(ctx, active); got != "null|null|true" {
		t.Errorf("ArrowUp from the first option goes back to the box (no option active): %q", got)
	}
	if err := chromedp.Do(ctx, press("ArrowUp", "ArrowUp", 38)); err != nil {
		t.Fatal(err)
	}
	last := evalString(ctx, `[...document.querySelectorAll('#search-results [role=option]')].pop().id`)
	if got := evalString(ctx, active); got != last+"|true|true" {
		t.Errorf("ArrowUp from the box wraps to the last option %s: %q", last, got)
	}
	if n := evalString(ctx, `String(document.querySelectorAll('#search-results [aria-selected=true]').length)`); n != "1" {
		t.Errorf("%s options selected, want 1", n)
	}
	// Escape closes the list, and a second Escape empties the box.
	if err := chromedp.Do(ctx, press("Escape", "Escape", 27)); err != nil {
		t.Fatal(err)
	}
	if got := evalString(ctx, `document.getElementById("search-input").getAttribute("aria-expanded") + "|" + document.getElementById("search-popup").hidden + "|" + document.getElementById("search-input").hasAttribute("aria-activedescendant")`); got != "false|true|false" {
		t.Errorf("after Escape: expanded|hidden|has activedescendant = %q", got)
	}
	if err := chromedp.Do(ctx, press("Escape", "Escape", 27)); err != nil {
		t.Fatal(err)
	}
	if v := evalString(ctx, `document.getElementById("search-input").value`); v != "" {
		t.Errorf("a second Escape leaves %q in the box", v)
	}

	// "acess" finds the access control policy, its title highlighted.
	typeQuery(t, ctx, "acess")
	if first := evalString(ctx, `document.querySelector('#search-results [role=option] .r-id').textContent`); first != "POL-AC-01" {
		t.Errorf(`first result for "acess" is %q, want POL-AC-01`, first)
	}
	if mark := evalString(ctx, `(document.querySelector('#search-results [role=option] .r-title mark') || {}).textContent`); mark != "Access" {
		t.Errorf(`"acess": the first title marks %q, want "Access"`, mark)
	}

	// With no option active, Enter opens the full results page.
	if err := chromedp.Do(ctx, press("ArrowUp", "ArrowUp", 38), press("Enter", "Enter", 13)); err != nil {
		t.Fatal(err)
	}
	if loc := waitLocation(ctx, base+"/search/?q=acess"); loc != base+"/search/?q=acess" {
		t.Errorf("Enter in the box with no option active went to %s, want /search/?q=acess", loc)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSearchBoxLeadsToSection(t *testing.T) {
	ctx := browser(t)
	base, _ := serveSample(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/"), chromedp.WaitReady(chromedp.ID("search-input"))); err != nil {
		t.Fatal(err)
	}
	typeQuery(t, ctx, "risk treatment")
	// The process titled so comes first and leads to the document; the
	// risk register's best section is next.
	if first := evalString(ctx, `(() => { const o = document.querySelector('#search-results [role=option]'); return o.querySelector(".r-id").textContent + " " + o.getAttribute("data-href") })()`); first != "PRC-TREAT-01 /processes/risk-treatment/" {
		t.Errorf(`first result for "risk treatment" = %q, want the risk treatment process`, first)
	}
	second := evalString(ctx, `(() => { const o = document.querySelectorAll('#search-results [role=option]')[1];
		return [o.getAttribute("data-href"), (o.querySelector(".r-section") || {}).textContent || "", [...o.querySelectorAll("mark")].map(m => m.textContent.toLowerCase()).join(",")].join("|") })()`)
	parts := strings.Split(second, "|")
	if len(parts) != 3 || !strings.HasPrefix(parts[0], "/registers/risk-register/#") || parts[1] == "" {
		t.Fatalf(`second result for "risk treatment" = %q, want a link to a section of the risk register, with its title`, second)
	}
	if !strings.Contains(parts[2], "risk") || !strings.Contains(parts[2], "treatment") {
		t.Errorf(`second result for "risk treatment" marks %q, want both words`, parts[2])
	}
	// ArrowDown and Enter go there, and the page has that heading.
	if err := chromedp.Do(ctx, press("ArrowDown", "ArrowDown", 40), press("Enter", "Enter", 13)); err != nil {
		t.Fatal(err)
	}
	if loc := waitLocation(ctx, base+parts[0]); loc != base+parts[0] {
		t.Fatalf("Enter went to %s, want %s", loc, parts[0])
	}
	var heading string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && heading == ""; time.Sleep(100 * time.Millisecond) {
		heading = evalString(ctx, `(() => { const h = document.getElementById(decodeURIComponent(location.hash.slice(1))); return h ? h.textContent : "" })()`)
	}
	if !strings.Contains(heading, parts[1]) {
		t.Errorf("the target of %s is %q, want the heading %q", parts[0], heading, parts[1])
	}
}

func TestSearchResultsPage(t *testing.T) {
	ctx := browser(t)
	base, _ := serveSample(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/search/?q=risk+treatment")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`!document.querySelector(".search-page-results").hidden`)); err != nil {
		t.Fatal(err)
	}
	status := evalString(ctx, `(() => { const s = document.querySelector(".search-page-status"); return s.getAttribute("role") + "|" + s.textContent })()`)
	n := len(evalString(ctx, `"x".repeat(document.querySelectorAll(".search-page-results > li").length)`))
	if want := "status|" + strconv.Itoa(n) + " results for “risk treatment”."; status != want || n < 3 {
		t.Errorf("status = %q, want %q (%d items)", status, want, n)
	}
	named := evalString(ctx, `(() => { const l = document.querySelector(".search-page-results"); return l.tagName + "|" + l.getAttribute("aria-label") + "|" + l.querySelectorAll("[role=option]").length })()`)
	if named != "OL|Search results|0" {
		t.Errorf("results list tag|name|options = %q, want a named list without options", named)
	}
	sectionLinks := evalString(ctx, `String([...document.querySelectorAll(".search-page-results a.r-link")].filter(a => a.hash && a.querySelector(".r-section")).length)`)
	if sectionLinks == "0" {
		t.Error("no result links to a section")
	}
	if marks := evalString(ctx, `String(document.querySelectorAll(".search-page-results .r-snippet mark").length)`); marks == "0" {
		t.Error("no highlighted words in the snippets")
	}

	// Typing in the page's box updates the results and the address.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById("search-page-input").value = ""`),
		chromedp.SendKeys(chromedp.ID("search-page-input"), "8.8")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`location.search === "?q=8.8" && /for “8.8”/.test(document.querySelector(".search-page-status").textContent)`)); err != nil {
		t.Fatal(err)
	}
	ids, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.search-page-results .r-id')].map(e => e.textContent)`))
	want := controlDocs(t, base, "8.8")
	if len(ids) < len(want) || !sameSet(ids[:len(want)], want) {
		t.Errorf(`/search/?q=8.8 lists %v, want first %v`, ids, want)
	}
}
