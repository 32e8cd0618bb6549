package serve

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/isms-project/isms/generator/load"
)

// memoFS is the site folder as an fs.FS that keeps every file it has read
// and every folder it has listed in memory until the watcher says it
// changed, so a rebuild reads from disk only what was saved. A changed
// path drops its folder's listing too, which is how new and deleted
// files are found (listing 10,000 documents' folders cost 30–40 ms a
// save).
//
// Paths under content/ are read through load.DirFS: never through a
// symbolic link, never from a pipe, so a file swapped for a link to
// /etc/passwd or for a pipe after the build listed it is refused rather
// than served (or waited on).
type memoFS struct {
	dir     fs.FS
	content fs.FS
	mu      sync.Mutex
	data    map[string][]byte
	dirs    map[string][]fs.DirEntry
}

func newMemoFS(dir string) *memoFS {
	return &memoFS{dir: os.DirFS(dir), content: load.DirFS(filepath.Join(dir, "content")), data: map[string][]byte{}, dirs: map[string][]fs.DirEntry{}}
}

// pick returns the file system that holds name and name within it.
func (m *memoFS) pick(name string) (fs.FS, string) {
	if name == "content" {
		return m.content, "."
	}
	if rest, ok := strings.CutPrefix(name, "content/"); ok {
		return m.content, rest
	}
	return m.dir, name
}

func (m *memoFS) Open(name string) (fs.File, error) {
	f, n := m.pick(name)
	return f.Open(n)
}

func (m *memoFS) ReadDir(name string) ([]fs.DirEntry, error) {
	m.mu.Lock()
	es, ok := m.dirs[name]
	m.mu.Unlock()
	if ok {
		return slices.Clone(es), nil
	}
	f, n := m.pick(name)
	es, err := fs.ReadDir(f, n)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.dirs[name] = es
	m.mu.Unlock()
	return slices.Clone(es), nil
}

func (m *memoFS) Stat(name string) (fs.FileInfo, error) {
	f, n := m.pick(name)
	return fs.Stat(f, n)
}

// ReadFile returns the bytes it keeps, not a copy (which fs.ReadFileFS
// asks for): the build only reads what it is given (no stage changes
// what an earlier one produced), and a copy of every file on every save
// was the sources held twice — 100 MB more at 10,000 documents — and
// as much garbage per save. The slice is capped, so an append copies.
func (m *memoFS) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	b, ok := m.data[name]
	m.mu.Unlock()
	if ok {
		return b[:len(b):len(b)], nil
	}
	f, n := m.pick(name)
	b, err := fs.ReadFile(f, n)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.data[name] = b
	m.mu.Unlock()
	return b[:len(b):len(b)], nil
}

// forget drops the given slash paths (relative to the site folder) and
// everything under them, since a changed path may be a renamed folder,
// and the listings of the folders above each (a file created or deleted
// there, or in a folder created there).
func (m *memoFS) forget(paths []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range paths {
		p = path.Clean(p)
		delete(m.data, p)
		for d := p; ; d = path.Dir(d) { // a file in a new folder: the folders above list it
			delete(m.dirs, d)
			if d == "." || d == "/" {
				break
			}
		}
		prefix := p + "/"
		if p == "." {
			prefix = ""
		}
		for k := range m.data {
			if strings.HasPrefix(k, prefix) {
				delete(m.data, k)
			}
		}
		for k := range m.dirs {
			if strings.HasPrefix(k, prefix) {
				delete(m.dirs, k)
			}
		}
	}
}

func (m *memoFS) forgetAll() {
	m.mu.Lock()
	clear(m.data)
	clear(m.dirs)
	m.mu.Unlock()
}
