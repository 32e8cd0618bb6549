package history

import (
	"strings"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// LineKind says whether a diff line was kept, added or removed.
type LineKind uint8

const (
	Unchanged LineKind = iota
	Added
	Removed
)

// Sign is the unified-diff marker for the kind: " ", "+" or "-".
func (k LineKind) Sign() string {
	switch k {
	case Added:
		return "+"
	case Removed:
		return "-"
	}
	return " "
}

// Class is a CSS class name for the kind: "same", "add" or "del".
func (k LineKind) Class() string {
	switch k {
	case Added:
		return "add"
	case Removed:
		return "del"
	}
	return "same"
}

// Line is one line of a body diff, without its line end. OldNo and NewNo
// are 1-based line numbers in the old and new body; 0 where the line does
// not exist (an added line has no OldNo).
type Line struct {
	Kind         LineKind
	Text         string
	OldNo, NewNo int
}

// Hunk is a run of diff lines shown together. Skipped counts the unchanged
// lines hidden before it (render as "… N unchanged lines"); a final hunk
// with no Lines carries the unchanged lines hidden at the end.
type Hunk struct {
	Skipped int
	Lines   []Line
}

// ContextLines is how many unchanged lines BodyDiff keeps around each change.
const ContextLines = 3

// maxDiffLines bounds the line-diff algorithm's input; go-diff encodes each
// distinct line as one rune and cannot go past about a million. Larger
// bodies get a coarser diff (common head and tail kept, the rest replaced).
const maxDiffLines = 200_000

// BodyDiff compares two document bodies line by line and returns the changes
// with ContextLines lines of context; long unchanged stretches are
// collapsed. Equal bodies give no hunks. Line ends are normalised ("\r\n"
// as "\n", a missing final newline added) so that a change of line-end
// style, invisible on a page, does not show as every line changed.
func BodyDiff(oldBody, newBody string) []Hunk {
	oldBody, newBody = normaliseEOL(oldBody), normaliseEOL(newBody)
	if oldBody == newBody {
		return nil
	}
	hunks := collapse(diffLines(oldBody, newBody), ContextLines)
	// The lines kept are windows on go-diff's strings, which hold whole
	// runs of the bodies: copied, the bodies can go (a build of 1,000
	// documents with 5,000 versions held 150 MB of them).
	for _, h := range hunks {
		for i := range h.Lines {
			h.Lines[i].Text = strings.Clone(h.Lines[i].Text)
		}
	}
	return hunks
}

func normaliseEOL(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if s != "" && !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// diffLines returns every line of both texts, marked, in display order.
// Each distinct line becomes one rune, as go-diff's own line mode does,
// but the lines stay windows on a and b and are counted back from the
// diff rather than joined into strings and split again: go-diff's
// DiffLinesToChars and DiffCharsToLines were half the cost of a diff.
// The diff itself is go-diff's on the same runes, so the lines marked are
// the ones its line mode marks (TestDiffLinesIsLineMode).
func diffLines(a, b string) []Line {
	if strings.Count(a, "\n")+strings.Count(b, "\n") > maxDiffLines {
		var n numbering
		emitCoarse(a, b, n.run)
		return n.out
	}
	al, bl := splitLines(a), splitLines(b)
	ids := make(map[string]rune, len(al))
	runes := func(lines []string) []rune {
		rs := make([]rune, len(lines))
		for i, l := range lines {
			r, ok := ids[l]
			if !ok {
				r = lineRune(len(ids))
				ids[l] = r
			}
			rs[i] = r
		}
		return rs
	}
	ra, rb := runes(al), runes(bl)
	dmp := diffmatchpatch.New()
	// No deadline: a timeout would make the output depend on machine load,
	// and builds must be reproducible.
	dmp.DiffTimeout = 0
	out := make([]Line, 0, max(len(al), len(bl))+8)
	i, j := 0, 0 // next line of a, of b
	for _, d := range dmp.DiffMainRunes(ra, rb, false) {
		for range utf8.RuneCountInString(d.Text) {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				out = append(out, Line{Kind: Unchanged, Text: al[i], OldNo: i + 1, NewNo: j + 1})
				i++
				j++
			case diffmatchpatch.DiffDelete:
				out = append(out, Line{Kind: Removed, Text: al[i], OldNo: i + 1})
				i++
			case diffmatchpatch.DiffInsert:
				out = append(out, Line{Kind: Added, Text: bl[j], NewNo: j + 1})
				j++
			}
		}
	}
	return out
}

// numbering turns runs of marked text (whole lines, one run after the
// other) into numbered lines.
type numbering struct {
	out          []Line
	oldNo, newNo int // of the last line in each text
}

func (n *numbering) run(kind LineKind, text string) {
	for l := range strings.SplitSeq(strings.TrimSuffix(text, "\n"), "\n") {
		ln := Line{Kind: kind, Text: l}
		if kind != Added {
			n.oldNo++
			ln.OldNo = n.oldNo
		}
		if kind != Removed {
			n.newNo++
			ln.NewNo = n.newNo
		}
		n.out = append(n.out, ln)
	}
}

// splitLines cuts s, which ends in a line end unless empty, into its
// lines without their ends.
func splitLines(s string) []string {
	lines := make([]string, 0, strings.Count(s, "\n"))
	for len(s) > 0 {
		k := strings.IndexByte(s, '\n')
		if k < 0 {
			return append(lines, s)
		}
		lines = append(lines, s[:k])
		s = s[k+1:]
	}
	return lines
}

// lineRune is the rune standing for the n-th distinct line: a valid code
// point for every n below maxDiffLines (surrogates are skipped: go-diff
// merges runs of the diff as strings, where every surrogate would turn
// into the same U+FFFD and distinct lines compare equal).
func lineRune(n int) rune {
	if n >= 0xd800 {
		n += 0x800
	}
	return rune(n)
}

// emitCoarse keeps the common leading and trailing lines and shows
// everything between as removed then added.
func emitCoarse(a, b string, emit func(LineKind, string)) {
	al := strings.SplitAfter(a, "\n")
	bl := strings.SplitAfter(b, "\n")
	p := 0
	for p < len(al) && p < len(bl) && al[p] == bl[p] {
		p++
	}
	s := 0
	for s < len(al)-p && s < len(bl)-p && al[len(al)-1-s] == bl[len(bl)-1-s] {
		s++
	}
	for _, part := range []struct {
		kind LineKind
		text []string
	}{
		{Unchanged, al[:p]}, {Removed, al[p : len(al)-s]}, {Added, bl[p : len(bl)-s]}, {Unchanged, al[len(al)-s:]},
	} {
		if t := strings.Join(part.text, ""); t != "" {
			emit(part.kind, t)
		}
	}
}

// collapse groups lines into hunks, hiding unchanged runs longer than the
// context needs. A hidden run is at least two lines: a marker in place of a
// single line would save nothing.
func collapse(lines []Line, context int) []Hunk {
	var hunks []Hunk
	cur := Hunk{}
	for i := 0; i < len(lines); {
		if lines[i].Kind != Unchanged {
			cur.Lines = append(cur.Lines, lines[i])
			i++
			continue
		}
		j := i
		for j < len(lines) && lines[j].Kind == Unchanged {
			j++
		}
		keepBefore, keepAfter := context, context // after the previous change, before the next
		if i == 0 {
			keepBefore = 0
		}
		if j == len(lines) {
			keepAfter = 0
		}
		if j-i-keepBefore-keepAfter < 2 {
			cur.Lines = append(cur.Lines, lines[i:j]...)
			i = j
			continue
		}
		cur.Lines = append(cur.Lines, lines[i:i+keepBefore]...)
		if len(cur.Lines) > 0 {
			hunks = append(hunks, cur)
		}
		cur = Hunk{Skipped: j - i - keepBefore - keepAfter, Lines: append([]Line(nil), lines[j-keepAfter:j]...)}
		i = j
	}
	if len(cur.Lines) > 0 || cur.Skipped > 0 {
		hunks = append(hunks, cur)
	}
	return hunks
}
