package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/model"
)

// TestCurrencyGolden pins /currency.json of the sample site as of
// 2026-11-27. Rewrite with go test ./generator -run CurrencyGolden -update.
func TestCurrencyGolden(t *testing.T) {
	t.Parallel()
	res := sampleBuild(t)
	got := res.Tree["currency.json"]
	const golden = "../testdata/currency/sample-2026-11-27.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("currency.json differs from %s (run with -update and review the diff):\n%s", golden, firstDiff(string(got), string(want)))
	}
	// The shape DESIGN.md fixes, independently of the golden.
	var rep struct {
		AsOf      string           `json:"as_of"`
		Documents []map[string]any `json:"documents"`
		Findings  []map[string]any `json:"findings"`
		Summary   map[string]int   `json:"summary"`
	}
	if err := json.Unmarshal(got, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.AsOf != "2026-11-27" || len(rep.Documents) == 0 || len(rep.Summary) != 4 {
		t.Fatalf("bad report: %+v", rep)
	}
	for _, d := range rep.Documents {
		for _, k := range []string{"id", "title", "path", "owner", "type", "reviewed", "review_every", "next_review", "status", "days_overdue"} {
			if _, ok := d[k]; !ok {
				t.Errorf("document %v lacks %q", d["id"], k)
			}
		}
		if d["id"] == "PRO-TAPE-01" {
			t.Error("retired document in the report")
		}
	}
	total := 0
	for _, n := range rep.Summary {
		total += n
	}
	if total != len(rep.Documents) {
		t.Errorf("summary counts %d documents, list has %d", total, len(rep.Documents))
	}
}

var currencySite = fstest.MapFS{
	"isms.yaml":                 {Data: []byte("title: T\nbase_url: https://isms.example.org/manual/\nreview_every_by_type: { register: 3m }\n")},
	"content/registers/risk.md": {Data: []byte("---\nid: REG-RISK\ntitle: Risk <register>\ntype: register\nowner: Head of Risk\nreviewed: 2026-05-01\n---\nBody.\n")},
	"content/policies/a.md":     {Data: []byte("---\nid: POL-A\ntitle: Access & control\ntype: policy\nowner: CISO\napproved_by: MD\napproved: 2026-01-01\nreviewed: 2026-12-20\n---\nBody.\n")},
	"content/policies/b.md":     {Data: []byte("---\nid: POL-B\ntitle: Backup\ntype: policy\nowner: CISO\nstatus: retired\n---\nBody.\n")},
}

func TestCurrencyPages(t *testing.T) {
	t.Parallel()
	res, err := Build(context.Background(), Options{Site: currencySite, Today: asOf})
	if err != nil || res.Tree == nil {
		t.Fatalf("build failed: %v\n%s", err, res.Diags)
	}
	// A review dated after as-of warns at the value.
	if got := res.Diags.String(); !strings.Contains(got, "content/policies/a.md:8:11: warning: reviewed 2026-12-20 is after the as-of date 2026-11-27") {
		t.Errorf("no located future-review warning:\n%s", got)
	}
	page := string(res.Tree["currency/index.html"])
	for _, want := range []string{
		`class="kind-report"`,
		`<script src="/manual/assets/currency.js" defer></script>`,
		`<svg class="timeline"`,
		`Risk &lt;register&gt;`, // escaped
		`<code class="rule">shelf-ware</code>`,
		`<code class="rule">no-management-review</code>`,
		`id="owner-head-of-risk" open`,
		`118 days overdue`,
		`href="/manual/registers/risk/"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/currency/ lacks %s", want)
		}
	}
	if strings.Contains(page, "POL-B") {
		t.Error("retired document on /currency/")
	}
	if regexp.MustCompile(`<script>|style="|<style`).MatchString(page) {
		t.Error("inline script or style on /currency/ (CSP forbids unsafe-inline)")
	}
	doc := string(res.Tree["registers/risk/index.html"])
	if !strings.Contains(doc, `<time>2026-08-01</time> <span class="badge badge-overdue">overdue</span>`) {
		t.Error("document page lacks next review and currency badge")
	}
	ics := string(res.Tree["reviews.ics"])
	for _, want := range []string{"UID:review-REG-RISK-20260801@isms.example.org\r\n", "URL:https://isms.example.org/manual/registers/risk/\r\n", "SUMMARY:Review due: Access & control (POL-A)\r\n"} {
		if !strings.Contains(ics, want) {
			t.Errorf("reviews.ics lacks %q", want)
		}
	}
	again, _ := Build(context.Background(), Options{Site: currencySite, Today: asOf})
	for _, p := range []string{"currency/index.html", "currency.json", "reviews.ics"} {
		if !bytes.Equal(res.Tree[p], again.Tree[p]) {
			t.Errorf("%s differs between two builds", p)
		}
	}
}

func TestCheckRendersNothing(t *testing.T) {
	t.Parallel()
	res, err := Check(context.Background(), Options{Site: currencySite, Today: model.DateOf(2026, 11, 27)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree != nil {
		t.Error("Check rendered a tree")
	}
	rep := CurrencyReport(res)
	if rep == nil || len(rep.Documents) != 2 || rep.Summary.Overdue != 1 {
		t.Fatalf("report: %+v", rep)
	}
}
