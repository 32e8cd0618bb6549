package model

import (
	"bytes"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// quickYAML reads the front-matter most documents have into the node tree
// yaml.v3 gives for it, without yaml.v3, whose parser costs about 90 µs a
// document however small the front-matter (6% of a build's CPU at 10,000
// documents). The shape it reads: top-level "key: value" lines whose
// values are plain or simply quoted scalars on one line, one-line flow
// sequences of them (clause: ["6.1", "8.2"]), or, after "key:", a block
// sequence of one-line items, each such a scalar, flow sequence, or flow
// mapping of them (- { version: "1.0", date: 2026-01-01 }). Anything else
// — comments, anchors, aliases, tags, block scalars, nested mappings,
// escapes, tabs, carriage returns, control characters, an empty value, a
// scalar whose type is not plain to see — is not ok, and goes to yaml.v3.
// TestQuickYAMLIsYAML and FuzzQuickYAML hold its trees to yaml.v3's, node
// for node, positions included.
func quickYAML(src []byte) (*yaml.Node, bool) {
	if !utf8.Valid(src) || bytes.ContainsAny(src, "\t\r#\x00") {
		return nil, false
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	var seq *yaml.Node // the block sequence a "key:" line opened, filling
	seqIndent := -1
	for n := 1; len(src) > 0; n++ {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		if len(line) == 0 {
			continue
		}
		if line[0] == ' ' || line[0] == '-' {
			// An item of the sequence the last key opened.
			ind := skipSpaces(line, 0)
			if seq == nil || !bytes.HasPrefix(line[ind:], []byte("- ")) || seqIndent >= 0 && ind != seqIndent {
				return nil, false
			}
			if seqIndent < 0 {
				seqIndent, seq.Line, seq.Column = ind, n, ind+1
			}
			item, end, ok := flowNode(line, skipSpaces(line, ind+2), n, false)
			if !ok || !blankFrom(line, end) {
				return nil, false
			}
			seq.Content = append(seq.Content, item)
			continue
		}
		if seq != nil && len(seq.Content) == 0 {
			return nil, false // "key:" with nothing after: a null, left to YAML
		}
		seq, seqIndent = nil, -1
		colon := bytes.IndexByte(line, ':')
		if colon < 0 || !quickKey(line[:colon]) || colon+1 < len(line) && line[colon+1] != ' ' {
			return nil, false
		}
		key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(line[:colon]), Line: n, Column: 1}
		at := skipSpaces(line, colon+1)
		var val *yaml.Node
		if at == len(line) {
			val = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			seq = val
		} else {
			var end int
			var ok bool
			if val, end, ok = flowNode(line, at, n, false); !ok || !blankFrom(line, end) {
				return nil, false
			}
		}
		if len(m.Content) == 0 {
			m.Line, m.Column = n, 1
		}
		m.Content = append(m.Content, key, val)
	}
	if len(m.Content) == 0 || seq != nil && len(seq.Content) == 0 {
		return nil, false
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: m.Line, Column: 1, Content: []*yaml.Node{m}}, true
}

// quickKey reports whether k is a key quickYAML reads: an identifier that
// YAML resolves to a string, short enough for a simple key.
func quickKey(k []byte) bool {
	if len(k) == 0 || len(k) > 1000 || !isASCIILetter(k[0]) && k[0] != '_' {
		return false
	}
	for _, c := range k {
		if !isASCIILetter(c) && !isASCIIDigit(c) && c != '_' && c != '-' {
			return false
		}
	}
	_, special := yamlWords[string(k)]
	return !special
}

// yamlWords are the plain scalars starting with a letter that YAML does
// not read as strings.
var yamlWords = map[string]string{
	"true": "!!bool", "True": "!!bool", "TRUE": "!!bool",
	"false": "!!bool", "False": "!!bool", "FALSE": "!!bool",
	"null": "!!null", "Null": "!!null", "NULL": "!!null",
}

// flowNode reads the node starting at line[at]: a flow sequence, a flow
// mapping (inside a sequence or mapping only when flow is set: then
// nested collections are not read) or a scalar. end is where it ends.
func flowNode(line []byte, at, n int, flow bool) (node *yaml.Node, end int, ok bool) {
	if at >= len(line) {
		return nil, 0, false
	}
	col := utf8.RuneCount(line[:at]) + 1
	switch c := line[at]; {
	case c == '[' || c == '{':
		if flow {
			return nil, 0, false
		}
		node = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle, Line: n, Column: col}
		closing := byte(']')
		if c == '{' {
			node.Kind, node.Tag, closing = yaml.MappingNode, "!!map", '}'
		}
		i := skipSpaces(line, at+1)
		if i < len(line) && line[i] == closing {
			return nil, 0, false // empty: rare, left to YAML
		}
		for {
			if c == '{' {
				colon := bytes.IndexByte(line[i:], ':')
				if colon < 0 || !quickKey(line[i:i+colon]) || i+colon+1 >= len(line) || line[i+colon+1] != ' ' {
					return nil, 0, false
				}
				node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: string(line[i : i+colon]), Line: n, Column: utf8.RuneCount(line[:i]) + 1})
				i = skipSpaces(line, i+colon+1)
			}
			item, e, ok := flowNode(line, i, n, true)
			if !ok {
				return nil, 0, false
			}
			node.Content = append(node.Content, item)
			i = skipSpaces(line, e)
			if i >= len(line) {
				return nil, 0, false
			}
			if line[i] == closing {
				return node, i + 1, true
			}
			if line[i] != ',' {
				return nil, 0, false
			}
			if i = skipSpaces(line, i+1); i >= len(line) || line[i] == closing {
				return nil, 0, false // a trailing comma
			}
		}
	case c == '"' || c == '\'':
		j := at + 1
		for j < len(line) && line[j] != c {
			if line[j] == '\\' && c == '"' || !quickRune(line, &j) {
				return nil, 0, false
			}
		}
		if j >= len(line) {
			return nil, 0, false
		}
		style := yaml.DoubleQuotedStyle
		if c == '\'' {
			style = yaml.SingleQuotedStyle
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: style, Value: string(line[at+1 : j]), Line: n, Column: col}, j + 1, true
	}
	// A plain scalar: it starts with a letter or digit and holds letters,
	// digits, spaces and a few marks; in a flow collection it ends at a
	// ',', ']' or '}'.
	first, _ := utf8.DecodeRune(line[at:])
	if !unicode.IsLetter(first) && !unicode.IsDigit(first) {
		return nil, 0, false
	}
	j, last := at, at
	for j < len(line) {
		c := line[j]
		if flow && (c == ',' || c == ']' || c == '}') {
			break
		}
		if c < utf8.RuneSelf && !isASCIILetter(c) && !isASCIIDigit(c) && strings.IndexByte(" ._/()+,-@&'!?%=;*~$", c) < 0 {
			return nil, 0, false
		}
		if c != ' ' {
			if !quickRune(line, &j) {
				return nil, 0, false
			}
			last = j
		} else {
			j++
		}
	}
	v := string(line[at:last])
	tag, ok := plainTag(v)
	if !ok {
		return nil, 0, false
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: v, Line: n, Column: col}, j, true
}

// quickRune steps *j over one printable character of line: ASCII from
// space to '~', or a letter, digit, mark, punctuation or symbol beyond
// ASCII (not YAML's line breaks U+0085, U+2028 and U+2029, nor a byte
// order mark).
func quickRune(line []byte, j *int) bool {
	c := line[*j]
	if c < utf8.RuneSelf {
		*j++
		return c >= ' ' && c < 0x7f
	}
	r, size := utf8.DecodeRune(line[*j:])
	*j += size
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S)
}

// plainTag is the tag YAML resolves the plain scalar v to, when it is
// plain to see: a word starting with a letter is a string unless it is
// one of yamlWords; starting with a digit, a decimal integer, a date, a
// decimal fraction, or a string with a character no number has. Anything
// else (octal, hex, exponents, underscores, times) is not ok.
func plainTag(v string) (string, bool) {
	if !isASCIIDigit(v[0]) {
		if tag, ok := yamlWords[v]; ok {
			return tag, true
		}
		return "!!str", true
	}
	if len(v) > 1 && v[0] == '0' {
		return "", false
	}
	if len(v) >= 5 && allDigits(v[:4]) && v[4] == '-' {
		if _, err := time.Parse("2006-01-02", v); err == nil && len(v) == 10 {
			return "!!timestamp", true
		}
		return "", false
	}
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return "!!int", true
	}
	if dots := strings.Count(v, "."); dots >= 2 && strings.Trim(v, ".0123456789") == "" {
		return "!!str", true // a clause number such as 6.1.2: no integer, no float
	}
	numeric := true
	for i := 0; i < len(v); i++ {
		if c := v[i]; !isASCIIDigit(c) && strings.IndexByte(".eE+-_", c) < 0 {
			numeric = false
		}
	}
	if !numeric {
		return "!!str", true
	}
	if dot := strings.IndexByte(v, '.'); dot > 0 && dot < len(v)-1 && allDigits(v[:dot]) && allDigits(v[dot+1:]) {
		return "!!float", true
	}
	return "", false
}

func blankFrom(line []byte, i int) bool { return skipSpaces(line, i) == len(line) }

func skipSpaces(line []byte, i int) int {
	for i < len(line) && line[i] == ' ' {
		i++
	}
	return i
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }
