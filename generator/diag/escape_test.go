package diag

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"content/policies/access.md", "content/policies/access.md"},
		{"café — naïve", "café — naïve"},
		{`a\b`, `a\b`},
		{"x\x1b[2J\x1b]0;pwned\x07.md", `x\x1b[2J\x1b]0;pwned\x07.md`},
		{"\u202egnp.exe", `\u202egnp.exe`},
		{"a\u200bb\ufeff", `a\u200bb\ufeff`},
		{"two\nlines\r\tx", `two\nlines\r\tx`},
		{"c1\u009b31m", `c1\u009b31m`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"del\x7f", `del\x7f`},
	} {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// A diagnostic about a file whose name carries terminal escapes prints
// them escaped, path and message alike, on one line.
func TestDiagnosticStringEscapes(t *testing.T) {
	var l List
	name := "content/\x1b[31mred\x1b[0m\u202egnp.md"
	l.Errorf(Pos{Path: name, Line: 2, Col: 3}, "bad-name", "file name %s holds\ncontrol characters", name)
	got := l.String()
	if strings.ContainsAny(got[:len(got)-1], "\x1b\n\u202e") {
		t.Fatalf("raw control characters printed: %q", got)
	}
	want := `content/\x1b[31mred\x1b[0m\u202egnp.md:2:3: error: file name content/\x1b[31mred\x1b[0m\u202egnp.md holds\ncontrol characters (bad-name)` + "\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// FuzzEscape: the result is valid UTF-8 with no control or invisible
// character, and text that needs no escaping is left as it is.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"plain", "x\x1b[2Jy", "\u202egnp.exe", "bad\xff", "\t\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		if !utf8.ValidString(e) {
			t.Fatalf("Escape(%q) = %q: invalid UTF-8", s, e)
		}
		for _, r := range e {
			if needsEscape(r) {
				t.Fatalf("Escape(%q) = %q holds %U", s, e, r)
			}
		}
		if utf8.ValidString(s) && strings.IndexFunc(s, needsEscape) < 0 && e != s {
			t.Fatalf("Escape(%q) = %q, want it unchanged", s, e)
		}
	})
}
