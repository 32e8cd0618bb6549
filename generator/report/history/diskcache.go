package history

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	git "github.com/isms-project/isms/generator/history"
)

// A diskCache keeps the diffs of a site's old versions between builds,
// in one file per site in a folder of the user's own (the CLI's: see
// generator.HistoryCacheDir). Old versions never change: a document's
// versions are the blobs its commits name, so what was read and diffed
// from them is keyed by those blob ids alone, and a build reads from git
// only the documents a commit touched since. At 1,000 documents with
// 2,000 commits that is git cat-file inflating 53 MB of versions, their
// diffs and their front-matter: a fifth of the build's CPU.
//
// The file is written whole (a temporary file renamed over it), with the
// identity of the isms binary that wrote it and the SHA-256 of its
// entries: a torn or edited file, or one from another build of isms
// (whose diffs may differ), is not used. Someone who can write the folder
// can forge it, as they could the diagrams' cache; the folder is the
// user's own, and a snapshot (isms build --snapshot) never reads it.
type diskCache struct {
	path    string
	id      string              // the binary's identity
	entries map[[32]byte][]byte // a document's versions, encoded, by the key of their blobs (cacheKey)
}

// cacheMagic starts a cache file; its number changes with the encoding.
const cacheMagic = "isms-history-cache 2\n"

// openCache reads the cache of the site at siteDir (its content folder
// content) from dir; a missing or unusable file is an empty cache. With
// dir "", or a binary that cannot be told from others (binaryID), there
// is no cache (nil).
func openCache(dir, siteDir, content string) *diskCache {
	if dir == "" {
		return nil
	}
	name, ok := cacheName(dir, siteDir, content)
	if !ok {
		return nil
	}
	c := &diskCache{path: name + ".bin", id: binaryID()}
	if c.id == "" {
		return nil // binaries that cannot be told apart share nothing
	}
	if data, err := readRegular(c.path); err == nil {
		if c.entries, err = decodeCache(data, c.id); err == nil {
			keepFresh(c.path)
		}
	}
	return c
}

// cacheName is where in dir the caches of the site at siteDir (its
// content folder content) are kept, less the extension: the first half
// of the SHA-256 of the site's absolute path. False for dir "".
func cacheName(dir, siteDir, content string) (string, bool) {
	if dir == "" {
		return "", false
	}
	abs, err := filepath.Abs(siteDir)
	if err != nil {
		return "", false
	}
	name := sha256.Sum256([]byte(abs + "\x00" + content))
	return filepath.Join(dir, hex.EncodeToString(name[:16])), true
}

// maxCache is the largest cache file read (10,000 documents with 2,000
// commits write 5 MB).
const maxCache = 1 << 30

// readRegular reads path if it is a regular file, not a link, a pipe or
// a device, and not over maxCache.
func readRegular(path string) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() || st.Size() > maxCache {
		return nil, errors.New("not a regular file of a cache's size")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st2, err := f.Stat(); err != nil || !os.SameFile(st, st2) {
		return nil, errors.New("replaced while opened")
	}
	// Read at its size in one buffer (io.ReadAll would grow one, copying
	// the cache a dozen times); a file that grew since fails its checksum.
	b := make([]byte, st.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, err
	}
	return b, nil
}

// decodeCache indexes a cache file's entries, if the file is whole and
// was written by a binary of identity id. The entries are windows on
// data, which is never written afterwards.
func decodeCache(data []byte, id string) (map[[32]byte][]byte, error) {
	rest, ok := bytes.CutPrefix(data, []byte(cacheMagic))
	if !ok {
		return nil, errors.New("not an isms history cache")
	}
	r := reader{b: rest}
	if r.str() != id || r.bad {
		return nil, errors.New("written by another build of isms")
	}
	if len(r.b) < sha256.Size {
		return nil, errors.New("truncated")
	}
	body, sum := r.b[:len(r.b)-sha256.Size], r.b[len(r.b)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errors.New("damaged")
	}
	entries := map[[32]byte][]byte{}
	r = reader{b: body}
	for len(r.b) > 0 {
		if len(r.b) < 32 {
			return nil, errors.New("truncated")
		}
		key := [32]byte(r.b[:32])
		r.b = r.b[32:]
		n := r.uint()
		if r.bad || n > uint64(len(r.b)) {
			return nil, errors.New("truncated")
		}
		entries[key] = r.b[:n:n]
		r.b = r.b[n:]
	}
	return entries, nil
}

// An entry to save: its bytes as read, or the versions to encode.
type saved struct {
	key      [32]byte
	bytes    []byte
	versions []VersionView
}

// save writes entries, in the order of their keys, as the site's cache,
// replacing the file whole: the magic, the binary's identity, the
// entries, then the SHA-256 of the entries. Each is encoded as it is
// written, into one buffer: a build holds no second copy of the cache. A
// failure costs the next build the reading, never this one.
func (c *diskCache) save(entries []saved) {
	slices.SortFunc(entries, func(a, b saved) int { return bytes.Compare(a.key[:], b.key[:]) })
	writeWhole(c.path, func(w *bufio.Writer) {
		w.WriteString(cacheMagic)
		w.Write(appendStr(nil, c.id))
		h := sha256.New()
		body := io.MultiWriter(w, h)
		var buf []byte
		for _, e := range entries {
			b := e.bytes
			if b == nil {
				buf = encodeVersions(buf[:0], e.versions)
				b = buf
			}
			body.Write(e.key[:])
			body.Write(binary.AppendUvarint(nil, uint64(len(b))))
			body.Write(b)
		}
		w.Write(h.Sum(nil))
	})
}

// writeWhole replaces the file at path with what write writes: into a
// temporary file beside it, renamed over it once whole. A failure leaves
// path as it was. It then sweeps the folder.
func writeWhole(path string, write func(w *bufio.Writer)) {
	defer sweep(filepath.Dir(path), time.Now())
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*"+filepath.Ext(path))
	if err != nil {
		return
	}
	w := bufio.NewWriterSize(f, 64<<10)
	write(w)
	if err := errors.Join(w.Flush(), f.Close()); err != nil {
		os.Remove(f.Name())
		return
	}
	if os.Rename(f.Name(), path) != nil {
		os.Remove(f.Name())
	}
}

// A site's cache files that no build has used for cacheMaxAge are
// deleted (a site built again pays one build's reading from git), and so
// are temporary files older than tmpMaxAge, left by a build that was
// stopped while writing. A build that uses a file keeps it fresh
// (keepFresh): its time is when a build last used it, not wrote it.
const (
	cacheMaxAge = 90 * 24 * time.Hour
	tmpMaxAge   = time.Hour
	freshEvery  = 24 * time.Hour // how stale a used file's time may grow before it is set again
)

// sweep deletes from dir what has aged out (cacheMaxAge, tmpMaxAge): only
// regular files, and only under the names the caches write.
func sweep(dir string, now time.Time) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		name := e.Name()
		var maxAge time.Duration
		switch {
		case cacheFileName(name):
			maxAge = cacheMaxAge
		case tmpFileName(name):
			maxAge = tmpMaxAge
		default:
			continue
		}
		if !e.Type().IsRegular() {
			continue
		}
		if st, err := e.Info(); err == nil && now.Sub(st.ModTime()) > maxAge {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// cacheFileName says whether name is one a cache is kept under: 32
// lower-case hex digits (cacheName) and .bin or .log.
func cacheFileName(name string) bool {
	base, ok := strings.CutSuffix(name, ".bin")
	if !ok {
		base, ok = strings.CutSuffix(name, ".log")
	}
	return ok && len(base) == 32 && strings.Trim(base, "0123456789abcdef") == ""
}

// tmpFileName says whether name is one writeWhole writes to first:
// ".tmp-", digits (os.CreateTemp's), then .bin or .log.
func tmpFileName(name string) bool {
	rest, ok := strings.CutPrefix(name, ".tmp-")
	if !ok {
		return false
	}
	digits, ok := strings.CutSuffix(rest, ".bin")
	if !ok {
		digits, ok = strings.CutSuffix(rest, ".log")
	}
	return ok && digits != "" && strings.Trim(digits, "0123456789") == ""
}

// keepFresh sets the time of the cache file at path, just used, to now
// if it is over freshEvery old, so that sweep does not take it for one
// no build uses.
func keepFresh(path string) {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() {
		return
	}
	if now := time.Now(); now.Sub(st.ModTime()) > freshEvery {
		os.Chtimes(path, now, now)
	}
}

// binaryID names the isms binary running (see identity); "" when it
// cannot: then there is no cache.
var binaryID = sync.OnceValue(func() string {
	bi, _ := debug.ReadBuildInfo()
	return identity(bi, func() (string, bool) {
		exe, err := os.Executable()
		if err != nil {
			return "", false
		}
		st, err := os.Stat(exe)
		if err != nil {
			return "", false
		}
		return fmt.Sprintf("%s %d %s", exe, st.Size(), st.ModTime().UTC().Format(time.RFC3339Nano)), true
	})
})

// identity tells isms binaries apart whose diffs may differ: the SHA-256
// of what Go recorded of the build (module versions, settings, commit),
// and, unless that names a released version or a commit of a checkout
// left as committed, also the executable as exe describes it (path, size,
// time), for two builds of one edited checkout record the same. ""
// when neither can be had.
func identity(bi *debug.BuildInfo, exe func() (string, bool)) string {
	id, clean := "", false
	if bi != nil {
		sum := sha256.Sum256([]byte(bi.String()))
		id = hex.EncodeToString(sum[:])
		version, rev, modified := bi.Main.Version, "", true
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		// A module version without a checkout (go install m@v) names
		// one source; a checkout's commit does only if nothing was edited.
		released := version != "" && version != "(devel)" && !strings.Contains(version, "+dirty")
		clean = rev != "" && !modified || released && rev == ""
	}
	if clean {
		return id
	}
	e, ok := exe()
	if !ok {
		return ""
	}
	return id + " " + e
}

// cacheKey is the key of a document's versions: the blob ids of its
// revisions, newest first. False when one is not a blob id (a version
// git did not name).
func cacheKey(revs []git.Rev) ([32]byte, bool) {
	h := sha256.New()
	for _, r := range revs {
		if len(r.Blob) < 40 {
			return [32]byte{}, false
		}
		h.Write([]byte(r.Blob))
		h.Write([]byte{'\n'})
	}
	var k [32]byte
	h.Sum(k[:0])
	return k, true
}

// encodeVersions is what the cache keeps of a document's versions: what
// was read from their contents (front-matter fields, changes and diffs);
// what the log says (date, author, subject, path) comes from the log.
func encodeVersions(b []byte, vs []VersionView) []byte {
	b = binary.AppendUvarint(b, uint64(len(vs)))
	for _, v := range vs {
		var flags byte
		for i, f := range []bool{v.Missing, v.diffed, v.bodyChanged, v.unknown} {
			if f {
				flags |= 1 << i
			}
		}
		b = append(b, flags)
		b = appendStr(appendStr(appendStr(b, v.Version), v.Status), v.Classification)
		b = binary.AppendUvarint(b, uint64(len(v.Changes)))
		for _, c := range v.Changes {
			b = appendStr(appendStr(appendStr(b, c.Field), c.Old), c.New)
		}
		b = binary.AppendUvarint(b, uint64(len(v.Hunks)))
		for _, h := range v.Hunks {
			b = binary.AppendUvarint(b, uint64(h.Skipped))
			b = binary.AppendUvarint(b, uint64(len(h.Lines)))
			for _, l := range h.Lines {
				b = append(b, byte(l.Kind))
				b = appendStr(b, l.Text)
				b = binary.AppendUvarint(b, uint64(l.OldNo))
				b = binary.AppendUvarint(b, uint64(l.NewNo))
			}
		}
	}
	return b
}

// decodeVersions rebuilds the versions of path at revs from an entry;
// false if the entry does not fit them. Its strings are windows on b.
func decodeVersions(b []byte, path string, revs []git.Rev) ([]VersionView, bool) {
	r := reader{b: b}
	if n := r.uint(); n != uint64(len(revs)) {
		return nil, false
	}
	vs := make([]VersionView, len(revs))
	for j, rv := range revs {
		v := logView(path, rv)
		flags := r.byte()
		v.Missing, v.diffed, v.bodyChanged, v.unknown = flags&1 != 0, flags&2 != 0, flags&4 != 0, flags&8 != 0
		v.Version, v.Status, v.Classification = r.str(), r.str(), r.str()
		if n := r.count(3); n > 0 {
			v.Changes = make([]git.Change, n)
			for i := range v.Changes {
				v.Changes[i] = git.Change{Field: r.str(), Old: r.str(), New: r.str()}
			}
		}
		if n := r.count(2); n > 0 {
			v.Hunks = make([]git.Hunk, n)
			for i := range v.Hunks {
				h := &v.Hunks[i]
				h.Skipped = int(r.uint())
				if n := r.count(4); n > 0 {
					h.Lines = make([]git.Line, n)
					for k := range h.Lines {
						h.Lines[k] = git.Line{Kind: git.LineKind(r.byte()), Text: r.str(), OldNo: int(r.uint()), NewNo: int(r.uint())}
					}
				}
			}
		}
		if r.bad {
			return nil, false
		}
		vs[j] = v
	}
	return vs, len(r.b) == 0
}

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// reader decodes an entry; bad is set, and every later read is zero,
// once it runs past the end or a number is malformed.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) uint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.bad, r.b = true, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// count reads a number of items of at least min bytes each, refusing
// one the rest of the entry cannot hold.
func (r *reader) count(min int) int {
	n := r.uint()
	if n > uint64(len(r.b)/min) {
		r.bad, r.b = true, nil
		return 0
	}
	return int(n)
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.bad = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *reader) str() string {
	n := r.uint()
	if n > uint64(len(r.b)) {
		r.bad, r.b = true, nil
		return ""
	}
	s := r.b[:n]
	r.b = r.b[n:]
	if len(s) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(s), len(s))
}
