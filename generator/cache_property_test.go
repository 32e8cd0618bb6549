package generator

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/internal/testmode"
)

// editSite applies one random edit to site, of the kinds an author makes
// while the preview runs: a body, a title, other front-matter (dates,
// controls, process edges), a new document, a deleted or renamed one, the
// site config, the theme. It returns what it did, for failure messages.
// Some edits break the site (a deleted document that others link to);
// the cached build must then fail exactly as a fresh one does.
func editSite(site fstest.MapFS, r *rand.Rand, step int) string {
	docs := func() []string {
		var out []string
		for p := range site {
			if strings.HasPrefix(p, "content/") && strings.HasSuffix(p, ".md") {
				out = append(out, p)
			}
		}
		slices.Sort(out)
		return out
	}
	put := func(p, s string) { site[p] = &fstest.MapFile{Data: []byte(s), Mode: 0o644} }
	pick := func() string {
		ds := docs()
		if len(ds) == 0 {
			return ""
		}
		return ds[r.IntN(len(ds))]
	}
	replaceLine := func(p, key, value string) bool {
		lines := strings.Split(string(site[p].Data), "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, key+":") {
				lines[i] = key + ": " + value
				put(p, strings.Join(lines, "\n"))
				return true
			}
		}
		return false
	}
	addFront := func(p, line string) {
		s := string(site[p].Data)
		put(p, strings.Replace(s, "---\n", "---\n"+line+"\n", 1))
	}
	switch kind := r.IntN(10); kind {
	case 0: // body
		p := pick()
		if p == "" {
			break
		}
		put(p, string(site[p].Data)+fmt.Sprintf("\nParagraph %d of [the manual](%s).\n", step, relTo(p, "content/manual/manual.md")))
		return "body of " + p
	case 1: // title
		if p := pick(); p != "" && replaceLine(p, "title", fmt.Sprintf("Title %d", step)) {
			return "title of " + p
		}
	case 2: // dates and controls
		p := pick()
		if p == "" {
			break
		}
		date := fmt.Sprintf("20%02d-0%d-1%d", 24+r.IntN(3), 1+r.IntN(9), r.IntN(10))
		if !replaceLine(p, "reviewed", date) {
			addFront(p, "reviewed: "+date)
		}
		if !replaceLine(p, "controls", fmt.Sprintf(`["5.%d"]`, 1+r.IntN(37))) {
			addFront(p, `controls: ["8.8"]`)
		}
		return "reviewed and controls of " + p
	case 3: // a process edge and its label
		if _, ok := site["content/processes/treat.md"]; ok {
			replaceLine("content/processes/treat.md", "phase", []string{"plan", "do", "check", "act"}[r.IntN(4)])
			s := string(site["content/processes/treat.md"].Data)
			put("content/processes/treat.md", strings.Replace(s, "inputs:\n", fmt.Sprintf("inputs:\n  - { from: PRC-RISK-01, what: \"Label %d\" }\n", step), 1))
			return "edge label and phase of treat.md"
		}
	case 4: // a new document linking to another
		p := fmt.Sprintf("content/records/r%d.md", step)
		put(p, fmt.Sprintf("---\nid: REC-%d\ntitle: Record %d\ntype: record\nowner: Auditor\ndate: 2026-0%d-01\nclause: \"9.2\"\ncontrols: [\"5.35\"]\n---\nSee [the manual](../manual/manual.md).\n", step, step, 1+r.IntN(9)))
		return "added " + p
	case 5: // a deleted document
		if p := pick(); p != "" && p != "content/manual/manual.md" {
			delete(site, p)
			return "deleted " + p
		}
	case 6: // a renamed document
		if p := pick(); p != "" && p != "content/manual/manual.md" {
			q := strings.TrimSuffix(p, ".md") + fmt.Sprintf("-%d.md", step)
			site[q] = site[p]
			delete(site, p)
			return "renamed " + p + " to " + q
		}
	case 7: // the site config
		put("isms.yaml", fmt.Sprintf("title: Manual %d\norganization: Org %d\ndue_soon: %dd\nreview_every: %dm\n", step, r.IntN(3), 10+r.IntN(60), 6+r.IntN(12)))
		return "isms.yaml"
	case 8: // a theme file
		put("themes/default/static/extra.css", fmt.Sprintf("/* %d */ body { margin: %dpx }\n", step, r.IntN(9)))
		if r.IntN(2) == 0 {
			put("themes/default/layouts/base.html", fmt.Sprintf(`{{define "base"}}<!DOCTYPE html><title>{{.Title}} %d</title>{{range .Site.Header}}<a href="{{.URL}}">{{.Title}}</a>{{end}}<nav>{{.Site.Nav}}</nav>{{template "main" .}}{{end}}`, step))
		} else {
			delete(site, "themes/default/layouts/base.html")
		}
		return "theme files"
	case 9: // an evidence artefact
		put("content/evidence/files/log.txt", fmt.Sprintf("log line %d\n", step))
		put("content/evidence/e.md", fmt.Sprintf("---\nid: EVD-1\ntitle: Evidence\ntype: evidence\nowner: CISO\ndate: 2026-05-0%d\ncontrols: [\"8.15\"]\nfile: evidence/files/log.txt\n---\nLog.\n", 1+r.IntN(9)))
		return "evidence and its artefact"
	}
	return "nothing"
}

// relTo is the relative link from content file from to content file to.
func relTo(from, to string) string {
	depth := strings.Count(strings.TrimPrefix(from, "content/"), "/")
	return strings.Repeat("../", depth) + strings.TrimPrefix(to, "content/")
}

// checkCachedEdits applies steps random edits from seed and checks after
// each that a build through one long-lived cache equals a fresh build,
// byte for byte, diagnostics included.
func checkCachedEdits(t *testing.T, seed uint64, steps int) {
	site := siteFromTxtar(t, "../testdata/sites/basic.txtar")
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	c := NewCache()
	var did []string
	for step := range steps {
		did = append(did, editSite(site, r, step))
		cached, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c})
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := Build(context.Background(), Options{Site: site, AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		if cd, fd := cached.Diags.String(), fresh.Diags.String(); cd != fd {
			t.Fatalf("seed %d after %q: diagnostics differ\ncached:\n%s\nfresh:\n%s", seed, did, cd, fd)
		}
		if (cached.Tree == nil) != (fresh.Tree == nil) {
			t.Fatalf("seed %d after %q: cached build ok=%v, fresh ok=%v", seed, did, cached.Tree != nil, fresh.Tree != nil)
		}
		if p := treeDiff(cached.Tree, fresh.Tree); p != "" {
			t.Fatalf("seed %d after %q: cached build differs from a fresh one at %s:\n%s", seed, did, p, firstDiff(string(cached.Tree[p]), string(fresh.Tree[p])))
		}
	}
}

// TestCacheRandomEdits is the property behind the preview: whatever the
// author edits, the cached build is the fresh build. Bounded and seeded
// here; FuzzCacheEdits explores further.
func TestCacheRandomEdits(t *testing.T) {
	t.Parallel()
	seeds, steps := uint64(testmode.Rounds(1, 4)), testmode.Rounds(8, 20)
	for seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { checkCachedEdits(t, seed, steps) })
	}
}

func FuzzCacheEdits(f *testing.F) {
	f.Add(uint64(1), uint8(10))
	f.Add(uint64(99), uint8(30))
	f.Fuzz(func(t *testing.T, seed uint64, steps uint8) {
		if steps > 10 && !testmode.Fuzzing() {
			testmode.Slow(t) // a long edit sequence from the seed corpus
		}
		checkCachedEdits(t, seed, int(steps%40))
	})
}
