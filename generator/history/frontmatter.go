package history

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// SplitFrontMatter splits a document into its YAML front-matter and body.
// The front-matter is there when the first line is exactly "---" and a
// later line is exactly "---" ("\r\n" line ends accepted); front is the
// text between those lines, body everything after the closing one.
// Otherwise front is nil and body is the whole document.
func SplitFrontMatter(src []byte) (front, body []byte) {
	first, rest, ok := cutLine(src)
	if !ok || string(first) != "---" {
		return nil, src
	}
	for pos := 0; pos < len(rest); {
		line, next, nl := cutLine(rest[pos:])
		if string(line) == "---" {
			return rest[:pos], next
		}
		if !nl {
			break
		}
		pos = len(rest) - len(next)
	}
	return nil, src
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

// FieldChanges compares two front-matters field by field, in the order of
// the keys in the new version, then the keys only the old one had. Values
// are compared as canonical text, so re-quoting or re-indenting a value is
// not a change. An error means one side is not a YAML mapping.
func FieldChanges(oldFront, newFront []byte) ([]Change, error) {
	o, err := ParseFront(oldFront)
	if err != nil {
		return nil, fmt.Errorf("old front-matter: %w", err)
	}
	n, err := ParseFront(newFront)
	if err != nil {
		return nil, fmt.Errorf("new front-matter: %w", err)
	}
	return Changes(o, n), nil
}

// Front is a parsed front-matter: its top-level keys in order and their
// canonical values. Parse each version once with ParseFront and compare
// the results with Changes, rather than parsing twice through FieldChanges.
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

// Parse is ParseFront, reusing fields seen before.
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
		r, seen := c.fields[ch]
		if !seen {
			keys, vals, err := topLevel([]byte(ch))
			if r.ok = err == nil && len(keys) == 1; r.ok {
				r.key, r.val = keys[0], vals[keys[0]]
			}
			c.fields[ch] = r
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

// topLevelChunks cuts a front-matter into the text of each top-level
// field: a line that starts at column 0 with anything but a space, a tab,
// "#" or "-" starts a field; the lines after it, up to the next such
// line, belong to it. ok is false for anything that makes the pieces
// depend on each other or is not a block mapping: anchors and aliases
// ("&", "*"), tags ("!"), directives and document markers, a flow
// collection, complex key or sequence at the top.
func topLevelChunks(src []byte) (chunks []string, ok bool) {
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
					chunks = append(chunks, string(src[start:pos]))
					start = pos
				} else {
					start = 0 // comments and blank lines before it go with the first field
				}
			}
		}
		pos = next
	}
	if start >= 0 {
		chunks = append(chunks, string(src[start:]))
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
