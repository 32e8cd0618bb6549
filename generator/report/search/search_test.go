package search

import (
	"strings"
	"testing"
)

func TestTruncateWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"one two three four", 12, "one two"},
		{"ééééé", 5, "éé"}, // never cuts a rune in half
	} {
		if got := truncateWords(tc.in, tc.n); got != tc.want {
			t.Errorf("truncateWords(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

// TestSearchIndexSize builds 1,000 generated documents and reports the
// index size; it fails if the index grows past 2.5 kB per document, which
// would make the first search slow on a phone. It takes tens of seconds on
// a loaded machine, so it runs on request:
//
//	ISMS_MEASURE=1 go test -run TestSearchIndexSize -v ./generator/
func TestCollapseSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", "  a  b\t\nc  ", "x\u00a0y\u2003z", "bad\xffbyte \xfe", "\u3000lead", "end\u2028", "a\x85b", "é  ü"} {
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzCollapseSpace(f *testing.F) {
	f.Add("  a  b\t\nc  \xff\u00a0")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	})
}
