package history

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/isms-project/isms/generator/load"
)

// SplitFrontMatter splits a document into its YAML front-matter and body.
// The front-matter is there when the first line is exactly "---" and a
// later line is exactly "---" ("\r\n" line ends accepted); front is the
// text between those lines, body everything after the closing one.
// Otherwise front is nil and body is the whole document.
func SplitFrontMatter(src []byte) (front, body []byte) {
	fm, err := load.Split(src) // the build's own splitter: old versions split as the current one does
	if err != nil || !fm.Present {
		return nil, src
	}
	return fm.YAML, src[fm.BodyOffset:]
}

// cutLine returns the first line of b without its "\n" or "\r\n", the text
// after it, and whether a newline ended the line.
func cutLine(b []byte) (line, rest []byte, nl bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return bytes.TrimSuffix(b, []byte{'\r'}), nil, false
	}
	return bytes.TrimSuffix(b[:i], []byte{'\r'}), b[i+1:], true
}

// Change is one top-level front-matter field that differs between two
// versions. Values are compact canonical text (lists as ["6.1.2", "8.2"]);
// Old is "" for an added field and New is "" for a removed one (a field
// set to null counts as absent; an empty string shows as "").
type Change struct {
	Field, Old, New string
}

// Front is a parsed front-matter: its top-level keys in order and their
// canonical values. Parse each version once with ParseFront and compare
// the results with Changes.
type Front struct {
	Keys []string
	Vals map[string]string
}

// ParseFront parses a front-matter for Changes and Get.
func ParseFront(src []byte) (Front, error) {
	keys, vals, err := topLevel(src)
	return Front{Keys: keys, Vals: vals}, err
}

// FrontCache parses the front-matters of one document's versions, which
// mostly repeat each other: each top-level field's text is parsed once
// (ParseFront on 5,000 versions cost 0.5 s of CPU before). A front-matter
// that is not a plain block mapping with its keys at column 0, or that
// uses anchors, aliases, directives or tags, is parsed whole, as is every
// one whose fields do not each parse on their own: the result is always
// ParseFront's.
type FrontCache struct {
	fields map[string]field
}

type field struct {
	key, val string
	ok       bool
}

// Parse is ParseFront, reusing fields seen before. A one-line field with
// a plain or simply quoted value ("version: \"1.2\"", "owner: Head of IT")
// is read without YAML at all: yaml.v3's set-up per call costs more than
// a small field's parse.
func (c *FrontCache) Parse(src []byte) (Front, error) {
	chunks, ok := topLevelChunks(src)
	if !ok {
		return ParseFront(src)
	}
	if c.fields == nil {
		c.fields = map[string]field{}
	}
	f := Front{Vals: make(map[string]string, len(chunks))}
	for _, ch := range chunks {
		r, seen := c.fields[string(ch)]
		if !seen {
			if r.key, r.val, r.ok = simpleField(ch); !r.ok {
				r.key, r.val, r.ok = c.listField(ch)
			}
			if !r.ok {
				r.key, r.val, r.ok = flowField(ch)
			}
			if !r.ok {
				keys, vals, err := topLevel(ch)
				if r.ok = err == nil && len(keys) == 1; r.ok {
					r.key, r.val = keys[0], vals[keys[0]]
				}
			}
			c.fields[string(ch)] = r
		}
		if !r.ok {
			return ParseFront(src)
		}
		if _, dup := f.Vals[r.key]; !dup {
			f.Keys = append(f.Keys, r.key)
		}
		f.Vals[r.key] = r.val
	}
	return f, nil
}

// simpleField reads a field that is one line "key: value" with an
// identifier for a key and, for a value, nothing, a plain scalar of
// letters, digits, spaces and . _ / ( ) + , - (starting with a letter or
// digit), or such text in double or single quotes, giving what topLevel
// would. Anything else is not ok, and left to YAML.
func simpleField(ch []byte) (key, val string, ok bool) {
	line, rest, _ := cutLine(ch)
	if len(bytes.TrimRight(rest, " \r\n")) > 0 {
		return "", "", false // more lines
	}
	k, v, found := bytes.Cut(line, []byte(":"))
	if !found || len(k) == 0 || !isIdent(k) || isNull(k) {
		return "", "", false
	}
	if len(v) > 0 && v[0] != ' ' {
		return "", "", false // "key:value" is one plain scalar in YAML
	}
	v = bytes.Trim(v, " ")
	switch {
	case len(v) == 0:
		return string(k), "", true // null
	case v[0] == '"' || v[0] == '\'':
		q := v[0]
		if len(v) < 2 || v[len(v)-1] != q {
			return "", "", false
		}
		in := v[1 : len(v)-1]
		for _, c := range in {
			if c < 0x20 || c >= 0x7f || c == '"' || c == '\'' || c == '\\' {
				return "", "", false
			}
		}
		if len(in) == 0 {
			return string(k), `""`, true
		}
		return string(k), string(in), true
	}
	if !isAlnum(v[0]) {
		return "", "", false
	}
	for _, c := range v {
		if !isAlnum(c) && !bytes.ContainsRune([]byte(" ._/()+,-"), rune(c)) {
			return "", "", false
		}
	}
	if isNull(v) {
		return string(k), "", true
	}
	return string(k), string(v), true
}

// listField reads a field that is a block sequence of one-line items,
//
//	history:
//	  - { version: "1.2", date: 2026-01-01 }
//	  - { version: "1.1", date: 2025-01-01 }
//
// parsing each distinct item once: a revision table gains a row a
// version, and the rows it had are not parsed again. The value is what
// topLevel gives, "[item, item]". Anything else is not ok.
func (c *FrontCache) listField(ch []byte) (key, val string, ok bool) {
	head, rest, _ := cutLine(ch)
	k, v, found := bytes.Cut(head, []byte(":"))
	if !found || !isIdent(k) || isNull(k) || len(bytes.Trim(v, " ")) > 0 || len(rest) == 0 {
		return "", "", false
	}
	var indent []byte
	var parts []string
	for len(rest) > 0 {
		line, next, _ := cutLine(rest)
		rest = next
		i := bytes.IndexByte(line, '-')
		if i < 0 || len(bytes.Trim(line[:i], " ")) > 0 || // not "- " after spaces
			!bytes.HasPrefix(line[i:], []byte("- ")) || indent != nil && i != len(indent) ||
			bytes.Count(line, []byte("["))+bytes.Count(line, []byte("{")) > 16 { // canonical's depth bound
			return "", "", false
		}
		indent = line[:i]
		item := line[i:]
		r, seen := c.fields["\x00"+string(item)]
		if !seen {
			r.ok = false
			var doc yaml.Node
			if v, ok := flowItem(item); ok {
				r.val, r.ok = v, true
			} else if err := yaml.Unmarshal(item, &doc); err == nil && doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
				if seq := doc.Content[0]; seq.Kind == yaml.SequenceNode && len(seq.Content) == 1 {
					r.val, r.ok = canonical(seq.Content[0], 1, false), true
				}
			}
			c.fields["\x00"+string(item)] = r
		}
		if !r.ok {
			return "", "", false
		}
		parts = append(parts, r.val)
	}
	return string(k), "[" + strings.Join(parts, ", ") + "]", true
}

// flowItem reads a revision-table row "- { key: value, key: value }"
// without YAML, giving canonical's text for it (see flowCollection).
func flowItem(item []byte) (string, bool) {
	s, ok := strings.CutPrefix(string(item), "- ")
	if !ok {
		return "", false
	}
	return flowCollection(strings.TrimLeft(s, " "))
}

// flowField reads a one-line field whose value is a flow collection,
// "clause: [\"6.1.3\", \"8.2\"]", without YAML (see flowCollection).
func flowField(ch []byte) (key, val string, ok bool) {
	line, rest, _ := cutLine(ch)
	if len(bytes.TrimRight(rest, " \r\n")) > 0 {
		return "", "", false // more lines
	}
	k, v, found := bytes.Cut(line, []byte(":"))
	if !found || !isIdent(k) || isNull(k) || !bytes.HasPrefix(v, []byte(" ")) {
		return "", "", false
	}
	if val, ok = flowCollection(strings.TrimLeft(string(v), " ")); !ok {
		return "", "", false
	}
	return string(k), val, true
}

// flowCollection reads a flow mapping "{ key: value, … }" or sequence
// "[value, …]" on one line, nothing after it, and gives canonical's text
// for it, when every key is an identifier (not a null) and every value
// one of: a double- or single-quoted string of printable characters with
// no quote or backslash inside, a plain word starting with a letter (not
// true, false or null), an ISO date, or digits with at most one point.
// Anything else (comments, escapes, nesting, repeated keys, a trailing
// comma, plain text YAML would read as something else) is not ok and
// left to YAML: yaml.v3 costs about 20 µs and 20 KB a call, which was
// most of the cost of parsing 5,000 versions' front-matter.
// FuzzFlowItem and FuzzFrontCache hold it to YAML's reading.
func flowCollection(s string) (string, bool) {
	s = strings.TrimRight(s, " \r")
	if len(s) < 2 {
		return "", false
	}
	open, end := s[0], s[len(s)-1]
	mapping := open == '{'
	if !(mapping && end == '}' || open == '[' && end == ']') {
		return "", false
	}
	s = strings.TrimLeft(s[1:len(s)-1], " ")
	var b strings.Builder
	b.WriteByte(open)
	var keys []string
	for n := 0; s != "" || n > 0; n++ {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return "", false // a trailing comma
		}
		if n > 0 {
			b.WriteString(", ")
		}
		if mapping {
			k, rest, found := strings.Cut(s, ":")
			if !found || !isIdent([]byte(k)) || isNull([]byte(k)) || slices.Contains(keys, k) || !strings.HasPrefix(rest, " ") {
				return "", false
			}
			keys = append(keys, k)
			b.WriteString(k)
			b.WriteString(": ")
			s = strings.TrimLeft(rest, " ")
		}
		var v string
		switch {
		case s == "":
			return "", false
		case s[0] == '"' || s[0] == '\'':
			q := strings.IndexByte(s[1:], s[0])
			if q < 0 {
				return "", false
			}
			v = s[1 : 1+q]
			if strings.ContainsAny(v, "\"'\\") || strconv.Quote(v) != `"`+v+`"` {
				return "", false
			}
			v, s = `"`+v+`"`, strings.TrimLeft(s[2+q:], " ")
		default:
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			var ok bool
			if v, ok = plainValue(strings.TrimRight(s[:end], " ")); !ok {
				return "", false
			}
			s = s[end:]
		}
		b.WriteString(v)
		if s == "" {
			break
		}
		if s[0] != ',' {
			return "", false
		}
		s = s[1:]
	}
	b.WriteByte(end)
	return b.String(), true
}

// plainValue is canonical's text for a plain scalar inside a flow
// mapping, for the few shapes whose YAML reading is certain: a word of
// letters, digits, spaces and . _ ( ) / - starting with a letter is a
// string (quoted); an ISO date that is a real day is a timestamp, and
// digits with at most one point a number (both shown bare).
func plainValue(v string) (string, bool) {
	if v == "" || strings.HasSuffix(v, " ") {
		return "", false
	}
	switch c := v[0]; {
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		for i := 0; i < len(v); i++ {
			if c := v[i]; !isAlnum(c) && !strings.ContainsRune(" ._()/-", rune(c)) {
				return "", false
			}
		}
		switch v {
		case "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL":
			return "", false
		}
		return `"` + v + `"`, true
	case c >= '0' && c <= '9':
		if len(v) == 10 && v[4] == '-' && v[7] == '-' {
			if _, err := time.Parse("2006-01-02", v); err == nil {
				return v, true
			}
			return "", false
		}
		if len(v) > 15 || strings.Count(v, ".") > 1 || v[len(v)-1] == '.' {
			return "", false
		}
		for i := 0; i < len(v); i++ {
			if c := v[i]; (c < '0' || c > '9') && c != '.' {
				return "", false
			}
		}
		return v, true
	}
	return "", false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

const maxKey = 1000

// isIdent reports whether b is a key the fast paths read: an identifier
// of at most maxKey bytes (YAML refuses a simple key whose ":" comes more
// than 1,024 characters after it starts).
func isIdent(b []byte) bool {
	if len(b) == 0 || len(b) > maxKey {
		return false
	}
	for i, c := range b {
		if !(isAlnum(c) || c == '_') || i == 0 && c >= '0' && c <= '9' {
			return false
		}
	}
	return true
}

func isNull(b []byte) bool {
	s := string(b)
	return s == "null" || s == "Null" || s == "NULL"
}

// topLevelChunks cuts a front-matter into the text of each top-level
// field: a line that starts at column 0 with anything but a space, a tab,
// "#" or "-" starts a field; the lines after it, up to the next such
// line, belong to it. ok is false for anything that makes the pieces
// depend on each other or is not a block mapping: anchors and aliases
// ("&", "*"), tags ("!"), directives and document markers, a flow
// collection, complex key or sequence at the top.
func topLevelChunks(src []byte) (chunks [][]byte, ok bool) {
	if bytes.ContainsAny(src, "&*!\t") || !utf8.Valid(src) {
		return nil, false
	}
	start := -1
	for pos := 0; pos < len(src); {
		line, rest, _ := cutLine(src[pos:])
		next := len(src) - len(rest)
		if len(line) > 0 {
			switch c := line[0]; {
			case start < 0 && c == ' ':
				if t := bytes.TrimLeft(line, " "); len(t) > 0 && t[0] != '#' {
					return nil, false // indented text before the first field
				}
			case c == ' ' || c == '#':
			case c == '-':
				if start < 0 || bytes.HasPrefix(line, []byte("---")) {
					return nil, false
				}
			case c == '%' || c == '{' || c == '[' || c == '?' || c == '.' || c == '"' || c == '\'' || c == '|' || c == '>' || c == '@' || c == '`':
				return nil, false
			default:
				if start >= 0 {
					chunks = append(chunks, src[start:pos])
					start = pos
				} else {
					start = 0 // comments and blank lines before it go with the first field
				}
			}
		}
		pos = next
	}
	if start >= 0 {
		chunks = append(chunks, src[start:])
	} else if len(bytes.TrimSpace(src)) > 0 {
		return nil, false // comments only: ParseFront says what it makes of them
	}
	return chunks, true
}

// Get is a field's canonical value ("" when absent or null).
func (f Front) Get(key string) string { return f.Vals[key] }

// Changes compares two parsed front-matters like FieldChanges.
func Changes(old, new Front) []Change {
	var out []Change
	for _, k := range new.Keys {
		if o, n := old.Vals[k], new.Vals[k]; o != n {
			out = append(out, Change{Field: k, Old: o, New: n})
		}
	}
	for _, k := range old.Keys {
		if _, ok := new.Vals[k]; !ok && old.Vals[k] != "" {
			out = append(out, Change{Field: k, Old: old.Vals[k]})
		}
	}
	return out
}

// Fields returns the top-level fields of a front-matter as the same
// canonical text FieldChanges shows (for the version and status a file had
// at each revision). A null field is left out.
func Fields(front []byte) (map[string]string, error) {
	_, vals, err := topLevel(front)
	if err != nil {
		return nil, err
	}
	for k, v := range vals {
		if v == "" {
			delete(vals, k)
		}
	}
	return vals, nil
}

// topLevel parses a front-matter into its keys in order and their
// canonical values. A repeated key keeps its first place and its last value.
func topLevel(src []byte) ([]string, map[string]string, error) {
	vals := map[string]string{}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, vals, nil // empty
	}
	m := doc.Content[0]
	if m.Kind == yaml.ScalarNode && m.Tag == "!!null" {
		return nil, vals, nil
	}
	if m.Kind != yaml.MappingNode {
		return nil, nil, fmt.Errorf("line %d: not a mapping of fields", m.Line)
	}
	var keys []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := canonical(m.Content[i], 0, true)
		if _, seen := vals[k]; !seen {
			keys = append(keys, k)
		}
		vals[k] = canonical(m.Content[i+1], 0, true)
	}
	return keys, vals, nil
}

// maxDepth bounds nesting (and alias chains) so no input recurses forever.
const maxDepth = 32

// canonical renders a node compactly. Top-level scalars show bare (version:
// 2.3); nested strings are quoted so a list reads ["6.1.2", "8.2"].
func canonical(n *yaml.Node, depth int, top bool) string {
	if depth > maxDepth {
		return "…"
	}
	switch n.Kind {
	case yaml.AliasNode:
		if n.Alias == nil {
			return ""
		}
		return canonical(n.Alias, depth+1, top)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return ""
		}
		return canonical(n.Content[0], depth+1, top)
	case yaml.SequenceNode:
		parts := make([]string, len(n.Content))
		for i, c := range n.Content {
			parts[i] = canonical(c, depth+1, false)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case yaml.MappingNode:
		var parts []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			parts = append(parts, canonical(n.Content[i], depth+1, true)+": "+canonical(n.Content[i+1], depth+1, false))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			if top {
				return ""
			}
			return "null"
		case "!!str":
			if top && n.Value != "" && !strings.ContainsAny(n.Value, "\n") {
				return n.Value
			}
			return strconv.Quote(n.Value)
		}
		return n.Value
	}
	return ""
}
