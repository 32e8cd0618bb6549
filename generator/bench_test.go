package generator

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/bench/synth"
	"github.com/isms-project/isms/generator/history"
	"github.com/isms-project/isms/generator/load"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
)

// benchSite is the synthetic site of package bench/synth with n documents,
// in memory, so the benchmarks measure the generator and not the disk.
func benchSite(b *testing.B, n int) fstest.MapFS {
	b.Helper()
	fsys := fstest.MapFS{}
	for _, f := range synth.Site(n, nil) {
		fsys[f.Path] = &fstest.MapFile{Data: f.Data, Mode: 0o644}
	}
	return fsys
}

var benchAsOf, _ = model.ParseDate("2026-11-27")

func mustSub(b *testing.B, site fs.FS) fs.FS {
	b.Helper()
	sub, err := fs.Sub(site, contentDir)
	if err != nil {
		b.Fatal(err)
	}
	return sub
}

// BenchmarkBuild is the whole pipeline, load to rendered tree, at 1,000
// and (with -bench=Build/10000) 10,000 documents; ms/doc should be flat.
func BenchmarkBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			if n > 1000 && testing.Short() {
				b.Skip("10,000 documents in -short mode")
			}
			site := benchSite(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				res, err := Build(Options{Site: site, AsOf: benchAsOf})
				if err != nil {
					b.Fatal(err)
				}
				if res.Tree == nil {
					b.Fatalf("build failed:\n%s", res.Diags.String())
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/float64(n), "ms/doc")
		})
	}
}

// BenchmarkLoad is reading the content folder and splitting front-matter.
func BenchmarkLoad(b *testing.B) {
	site := benchSite(b, 1000)
	b.ReportAllocs()
	for b.Loop() {
		src, d := load.Read(mustSub(b, site), "content/")
		if d.HasErrors() || len(src.Docs) != 1000 {
			b.Fatalf("%d documents, %s", len(src.Docs), d.String())
		}
	}
}

// BenchmarkDecode is strict front-matter decoding plus the Markdown parse,
// the per-document work of the decode+parse stage, on one core.
func BenchmarkDecode(b *testing.B) {
	site := benchSite(b, 1000)
	src, _ := load.Read(mustSub(b, site), "content/")
	md := markdown.New(markdown.Options{})
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range src.Docs {
			doc, d := model.Decode(s.Path, "content/"+s.Path, s.Data)
			if doc == nil {
				b.Fatal(d.String())
			}
			md.Parse(s.Data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(src.Docs)), "µs/doc")
}

// BenchmarkRender is the render stage alone on an already linked and
// enriched site of 1,000 documents.
func BenchmarkRender(b *testing.B) {
	site := benchSite(b, 1000)
	o := Options{Site: site, AsOf: benchAsOf, NoRender: true}
	res, err := Build(o)
	if err != nil || res.Diags.HasErrors() {
		b.Fatalf("%v\n%s", err, res.Diags.String())
	}
	in, err := benchRenderInput(o, res)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		// The link stage rewrote link destinations in place; rendering
		// again reads them and changes nothing, so the loop is fair.
		if tree, d := renderSite(in); d.HasErrors() || tree == nil {
			b.Fatal(d.String())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(res.Site.Pages)), "µs/doc")
}

// benchRenderInput redoes the cheap steps between link and render that
// Build does not hand out.
func benchRenderInput(o Options, res *Result) (renderInput, error) {
	theme, d := loadTheme(o.Site, res.Config.Theme)
	if d.HasErrors() {
		return renderInput{}, fmt.Errorf("%s", d.String())
	}
	en, d := enrich(o, res.Config, res.AsOf, res.Site, nil)
	if d.HasErrors() {
		return renderInput{}, fmt.Errorf("%s", d.String())
	}
	content, err := fs.Sub(o.Site, contentDir)
	if err != nil {
		return renderInput{}, err
	}
	src, _ := load.Read(content, "content/")
	return renderInput{
		cfg: res.Config, asOf: res.AsOf, site: res.Site, theme: theme,
		md: markdown.New(markdown.Options{UnsafeHTML: res.Config.UnsafeHTML}), en: en,
		content: content, assets: src.Assets,
	}, nil
}

// BenchmarkHistory is the history stage's work on a git repository of
// 1,000 documents and 2,000 commits (made once under the temporary
// folder and kept): reading every old version through one git process
// and diffing each against the one before. Reading the log is
// BenchmarkRead in generator/history.
func BenchmarkHistory(b *testing.B) {
	dir := benchGitSite(b, 1000, 2000)
	ctx := context.Background()
	log, err := history.Read(ctx, dir, contentDir)
	if err != nil || !log.Available {
		b.Fatalf("history: %v (available %v)", err, log != nil && log.Available)
	}
	var paths []string
	for _, p := range synth.Documents(1000) {
		paths = append(paths, strings.TrimPrefix(p, "content/"))
	}
	b.ReportAllocs()
	versions := 0
	for b.Loop() {
		vs, err := diffVersions(ctx, log, paths)
		if err != nil {
			b.Fatal(err)
		}
		versions = 0
		for _, v := range vs {
			versions += len(v)
		}
	}
	if versions < len(paths) {
		b.Fatalf("%d versions of %d documents", versions, len(paths))
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(versions), "µs/version")
}

// benchGitSite is bench/gensite's site with a history of commits, as a
// git repository under the temporary folder, made once.
func benchGitSite(b *testing.B, n, commits int) string {
	b.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("no git binary")
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("isms-generator-bench-v1-%dx%d", n, commits))
	done := filepath.Join(dir, ".git", "isms-complete")
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	if _, err := synth.WriteSite(dir, n, commits); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(done, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}
