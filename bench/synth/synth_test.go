package synth_test

import (
	"bytes"
	"context"
	"os/exec"
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
		cmd.Env = append(cmd.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
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
