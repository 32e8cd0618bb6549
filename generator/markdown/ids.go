package markdown

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// headingIDs generates heading ids as GitHub does, keeping letters and
// digits of every script ("Übersicht" → "übersicht", not goldmark's
// "bersicht"): lower case, spaces, "-" and "_" as "-", everything else
// dropped, repeats numbered -1, -2, … ASCII headings get exactly goldmark's
// ids. Ids written with {#id} are taken as given (Put).
type headingIDs struct {
	used map[string]bool
	next map[string]int // the last number given to a base id
}

func newHeadingIDs() *headingIDs {
	return &headingIDs{used: map[string]bool{}, next: map[string]int{}}
}

func (s *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	var b strings.Builder
	for _, r := range string(util.TrimRightSpace(util.TrimLeftSpace(value))) {
		switch {
		case r == utf8.RuneError:
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case r < utf8.RuneSelf && (util.IsSpace(byte(r)) || r == '-' || r == '_'), r >= utf8.RuneSelf && unicode.IsSpace(r):
			b.WriteByte('-')
		}
	}
	base := b.String()
	if base == "" {
		base = "id"
		if kind == ast.KindHeading {
			base = "heading"
		}
	}
	if !s.used[base] {
		s.used[base] = true
		return []byte(base)
	}
	for i := s.next[base] + 1; ; i++ {
		id := base + "-" + strconv.Itoa(i)
		if !s.used[id] {
			s.used[id] = true
			s.next[base] = i
			return []byte(id)
		}
	}
}

func (s *headingIDs) Put(value []byte) { s.used[string(value)] = true }
