package generator

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/model"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

var asOf = model.DateOf(2026, 11, 27)

// siteFromTxtar turns a txtar archive into a site file system.
func siteFromTxtar(t testing.TB, file string) fstest.MapFS {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	for _, f := range ar.Files {
		m[f.Name] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	return m
}

func mustBuild(t testing.TB, site fs.FS) *Result {
	t.Helper()
	res, err := Build(context.Background(), Options{Site: site, Today: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree == nil {
		t.Fatalf("build failed:\n%s", res.Diags)
	}
	return res
}

// TestGoldenSites builds every testdata/sites/*.txtar and compares the
// document pages and the home page with testdata/sites/<name>.golden.
// The sites override base.html and document.html, so the goldens pin the
// pipeline's output, not the default theme's look. Rewrite with -update.
func TestGoldenSites(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../testdata/sites/*.txtar")
	if len(files) == 0 {
		t.Fatal("no test sites")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			res := mustBuild(t, siteFromTxtar(t, file))
			var ar txtar.Archive
			var names []string
			for p := range res.Tree {
				if strings.HasSuffix(p, "/index.html") && res.Site.ByPath[strings.TrimSuffix(p, "/index.html")+".md"] != nil {
					names = append(names, p)
				}
			}
			sort.Strings(names)
			for _, p := range names {
				ar.Files = append(ar.Files, txtar.File{Name: p, Data: append(bytes.TrimSpace(res.Tree[p]), '\n')})
			}
			ar.Comment = []byte("diagnostics:\n" + res.Diags.String())
			got := txtar.Format(&ar)
			golden := strings.TrimSuffix(file, ".txtar") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test ./generator -update and review the diff):\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + itoa(i+1) + ":\n- " + x + "\n+ " + y
		}
	}
	return ""
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i)) }

func fmtInt(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return fmtInt(i/10) + string(rune('0'+i%10))
}

func TestBasicSiteFeatures(t *testing.T) {
	t.Parallel()
	res := mustBuild(t, siteFromTxtar(t, "../testdata/sites/basic.txtar"))
	page := string(res.Tree["policies/access/index.html"])
	for _, want := range []string{
		`id="override"`,                          // the site's theme file wins over the default
		`Access control &lt;policy&gt;`,          // titles are escaped
		`<p class="ver">1.10</p>`,                // versions stay strings
		`href="/procedures/provisioning/#steps"`, // .md links become page URLs
		`href="/manual/manual/"`,
		`<p class="ctl">5.15</p>`, // A.5.15 normalised
		`<pre class="chroma">`,    // highlighted with classes
	} {
		if !strings.Contains(page, want) {
			t.Errorf("policy page lacks %q", want)
		}
	}
	for _, bad := range []string{`<script>alert`, `<b>Admin`, ` style="`} {
		if strings.Contains(page, bad) {
			t.Errorf("policy page contains %q", bad)
		}
	}
	treat := string(res.Tree["processes/treat/index.html"])
	if !strings.Contains(treat, `<p class="in">PRC-RISK-01:Risk report;</p>`) || strings.Count(treat, `class="in"`) != 1 {
		t.Errorf("edge declared twice is not one edge with one label:\n%s", treat)
	}
	if !strings.Contains(string(res.Tree["processes/risk/index.html"]), "current 2027") && !strings.Contains(string(res.Tree["processes/risk/index.html"]), "never-reviewed") {
		t.Errorf("currency not shown on process page")
	}
	if !strings.Contains(string(res.Tree["procedures/provisioning/index.html"]), "due-soon") && !strings.Contains(string(res.Tree["procedures/provisioning/index.html"]), "overdue") {
		t.Errorf("provisioning (reviewed 2025-06-01) should be overdue as of %s", asOf)
	}
	for _, p := range []string{"index.html", "404.html", "assets/style.css", "assets/chroma.css"} {
		if _, ok := res.Tree[p]; !ok {
			t.Errorf("missing %s", p)
		}
	}
}

// TestSampleSite builds the repository's own sample ISMS: no errors, no
// warnings, a page per document, and the same bytes twice (determinism).
func TestSampleSite(t *testing.T) {
	t.Parallel()
	a := sampleBuild(t) // the shared build: this test only reads it
	if len(a.Diags) > 0 {
		t.Errorf("sample site has diagnostics:\n%s", a.Diags)
	}
	if len(a.Site.Pages) < 30 {
		t.Errorf("sample has %d documents, want at least 30", len(a.Site.Pages))
	}
	for _, p := range a.Site.Pages {
		if _, ok := a.Tree[p.URL+"index.html"]; !ok {
			t.Errorf("no page for %s", p.Doc.Path)
		}
	}
	b := mustBuild(t, os.DirFS(".."))
	if len(a.Tree) != len(b.Tree) {
		t.Fatalf("two builds differ in file count: %d vs %d", len(a.Tree), len(b.Tree))
	}
	for p, x := range a.Tree {
		if !bytes.Equal(x, b.Tree[p]) {
			t.Errorf("two builds differ in %s", p)
		}
	}
}

// TestNoExternalRequests: published pages never load anything from another host.
func TestNoExternalRequests(t *testing.T) {
	t.Parallel()
	res := sampleBuild(t)
	for p, b := range res.Tree {
		if path.Ext(p) != ".html" && path.Ext(p) != ".css" && path.Ext(p) != ".js" {
			continue
		}
		s := string(b)
		for _, attr := range []string{`src="http`, `src="//`, `href="//`, `url(http`, `url(//`, `@import`} {
			if strings.Contains(s, attr) {
				t.Errorf("%s loads from another host (%s)", p, attr)
			}
		}
		if strings.Contains(s, `rel="stylesheet" href="http`) {
			t.Errorf("%s loads an external stylesheet", p)
		}
	}
}

func TestRawHTMLOptIn(t *testing.T) {
	t.Parallel()
	site := siteFromTxtar(t, "../testdata/sites/basic.txtar")
	site["isms.yaml"] = &fstest.MapFile{Data: []byte("title: T\nunsafe_html: true\n")}
	res := mustBuild(t, site)
	if !strings.Contains(string(res.Tree["policies/access/index.html"]), `<b>Admin</b>`) {
		t.Error("unsafe_html: true should pass raw HTML through")
	}
}
