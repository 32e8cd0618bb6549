package publish

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrRefused is matched (errors.Is) by Folder's and CheckDest's error when
// they refuse a destination; nothing was written then.
var ErrRefused = errors.New("destination refused")

type refusal struct{ dest, why string }

func (r *refusal) Error() string {
	return fmt.Sprintf("publish: refusing to replace %s: %s", r.dest, r.why)
}

func (r *refusal) Is(target error) bool { return target == ErrRefused }

// Options change how Folder publishes. The zero value is what Folder uses.
type Options struct {
	// Site is the site folder being built. The destination may not be it,
	// one of its parents, or inside its content/ or themes/ folder.
	Site string
	// Force publishes into a non-empty folder that is not an earlier isms
	// build. Its files are not deleted: they are kept beside it as the
	// spare (".<name>.spare"), which isms then never reuses or removes.
	Force bool
	// LockWait is how long to wait for another build that is publishing to
	// the same destination (default 10 minutes).
	LockWait time.Duration
	// Notify receives what the user should know but that is not an error:
	// a folder left alone, a spare dropped after the disk filled up, a
	// wait for another build. Nil discards it.
	Notify func(msg string)
}

func (o Options) notify(format string, args ...any) {
	if o.Notify != nil {
		o.Notify(fmt.Sprintf(format, args...))
	}
}

func (o Options) lockWait() time.Duration {
	if o.LockWait > 0 {
		return o.LockWait
	}
	return 10 * time.Minute
}

// CheckDest reports, without writing anything, whether Folder would refuse
// dest for where it is or for what kind of folder it is (a refusal matches
// ErrRefused): a quick check before a build. Whether an earlier build holds
// files added by hand takes a walk of the whole folder, which Folder does
// once, under the lock.
func (o Options) CheckDest(dest string) error {
	_, _, err := o.checkDest(dest, false)
	return err
}

// checkDest returns dest as an absolute path with symlinks resolved (so the
// swap happens beside the real folder and never replaces a link), and
// whether it holds files that are not an isms build (allowed by Force
// only), or an error naming why publishing there could destroy something.
// Only with deep does it walk an earlier build for files its marker does
// not list.
func (o Options) checkDest(dest string, deep bool) (abs string, foreign bool, err error) {
	refuse := func(why string) (string, bool, error) {
		return "", false, &refusal{dest, why}
	}
	if strings.TrimSpace(dest) == "" {
		return "", false, &refusal{dest, "empty destination"}
	}
	abs, err = filepath.Abs(dest)
	if err != nil {
		return "", false, fmt.Errorf("publish: %w", err)
	}
	abs = realPath(abs)
	if filepath.Dir(abs) == abs {
		return refuse("it is a file-system root")
	}
	if home, err := os.UserHomeDir(); err == nil && sameOrInside(realPath(home), abs) {
		return refuse("it is the home folder or one of its parents")
	}
	if wd, err := os.Getwd(); err == nil && sameOrInside(realPath(wd), abs) {
		return refuse("it is the current folder or one of its parents")
	}
	if o.Site != "" {
		site, err := filepath.Abs(o.Site)
		if err != nil {
			return "", false, fmt.Errorf("publish: %w", err)
		}
		site = realPath(site)
		if sameOrInside(site, abs) {
			return refuse("it is the site folder or one of its parents")
		}
		for _, src := range []string{"content", "themes"} {
			if sameOrInside(abs, filepath.Join(site, src)) {
				return refuse("it is inside the site's " + src + "/ folder")
			}
		}
	}
	info, err := os.Lstat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return abs, false, nil
	case err != nil:
		return "", false, fmt.Errorf("publish: %w", err)
	case !info.IsDir():
		return refuse("it is not a folder")
	}
	kept := " (its files are then kept beside it as " + spareName(filepath.Base(abs)) + ")"
	listed, isBuild := readMarker(abs)
	var some []string
	if isBuild && !deep {
		return abs, false, nil
	}
	if isBuild {
		var n int
		if some, n, err = foreignFiles(abs, listed, 3); err != nil {
			return "", false, fmt.Errorf("publish: %w", err)
		} else if n == 0 {
			return abs, false, nil
		} else if n > len(some) {
			some = append(some, fmt.Sprintf("and %d more", n-len(some)))
		}
	} else if empty, err := isEmptyDir(abs); err != nil {
		return "", false, fmt.Errorf("publish: %w", err)
	} else if empty {
		return abs, false, nil
	}
	// Not empty, and holding files no isms build wrote.
	if exists(filepath.Join(abs, ".git")) {
		return refuse("it holds a .git repository")
	}
	if exists(filepath.Join(abs, "isms.yaml")) {
		return refuse("it holds isms.yaml, so it looks like a site, not its output")
	}
	if !isBuild && isDir(filepath.Join(abs, "content")) {
		return refuse("it holds content/, so it looks like a site, not its output")
	}
	switch {
	case o.Force:
		return abs, true, nil
	case isBuild:
		return refuse("it holds files the last isms build did not write (" + strings.Join(some, ", ") +
			"); move them into the site's content/ to publish them, or elsewhere, or pass --force to replace the folder" + kept)
	}
	return refuse("it is not empty and is not an earlier isms build (it has no " + MarkerName +
		"); choose another folder, empty it, or pass --force to replace it" + kept)
}

// realPath resolves the symlinks in p's longest existing prefix, so that a
// destination that does not exist yet is still compared by where it would
// really be.
func realPath(p string) string {
	var rest []string
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(append([]string{r}, rest...)...)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(append([]string{p}, rest...)...)
		}
		rest = append([]string{filepath.Base(p)}, rest...)
		p = parent
	}
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

func isEmptyDir(p string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// removeOwned removes dir if it is an isms build (it holds the marker) or
// empty, and otherwise leaves it and says so. It reports whether dir is gone.
func (o Options) removeOwned(dir string) bool {
	if hasMarker(dir) {
		return os.RemoveAll(dir) == nil
	}
	if os.Remove(dir) == nil {
		return true
	}
	o.notify("left %s as it is: it is not an isms build (it has no %s)", dir, MarkerName)
	return false
}
