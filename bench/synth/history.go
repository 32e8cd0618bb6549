package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
)

// WriteHistory writes a git fast-import stream of commits commits (at
// least 1) on refs/heads/main whose last tree is Site(n, revs) for the
// returned revisions: the first commit adds every file, each later one
// edits one to three random documents the way an author would (version,
// review date, revision table, one body line). Commit times run from
// 2023-01-02 one hour apart, so the history is the same on every machine.
//
// fast-import takes a whole history in one process; thousands of
// `git commit` calls would take minutes.
func WriteHistory(out io.Writer, n, commits int) ([]int, error) {
	n = max(n, 1)
	commits = max(commits, 1)
	w := bufio.NewWriterSize(out, 1<<20)
	docs := plan(n)
	procs := byType(docs, "process")
	rev := make([]int, len(docs))
	r := rand.New(rand.NewPCG(Seed, 0x9e3779b9))
	const start = 1672617600 // 2023-01-02T00:00:00Z
	for c := range commits {
		when := start + int64(c)*3600
		who := authors[c%len(authors)]
		fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\n", c+1)
		fmt.Fprintf(w, "author %s <author%d@example.org> %d +0000\n", who, c%len(authors), when)
		fmt.Fprintf(w, "committer %s <author%d@example.org> %d +0000\n", who, c%len(authors), when)
		var msg string
		if c == 0 {
			msg = fmt.Sprintf("Add the ISMS: %d documents", len(docs))
		}
		var edits []int
		if c > 0 {
			for range 1 + r.IntN(3) {
				edits = append(edits, r.IntN(len(docs)))
			}
			msg = fmt.Sprintf("Review %s", docs[edits[0]].id)
		}
		fmt.Fprintf(w, "data %d\n%s\n", len(msg)+1, msg)
		if c > 0 {
			fmt.Fprintf(w, "from :%d\n", c)
		}
		if c == 0 {
			for _, f := range Site(n, nil) {
				inline(w, f.Path, f.Data)
			}
		}
		for _, i := range edits {
			rev[i]++
			inline(w, "content/"+docs[i].path, Document(docs, procs, i, rev[i]))
		}
		w.WriteString("\n")
	}
	return rev, w.Flush()
}

func inline(w *bufio.Writer, path string, data []byte) {
	fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n", path, len(data))
	w.Write(data)
	w.WriteString("\n")
}
