package diag

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Hidden reports whether r changes how text around it is shown without
// being seen itself: the bidirectional embeddings, overrides and isolates
// (U+202E turns "\u202egnp.exe" into what reads as "exe.png"), the marks
// that steer them, and the zero-width characters and joiners.
func Hidden(r rune) bool {
	switch {
	case r == 0x061C, // Arabic letter mark
		r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0, // Hangul fillers
		r == 0x180E,                // Mongolian vowel separator
		r >= 0x200B && r <= 0x200F, // zero-width space, non-joiner, joiner; LRM, RLM
		r >= 0x202A && r <= 0x202E, // LRE, RLE, PDF, LRO, RLO
		r >= 0x2060 && r <= 0x2064, // word joiner, invisible operators
		r >= 0x2066 && r <= 0x2069, // LRI, RLI, FSI, PDI
		r == 0xFEFF:                // zero-width no-break space (BOM)
		return true
	}
	return false
}

// Control reports whether r is a C0 or C1 control character or DEL.
func Control(r rune) bool {
	return r < 0x20 || r == 0x7F || (r >= 0x80 && r <= 0x9F)
}

// Escape returns s with control characters, Hidden characters, line and
// paragraph separators and invalid UTF-8 written as Go escapes, so the
// result prints as one line that shows what it holds. Other text, a
// backslash included, is left as it is.
func Escape(s string) string {
	i := strings.IndexFunc(s, needsEscape)
	if i < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && needsEscape(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	return b.String()
}

func needsEscape(r rune) bool {
	return Control(r) || Hidden(r) || r == 0x2028 || r == 0x2029
}
