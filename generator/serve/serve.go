// Package serve is the authors' preview: it builds the site into memory,
// serves the latest good tree over HTTP, watches the site folder and
// rebuilds on every save, and pushes each result to the browsers over
// Server-Sent Events.
//
// Guarantees it keeps:
//
//   - A browser never sees a half-built site: a build holds the write lock
//     from start to swap, so a request that arrives meanwhile waits for it.
//     A save that changes only a document's body is the exception that
//     keeps the preview at one frame on any site: its page, rendered
//     against the last build (generator.Result.Speculate), is served and
//     announced at once, and the build that follows has the last word
//     (a second event only if a byte differs; a failed build goes back
//     to the last good one).
//   - A failed build changes nothing that is served; the diagnostics go to
//     the terminal and, as JSON in the event, to an overlay that the reload
//     client draws on every page until a build succeeds again.
//   - Files are served from the in-memory tree only, never from a disk
//     path built from the URL, so there is nothing to traverse to.
//   - content/ is read through load.DirFS: no symbolic link is followed
//     and no pipe is opened, even one swapped in after the listing.
//   - Every answer carries the site's security headers from SiteHeaders,
//     the table netlify.toml repeats: artefacts of active types are
//     sandboxed. cmd/isms wraps the server in HostGuard (DNS rebinding).
//   - The reload client (/__isms/reload.js) is added to preview pages
//     through the build's script list, never inlined: the pages' CSP
//     forbids inline scripts.
package serve

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/isms-project/isms/diagrams"
	"github.com/isms-project/isms/generator/load"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/view"
)

// Config is what the preview needs. Only Dir is required.
type Config struct {
	Dir   string            // the site folder on disk: content/, optional isms.yaml and themes/
	Build generator.Options // base build options (AsOf, Today, …); Site, SiteDir, BaseURL and Scripts are set here
	// Today, when set, is asked before every build, so a preview left
	// running past midnight computes currency against the right day.
	Today func() model.Date
	Log   io.Writer // build summaries and diagnostics; nil discards them
	// Debounce is the quiet time after the last change before a rebuild
	// (default 10 ms: an editor's save is over in 2 ms (write and rename)
	// to 5 ms (vim's 21 events), and a checkout or formatter writes with
	// sub-millisecond gaps, so 10 ms still folds each into one rebuild;
	// every millisecond of it is added to save-to-reload, whose target
	// is 30 ms at 1,000 documents); MaxWait caps the delay under a
	// stream of changes (default 1 s).
	Debounce, MaxWait time.Duration
	// MemoryLimit, when set, is the soft limit (runtime/debug.SetMemoryLimit)
	// the server keeps its heap under from the first build on: the
	// collector's default lets the heap grow to twice what is live, and a
	// preview holds every page of the site. After a build that leaves more
	// than 90 % of it live, the limit is 1.4 times the live heap, so a
	// site too large for it is collected more often, never continuously.
	MemoryLimit int64
}

// Prefix is the URL folder of the preview's own endpoints. Site content
// can never live there: the build does not emit paths starting with "__".
const Prefix = "/__isms/"

// Server is the preview. Create it with New; it is an http.Handler.
type Server struct {
	cfg   Config
	files *memoFS
	cache *generator.Cache

	// buildMu serialises builds. mu guards the served state and building,
	// which is closed when the running rebuild has swapped its result in:
	// a request waits for it at most readWait (a save's rebuild is done by
	// then, so the page after a save is the new one), then gets the last
	// good site — a slow rebuild never holds requests up.
	buildMu  sync.Mutex
	mu       sync.RWMutex
	st       *state
	building chan struct{}
	// overtaken are the changed paths of rebuilds that went stale since
	// the last build swapped in (all: one of them was a full rebuild):
	// the served build has not seen them, so a speculation must count
	// them as changed too. Guarded by buildMu.
	overtaken    []string
	overtakenAll bool

	// stop cancels the running rebuild: a newer change makes it stale.
	stopMu sync.Mutex
	stop   context.CancelFunc

	boot     string        // tells browsers apart builds of different server runs
	started  time.Time     // when New's build began: Watch rebuilds what changed since
	watching chan struct{} // closed when Watch's watches are in place

	beforeSwap func() // tests: runs between build and swap
	lazyMade   func() // tests: runs when a deferred page was made, before it is served
	partial    func() // tests: runs when a build of the saved page alone has ended, before it is served
	hub        hub
	quit       chan struct{}
	once       sync.Once
}

// state is one immutable snapshot of what is served.
type state struct {
	tree  view.Tree // last good tree; nil until a build succeeded
	gen   int       // increments with every good build
	diags diag.List // of the latest build, good or not
	ok    bool      // the latest build succeeded

	// lazy makes the site-wide pages the build left out (print, search,
	// history, currency) when a browser first asks; served records the
	// ones asked for, which the next build's event names as changed.
	lazy     *generator.Result
	servedMu sync.Mutex
	served   map[string]bool
	// late are the problems of making the deferred pages asked for, and
	// failed the pages whose making gave an error (by servedMu): an
	// error fails the build, as isms build would have failed (status),
	// and the next good build makes those pages again to see whether it
	// still does (Rebuild).
	late   diag.List
	failed map[string]bool

	// full is the tree of the last build when this state is a
	// speculation (speculate): what a failed build goes back to.
	full view.Tree
	// shown is, after failed builds that followed a speculation, the
	// speculated tree browsers may still show under the overlay: the next
	// good build names the pages where it differs.
	shown view.Tree
}

// status says whether st's build is good, and its diagnostics: the
// build's, then those of making the deferred pages browsers asked for.
func (st *state) status() (bool, diag.List) {
	st.servedMu.Lock()
	defer st.servedMu.Unlock()
	if len(st.late) == 0 {
		return st.ok, st.diags
	}
	return st.ok && !st.late.HasErrors(), append(slices.Clone(st.diags), st.late...)
}

// record keeps the problems of making the deferred page at key; an
// error marks the page failed.
func (st *state) record(key string, diags diag.List) {
	st.servedMu.Lock()
	defer st.servedMu.Unlock()
	st.late = append(st.late, diags...)
	if diags.HasErrors() {
		if st.failed == nil {
			st.failed = map[string]bool{}
		}
		st.failed[key] = true
	}
}

// lateOf is a copy of st's late problems and the pages that failed, for
// a state that keeps serving st's deferred pages.
func lateOf(st *state) (diag.List, map[string]bool) {
	st.servedMu.Lock()
	defer st.servedMu.Unlock()
	return slices.Clone(st.late), maps.Clone(st.failed)
}

// Stats describe one rebuild, for the terminal and for benchmarks.
type Stats struct {
	OK       bool
	Stale    bool // a newer change arrived: this rebuild was stopped or dropped, the next one serves
	Duration time.Duration
	Changed  int // files of the output tree whose bytes changed
	Removed  int
	// Speculated says the saved page was served before the build
	// (Server.speculate); Duration is the build's.
	Speculated bool
}

// New runs the first build and returns the server. A first build that
// fails is not an error: the server starts and shows the overlay.
func New(c Config) (*Server, error) {
	st, err := os.Stat(c.Dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", c.Dir)
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	if c.Debounce <= 0 {
		c.Debounce = 10 * time.Millisecond
	}
	if c.MaxWait <= 0 {
		c.MaxWait = time.Second
	}
	if c.Build.Diagrams == nil {
		c.Build.Diagrams = diagrams.NewRenderer("") // one for the server's life: unchanged diagrams are not laid out again
	}
	s := &Server{
		cfg:   c,
		files: newMemoFS(c.Dir),
		cache: generator.NewCache(),
		st:    &state{},
		quit:  make(chan struct{}),
		boot:  bootID(),

		watching: make(chan struct{}),
	}
	s.hub.init()
	s.started = time.Now()
	if c.MemoryLimit > 0 {
		debug.SetMemoryLimit(c.MemoryLimit)
	}
	s.Rebuild(nil)
	return s, nil
}

// fitMemory sets the soft memory limit: Config.MemoryLimit, or 1.4 times
// the heap the last build left live when that passes 90 % of it.
func (s *Server) fitMemory() {
	if s.cfg.MemoryLimit <= 0 {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	live := func() int64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(sample[0].Value.Uint64())
	}
	limit := s.cfg.MemoryLimit
	if live() > limit/10*9 {
		// Measured by the last collection, which may have run in the
		// middle of the build: measure what the site holds.
		runtime.GC()
		if l := live(); l > limit/10*9 {
			limit = l / 5 * 7
		}
	}
	debug.SetMemoryLimit(limit)
}

// changedSince lists the watched files (content/, themes/, isms.yaml)
// modified at or after t, as slash paths under the site folder.
func (s *Server) changedSince(t time.Time) []string {
	var out []string
	for _, top := range Watched {
		root := filepath.Join(s.cfg.Dir, top)
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if p != root && load.Ignored(d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if info, err := d.Info(); err == nil && !info.ModTime().Before(t) {
				if r, err := filepath.Rel(s.cfg.Dir, p); err == nil {
					out = append(out, filepath.ToSlash(r))
				}
			}
			return nil
		})
	}
	return out
}

// Close ends the event streams, so http.Server.Shutdown does not wait
// for browsers that keep them open.
func (s *Server) Close() {
	s.once.Do(func() { close(s.quit) })
}

// readWait is the longest a request waits for a running rebuild.
const readWait = 500 * time.Millisecond

func (s *Server) current() *state {
	s.mu.RLock()
	b := s.building
	s.mu.RUnlock()
	if b != nil {
		t := time.NewTimer(readWait)
		select {
		case <-b:
		case <-t.C:
		}
		t.Stop()
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.st
}

// Rebuild forgets what it knew of the changed paths (slash paths relative
// to the site folder; nil means everything), rebuilds, swaps the served
// tree if the build succeeded, prints the outcome and tells the browsers.
// A rebuild still running when the next one is asked for is stale: it is
// stopped (or, if it has finished, not swapped in) and the newer one,
// which sees every change, serves.
func (s *Server) Rebuild(changed []string) Stats {
	s.stopMu.Lock()
	if s.stop != nil {
		s.stop()
	}
	s.stopMu.Unlock()
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	s.stopMu.Lock()
	s.stop = stop
	s.stopMu.Unlock()
	if changed == nil {
		s.files.forgetAll()
	} else {
		s.files.forget(changed)
	}
	// What changed since the served build: this batch and those of
	// rebuilds it overtook.
	var since []string // nil: anything may have changed
	if changed != nil && !s.overtakenAll {
		since = append(slices.Clone(s.overtaken), changed...)
	}
	opts := s.cfg.Build
	opts.Site = s.files
	opts.SiteDir = s.cfg.Dir
	opts.BaseURL = "/" // the preview serves at the root whatever base_url says
	opts.Scripts = append(append([]string(nil), opts.Scripts...), Prefix+"reload.js")
	opts.Cache = s.cache
	opts.Lazy = true // a save renders what it changes; site-wide pages wait for a browser
	if s.cfg.Today != nil {
		opts.Today = s.cfg.Today()
	}
	speculated := s.speculate(ctx, since, opts) // the saved page's URL, when served already

	// Requests wait for the build (the page after a save is the new
	// one), unless the saved page is served already.
	done := make(chan struct{})
	if speculated == "" {
		s.mu.Lock()
		s.building = done
		s.mu.Unlock()
	}
	start := time.Now()
	res, err := generator.Build(ctx, opts)
	elapsed := time.Since(start)
	if s.beforeSwap != nil {
		s.beforeSwap()
	}
	if ctx.Err() != nil { // a newer rebuild is waiting: keep serving the last good site until it swaps
		s.overtaken, s.overtakenAll = since, since == nil
		s.mu.Lock()
		s.building = nil
		s.mu.Unlock()
		close(done)
		return Stats{Stale: true, Duration: elapsed, Speculated: speculated != ""}
	}
	s.overtaken, s.overtakenAll = nil, false
	// A deferred page whose making failed on the last build is made
	// again on this one, before it is served: the error stands until a
	// build makes the page without one (isms build would fail as long).
	// Once before the lock, and again under it for a page that failed
	// meanwhile (Page tells each problem once, so none twice).
	var late diag.List
	var failed map[string]bool
	remake := func(st *state) {
		if err != nil || res.Tree == nil {
			return
		}
		_, keys := lateOf(st)
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			if _, d, _ := res.Page(k); d.HasErrors() {
				late = append(late, d...)
				if failed == nil {
					failed = map[string]bool{}
				}
				failed[k] = true
			}
		}
	}
	s.mu.RLock()
	last := s.st // not current(): it waits for this build
	s.mu.RUnlock()
	remake(last)
	s.mu.Lock()
	old := s.st
	remake(old)
	// A failed build keeps the last good one's deferred pages, which of
	// them browsers show (the next good build's event names them) and
	// what went wrong making them.
	next := &state{tree: old.tree, gen: old.gen, lazy: old.lazy, served: carried(old)}
	oldLate, _ := lateOf(old)
	next.late, next.failed = lateOf(old)
	if old.full != nil { // a failed build serves the last build, not a speculation
		next.tree, next.full, next.shown = old.full, old.full, old.shown
		if old.ok { // browsers were shown the speculation, late errors or not
			next.shown = old.tree
		}
	}
	var ev event
	confirmed := false // the build has the bytes a speculation served: browsers know them already
	switch {
	case err != nil:
		next.diags = diag.List{{Pos: diag.Pos{Path: "."}, Severity: diag.Error, Code: "build", Msg: err.Error()}}
	case res.Tree == nil:
		next.diags = res.Diags
	default:
		next.diags, next.ok, next.full, next.shown = res.Diags, true, nil, nil
		next.tree, next.lazy, next.late, next.failed = res.Tree, res, late, failed
		ev.Changed, ev.Removed, ev.CSSOnly, ev.All = diffTrees(old.tree, res.Tree)
		if old.shown != nil { // browsers show a speculation the failed builds took back
			shown, _, _, _ := diffTrees(old.shown, res.Tree)
			ev.Changed = slices.Compact(slices.Sorted(slices.Values(append(ev.Changed, shown...))))
			ev.CSSOnly = ev.CSSOnly && len(shown) == 0
		}
		ev.Changed = withLazy(ev.Changed, old, res.Tree, old.full != nil) // after a speculation the deferred pages are a build behind
		next.served = carried(old)
		confirmed = old.full != nil && len(ev.Changed) == 0 && len(ev.Removed) == 0 && slices.Equal(messages(res.Diags), messages(old.diags)) && late.HasErrors() == oldLate.HasErrors()
		if !confirmed {
			next.gen++
		}
	}
	s.st = next
	s.building = nil
	ev.Boot, ev.Gen = s.boot, next.gen
	ok, all := next.status()
	ev.OK, ev.Errors = ok, messages(all)
	if (old.tree != nil || !next.ok) && !confirmed {
		// Under the lock: a deferred page's failure on next (lazyPage)
		// is told after this event, never before it.
		s.hub.publish(ev)
	}
	s.mu.Unlock()
	close(done)

	nChanged := len(ev.Changed)
	if speculated != "" && !slices.Contains(ev.Changed, speculated) {
		nChanged++
	}
	s.report(next, elapsed, nChanged, len(ev.Removed))
	s.fitMemory() // after the event: it may collect first, on a large site
	return Stats{OK: next.ok, Duration: elapsed, Changed: nChanged, Removed: len(ev.Removed), Speculated: speculated != ""}
}

// speculate serves at once the new page of a lone saved document,
// rendered against the last good build (generator.Result.Speculate),
// or else by a build of that page alone (Options.Only, with opts: the
// site read, linked and analysed again, one page rendered), and tells
// the browsers, so a save shows before the whole site is built again;
// the build that follows has the last word and reloads the page again
// only if its bytes differ. It returns the page's URL, or "" when it
// declined. Called with buildMu held.
func (s *Server) speculate(ctx context.Context, changed []string, opts generator.Options) string {
	s.mu.RLock()
	old := s.st
	s.mu.RUnlock()
	if ok, _ := old.status(); !ok || old.lazy == nil || old.tree == nil {
		return ""
	}
	saved := savedDocument(changed, old.lazy.Site, func(p string) bool {
		_, err := fs.Stat(s.files, p)
		return err == nil
	})
	if saved == "" {
		return ""
	}
	src, err := fs.ReadFile(s.files, saved)
	if err != nil {
		return ""
	}
	key, page, ok := old.lazy.Speculate(saved, src)
	// A document the last build did not have is served before the whole
	// build only at a URL no file of that build holds and no deferred
	// report may publish (its page there would clash, as isms build
	// says): else a build of its page alone would only delay that build.
	var known *link.Page // the saved document's page in the last build
	if i := slices.IndexFunc(old.lazy.Site.Pages, func(p *link.Page) bool { return p.Display == saved }); i >= 0 {
		known = old.lazy.Site.Pages[i]
	}
	free := "" // a new document's page, where the last build leaves room for it
	if rel, ok := strings.CutPrefix(saved, "content/"); ok && known == nil && load.ListedDoc(rel) {
		if k := link.PageURL(rel) + "index.html"; old.lazy.PageFree(k) {
			free = k // the build of the page alone checks the rest (its history page's URL)
		}
	}
	if !ok && (known != nil || free != "") && opts.Edition == "" && !opts.AllEditions {
		// Requests wait for the partial build as for a whole one.
		done := make(chan struct{})
		s.mu.Lock()
		s.building = done
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			if s.building == done {
				s.building = nil
			}
			s.mu.Unlock()
			close(done)
		}()
		opts.Only, opts.Base = saved, old.lazy // the saved document alone differs from old's build (since)
		res, err := generator.Build(ctx, opts)
		if s.partial != nil {
			s.partial()
		}
		if err == nil && len(res.Tree) == 1 && !res.Diags.HasErrors() {
			for k, b := range res.Tree {
				// The saved document's page in the last good build: its
				// URL was no other file's (the whole build checks that,
				// and the rest); or a new document's at a free URL.
				was := k == free || known != nil && known.URL+"index.html" == k
				key, page, ok = k, b, was
			}
		}
	}
	if !ok || string(old.tree[key]) == string(page) {
		return ""
	}
	tree := maps.Clone(old.tree)
	tree[key] = page
	next := &state{tree: tree, gen: old.gen + 1, diags: old.diags, ok: true, lazy: old.lazy, served: carried(old), full: old.full}
	if next.full == nil {
		next.full = old.tree
	}
	u := urlOf(key)
	s.mu.Lock()
	next.late, next.failed = lateOf(old)
	s.st = next
	ok2, all := next.status()
	s.hub.publish(event{Boot: s.boot, Gen: next.gen, OK: ok2, Changed: []string{u}, Errors: messages(all)}) // before any late event of next
	s.mu.Unlock()
	return u
}

// savedDocument is the one document a batch of changed paths saved, or
// "" when it changed anything else. Besides the document, the batch may
// hold only files that are gone and that the last build (site) never
// had, nor anything under them: the temporary file an editor or sed -i
// writes the new text to and renames over the document.
func savedDocument(changed []string, site *link.Site, exists func(string) bool) string {
	saved := ""
	for _, c := range changed {
		switch {
		case strings.HasPrefix(c, "content/") && strings.HasSuffix(c, ".md") && exists(c):
			if saved != "" && saved != c {
				return ""
			}
			saved = c // once, or again in an overtaken batch
		case exists(c) || site == nil || builtFrom(site, c):
			return ""
		}
	}
	return saved
}

// builtFrom says whether the build of site read the file or folder c
// (a slash path under the site folder), or anything under it.
func builtFrom(site *link.Site, c string) bool {
	rel, ok := strings.CutPrefix(c, "content/")
	if !ok {
		return true // isms.yaml, the theme: not the content's to judge
	}
	if site.ByPath[rel] != nil || site.Assets[rel] {
		return true
	}
	under := rel + "/"
	for _, p := range site.Pages {
		if strings.HasPrefix(p.Doc.Path, under) {
			return true
		}
	}
	for a := range site.Assets {
		if strings.HasPrefix(a, under) {
			return true
		}
	}
	return false
}

func (s *Server) report(st *state, d time.Duration, changed, removed int) {
	w := s.cfg.Log
	fmt.Fprint(w, st.diags.String())
	nerr, nwarn := st.diags.Count()
	if !st.ok {
		fmt.Fprintf(w, "build failed: %d error(s), %d warning(s); still serving the last good build\n", nerr, nwarn)
		return
	}
	fmt.Fprintf(w, "built in %s: %d file(s) changed, %d removed, %d warning(s)\n",
		d.Round(100*time.Microsecond), changed, removed, nwarn)
}

func bootID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// withLazy adds to a build's changed URLs the deferred pages browsers
// asked the old build for, when anything changed (or a speculation, which
// changed a page and left them as they were, did): whether their bytes
// did is only known by making them, which waits for the next request;
// or when one of them failed to be made, which this build may not.
func withLazy(changed []string, old *state, tree view.Tree, changedBefore bool) []string {
	old.servedMu.Lock()
	defer old.servedMu.Unlock()
	if len(changed) == 0 && !changedBefore && len(old.failed) == 0 {
		return changed
	}
	n := len(changed)
	for k := range old.served {
		if _, built := tree[k]; !built {
			changed = append(changed, urlOf(k))
		}
	}
	if len(changed) > n {
		sort.Strings(changed)
	}
	return changed
}

// carried are the deferred pages browsers asked for up to old's build:
// a browser may still show one after a build that changed nothing.
func carried(old *state) map[string]bool {
	old.servedMu.Lock()
	defer old.servedMu.Unlock()
	if len(old.served) == 0 {
		return nil
	}
	out := make(map[string]bool, len(old.served))
	for k := range old.served {
		out[k] = true
	}
	return out
}

// lazyPage is a deferred page of st's build, made on the first request.
// The page is recorded as served before it is made: making it may take
// seconds, and a save meanwhile (a speculation, a build) carries the
// record into the state whose build names it changed.
func (s *Server) lazyPage(st *state, key string) ([]byte, bool) {
	if st.lazy == nil {
		return nil, false
	}
	st.servedMu.Lock()
	had := st.served[key]
	if st.served == nil {
		st.served = map[string]bool{}
	}
	st.served[key] = true
	st.servedMu.Unlock()
	b, diags, found := st.lazy.Page(key)
	if s.lazyMade != nil {
		s.lazyMade()
	}
	st.servedMu.Lock()
	if !found && !had && !diags.HasErrors() {
		delete(st.served, key)
	}
	st.servedMu.Unlock()
	s.mu.RLock() // before record: a swap copies st's late problems (lateOf) all before or all after
	defer s.mu.RUnlock()
	if len(diags) > 0 { // each problem once: Page returns what no earlier call did
		fmt.Fprint(s.cfg.Log, diags.String())
		st.record(key, diags)
	}
	cur := s.st
	switch {
	case cur.lazy == st.lazy:
		if cur != st && len(diags) > 0 {
			// A speculation or a failed build took over meanwhile,
			// serving the same deferred pages: their problems are its.
			cur.record(key, diags)
		}
		if diags.HasErrors() {
			// An error fails the build, as it fails isms build:
			// browsers draw the overlay.
			ok, all := cur.status()
			s.hub.publish(event{Boot: s.boot, Gen: cur.gen, OK: ok, Errors: messages(all)})
		}
	case cur.lazy != nil && diags.HasErrors():
		// A newer build swapped in while the page was made from the one
		// before, and making it failed: browsers on it reload, and the
		// current build makes it (and fails where isms build would).
		// (A page made well from the build before, in that moment,
		// carries that build's generation, which the reload client
		// compares with the server's.)
		ok, all := cur.status()
		s.hub.publish(event{Boot: s.boot, Gen: cur.gen, OK: ok, Changed: []string{urlOf(key)}, Errors: messages(all)})
	}
	return b, found
}

// diffTrees lists the URLs whose bytes differ between two trees, sorted.
// cssOnly says every change is a stylesheet (the browser swaps them
// without a reload); all says a file every page may use changed (a
// script, an image), so every page reloads.
func diffTrees(old, cur view.Tree) (changed, removed []string, cssOnly, all bool) {
	if old == nil {
		return nil, nil, false, true
	}
	cssOnly = true
	for k, v := range cur {
		if o, ok := old[k]; ok && string(o) == string(v) {
			continue
		}
		changed = append(changed, urlOf(k))
		switch {
		case strings.HasSuffix(k, ".css"):
			continue
		case strings.HasSuffix(k, ".html"), strings.HasSuffix(k, ".json"):
		default:
			all = true
		}
		cssOnly = false
	}
	for k := range old {
		if _, ok := cur[k]; !ok {
			removed = append(removed, urlOf(k))
			cssOnly = false
		}
	}
	sort.Strings(changed)
	sort.Strings(removed)
	if len(changed) == 0 {
		cssOnly = false
	}
	return changed, removed, cssOnly, all
}

// urlOf maps a tree path to the URL a browser shows for it.
func urlOf(k string) string {
	if k == "index.html" {
		return "/"
	}
	if strings.HasSuffix(k, "/index.html") {
		return "/" + strings.TrimSuffix(k, "index.html")
	}
	return "/" + k
}

// Watch rebuilds on every change under the site folder until ctx ends.
// Once its watches are in place it rebuilds what was saved since New's
// build started, if anything was, so no save is missed and an untouched
// site is not built twice.
func (s *Server) Watch(ctx context.Context) error {
	w, err := NewWatcher(s.cfg.Dir, s.cfg.Debounce, s.cfg.MaxWait)
	if err != nil {
		return err
	}
	defer w.Close()
	// A build running when ctx ends is stopped: Watch returns soon after
	// (isms serve waits for it, so that nothing is logged after it ends).
	defer context.AfterFunc(ctx, func() {
		s.stopMu.Lock()
		if s.stop != nil {
			s.stop()
		}
		s.stopMu.Unlock()
	})()
	if changed := s.changedSince(s.started); len(changed) > 0 {
		s.Rebuild(changed)
	}
	close(s.watching)
	// The builds run beside the watcher, one at a time: a batch that comes
	// while one runs stops it (a save while the build after the last one
	// renders every page waited for it: 325 ms at 10,000 documents, where
	// an idle preview serves the page in 22), and waits with any other
	// batch that comes meanwhile, merged, for the next build. The stopped
	// build's changes are the next one's too (Rebuild: overtaken). Saves
	// stop builds for MaxWait at most: then the build running finishes,
	// so the other pages follow an author who saves faster than a build.
	var (
		mu      sync.Mutex
		pending []string
		all     bool // a batch said anything may have changed
		// stopping: since when saves have stopped every build (zero: the
		// last build swapped in). After MaxWait of it a build finishes.
		stopping time.Time
	)
	kick := make(chan struct{}, 1)
	watching, watched := context.WithCancel(ctx) // the builder ends with Run
	var builder sync.WaitGroup
	builder.Go(func() {
		for {
			select {
			case <-watching.Done():
				return
			case <-kick:
			}
			mu.Lock()
			changed, some := pending, all || len(pending) > 0
			if all {
				changed = nil
			}
			pending, all = nil, false
			mu.Unlock()
			if !some {
				continue // its batch was taken with the kick before
			}
			if st := s.Rebuild(changed); !st.Stale {
				mu.Lock()
				stopping = time.Time{}
				mu.Unlock()
			}
		}
	})
	defer builder.Wait()
	defer watched()
	err = w.Run(ctx, func(changed []string) {
		if changed == nil {
			fmt.Fprintln(s.cfg.Log, "change: too many events to follow; rebuilding everything")
		} else {
			fmt.Fprintln(s.cfg.Log, "change:", summary(changed))
		}
		mu.Lock()
		pending = append(pending, changed...)
		all = all || changed == nil
		if stopping.IsZero() {
			stopping = time.Now()
		}
		stop := time.Since(stopping) < s.cfg.MaxWait
		mu.Unlock()
		s.stopMu.Lock()
		if s.stop != nil && stop {
			s.stop() // the build running is stale
		}
		s.stopMu.Unlock()
		select {
		case kick <- struct{}{}:
		default: // the builder will take it with what it has
		}
	})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func summary(paths []string) string {
	const show = 3
	if len(paths) <= show {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:show], ", "), len(paths)-show)
}
