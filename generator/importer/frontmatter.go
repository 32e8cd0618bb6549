package importer

// Any Markdown tree with YAML front-matter: Docusaurus, Hugo, MkDocs,
// Jekyll, plain GitHub folders. Keys other tools use for isms keys are
// mapped by default (mapping.go); a --map file adds renames, value maps
// and defaults. Values are normalised as the strict decoder would accept
// them (dates to YYYY-MM-DD, review cycles to 12m, statuses to isms's);
// what cannot be is left out and listed.

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/model"
	"go.yaml.in/yaml/v3"
)

var markdownExt = []string{".md", ".markdown", ".mdx"}

// skippedDirs are never documents: dependencies, build output, tool state.
var skippedDirs = []string{"node_modules", "public", "build", "site", "resources", "themes", "static", "assets", "layouts", "src", "i18n", "blog"}

// repoFiles are files at the top of a repository that describe the
// repository, not the ISMS.
var repoFiles = []string{"readme.md", "changelog.md", "contributing.md", "license.md", "code_of_conduct.md", "security.md"}

type fmImport struct {
	src  fs.FS
	site *Site
	m    *Mapping
	root string            // the documents' folder in src ("." for all)
	dest map[string]string // source path → content path, for every document and copied file
	docs []*fmDoc
}

type fmDoc struct {
	src  string // path in src
	rel  string // path relative to root
	doc  *Doc
	body string
}

func importFrontMatter(src fs.FS, o Options) (*Site, error) {
	m, err := parseMapping(o.MappingPath, o.Mapping)
	if err != nil {
		return nil, err
	}
	im := &fmImport{src: src, m: m, site: &Site{Files: map[string][]byte{}, Organization: o.Org}, dest: map[string]string{}}
	im.root = im.findRoot()
	if im.root != "." {
		if st, err := fs.Stat(src, im.root); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("frontmatter: root %q is not a folder in the source", im.root)
		}
	}
	err = fs.WalkDir(src, im.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := e.Name()
		if e.IsDir() {
			if p != im.root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") && name != "_index" ||
				im.root == "." && slices.Contains(skippedDirs, name)) {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") || !slices.Contains(markdownExt, strings.ToLower(path.Ext(name))) {
			return nil // other files are copied when a document links to them
		}
		rel := relTo(im.root, p)
		if im.root == "." && !strings.Contains(rel, "/") && slices.Contains(repoFiles, strings.ToLower(name)) {
			im.site.note(KindSkipped, p, 0, true, "describes the repository, not the ISMS")
			return nil
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		return im.read(p, rel, b)
	})
	if err != nil {
		return nil, err
	}
	for _, d := range im.docs {
		d.doc.Body = im.links(d)
		im.site.Docs = append(im.site.Docs, d.doc)
	}
	im.site.uniqueIDs()
	return im.site, nil
}

// findRoot is the mapping's root, else the documents folder the source's
// tool configures, else the whole tree.
func (im *fmImport) findRoot() string {
	if im.m.Root != "" {
		return im.m.Root
	}
	exists := func(p string) bool { _, err := fs.Stat(im.src, p); return err == nil }
	switch {
	case exists("mkdocs.yml") || exists("mkdocs.yaml"):
		b, _ := fs.ReadFile(im.src, "mkdocs.yml")
		var c struct {
			DocsDir string `yaml:"docs_dir"`
		}
		_ = yaml.Unmarshal(b, &c)
		if c.DocsDir != "" && exists(c.DocsDir) {
			return strings.Trim(c.DocsDir, "/")
		}
		if exists("docs") {
			return "docs"
		}
	case exists("docusaurus.config.js") || exists("docusaurus.config.ts"):
		if exists("docs") {
			return "docs"
		}
	case exists("hugo.toml") || exists("hugo.yaml") || exists("config.toml") || exists("hugo.json"):
		if exists("content") {
			return "content"
		}
	}
	return "."
}

func relTo(root, p string) string {
	if root == "." {
		return p
	}
	return strings.TrimPrefix(p, root+"/")
}

// contentPath is where a source document goes under content/: the same
// path below root, as .md; a root index page becomes overview.md, since
// the home page is isms's own.
func contentPath(rel string) string {
	ext := path.Ext(rel)
	p := strings.TrimSuffix(rel, ext) + ".md"
	switch strings.ToLower(p) {
	case "index.md", "_index.md", "readme.md":
		return "overview.md"
	}
	return p
}

var tomlFront = regexp.MustCompile(`(?s)^\+\+\+\r?\n.*?\r?\n\+\+\+\r?\n`)

func (im *fmImport) read(p, rel string, b []byte) error {
	s := im.site
	var f front
	if loc := tomlFront.FindIndex(b); loc != nil {
		s.note(KindUnmapped, p, 1, true, "TOML front-matter (+++) is not read: the document was imported from its body; convert the block to YAML and import again, or set its keys by hand")
		f = front{body: string(b[loc[1]:]), bodyLine: strings.Count(string(b[:loc[1]]), "\n") + 1}
	} else {
		var err error
		f, err = splitFront(b)
		if err != nil || (f.m == nil && strings.HasPrefix(string(b), "---")) {
			s.note(KindSkipped, p, 1, true, "front-matter cannot be read: %v", err)
			return nil
		}
	}
	cp := contentPath(rel)
	if cp != strings.TrimSuffix(rel, path.Ext(rel))+".md" {
		s.note(KindNote, "content/"+cp, 0, false, "%s was an index page: isms builds its own home page, so it is %s now", p, cp)
	}
	im.dest[p] = cp
	d := &Doc{Path: cp, Source: p}
	got := map[string]string{}   // isms key → value (scalars)
	var gotAt = map[string]int{} // isms key → source line
	var rank = map[string]int{}
	dest := "content/" + cp
	later := &Doc{} // keys set while reading, written after the required ones
	for _, kv := range f.pairs() {
		k, v := kv[0], kv[1]
		to, drop := im.m.target(k.Value)
		line := f.line(k)
		switch {
		case drop:
			continue
		case to == "":
			s.note(KindUnmapped, p, line, true, "%s: %s", k.Value, yamlText(v))
			continue
		}
		if ph, ok := placeholderText(v); ok {
			s.note(KindUnmapped, p, line, true, "%s is the placeholder %q: left out", k.Value, ph)
			continue
		}
		switch to {
		case "inputs", "outputs", "history", "applicability":
			later.Set(to, v, false) // isms's own structure: the decoder checks it
			continue
		case "clause", "controls":
			im.lists(later, p, line, to, k.Value, v)
			continue
		case "owner":
			if v.Kind == yaml.SequenceNode {
				var names []string
				for _, c := range v.Content {
					names = append(names, c.Value)
				}
				got["owner"], gotAt["owner"] = strings.Join(names, ", "), line
				continue
			}
		case "draft":
			if v.Value == "true" {
				got["status"], gotAt["status"] = "draft", line
			}
			continue
		case "reviewed":
			r := slices.Index(reviewedRank, strings.ToLower(k.Value))
			if old, ok := rank["reviewed"]; ok && old <= r {
				continue
			}
			rank["reviewed"] = r
			delete(got, "date?")
			if strings.EqualFold(k.Value, "date") {
				to = "date?" // a record's or minutes' date; decided once the type is known
			}
		}
		if v.Kind != yaml.ScalarNode {
			s.note(KindUnmapped, p, line, true, "%s: %s (expected a single value)", k.Value, yamlText(v))
			continue
		}
		if to == "date?" {
			delete(got, "reviewed")
			got["date?"], gotAt["date?"] = strings.TrimSpace(v.Value), line
			continue
		}
		got[to], gotAt[to] = im.m.value(to, strings.TrimSpace(v.Value)), line
	}
	folder := path.Dir(rel)
	def := func(key string) string { return im.m.folderDefault(rel, key) }

	id := got["id"]
	if id == "" {
		id = idFromPath(rel)
	}
	d.Set("id", makeID(id), false)
	title := got["title"]
	if title == "" {
		title = firstHeading(f.body)
	}
	if title == "" {
		title = strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	}
	d.Set("title", title, false)

	typ, ok := "", false
	if t := got["type"]; t != "" {
		if typ, ok = matchType(t); !ok {
			s.note(KindUnmapped, p, gotAt["type"], true, "type %q is not an isms type (%s): the folder's default was used", t, strings.Join(model.Types, ", "))
		}
	}
	if typ == "" {
		typ = def("type")
	}
	if typ == "" {
		typ = guessType(folder, title)
	}
	if typ == "" {
		typ = "manual"
		s.note(KindNote, dest, 0, false, "type not given and not clear from the folder or title: %q was chosen", typ)
	}
	if t, ok := matchType(typ); ok {
		typ = t
	} else {
		return fmt.Errorf("%s: the mapping gives %s the type %q, which is not an isms type (%s)", cmp.Or(im.m.path, "mapping"), p, typ, strings.Join(model.Types, ", "))
	}
	d.Set("type", typ, true)
	// An owner the mapping gives a folder is a decision; the general
	// default is only a placeholder role, listed in the checklist.
	owner := got["owner"]
	if owner == "" {
		owner = im.m.folderValue(rel, "owner")
	}
	setOwner(d, owner, cmp.Or(im.m.Defaults["owner"], DefaultOwner))
	// The rest in the order of the schema.
	for _, key := range []string{"status", "classification", "phase"} {
		v, at := got[key], gotAt[key]
		if v == "" {
			v, at = def(key), 0
		}
		if v == "" {
			continue
		}
		allowed := map[string][]string{"status": model.Statuses, "classification": model.Classifications, "phase": model.Phases}[key]
		if e, ok := model.MatchEnum(v, allowed); ok {
			d.Set(key, e, true)
		} else {
			s.note(KindUnmapped, p, at, true, "%s %q is not one of %s: left out (a --map values entry can translate it)", key, v, strings.Join(allowed, ", "))
		}
	}
	for _, key := range []string{"version", "approved_by"} {
		if v := got[key]; v != "" {
			d.Set(key, v, false)
		}
	}
	date := func(key, v string, at int) string {
		if v == "" {
			return ""
		}
		if dt, ok := model.SuggestDate(v); ok {
			return dt.String()
		}
		s.note(KindUnmapped, p, at, true, "%s %q is not a date isms can read: left out", key, v)
		return ""
	}
	if v := date("approved", got["approved"], gotAt["approved"]); v != "" {
		d.Set("approved", v, true)
	}
	if raw := got["date?"]; raw != "" {
		key := "reviewed"
		if slices.Contains([]string{"minutes", "record", "evidence"}, typ) {
			key = "date"
		}
		got[key], gotAt[key] = raw, gotAt["date?"]
	}
	reviewed := date("reviewed", got["reviewed"], gotAt["reviewed"])
	if reviewed != "" {
		d.Set("reviewed", reviewed, true)
	}
	if v := date("date", got["date"], gotAt["date"]); v != "" {
		d.Set("date", v, true)
	}
	every := got["review_every"]
	if every == "" {
		every = def("review_every")
	}
	if every != "" {
		if i, ok := model.IntervalWord(every); ok {
			d.Set("review_every", i.String(), true)
		} else if i, err := model.ParseInterval(every); err == nil {
			d.Set("review_every", i.String(), true)
		} else {
			s.note(KindUnmapped, p, gotAt["review_every"], true, "review cycle %q is not an interval isms can read (12m, 6m, annual, quarterly…): left out", every)
		}
	}
	if next := date("next_review", got["next_review"], gotAt["next_review"]); next != "" {
		d.Set("next_review", next, true)
		if reviewed != "" && every == "" {
			if i, ok := cycleBetween(reviewed, next); ok {
				d.Set("review_every", i, true)
			}
		}
	}
	d.Front = append(d.Front, later.Front...)
	im.docs = append(im.docs, &fmDoc{src: p, rel: rel, doc: d, body: f.body})
	return nil
}

// placeholderText is a placeholder value (TBD, [TBD], TODO, N/A).
func placeholderText(v *yaml.Node) (string, bool) {
	if v.Kind == yaml.SequenceNode && len(v.Content) == 1 && v.Content[0].Kind == yaml.ScalarNode && model.IsPlaceholder(v.Content[0].Value) {
		return "[" + v.Content[0].Value + "]", true
	}
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" && model.IsPlaceholder(v.Value) {
		return v.Value, true
	}
	return "", false
}

// lists copies clause or controls, leaving out (and listing) what the
// decoder would reject: SOC 2 criteria and other frameworks' ids.
func (im *fmImport) lists(d *Doc, p string, line int, to, key string, v *yaml.Node) {
	var items []*yaml.Node
	if v.Kind == yaml.ScalarNode {
		items = []*yaml.Node{v}
	} else {
		items = v.Content
	}
	var keep []string
	for _, n := range items {
		s := strings.TrimSpace(n.Value)
		ok := n.Kind == yaml.ScalarNode
		if ok && to == "controls" {
			_, ok = iso.Normalize(s)
		}
		if ok && to == "clause" {
			ok = clauseLike.MatchString(strings.TrimPrefix(s, "§"))
		}
		if !ok {
			im.site.note(KindUnmapped, p, line, true, "%s: %q is not an ISO/IEC 27001:2022 %s: left out", key, yamlText(n), map[string]string{"controls": "Annex A control", "clause": "clause"}[to])
			continue
		}
		keep = append(keep, s)
	}
	if len(keep) > 0 {
		d.Set(to, keep, false)
	}
}

var clauseLike = regexp.MustCompile(`^(?:[4-9]|10)(?:\.[0-9]{1,2}){0,2}$`)

// idFromPath makes an id from a file's name (its folder's for an index).
func idFromPath(rel string) string {
	base := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	if l := strings.ToLower(base); l == "index" || l == "_index" || l == "readme" {
		if dir := path.Base(path.Dir(rel)); dir != "." {
			return dir
		}
		return "overview"
	}
	return base
}

// typeWords are words in folder names and titles that say a type.
var typeWords = []struct{ word, typ string }{
	{"polic", "policy"}, {"procedure", "procedure"}, {"sop", "procedure"}, {"runbook", "procedure"}, {"playbook", "procedure"},
	{"standard", "standard"}, {"process", "process"}, {"plan", "plan"}, {"register", "register"},
	{"minutes", "minutes"}, {"meeting", "minutes"}, {"record", "record"}, {"evidence", "evidence"}, {"manual", "manual"},
}

// matchType reads a type value, plural and case-insensitive ("Policies").
func matchType(t string) (string, bool) {
	if e, ok := model.MatchEnum(t, model.Types); ok {
		return e, true
	}
	l := strings.ToLower(strings.TrimSpace(t))
	for _, w := range []struct{ from, to string }{{"policies", "policy"}, {"procedures", "procedure"}, {"standards", "standard"},
		{"processes", "process"}, {"plans", "plan"}, {"registers", "register"}, {"records", "record"}, {"sop", "procedure"}} {
		if l == w.from {
			return w.to, true
		}
	}
	return "", false
}

// guessType finds a type in the folder names, nearest first, then in the
// title.
func guessType(folder, title string) string {
	parts := strings.Split(strings.ToLower(folder), "/")
	slices.Reverse(parts)
	for _, s := range append(parts, strings.ToLower(title)) {
		for _, w := range typeWords {
			if strings.Contains(s, w.word) {
				return w.typ
			}
		}
	}
	return ""
}

// cycleBetween is the review cycle from reviewed to next, when it is a
// whole number of months or years.
func cycleBetween(reviewed, next string) (string, bool) {
	r, err1 := model.ParseDate(reviewed)
	n, err2 := model.ParseDate(next)
	if err1 != nil || err2 != nil || !n.After(r) {
		return "", false
	}
	for _, m := range []int{12, 6, 3, 1, 24, 36} {
		if (model.Interval{N: m, Unit: 'm'}).AddTo(r) == n {
			return fmt.Sprintf("%dm", m), true
		}
	}
	return "", false
}

var hugoRef = regexp.MustCompile(`\{\{[<%]\s*(?:rel)?ref\s+"([^"]+)"\s*[>%]\}\}`)

// links rewrites a document's relative links (and Hugo's ref shortcodes)
// to where their targets are in the new site, and copies the files they
// point to.
func (im *fmImport) links(d *fmDoc) string {
	var b strings.Builder
	last := 0
	for _, m := range hugoRef.FindAllStringSubmatchIndex(d.body, -1) {
		b.WriteString(d.body[last:m[0]])
		last = m[1]
		to := d.body[m[2]:m[3]]
		r, ok := im.resolve(d, to)
		switch {
		case !ok:
			b.WriteString(d.body[m[0]:m[1]])
		case m[0] > 0 && d.body[m[0]-1] == '(': // [text]({{< ref … >}})
			b.WriteString(r)
		default:
			b.WriteString("[" + path.Base(to) + "](" + r + ")")
		}
	}
	b.WriteString(d.body[last:])
	body := b.String()
	body = inlineRefLinks(body)
	return mdLink.ReplaceAllStringFunc(body, func(m string) string {
		sub := mdLink.FindStringSubmatch(m)
		if r, ok := im.resolve(d, sub[1]); ok {
			return "](" + r + sub[2] + ")"
		}
		return m
	})
}

// resolve finds what a link written in d points to, trying the forms the
// tools accept: with or without .md/.mdx, a folder's index, root-absolute
// paths below the documents' folder.
func (im *fmImport) resolve(d *fmDoc, dest string) (string, bool) {
	if dest == "" || strings.HasPrefix(dest, "#") || strings.Contains(dest, "://") || strings.HasPrefix(dest, "mailto:") || strings.HasPrefix(dest, "//") {
		return "", false
	}
	p, frag, _ := strings.Cut(dest, "#")
	p = strings.TrimSuffix(p, "/")
	var bases []string
	if strings.HasPrefix(p, "/") {
		abs := strings.TrimPrefix(p, "/")
		bases = append(bases, path.Join(im.root, abs))
		if i := strings.IndexByte(abs, '/'); i > 0 { // /docs/x → x under root
			bases = append(bases, path.Join(im.root, abs[i+1:]))
		}
		bases = append(bases, path.Join("static", abs)) // Docusaurus and Hugo serve static/ at /
	} else {
		bases = append(bases, path.Join(path.Dir(d.src), p))
	}
	for _, b := range bases {
		cands := []string{b}
		for _, ext := range markdownExt {
			cands = append(cands, b+ext)
		}
		for _, idx := range []string{"index.md", "_index.md", "README.md", "index.mdx"} {
			cands = append(cands, path.Join(b, idx))
		}
		for _, c := range cands {
			to, ok := im.dest[c]
			if !ok {
				to, ok = im.copyFile(c)
			}
			if !ok {
				continue
			}
			r := relPath(path.Dir(d.doc.Path), to)
			if frag != "" {
				r += "#" + frag
			}
			return r, true
		}
	}
	return "", false
}

// copyFile copies a linked file (an image, a PDF) from the source into
// content/, once.
func (im *fmImport) copyFile(p string) (string, bool) {
	if strings.HasPrefix(p, "../") || p == ".." || slices.Contains(markdownExt, strings.ToLower(path.Ext(p))) {
		return "", false
	}
	st, err := fs.Stat(im.src, p)
	if err != nil || st.IsDir() {
		return "", false
	}
	b, err := fs.ReadFile(im.src, p)
	if err != nil {
		return "", false
	}
	to := p
	if im.root != "." {
		to = "files/" + path.Base(p) // outside the documents' folder (Docusaurus' static/)
		if strings.HasPrefix(p, im.root+"/") {
			to = relTo(im.root, p)
		}
	}
	im.site.Files[to] = b
	im.dest[p] = to
	return to, true
}
