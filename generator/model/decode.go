package model

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/load"
	"go.yaml.in/yaml/v3"
)

// Keys are the front-matter keys a document may have.
var Keys = []string{
	"id", "title", "type", "owner", "clause", "controls", "version", "status",
	"classification", "approved_by", "approved", "reviewed", "review_every",
	"phase", "inputs", "outputs", "history", "date", "file", "next_review",
}

// keyAliases are what other ISMS tools call our keys, for better hints
// than spelling distance gives.
var keyAliases = map[string]string{
	"name": "title", "author": "owner", "owners": "owner", "acronym": "id",
	"majorrevisions": "history", "revisions": "history", "satisfies": "controls",
	"last_reviewed": "reviewed", "review_date": "reviewed", "approver": "approved_by",
	"effective": "approved", "effective_date": "approved", "revision": "version",
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)
var clausePattern = regexp.MustCompile(`^(?:[4-9]|10)(?:\.[0-9]{1,2}){0,2}$`)

// decoder carries the file being decoded and where its YAML starts, so every
// yaml.Node line maps back to the file's own line.
type decoder struct {
	path        string
	line0       int  // file line of YAML line 1
	frontMatter bool // decoding a document's front-matter, not isms.yaml
	diags       diag.List
	schema      *Schema // the reports' sections; nil: none
}

// what names the YAML being decoded in messages.
func (d *decoder) what() string {
	if d.frontMatter {
		return "front-matter"
	}
	return path.Base(d.path)
}

func (d *decoder) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{Path: d.path, Line: n.Line + d.line0 - 1, Col: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, code, format string, args ...any) {
	d.diags.Errorf(d.pos(n), code, format, args...)
}

// yamlLineError turns yaml.v3's "yaml: line N: text" into a located message.
var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func (d *decoder) yamlError(err error, yml []byte) {
	// yaml.v3 reports a tab in the indentation as a character that cannot
	// start a token, often on the line before.
	if m := err.Error(); strings.Contains(m, "tab character") || strings.Contains(m, "cannot start any token") {
		if line, col, ok := tabIndent(yml); ok {
			d.diags.Errorf(diag.Pos{Path: d.path, Line: line + d.line0 - 1, Col: col}, "yaml",
				"tabs are not allowed for indentation in YAML; use spaces")
			return
		}
	}
	var te *yaml.TypeError
	msgs := []string{err.Error()}
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	for _, m := range msgs {
		line := 1
		text := strings.TrimPrefix(m, "yaml: ")
		if sm := yamlLineRE.FindStringSubmatch(m); sm != nil {
			n := 0
			for _, c := range sm[1] {
				n = n*10 + int(c-'0')
			}
			line, text = n, sm[2]
			// yaml.v3 reports an unclosed flow collection at the line
			// before the one that opens it (a 0-based context mark).
			if strings.HasPrefix(text, "did not find expected") {
				line++
			}
		}
		d.diags.Errorf(diag.Pos{Path: d.path, Line: line + d.line0 - 1, Col: 1}, "yaml", "%s is not valid YAML: %s", d.what(), text)
	}
}

// Decode parses one document's front-matter strictly, knowing only the
// document's own keys (Schema.Decode knows the reports' sections too).
// path is the content relative path (used in the Document); display is
// the path shown in messages (relative to the site root, e.g.
// "content/policies/access.md").
func Decode(path, display string, src []byte) (*Document, diag.List) {
	return decode(path, display, src, nil)
}

func decode(path, display string, src []byte, schema *Schema) (*Document, diag.List) {
	doc := &Document{Path: path, Src: src, Pos: map[string]diag.Pos{}, ItemPos: map[string][]diag.Pos{}}
	d := &decoder{path: display, frontMatter: true, schema: schema}
	if !d.encoding(src) {
		return nil, d.diags
	}
	fm, err := load.Split(src)
	if err != nil {
		var se *load.SplitError
		errors.As(err, &se)
		d.diags.Errorf(diag.Pos{Path: display, Line: se.Line, Col: 1}, "front-matter", "%s", se.Msg)
		return nil, d.diags
	}
	doc.BodyOffset, doc.BodyLine = fm.BodyOffset, fm.BodyLine
	d.line0 = fm.Line
	if !fm.Present {
		// Some tools (strongDM comply) write the YAML with only a closing
		// ---. Say so, and decode it anyway so the author also learns what
		// else the document lacks.
		yml, ok := headlessFrontMatter(src)
		if !ok {
			d.diags.Errorf(diag.Pos{Path: display, Line: 1, Col: 1}, "front-matter",
				"no front-matter: a document starts with a --- line, then at least id, title, type and owner, then ---")
			return nil, d.diags
		}
		d.diags.Errorf(diag.Pos{Path: display, Line: 1, Col: 1}, "front-matter",
			"front-matter has no opening ---: the YAML above the --- line must start with a line of exactly \"---\"")
		fm.YAML, d.line0 = yml, 1
	}
	root, quick := quickYAML(fm.YAML)
	if !quick {
		root = &yaml.Node{}
		if err := yaml.Unmarshal(fm.YAML, root); err != nil {
			d.yamlError(err, fm.YAML)
			return nil, d.diags
		}
	}
	if len(root.Content) == 0 {
		d.diags.Errorf(diag.Pos{Path: display, Line: 1, Col: 1}, "front-matter", "front-matter is empty: a document needs at least id, title, type and owner")
		return nil, d.diags
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		d.errorf(m, "front-matter", "front-matter must be a mapping of keys to values")
		return nil, d.diags
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := k.Value
		if prev, dup := seen[key]; dup {
			d.errorf(k, "duplicate-key", "key %q is given twice (first at line %d)", key, d.pos(prev).Line)
			continue
		}
		seen[key] = k
		if d.placeholder(key, v) {
			doc.Undecided = append(doc.Undecided, key)
			continue
		}
		doc.Pos[key] = d.pos(v)
		d.field(doc, key, k, v)
	}
	d.checkNextReview(doc)
	for _, req := range []string{"id", "title", "type", "owner"} {
		if _, ok := seen[req]; !ok {
			d.diags.Errorf(diag.Pos{Path: display, Line: 1, Col: 1}, "missing-field", "required key %q is missing", req)
		}
	}
	if off, depth := nesting(src, doc.BodyOffset); off >= 0 {
		line, col := lineCol(src, off)
		d.diags.Errorf(diag.Pos{Path: display, Line: line, Col: col}, "too-deep",
			"lists and block quotes are nested %d levels deep here; the limit is %d", depth, MaxNesting)
		return nil, d.diags
	}
	if doc.Type == "process" && doc.Phase == "" && seen["phase"] == nil {
		d.diags.Warnf(diag.Pos{Path: display, Line: 1, Col: 1}, "missing-field", "process has no phase (plan, do, check or act): it is drawn outside the PDCA clusters")
	}
	if doc.Type == "evidence" && seen["file"] == nil {
		d.diags.Warnf(diag.Pos{Path: display, Line: 1, Col: 1}, "missing-field", "evidence has no file: the artefact it stands for is not published")
	}
	return doc, d.diags
}

func (d *decoder) field(doc *Document, key string, k, v *yaml.Node) {
	switch key {
	case "id":
		doc.ID = d.short(v, key)
		if doc.ID != "" && !idPattern.MatchString(doc.ID) {
			d.errorf(v, "bad-id", "id %q may hold only letters, digits, '.', '_' and '-'", doc.ID)
		}
	case "title":
		doc.Title = d.short(v, key)
		d.hidden(v, key, doc.Title)
	case "owner":
		doc.Owner = d.short(v, key)
		d.hidden(v, key, doc.Owner)
	case "type":
		doc.Type = d.enum(v, "type", Types)
	case "status":
		doc.Status = d.enum(v, "status", Statuses)
	case "classification":
		doc.Classification = d.enum(v, "classification", d.schema.classificationLevels())
	case "phase":
		doc.Phase = d.enum(v, "phase", Phases)
	case "version":
		doc.Version = d.str(v)
	case "approved_by":
		doc.ApprovedBy = d.str(v)
	case "approved":
		doc.Approved = d.date(v)
	case "reviewed":
		doc.Reviewed = d.date(v)
	case "date":
		doc.Date = d.date(v)
	case "review_every":
		doc.ReviewEvery = d.interval(v)
	case "file":
		doc.File = d.str(v)
	case "clause":
		for _, n := range d.strList(v) {
			c := strings.TrimPrefix(n.Value, "§")
			if !clausePattern.MatchString(c) {
				d.errorf(n, "bad-clause", "clause %q is not an ISO/IEC 27001 clause number between 4 and 10.x (e.g. \"6.1.2\")", n.Value)
				continue
			}
			doc.Clauses = append(doc.Clauses, c)
			doc.ItemPos["clause"] = append(doc.ItemPos["clause"], d.pos(n))
		}
	case "controls":
		for _, n := range d.strList(v) {
			if d.soc2Control(n) {
				continue
			}
			doc.Controls = append(doc.Controls, n.Value)
			doc.ItemPos["controls"] = append(doc.ItemPos["controls"], d.pos(n))
		}
	case "inputs":
		doc.Inputs = d.refs(v, "from")
	case "outputs":
		doc.Outputs = d.refs(v, "to")
	case "history":
		doc.History = d.history(v)
	default:
		if d.vocabField(doc, key, v) {
			return
		}
		if sec, ok := d.schema.section(key); ok {
			if doc.Sections == nil {
				doc.Sections = map[string]any{}
			}
			doc.Sections[key] = sec.Decode(Values{d}, v)
			return
		}
		d.unknownKey(k, "", d.schema.Keys(), keyAliases)
	}
}

// hidden warns about control characters and characters that change how
// the text around them reads without being seen (a right-to-left override
// shows "\u202egnp.exe" as "exe.png").
func (d *decoder) hidden(v *yaml.Node, key, s string) {
	for _, r := range s {
		if diag.Hidden(r) || diag.Control(r) {
			d.diags.Warnf(d.pos(v), "hidden-char", "%s holds the invisible or control character %U, which can make it read as something else", key, r)
			return
		}
	}
}

// unknownKey warns about a key the schema does not know, naming the
// closest known one, or the one aliases maps it to (what other ISMS tools
// call our keys). in names the list entry the key sits in, "" at the top.
func (d *decoder) unknownKey(k *yaml.Node, in string, known []string, aliases map[string]string) {
	where := ""
	if in != "" {
		where = " in " + in + " entry"
	}
	if msg, ok := keyHint(k.Value); ok && in == "" && aliases != nil { // document keys only
		d.diags.Warnf(d.pos(k), "unknown-key", "%s", msg)
		return
	}
	hint, ok := aliases[strings.ToLower(k.Value)]
	if !ok {
		hint = diag.Closest(k.Value, known)
	}
	if hint != "" {
		d.diags.Warnf(d.pos(k), "unknown-key", "unknown key %q%s: did you mean %q?", k.Value, where, hint)
	} else {
		d.diags.Warnf(d.pos(k), "unknown-key", "unknown key %q%s is ignored (known keys: %s)", k.Value, where, strings.Join(known, ", "))
	}
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return "a value"
}

// str reads a scalar as text exactly as written, so version 1.10 stays "1.10".
func (d *decoder) str(v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode {
		d.errorf(v, "bad-value", "expected a single value, found %s", kindName(v))
		return ""
	}
	if v.Tag == "!!null" {
		return ""
	}
	return strings.TrimSpace(v.Value)
}

// MaxText is the longest id, title or owner, in characters: they appear on
// every page that lists the document, so a huge one multiplies.
const MaxText = 500

// short reads a scalar that must stay short; a longer one is an error and
// is cut to MaxText characters.
func (d *decoder) short(v *yaml.Node, key string) string {
	s := d.str(v)
	if n := utf8.RuneCountInString(s); n > MaxText {
		d.errorf(v, "too-long", "%s is %d characters long; the limit is %d", key, n, MaxText)
		s = string([]rune(s)[:MaxText])
	}
	return s
}

func (d *decoder) enum(v *yaml.Node, key string, allowed []string) string {
	s := d.str(v)
	if s == "" {
		return ""
	}
	if m, ok := MatchEnum(s, allowed); ok {
		return m
	}
	if c := diag.Closest(s, allowed); c != "" {
		d.errorf(v, "bad-"+key, "%s %q is not one of %s: did you mean %q?", key, s, strings.Join(allowed, ", "), c)
	} else {
		d.errorf(v, "bad-"+key, "%s %q is not one of %s", key, s, strings.Join(allowed, ", "))
	}
	return ""
}

func (d *decoder) date(v *yaml.Node) Date {
	s := d.str(v)
	if s == "" {
		return Date{}
	}
	t, err := ParseDate(s)
	if err != nil {
		if why := impossibleDate(s); why != "" {
			d.errorf(v, "bad-date", "%q is not a real date: %s", s, why)
		} else {
			d.errorf(v, "bad-date", "%v%s", err, dateHint(s))
		}
	}
	return t
}

var datePattern = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)

// impossibleDate says why a YYYY-MM-DD text with a real month names no
// day of it ("February 2026 has 28 days"), or "" otherwise.
func impossibleDate(s string) string {
	m := datePattern.FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	var y, mo, day int
	fmt.Sscan(m[1], &y)
	fmt.Sscan(strings.TrimLeft(m[2], "0"), &mo)
	fmt.Sscan(strings.TrimLeft(m[3], "0"), &day)
	if mo < 1 || mo > 12 {
		return "" // MM is not a month: "not of the form YYYY-MM-DD" says it
	}
	days := time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if day < 1 || day > days {
		return fmt.Sprintf("%s %d has %d days", time.Month(mo), y, days)
	}
	return ""
}

func (d *decoder) interval(v *yaml.Node) Interval {
	s := d.str(v)
	if s == "" {
		return Interval{}
	}
	if w, ok := IntervalWord(s); ok {
		return w
	}
	i, err := ParseInterval(s)
	if err != nil {
		d.errorf(v, "bad-interval", "%v", err)
	}
	return i
}

// strList accepts one scalar or a list of scalars.
func (d *decoder) strList(v *yaml.Node) []*yaml.Node {
	switch v.Kind {
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			return nil
		}
		return []*yaml.Node{v}
	case yaml.SequenceNode:
		var out []*yaml.Node
		for _, n := range v.Content {
			if n.Kind != yaml.ScalarNode {
				d.errorf(n, "bad-value", "expected a value in the list, found %s", kindName(n))
				continue
			}
			out = append(out, n)
		}
		return out
	}
	d.errorf(v, "bad-value", "expected a value or a list of values, found %s", kindName(v))
	return nil
}

// fields reads a mapping inside a list entry, reporting unknown and
// duplicate keys; it returns the value node of each known key.
func (d *decoder) fields(m *yaml.Node, what string, known []string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if _, dup := out[k.Value]; dup {
			d.errorf(k, "duplicate-key", "key %q is given twice in this %s entry", k.Value, what)
			continue
		}
		if !slices.Contains(known, k.Value) {
			d.unknownKey(k, what, known, nil)
			continue
		}
		out[k.Value] = v
	}
	return out
}

func (d *decoder) list(v *yaml.Node, key string) []*yaml.Node {
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		d.errorf(v, "bad-value", "%s must be a list, found %s", key, kindName(v))
		return nil
	}
	return v.Content
}

// refs reads inputs (dir "from") or outputs (dir "to"): bare ids or
// { from|to: ID, what: "…" }.
func (d *decoder) refs(v *yaml.Node, dir string) []Ref {
	var out []Ref
	for _, n := range d.list(v, map[string]string{"from": "inputs", "to": "outputs"}[dir]) {
		switch n.Kind {
		case yaml.ScalarNode:
			if id := d.str(n); id != "" {
				out = append(out, Ref{ID: id, Pos: d.pos(n)})
			}
		case yaml.MappingNode:
			f := d.fields(n, dir+" reference", []string{dir, "what"})
			idn, ok := f[dir]
			if !ok {
				d.errorf(n, "missing-field", "this entry needs %q: the id of the other document", dir)
				continue
			}
			r := Ref{ID: d.str(idn), Pos: d.pos(idn)}
			if w, ok := f["what"]; ok {
				r.What = d.str(w)
			}
			if r.ID != "" {
				out = append(out, r)
			}
		default:
			d.errorf(n, "bad-value", "expected an id or { %s: ID, what: \"…\" }, found %s", dir, kindName(n))
		}
	}
	return out
}

func (d *decoder) history(v *yaml.Node) []Revision {
	var out []Revision
	for _, n := range d.list(v, "history") {
		if n.Kind != yaml.MappingNode {
			d.errorf(n, "bad-value", "a history entry is { version, date, author, change }, found %s", kindName(n))
			continue
		}
		f := d.fields(n, "history", []string{"version", "date", "author", "change"})
		r := Revision{Pos: d.pos(n)}
		if x, ok := f["version"]; ok {
			r.Version = d.str(x)
		}
		if x, ok := f["date"]; ok {
			r.Date = d.date(x)
		}
		if x, ok := f["author"]; ok {
			r.Author = d.str(x)
		}
		if x, ok := f["change"]; ok {
			r.Change = d.str(x)
		}
		out = append(out, r)
	}
	return out
}

var yamlKeyLine = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*:`)

// headlessFrontMatter finds YAML that starts at line 1 and is closed by a
// --- line within the first 100 lines, with no opening ---.
func headlessFrontMatter(src []byte) ([]byte, bool) {
	if !yamlKeyLine.Match(src) {
		return nil, false
	}
	off := 0
	for i := 0; i < 100 && off < len(src); i++ {
		end := len(src)
		if nl := strings.IndexByte(string(src[off:min(len(src), off+4096)]), '\n'); nl >= 0 {
			end = off + nl + 1
		}
		if strings.TrimRight(string(src[off:end]), "\r\n") == "---" {
			return src[:off], true
		}
		off = end
	}
	return nil, false
}

// encoding checks that src is UTF-8 without a byte-order mark, reporting
// the first bad byte at its own line and column; Split and the YAML reader
// would otherwise report a wrong line, or publish mojibake.
func (d *decoder) encoding(src []byte) bool {
	if bytes.HasPrefix(src, []byte("\xEF\xBB\xBF")) {
		d.diags.Errorf(diag.Pos{Path: d.path, Line: 1, Col: 1}, "encoding",
			"file starts with a UTF-8 byte-order mark: save it as UTF-8 without BOM")
		return false
	}
	if utf8.Valid(src) {
		return true
	}
	off := 0
	for off < len(src) {
		r, size := utf8.DecodeRune(src[off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		off += size
	}
	line, col := lineCol(src, off)
	d.diags.Errorf(diag.Pos{Path: d.path, Line: line, Col: col}, "encoding",
		"invalid UTF-8 (byte 0x%02X): save the file as UTF-8 (Windows-1252 or Latin-1 text looks like this)", src[off])
	return false
}

// skipOneSpace skips the space that separates a container marker from
// what follows it, so "- - x" counts two levels, not three.
func skipOneSpace(line []byte, i int) int {
	if i < len(line) && line[i] == ' ' {
		return i + 1
	}
	return i
}

// lineCol is the 1-based line and column (in characters) of byte off.
func lineCol(src []byte, off int) (line, col int) {
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return 1 + bytes.Count(src[:start], []byte("\n")), 1 + utf8.RuneCount(src[start:off])
}

// tabIndent finds the first line whose indentation holds a tab.
func tabIndent(yml []byte) (line, col int, ok bool) {
	for i, l := range bytes.Split(yml, []byte("\n")) {
		for j, c := range l {
			if c == '\t' {
				return i + 1, j + 1, true
			}
			if c != ' ' {
				break
			}
		}
	}
	return 0, 0, false
}

// MaxNesting is the deepest nesting of lists and block quotes a body may
// have: goldmark's time and memory grow much faster than linearly in it
// (5,000 levels took 135 s and 2.4 GB).
const MaxNesting = 100

// nesting scans the Markdown body src[from:] cheaply, before goldmark
// sees it, and returns the offset of the first line nested deeper than
// MaxNesting (-1 if none) with that depth. Only a line with a container
// marker (>, -, *, +, 1. or 1)) can open containers; it is as deep as the
// markers on it plus the containers its indentation continues, at most one
// per two columns of white space not directly after a marker. The estimate never undercounts, so no body deeper than
// the limit gets through. Fenced code is not skipped: CommonMark closes a
// fence when its container ends, so skipping would need a real parser.
func nesting(src []byte, from int) (off, depth int) {
	for pos := min(max(from, 0), len(src)); pos < len(src); {
		end := bytes.IndexByte(src[pos:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += pos
		}
		line := src[pos:end]
		width, markers, i := 0, 0, 0
	prefix:
		for i < len(line) {
			switch c := line[i]; {
			case c == ' ':
				width++
				i++
			case c == '\t':
				width += 4
				i++
			case c == '>':
				markers++
				i = skipOneSpace(line, i+1)
			case (c == '-' || c == '*' || c == '+') && (i+1 == len(line) || line[i+1] == ' ' || line[i+1] == '\t' || line[i+1] == '\r'):
				markers++
				i = skipOneSpace(line, i+1)
			case c >= '0' && c <= '9':
				j := i
				for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
					j++
				}
				if j < len(line) && (line[j] == '.' || line[j] == ')') && (j+1 == len(line) || line[j+1] == ' ' || line[j+1] == '\t') {
					markers++
					i = skipOneSpace(line, j+1)
					continue
				}
				break prefix
			default:
				break prefix
			}
		}
		if d := markers + width/2; markers > 0 && d > MaxNesting {
			return pos, d
		}
		pos = end + 1
	}
	return -1, 0
}
