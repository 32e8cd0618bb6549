package markdown

import (
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
)

func TestHeadingIDs(t *testing.T) {
	src := "# Übersicht\n\n## Zugriff und Ämter\n\n## Purpose {#custom-purpose}\n\n## Purpose\n\n## Purpose\n\n## 東京 オフィス\n\n## ???\n"
	d := New(Options{}).Parse([]byte(src))
	var got []string
	for _, h := range d.Headings {
		got = append(got, h.ID)
	}
	want := "übersicht zugriff-und-ämter custom-purpose purpose purpose-1 東京-オフィス heading"
	if strings.Join(got, " ") != want {
		t.Errorf("ids %q\nwant %q", strings.Join(got, " "), want)
	}
	if d.Headings[2].Text != "Purpose" {
		t.Errorf("the {#id} attribute stays in the heading's text: %q", d.Headings[2].Text)
	}
}

// On ASCII text the ids are exactly goldmark's own, so existing links and
// bookmarks keep working.
func FuzzHeadingIDsMatchGoldmarkOnASCII(f *testing.F) {
	for _, s := range []string{"Purpose", "Risk  acceptance -- criteria_2", " x ", "", "a.b/c", "Purpose"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, s := range []string{a, b} {
			for i := 0; i < len(s); i++ {
				if s[i] >= 0x80 {
					return
				}
			}
		}
		ours, theirs := newHeadingIDs(), parser.NewContext().IDs()
		for _, s := range []string{a, b, a} {
			o, g := ours.Generate([]byte(s), ast.KindHeading), theirs.Generate([]byte(s), ast.KindHeading)
			if string(o) != string(g) {
				t.Fatalf("%q: ours %q, goldmark %q", s, o, g)
			}
		}
	})
}
