package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
)

// File modes of everything Folder writes, whatever the umask: the output is
// meant to be served, so it must be readable by the web server's user.
const (
	fileMode = 0o644
	dirMode  = 0o755
)

// Folder publishes files to dest atomically. It writes the whole tree into a
// temporary folder beside dest (".<name>.tmp-*" in the same parent, so the
// final rename never crosses a file system), fsyncs it, and swaps it with
// dest. If anything fails, or the process dies, before the swap, dest is
// left as it was; the previous build's files that are not in files do not
// survive the swap. Leftover temporary folders from a killed build are
// removed by the next call for the same dest.
//
// Folder refuses destinations that would destroy something other than a
// previous build: an empty path, a file-system root, the home folder, the
// current folder or one of its parents, a file, and a folder that holds a
// site or repository (isms.yaml, .git, or content/ without index.html).
// Two Folder calls for the same dest must not run at the same time.
func Folder(dest string, files fs.FS) error {
	abs, err := checkDest(dest)
	if err != nil {
		return err
	}
	parent, name := filepath.Dir(abs), filepath.Base(abs)
	if err := os.MkdirAll(parent, dirMode); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	removeLeftovers(parent, name)

	tmp, err := os.MkdirTemp(parent, tmpPrefix(name))
	if err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	swapped := false
	defer func() {
		if !swapped {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, dirMode); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	// Files that did not change since the previous build are hard-linked
	// from it rather than written again: writing is most of a large
	// site's publish time here (566 MB in 22,417 files at 10,000 documents).
	prev := ""
	if st, err := os.Lstat(abs); err == nil && st.IsDir() {
		prev = abs
	}
	if err := writeTree(tmp, files, prev); err != nil {
		return fmt.Errorf("publish %s: %w", dest, err)
	}
	old, err := swap(tmp, abs)
	if err != nil {
		return fmt.Errorf("publish %s: %w", dest, err)
	}
	swapped = true
	// The new site is in place; failing to sync the parent or to delete the
	// previous build does not undo that, and a leftover is swept next time.
	syncPath(parent)
	if old != "" {
		os.RemoveAll(old)
	}
	return nil
}

func tmpPrefix(name string) string { return "." + name + ".tmp-" }
func oldPrefix(name string) string { return "." + name + ".old-" }

// checkDest returns dest as an absolute path with symlinks resolved (so the
// swap happens beside the real folder and never replaces a link), or an
// error naming why publishing there could destroy something.
func checkDest(dest string) (string, error) {
	if strings.TrimSpace(dest) == "" {
		return "", errors.New("publish: empty destination")
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return "", fmt.Errorf("publish: %w", err)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	refuse := func(why string) (string, error) {
		return "", fmt.Errorf("publish: refusing to replace %s: %s", dest, why)
	}
	if filepath.Dir(abs) == abs {
		return refuse("it is a file-system root")
	}
	if home, err := os.UserHomeDir(); err == nil && sameOrInside(home, abs) {
		return refuse("it is the home folder or one of its parents")
	}
	if wd, err := os.Getwd(); err == nil {
		if real, err := filepath.EvalSymlinks(wd); err == nil {
			wd = real
		}
		if sameOrInside(wd, abs) {
			return refuse("it is the current folder or one of its parents")
		}
	}
	info, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return abs, nil
	case err != nil:
		return "", fmt.Errorf("publish: %w", err)
	case !info.IsDir():
		return refuse("it is not a folder")
	}
	if exists(filepath.Join(abs, ".git")) {
		return refuse("it holds a .git repository")
	}
	if exists(filepath.Join(abs, "isms.yaml")) {
		return refuse("it holds isms.yaml, so it looks like a site, not its output")
	}
	if isDir(filepath.Join(abs, "content")) && !exists(filepath.Join(abs, "index.html")) {
		return refuse("it holds content/, so it looks like a site, not its output")
	}
	return abs, nil
}

// sameOrInside reports whether p is dir or lies inside dir.
func sameOrInside(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func isDir(p string) bool {
	info, err := os.Lstat(p)
	return err == nil && info.IsDir()
}

// removeLeftovers deletes temporary and set-aside folders that a killed
// Folder call for the same destination left in parent.
func removeLeftovers(parent, name string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() && (strings.HasPrefix(n, tmpPrefix(name)) || strings.HasPrefix(n, oldPrefix(name))) {
			os.RemoveAll(filepath.Join(parent, n))
		}
	}
}

// writeTree copies every file of files under dir, then makes them and the
// folders durable (syncAll), so that after the swap a crash cannot leave
// the new site with empty or truncated files. Folders are made first, in
// walk order; files are then written by a few goroutines.
func writeTree(dir string, files fs.FS, prev string) error {
	var dirs, names []string
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if !d.IsDir() {
			names = append(names, p)
			return nil
		}
		if p != "." {
			if err := os.Mkdir(target, dirMode); err != nil {
				return err
			}
			if err := os.Chmod(target, dirMode); err != nil {
				return err
			}
		}
		dirs = append(dirs, target)
		return nil
	})
	if err != nil {
		return err
	}

	// Each worker takes the next unclaimed index; the first error (by
	// input order, so the message does not depend on scheduling) wins.
	errs := make([]error, len(names))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(writers, len(names)) {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(names) {
					return
				}
				target := filepath.Join(dir, filepath.FromSlash(names[i]))
				if prev != "" && linkUnchanged(filepath.Join(prev, filepath.FromSlash(names[i])), target, files, names[i]) {
					continue
				}
				if errs[i] = writeFile(target, files, names[i]); errs[i] != nil {
					failed.Store(true)
				}
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	targets := make([]string, len(names))
	for i, n := range names {
		targets[i] = filepath.Join(dir, filepath.FromSlash(n))
	}
	return syncAll(dir, targets, dirs)
}

// writers is how many files are written at once. fsync latency, not CPU,
// bounds publishing, so a few more than the cores pays off (measured:
// BenchmarkFolder, 1,000 files of 10 kB).
const writers = 8

func writeFile(target string, files fs.FS, name string) (err error) {
	src, err := files.Open(name)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fileMode)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
	}()
	if err := dst.Chmod(fileMode); err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		return fmt.Errorf("%s: %w", path.Clean(name), err)
	}
	return nil
}

// syncPath fsyncs a file or folder.
func syncPath(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// swapAside is the portable swap: move dest aside, move fresh into place,
// and move dest back if that fails. Between the two renames dest does not
// exist; the platform swap avoids that window where it can. It returns
// the folder holding the previous build, to be removed.
func swapAside(fresh, dest string) (string, error) {
	if _, err := os.Lstat(dest); errors.Is(err, fs.ErrNotExist) {
		return "", os.Rename(fresh, dest)
	}
	old := filepath.Join(filepath.Dir(dest), oldPrefix(filepath.Base(dest))+strings.TrimPrefix(filepath.Base(fresh), tmpPrefix(filepath.Base(dest))))
	if err := os.Rename(dest, old); err != nil {
		return "", err
	}
	if err := os.Rename(fresh, dest); err != nil {
		if rerr := os.Rename(old, dest); rerr != nil {
			return "", fmt.Errorf("%w; the previous build is at %s", err, old)
		}
		return "", err
	}
	return old, nil
}

// linkUnchanged hard-links old to target when old is a regular file with
// exactly the bytes files holds for name. Any doubt (another size, an
// error, a link the file system refuses) says no, and the file is written.
func linkUnchanged(old, target string, files fs.FS, name string) bool {
	st, err := os.Lstat(old)
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != fileMode {
		return false
	}
	f, err := files.Open(name) // through Open, as writeFile reads it
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() != st.Size() {
		return false
	}
	want, err := io.ReadAll(f)
	if err != nil {
		return false
	}
	got, err := os.ReadFile(old)
	if err != nil || !bytes.Equal(got, want) {
		return false
	}
	return os.Link(old, target) == nil
}
