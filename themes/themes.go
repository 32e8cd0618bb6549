// Package themes embeds the default theme. A site overrides any of its
// files by putting a file at the same path under <site>/themes/<name>/;
// Overlay gives the merged view, site files first.
package themes

import (
	"embed"
	"errors"
	"io/fs"
	"slices"
)

//go:embed all:default
var embedded embed.FS

// Default is the built-in theme, rooted at its folder.
func Default() fs.FS {
	sub, _ := fs.Sub(embedded, "default")
	return sub
}

// Overlay returns an fs.FS in which files of top hide the same paths in
// base. top may be nil.
func Overlay(top, base fs.FS) fs.FS {
	if top == nil {
		return base
	}
	return overlay{top, base}
}

type overlay struct{ top, base fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		if st, err := f.Stat(); err == nil && !st.IsDir() {
			return f, nil
		}
		f.Close()
	}
	return o.base.Open(name)
}

// ReadDir merges both listings so globbing sees files that exist only in
// the site's theme folder too.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	a, errA := fs.ReadDir(o.top, name)
	b, errB := fs.ReadDir(o.base, name)
	if errA != nil && errB != nil {
		return nil, errB
	}
	seen := map[string]bool{}
	var out []fs.DirEntry
	for _, e := range append(a, b...) {
		if !seen[e.Name()] {
			seen[e.Name()] = true
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(x, y fs.DirEntry) int {
		if x.Name() < y.Name() {
			return -1
		}
		if x.Name() > y.Name() {
			return 1
		}
		return 0
	})
	if len(out) == 0 && errors.Is(errA, fs.ErrNotExist) && errB != nil {
		return nil, errB
	}
	return out, nil
}
