package history

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// A LogStore keeps what `git log` printed for a site between builds, so
// that a build finds the commits it has already read without running
// git over the whole history again: at 1,000 documents with 2,000
// commits, git's 60-80 ms of CPU beside the parse.
//
// A log is kept with the key of the setting it was read in (settingKey)
// and the commit it was read up to. Commits never change, so the output
// of the log up to a commit is fixed by that commit and the setting; a
// later build whose HEAD has moved on along the first-parent line asks
// git only for the commits since, and puts their output in front (the
// log lists the newest first, each commit's changes against its first
// parent alone).
type LogStore interface {
	// Load gives what Store last kept, if anything.
	Load() (key [32]byte, head string, out []byte, ok bool)
	// Store keeps out, git's output up to the commit head in the
	// setting key. It may keep out itself: out is not written after.
	Store(key [32]byte, head string, out []byte)
}

// logRead is git's log of the content folder up to a commit, and where
// it came from.
type logRead struct {
	out  []byte
	key  [32]byte // the setting it was read in (settingKey)
	keep bool     // the setting can be told: out may be stored under key
	held bool     // out is what the store held, as it held it
	old  bool     // out came from the store, whole or in part
}

// logOutput reads git's log of the content folder up to r.head, with
// store's help when there is one (nil: all from git).
func logOutput(ctx context.Context, r *repo, store LogStore) (logRead, error) {
	var lr logRead
	if store != nil && r.head != "" {
		lr.key, lr.keep = settingKey(ctx, r)
	}
	if lr.keep {
		if k, head, old, ok := store.Load(); ok && k == lr.key {
			if head == r.head {
				lr.out, lr.held, lr.old = old, true, true
				return lr, nil
			}
			if newer, ok := r.since(ctx, head); ok {
				lr.out, lr.old = append(newer, old...), true
				return lr, nil
			}
		}
	}
	var err error
	lr.out, err = runGit(ctx, r.git, r.dir, logArgs(r.head)...)
	return lr, err
}

// since is the log of the commits from old (exclusive) to r.head, when
// old is on r.head's first-parent line; false when it is not (history
// rewritten, another branch) or git could not say.
func (r *repo) since(ctx context.Context, old string) ([]byte, bool) {
	if !r.onLine(ctx, old) {
		return nil, false
	}
	out, err := runGit(ctx, r.git, r.dir, logArgs(old+".."+r.head)...)
	return out, err == nil
}

// onLine says whether commit old is on the first-parent line of r.head
// (and not r.head itself): the oldest commit git lists from old to
// r.head by first parents must have old as its first parent.
func (r *repo) onLine(ctx context.Context, old string) bool {
	if !isCommitID(old) {
		return false // not from git: never an argument of its
	}
	chain, err := runGit(ctx, r.git, r.dir, "rev-list", "--first-parent", "--parents", old+".."+r.head)
	if err != nil {
		return false
	}
	lines := strings.Split(strings.TrimSpace(string(chain)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	return len(f) >= 2 && f[1] == old
}

// settingKey is the SHA-256 of everything besides the commits that
// decides what logArgs prints: the git binary, the repository and where
// the content folder sits in it, git's configuration as git reads it
// (includes too), and the .mailmap that turns authors into names. False
// when the log may depend on something it cannot see, and is then not
// kept:
//   - a shallow clone (its depth changes what the oldest commits show);
//   - mailmap.file or mailmap.blob set (a file or ref outside the key);
//   - a .mailmap that is not a regular file;
//   - replacement refs (refs/replace), grafts, or refs git does not keep
//     in files (reftable), which can change what a commit holds.
//
// The git binary is known by its metadata (size, time, inode), as make
// knows a file; the .mailmap, small and read by git anyway, by what it
// says. The key is taken again once git has printed the log, and the log
// kept only if it is the same (a .mailmap or configuration changed while
// git ran is not kept under the key from before).
func settingKey(ctx context.Context, r *repo) ([32]byte, bool) {
	if r.shallow {
		return [32]byte{}, false
	}
	config, err := runGit(ctx, r.git, r.dir, "config", "-z", "--list")
	if err != nil && exitCode(err) != 1 { // 1: no configuration at all
		return [32]byte{}, false
	}
	replaceRefs := true
	for _, kv := range bytes.Split(config, []byte{0}) {
		k, v, valued := bytes.Cut(kv, []byte{'\n'})
		switch strings.ToLower(string(k)) {
		case "mailmap.file", "mailmap.blob":
			return [32]byte{}, false
		case "extensions.refstorage":
			if !strings.EqualFold(string(v), "files") {
				return [32]byte{}, false
			}
		case "core.usereplacerefs":
			replaceRefs = !valued || !isFalse(string(v)) // a setting without "=" is true
		}
	}
	if replaceRefs && hasReplaceRefs(r.commonDir) {
		return [32]byte{}, false
	}
	if _, err := os.Lstat(filepath.Join(r.commonDir, "info", "grafts")); !errors.Is(err, fs.ErrNotExist) {
		return [32]byte{}, false
	}
	top, ok := topOf(r)
	if !ok {
		return [32]byte{}, false
	}
	mailmap, ok := mailmapOf(filepath.Join(top, ".mailmap"))
	if !ok {
		return [32]byte{}, false
	}
	gitBin, ok := binaryStamp(r.git)
	if !ok {
		return [32]byte{}, false
	}
	var b []byte
	for _, s := range []string{
		"isms git log 1",
		strings.Join(gitArgs(".", logArgs("HEAD")...), "\x00"),
		r.git, gitBin, r.dir, r.prefix, r.gitDir, r.commonDir,
		string(config), mailmap,
	} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return sha256.Sum256(b), true
}

// binaryStamp describes the git binary at path: where it is, links
// resolved (a package manager's link to a versioned folder), and its
// metadata. A wrapper or shim that picks another git by itself is not
// seen through.
func binaryStamp(path string) (string, bool) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", false
	}
	st, err := os.Stat(real)
	if err != nil || !st.Mode().IsRegular() {
		return "", false
	}
	return real + "\x00" + statLine(st), true
}

// topOf is the top of r's work tree, where git reads the .mailmap: the
// content folder's real path (links resolved, as git's working folder
// is) less the prefix git gave. False when that path does not end in
// the prefix.
func topOf(r *repo) (string, bool) {
	real, err := filepath.EvalSymlinks(r.dir)
	if err != nil {
		return "", false
	}
	return cutPrefix(real, r.prefix)
}

// cutPrefix is dir less its last folders, prefix (slash separated,
// ending in a slash, or "").
func cutPrefix(dir, prefix string) (string, bool) {
	if prefix == "" {
		return dir, true
	}
	top, ok := strings.CutSuffix(filepath.ToSlash(dir), "/"+strings.TrimSuffix(prefix, "/"))
	if !ok || top == "" {
		return "", false
	}
	return filepath.FromSlash(top), true
}

// mailmapOf is what the .mailmap at path says ("" when there is none
// and also when it is empty, which git reads alike); false when path is
// not a regular file or is larger than any list of names.
func mailmapOf(path string) (string, bool) {
	st, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", true
	}
	if err != nil || !st.Mode().IsRegular() || st.Size() > 16<<20 {
		return "", false
	}
	b, err := os.ReadFile(path)
	return string(b), err == nil
}

// hasReplaceRefs says whether the repository may hold refs under
// refs/replace, loose or packed (true when it cannot tell).
func hasReplaceRefs(commonDir string) bool {
	if ents, err := os.ReadDir(filepath.Join(commonDir, "refs", "replace")); err == nil && len(ents) > 0 || err != nil && !errors.Is(err, fs.ErrNotExist) {
		return true
	}
	packed, err := os.ReadFile(filepath.Join(commonDir, "packed-refs"))
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist)
	}
	return bytes.Contains(packed, []byte(" refs/replace/"))
}

// isFalse is git's reading of a boolean setting as false.
func isFalse(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "false", "no", "off", "0", "":
		return true
	}
	return false
}

// isCommitID says whether s is a full commit id (SHA-1 or SHA-256).
func isCommitID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
