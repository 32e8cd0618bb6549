package importer

import (
	"fmt"
	"regexp"
	"strings"
)

// mdLink matches an inline Markdown link's destination and optional title.
var mdLink = regexp.MustCompile(`\]\(([^()\s]*)(\s+"[^"]*")?\)`)

// mustacheTag matches {{name}}, {{ name }}, {{&name}}, {{{name}}},
// {{#name}}, {{^name}}, {{/name}} and {{! comment }}.
var mustacheTag = regexp.MustCompile(`\{\{(\{?)\s*([#^/&!]?)\s*([^{}]*?)\s*\}?\}\}`)

// renderMustache renders the subset of Mustache the policy templates use:
// variables and sections over a flat map. A variable that is missing or
// empty is left as written, for a person to fill in (the checklist lists
// it). A section over a missing variable is left out, as Mustache does;
// its name is returned so the caller can say so.
func renderMustache(tpl string, vars map[string]any) (string, []string) {
	var missing []string
	out := mustacheBlock(tpl, vars, &missing)
	return out, missing
}

func mustacheBlock(tpl string, vars map[string]any, missing *[]string) string {
	var b strings.Builder
	for {
		loc := mustacheTag.FindStringSubmatchIndex(tpl)
		if loc == nil {
			b.WriteString(tpl)
			return b.String()
		}
		b.WriteString(tpl[:loc[0]])
		whole := tpl[loc[0]:loc[1]]
		sigil, name := tpl[loc[4]:loc[5]], tpl[loc[6]:loc[7]]
		rest := tpl[loc[1]:]
		switch sigil {
		case "!":
			tpl = rest
		case "/":
			b.WriteString(whole) // a stray closing tag: left as written
			tpl = rest
		case "#", "^":
			inner, after, ok := sectionBody(rest, name)
			if !ok {
				b.WriteString(whole) // never closed: left as written
				tpl = rest
				continue
			}
			v, present := vars[name]
			if !present && sigil == "#" {
				*missing = append(*missing, name)
			}
			if truthy(v) == (sigil == "#") {
				b.WriteString(mustacheBlock(inner, vars, missing))
			}
			tpl = trimStandalone(after)
		default:
			if s := valueText(vars[name]); s != "" {
				b.WriteString(s)
			} else {
				b.WriteString(whole)
			}
			tpl = rest
		}
	}
}

// sectionBody splits s at the {{/name}} that closes a section opened just
// before s, counting nested sections of the same name.
func sectionBody(s, name string) (inner, after string, ok bool) {
	depth := 0
	off := 0
	for {
		loc := mustacheTag.FindStringSubmatchIndex(s[off:])
		if loc == nil {
			return "", "", false
		}
		sigil, n := s[off+loc[4]:off+loc[5]], s[off+loc[6]:off+loc[7]]
		if n == name {
			switch sigil {
			case "#", "^":
				depth++
			case "/":
				if depth == 0 {
					return trimStandalone(s[:off+loc[0]]), s[off+loc[1]:], true
				}
				depth--
			}
		}
		off += loc[1]
	}
}

// trimStandalone drops the line break after a tag that stood on its own
// line, as Mustache does, so sections leave no blank lines behind.
func trimStandalone(s string) string {
	if strings.HasPrefix(s, "\n") {
		return s[1:]
	}
	return s
}

func truthy(v any) bool {
	switch v := v.(type) {
	case nil:
		return false
	case bool:
		return v
	case string:
		return v != ""
	case []any:
		return len(v) > 0
	case float64:
		return v != 0
	}
	return true
}

func valueText(v any) string {
	switch v := v.(type) {
	case nil, bool, []any, map[string]any:
		return ""
	case string:
		return v
	case float64:
		return fmt.Sprint(v)
	}
	return fmt.Sprint(v)
}

var (
	refDef      = regexp.MustCompile(`(?m)^ {0,3}\[([^\[\]]+)\]:[ \t]*<?([^\s>]*)>?(?:[ \t]+("[^"\n]*"|'[^'\n]*'))?[ \t]*\n?`)
	refFull     = regexp.MustCompile(`\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\[([^\[\]]*)\]`)
	refShortcut = regexp.MustCompile(`\[([^\[\]]+)\]([^\[(:]|$)`)
)

// inlineRefLinks turns reference links into inline links and drops their
// definitions. Templates that are concatenated into one document (a
// policy and its procedures) each number their links [1], [2]…; once
// joined, CommonMark would send every [1] to the first definition.
func inlineRefLinks(md string) string {
	defs := map[string]string{}
	for _, m := range refDef.FindAllStringSubmatch(md, -1) {
		label := strings.ToLower(strings.TrimSpace(m[1]))
		if _, dup := defs[label]; dup {
			continue
		}
		d := m[2]
		if m[3] != "" {
			d += " " + m[3]
		}
		defs[label] = d
	}
	if len(defs) == 0 {
		return md
	}
	md = refDef.ReplaceAllString(md, "")
	md = refFull.ReplaceAllStringFunc(md, func(s string) string {
		m := refFull.FindStringSubmatch(s)
		label := m[2]
		if label == "" {
			label = m[1]
		}
		if d, ok := defs[strings.ToLower(strings.TrimSpace(label))]; ok {
			return "[" + m[1] + "](" + d + ")"
		}
		return s
	})
	return refShortcut.ReplaceAllStringFunc(md, func(s string) string {
		m := refShortcut.FindStringSubmatch(s)
		if d, ok := defs[strings.ToLower(strings.TrimSpace(m[1]))]; ok {
			return "[" + m[1] + "](" + d + ")" + m[2]
		}
		return s
	})
}
