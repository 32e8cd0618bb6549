package synth_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/bench/synth"
	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/internal/testmode"
)

func TestSiteBuildsCleanly(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, f := range synth.Site(300, nil) {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data}
	}
	asOf, _ := model.ParseDate("2026-11-27")
	res, err := generator.Build(context.Background(), generator.Options{Site: fsys, AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diags) > 0 || res.Tree == nil {
		t.Fatalf("the synthetic site should build without a message:\n%s", res.Diags.String())
	}
	if len(res.Site.Pages) != 300 {
		t.Errorf("%d pages, want 300", len(res.Site.Pages))
	}
	procs := 0
	for _, p := range res.Site.Pages {
		if p.Doc.Type == "process" {
			procs++
		}
	}
	if procs < 10 || len(res.Site.Edges) < procs-1 {
		t.Errorf("%d processes and %d edges: want a connected process graph", procs, len(res.Site.Edges))
	}
}

func TestDocumentsShape(t *testing.T) {
	files := synth.Site(500, nil)
	docs, code := 0, 0
	for _, f := range files {
		if !strings.HasPrefix(f.Path, "content/") || !strings.HasSuffix(f.Path, ".md") {
			continue
		}
		docs++
		parts := bytes.SplitN(f.Data, []byte("\n---\n"), 2)
		if len(parts) != 2 {
			t.Fatalf("%s: no front-matter", f.Path)
		}
		body := string(parts[1])
		if w := len(strings.Fields(body)); w < 800 || w > 1550 {
			t.Errorf("%s: %d words in the body, want about 800–1,500", f.Path, w)
		}
		for _, want := range []string{"\n## Purpose\n", "\n| Step |", "\n- the ", "\n1. ", "](../"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: body has no %q", f.Path, want)
			}
		}
		if strings.Contains(body, "\n```") {
			code++
		}
	}
	if docs != 500 {
		t.Errorf("%d documents, want 500", docs)
	}
	if code < docs/7 || code > docs/4 {
		t.Errorf("%d of %d documents have fenced code, want about one in five", code, docs)
	}
}

func TestDeterministic(t *testing.T) {
	a, b := synth.Site(50, nil), synth.Site(50, nil)
	if len(a) != len(b) {
		t.Fatal("different file counts")
	}
	for i := range a {
		if a[i].Path != b[i].Path || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Fatalf("%s differs between two runs", a[i].Path)
		}
	}
}

// TestHistoryEndsAtSite checks that the last commit of the generated
// history is exactly the site for the returned revisions.
func TestHistoryEndsAtSite(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	var stream bytes.Buffer
	docs := testmode.Rounds(12, 40) // a git show per document: all 40 in the full suite
	revs, err := synth.WriteHistory(&stream, docs, 30)
	if err != nil {
		t.Fatal(err)
	}
	git := func(stdin *bytes.Buffer, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = testmode.GitEnviron()
		if stdin != nil {
			cmd.Stdin = stdin
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	git(nil, "init", "-q", "-b", "main")
	git(&stream, "fast-import", "--quiet")
	if n := strings.TrimSpace(git(nil, "rev-list", "--count", "main")); n != "30" {
		t.Errorf("%s commits, want 30", n)
	}
	for _, f := range synth.Site(docs, func(i int) int { return revs[i] }) {
		if got := git(nil, "show", "main:"+f.Path); got != string(f.Data) {
			t.Errorf("%s in the last commit differs from Site(%d, revs)", f.Path, docs)
		}
	}
}

// TestRepoPacksVersionsTogether checks that WriteSite's repository is
// packed as one grown commit by commit and then gc'd would be: every blob
// stored as a delta is a delta against a version of the same file. The
// pack fast-import writes deltifies against whichever blob came before
// (WriteSiteImportPack: almost none of its deltas are), and reading every
// version from it cost git cat-file 3.5 times as much at 1,000 documents.
func TestRepoPacksVersionsTogether(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	type packing struct {
		name  string
		write func(dir string, n, commits int) ([]synth.File, error)
		want  func(deltas, same int) bool
	}
	cases := []packing{{"WriteSite", synth.WriteSite, func(deltas, same int) bool { return deltas > 20 && same == deltas }}}
	if testmode.Full() { // the control: fast-import's own pack fails the check
		cases = append(cases, packing{"WriteSiteImportPack", synth.WriteSiteImportPack, func(deltas, same int) bool { return deltas > 20 && same*2 < deltas }})
	}
	for _, c := range cases {
		dir := t.TempDir()
		if _, err := c.write(dir, 20, 60); err != nil {
			t.Fatal(err)
		}
		git := func(args ...string) string {
			cmd := exec.Command("git", args...)
			cmd.Dir = dir
			cmd.Env = testmode.GitEnviron()
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("git %v: %v", args, err)
			}
			return string(out)
		}
		pathOf := map[string]string{}
		for _, l := range strings.Split(git("rev-list", "--objects", "--all"), "\n") {
			if oid, p, ok := strings.Cut(l, " "); ok {
				pathOf[oid] = p
			}
		}
		packs := strings.Fields(git("rev-parse", "--git-path", "objects/pack"))
		idx, err := filepath.Glob(filepath.Join(dir, packs[0], "*.idx"))
		if err != nil || len(idx) != 1 {
			t.Fatalf("%s: packs %v (%v), want one", c.name, idx, err)
		}
		deltas, same := 0, 0
		// verify-pack -v: "oid type size size-in-pack offset [depth base-oid]"
		for _, l := range strings.Split(git("verify-pack", "-v", idx[0]), "\n") {
			f := strings.Fields(l)
			if len(f) == 7 && f[1] == "blob" {
				deltas++
				if pathOf[f[0]] != "" && pathOf[f[0]] == pathOf[f[6]] {
					same++
				}
			}
		}
		if !c.want(deltas, same) {
			t.Errorf("%s: %d of %d blob deltas are against a version of the same file", c.name, same, deltas)
		}
	}
}
