// Package link is the stage that sees the whole site at once: it checks
// that ids are unique, that every reference (inputs, outputs, Markdown
// links and their #fragments, evidence files) points at something that
// exists, rewrites links to .md files into page URLs, and merges the
// process edges declared from either end into one graph.
package link

import (
	"cmp"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/par"
)

// Page is one document with everything the later stages need.
type Page struct {
	Doc     *model.Document
	MD      *markdown.Doc
	URL     string // relative to the site root, "" for the home page, else ending in "/"
	Href    string // URL as links write it: percent-encoded ("50%off/" → "50%25off/")
	Display string // path shown in messages, relative to the site folder

	// What the link stage found, beside the document and its parse
	// (which it never changes: a cache or another build may share them).
	Controls []string // Doc.Controls normalised ("A.5.15" → "5.15"), unknown ones left out
	Dests    []string // the destination each of MD.Links is rendered with ("" = as written)
	// Published are the indexes in MD.Links of site-absolute links
	// ("/soa/#control-5-1") that name no document, file or page URL the
	// link stage knows: the render stage checks them against everything
	// the build publishes (report pages, theme assets).
	Published []int

	lines  markdown.Lines
	rooted string // Root + Href: what a link to the page is rendered with (checkLinks)
}

// NewPage makes a page for a decoded and parsed document.
func NewPage(doc *model.Document, md *markdown.Doc, display string) *Page {
	u := PageURL(doc.Path)
	return &Page{Doc: doc, MD: md, URL: u, Href: EscapePath(u), Display: display}
}

// PageURL maps a content path to its page URL: "policies/access.md" →
// "policies/access/"; "x/_index.md" and "x/index.md" → "x/".
func PageURL(p string) string {
	p = strings.TrimSuffix(p, path.Ext(p))
	if base := path.Base(p); base == "_index" || base == "index" {
		p = path.Dir(p)
		if p == "." {
			return ""
		}
		return p + "/"
	}
	return p + "/"
}

// Copy is a new page with p's document, parse and what the link stage
// found, for another Link of the same site (Options.Recheck): Link
// changes only its own pages. The line index p may make on demand (Pos)
// is not copied, so p may be in use elsewhere.
func (p *Page) Copy() *Page {
	q := new(Page)
	p.CopyTo(q)
	return q
}

// CopyTo makes q a copy of p, as Copy does (q in a slice of pages made
// at once: 10,000 copies are one allocation).
func (p *Page) CopyTo(q *Page) {
	*q = Page{Doc: p.Doc, MD: p.MD, URL: p.URL, Href: p.Href, Display: p.Display,
		Controls: p.Controls, Dests: p.Dests, Published: p.Published, rooted: p.rooted}
}

// Pos returns the file position of a byte offset in the document.
func (p *Page) Pos(off int) diag.Pos {
	if p.lines == nil {
		p.lines = markdown.NewLines(p.Doc.Src)
	}
	l, c := p.lines.Pos(off)
	return diag.Pos{Path: p.Display, Line: l, Col: c}
}

// DropSource lets the document's source text go once nothing will read
// it again (the one-shot build, after analysis: 100 MB at 10,000
// documents): positions are still found, from line offsets taken now.
// It changes Doc and MD, so it is only for pages no cache or other build
// shares.
func (p *Page) DropSource() {
	if p.lines == nil {
		p.lines = markdown.NewLines(p.Doc.Src)
	}
	p.Doc.Src = nil
	if p.MD != nil {
		p.MD.Src = nil
	}
}

// Edge is a process edge merged from both ends.
type Edge struct {
	From, To string
	Whats    []string // sorted, deduplicated; empty when none was given
}

// Site is the linked site model.
type Site struct {
	Pages  []*Page // sorted by path
	ByID   map[string]*Page
	ByPath map[string]*Page
	Assets map[string]bool
	Edges  []Edge // sorted by From, To
	Root   string // URL path prefix from base_url, "/" by default
	// AssetUsers are the documents that link to each file (a Markdown
	// link or image, or an evidence record's file:), by asset path.
	AssetUsers map[string][]*Page
	urls       map[string]*Page
	failed     map[string]string // documents that could not be decoded
	origin     string            // Options.Origin

	// What an edition leaves out (Options.Withheld): known here so that
	// references to them are neither errors nor links, and never shown.
	withheld    []*Page
	withheldIDs map[string]bool

	ids          *sortedIDs // IDs, made once (shared by a copy of the site)
	withheldPath map[string]bool
	withheldURL  map[string]bool
}

// Withheld reports whether id is a document this edition leaves out.
func (s *Site) Withheld(id string) bool { return s.withheldIDs[id] }

// WithheldPages are the documents this edition leaves out, for the record
// index only: nothing of them may be published.
func (s *Site) WithheldPages() []*Page { return s.withheld }

// WithheldCount is how many documents of type t (any type for "") this
// edition leaves out.
func (s *Site) WithheldCount(t string) int {
	n := 0
	for _, p := range s.withheld {
		if t == "" || p.Doc.Type == t {
			n++
		}
	}
	return n
}

// Options for the link stage.
type Options struct {
	Root             string // URL path every link starts with
	NormalizeControl func(id string) (string, bool)
	ClosestControl   func(id string) string
	// Failed are the documents that could not be decoded, by content
	// path, with the id their front-matter seems to give ("" if none):
	// references to them are not reported again as unknown or broken,
	// since their own error says what is wrong.
	Failed map[string]string
	// Withheld are the documents an edition leaves out: a link to one is
	// rendered as its text marked "not in this edition" (Dests holds
	// markdown.Withheld), a process edge to one is dropped, and neither
	// is an error.
	Withheld []*Page
	// Origin is base_url's scheme and host ("https://isms.example") when
	// it has them: a link written as an absolute URL on the site itself is
	// checked (and rewritten) like a root-absolute one.
	Origin string
	// Recheck, when set, is the one page whose controls and links are
	// checked: every other page is a copy (Page.Copy) of a page an
	// earlier Link of the same site checked, and keeps the Controls,
	// Dests and Published it was given. Their references (inputs,
	// outputs, file) are checked again, since Recheck may have a new id,
	// and so are their links to Recheck's headings; their other links
	// are not, nor their uses of files collected (AssetUsers names
	// Recheck alone). For a build of one page (the preview's
	// partial build), which the build of the whole site follows.
	Recheck *Page
}

// Link builds the site model from pages (any order) and the asset paths.
func Link(pages []*Page, assets []string, o Options) (*Site, diag.List) {
	var diags diag.List
	s := &Site{ByID: make(map[string]*Page, len(pages)), ByPath: make(map[string]*Page, len(pages)), Assets: make(map[string]bool, len(assets)), Root: o.Root,
		AssetUsers: map[string][]*Page{}, withheldIDs: map[string]bool{}, withheldPath: map[string]bool{}, withheldURL: map[string]bool{}, ids: &sortedIDs{}}
	s.withheld = slices.Clone(o.Withheld)
	s.origin = strings.TrimSuffix(o.Origin, "/")
	for _, p := range o.Withheld {
		if p.Doc.ID != "" {
			s.withheldIDs[p.Doc.ID] = true
		}
		s.withheldPath[p.Doc.Path] = true
		s.withheldURL[p.URL] = true
	}
	if s.Root == "" {
		s.Root = "/"
	}
	s.Pages = slices.Clone(pages)
	slices.SortFunc(s.Pages, func(a, b *Page) int { return cmp.Compare(a.Doc.Path, b.Doc.Path) })
	for _, a := range assets {
		s.Assets[a] = true
	}
	urls := make(map[string]*Page, len(s.Pages))
	for _, p := range s.Pages {
		s.ByPath[p.Doc.Path] = p
		if q, dup := urls[p.URL]; dup {
			diags.Errorf(diag.Pos{Path: p.Display, Line: 1, Col: 1}, "duplicate-url",
				"page URL /%s is also produced by %s: rename one of the files", p.URL, q.Display)
		}
		urls[p.URL] = p
		if p.Doc.ID == "" {
			continue
		}
		if q, dup := s.ByID[p.Doc.ID]; dup {
			diags.Errorf(p.Doc.At("id"), "duplicate-id", "id %q is already used by %s (line %d)", p.Doc.ID, q.Display, q.Doc.At("id").Line)
			continue
		}
		s.ByID[p.Doc.ID] = p
	}
	s.urls = urls

	edges := edgeSet{}
	failedIDs := map[string]bool{}
	for _, id := range o.Failed {
		if id != "" {
			failedIDs[id] = true
		}
	}
	s.failed = o.Failed
	checkRef := func(p *Page, r model.Ref) bool {
		if _, ok := s.ByID[r.ID]; ok {
			return true
		}
		if failedIDs[r.ID] || s.withheldIDs[r.ID] {
			return false // the document with this id has errors of its own, or is not in this edition
		}
		if c := diag.Closest(r.ID, s.IDs()); c != "" {
			diags.Errorf(r.Pos, "unknown-id", "no document has id %q: did you mean %q?", r.ID, c)
		} else {
			diags.Errorf(r.Pos, "unknown-id", "no document has id %q", r.ID)
		}
		return false
	}
	selfRef := func(d *model.Document, r model.Ref, list string) bool {
		if d.ID == "" || r.ID != d.ID {
			return false
		}
		diags.Errorf(r.Pos, "self-reference", "%s lists itself in %s: a process's %s are other documents", d.ID, list, list)
		return true
	}
	fileUse := make([]string, len(s.Pages)) // each page's evidence file, once checked
	for pi, p := range s.Pages {
		d := p.Doc
		for _, r := range d.Inputs {
			if !selfRef(d, r, "inputs") && checkRef(p, r) && d.ID != "" {
				edges.add(r.ID, d.ID, r.What)
			}
		}
		for _, r := range d.Outputs {
			if !selfRef(d, r, "outputs") && checkRef(p, r) && d.ID != "" {
				edges.add(d.ID, r.ID, r.What)
			}
		}
		checked := o.Recheck == nil || o.Recheck == p
		if o.NormalizeControl != nil && checked {
			s.checkControls(p, o, &diags)
		}
		if d.File != "" {
			f := path.Clean(strings.TrimPrefix(d.File, "/"))
			if strings.HasPrefix(f, "../") || !s.Assets[f] {
				diags.Errorf(d.At("file"), "missing-file", "evidence file %q does not exist under content/", d.File)
			} else if checked {
				fileUse[pi] = f
			}
		}
	}
	// Every page's links side by side (they read the site, write only
	// the page), their findings and the files they use then taken in
	// page order, as one pass over the pages would have.
	linkDiags := make([]diag.List, len(s.Pages))
	linkUse := make([][]string, len(s.Pages))
	for _, p := range s.Pages {
		p.rooted = s.Root + p.Href // once, not for every link to the page
	}
	par.Do(len(s.Pages), func(i int) {
		switch p := s.Pages[i]; {
		case o.Recheck == nil || o.Recheck == p:
			linkUse[i] = s.checkLinks(p, &linkDiags[i])
		case p.MD != nil:
			s.checkFragments(p, o.Recheck, &linkDiags[i])
		}
	})
	for i, p := range s.Pages {
		if fileUse[i] != "" {
			s.useAsset(fileUse[i], p)
		}
		for _, a := range linkUse[i] {
			s.useAsset(a, p)
		}
		diags = append(diags, linkDiags[i]...)
	}
	s.Edges = edges.sorted()
	return s, diags
}

// IDs are the ids of the site's documents, sorted: what "did you mean"
// suggests from. Made on the first call (a site with no unknown id never
// sorts them); safe for concurrent use once Link has returned.
func (s *Site) IDs() []string {
	if s.ids == nil { // a Site not made by Link
		return sortedKeys(s.ByID)
	}
	s.ids.once.Do(func() { s.ids.ids = sortedKeys(s.ByID) })
	return s.ids.ids
}

type sortedIDs struct {
	once sync.Once
	ids  []string
}

func sortedKeys(m map[string]*Page) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// edgeSet collects the edges that inputs and outputs declare, by their
// ends, with every label given to each.
type edgeSet map[[2]string]map[string]bool

func (es edgeSet) add(from, to, what string) {
	k := [2]string{from, to}
	if es[k] == nil {
		es[k] = map[string]bool{}
	}
	if what != "" {
		es[k][what] = true
	}
}

// sorted is the set as Site.Edges: by From, then To; labels sorted.
func (es edgeSet) sorted() []Edge {
	var out []Edge
	for k, whats := range es {
		e := Edge{From: k[0], To: k[1]}
		for w := range whats {
			e.Whats = append(e.Whats, w)
		}
		sort.Strings(e.Whats)
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Edge) int { return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To)) })
	return out
}

// EdgesWith is what Site.Edges would be with p's document in place of
// the one s has at its path (a save since the build), for a site Link
// made without errors; ok is false when p's inputs or outputs declare
// an edge Link would not draw (to the document itself, or to an id no
// document of s has, withheld ones included), or p has no id to draw
// them from. The
// build that follows has the last word.
func (s *Site) EdgesWith(p *Page) (edges []Edge, ok bool) {
	old := s.ByPath[p.Doc.Path]
	if old == nil || p.Doc.ID == "" && len(p.Doc.Inputs)+len(p.Doc.Outputs) > 0 {
		return nil, false
	}
	for _, r := range slices.Concat(p.Doc.Inputs, p.Doc.Outputs) {
		if _, known := s.ByID[r.ID]; !known || r.ID == p.Doc.ID {
			return nil, false
		}
	}
	es := edgeSet{}
	for _, q := range s.Pages {
		d := q.Doc
		if q == old {
			d = p.Doc
		}
		if d.ID == "" {
			continue
		}
		for _, r := range d.Inputs {
			if _, known := s.ByID[r.ID]; known && r.ID != d.ID {
				es.add(r.ID, d.ID, r.What)
			}
		}
		for _, r := range d.Outputs {
			if _, known := s.ByID[r.ID]; known && r.ID != d.ID {
				es.add(d.ID, r.ID, r.What)
			}
		}
	}
	return es.sorted(), true
}

func (s *Site) checkControls(p *Page, o Options, diags *diag.List) {
	d := p.Doc
	pos := d.ItemPos["controls"]
	p.Controls = nil
	for i, c := range d.Controls {
		n, ok := o.NormalizeControl(c)
		if ok {
			p.Controls = append(p.Controls, n)
			continue
		}
		at := d.At("controls")
		if i < len(pos) {
			at = pos[i]
		}
		if hint := o.ClosestControl(c); hint != "" {
			diags.Errorf(at, "unknown-control", "%q is not an ISO/IEC 27001:2022 Annex A control: did you mean %q?", c, hint)
		} else {
			diags.Errorf(at, "unknown-control", "%q is not an ISO/IEC 27001:2022 Annex A control (5.1–5.37, 6.1–6.8, 7.1–7.14, 8.1–8.34)", c)
		}
	}
}

// checkLinks validates every relative link and image and rewrites links to
// documents into page URLs and links to files into root-based URLs.
func (s *Site) checkLinks(p *Page, diags *diag.List) (assets []string) {
	if p.MD == nil {
		return nil
	}
	p.Dests = make([]string, len(p.MD.Links))
	p.Published = nil
	dir := path.Dir(p.Doc.Path)
	for i, l := range p.MD.Links {
		dest := l.Dest
		if l.ExternalImage {
			diags.Warnf(p.Pos(l.Offset), "external-image", "image %q is on another host, and pages load nothing from other hosts: it is shown as a link (copy it under content/, or set unsafe_html: true)", dest)
		}
		if dest == "" || strings.HasPrefix(dest, "//") {
			continue
		}
		u, err := parseDest(dest)
		if err != nil {
			diags.Errorf(p.Pos(l.Offset), "bad-link", "link %q cannot be parsed: %v", dest, err)
			continue
		}
		if u.Scheme != "" || u.Host != "" {
			if s.origin == "" || !strings.EqualFold(u.Scheme+"://"+u.Host, s.origin) {
				continue // external: left as written
			}
			u.Scheme, u.Host = "", "" // this site, by its full address
			if u.Path == "" {
				u.Path = "/"
			}
		}
		fromRoot := strings.HasPrefix(u.Path, "/")
		if fromRoot && !strings.HasPrefix(u.Path, s.Root) {
			continue // above the site's root: another application on the host
		}
		if u.Path == "" { // "#fragment" within the page
			if u.Fragment != "" && !hasHeading(p, u.Fragment) {
				diags.Errorf(p.Pos(l.Offset), "broken-link", "no heading with id %q on this page%s", u.Fragment, headingHint(p, u.Fragment))
			}
			continue
		}
		target := path.Join(dir, u.Path) // cleaned
		if fromRoot {                    // "/policies/access.md" is checked like "../policies/access.md", base_url respected
			target = path.Clean(strings.TrimPrefix(u.Path, s.Root))
		}
		if strings.HasPrefix(target, "../") || target == ".." {
			diags.Errorf(p.Pos(l.Offset), "broken-link", "link %q points outside content/", dest)
			continue
		}
		if strings.EqualFold(path.Ext(target), ".md") {
			t, ok := s.ByPath[target]
			if _, failed := s.failed[target]; !ok && failed {
				continue // the target has errors of its own
			}
			if !ok && s.withheldPath[target] {
				p.Dests[i] = markdown.Withheld
				continue
			}
			if !ok {
				diags.Errorf(p.Pos(l.Offset), "broken-link", "link %q: no document content/%s%s", dest, target, s.pathHint(target))
				continue
			}
			if u.Fragment != "" && !hasHeading(t, u.Fragment) {
				diags.Errorf(p.Pos(l.Offset), "broken-link", "link %q: %s has no heading with id %q%s", dest, t.Display, u.Fragment, headingHint(t, u.Fragment))
				continue
			}
			out := t.rooted
			if u.Fragment != "" {
				out += "#" + u.Fragment
			}
			p.Dests[i] = out
			continue
		}
		if s.Assets[target] {
			assets = append(assets, target)
			out := s.Root + EscapePath(target)
			if u.Fragment != "" {
				out += "#" + u.Fragment
			}
			p.Dests[i] = out
			continue
		}
		// A link to a page's folder-style URL (e.g. "../policies/access/").
		if t := s.byURL(strings.TrimSuffix(target, "/") + "/"); t != nil {
			p.Dests[i] = t.rooted
			continue
		}
		if s.withheldURL[strings.TrimSuffix(target, "/")+"/"] {
			p.Dests[i] = markdown.Withheld
			continue
		}
		if target == "." && fromRoot {
			continue // the home page
		}
		if fromRoot {
			p.Published = append(p.Published, i) // a report page or a theme file, perhaps: render knows
			continue
		}
		diags.Errorf(p.Pos(l.Offset), "broken-link", "link %q: no file content/%s", dest, target)
	}
	return assets
}

// checkFragments checks p's links to a heading of t again, as checkLinks
// checks them, by the destinations an earlier Link gave p (t's own page
// may have lost the heading since).
func (s *Site) checkFragments(p, t *Page, diags *diag.List) {
	prefix := t.rooted + "#"
	for i, d := range p.Dests {
		frag, ok := strings.CutPrefix(d, prefix)
		if !ok || i >= len(p.MD.Links) || hasHeading(t, frag) {
			continue
		}
		l := p.MD.Links[i]
		diags.Errorf(p.Pos(l.Offset), "broken-link", "link %q: %s has no heading with id %q%s", l.Dest, t.Display, frag, headingHint(t, frag))
	}
}

// parseDest is url.Parse(dest) for what checkLinks reads of it (scheme,
// host, path, fragment), without a URL allocated for a link written as a
// plain relative path: one with no scheme, query, percent-escape or
// control byte ("../policies/access.md#scope") is its path up to the
// first "#" and its fragment after, as url.Parse reads it
// (FuzzParseDest). A site links its documents a few hundred thousand
// times at 10,000 documents, on every build.
func parseDest(dest string) (url.URL, error) {
	plain := !strings.HasPrefix(dest, "//") // else an authority
	for i := 0; plain && i < len(dest); i++ {
		c := dest[i]
		plain = c >= 0x20 && c != 0x7f && c != ':' && c != '?' && c != '%'
	}
	if !plain {
		u, err := url.Parse(dest)
		if err != nil {
			return url.URL{}, err
		}
		return *u, nil
	}
	path, frag, _ := strings.Cut(dest, "#")
	return url.URL{Path: path, Fragment: frag}, nil
}

// useAsset notes that p links to the file at path a.
func (s *Site) useAsset(a string, p *Page) {
	if us := s.AssetUsers[a]; len(us) == 0 || us[len(us)-1] != p {
		s.AssetUsers[a] = append(us, p)
	}
}

// EscapePath percent-encodes each segment of a slash path, so a file
// named "100%.pdf" or "a#b.pdf" is linked as "100%25.pdf" and "a%23b.pdf"
// (a browser and a static server decode it once, back to the name).
// Names of letters, digits and "-._~" are left as they are.
func EscapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// byURL finds a page by URL through the map Link built, since every
// folder-style link would otherwise scan all pages.
func (s *Site) byURL(u string) *Page {
	return s.urls[u]
}

func (s *Site) pathHint(target string) string {
	paths := make([]string, 0, len(s.Pages))
	for _, p := range s.Pages {
		paths = append(paths, p.Doc.Path)
	}
	sort.Strings(paths)
	if c := diag.Closest(target, paths); c != "" {
		return ": did you mean " + c + "?"
	}
	return ""
}

func hasHeading(p *Page, id string) bool {
	for _, h := range p.MD.Headings {
		if h.ID == id {
			return true
		}
	}
	if slices.Contains(p.MD.Anchors, id) {
		return true
	}
	// Footnote anchors and explicit ids goldmark generates are fine too.
	return strings.HasPrefix(id, "fn:") || strings.HasPrefix(id, "fnref:")
}

func headingHint(p *Page, id string) string {
	var ids []string
	for _, h := range p.MD.Headings {
		ids = append(ids, h.ID)
	}
	if c := diag.Closest(id, ids); c != "" {
		return ": did you mean #" + c + "?"
	}
	return ""
}
