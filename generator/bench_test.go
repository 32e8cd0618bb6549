package generator

import (
	"context"
	"fmt"
	"io/fs"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/bench/synth"
	"github.com/isms-project/isms/diagrams"
	"github.com/isms-project/isms/generator/enrich"
	"github.com/isms-project/isms/generator/load"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/render"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/report/history"
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
				res, err := Build(context.Background(), Options{Site: site, AsOf: benchAsOf})
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
	o := Options{Site: site, AsOf: benchAsOf} // rendered once: the bodies are frozen, not released
	res, err := Build(context.Background(), o)
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
		// Nothing earlier stages made is changed by rendering, so the
		// loop is fair.
		if tree, _, d := render.Site(in); d.HasErrors() || tree == nil {
			b.Fatal(d.String())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(res.Site.Pages)), "µs/doc")
}

// benchRenderInput redoes the cheap steps between link and render that
// Build does not hand out.
func benchRenderInput(o Options, res *Result) (render.Input, error) {
	theme, d := loadTheme(o.Site, res.Config.Theme, false)
	if d.HasErrors() {
		return render.Input{}, fmt.Errorf("%s", d.String())
	}
	reports := newReports(o, history.New(history.Source{}))
	en, d := enrich.Run(res.Config, res.AsOf, res.Site, report.Schema(reports), reports)
	if d.HasErrors() {
		return render.Input{}, fmt.Errorf("%s", d.String())
	}
	content, err := fs.Sub(o.Site, contentDir)
	if err != nil {
		return render.Input{}, err
	}
	src, _ := load.Read(content, "content/")
	return render.Input{
		Config: res.Config, AsOf: res.AsOf, Site: res.Site, Theme: theme,
		Markdown: markdown.New(markdown.Options{UnsafeHTML: res.Config.UnsafeHTML}), Enriched: en, Reports: reports,
		Diagrams: diagrams.NewRenderer(""), Content: content, Assets: src.Assets,
	}, nil
}

// BenchmarkPartialBuild is the preview's answer to a save Speculate
// declines (Options.Only, on the last whole build: Options.Base): the
// saved document read, parsed and linked, the site's references checked
// and analysed again, one page rendered; at 1,000 and 10,000 documents.
func BenchmarkPartialBuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			if n > 1000 && testing.Short() {
				b.Skip("10,000 documents in -short mode")
			}
			site := benchSite(b, n)
			var path string
			for p := range site {
				if strings.HasPrefix(p, "content/") && strings.HasSuffix(p, ".md") && strings.Contains(string(site[p].Data), "\nid: ") && (path == "" || p < path) {
					path = p
				}
			}
			c := NewCache()
			base, err := Build(context.Background(), Options{Site: site, AsOf: benchAsOf, Cache: c, Lazy: true})
			if err != nil || base.Tree == nil {
				b.Fatalf("build: %v", err)
			}
			orig := string(site[path].Data)
			i := 0
			for b.Loop() {
				i++
				src := strings.Replace(orig, "\nid: ", fmt.Sprintf("\nid: X%d", i), 1)
				site[path] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
				var res *Result
				var err error
				// Labelled, for a profile of the partial builds alone (-tagfocus build=partial).
				pprof.Do(context.Background(), pprof.Labels("build", "partial"), func(ctx context.Context) {
					res, err = Build(ctx, Options{Site: site, AsOf: benchAsOf, Cache: c, Lazy: true, Only: path, Base: base})
				})
				if err != nil || len(res.Tree) != 1 {
					b.Fatalf("partial build of %s: %v, %d files\n%s", path, err, len(res.Tree), res.Diags)
				}
			}
		})
	}
}

// BenchmarkRebuild is the preview's whole build after a save of one
// document's body (Options.Lazy, on the cache of the build before it):
// what confirms a speculation, and a save's CPU once its page is
// served; at 1,000 and 10,000 documents.
func BenchmarkRebuild(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			if n > 1000 && testing.Short() {
				b.Skip("10,000 documents in -short mode")
			}
			site := benchSite(b, n)
			path := "content/policies/pol-00001.md"
			if site[path] == nil {
				b.Fatalf("no %s", path)
			}
			c := NewCache()
			if res, err := Build(context.Background(), Options{Site: site, AsOf: benchAsOf, Cache: c, Lazy: true}); err != nil || res.Tree == nil {
				b.Fatalf("build: %v", err)
			}
			orig := site[path].Data
			i := 0
			for b.Loop() {
				i++
				site[path] = &fstest.MapFile{Data: fmt.Appendf(slices.Clone(orig), "\nEdit %d.\n", i), Mode: 0o644}
				var res *Result
				var err error
				pprof.Do(context.Background(), pprof.Labels("build", "whole"), func(ctx context.Context) {
					res, err = Build(ctx, Options{Site: site, AsOf: benchAsOf, Cache: c, Lazy: true})
				})
				if err != nil || res.Tree == nil {
					b.Fatalf("rebuild: %v\n%s", err, res.Diags)
				}
			}
		})
	}
}
