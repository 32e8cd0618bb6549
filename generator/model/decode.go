package model

import (
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/load"
	"go.yaml.in/yaml/v3"
)

// Keys are the front-matter keys a document may have.
var Keys = []string{
	"id", "title", "type", "owner", "clause", "controls", "version", "status",
	"classification", "approved_by", "approved", "reviewed", "review_every",
	"phase", "inputs", "outputs", "history", "date", "file", "applicability",
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
	path  string
	line0 int // file line of YAML line 1
	diags diag.List
}

func (d *decoder) pos(n *yaml.Node) diag.Pos {
	return diag.Pos{Path: d.path, Line: n.Line + d.line0 - 1, Col: n.Column}
}

func (d *decoder) errorf(n *yaml.Node, code, format string, args ...any) {
	d.diags.Errorf(d.pos(n), code, format, args...)
}

// yamlLineError turns yaml.v3's "yaml: line N: text" into a located message.
var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

func (d *decoder) yamlError(err error) {
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
		d.diags.Errorf(diag.Pos{Path: d.path, Line: line + d.line0 - 1, Col: 1}, "yaml", "front-matter is not valid YAML: %s", text)
	}
}

// Decode parses one document's front-matter strictly. path is the content
// relative path (used in the Document); display is the path shown in
// messages (relative to the site root, e.g. "content/policies/access.md").
func Decode(path, display string, src []byte) (*Document, diag.List) {
	doc := &Document{Path: path, Src: src, Pos: map[string]diag.Pos{}, ItemPos: map[string][]diag.Pos{}}
	d := &decoder{path: display}
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
	var root yaml.Node
	if err := yaml.Unmarshal(fm.YAML, &root); err != nil {
		d.yamlError(err)
		return nil, d.diags
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
		doc.Pos[key] = d.pos(v)
		d.field(doc, key, k, v)
	}
	for _, req := range []string{"id", "title", "type", "owner"} {
		if _, ok := seen[req]; !ok {
			d.diags.Errorf(diag.Pos{Path: display, Line: 1, Col: 1}, "missing-field", "required key %q is missing", req)
		}
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
		doc.ID = d.str(v)
		if doc.ID != "" && !idPattern.MatchString(doc.ID) {
			d.errorf(v, "bad-id", "id %q may hold only letters, digits, '.', '_' and '-'", doc.ID)
		}
	case "title":
		doc.Title = d.str(v)
		d.hidden(v, key, doc.Title)
	case "owner":
		doc.Owner = d.str(v)
		d.hidden(v, key, doc.Owner)
	case "type":
		doc.Type = d.enum(v, "type", Types)
	case "status":
		doc.Status = d.enum(v, "status", Statuses)
	case "classification":
		doc.Classification = d.enum(v, "classification", Classifications)
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
			doc.Controls = append(doc.Controls, n.Value)
			doc.ItemPos["controls"] = append(doc.ItemPos["controls"], d.pos(n))
		}
	case "inputs":
		doc.Inputs = d.refs(v, "from")
	case "outputs":
		doc.Outputs = d.refs(v, "to")
	case "history":
		doc.History = d.history(v)
	case "applicability":
		doc.Applicability = d.applicability(v)
	default:
		d.unknownKey(k, "", Keys, keyAliases)
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

func (d *decoder) enum(v *yaml.Node, key string, allowed []string) string {
	s := d.str(v)
	if s == "" {
		return ""
	}
	if slices.Contains(allowed, s) {
		return s
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
		d.errorf(v, "bad-date", "%v", err)
	}
	return t
}

func (d *decoder) interval(v *yaml.Node) Interval {
	s := d.str(v)
	if s == "" {
		return Interval{}
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

func (d *decoder) applicability(v *yaml.Node) []Decision {
	var out []Decision
	for _, n := range d.list(v, "applicability") {
		if n.Kind != yaml.MappingNode {
			d.errorf(n, "bad-value", "an applicability entry is { control, applicable, status, justification }, found %s", kindName(n))
			continue
		}
		f := d.fields(n, "applicability", []string{"control", "applicable", "status", "justification"})
		r := Decision{Pos: d.pos(n)}
		if x, ok := f["control"]; ok {
			r.Control = d.str(x)
			r.Pos = d.pos(x)
		} else {
			d.errorf(n, "missing-field", "applicability entry needs \"control\"")
			continue
		}
		if x, ok := f["applicable"]; ok {
			var b bool
			if x.Kind != yaml.ScalarNode || x.Decode(&b) != nil || (x.Value != "true" && x.Value != "false") {
				d.errorf(x, "bad-value", "applicable must be true or false, found %q", x.Value)
			}
			r.Applicable, r.HasApplicable = b, true
		}
		if x, ok := f["status"]; ok {
			r.Status = d.enum(x, "status", SoAStatuses)
		}
		if x, ok := f["justification"]; ok {
			r.Justification = d.str(x)
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
