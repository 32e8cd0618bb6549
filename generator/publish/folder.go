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
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
)

// File modes of everything Folder writes, whatever the umask: the output is
// meant to be served, so it must be readable by the web server's user.
const (
	fileMode = 0o644
	dirMode  = 0o755
)

// Folder publishes files to dest atomically with the zero Options.
func Folder(dest string, files fs.FS) error { return Options{}.Folder(dest, files) }

// Folder publishes files to dest atomically. It writes the whole tree into a
// folder beside dest (in the same parent, so the final rename never crosses
// a file system), makes it durable, and swaps it with dest. If anything
// fails, or the process dies, before the swap, dest is left as it was; the
// previous build's files that are not in files do not survive the swap.
// Every build holds the marker file MarkerName at its root.
//
// The previous build is not deleted: it is kept beside dest as
// ".<name>.spare" and brought up to date as the next build's folder, so a
// republish writes only the files that changed, removes only the ones that
// went, and makes only the new folders. (Deleting a 10,000-document site
// and creating it again cost 8 s of a 20 s build here, for 42,000 files
// and folders.) The spare is mostly hard links to dest's files and can be
// deleted at any time. The first republish, which has no spare yet, writes
// into a temporary ".<name>.tmp-*" folder and hard-links the files that did
// not change from dest; a temporary folder a killed build left is removed
// by the next call for the same dest. A spare or leftover folder without
// the marker is never reused or removed: Folder leaves it and says so. If
// the disk fills up while the spare is updated, the spare is dropped and
// the build written once more into a fresh folder.
//
// Folder refuses (ErrRefused) destinations that would destroy something
// other than a previous build: an empty path, a file-system root, the home
// folder, the current folder or one of its parents, the site folder, one of
// its parents or a folder inside its content/ or themes/, a file, and a
// non-empty folder without the marker or with a file the marker does not
// list (unless o.Force; never one that holds a site or repository:
// isms.yaml, .git, or content/ without the marker). Two Folder calls for
// one dest run one after the other (a lock file beside dest).
func (o Options) Folder(dest string, files fs.FS) error {
	abs, _, err := o.checkDest(dest, false)
	if err != nil {
		return err
	}
	t, err := walkTree(files)
	if err != nil {
		return fmt.Errorf("publish %s: %w", dest, err)
	}
	if slices.Contains(t.names, MarkerName) {
		return fmt.Errorf("publish: the site has a file %s, a name isms keeps for itself", MarkerName)
	}
	parent, name := filepath.Dir(abs), filepath.Base(abs)
	if err := os.MkdirAll(parent, dirMode); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	unlock, err := lockDest(parent, name, o.lockWait(), o.notify)
	if err != nil {
		return err
	}
	defer unlock()
	// Checked again, whole, under the lock: another build may have
	// published while this one waited.
	abs, foreign, err := o.checkDest(dest, true)
	if err != nil {
		return err
	}
	o.removeLeftovers(parent, name)

	spare := filepath.Join(parent, spareName(name))
	reuse := false
	if st, err := os.Lstat(spare); err == nil {
		if reuse = st.IsDir() && hasMarker(spare); !reuse {
			o.notify("left %s as it is: it is not a build isms kept (it has no %s); delete it to let isms keep the previous build there", spare, MarkerName)
		}
	}
	old, err := o.write(abs, spare, reuse, files, t)
	if reuse && errors.Is(err, syscall.ENOSPC) {
		o.notify("the disk filled up while updating the previous build kept at %s: deleted it, and writing the build into a fresh folder once more", spare)
		os.RemoveAll(spare)
		old, err = o.write(abs, spare, false, files, t)
	}
	if err != nil {
		return fmt.Errorf("publish %s: %w", dest, err)
	}
	// The new site is in place; failing to sync the parent or to keep the
	// previous build as the spare does not undo that.
	if old != "" {
		o.keepReplaced(old, spare, name, foreign, dest)
	}
	syncPath(parent)
	return nil
}

// write writes files into the spare (reuse) or a new temporary folder,
// swaps it with abs, and returns the folder that now holds what abs held.
func (o Options) write(abs, spare string, reuse bool, files fs.FS, t tree) (string, error) {
	parent, name := filepath.Dir(abs), filepath.Base(abs)
	work := spare
	if !reuse {
		var err error
		if work, err = os.MkdirTemp(parent, tmpPrefix(name)); err != nil {
			return "", err
		}
	}
	swapped := false
	defer func() {
		if !swapped && !reuse {
			os.RemoveAll(work)
		}
	}()
	if err := os.Chmod(work, dirMode); err != nil {
		return "", err
	}
	// The marker goes in first, so that a folder a killed build left is
	// known to be isms's own and removed by the next build.
	if err := writeMarker(work, t.marker); err != nil {
		return "", err
	}
	// Without a spare, files that did not change are hard-linked from
	// dest rather than written again.
	prev := ""
	if st, err := os.Lstat(abs); err == nil && st.IsDir() && !reuse {
		prev = abs
	}
	if err := writeTree(work, files, t, prev, reuse); err != nil {
		return "", err
	}
	old, err := swap(work, abs)
	if err != nil {
		return "", err
	}
	swapped = true
	return old, nil
}

// keepReplaced keeps old, the folder that holds what dest held before the
// swap, as the spare. What --force replaced (foreign) loses its marker
// first, so that no later build reuses or removes it; if the spare's name
// is taken, such a folder is kept under a name of its own, and a previous
// build is removed.
func (o Options) keepReplaced(old, spare, name string, foreign bool, dest string) {
	if foreign {
		os.Remove(filepath.Join(old, MarkerName))
	}
	kept := old
	if old != spare {
		switch {
		case os.Rename(old, spare) == nil:
			kept = spare
		case !foreign:
			o.removeOwned(old)
			return
		default:
			if d, err := os.MkdirTemp(filepath.Dir(spare), "."+name+".replaced-"); err == nil {
				if os.Rename(old, d) == nil {
					kept = d
				} else {
					os.Remove(d)
				}
			}
		}
	}
	if foreign {
		o.notify("the files that were in %s are kept in %s", dest, kept)
	}
}

func tmpPrefix(name string) string { return "." + name + ".tmp-" }
func oldPrefix(name string) string { return "." + name + ".old-" }
func spareName(name string) string { return "." + name + ".spare" }
func lockName(name string) string  { return "." + name + ".lock" }

// removeLeftovers deletes temporary and set-aside folders that a killed
// Folder call for the same destination left in parent, if they are isms's.
func (o Options) removeLeftovers(parent, name string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() && (strings.HasPrefix(n, tmpPrefix(name)) || strings.HasPrefix(n, oldPrefix(name))) {
			o.removeOwned(filepath.Join(parent, n))
		}
	}
}

// tree is what Folder publishes, walked once: its folders and files in
// walk order, and the marker that lists the files.
type tree struct {
	dirs, names []string
	marker      []byte
}

func walkTree(files fs.FS) (tree, error) {
	var t tree
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			t.dirs = append(t.dirs, p)
		} else {
			t.names = append(t.names, p)
		}
		return nil
	})
	if err != nil {
		return tree{}, err
	}
	t.marker = markerFor(t.names)
	return t, nil
}

// writeTree makes dir hold exactly the files of files, then makes them and
// the folders durable (syncAll), so that after the swap a crash cannot
// leave the new site with empty or truncated files. A new dir is filled
// from scratch (hard-linking unchanged files from prev when prev is set);
// with update, dir holds an earlier build, which is brought up to date:
// what files lacks is removed first, then folders are made in walk order
// and files written by a few goroutines, each file only if its bytes or
// mode differ. A changed file is replaced by a new one, never rewritten in
// place: the earlier build's files may be hard links to the live site's.
func writeTree(dir string, files fs.FS, t tree, prev string, update bool) error {
	dirs, names := t.dirs, t.names
	if update {
		if err := prune(dir, dirs, names); err != nil {
			return err
		}
	}
	chmod, err := needChmod(dir, update)
	if err != nil {
		return err
	}
	targets := make([]string, len(dirs))
	for i, p := range dirs {
		target := filepath.Join(dir, filepath.FromSlash(p))
		targets[i] = target
		if p == "." {
			continue
		}
		err := os.Mkdir(target, dirMode)
		if update && errors.Is(err, fs.ErrExist) {
			if st, serr := os.Lstat(target); serr == nil && st.IsDir() && st.Mode().Perm() == dirMode {
				continue
			}
			err = nil
		}
		if err != nil {
			return err
		}
		if chmod {
			if err := os.Chmod(target, dirMode); err != nil {
				return err
			}
		}
	}
	dirs = targets

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
				switch {
				case update:
					if same(target, files, names[i]) {
						continue
					}
					if err := os.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
						errs[i] = err
						failed.Store(true)
						continue
					}
				case prev != "":
					old := filepath.Join(prev, filepath.FromSlash(names[i]))
					if same(old, files, names[i]) && os.Link(old, target) == nil {
						continue
					}
				}
				if errs[i] = createFile(target, files, names[i], chmod); errs[i] != nil {
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
	targets = make([]string, len(names))
	for i, n := range names {
		targets[i] = filepath.Join(dir, filepath.FromSlash(n))
	}
	return syncAll(dir, targets, dirs)
}

// prune removes from dir everything that is neither one of the folders
// dirs nor one of the files names (as a regular file), walking dir once.
func prune(dir string, dirs, names []string) error {
	want := make(map[string]bool, len(dirs)+len(names)) // path → is a folder
	for _, d := range dirs {
		want[d] = true
	}
	for _, n := range names {
		want[n] = false
	}
	want[MarkerName] = false
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		isDir, ok := want[filepath.ToSlash(rel)]
		switch {
		case ok && isDir && d.IsDir():
			return nil
		case ok && !isDir && d.Type().IsRegular():
			return nil
		case d.IsDir():
			if err := os.RemoveAll(p); err != nil {
				return err
			}
			return fs.SkipDir
		}
		return os.Remove(p)
	})
}

// writers is how many files are written at once. fsync latency, not CPU,
// bounds publishing, so a few more than the cores pays off (measured:
// BenchmarkFolder, 1,000 files of 10 kB).
const writers = 8

// createFile is writeFile, except in tests that make it fail (a full disk).
var createFile = writeFile

// writeFile writes the file name of files as target, which must not
// exist. With chmod false the caller knows that a new file gets fileMode
// as it is (modesHold); true sets it, whatever the umask or a default ACL
// made of it.
func writeFile(target string, files fs.FS, name string, chmod bool) (err error) {
	src, err := files.Open(name)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := createNew(target)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
	}()
	if chmod {
		if err := dst.Chmod(fileMode); err != nil {
			return err
		}
	}
	if _, err := io.Copy(dst, src); err != nil {
		return fmt.Errorf("%s: %w", path.Clean(name), err)
	}
	return nil
}

// needChmod reports whether the files and folders written into dir must
// have their modes set. A fresh folder holds only what this build makes,
// so a probe of it (modesHold) speaks for every file and folder; a kept
// earlier build's folders may each pass on something else (a default
// ACL, setgid), so one brought up to date (kept) sets every mode.
func needChmod(dir string, kept bool) (bool, error) {
	if kept {
		return true, nil
	}
	hold, err := modesHold(dir)
	return !hold, err
}

// modesHold reports whether a file and a folder made in dir, a folder
// this build made, get fileMode and dirMode as they are, so that setting
// them again (a system call for each of the thousands a build writes) can
// be left out: it makes one of each and looks. A folder made below dir
// inherits what dir passes on (a default ACL), and the umask is the
// process's. Any doubt answers false. The probe is removed before it
// returns, or the error says it could not be (it would be published).
func modesHold(dir string) (hold bool, err error) {
	probe, err := os.MkdirTemp(dir, ".isms-modes-")
	if err != nil {
		return false, nil
	}
	defer func() {
		if rerr := os.RemoveAll(probe); rerr != nil {
			hold, err = false, rerr
		}
	}()
	sub := filepath.Join(probe, "d")
	if err := os.Mkdir(sub, dirMode); err != nil {
		return false, nil
	}
	file := filepath.Join(sub, "f")
	f, err := createNew(file)
	if err != nil {
		return false, nil
	}
	f.Close()
	ds, derr := os.Lstat(sub)
	fi, ferr := os.Lstat(file)
	return derr == nil && ferr == nil && ds.Mode() == fs.ModeDir|dirMode && fi.Mode() == fileMode, nil
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

// same reports whether the file at p is a regular file with fileMode and
// exactly the bytes files holds for name. It streams both (through Open,
// as writeFile reads files), so a 100 MB page is not copied to compare
// it. Any doubt (another size, an error) says no.
func same(p string, files fs.FS, name string) bool {
	st, err := os.Lstat(p)
	if err != nil || !st.Mode().IsRegular() || st.Mode().Perm() != fileMode {
		return false
	}
	f, err := files.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() != st.Size() {
		return false
	}
	old, err := os.Open(p)
	if err != nil {
		return false
	}
	defer old.Close()
	bufs := cmpBufs.Get().(*[2][]byte)
	defer cmpBufs.Put(bufs)
	a, b := bufs[0], bufs[1]
	for {
		n, errA := io.ReadFull(f, a)
		m, errB := io.ReadFull(old, b[:n])
		if m != n || !bytes.Equal(a[:n], b[:m]) {
			return false
		}
		if errA == io.EOF || errA == io.ErrUnexpectedEOF {
			// Both ended together unless old has more.
			k, _ := old.Read(b[:1])
			return k == 0 && (errB == nil || errB == io.EOF || errB == io.ErrUnexpectedEOF)
		}
		if errA != nil || errB != nil {
			return false
		}
	}
}

var cmpBufs = sync.Pool{New: func() any { return &[2][]byte{make([]byte, 64<<10), make([]byte, 64<<10)} }}
