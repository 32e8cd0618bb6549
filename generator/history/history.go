// Package history reads a document's version history from git: every commit
// that touched each content file, following renames, newest first, for the
// whole site in one pass.
//
// Read runs one `git log` over the content folder (first-parent, rename
// detection, raw output with blob ids) and turns it into a map from each
// file's current path to its revisions. Nothing runs git per file: a site of
// 10,000 documents costs the same single process as a site of ten. Contents
// then fetches the blobs of any set of revisions through one
// `git cat-file --batch` process, and FieldChanges and BodyDiff describe what
// changed between two versions of a document.
//
// A LogStore (Git.Store) keeps git's log between builds: a build whose
// HEAD is where the last one read to reads nothing from git but where
// the repository is, and one whose HEAD moved on reads the commits since.
//
// History is an enrichment, never a reason to fail a build: with no git
// binary, or a site outside any repository, Read returns a Log with
// Available false and a Reason for the page note and the build warning. A
// shallow clone is read as far as it goes and flagged Shallow.
//
// Git runs without network, credentials, prompts, pager or system config;
// see gitEnv.
//
// Merges are read as first parent (`--first-parent`): a branch merged into
// the mainline shows as one revision, the merge, carrying the whole change
// the branch made. That keeps each file's revisions a linear chain, so the
// diff between consecutive revisions is exactly what that revision changed;
// listing the side branch's own commits as well (`--diff-merges=first-parent`
// without `--first-parent`) would show the same change twice and make
// consecutive diffs meaningless.
package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Rev is one commit that changed a content file.
type Rev struct {
	Hash    string // full commit id
	Short   string // the first 10 hex digits of Hash
	Author  string
	Date    string // author date, YYYY-MM-DD, in the author's own time zone
	Subject string // may be empty
	// Path is the file's path relative to the content folder, slash
	// separated, as it was named at this commit: it differs from the
	// current path for revisions older than a rename.
	Path string
	// Status is 'A' (added), 'M' (modified) or 'R' (renamed to Path, maybe
	// also modified). A revision list never holds a deletion: a file that
	// was deleted and later re-created starts a new history at the 'A'.
	Status byte
	Blob   string // id of the file's content at this commit, for Contents
	// Truncated marks a revision at the commit a shallow clone was cut
	// at: the file shows as added there only because older history is
	// missing.
	Truncated bool
}

// Log is the history of every file in a content folder. It is immutable
// once returned and safe for concurrent readers; Update returns a new Log.
type Log struct {
	Available bool   // false: no git binary, or not in a repository
	Reason    string // why not Available, for the page note and a build warning
	Shallow   bool   // a shallow clone: history stops at the clone's depth
	Head      string // HEAD commit id; "" if there are no commits

	siteDir, contentDir string
	repo                *repo
	revs                map[string][]Rev  // current raw path → revisions, newest first
	mem                 map[string][]byte // a Memory log's blobs; nil for git
}

// Read reads the history of every file under contentDir (a path relative to
// siteDir, or absolute). The repository root may be above siteDir. Files
// outside the content folder are ignored. The error is for real failures
// only; no git or no repository gives a Log with Available false.
func Read(ctx context.Context, siteDir, contentDir string) (*Log, error) {
	return read(ctx, siteDir, contentDir, nil)
}

// read is Read, with what store keeps of earlier reads (nil: nothing).
func read(ctx context.Context, siteDir, contentDir string, store LogStore) (*Log, error) {
	l := &Log{siteDir: siteDir, contentDir: contentDir, revs: map[string][]Rev{}}
	r, reason, err := locate(ctx, siteDir, contentDir)
	if err != nil {
		return nil, err
	}
	if r == nil {
		l.Reason = reason
		return l, nil
	}
	l.Available, l.repo, l.Shallow, l.Head = true, r, r.shallow, r.head
	if r.head == "" {
		return l, nil
	}
	lr, err := logOutput(ctx, r, store)
	if err != nil {
		if tooOld(err) {
			return &Log{Reason: tooOldReason, siteDir: siteDir, contentDir: contentDir, revs: map[string][]Rev{}}, nil
		}
		return nil, fmt.Errorf("history: %w", err)
	}
	w := newWalk()
	w.boundary = r.boundary
	if err := w.parse(lr.out); err != nil {
		if !lr.old {
			return nil, err
		}
		// What the store gave does not read: git's word instead.
		if lr.out, err = runGit(ctx, r.git, r.dir, logArgs(r.head)...); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		lr.held = false
		w = newWalk()
		if err := w.parse(lr.out); err != nil {
			return nil, err
		}
	}
	if lr.keep && !lr.held {
		if after, ok := settingKey(ctx, r); ok && after == lr.key {
			store.Store(lr.key, r.head, lr.out)
		}
	}
	l.revs = w.revs
	return l, nil
}

// logArgs asks for every first-parent commit in rangeSpec that touched the
// content folder (git runs inside it; "--relative" makes paths relative to
// it and "-- ." drops everything outside). Header fields are NUL-separated
// because a subject or name may hold any other byte; --raw rather than
// --name-status gives blob ids for Contents at no extra cost. Authors go
// through the repository's .mailmap (%aN), so one person committing under
// two spellings is one author; --root holds even if the user's config turns
// log.showRoot off, so the first commit still shows its additions.
// --sparse lists the commits that left the folder as it was too, with no
// change lines (parse drops them): git then compares each commit's tree
// once, for its change list, rather than a second time to decide whether
// to list it. Measured on bench/gensite's 10,000 documents and 2,000
// commits: git's CPU 0.51 -> 0.39 s.
func logArgs(rangeSpec string) []string {
	return []string{"log", "--first-parent", "--sparse", "--diff-merges=first-parent", "--root",
		"-M", "--raw", "--no-abbrev", "--relative", "-z", "--no-color",
		"--no-ext-diff", "--no-textconv", "--date=short",
		"--format=%x1e%H%x00%aN%x00%ad%x00%s",
		rangeSpec, "--", "."}
}

const tooOldReason = "git is too old (2.31 or newer is needed)"

// tooOld recognises a git that lacks an option logArgs relies on
// (--diff-merges came with git 2.31).
func tooOld(err error) bool {
	var ge *gitError
	return errors.As(err, &ge) && strings.Contains(ge.stderr, "unrecognized argument")
}

// Revisions returns the revisions of the file at path (relative to the
// content folder, slash separated, its current name), newest first. The
// slice is shared: do not modify it.
func (l *Log) Revisions(path string) []Rev {
	if l == nil {
		return nil
	}
	return l.revs[path]
}

// LastChanged returns the newest revision of the file at path.
func (l *Log) LastChanged(path string) (Rev, bool) {
	revs := l.Revisions(path)
	if len(revs) == 0 {
		return Rev{}, false
	}
	return revs[0], true
}

// Update returns the Log for the repository as it is now, reading only the
// commits added since l.Head (the preview server calls this when refs move).
// If history was rewritten so that l.Head is no longer on HEAD's
// first-parent line, or l was not available, it reads everything again.
func (l *Log) Update(ctx context.Context) (*Log, error) {
	if l == nil {
		return nil, errors.New("history: Update of a nil Log")
	}
	if l.mem != nil {
		return l, nil // a Memory log does not change
	}
	if !l.Available || l.Head == "" {
		return Read(ctx, l.siteDir, l.contentDir)
	}
	// The common case in the preview: a save, no commit. Reading two small
	// files beats starting git (tens of milliseconds a process here).
	if r := l.repo; r != nil && r.stamp != "" && headStamp(r.gitDir, r.commonDir) == r.stamp {
		n := *l
		return &n, nil
	}
	r, reason, err := locate(ctx, l.siteDir, l.contentDir)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return &Log{Reason: reason, siteDir: l.siteDir, contentDir: l.contentDir, revs: map[string][]Rev{}}, nil
	}
	if r.head == l.Head && r.prefix == l.repo.prefix {
		n := *l
		n.repo, n.Shallow = r, r.shallow
		return &n, nil
	}
	// A shallow clone deepened or unshallowed changes old revisions too;
	// shallow clones are for CI, where a full read is what runs anyway.
	if r.head == "" || r.prefix != l.repo.prefix || r.shallow || l.Shallow {
		return Read(ctx, l.siteDir, l.contentDir)
	}
	n, ok, err := l.extendTo(ctx, r)
	if err != nil || ok {
		return n, err
	}
	return Read(ctx, l.siteDir, l.contentDir)
}

// extendTo reads only the commits from l.Head to r.head and puts them in
// front of l's history. It reports false when that would not give what a
// full read gives: l.Head is not on the first-parent line of r.head (a
// rewrite, a reset, a switch of branch) or is gone altogether.
func (l *Log) extendTo(ctx context.Context, r *repo) (*Log, bool, error) {
	out, ok := r.since(ctx, l.Head)
	if !ok {
		return nil, false, ctx.Err()
	}
	w := newWalk()
	if err := w.parse(out); err != nil {
		return nil, false, err
	}
	return &Log{
		Available: true, Shallow: r.shallow, Head: r.head,
		siteDir: l.siteDir, contentDir: l.contentDir, repo: r,
		revs: w.extend(l.revs),
	}, true, nil
}

// walk builds revision lists from log output, newest commit first. It
// tracks, for each name a file had, which current file it belongs to.
type walk struct {
	revs map[string][]Rev
	// alias maps a path, as seen from the commits still to come (older
	// ones), to the current path of the file it names; "" means the name
	// belongs to a file that no longer exists. Paths not in alias are
	// their own current path.
	alias map[string]string
	// boundary lists the commits where a shallow clone's history stops.
	boundary map[string]bool
}

func newWalk() *walk { return &walk{revs: map[string][]Rev{}, alias: map[string]string{}} }

func (w *walk) current(path string) string {
	if k, ok := w.alias[path]; ok {
		return k
	}
	return path
}

// entry is one line of --raw output.
type entry struct {
	status   byte
	blob     string
	src, dst string // src only for renames
}

// parse consumes `git log -z --raw` output in the format of logArgs.
func (w *walk) parse(out []byte) error {
	toks := tokens{b: out}
	var entries []entry
	for !toks.done() {
		t := toks.next()
		if len(t) == 0 {
			continue
		}
		if t[0] != 0x1e {
			return fmt.Errorf("history: unexpected git log output near %q", clip(t))
		}
		var f [3][]byte
		for i := range f {
			if toks.done() {
				return fmt.Errorf("history: git log output ends inside a commit header")
			}
			f[i] = toks.next()
		}
		entries = entries[:0]
		for {
			t := bytes.TrimLeft(toks.peek(), "\n")
			if len(t) == 0 || t[0] != ':' {
				break
			}
			toks.next()
			e, paths, ok := parseRaw(t)
			if !ok {
				return fmt.Errorf("history: unexpected git log raw line %q", clip(t))
			}
			for i := range paths {
				if toks.done() {
					return fmt.Errorf("history: git log output ends inside a change list")
				}
				p := string(toks.next())
				if i == 0 {
					e.dst = p
				} else {
					e.src, e.dst = e.dst, p
				}
			}
			if e.status != 0 {
				entries = append(entries, e)
			}
		}
		if len(entries) == 0 {
			continue // the commit left the folder as it was (logArgs: --sparse)
		}
		c := Rev{
			Hash:    string(t[1:]),
			Author:  validUTF8(f[0]),
			Date:    string(f[1]),
			Subject: validUTF8(f[2]),
		}
		c.Short = shortID(c.Hash)
		w.commit(c, entries)
	}
	return nil
}

// tokens walks NUL-separated fields without splitting the whole output
// up front, which for a large history would allocate a slice per field.
type tokens struct {
	b   []byte
	pos int
}

func (t *tokens) done() bool { return t.pos >= len(t.b) }

func (t *tokens) peek() []byte {
	if t.done() {
		return nil
	}
	rest := t.b[t.pos:]
	if i := bytes.IndexByte(rest, 0); i >= 0 {
		return rest[:i]
	}
	return rest
}

func (t *tokens) next() []byte {
	tok := t.peek()
	t.pos += len(tok) + 1
	return tok
}

// parseRaw reads ":srcmode dstmode srcblob dstblob STATUS" and says how many
// path tokens follow. Entries that are not regular files or symlinks
// (submodules) come back with status 0, to be skipped.
func parseRaw(t []byte) (e entry, paths int, ok bool) {
	var f [5][]byte
	rest := t[1:]
	for i := range f {
		rest = bytes.TrimLeft(rest, " ")
		j := bytes.IndexByte(rest, ' ')
		if j < 0 || i == len(f)-1 {
			j = len(rest)
		}
		f[i], rest = rest[:j], rest[j:]
	}
	if len(f[4]) == 0 || len(bytes.TrimSpace(rest)) != 0 {
		return e, 0, false
	}
	st := f[4][0]
	paths = 1
	if st == 'R' || st == 'C' {
		paths = 2
	}
	if string(f[1]) == "160000" || (string(f[1]) == "000000" && string(f[0]) == "160000") {
		return entry{}, paths, true
	}
	switch st {
	case 'A', 'C':
		st = 'A' // a copy is a new file as far as its history goes
	case 'M', 'T':
		st = 'M'
	case 'R', 'D':
	default:
		return entry{}, paths, true
	}
	return entry{status: st, blob: string(f[3])}, paths, true
}

// commit records one commit's changes. All names are resolved against the
// state before the commit is applied, so that a commit swapping two files'
// names attributes each change correctly.
func (w *walk) commit(c Rev, entries []entry) {
	type move struct{ from, to string }
	var dead []string
	var moves []move
	for _, e := range entries {
		if e.status == 'D' {
			// Older revisions under this name belong to a file that is
			// gone, unless a newer commit already claimed the name.
			dead = append(dead, e.dst)
			continue
		}
		k := w.current(e.dst)
		if k != "" {
			r := c
			r.Path, r.Status, r.Blob = e.dst, e.status, e.blob
			r.Truncated = w.boundary[c.Hash]
			if !utf8.ValidString(r.Path) {
				r.Path = strings.ToValidUTF8(r.Path, "\uFFFD")
			}
			w.revs[k] = append(w.revs[k], r)
		}
		switch e.status {
		case 'A':
			// Before this commit the name was free; an older file of
			// that name is a different, deleted one.
			dead = append(dead, e.dst)
		case 'R':
			dead = append(dead, e.dst)
			moves = append(moves, move{e.src, k})
		}
	}
	for _, p := range dead {
		w.alias[p] = ""
	}
	for _, m := range moves {
		w.alias[m.from] = m.to
	}
}

// extend puts the revisions read from a range of new commits in front of
// the older history old, following any renames and deletions the new
// commits made. old is not modified.
func (w *walk) extend(old map[string][]Rev) map[string][]Rev {
	out := maps.Clone(old)
	moved := map[string][]Rev{}
	for name, k := range w.alias {
		if k != "" && len(old[name]) > 0 {
			moved[k] = old[name]
		}
		delete(out, name)
	}
	keys := map[string]bool{}
	for k := range moved {
		keys[k] = true
	}
	for k := range w.revs {
		keys[k] = true
	}
	for k := range keys {
		older, ok := moved[k]
		if !ok {
			if _, aliased := w.alias[k]; !aliased {
				older = old[k]
			}
		}
		revs := make([]Rev, 0, len(w.revs[k])+len(older))
		out[k] = append(append(revs, w.revs[k]...), older...)
	}
	return out
}

func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func clip(b []byte) string {
	if len(b) > 60 {
		b = b[:60]
	}
	return string(b)
}

// Files returns the current paths of every file with a history, sorted.
func (l *Log) Files() []string {
	if l == nil {
		return nil
	}
	return sortedKeys(l.revs)
}

func sortedKeys(m map[string][]Rev) []string {
	return slices.Sorted(maps.Keys(m))
}

// shortID abbreviates a commit id to a fixed length. %h cannot do it:
// --no-abbrev, needed for blob ids that stay unambiguous as the repository
// grows, makes %h print the whole id too.
func shortID(h string) string {
	return h[:min(len(h), 10)]
}
