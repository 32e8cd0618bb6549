package load

import (
	"testing"

	"github.com/isms-project/isms/bench/synth"
)

// BenchmarkFetch lists and reads the documents of bench/synth's site of
// 1,000 documents from disk, as a build's list and read stages do.
//
//	go test ./generator/load -run '^$' -bench Fetch
func BenchmarkFetch(b *testing.B) {
	dir := b.TempDir()
	if _, err := synth.WriteSite(dir, 1000, 0); err != nil {
		b.Fatal(err)
	}
	fsys := DirFS(dir)
	for b.Loop() {
		src, d := ListLimited(fsys, "content/", Limits{})
		if len(d) > 0 || len(src.Docs) == 0 {
			b.Fatalf("%d documents, %v", len(src.Docs), d)
		}
		f := src.Fetch(fsys, "content/", Limits{})
		f.Wait()
		for i := range src.Docs {
			if _, d := f.Doc(i); d != nil {
				b.Fatal(d)
			}
		}
	}
}
