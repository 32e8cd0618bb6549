package generator

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"html"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"

	"github.com/isms-project/isms/internal/testmode"
)

func day(s string) model.Date {
	d, err := model.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// leakyReport publishes a page it says is confidential, whatever the
// edition: the build must refuse it.
type leakyReport struct{}

func (leakyReport) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }
func (leakyReport) Publish(report.Renderer) ([]report.Page, diag.List) {
	return []report.Page{{URL: "leak/", Bytes: []byte("x"), Classification: "confidential"}}, nil
}

// canarySite is a site in a real git repository whose confidential and
// "strictly confidential" documents carry a canary in every field, their
// body, their records, an artefact only they link to, and an older
// version of a document that is internal now. A document of every lower
// level links to them, names them in its process edges and records, and
// mentions their ids. Each canary is a word no page would otherwise hold.
// It is made once for the tests that read it (a git repository costs
// about 0.15 s): never change it.
func canarySite(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary; skipping tests on a git repository")
	}
	theCanary.once.Do(func() {
		dir, err := os.MkdirTemp("", "isms-canary-")
		if err != nil {
			t.Fatal(err)
		}
		theCanary.tmp = dir
		theCanary.dir = makeCanarySite(t, dir)
	})
	if theCanary.dir == "" {
		t.Fatal("the shared canary site could not be made (see the first test that asked)")
	}
	return theCanary.dir
}

var theCanary struct {
	once     sync.Once
	tmp, dir string
}

func makeCanarySite(t *testing.T, tmp string) string {
	t.Helper()
	dir, git, write := gitRepoIn(t, tmp)
	git("2025-01-10", "init", "-q", "-b", "main")
	write("isms.yaml", `title: Canary Ltd ISMS
organization: Canary Ltd
classifications: [public, internal, confidential, strictly confidential]
default_classification: internal
editions:
  staff: { max: internal }
  board: { max: strictly confidential }
  public: { max: public, title: Trust centre }
certification:
  standard: ISO/IEC 27001:2022
  certificate: CERT-42
  issuer: Example Certification Ltd
  valid_until: 2028-01-01
  scope: The whole company
`)
	// The internal plan was confidential first, with a canary in it.
	write("content/plans/plan.md", "---\nid: PLN-1\ntitle: Plan\ntype: plan\nowner: CISO\nclassification: confidential\nreviewed: 2025-01-10\n---\nOld text with canaryhistorybody.\n")
	git("2025-01-10", "add", "-A")
	git("2025-01-10", "commit", "-q", "-m", "Add plan canaryhistorysubject")
	write("content/plans/plan.md", "---\nid: PLN-1\ntitle: Plan\ntype: plan\nowner: CISO\nreviewed: 2025-02-10\n---\nThe plan, for everyone.\n")
	git("2025-02-10", "commit", "-q", "-am", "Open the plan to staff")

	write("content/policies/public.md", "---\nid: POL-PUB-1\ntitle: Public security policy\ntype: policy\nowner: CEO\nclassification: public\nreviewed: 2026-10-01\n---\nWe protect information.\n")
	write("content/processes/internal.md", `---
id: PRC-IN-1
title: Internal process
type: process
owner: COO
reviewed: 2026-10-01
clause: "8.1"
phase: do
inputs:
  - { from: PRC-SECRET-1, what: canaryedgelabel }
outputs:
  - { to: REG-SECRET-1, what: canaryedgelabeltwo }
actions:
  - id: ACT-IN-1
    title: Internal action
    kind: action
    source: REG-SECRET-1
    raised: 2026-09-01
    owner: COO
    due: 2027-01-01
    status: open
    risks: [R-SECRET-1]
---
See [the secret register](../registers/secret.md#risks) and [the board minutes](../minutes/board.md).
The register REG-SECRET-1 holds risk R-SECRET-1.
`)
	write("content/processes/secret.md", `---
id: PRC-SECRET-1
title: Canaryprocesstitle process
type: process
owner: Canaryprocessowner
classification: confidential
reviewed: 2026-10-01
clause: "6.1"
phase: plan
outputs:
  - { to: PRC-IN-1, what: canaryedgelabel }
---
Canaryprocessbody text.
`)
	write("content/registers/secret.md", `---
id: REG-SECRET-1
title: Canaryregistertitle
type: register
owner: Canaryregisterowner
version: "canaryversion"
classification: confidential
reviewed: 2024-01-01
controls: ["5.1"]
risks:
  - id: R-SECRET-1
    title: Canaryrisktitle
    owner: Canaryriskowner
    likelihood: 3
    impact: 3
    treatment: modify
    plan: Canaryriskplan
    assessed: 2026-10-01
---
# Risks

Canaryregisterbody, see ![diagram](canary-evidence.txt) and [the file](canary-evidence.txt).
`)
	write("content/registers/canary-evidence.txt", "canaryartefact\n")
	write("content/minutes/board.md", `---
id: MIN-BOARD-1
title: Canaryboardtitle minutes
type: minutes
owner: Canaryboardowner
classification: strictly confidential
date: 2026-10-01
---
Canaryboardbody.
`)
	git("2026-10-02", "add", "-A")
	git("2026-10-02", "commit", "-q", "-m", "Add the rest")
	return dir
}

// canaries are the words of canarySite that only its confidential and
// strictly confidential documents (and the confidential old version)
// hold, in lower case.
var canaries = []string{
	"canaryhistorybody", "canaryhistorysubject", "canaryedgelabel", "canaryprocesstitle", "canaryprocessowner",
	"canaryprocessbody", "canaryregistertitle", "canaryregisterowner", "canaryversion", "canaryrisktitle",
	"canaryriskowner", "canaryriskplan", "canaryregisterbody", "canaryartefact", "canaryboardtitle",
	"canaryboardowner", "canaryboardbody", "canary-evidence", "prc-secret-1", "reg-secret-1", "r-secret-1",
	"min-board-1", "registers/secret", "minutes/board",
}

func buildCanary(t *testing.T, dir string, o Options) *Result {
	t.Helper()
	o.Site, o.SiteDir, o.Today = os.DirFS(dir), dir, day("2026-11-27")
	res, err := Build(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Diags.HasErrors() {
		t.Fatalf("build failed:\n%s", res.Diags)
	}
	return res
}

// leaks lists the canaries found in any byte of tree, and in every entry
// of every zip in it, as "file: canary".
func leaks(t *testing.T, tree view.Tree, words []string) []string {
	t.Helper()
	var out []string
	var look func(name string, b []byte)
	look = func(name string, b []byte) {
		low := bytes.ToLower(b)
		for _, w := range words {
			if bytes.Contains(low, []byte(w)) {
				out = append(out, name+": "+w)
			}
		}
		if path.Ext(name) == ".zip" {
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			for _, f := range zr.File {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				data, _ := io.ReadAll(rc)
				rc.Close()
				look(name+"!"+f.Name, data)
			}
		}
	}
	for _, name := range slices.Sorted(mapKeys(tree)) {
		look(name, tree[name])
	}
	return out
}

// absent are the words of which found (leaks' "file: word" lines) names
// no file.
func absent(found, words []string) []string {
	seen := map[string]bool{}
	for _, f := range found {
		seen[f[strings.LastIndex(f, ": ")+2:]] = true
	}
	var out []string
	for _, w := range words {
		if !seen[w] {
			out = append(out, w)
		}
	}
	return out
}

func mapKeys(t view.Tree) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range t {
			if !yield(k) {
				return
			}
		}
	}
}

// snapshotTree is a snapshot of res as a tree: every file, the manifest
// and the zip.
func snapshotTree(t *testing.T, res *Result) view.Tree {
	t.Helper()
	snap, err := Snapshot(res)
	if err != nil {
		t.Fatal(err)
	}
	out := view.Tree{}
	err = fs.WalkDir(snap, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(snap, p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEditionHoldsNoCanary: the staff and public editions hold none of the
// canaries in any byte of any file or zip entry, while the whole site and
// the board edition hold every one (so the test would see a leak).
func TestEditionHoldsNoCanary(t *testing.T) {
	t.Parallel()
	dir := canarySite(t)
	whole := buildCanary(t, dir, Options{Snapshot: true})
	all := buildCanary(t, dir, Options{AllEditions: true, Snapshot: true})
	if len(all.Editions) != 3 {
		t.Fatalf("%d editions, want 3", len(all.Editions))
	}
	missing := absent(leaks(t, snapshotTree(t, whole), canaries), canaries)
	if len(missing) > 0 {
		t.Fatalf("the whole site should hold every canary, but lacks %v: the test cannot see these leaks", missing)
	}
	for _, e := range all.Editions {
		one := *all
		one.Tree, one.Edition, one.Editions = e.Tree, e.Edition, nil
		tree := snapshotTree(t, &one)
		found := leaks(t, tree, canaries)
		switch e.Edition.Name {
		case "board":
			may := []string{"canaryboardbody", "canaryregisterbody", "canaryhistorybody"}
			for _, w := range absent(found, may) {
				t.Errorf("board edition lacks %s, which it may hold", w)
			}
		default:
			if len(found) > 0 {
				t.Errorf("edition %s leaks:\n%s", e.Edition.Name, strings.Join(found, "\n"))
			}
		}
	}
}

// TestEditionOutputKinds plants a canary above the staff edition in each
// kind of output and checks that the file of that kind holds it in the
// whole site and not in the staff edition.
func TestEditionOutputKinds(t *testing.T) {
	t.Parallel()
	dir := canarySite(t)
	whole := buildCanary(t, dir, Options{})
	staff := buildCanary(t, dir, Options{Edition: "staff"})
	if staff.Edition == nil || staff.Edition.Name != "staff" {
		t.Fatalf("edition = %+v", staff.Edition)
	}
	cases := []struct {
		kind, file, canary string
	}{
		{"document page", "registers/secret/index.html", "canaryregisterbody"},
		{"link to a left-out document", "processes/internal/index.html", "registers/secret/"},
		{"breadcrumbs and navigation", "policies/public/index.html", "canaryregistertitle"},
		{"process map node", "processes/index.html", "canaryprocesstitle"},
		{"process map edge label", "processes/index.html", "canaryedgelabel"},
		{"process neighbourhood", "processes/internal/index.html", "canaryprocesstitle"},
		{"evidence file", "registers/canary-evidence.txt", "canaryartefact"},
		{"search index", "search-index.json", "canaryregisterbody"},
		{"print", "print/index.html", "canaryboardbody"},
		{"currency.json", "currency.json", "canaryregistertitle"},
		{"reviews.ics", "reviews.ics", "canaryregistertitle"},
		{"history page", "plans/plan/history/index.html", "canaryhistorybody"},
		{"history commit subject", "plans/plan/history/index.html", "canaryhistorysubject"},
		{"history of a left-out document", "registers/secret/history/index.html", "canaryregistertitle"},
		{"findings on the currency page", "currency/index.html", "reg-secret-1"},
		{"risk register", "risks/index.html", "canaryrisktitle"},
		{"action's risk reference", "actions/index.html", "r-secret-1"},
		{"SoA", "soa/index.html", "canaryregistertitle"},
		{"home page", "index.html", "canaryregistertitle"},
	}
	for _, c := range cases {
		t.Run(c.kind, func(t *testing.T) {
			b, ok := whole.Tree[c.file]
			if !ok {
				t.Fatalf("the whole site has no %s", c.file)
			}
			if !bytes.Contains(bytes.ToLower(b), []byte(c.canary)) {
				t.Fatalf("the whole site's %s lacks %q: the test cannot see a leak", c.file, c.canary)
			}
			if got := leaks(t, staff.Tree, []string{c.canary}); len(got) > 0 {
				t.Errorf("staff edition leaks %q:\n%s", c.canary, strings.Join(got, "\n"))
			}
		})
	}
	// What the staff edition shows instead.
	page := string(staff.Tree["processes/internal/index.html"])
	for _, want := range []string{`<span class="withheld">the secret register</span>`, "(not in this edition)", "[not in this edition]"} {
		if !strings.Contains(page, want) {
			t.Errorf("processes/internal/index.html lacks %q", want)
		}
	}
	if _, ok := staff.Tree["plans/plan/history/index.html"]; !ok {
		t.Error("the plan's history page is missing from the staff edition")
	}
	var mentions int
	for _, d := range staff.Diags {
		if d.Code == "withheld-mention" {
			mentions++
		}
	}
	if mentions == 0 {
		t.Error("no withheld-mention warning for the internal process naming REG-SECRET-1")
	}
}

// TestEditionTaintRefused: a report page that declares a source above the
// edition's max is refused with an internal error, and nothing is
// published.
func TestEditionTaintRefused(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"isms.yaml":             {Data: []byte("editions:\n  staff: { max: internal }\n")},
		"content/policies/a.md": {Data: []byte("---\nid: POL-A\ntitle: A\ntype: policy\nowner: X\nreviewed: 2026-10-01\n---\nText.\n")},
	}
	res, err := Build(context.Background(), Options{Site: site, Today: day("2026-11-27"), Edition: "staff",
		Reports: []report.Report{leakyReport{}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree != nil {
		t.Fatal("a tree with a file above the edition's max was returned")
	}
	if !strings.Contains(res.Diags.String(), "leak/index.html is classified confidential, above the edition's max internal") {
		t.Fatalf("diagnostics:\n%s", res.Diags)
	}
}

// TestUnknownEdition: an edition isms.yaml does not declare is refused,
// naming the declared ones.
func TestUnknownEdition(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"isms.yaml":             {Data: []byte("editions:\n  staff: { max: internal }\n  public: { max: public }\n")},
		"content/policies/a.md": {Data: []byte("---\nid: POL-A\ntitle: A\ntype: policy\nowner: X\n---\nText.\n")},
	}
	_, err := Build(context.Background(), Options{Site: site, Edition: "stuff"})
	var ue *UnknownEditionError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "declared are staff, public") {
		t.Fatalf("err = %v", err)
	}
	if err := CheckEdition(site, "public"); err != nil {
		t.Fatal(err)
	}
}

// TestEditionProperty builds random classification assignments of a small
// site and checks every edition: no file holds a word of a document above
// its max, and the edition's diagnostics add nothing but withheld-mention
// warnings to the whole site's. The quick suite runs two of the six seeds.
func TestEditionProperty(t *testing.T) {
	t.Parallel()
	levels := []string{"public", "internal", "confidential", "restricted"}
	for seed := range uint64(testmode.Rounds(2, 6)) {
		rng := rand.New(rand.NewPCG(seed, 7))
		site := fstest.MapFS{"isms.yaml": {Data: []byte("editions:\n  e0: { max: public }\n  e1: { max: internal }\n  e2: { max: confidential }\n")}}
		class := map[int]int{}
		for i := range 8 {
			class[i] = rng.IntN(len(levels))
			var links strings.Builder
			for j := range 8 {
				if j != i && rng.IntN(3) == 0 {
					fmt.Fprintf(&links, "See [doc %d](doc%d.md). ", j, j)
				}
			}
			var inputs string
			if i > 0 && rng.IntN(2) == 0 {
				inputs = fmt.Sprintf("inputs:\n  - { from: PRC-%d, what: secretword%dedge }\n", i-1, i-1)
			}
			site[fmt.Sprintf("content/processes/doc%d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
				"---\nid: PRC-%d\ntitle: Secretword%dtitle\ntype: process\nowner: Secretword%downer\nclassification: %s\nreviewed: 2026-01-01\n%s---\nSecretword%dbody. %s\n",
				i, i, i, levels[class[i]], inputs, i, links.String()))}
		}
		whole, err := Build(context.Background(), Options{Site: site, Today: day("2026-11-27")})
		if err != nil || whole.Tree == nil {
			t.Fatalf("seed %d: whole site: %v\n%s", seed, err, whole.Diags)
		}
		res, err := Build(context.Background(), Options{Site: site, Today: day("2026-11-27"), AllEditions: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, dg := range res.Diags {
			if dg.Code != "withheld-mention" && !slices.ContainsFunc(whole.Diags, func(w diag.Diagnostic) bool { return w.String() == dg.String() }) {
				t.Errorf("seed %d: an edition added %s", seed, dg)
			}
		}
		for e, er := range res.Editions {
			if er.Tree == nil {
				t.Fatalf("seed %d: edition %s failed:\n%s", seed, er.Edition.Name, res.Diags)
			}
			var words []string
			for i, c := range class {
				if c > e {
					words = append(words, fmt.Sprintf("secretword%dtitle", i), fmt.Sprintf("secretword%downer", i),
						fmt.Sprintf("secretword%dbody", i), fmt.Sprintf("secretword%dedge", i), fmt.Sprintf("prc-%d\"", i), fmt.Sprintf("processes/doc%d/", i))
				}
			}
			if found := leaks(t, er.Tree, words); len(found) > 0 {
				t.Errorf("seed %d: edition %s leaks:\n%s", seed, er.Edition.Name, strings.Join(found, "\n"))
			}
		}
	}
}

// TestMarkingsAndTrustCentre: in the whole site a confidential page has
// the banner and the printed header and footer, an internal one not; the
// public edition's home page is the trust centre: the certificate and the
// public policies, nothing of the ISMS's health or registers.
func TestMarkingsAndTrustCentre(t *testing.T) {
	t.Parallel()
	dir := canarySite(t)
	whole := buildCanary(t, dir, Options{})
	secret := string(whole.Tree["registers/secret/index.html"])
	for _, want := range []string{`<div class="marking" role="note"><strong class="marking-label">confidential</strong>`, `class="marking-print marking-print-top"`, `class="marking-print marking-print-bottom"`} {
		if !strings.Contains(secret, want) {
			t.Errorf("the confidential page lacks %s", want)
		}
	}
	if board := string(whole.Tree["minutes/board/index.html"]); !strings.Contains(board, `<strong class="marking-label">strictly confidential</strong>`) {
		t.Error("the strictly confidential page is not marked as such")
	}
	if strings.Contains(string(whole.Tree["plans/plan/index.html"]), `class="marking"`) {
		t.Error("an internal page is marked")
	}
	pub := buildCanary(t, dir, Options{Edition: "public", Snapshot: true})
	home := string(pub.Tree["index.html"])
	for _, want := range []string{"Trust centre", "CERT-42", "Example Certification Ltd", "valid", "The whole company", "Public security policy"} {
		if !strings.Contains(home, want) {
			t.Errorf("the trust centre lacks %q", want)
		}
	}
	for _, not := range []string{"ISMS health", "Is the engine turning", "Internal process", `href="/processes/"`, "Documents by ISO"} {
		if strings.Contains(home, not) {
			t.Errorf("the trust centre shows %q", not)
		}
	}
	snap := snapshotTree(t, pub)
	if !strings.Contains(string(snap["manifest.json"]), `"edition": "public"`) || !strings.Contains(string(snap["manifest.json"]), `"max": "public"`) {
		t.Errorf("the manifest does not name the edition:\n%.400s", snap["manifest.json"])
	}
	if !strings.Contains(home, "edition <strong>public</strong> (nothing above public)") {
		t.Error("the snapshot banner does not name the edition")
	}
}

// TestSampleEditions: the sample declares staff, auditor and public
// editions and all three build from one parse. No byte of the staff
// edition (files and zip entries) holds a confidential document's id,
// its title, or any run of eight words of its body — unless a document
// of the staff edition writes the same words itself ("the business
// continuity plan" in the backup policy; the attendees' roles) or the
// title is the name of a report every edition has ("Statement of
// Applicability").
func TestSampleEditions(t *testing.T) {
	t.Parallel()
	site := os.DirFS("..")
	res, err := Build(context.Background(), Options{Site: site, Today: day("2026-11-27"), AllEditions: true, Snapshot: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Diags.HasErrors() {
		t.Fatalf("errors:\n%s", res.Diags)
	}
	var names []string
	for _, e := range res.Editions {
		names = append(names, e.Edition.Name)
		if e.Tree == nil {
			t.Fatalf("edition %s did not build", e.Edition.Name)
		}
	}
	if strings.Join(names, ",") != "staff,auditor,public" {
		t.Fatalf("editions %v", names)
	}
	staff := *res
	staff.Tree, staff.Edition, staff.Editions = res.Editions[0].Tree, res.Editions[0].Edition, nil
	text := plainText(snapshotTree(t, &staff))
	cfg := res.Config
	own := view.Tree{}
	for _, p := range res.Site.Pages {
		if cfg.Rank(cfg.ClassificationOf(p.Doc)) <= cfg.Rank("internal") {
			own[p.Doc.Path] = p.Doc.Src
		}
	}
	ownText := plainText(own)
	leaked := func(s string) bool { return strings.Contains(text, s) && !strings.Contains(ownText, s) }
	// A run of eight words can be in text only if its six middle words are
	// six whole words in a row there: the set of every six words in a row
	// rules most runs out before the search (a second of this test).
	inText := sixWordRuns(text)
	checked := 0
	for _, p := range res.Site.Pages {
		if cfg.Rank(cfg.ClassificationOf(p.Doc)) <= cfg.Rank("internal") {
			continue
		}
		checked++
		if strings.Contains(text, strings.ToLower(p.Doc.ID)) { // strict: mentions are redacted
			t.Errorf("staff edition holds the id %s", p.Doc.ID)
		}
		if p.Doc.Title != "Statement of Applicability" && leaked(strings.ToLower(p.Doc.Title)) {
			t.Errorf("staff edition holds the title %q", p.Doc.Title)
		}
		_, body := splitFront(string(p.Doc.Src))
		words := strings.FieldsFunc(strings.ToLower(body), func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '\'') })
		for i := 0; i+8 <= len(words); i += 3 {
			if !inText[sixWords(words[i+1:i+7])] {
				continue
			}
			if run := strings.Join(words[i:i+8], " "); leaked(run) {
				t.Errorf("staff edition holds %q of %s", run, p.Doc.ID)
				break
			}
		}
	}
	if checked < 5 {
		t.Fatalf("only %d confidential documents in the sample", checked)
	}
}

// plainText is every file's text (zip entries included), lower case,
// with markup dropped and runs of anything but letters and apostrophes
// made one space, so that sentences read across tags.
func plainText(tree view.Tree) string {
	var b strings.Builder
	var add func(name string, data []byte)
	add = func(name string, data []byte) {
		if path.Ext(name) == ".zip" {
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err == nil {
				for _, f := range zr.File {
					rc, _ := f.Open()
					d, _ := io.ReadAll(rc)
					rc.Close()
					add(f.Name, d)
				}
			}
			return
		}
		s := html.UnescapeString(tagRE.ReplaceAllString(string(data), " "))
		b.WriteString(strings.ToLower(s))
		b.WriteString("\n")
	}
	for name, data := range tree {
		add(name, data)
	}
	// Ids keep their hyphens and digits; words are compared letter runs.
	s := b.String()
	return s + "\n" + strings.Join(strings.FieldsFunc(s, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '\'') }), " ")
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

var wordSeed = maphash.MakeSeed()

// sixWords is a hash of six words in a row.
func sixWords(w []string) uint64 {
	var h maphash.Hash
	h.SetSeed(wordSeed)
	for _, s := range w[:6] {
		h.WriteString(s)
		h.WriteByte(' ')
	}
	return h.Sum64()
}

// sixWordRuns is the set of hashes of every six words in a row in text,
// words being runs of letters and apostrophes as plainText makes them.
func sixWordRuns(text string) map[uint64]bool {
	w := strings.FieldsFunc(text, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r == '\'') })
	out := make(map[uint64]bool, len(w))
	for i := 0; i+6 <= len(w); i++ {
		out[sixWords(w[i:i+6])] = true
	}
	return out
}

func splitFront(src string) (front, body string) {
	if rest, ok := strings.CutPrefix(src, "---\n"); ok {
		if i := strings.Index(rest, "\n---"); i >= 0 {
			return rest[:i], rest[i+4:]
		}
	}
	return "", src
}

// TestEditionReviewedLeaks keeps shut the ways a hostile review found to
// reach a lower edition: files nothing visible links to (a .md.orig, a
// file linked only from a confidential document's raw HTML), findings
// resting on a confidential register or a confidential old version, a
// commit message shared with a confidential document, a placeholder
// classification, ids written by Graphviz (&#45;), glued by JSON escapes
// or folded in reviews.ics, and a link to a confidential page by the
// site's full address.
func TestEditionReviewedLeaks(t *testing.T) {
	t.Parallel()
	dir, git, write := gitRepo(t)
	git("2025-01-10", "init", "-q", "-b", "main")
	write("isms.yaml", "title: Rev\norganization: Rev\nunsafe_html: true\nbase_url: https://isms.example/isms/\ndefault_classification: internal\neditions:\n  staff: { max: internal }\n  public: { max: public }\n")
	// An internal plan with a confidential middle version.
	plan := func(version, class, body string) string {
		return "---\nid: PLN-1\ntitle: Plan\ntype: plan\nowner: CISO\nversion: \"" + version + "\"\n" + class + "reviewed: 2025-01-10\nhistory:\n  - { version: \"1.0\", date: 2025-01-10, author: A, change: first }\n---\n" + body + "\n"
	}
	write("content/plans/plan.md", plan("1.0", "", "Text one."))
	git("2025-01-10", "add", "-A")
	git("2025-01-10", "commit", "-q", "-m", "plan v1")
	write("content/plans/plan.md", plan("canaryhistver", "classification: confidential\n", "Text two canaryhistbody."))
	git("2025-02-10", "commit", "-q", "-am", "plan secret")
	write("content/plans/plan.md", plan("2.0", "", "Text three."))
	git("2025-03-10", "commit", "-q", "-am", "plan v3")
	write("content/registers/secret.md", `---
id: REG-SECRET-1
title: Canarysharedtitle register
type: register
owner: Secretowner
classification: confidential
reviewed: 2026-10-01
applicability:
  - { control: "5.7", applicable: true, status: partial, justification: "canaryjustification" }
  - { control: "5.8", applicable: false, justification: "canaryjust2" }
---
Canarysecretbody, the <a href="board-pack.txt">board pack</a>.
`)
	write("content/registers/board-pack.txt", "canaryboardpack\n")
	write("content/registers/secret.md.orig", "---\nclassification: confidential\n---\ncanaryorigfile\n")
	write("content/registers/risks.md", "---\nid: REG-RISK-1\ntitle: Risks\ntype: register\nowner: X\nreviewed: 2026-10-01\nrisks:\n  - { id: R-1, title: Vis risk, owner: O, likelihood: 1, impact: 1, treatment: modify, assessed: 2026-10-01, controls: [\"5.8\"] }\n---\nrisks\n")
	write("content/policies/pub.md", "---\nid: POL-1\ntitle: Policy\ntype: policy\nowner: CEO\nreviewed: 2026-10-01\n---\nWe protect. See [abs](https://isms.example/isms/registers/secret/).\n")
	title := "Handling of the records listed in the register of"
	for len("SUMMARY:Review due: "+title+" ") < 70 {
		title += "x"
	}
	title += " REG-SECRET-1 rules"
	write("content/processes/a.md", "---\nid: PRC-A\ntitle: \""+title+"\"\ntype: process\nowner: O\nreviewed: 2026-10-01\nreview_every: 3m\nphase: do\nclause: \"8.1\"\noutputs:\n  - { to: PRC-B, what: \"copy of REG-SECRET-1\" }\n---\nArrow A->REG-SECRET-1 and x<REG-SECRET-1 and R&D&REG-SECRET-1.\n\n```dot\ndigraph { a [label=\"from REG-SECRET-1\"]; a -> b [label=\"REG-SECRET-1\"] }\n```\n")
	write("content/processes/b.md", "---\nid: PRC-B\ntitle: B\ntype: process\nowner: O\nreviewed: 2026-10-01\nphase: do\nclause: \"8.1\"\n---\nb\n")
	write("content/policies/tbd.md", "---\nid: POL-TBD\ntitle: Draft\ntype: policy\nowner: O\nclassification: TBD\nstatus: draft\n---\ncanarytbdbody\n")
	git("2026-10-01", "add", "-A")
	git("2026-10-01", "commit", "-q", "-m", "Add Canarysharedtitle register and the policy")

	words := []string{"canaryhistver", "canaryhistbody", "canarysharedtitle", "canaryorigfile", "canaryboardpack", "canaryjustification",
		"canaryjust2", "is applicable but no document", "statement of applicability excludes", "secretowner", "canarysecretbody",
		"canarytbdbody", "reg-secret-1", "reg&#45;secret", "registers/secret"}
	whole := buildCanary(t, dir, Options{Snapshot: true})
	all := buildCanary(t, dir, Options{AllEditions: true, Snapshot: true})
	held := []string{"canaryhistver", "canarysharedtitle", "canaryorigfile", "canaryboardpack", "is applicable but no document", "statement of applicability excludes", "canarytbdbody", "reg&#45;secret"}
	for _, w := range absent(leaks(t, snapshotTree(t, whole), held), held) {
		t.Errorf("the whole site lacks %q: the test cannot see that leak", w)
	}
	for _, e := range all.Editions {
		one := *all
		one.Tree, one.Edition, one.Editions = e.Tree, e.Edition, nil
		if found := leaks(t, snapshotTree(t, &one), words); len(found) > 0 {
			t.Errorf("edition %s leaks:\n%s", e.Edition.Name, strings.Join(found, "\n"))
		}
		if ics := string(e.Tree["reviews.ics"]); strings.Contains(strings.ToLower(strings.ReplaceAll(ics, "\r\n ", "")), "reg-secret") {
			t.Errorf("edition %s: reviews.ics names REG-SECRET-1 across a fold", e.Edition.Name)
		}
	}
}
