package serve

import (
	"context"
	"errors"
	"github.com/isms-project/isms/generator/load"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Watched are the names under the site folder that a change to triggers a
// rebuild; everything else there (public/, .git/, notes) is ignored.
var Watched = []string{"content", "themes", "isms.yaml"}

// Watcher turns file-system events under a site folder into batches of
// changed paths.
//
// fsnotify watches one folder per watch and is not recursive, so the
// Watcher watches the site folder itself (which catches isms.yaml saved by
// rename, and content/ or themes/ being replaced) and every folder under
// content/ and themes/. Files are never watched one by one: editors that
// save by renaming would kill such a watch. Before every batch is handed
// over, the watches are brought in line with the disk: watches on folders
// that were renamed or removed are dropped (fsnotify would keep reporting
// a renamed folder under its old path), new folders are added, and the
// files of new folders are reported, since their own CREATE events came
// before the folder was watched and are lost.
type Watcher struct {
	root     string
	fw       *fsnotify.Watcher
	debounce time.Duration
	maxWait  time.Duration
	failed   bool // NewWatcher's sync could not add a watch: Run's first batch looks everywhere
	// add watches a folder (fw.Add; a test's, to refuse one).
	add func(string) error
}

// NewWatcher starts watching root. debounce is the quiet time after the
// last change before a batch is delivered; maxWait caps the delay while
// changes keep coming.
func NewWatcher(root string, debounce, maxWait time.Duration) (*Watcher, error) {
	return newWatcher(root, debounce, maxWait, nil)
}

// newWatcher is NewWatcher, with add in place of fsnotify's Add when set.
func newWatcher(root string, debounce, maxWait time.Duration, add func(fw *fsnotify.Watcher, p string) error) (*Watcher, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	fw, err := fsnotify.NewBufferedWatcher(4096)
	if err != nil {
		return nil, err
	}
	w := &Watcher{root: abs, fw: fw, debounce: debounce, maxWait: maxWait, add: fw.Add}
	if add != nil {
		w.add = func(p string) error { return add(fw, p) }
	}
	if err := fw.Add(abs); err != nil {
		fw.Close()
		return nil, err
	}
	_, w.failed = w.sync(nil, nil, false)
	return w, nil
}

// Close stops watching.
func (w *Watcher) Close() error { return w.fw.Close() }

// rel maps an event's absolute path to a slash path under the site
// folder, and says whether it is one that matters.
func (w *Watcher) rel(name string) (string, bool) {
	r, err := filepath.Rel(w.root, name)
	if err != nil || r == "." || strings.HasPrefix(r, "..") {
		return "", false
	}
	r = filepath.ToSlash(r)
	top, _, _ := strings.Cut(r, "/")
	if !slices.Contains(Watched, top) {
		return "", false
	}
	for _, seg := range strings.Split(r, "/") {
		if load.Ignored(seg) {
			return "", false
		}
	}
	return r, true
}

// Run delivers batches until ctx ends: changed holds slash paths relative
// to the site folder, sorted; nil means "anything may have changed" (the
// kernel's event queue overflowed) and calls for a full rebuild. batch
// runs on Run's goroutine; events that arrive meanwhile are queued and
// make the next batch.
func (w *Watcher) Run(ctx context.Context, batch func(changed []string)) error {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	dirty := map[string]bool{}
	gone := map[string]bool{}    // paths renamed or removed: maybe watched folders
	created := map[string]bool{} // paths created or renamed in: maybe new folders
	full := false
	resync := w.failed // a watch could not be added: look at every folder again
	var first time.Time
	touch := func() {
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		wait := w.debounce
		if rest := w.maxWait - now.Sub(first); rest < wait {
			wait = max(rest, 0)
		}
		timer.Reset(wait)
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-w.fw.Events:
			if !ok {
				return nil
			}
			if ev.Op == fsnotify.Chmod {
				continue
			}
			r, ok := w.rel(ev.Name)
			if !ok {
				continue
			}
			if ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove) {
				gone[ev.Name] = true
			}
			if ev.Has(fsnotify.Create) {
				created[ev.Name] = true
			}
			dirty[r] = true
			touch()
		case err, ok := <-w.fw.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				full = true
				touch()
			}
		case <-timer.C:
			// A new folder shows as a CREATE in its parent, which is
			// watched: only those are walked (a save walks nothing; at
			// 10,000 documents walking every folder took 11 ms), unless
			// the queue overflowed or a watch failed.
			var under []string
			if !full && !resync {
				under = slices.Sorted(maps.Keys(created))
				if under == nil {
					under = []string{}
				}
			}
			added, failed := w.sync(gone, under, true)
			resync = failed
			for _, p := range added {
				if r, ok := w.rel(p); ok {
					dirty[r] = true
				}
			}
			var changed []string
			if !full {
				changed = make([]string, 0, len(dirty))
				for p := range dirty {
					changed = append(changed, p)
				}
				slices.Sort(changed)
			}
			clear(dirty)
			clear(gone)
			clear(created)
			full = false
			first = time.Time{}
			if changed == nil || len(changed) > 0 {
				batch(changed)
			}
		}
	}
}

// sync drops the watches on folders that are gone or were renamed away
// (and on everything under them), then adds a watch on every folder that
// has none under content/ and themes/ (under nil), or only at and under
// the paths in under (those created since the last sync: a folder made
// there is found with everything made in it before it was watched). With
// report set it returns the new folders and every file in them. failed
// says a watch could not be added (the next sync should look everywhere).
func (w *Watcher) sync(gone map[string]bool, under []string, report bool) (added []string, failed bool) {
	if len(gone) > 0 || under == nil {
		for _, p := range w.fw.WatchList() {
			if p == w.root {
				continue
			}
			stale := gone[p]
			for g := range gone {
				if strings.HasPrefix(p, g+string(filepath.Separator)) {
					stale = true
					break
				}
			}
			if st, err := os.Stat(p); stale || err != nil || !st.IsDir() {
				_ = w.fw.Remove(p)
			}
		}
	}
	have := map[string]bool{}
	for _, p := range w.fw.WatchList() {
		have[p] = true
	}
	starts := under
	if under == nil {
		starts = nil
		for _, top := range Watched {
			starts = append(starts, filepath.Join(w.root, top))
		}
	}
	for _, start := range starts {
		if under != nil {
			// Only what rel takes (content/ and themes/, no ignored
			// name on the way), and only folders.
			if r, ok := w.rel(start); !ok || r == "isms.yaml" {
				continue
			}
			if st, err := os.Lstat(start); err != nil || !st.IsDir() {
				continue
			}
			// A folder made at a watched path (renamed over an empty
			// one, which lives on while something holds it open): the
			// watch there, and under it, are the old folder's.
			if have[start] {
				for q := range have {
					if q == start || strings.HasPrefix(q, start+string(filepath.Separator)) {
						_ = w.fw.Remove(q)
						delete(have, q)
					}
				}
			}
		}
		_ = filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if p != start && load.Ignored(d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() {
				if report && !have[filepath.Dir(p)] {
					added = append(added, p)
				}
				return nil
			}
			if have[p] {
				return nil
			}
			if err := w.add(p); err != nil {
				failed = true
				return filepath.SkipDir
			}
			if report {
				added = append(added, p)
			}
			return nil
		})
	}
	return added, failed
}
