package serve

import (
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
)

// memoFS is the site folder as an fs.FS that keeps every file it has read
// in memory until the watcher says it changed, so a rebuild reads from
// disk only what was saved. Folder listings always come from the disk:
// they are cheap, and they are how new and deleted files are found.
type memoFS struct {
	dir  fs.FS
	mu   sync.Mutex
	data map[string][]byte
}

func newMemoFS(dir string) *memoFS {
	return &memoFS{dir: os.DirFS(dir), data: map[string][]byte{}}
}

func (m *memoFS) Open(name string) (fs.File, error) { return m.dir.Open(name) }

func (m *memoFS) ReadDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(m.dir, name) }

func (m *memoFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(m.dir, name) }

// ReadFile returns a copy, so a caller that changes the bytes cannot
// change what the next build reads.
func (m *memoFS) ReadFile(name string) ([]byte, error) {
	m.mu.Lock()
	b, ok := m.data[name]
	m.mu.Unlock()
	if ok {
		return append([]byte(nil), b...), nil
	}
	b, err := fs.ReadFile(m.dir, name)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	m.data[name] = b
	m.mu.Unlock()
	return append([]byte(nil), b...), nil
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
