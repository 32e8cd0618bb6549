package history

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/isms-project/isms/internal/testmode"
)

// benchRepo returns a generated repository of files documents under
// content/ and commits commits: the first adds every file, each later one
// edits 1–4 random files, and every 50th also renames one. It is written
// with git fast-import (thousands of git commit calls would take minutes)
// and cached under os.TempDir() by its parameters, so reruns start at once.
func benchRepo(b *testing.B, files, commits int) string {
	b.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		b.Skip("no git binary")
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("isms-history-bench-v1-%dx%d", files, commits))
	if _, err := os.Stat(filepath.Join(dir, ".git", "isms-complete")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	tmp, err := os.MkdirTemp(os.TempDir(), "isms-history-bench-*")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	run := func(stdin func(*bufio.Writer), args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = tmp
		cmd.Env = testmode.GitEnviron()
		if stdin != nil {
			pr, pw, err := os.Pipe()
			if err != nil {
				b.Fatal(err)
			}
			cmd.Stdin = pr
			go func() {
				w := bufio.NewWriterSize(pw, 1<<20)
				stdin(w)
				w.Flush()
				pw.Close()
			}()
			defer pr.Close()
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run(nil, "init", "-q", "-b", "main")
	run(func(w *bufio.Writer) { fastImportStream(w, files, commits) }, "fast-import", "--quiet")
	run(nil, "checkout", "-q", "main")
	if err := os.WriteFile(filepath.Join(tmp, ".git", "isms-complete"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

func fastImportStream(w *bufio.Writer, files, commits int) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := make([]string, files)
	edits := make([]int, files)
	for i := range names {
		names[i] = fmt.Sprintf("content/area%02d/doc-%05d.md", i/50, i)
	}
	doc := func(i int) string {
		s := fmt.Sprintf("---\nid: DOC-%05d\ntitle: Document %d\nversion: \"1.%d\"\nstatus: approved\n---\n", i, i, edits[i])
		for p := range 20 {
			if p == edits[i]%20 {
				s += fmt.Sprintf("Paragraph %d, revised in edit %d.\n", p, edits[i])
			} else {
				s += fmt.Sprintf("Paragraph %d of document %d: the unchanging body text.\n", p, i)
			}
		}
		return s
	}
	t := int64(1_700_000_000)
	for c := range commits {
		t += 3600
		fmt.Fprintf(w, "commit refs/heads/main\nauthor Bench Author <bench@example.org> %d +0100\ncommitter Bench Author <bench@example.org> %d +0100\n", t, t)
		msg := fmt.Sprintf("Commit %d", c)
		fmt.Fprintf(w, "data %d\n%s\n", len(msg), msg)
		var touched []int
		if c == 0 {
			for i := range files {
				touched = append(touched, i)
			}
		} else {
			for range 1 + rng.IntN(4) {
				touched = append(touched, rng.IntN(files))
			}
			if c%50 == 0 {
				i := rng.IntN(files)
				old := names[i]
				names[i] = fmt.Sprintf("content/area%02d/moved-%d-%05d.md", i/50, c, i)
				fmt.Fprintf(w, "D %s\n", old)
				touched = append(touched, i)
			}
		}
		for _, i := range touched {
			edits[i]++
			body := doc(i)
			fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", names[i], len(body), body)
		}
	}
}

// BenchmarkRead reads the whole history of the generated repositories. The
// ns/doc metric stays flat as documents double: it is one git pass.
func BenchmarkRead(b *testing.B) {
	for _, files := range []int{1000, 2000} {
		b.Run(fmt.Sprintf("files=%d/commits=2000", files), func(b *testing.B) {
			dir := benchRepo(b, files, 2000)
			var l *Log
			cpu := cpuTime()
			for b.Loop() {
				var err error
				if l, err = Read(context.Background(), dir, "content"); err != nil {
					b.Fatal(err)
				}
			}
			if len(l.revs) != files {
				b.Fatalf("read %d files, want %d", len(l.revs), files)
			}
			revs := 0
			for _, r := range l.revs {
				revs += len(r)
			}
			cpuPerOp := float64((cpuTime() - cpu).Nanoseconds()) / float64(b.N)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(files), "ns/doc")
			b.ReportMetric(cpuPerOp/1e6, "cpu-ms/op")
			b.ReportMetric(cpuPerOp/float64(files), "cpu-ns/doc")
			b.ReportMetric(float64(revs), "revisions")
		})
	}
}

// BenchmarkContents compares reading every revision's blob for the whole
// site through one cat-file process with one process per document (what
// reading lazily per history page would cost).
func BenchmarkContents(b *testing.B) {
	dir := benchRepo(b, 1000, 2000)
	l, err := Read(context.Background(), dir, "content")
	if err != nil {
		b.Fatal(err)
	}
	var all []Rev
	var perDoc [][]Rev
	for _, k := range sortedKeys(l.revs) {
		all = append(all, l.revs[k]...)
		perDoc = append(perDoc, l.revs[k])
	}
	b.Run("bulk", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			got, err := l.Contents(context.Background(), all)
			if err != nil || len(got) != len(all) || got[0] == nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(all)), "blobs")
		b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
	})
	b.Run("per-document", func(b *testing.B) {
		cpu := cpuTime()
		for b.Loop() {
			for _, revs := range perDoc {
				if _, err := l.Contents(context.Background(), revs); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(len(all)), "blobs")
		b.ReportMetric(float64((cpuTime()-cpu).Nanoseconds())/float64(b.N)/1e6, "cpu-ms/op")
	})
}

// BenchmarkParse isolates the Go side of Read: turning the captured git log
// output of the 1,000-document repository into revision lists.
func BenchmarkParse(b *testing.B) {
	dir := benchRepo(b, 1000, 2000)
	l, err := Read(context.Background(), dir, "content")
	if err != nil {
		b.Fatal(err)
	}
	out, err := runGit(context.Background(), l.repo.git, l.repo.dir, logArgs(l.Head)...)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		if err := newWalk().parse(out); err != nil {
			b.Fatal(err)
		}
	}
}
