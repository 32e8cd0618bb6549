package generator

import (
	"io/fs"
	"os"
	"strings"
)

// prefixFS presents a folder as a site whose content/ is that folder.
type prefixFS struct{ dir string }

func (p *prefixFS) Open(name string) (fs.File, error) {
	if name == "." {
		return os.DirFS(p.dir + "/..").Open(".")
	}
	if name == "content" || strings.HasPrefix(name, "content/") {
		return os.DirFS(p.dir).Open(strings.TrimPrefix(strings.TrimPrefix(name, "content"), "/") + map[bool]string{true: ".", false: ""}[name == "content"])
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}
