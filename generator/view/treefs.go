package view

import (
	"bytes"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// FS exposes the tree as a read-only file system (for publish and serve).
// Folder listings are indexed once, so walking a site of 20,000 files is
// linear (fstest.MapFS lists a folder by scanning every file: quadratic).
func (t Tree) FS() fs.FS {
	f := &treeFS{files: t, dirs: map[string][]fs.DirEntry{".": nil}}
	seen := map[string]bool{}
	for name := range t {
		child := name
		for dir := path.Dir(name); ; dir = path.Dir(dir) {
			if seen[child] {
				break
			}
			seen[child] = true
			isDir := child != name
			f.dirs[dir] = append(f.dirs[dir], entry{name: path.Base(child), dir: isDir, size: int64(len(t[child]))})
			if isDir {
				if _, ok := f.dirs[child]; !ok {
					f.dirs[child] = nil
				}
			}
			if dir == "." {
				break
			}
			child = dir
		}
	}
	for _, es := range f.dirs {
		slices.SortFunc(es, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	}
	return f
}

type treeFS struct {
	files Tree
	dirs  map[string][]fs.DirEntry
}

func (f *treeFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	if b, ok := f.files[name]; ok {
		return &file{entry: entry{name: path.Base(name), size: int64(len(b))}, r: bytes.NewReader(b)}, nil
	}
	if es, ok := f.dirs[name]; ok {
		return &dir{entry: entry{name: path.Base(name), dir: true}, entries: es}, nil
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

func (f *treeFS) ReadFile(name string) ([]byte, error) {
	if b, ok := f.files[name]; ok {
		return bytes.Clone(b), nil
	}
	if _, ok := f.dirs[name]; ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrInvalid}
	}
	return nil, &fs.PathError{Op: "read", Path: name, Err: fs.ErrNotExist}
}

func (f *treeFS) ReadDir(name string) ([]fs.DirEntry, error) {
	es, ok := f.dirs[name]
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	return slices.Clone(es), nil
}

func (f *treeFS) Stat(name string) (fs.FileInfo, error) {
	file, err := f.Open(name)
	if err != nil {
		return nil, err
	}
	return file.Stat()
}

// entry is both a DirEntry and a FileInfo.
type entry struct {
	name string
	dir  bool
	size int64
}

func (e entry) Name() string { return e.name }
func (e entry) IsDir() bool  { return e.dir }
func (e entry) Type() fs.FileMode {
	if e.dir {
		return fs.ModeDir
	}
	return 0
}
func (e entry) Info() (fs.FileInfo, error) { return e, nil }
func (e entry) Size() int64                { return e.size }
func (e entry) Mode() fs.FileMode {
	if e.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (e entry) ModTime() time.Time { return time.Time{} }
func (e entry) Sys() any           { return nil }

type file struct {
	entry
	r *bytes.Reader
}

func (f *file) Stat() (fs.FileInfo, error) { return f.entry, nil }
func (f *file) Read(b []byte) (int, error) { return f.r.Read(b) }
func (f *file) Close() error               { return nil }

// WriteTo lets io.Copy hand the bytes over without a buffer.
func (f *file) WriteTo(w io.Writer) (int64, error) { return f.r.WriteTo(w) }

type dir struct {
	entry
	entries []fs.DirEntry
	off     int
}

func (d *dir) Stat() (fs.FileInfo, error) { return d.entry, nil }
func (d *dir) Read([]byte) (int, error) {
	return 0, &fs.PathError{Op: "read", Path: d.name, Err: fs.ErrInvalid}
}
func (d *dir) Close() error { return nil }
func (d *dir) ReadDir(n int) ([]fs.DirEntry, error) {
	rest := d.entries[d.off:]
	if n <= 0 {
		d.off = len(d.entries)
		return slices.Clone(rest), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n = min(n, len(rest))
	d.off += n
	return slices.Clone(rest[:n]), nil
}
