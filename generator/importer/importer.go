// Package importer turns a policy set written for another tool into a new
// isms site: strongDM comply, JupiterOne's policy templates, or any
// Markdown tree with YAML front-matter (Docusaurus, Hugo, MkDocs).
//
// An import has three steps, each a function here:
//
//  1. Import reads the source (an fs.FS, never written to) with the
//     format's reader (comply.go, jupiterone.go, frontmatter.go) into
//     documents with typed front-matter and a body, plus notes on
//     everything it could not map.
//  2. Finish lays the site out in memory (writer.go) and checks it with
//     the real pipeline (generator.Check). Links the check reports broken
//     are cut down to their text (a fragment first, then the link), so
//     the site builds; each cut is noted.
//  3. The caller writes Result.Files into an empty folder; Result.Checklist
//     is IMPORT.md, the list of what a person still has to decide, each
//     item with its path:line.
//
// Every document gets id, title, type and owner. An owner the source does
// not give is the mapping's default (the organisation's ISMS owner role,
// "ISMS owner" unless told otherwise): a role, never a made-up person,
// and always listed in the checklist.
package importer

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/model"
	"go.yaml.in/yaml/v3"
)

// Formats are the source formats Import reads.
var Formats = []string{"comply", "jupiterone", "frontmatter"}

// DefaultOwner is the owner given to documents whose source names none.
const DefaultOwner = "ISMS owner"

// Options tune an import.
type Options struct {
	// Org is the organisation's name, for isms.yaml and for the templates
	// that use it ({{.Name}}, {{companyFullName}}); "" takes it from the
	// source's own configuration where there is one.
	Org string
	// Mapping is the contents of a --map file (frontmatter only; see
	// mapping.go); MappingPath names it in messages.
	Mapping     []byte
	MappingPath string
	// Today is the import date (JupiterOne's {{defaultRevision}} is the
	// year of the build).
	Today model.Date
}

// Kinds of checklist items, in the order IMPORT.md lists them.
const (
	KindOwner    = "placeholder-owner"
	KindUnmapped = "unmapped"
	KindTemplate = "template"
	KindLink     = "broken-link"
	KindNote     = "note"
	KindSkipped  = "not-imported"
)

var kindTitles = map[string]string{
	KindOwner:    "Placeholder owners",
	KindUnmapped: "Fields not mapped",
	KindTemplate: "Template expressions left unresolved",
	KindLink:     "Broken links (cut down to their text)",
	KindNote:     "Notes kept from the source",
	KindSkipped:  "Source files not imported",
}

var kindOrder = []string{KindOwner, KindUnmapped, KindTemplate, KindLink, KindNote, KindSkipped}

// Note is one checklist item: where (a path in the new site, or in the
// source for what has no place there) and what.
type Note struct {
	Kind string
	Path string // slash path relative to DEST ("content/policies/x.md") or, with Source, to SRC
	Line int    // 0 when the whole file is meant
	// Source is set when Path is in the source tree, not in DEST.
	Source bool
	Text   string
}

func (n Note) where() string {
	p := n.Path
	if n.Source {
		p = "source " + p
	}
	if n.Line > 0 {
		return fmt.Sprintf("%s:%d", p, n.Line)
	}
	return p
}

// Doc is one document of the new site.
type Doc struct {
	Path  string  // slash path relative to content/
	Front []Field // in the order they are written
	Body  string
	// OwnerPlaceholder marks an owner the source did not give.
	OwnerPlaceholder bool
	// Source is the path the document came from (relative to SRC).
	Source string
}

// Field is one front-matter key. Value is a string, a []string or a
// []map of ordered pairs (history); Plain strings are written unquoted
// (dates, intervals, enum words).
type Field struct {
	Key   string
	Value any
	Plain bool
}

// Set replaces or appends a field.
func (d *Doc) Set(key string, v any, plain bool) {
	for i := range d.Front {
		if d.Front[i].Key == key {
			d.Front[i] = Field{key, v, plain}
			return
		}
	}
	d.Front = append(d.Front, Field{key, v, plain})
}

// Get returns a string field's value ("" when absent).
func (d *Doc) Get(key string) string {
	for _, f := range d.Front {
		if f.Key == key {
			s, _ := f.Value.(string)
			return s
		}
	}
	return ""
}

// Site is what a reader made of the source.
type Site struct {
	Format       string
	Title        string
	Organization string
	Docs         []*Doc
	Files        map[string][]byte // other files under content/ (images, PDFs), by content path
	Notes        []Note
}

func (s *Site) note(kind, path string, line int, source bool, format string, args ...any) {
	s.Notes = append(s.Notes, Note{Kind: kind, Path: path, Line: line, Source: source, Text: fmt.Sprintf(format, args...)})
}

// Import reads src in the given format.
func Import(format string, src fs.FS, o Options) (*Site, error) {
	if o.Today.IsZero() {
		return nil, fmt.Errorf("importer: Options.Today is not set")
	}
	var s *Site
	var err error
	switch format {
	case "comply":
		s, err = importComply(src, o)
	case "jupiterone":
		s, err = importJupiterOne(src, o)
	case "frontmatter":
		s, err = importFrontMatter(src, o)
	default:
		return nil, fmt.Errorf("unknown format %q: use one of %s", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return nil, err
	}
	s.Format = format
	if s.Organization == "" {
		s.Organization = o.Org
	}
	if len(s.Docs) == 0 {
		return nil, fmt.Errorf("no documents found for format %s", format)
	}
	slices.SortFunc(s.Docs, func(a, b *Doc) int { return strings.Compare(a.Path, b.Path) })
	return s, nil
}

// Counts returns how many checklist items there are of each kind.
func (r *Result) Counts() map[string]int {
	c := map[string]int{}
	for _, n := range r.Notes {
		c[n.Kind]++
	}
	return c
}

// front is a source document split into its YAML mapping and body.
type front struct {
	m     *yaml.Node // the mapping; nil when the document has none
	line0 int        // file line of YAML line 1
	body  string
	// bodyLine is the file line the body starts on.
	bodyLine int
}

// splitFront reads YAML front-matter opened and closed by --- lines, or
// (as comply writes it) YAML from line 1 closed by a --- line. A document
// with neither has only a body.
func splitFront(src []byte) (front, error) {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	lines := strings.SplitAfter(text, "\n")
	open := 0
	if len(lines) > 0 && strings.TrimRight(lines[0], "\n") == "---" {
		open = 1
	} else if !yamlKeyLine.MatchString(text) {
		return front{body: text, bodyLine: 1}, nil
	}
	for i := open; i < len(lines); i++ {
		if strings.TrimRight(lines[i], "\n") != "---" {
			continue
		}
		yml := strings.Join(lines[open:i], "")
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(yml), &root); err != nil {
			return front{}, err
		}
		f := front{line0: open + 1, body: strings.Join(lines[i+1:], ""), bodyLine: i + 2}
		if len(root.Content) == 1 && root.Content[0].Kind == yaml.MappingNode {
			f.m = root.Content[0]
		} else if open == 0 {
			return front{body: text, bodyLine: 1}, nil // a body that starts with "key: value", then a rule
		}
		return f, nil
	}
	if open == 1 {
		return front{}, fmt.Errorf("front-matter opened with --- is never closed")
	}
	return front{body: text, bodyLine: 1}, nil
}

var yamlKeyLine = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*:`)

// pairs returns the mapping's keys and values in order.
func (f front) pairs() [][2]*yaml.Node {
	if f.m == nil {
		return nil
	}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(f.m.Content); i += 2 {
		out = append(out, [2]*yaml.Node{f.m.Content[i], f.m.Content[i+1]})
	}
	return out
}

// line is the file line of a node.
func (f front) line(n *yaml.Node) int { return n.Line + f.line0 - 1 }

// yamlText is a value as one line of YAML, for the checklist.
func yamlText(n *yaml.Node) string {
	if n.Kind == yaml.ScalarNode {
		return n.Value
	}
	c := *n
	c.Style = yaml.FlowStyle
	for _, k := range c.Content {
		k.Style |= yaml.FlowStyle
	}
	b, err := yaml.Marshal(&c)
	if err != nil {
		return "…"
	}
	s := strings.TrimSpace(string(b))
	if len(s) > 120 {
		s = s[:117] + "…"
	}
	return s
}

var idUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// makeID turns s into an id: letters, digits, '.', '_' and '-'.
func makeID(s string) string {
	return strings.Trim(idUnsafe.ReplaceAllString(strings.TrimSpace(s), "-"), "-")
}

// uniqueIDs gives documents with the same id a numbered suffix, noting it.
func (s *Site) uniqueIDs() {
	seen := map[string]int{}
	for _, d := range s.Docs {
		id := d.Get("id")
		seen[id]++
		if n := seen[id]; n > 1 {
			nid := fmt.Sprintf("%s-%d", id, n)
			d.Set("id", nid, false)
			s.note(KindNote, "content/"+d.Path, 0, false, "id %q was taken by another document: this one is %q", id, nid)
		}
	}
}

var headingLine = regexp.MustCompile(`(?m)^#{1,2}\s+(.+?)\s*#*\s*$`)

// firstHeading is the text of the body's first # or ## heading.
func firstHeading(body string) string {
	if m := headingLine.FindStringSubmatch(body); m != nil {
		return strings.TrimSpace(m[1])
	}
	return ""
}

// setOwner gives d its owner, or the placeholder role when there is none.
func setOwner(d *Doc, owner, placeholder string) {
	if owner == "" || model.IsPlaceholder(owner) {
		owner, d.OwnerPlaceholder = placeholder, true
	}
	d.Set("owner", owner, false)
}
