package history

import "context"

// Memory is a history held in memory instead of read from git: for tests
// and for importers that bring another tool's revision records. revs are
// each file's revisions, newest first, by path relative to the content
// folder; blobs are the contents by Rev.Blob. Its Update returns itself.
func Memory(head string, revs map[string][]Rev, blobs map[string][]byte) *Log {
	l := &Log{Available: true, Head: head, revs: map[string][]Rev{}, mem: map[string][]byte{}}
	for p, rs := range revs {
		l.revs[p] = append([]Rev(nil), rs...)
	}
	for id, b := range blobs {
		l.mem[id] = append([]byte(nil), b...)
	}
	return l
}

// memContents is Contents for a Memory log: a blob it does not hold comes
// back nil, as a blob a shallow clone lacks does.
func (l *Log) memContents(revs []Rev) [][]byte {
	out := make([][]byte, len(revs))
	for i, r := range revs {
		if b, ok := l.mem[r.Blob]; ok {
			out[i] = b
		}
	}
	return out
}

// Reader reads the history of a site's content folder: the one place the
// history report meets the operating system. Git is the real one.
type Reader interface {
	Read(ctx context.Context, siteDir, contentDir string) (*Log, error)
}

// Git reads history with the git command (Read), keeping git's log in
// Store between builds if it is not nil.
type Git struct{ Store LogStore }

func (g Git) Read(ctx context.Context, siteDir, contentDir string) (*Log, error) {
	return read(ctx, siteDir, contentDir, g.Store)
}

// Fixed is a Reader that always answers with the same Log (a Memory log).
type Fixed struct{ Log *Log }

func (f Fixed) Read(context.Context, string, string) (*Log, error) { return f.Log, nil }
