package generator

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"maps"
	"path"
	"slices"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/history"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/render"
)

// siteHistory is the git history of the content folder, with every
// version of every document already diffed against the one before.
type siteHistory struct {
	log         *history.Log
	uncommitted map[string]bool
	versions    map[string][]VersionView // by content path, newest first
}

// VersionView is one commit that changed a document, as the history page shows it.
type VersionView struct {
	Date, Author, Subject, Short, Hash string
	Version, Status                    string
	Path                               string // the file's path at that commit, when it differs (a rename)
	Added                              bool   // the commit that created the file
	Changes                            []history.Change
	Hunks                              []history.Hunk
	Missing                            bool // content not in the repository (shallow clone)

	diffed, bodyChanged bool // compared with the version before; its text differs
}

// HistoryData is what history.html sees as .Data.
type HistoryData struct {
	Doc         render.RefView
	Available   bool
	Reason      string
	Shallow     bool
	Uncommitted bool
	Versions    []VersionView
	Table       []model.Revision
}

// historyRead is the part of the history stage that needs only the site
// folder and the documents' paths: reading the log, every old version and
// diffing them. A one-shot build starts it as soon as the documents are
// listed, so that git's work overlaps parsing (startHistory).
type historyRead struct {
	done     chan struct{}
	log      *history.Log
	err      error                    // reading the log
	blobErr  error                    // reading old versions
	versions map[string][]VersionView // by content path
}

// startHistory starts reading the history of paths in the background, or
// returns nil when the build has no site folder or a previous build's
// history to update (the preview).
// Cancelling ctx stops git (a build that fails before enrich does not
// wait for the diffs it will not use).
func startHistory(ctx context.Context, o Options, paths []string) *historyRead {
	if o.SiteDir == "" || o.NoRender || o.Cache.history() != nil {
		return nil
	}
	r := &historyRead{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		r.log, r.err = history.Read(ctx, o.SiteDir, contentDir)
		if r.err == nil && r.log.Available {
			r.versions, r.blobErr = diffVersions(ctx, r.log, paths)
		}
	}()
	return r
}

// diffVersions reads every revision of every path through one git
// process and diffs each version against the one before it.
func diffVersions(ctx context.Context, log *history.Log, paths []string) (map[string][]VersionView, error) {
	var all []history.Rev
	start := make([]int, len(paths)+1)
	for i, p := range paths {
		start[i] = len(all)
		all = append(all, log.Revisions(p)...)
	}
	start[len(paths)] = len(all)
	blobs, err := log.Contents(ctx, all)
	if err != nil {
		return nil, err
	}
	views := make([][]VersionView, len(paths))
	parallel(len(paths), func(i int) {
		views[i] = versionViews(paths[i], all[start[i]:start[i+1]], blobs[start[i]:start[i+1]])
		for j := start[i]; j < start[i+1]; j++ {
			blobs[j] = nil // diffed: let it go
		}
	})
	out := make(map[string][]VersionView, len(paths))
	for i, p := range paths {
		out[p] = views[i]
	}
	return out, nil
}

// enrichHistory reads the site's git history in one pass, reads every
// needed blob through one git process, and diffs consecutive versions
// (or takes all that from pre, started earlier). It never fails the
// build: no git or no repository degrades to the front-matter revision
// table, a shallow clone is a warning.
func enrichHistory(o Options, s *link.Site, en *enrichment, pre *historyRead) diag.List {
	var diags diag.List
	if o.SiteDir == "" {
		return nil
	}
	ctx := context.Background()
	prev := o.Cache.history()
	var log *history.Log
	var err error
	switch {
	case pre != nil:
		<-pre.done
		log, err = pre.log, pre.err
	case prev != nil && prev.log != nil && prev.log.Available:
		// The preview: read only the commits since the last build (none,
		// usually: a save does not commit).
		log, err = prev.log.Update(ctx)
	case prev != nil && prev.log != nil:
		// The preview of a site outside git: asking git again on every
		// save costs a process start; a restart picks up a new repository.
		log = prev.log
	default:
		log, err = history.Read(ctx, o.SiteDir, contentDir)
	}
	if err != nil {
		diags.Warnf(diag.Pos{Path: contentDir}, "history", "version history unavailable: %v", err)
		return diags
	}
	h := &siteHistory{log: log, versions: map[string][]VersionView{}}
	en.history = h
	en.commit = log.Head
	if !log.Available {
		return nil
	}
	if log.Shallow {
		diags.Warnf(diag.Pos{Path: contentDir}, "history-shallow",
			"the repository is a shallow clone: version history stops at the clone's depth (fetch full history, e.g. git fetch --unshallow)")
	}
	h.uncommitted = uncommitted(log, s)

	// A file's versions change only with new commits: while HEAD stays,
	// the previous build's diffs are reused.
	var reuse map[string][]VersionView
	switch {
	case pre != nil:
		reuse, err = pre.versions, pre.blobErr
	case prev != nil && prev.log != nil && prev.log.Head == log.Head:
		reuse = prev.versions
	}
	var todo []string
	for _, p := range s.Pages {
		if vs, ok := reuse[p.Doc.Path]; ok {
			h.versions[p.Doc.Path] = vs
		} else {
			todo = append(todo, p.Doc.Path)
		}
	}
	if err == nil && len(todo) > 0 {
		var vs map[string][]VersionView
		vs, err = diffVersions(ctx, log, todo)
		maps.Copy(h.versions, vs)
	}
	if err != nil {
		diags.Warnf(diag.Pos{Path: contentDir}, "history", "reading old versions: %v", err)
		return diags
	}
	for _, p := range s.Pages {
		vs := h.versions[p.Doc.Path]
		for j := 0; j+1 < len(vs); j++ {
			if vs[j].diffed {
				en.findings = append(en.findings, versionFindings(p, vs[j], vs[j+1], vs[j].bodyChanged)...)
			}
		}
	}
	o.Cache.setHistory(h)
	return diags
}

// versionViews turns a file's revisions and their contents (newest first)
// into views, each diffed against the one before it.
func versionViews(path string, revs []history.Rev, contents [][]byte) []VersionView {
	vs := make([]VersionView, len(revs))
	fronts := make([]history.Front, len(revs))
	bodies := make([][]byte, len(revs))
	parsed := make([]bool, len(revs))
	var fc history.FrontCache // versions repeat most fields
	for j, r := range revs {
		v := VersionView{Date: r.Date, Author: r.Author, Subject: r.Subject, Short: r.Short, Hash: r.Hash, Added: r.Status == 'A'}
		if r.Path != path {
			v.Path = r.Path
		}
		if contents[j] == nil {
			v.Missing = true
		} else {
			var front []byte
			front, bodies[j] = history.SplitFrontMatter(contents[j])
			// Each version's front-matter is parsed once, for its own
			// version and status and for both diffs it takes part in.
			if f, err := fc.Parse(front); err == nil {
				fronts[j], parsed[j] = f, true
				v.Version, v.Status = f.Get("version"), f.Get("status")
			}
		}
		vs[j] = v
	}
	// Diff each version against the one before it (the next, older entry).
	for j := range vs {
		if j+1 >= len(revs) || contents[j] == nil || contents[j+1] == nil {
			continue
		}
		if parsed[j] && parsed[j+1] {
			vs[j].Changes = history.Changes(fronts[j+1], fronts[j])
		}
		vs[j].Hunks = history.BodyDiff(string(bodies[j+1]), string(bodies[j]))
		vs[j].diffed, vs[j].bodyChanged = true, string(bodies[j+1]) != string(bodies[j])
	}
	return vs
}

// versionFindings: document control (7.5.3) expects a version bump for a
// changed text, and a revision-table row for every version.
func versionFindings(p *link.Page, v, prev VersionView, bodyChanged bool) []model.Finding {
	d := p.Doc
	var out []model.Finding
	if v.Version != prev.Version && v.Version != "" && len(d.History) > 0 &&
		!slices.ContainsFunc(d.History, func(r model.Revision) bool { return r.Version == v.Version }) {
		out = append(out, model.Finding{Severity: "minor", Rule: "history-version-unrecorded", IDs: []string{d.ID},
			Message: fmt.Sprintf("%s: version %s (commit %s, %s) has no row in the document's history table", d.ID, v.Version, v.Short, v.Date)})
	}
	if bodyChanged && v.Version == prev.Version && v.Version != "" {
		out = append(out, model.Finding{Severity: "minor", Rule: "history-version-unchanged", IDs: []string{d.ID},
			Message: fmt.Sprintf("%s: the text changed in commit %s (%s) but the version stayed %s", d.ID, v.Short, v.Date, v.Version)})
	}
	return out
}

// lastChanged is the "Last changed" line of a document page.
func lastChanged(en *enrichment, p *link.Page) (text, historyURL string) {
	historyURL = p.URL + "history/"
	h := en.history
	if h == nil || h.log == nil || !h.log.Available {
		return "", historyURL
	}
	if h.uncommitted[p.Doc.Path] {
		return "uncommitted changes", historyURL
	}
	if r, ok := h.log.LastChanged(p.Doc.Path); ok {
		return fmt.Sprintf("%s by %s (%s)", r.Date, r.Author, r.Short), historyURL
	}
	return "not yet committed", historyURL
}

// renderHistory writes /<path>/history/ for every document.
func renderHistory(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {
	if !in.theme.Has("history") {
		return
	}
	s := in.site
	out := make([][]byte, len(s.Pages))
	errs := make([]error, len(s.Pages))
	parallel(len(s.Pages), func(i int) {
		p := s.Pages[i]
		data := &HistoryData{Doc: refView(s, p.Doc.ID, nil), Table: p.Doc.History}
		if data.Doc.URL == "" {
			data.Doc = render.RefView{ID: p.Doc.ID, Title: p.Doc.Title, URL: s.Root + p.URL}
		}
		if h := in.en.history; h != nil && h.log != nil {
			data.Available, data.Reason, data.Shallow = h.log.Available, h.log.Reason, h.log.Shallow
			data.Versions = h.versions[p.Doc.Path]
			data.Uncommitted = h.uncommitted[p.Doc.Path]
		} else {
			data.Reason = "the site was not built from a folder on disk"
		}
		pd := &render.PageData{
			Site: sv, Kind: "history", Title: "History of " + p.Doc.Title, URL: p.URL + "history/",
			Crumbs: append(render.Crumbs(p.Doc)[:2], render.Crumb{Title: p.Doc.Title, URL: p.URL}, render.Crumb{Title: "History"}),
			Data:   data,
		}
		out[i], errs[i] = in.cache.derived(pd.URL, pd, string(sv.Nav), func() ([]byte, error) {
			return in.theme.Execute("history", pd)
		})
	})
	for i, p := range s.Pages {
		if errs[i] != nil {
			diags.Errorf(diag.Pos{Path: "themes/layouts/history.html"}, "theme", "%v", errs[i])
			return
		}
		tree[path.Join(p.URL, "history", "index.html")] = out[i]
	}
}

// uncommitted lists the documents whose text differs from their last
// commit, by comparing git's object id of the text read for this build
// with the blob id the history holds: no git process per save. (A file
// that git stores through a clean filter or with converted line endings
// may show as changed; git status would know better, at tens of
// milliseconds a call.)
func uncommitted(log *history.Log, s *link.Site) map[string]bool {
	out := map[string]bool{}
	for _, p := range s.Pages {
		revs := log.Revisions(p.Doc.Path)
		if len(revs) == 0 {
			continue
		}
		if blobID(p.Doc.Src, len(revs[0].Blob)) != revs[0].Blob {
			out[p.Doc.Path] = true
		}
	}
	return out
}

// blobID is git's id of a blob with this content, in the repository's
// hash (40 hex digits: SHA-1, 64: SHA-256).
func blobID(b []byte, hexLen int) string {
	var h hash.Hash = sha1.New()
	if hexLen == 64 {
		h = sha256.New()
	}
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}
