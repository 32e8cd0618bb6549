package load

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ErrNotRegular is what DirFS answers for a path that is neither a
// regular file nor a folder, or that is a symbolic link.
var ErrNotRegular = errors.New("not a regular file (isms reads regular files only and never follows symbolic links)")

// DirFS is the folder dir as an fs.FS that never leaves it and never
// blocks: a path that goes through a symbolic link out of dir is refused
// (os.Root), a symbolic link as the last element is refused, and a named
// pipe, socket or device is refused after an open that does not wait
// (O_NONBLOCK) and before anything is read. Read lists the folder first
// and skips all of these; DirFS closes the window in which a listed file
// is replaced by a link or a pipe before it is read.
//
// The folder is opened again on every call, so one that is created or
// replaced later (the preview's content/) is found.
func DirFS(dir string) fs.FS { return dirFS(dir) }

type dirFS string

func (d dirFS) root(op, name string) (*os.Root, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrInvalid}
	}
	return os.OpenRoot(string(d))
}

func (d dirFS) Open(name string) (fs.File, error) {
	r, err := d.root("open", name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if st, err := r.Lstat(name); err != nil {
		return nil, err
	} else if st.Mode()&fs.ModeSymlink != 0 {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	f, err := r.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() && !st.IsDir() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrNotRegular}
	}
	return f, nil
}

func (d dirFS) ReadFile(name string) ([]byte, error) {
	if b, done, err := d.readBeneath(name); done {
		return b, err
	}
	return d.readRoot(name)
}

// readRoot is ReadFile through Open: os.Root's walk.
func (d dirFS) readRoot(name string) ([]byte, error) {
	f, err := d.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	return readToEnd(st.Size(), f.Read)
}

// readToEnd reads with read until io.EOF into a buffer of size and one
// byte more (a file that grew since it was measured still reads whole).
func readToEnd(size int64, read func([]byte) (int, error)) ([]byte, error) {
	b := make([]byte, 0, size+1)
	for {
		n, err := read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

func (d dirFS) ReadDir(name string) ([]fs.DirEntry, error) {
	r, err := d.root("readdir", name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return fs.ReadDir(r.FS(), name)
}

func (d dirFS) Stat(name string) (fs.FileInfo, error) {
	r, err := d.root("stat", name)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return r.Stat(name)
}
