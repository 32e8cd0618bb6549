package markdown

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
)

// noLinksCases are texts in which linkify can find nothing (most of
// them: those linkifyFree turns down are skipped), written to
// stress what goldmark does at a space when linkify is asked there:
// trailing spaces and hard breaks, emphasis and strikethrough next to
// spaces, parentheses, tables, headings, lists, quotes, typographer
// quotes, code spans, escapes, tabs, CRLF.
var noLinksCases = []string{
	"",
	" ",
	"plain words and more words\n",
	"trailing spaces  \nhard break above\\\nand a backslash break\n",
	"a *b* _c_ ~~d~~ **e f** __g h__ (i) ( j ) [k](l) ![m](n.png)\n",
	"  leading spaces\n\ttab\tinside\n",
	"# Heading with  spaces  #\n\n## Heading *with* `code` ##\n\nSetext\n===\n",
	"- item one\n- item  two  \n  continued\n\n1. first\n2. second\n",
	"> quote with *emphasis*\n> and more   \n",
	"| a | b |\n|---|:-:|\n| c d | `e \\| f` |\n",
	"\"quotes\" and 'single' -- dashes --- and ... ellipsis << >>\n",
	"line one\r\nline two  \r\nline three\r\n",
	"word\u00a0nbsp and\u3000ideographic space\n",
	"* * *\n\n***bold italic*** and *(paren)* _(under)_ ~(tilde)~\n",
	"- [ ] task one\n- [x] task *two*\n",
	"Footnote[^1] here.\n\n[^1]: The note  \n  continued.\n",
	"text <span>raw</span> <a id=\"x\">anchor</a>\n",
	"```go\nfunc main() {  }\n```\n\n    indented code  \n",
	"ends without newline  ",
	"a\n\nb  \n\nc\\\n",
	"*a *b* c*  d _e_f_ g__h__\n",
	"(*) (_) (~) ( * ) ( _ ) space *\n",
	"| a \t  | b |\n|---|---|\n| c  \t | d |\n",
	"| a\r \t | b\t\t |\n|---|---|\n| c \r | d \v\f |\n",
	"a \\\n\tb\t \\\nc",
	"*a \t*  _b\t \t_ `c \t`\n",
	"| `a \t ` | *b \t* |\n|---|---|\n",
	"one space \nsecond \r\nhard  \nhard crlf  \r\nlast",
	// Where the two differ, which linkifyFree turns down (the fuzzer's
	// finds): more white space at a line's end than a hard break takes
	// off, a space after a carriage return, a form feed's line.
	"0    \n00",
	"0\r \n0",
	"\f    \n|",
	// The review's finds: a hard break's spaces made text by a table
	// before a setext underline, and goldmark-meta's block kept as text.
	"---\ntitle: T\n---\nOwners:  \n| Role | Name |\n|---|---|\n| CISO | Ann |\n---\n",
	"a  \n| x |\n|---|\n-\n",
	"a  \r\n| x |\n|---|\n=\n",
	"- -\n\tSee the policy below.\n",
	"> ---\n>\tx y\n",
	"-\n0000000000000000000\n  ",
}

// TestNoLinksParserMatches: on a text in which linkify can find nothing,
// the parser without linkify gives what the one with it gives: the same
// HTML, headings and their ids, links and their offsets, anchors, lead,
// and plain text of every block (what search indexes).
func TestNoLinksParserMatches(t *testing.T) {
	texts := append([]string(nil), noLinksCases...)
	// Real documents: the sample ISMS and, where present, the corpora
	// written for other tools.
	for _, dir := range []string{"../../content", "../../../shared/corpora"} {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
				if b, err := os.ReadFile(p); err == nil {
					texts = append(texts, string(b))
				}
			}
			return nil
		})
	}
	// Raw HTML passed through too, where the HTML renderer differs.
	for _, o := range []Options{{}, {UnsafeHTML: true}} {
		m, checked := New(o), 0
		for _, src := range texts {
			if noLinksAgree(t, m, src) {
				checked++
			}
		}
		if checked < len(noLinksCases) {
			t.Fatalf("%+v: only %d texts without a possible link, of %d", o, checked, len(texts))
		}
	}
}

func FuzzNoLinksParserMatches(f *testing.F) {
	for _, src := range noLinksCases {
		f.Add(src)
	}
	m := New(Options{})
	f.Fuzz(func(t *testing.T, src string) {
		noLinksAgree(t, m, src)
		// And the same bytes as Markdown's punctuation and white space,
		// where random bytes would rarely make a table or a hard break.
		const alpha = "ab0 \t\r\n*_~()[]!|-`#>\\:.\"'<&=+ \n\v\f"
		mapped := []byte(src)
		for i, c := range mapped {
			mapped[i] = alpha[int(c)%len(alpha)]
		}
		noLinksAgree(t, m, string(mapped))
	})
}

// noLinksAgree compares the two parsers on src, and says whether it could
// (src may hold a possible link: then only the one with linkify is used).
func noLinksAgree(t *testing.T, m *Markdown, src string) bool {
	t.Helper()
	blanked := blankFrontMatter([]byte(src))
	if !linkifyFree(blanked) {
		return false
	}
	with := m.parseWith(m.md, []byte(src), blanked)
	without := m.Parse([]byte(src)) // without linkify, unless goldmark-meta failed
	a, b := docSummary(t, m, with), docSummary(t, m, without)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("%q: with linkify\n%s\nwithout\n%s", src, a, b)
	}
	return true
}

// docSummary is what a parsed document gives the rest of the build.
func docSummary(t *testing.T, m *Markdown, d *Doc) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "headings %+v\nanchors %q\nlead %q\nmermaid %v\n", d.Headings, d.Anchors, d.Lead, d.Mermaid)
	for _, l := range d.Links {
		fmt.Fprintf(&b, "link %q at %d external %v\n", l.Dest, l.Offset, l.ExternalImage)
	}
	for n := d.Root.FirstChild(); n != nil; n = n.NextSibling() {
		fmt.Fprintf(&b, "block %s %q\n", n.Kind(), AppendPlainText(nil, n, d.Src))
	}
	_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && n.Type() == ast.TypeBlock && n.FirstChild() != nil && n.FirstChild().Type() == ast.TypeInline {
			fmt.Fprintf(&b, "text %s %q\n", n.Kind(), AppendPlainText(nil, n, d.Src))
		}
		return ast.WalkContinue, nil
	})
	body, err := m.Render(d, nil)
	fmt.Fprintf(&b, "html %q err %v\n", bytes.TrimSpace(body), err)
	return b.String()
}
