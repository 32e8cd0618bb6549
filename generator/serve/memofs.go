package serve

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/isms-project/isms/generator/load"
)

// memoFS is the site folder as an fs.FS that keeps every file it has read
// in memory until the watcher says it changed, so a rebuild reads from
// disk only what was saved. Folder listings always come from the disk:
// they are cheap, and they are how new and deleted files are found.
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
}

func newMemoFS(dir string) *memoFS {
	return &memoFS{dir: os.DirFS(dir), content: load.DirFS(filepath.Join(dir, "content")), data: map[string][]byte{}}
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
	f, n := m.pick(name)
	return fs.ReadDir(f, n)
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
// everything under them, since a changed path may be a renamed folder.
func (m *memoFS) forget(paths []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range paths {
		p = path.Clean(p)
		delete(m.data, p)
		prefix := p + "/"
		if p == "." {
			prefix = ""
		}
		for k := range m.data {
			if strings.HasPrefix(k, prefix) {
				delete(m.data, k)
			}
		}
	}
}

func (m *memoFS) forgetAll() {
	m.mu.Lock()
	clear(m.data)
	m.mu.Unlock()
}
