package serve

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/isms-project/isms/bench/synth"
	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/internal/testmode"
)

// bigSite writes a site of n documents: ten folders, processes linked in a
// chain through inputs, every document linking to its neighbour, with
// headings, a list, a table and a code block.
func bigSite(b testing.TB, n int) string {
	b.Helper()
	files := map[string]string{"isms.yaml": "title: Bench Manual\norganization: Bench Ltd\n"}
	for i := range n {
		folder := fmt.Sprintf("area%02d", i%10)
		typ, extra := "procedure", ""
		if i%4 == 0 {
			typ, extra = "process", "phase: do\n"
			if i >= 4 {
				extra += fmt.Sprintf("inputs: [DOC-%04d]\n", i-4)
			}
		}
		next := (i + 1) % n
		files[fmt.Sprintf("content/%s/doc-%04d.md", folder, i)] = fmt.Sprintf(`---
id: DOC-%04d
title: Document number %d
type: %s
owner: Owner %d
clause: ["%d.1"]
controls: ["5.%d"]
reviewed: 2026-0%d-15
%s---
## Purpose

This document %d describes how the organisation handles topic %d. See
[the next one](../area%02d/doc-%04d.md) for what follows.

## Steps

1. Prepare the inputs.
2. Carry out the work and record it.
3. Review the outcome with the owner.

| Role | Duty |
|------|------|
| Owner | approves |
| Staff | carries out |

`+"```yaml\nkey: value\nlist: [a, b, c]\n```"+`

## Records

Keep the records for three years.
`, i, i, typ, i%7, 4+i%7, 1+i%30, 1+i%9, extra, i, i, next%10, next)
	}
	return writeSite(b, files)
}

func benchServer(b *testing.B, n int, debounce time.Duration) (*Server, string) {
	b.Helper()
	dir := bigSite(b, n)
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}, Debounce: debounce})
	if err != nil {
		b.Fatal(err)
	}
	if !s.current().ok {
		b.Fatalf("build failed:\n%s", s.current().diags)
	}
	return s, dir
}

// benchSizes are the site sizes the preview benchmarks run at: the
// target is a save served in 30 ms at 1,000 documents and 100 ms at
// 10,000 (select one with -bench 'SaveToReload/docs=1000').
var benchSizes = []int{1000, 10000}

// cpuTime is the CPU time this process has used (every thread, the
// garbage collector's included): on a shared 2-core machine it says
// what a rebuild costs when wall time says how busy the neighbours are.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportMemory reports the process's resident set (VmRSS, after a
// collection) and its peak (VmHWM) in MB: what the preview holds.
func reportMemory(b *testing.B) {
	runtime.GC()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(status), "\n") {
		for _, f := range []struct{ field, unit string }{{"VmRSS:", "rss-MB"}, {"VmHWM:", "peak-rss-MB"}} {
			if rest, ok := strings.CutPrefix(line, f.field); ok {
				var kb float64
				if _, err := fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb); err == nil {
					b.ReportMetric(kb/1024, f.unit)
				}
			}
		}
	}
}

// BenchmarkIncrementalRebuild is one save's rebuild: the saved document
// is re-read and re-parsed, everything else comes from the caches, and
// the site-wide pages wait for a browser to ask.
func BenchmarkIncrementalRebuild(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			s, dir := benchServer(b, n, 0)
			defer s.Close()
			doc := filepath.Join(dir, "content", "area05", "doc-0555.md")
			orig, _ := os.ReadFile(doc)
			s.Rebuild(nil)
			b.ResetTimer()
			cpu := cpuTime()
			for i := 0; b.Loop(); i++ {
				if err := os.WriteFile(doc, fmt.Appendf(slices.Clone(orig), "\nEdit %d.\n", i), 0o644); err != nil {
					b.Fatal(err)
				}
				st := s.Rebuild([]string{"content/area05/doc-0555.md"})
				if !st.OK || st.Changed == 0 || !st.Speculated {
					b.Fatalf("rebuild %+v", st)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
			reportMemory(b)
		})
	}
}

// BenchmarkFullRebuild is the same site built with nothing cached, for
// comparison (what a rebuild costs after a watcher overflow).
func BenchmarkFullRebuild(b *testing.B) {
	s, _ := benchServer(b, 1000, 0)
	defer s.Close()
	for b.Loop() {
		s.cache = generator.NewCache()
		if st := s.Rebuild(nil); !st.OK {
			b.Fatal("build failed")
		}
	}
}

// BenchmarkSaveToReload measures what an author waits for, through the
// real watcher, debounce (the server's default, as `isms serve` runs),
// rebuild and push: event-ms is from the file write to the "build" event
// that names the page in an open event stream; page-ms from the write
// to the first byte of the page with the edit, asked for as soon as the
// event arrives (as the reload client does); built-ms from the write to
// the end of the build that follows (a body edit's page is served from
// a speculation before it). Each save comes to an idle server (ns/op is
// the whole round). The title/ runs save a new title instead of a line
// of body: speculated too, with the page's navigation made again. The
// inputs/ runs give a process another input (speculated with the edges
// the build will draw); the id/ runs give a document a new id, which
// Result.Speculate declines: the page comes from a build of it alone
// (Options.Only).
func BenchmarkSaveToReload(b *testing.B) {
	for _, kind := range []string{"", "title/", "inputs/", "id/"} {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%sdocs=%d", kind, n), func(b *testing.B) {
				name := "area05/doc-0555"
				if kind == "inputs/" {
					name = "area06/doc-0556" // a process, with DOC-0552 as its input
				}
				s, dir := benchServer(b, n, 0)
				saveToReload(b, s, dir, name, kind)
			})
		}
	}
}

// BenchmarkSaveToReloadSynth is BenchmarkSaveToReload on the corpus the
// build is measured against Hugo with (bench/synth, as bench/gensite
// writes it: documents of 800–1,500 words with tables, code and links,
// and evidence files), saving its first policy, which no document names
// by id: a line of body, a new title, a new id; and new/ saves a new
// document beside it (a copy with an id of its own), one a round;
// rapid-title/ saves a new title 100 ms after each page is served,
// while the whole build that follows the last save runs.
func BenchmarkSaveToReloadSynth(b *testing.B) {
	for _, kind := range []string{"", "title/", "id/", "new/", "rapid-title/"} {
		for _, n := range benchSizes {
			b.Run(fmt.Sprintf("%sdocs=%d", kind, n), func(b *testing.B) {
				dir := b.TempDir()
				if _, err := synth.WriteSite(dir, n, 0); err != nil {
					b.Fatal(err)
				}
				s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}})
				if err != nil || !s.current().ok {
					b.Fatalf("build failed: %v\n%s", err, s.current().diags)
				}
				saveToReload(b, s, dir, "policies/pol-00001", kind)
			})
		}
	}
}

var (
	titleLine = regexp.MustCompile(`(?m)^title: .*$`)
	idLine    = regexp.MustCompile(`(?m)^id: (.*)$`)
)

// saveToReload saves the document content/NAME.md of the site s serves
// from dir, once per round, as kind says (see BenchmarkSaveToReload).
func saveToReload(b *testing.B, s *Server, dir, name, kind string) {
	hs := httptest.NewServer(s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx) }()
	defer func() { s.Close(); hs.Close(); cancel(); <-done }()
	st := openStream(b, hs.URL)
	<-s.watching // the watches are in place
	doc := filepath.Join(dir, "content", name+".md")
	orig, _ := os.ReadFile(doc)
	page := "/" + name + "/"
	var toEvent, toPage, toBuilt time.Duration
	b.ResetTimer()
	cpu := cpuTime()
	for i := 0; b.Loop(); i++ {
		edit := fmt.Sprintf("Edit %d.", i)
		saved := fmt.Appendf(slices.Clone(orig), "\n%s\n", edit)
		switch kind {
		case "title/", "rapid-title/":
			edit = fmt.Sprintf("Retitled %d", i)
			saved = titleLine.ReplaceAll(orig, []byte("title: "+edit))
		case "id/":
			id := idLine.FindSubmatch(orig)[1]
			edit = fmt.Sprintf("%s-%d<", id, i)
			saved = idLine.ReplaceAll(orig, fmt.Appendf(nil, "id: %s-%d", id, i))
		case "inputs/":
			// Another input each time, shown on the page by its title.
			in := 4 * (i%100 + 1)
			edit = fmt.Sprintf("Document number %d<", in)
			saved = []byte(strings.Replace(string(orig), "inputs: [DOC-0552]", fmt.Sprintf("inputs: [DOC-%04d]", in), 1))
		case "new/":
			// A new document beside the saved one, a copy of it with an id
			// of its own.
			id := idLine.FindSubmatch(orig)[1]
			edit = fmt.Sprintf("%s-NEW-%d<", id, i)
			saved = idLine.ReplaceAll(orig, fmt.Appendf(nil, "id: %s-NEW-%d", id, i))
			rel := fmt.Sprintf("%s-new-%d", name, i)
			doc, page = filepath.Join(dir, "content", rel+".md"), "/"+rel+"/"
		}
		start := time.Now()
		if err := os.WriteFile(doc, saved, 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			ev, ok := <-st.events
			if !ok {
				b.Fatal("stream closed")
			}
			if slices.Contains(ev.Changed, page) {
				toEvent += time.Since(start)
				break
			}
			if !ev.OK {
				b.Fatalf("build failed: %v", ev.Errors)
			}
		}
		res, err := http.Get(hs.URL + page)
		if err != nil {
			b.Fatal(err)
		}
		first := make([]byte, 1)
		if _, err := io.ReadFull(res.Body, first); err != nil {
			b.Fatal(err)
		}
		toPage += time.Since(start)
		rest, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(rest), edit) {
			b.Fatalf("%s after the save does not show %q", page, edit)
		}
		if strings.HasPrefix(kind, "rapid") {
			// The next save comes 100 ms after the page, while the build
			// that follows the speculation runs.
			time.Sleep(100 * time.Millisecond)
			continue
		}
		// The next save comes to an idle server: the build that follows
		// a speculation (which holds buildMu) has finished.
		s.buildMu.Lock()
		s.buildMu.Unlock()
		toBuilt += time.Since(start)
	}
	b.ReportMetric(float64(toEvent)/float64(b.N)/1e6, "event-ms")
	b.ReportMetric(float64(toPage)/float64(b.N)/1e6, "page-ms")
	b.ReportMetric(float64(toBuilt)/float64(b.N)/1e6, "built-ms")
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	reportMemory(b)
}

// BenchmarkIncrementalRebuildGit is BenchmarkIncrementalRebuild on a site
// that is a git repository, so every rebuild also refreshes history.
func BenchmarkIncrementalRebuildGit(b *testing.B) {
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("no git")
	}
	dir := bigSite(b, 1000)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "-A"}, {"-c", "user.name=B", "-c", "user.email=b@example.com", "commit", "-q", "-m", "Site"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = testmode.GitEnviron()
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	s, err := New(Config{Dir: dir, Build: generator.Options{AsOf: model.DateOf(2026, 11, 27)}})
	if err != nil || !s.current().ok {
		b.Fatalf("build failed: %v", err)
	}
	defer s.Close()
	doc := filepath.Join(dir, "content", "area05", "doc-0555.md")
	orig, _ := os.ReadFile(doc)
	s.Rebuild(nil)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := os.WriteFile(doc, fmt.Appendf(slices.Clone(orig), "\nEdit %d.\n", i), 0o644); err != nil {
			b.Fatal(err)
		}
		if st := s.Rebuild([]string{"content/area05/doc-0555.md"}); !st.OK || st.Changed == 0 {
			b.Fatalf("rebuild %+v", st)
		}
	}
}
