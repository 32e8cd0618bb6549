package publish

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// Snapshot returns files with two more files at the root, for
// `isms build --snapshot`: manifest.json (every file with size and SHA-256,
// the as-of date, the source commit if known, the generator) and
// snapshot-<as-of>.zip, a byte-reproducible archive of the site including
// manifest.json, whose entries sit in a folder snapshot-<as-of>/. The
// manifest names the zip, so Verify knows it is not an extra file.
//
// asOf is the date the snapshot describes; only its UTC calendar date is
// used, both in the manifest and as every zip entry's time. The result
// reads files lazily except for the two new files, which are held in memory.
func Snapshot(files fs.FS, asOf time.Time, st Stamp) (fs.FS, Manifest, error) {
	day := asOf.UTC().Format(time.DateOnly)
	zipName := "snapshot-" + day + ".zip"
	for _, name := range []string{ManifestName, SignatureName, zipName} {
		if _, err := fs.Stat(files, name); err == nil {
			return nil, Manifest{}, fmt.Errorf("snapshot: the site already has a file %s", name)
		}
	}
	m, _, err := BuildManifest(files, day, st.Commit, st.Generator)
	if err != nil {
		return nil, Manifest{}, err
	}
	m.Zip, m.Edition, m.Max = zipName, st.Edition, st.Max
	manifest, err := m.Encode()
	if err != nil {
		return nil, Manifest{}, err
	}
	withManifest := overlay{base: files, extra: map[string][]byte{ManifestName: manifest}}
	var zipped bytes.Buffer
	midnight, _ := time.Parse(time.DateOnly, day)
	if err := Zip(&zipped, withManifest, zipFolder(zipName), midnight); err != nil {
		return nil, Manifest{}, err
	}
	return overlay{base: files, extra: map[string][]byte{ManifestName: manifest, zipName: zipped.Bytes()}}, m, nil
}

// Stamp is what a snapshot's manifest says of the build: the source
// commit (if known), the generator, and the edition with its max
// classification ("" for a whole-site build).
type Stamp struct{ Commit, Generator, Edition, Max string }

// zipFolder is the folder inside the snapshot zip that holds the site: the
// zip's own name without ".zip", so unpacking it gives a folder of that name.
func zipFolder(zipName string) string {
	return strings.TrimSuffix(path.Base(zipName), ".zip")
}

// overlay is base with a few extra files at its root. It exists so that a
// snapshot does not have to copy the whole rendered tree to add two files.
type overlay struct {
	base  fs.FS
	extra map[string][]byte // names without a slash
}

func (o overlay) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if data, ok := o.extra[name]; ok {
		return &memFile{info: memInfo{name: name, size: int64(len(data))}, r: bytes.NewReader(data)}, nil
	}
	if name != "." {
		return o.base.Open(name)
	}
	entries, err := fs.ReadDir(o.base, ".")
	if err != nil {
		return nil, err
	}
	for name, data := range o.extra {
		entries = append(entries, fs.FileInfoToDirEntry(memInfo{name: name, size: int64(len(data))}))
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return &rootDir{entries: entries}, nil
}

type memInfo struct {
	name string
	size int64
	dir  bool
}

func (i memInfo) Name() string { return i.name }
func (i memInfo) Size() int64  { return i.size }
func (i memInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return i.dir }
func (i memInfo) Sys() any           { return nil }

type memFile struct {
	info memInfo
	r    *bytes.Reader
}

func (f *memFile) Stat() (fs.FileInfo, error)                { return f.info, nil }
func (f *memFile) Read(p []byte) (int, error)                { return f.r.Read(p) }
func (f *memFile) ReadAt(p []byte, off int64) (int, error)   { return f.r.ReadAt(p, off) }
func (f *memFile) Seek(off int64, whence int) (int64, error) { return f.r.Seek(off, whence) }
func (f *memFile) Close() error                              { return nil }

// WriteTo lets io.Copy hand the bytes over without a buffer.
func (f *memFile) WriteTo(w io.Writer) (int64, error) { return f.r.WriteTo(w) }

type rootDir struct {
	entries []fs.DirEntry
	next    int
}

func (d *rootDir) Stat() (fs.FileInfo, error) { return memInfo{name: ".", dir: true}, nil }
func (d *rootDir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: ".", Err: fs.ErrInvalid}
}
func (d *rootDir) Close() error { return nil }

func (d *rootDir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.next:]
	if n <= 0 {
		d.next = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	d.next += len(rest)
	return rest, nil
}
