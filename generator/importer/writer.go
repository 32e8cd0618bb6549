package importer

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing/fstest"

	"github.com/isms-project/isms/generator"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"go.yaml.in/yaml/v3"
)

// Result is a finished import: the new site's files and the checklist.
type Result struct {
	Files     map[string][]byte // slash paths relative to DEST, IMPORT.md included
	Notes     []Note            // sorted by kind, path, line
	Diags     diag.List         // the last check of the new site
	Documents int
	Checklist string // IMPORT.md
}

// Errors counts the error diagnostics of the last check.
func (r *Result) Errors() int { n, _ := r.Diags.Count(); return n }

// render writes a document: front-matter, then the body.
func (d *Doc) render() []byte {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, f := range d.Front {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: f.Key}, valueNode(f.Value, f.Plain))
	}
	var b bytes.Buffer
	b.WriteString("---\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	_ = enc.Encode(m) // scalars, lists and mappings of strings: cannot fail
	_ = enc.Close()
	b.WriteString("---\n")
	body := strings.TrimLeft(d.Body, "\n")
	b.WriteString(body)
	if body != "" && !strings.HasSuffix(body, "\n") {
		b.WriteByte('\n')
	}
	return b.Bytes()
}

func valueNode(v any, plain bool) *yaml.Node {
	scalar := func(s string, plain bool) *yaml.Node {
		n := &yaml.Node{Kind: yaml.ScalarNode, Value: s}
		if !plain {
			n.Tag = "!!str"
		}
		return n
	}
	switch v := v.(type) {
	case *yaml.Node: // copied from a source that already wrote isms's structure
		return v
	case string:
		return scalar(v, plain)
	case []string:
		n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, s := range v {
			n.Content = append(n.Content, scalar(s, plain))
		}
		return n
	case [][2]string: // one mapping of ordered pairs
		return pairs(v)
	case [][][2]string: // a list of such mappings, e.g. history
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range v {
			p := pairs(e)
			p.Style = yaml.FlowStyle
			n.Content = append(n.Content, p)
		}
		return n
	}
	return scalar(fmt.Sprint(v), false)
}

func pairs(kv [][2]string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, p := range kv {
		_, isDate := model.ParseDate(p[1])
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: p[0]}, valueNode(p[1], isDate == nil))
	}
	return n
}

// siteConfig is the isms.yaml of an imported site, as isms new writes it.
func siteConfig(s *Site) []byte {
	title := "Information Security Manual"
	m := &yaml.Node{Kind: yaml.MappingNode}
	add := func(k, v string, plain bool) {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, valueNode(v, plain))
	}
	add("title", title, false)
	if s.Organization != "" {
		add("organization", s.Organization, false)
	}
	add("base_url", "/", true)
	add("review_every", "12m", true)
	add("due_soon", "30d", true)
	add("theme", "default", true)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# written by isms import (%s)\n", s.Format)
	_ = yaml.NewEncoder(&b).Encode(m)
	b.WriteString("# as_of: YYYY-MM-DD   # the date currency is computed against; default today\n")
	return b.Bytes()
}

// maxLinkRounds bounds the check-and-cut loop: a round cuts every link
// the check reported; cutting a fragment can reveal that the path is
// broken too, which the next round cuts.
const maxLinkRounds = 4

// Finish lays the site out, checks it with the pipeline as of today, cuts
// the links the check reports broken, and writes the checklist.
func Finish(s *Site, today model.Date) (*Result, error) {
	files := map[string][]byte{"isms.yaml": siteConfig(s)}
	for p, b := range s.Files {
		files["content/"+p] = b
	}
	docs := map[string]*Doc{}
	for _, d := range s.Docs {
		p := "content/" + d.Path
		if _, dup := files[p]; dup {
			return nil, fmt.Errorf("importer: two documents would be written to %s", p)
		}
		files[p] = d.render()
		docs[p] = d
	}
	notes := slices.Clone(s.Notes)
	var res *generator.Result
	for round := 0; ; round++ {
		var err error
		res, err = generator.Check(context.Background(), generator.Options{Site: mapFS(files), Today: today})
		if err != nil {
			return nil, err
		}
		if round == maxLinkRounds {
			break
		}
		cut := cutBrokenLinks(files, res.Diags, &notes)
		if cut == 0 {
			break
		}
	}
	for p, d := range docs {
		notes = append(notes, scanDoc(p, d, files[p])...)
	}
	sortNotes(notes)
	r := &Result{Files: files, Notes: notes, Diags: res.Diags, Documents: len(s.Docs)}
	r.Checklist = checklist(s, r)
	files["IMPORT.md"] = []byte(r.Checklist)
	return r, nil
}

func mapFS(files map[string][]byte) fstest.MapFS {
	m := fstest.MapFS{}
	for p, b := range files {
		m[p] = &fstest.MapFile{Data: b, Mode: 0o644}
	}
	return m
}

// cutBrokenLinks rewrites each link the check reported broken: a broken
// fragment is dropped from a link whose page exists, any other broken
// link becomes its text. It returns how many links it changed.
func cutBrokenLinks(files map[string][]byte, diags diag.List, notes *[]Note) int {
	byFile := map[string][]diag.Diagnostic{}
	for _, d := range diags {
		if d.Severity == diag.Error && (d.Code == "broken-link" || d.Code == "bad-link") {
			byFile[d.Pos.Path] = append(byFile[d.Pos.Path], d)
		}
	}
	md := markdown.New(markdown.Options{})
	cut := 0
	for _, path := range slices.Sorted(maps.Keys(byFile)) {
		src := files[path]
		if src == nil {
			continue
		}
		parsed := md.Parse(src)
		lines := markdown.NewLines(src)
		type edit struct {
			from, to int
			with     string
		}
		var edits []edit
		for _, d := range byFile[path] {
			for _, l := range parsed.Links {
				line, col := lines.Pos(l.Offset)
				if line != d.Pos.Line || col != d.Pos.Col {
					continue
				}
				from, to, text, destAt, ok := linkSpan(src, l.Offset, l.Dest)
				if !ok {
					break
				}
				if i := strings.IndexByte(l.Dest, '#'); i > 0 && strings.Contains(d.Msg, "heading") {
					edits = append(edits, edit{destAt + i, destAt + len(l.Dest), ""})
					*notes = append(*notes, Note{Kind: KindLink, Path: path, Line: line,
						Text: sentence(d.Msg) + " The link now goes to the top of the page."})
				} else {
					edits = append(edits, edit{from, to, text})
					*notes = append(*notes, Note{Kind: KindLink, Path: path, Line: line,
						Text: sentence(d.Msg) + fmt.Sprintf(" Cut down to its text %q.", strings.Join(strings.Fields(text), " "))})
				}
				break
			}
		}
		slices.SortFunc(edits, func(a, b edit) int { return b.from - a.from })
		out := slices.Clone(src)
		last := len(out) + 1
		for _, e := range edits {
			if e.to > last { // overlapping (nested) links: one per round
				continue
			}
			out = slices.Concat(out[:e.from], []byte(e.with), out[e.to:])
			last = e.from
			cut++
		}
		files[path] = out
	}
	return cut
}

// sentence ends a diagnostic's text with a full stop unless it asks.
func sentence(msg string) string {
	if strings.HasSuffix(msg, "?") || strings.HasSuffix(msg, ".") {
		return msg
	}
	return msg + "."
}

// linkSpan finds the inline link or image starting at off: the span of
// the whole link, its text, and where dest starts. Reference links and
// autolinks are not cut (ok false).
func linkSpan(src []byte, off int, dest string) (from, to int, text string, destAt int, ok bool) {
	start := off
	if start < len(src) && src[start] == '!' {
		start++
	}
	if start >= len(src) || src[start] != '[' {
		return 0, 0, "", 0, false
	}
	// The text ends at the "](" whose destination is dest.
	rest := src[start:]
	for i := 0; i+1 < len(rest); i++ {
		if rest[i] != ']' || rest[i+1] != '(' {
			continue
		}
		after := rest[i+2:]
		trimmed := bytes.TrimLeft(after, " <")
		if !bytes.HasPrefix(trimmed, []byte(dest)) {
			continue
		}
		dAt := start + i + 2 + (len(after) - len(trimmed))
		depth := 0
		for j := dAt + len(dest); j < len(src); j++ {
			switch src[j] {
			case '(':
				depth++
			case ')':
				if depth == 0 {
					return off, j + 1, string(rest[1:i]), dAt, true
				}
				depth--
			case '\n':
				if j+1 < len(src) && src[j+1] == '\n' {
					return 0, 0, "", 0, false
				}
			}
		}
		return 0, 0, "", 0, false
	}
	return 0, 0, "", 0, false
}

var templateExpr = regexp.MustCompile(`\{\{[^{}\n]*\}\}`)

// scanDoc lists what a written document still leaves to a person: its
// placeholder owner and the template expressions left in its body.
func scanDoc(path string, d *Doc, src []byte) []Note {
	var out []Note
	for i, line := range strings.Split(string(src), "\n") {
		if d.OwnerPlaceholder && strings.HasPrefix(line, "owner:") {
			out = append(out, Note{Kind: KindOwner, Path: path, Line: i + 1,
				Text: fmt.Sprintf("owner is the placeholder %q: name the role that owns %q", d.Get("owner"), d.Get("title"))})
		}
		for _, m := range templateExpr.FindAllString(line, -1) {
			out = append(out, Note{Kind: KindTemplate, Path: path, Line: i + 1, Text: fmt.Sprintf("`%s` left as written", m)})
		}
	}
	return out
}

func sortNotes(n []Note) {
	rank := func(k string) int { return slices.Index(kindOrder, k) }
	slices.SortStableFunc(n, func(a, b Note) int {
		if c := rank(a.Kind) - rank(b.Kind); c != 0 {
			return c
		}
		if a.Source != b.Source {
			if a.Source {
				return 1
			}
			return -1
		}
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
}

// checklist is IMPORT.md: a summary, then one section per kind of item,
// then the warnings of the check.
func checklist(s *Site, r *Result) string {
	var b strings.Builder
	nerr, nwarn := r.Diags.Count()
	fmt.Fprintf(&b, "# Import checklist\n\n")
	fmt.Fprintf(&b, "`isms import %s` wrote %d documents. `isms check` finds %d errors and %d warnings.\n", s.Format, r.Documents, nerr, nwarn)
	b.WriteString("Each item below is left for a person to decide; paths are relative to this folder\n(\"source\" paths to the folder imported from). Delete this file when every box is ticked.\n")
	counts := r.Counts()
	for _, k := range kindOrder {
		if counts[k] == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s (%d)\n\n", kindTitles[k], counts[k])
		for _, n := range r.Notes {
			if n.Kind == k {
				fmt.Fprintf(&b, "- [ ] %s: %s\n", n.where(), n.Text)
			}
		}
	}
	if len(r.Diags) > 0 {
		fmt.Fprintf(&b, "\n## What isms check reports (%d)\n\n", len(r.Diags))
		for _, d := range r.Diags {
			fmt.Fprintf(&b, "- [ ] %s\n", d)
		}
	}
	return b.String()
}
