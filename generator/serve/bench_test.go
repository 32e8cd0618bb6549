package serve

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/model"
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

// BenchmarkIncrementalRebuild is one save's rebuild on a 1,000-document
// site: the saved document is re-read and re-parsed, everything else
// comes from the caches.
func BenchmarkIncrementalRebuild(b *testing.B) {
	s, dir := benchServer(b, 1000, 0)
	defer s.Close()
	doc := filepath.Join(dir, "content", "area05", "doc-0555.md")
	orig, _ := os.ReadFile(doc)
	s.Rebuild(nil)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := os.WriteFile(doc, fmt.Appendf(slices.Clone(orig), "\nEdit %d.\n", i), 0o644); err != nil {
			b.Fatal(err)
		}
		st := s.Rebuild([]string{"content/area05/doc-0555.md"})
		if !st.OK || st.Changed == 0 {
			b.Fatalf("rebuild %+v", st)
		}
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

// BenchmarkSaveToReload measures what an author waits for: from the file
// write to the "build" event in an open event stream that says the page
// changed, through the real watcher, debounce, rebuild and push. The
// debounce is the server's default, as `isms serve` runs.
func BenchmarkSaveToReload(b *testing.B) {
	s, dir := benchServer(b, 1000, 0)
	hs := httptest.NewServer(s)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Watch(ctx) }()
	defer func() { s.Close(); hs.Close(); cancel(); <-done }()
	st := openStream(b, hs.URL)
	<-s.watching // the watches are in place
	doc := filepath.Join(dir, "content", "area05", "doc-0555.md")
	orig, _ := os.ReadFile(doc)
	const page = "/area05/doc-0555/"
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := os.WriteFile(doc, fmt.Appendf(slices.Clone(orig), "\nEdit %d.\n", i), 0o644); err != nil {
			b.Fatal(err)
		}
		for {
			ev, ok := <-st.events
			if !ok {
				b.Fatal("stream closed")
			}
			if slices.Contains(ev.Changed, page) {
				break
			}
			if !ev.OK {
				b.Fatalf("build failed: %v", ev.Errors)
			}
		}
	}
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
