package history

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isms-project/isms/bench/synth"
	git "github.com/isms-project/isms/generator/history"
)

// BenchmarkHistory is the history stage's work on a git repository of
// 1,000 documents and 2,000 commits (made once under the temporary
// folder and kept): reading every old version through one git process
// and diffing each against the one before. Reading the log is
// BenchmarkRead in generator/history.
func BenchmarkHistory(b *testing.B) {
	dir := benchGitSite(b, 1000, 2000)
	ctx := context.Background()
	log, err := git.Read(ctx, dir, "content")
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
		vs, _, err := diffVersions(ctx, log, paths, nil)
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
