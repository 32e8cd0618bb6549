package history

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/sergi/go-diff/diffmatchpatch"
)

func TestSplitFrontMatter(t *testing.T) {
	tests := []struct {
		name, src   string
		front, body string
		has         bool
	}{
		{"plain", "---\na: 1\n---\nbody\n", "a: 1\n", "body\n", true},
		{"crlf", "---\r\na: 1\r\n---\r\nbody\r\n", "a: 1\r\n", "body\r\n", true},
		{"empty front", "---\n---\nbody", "", "body", true},
		{"closing at end", "---\na: 1\n---", "a: 1\n", "", true},
		{"none", "# Title\n---\n", "", "# Title\n---\n", false},
		{"unclosed", "---\na: 1\n", "", "---\na: 1\n", false},
		{"not exact", "--- \na: 1\n---\n", "", "--- \na: 1\n---\n", false},
		{"dashes inside", "---\na: ----\n--- x\n---\nb\n", "a: ----\n--- x\n", "b\n", true},
		{"empty", "", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			front, body := SplitFrontMatter([]byte(tt.src))
			if (front != nil) != tt.has || string(front) != tt.front || string(body) != tt.body {
				t.Errorf("SplitFrontMatter(%q) = %q, %q; want %q, %q (front-matter %v)", tt.src, front, body, tt.front, tt.body, tt.has)
			}
		})
	}
}

func TestFieldChanges(t *testing.T) {
	tests := []struct {
		name, old, new string
		want           []Change
	}{
		{"same", "a: 1\nb: [x]\n", "b:\n  - x\na: 1\n", nil},
		{"requoted", "version: 2.3\n", "version: \"2.3\"\n", nil},
		{"scalar", "version: \"2.3\"\nstatus: draft\n", "version: \"2.4\"\nstatus: approved\n",
			[]Change{{"version", "2.3", "2.4"}, {"status", "draft", "approved"}}},
		{"list", "controls: [\"6.1.2\"]\n", "controls:\n  - \"6.1.2\"\n  - \"8.2\"\n",
			[]Change{{"controls", `["6.1.2"]`, `["6.1.2", "8.2"]`}}},
		{"order: new keys, then removed", "gone: x\nb: 1\nkept: k\n", "c: 3\nb: 2\nkept: k\n",
			[]Change{{"c", "", "3"}, {"b", "1", "2"}, {"gone", "x", ""}}},
		{"mapping", "owner: {name: A, role: CISO}\n", "owner:\n  name: B\n  role: CISO\n",
			[]Change{{"owner", `{name: "A", role: "CISO"}`, `{name: "B", role: "CISO"}`}}},
		{"null is absent", "owner:\n", "owner: J. Doe\n", []Change{{"owner", "", "J. Doe"}}},
		{"empty string shows", "owner: ''\n", "owner: J\n", []Change{{"owner", `""`, "J"}}},
		{"types differ in lists", "l: [1, true, null]\n", "l: ['1', 'true', 'null']\n",
			[]Change{{"l", `[1, true, null]`, `["1", "true", "null"]`}}},
		{"multi-line string", "s: |\n  a\n  b\n", "s: a b\n", []Change{{"s", `"a\nb\n"`, "a b"}}},
		{"alias", "x: &a [1]\ny: *a\n", "x: [1]\ny: [2]\n", []Change{{"y", "[1]", "[2]"}}},
		{"empty old", "", "id: P-1\n", []Change{{"id", "", "P-1"}}},
		{"history table", "history:\n  - {version: \"1.0\", date: 2024-01-01}\n",
			"history:\n  - {version: \"1.0\", date: 2024-01-01}\n  - {version: \"1.1\", date: 2025-01-01}\n",
			[]Change{{"history", `[{version: "1.0", date: 2024-01-01}]`, `[{version: "1.0", date: 2024-01-01}, {version: "1.1", date: 2025-01-01}]`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fieldChanges([]byte(tt.old), []byte(tt.new))
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("FieldChanges =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
	for _, bad := range []string{"- a\n- b\n", "a: [\n", "just text\n"} {
		if _, err := fieldChanges([]byte(bad), []byte("a: 1\n")); err == nil {
			t.Errorf("fieldChanges(%q, …) gave no error", bad)
		}
	}
}

func TestFields(t *testing.T) {
	got, err := Fields([]byte("version: 2.3\nstatus: \"approved\"\nowner:\ncontrols: [\"8.2\"]\n"))
	want := map[string]string{"version": "2.3", "status": "approved", "controls": `["8.2"]`}
	if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Fields = %v, %v; want %v", got, err, want)
	}
	if _, err := Fields([]byte("[1]")); err == nil {
		t.Error("Fields of a list gave no error")
	}
}

// render shows hunks as a unified-diff-like text.
func render(hunks []Hunk) string {
	var b strings.Builder
	for _, h := range hunks {
		if h.Skipped > 0 {
			fmt.Fprintf(&b, "… %d\n", h.Skipped)
		}
		for _, l := range h.Lines {
			fmt.Fprintf(&b, "%s%s %d/%d\n", l.Kind.Sign(), l.Text, l.OldNo, l.NewNo)
		}
	}
	return b.String()
}

func numbered(from, to int) string {
	var b strings.Builder
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "l%d\n", i)
	}
	return b.String()
}

func TestBodyDiff(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"line ends only", "a\r\nb", "a\nb\n", ""},
		{"add at end", "a\n", "a\nb\n", " a 1/1\n+b 0/2\n"},
		{"replace", "a\nb\nc\n", "a\nB\nc\n", " a 1/1\n-b 2/0\n+B 0/2\n c 3/3\n"},
		{"from empty", "", "x\n", "+x 0/1\n"},
		{"to empty", "x\n", "", "-x 1/0\n"},
		{"collapse head and tail",
			numbered(1, 20), numbered(1, 9) + "changed\n" + numbered(11, 20),
			"… 6\n l7 7/7\n l8 8/8\n l9 9/9\n-l10 10/0\n+changed 0/10\n l11 11/11\n l12 12/12\n l13 13/13\n… 7\n"},
		{"collapse between changes",
			numbered(1, 12), "x\n" + numbered(2, 11) + "y\n",
			"-l1 1/0\n+x 0/1\n l2 2/2\n l3 3/3\n l4 4/4\n… 4\n l9 9/9\n l10 10/10\n l11 11/11\n-l12 12/0\n+y 0/12\n"},
		{"one hidden line is shown",
			numbered(1, 9), "x\n" + numbered(2, 8) + "y\n",
			"-l1 1/0\n+x 0/1\n l2 2/2\n l3 3/3\n l4 4/4\n l5 5/5\n l6 6/6\n l7 7/7\n l8 8/8\n-l9 9/0\n+y 0/9\n"},
		{"html-looking text passes through", "<b>a</b>\n", "<script>x</script>\n", "-<b>a</b> 1/0\n+<script>x</script> 0/1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := render(BodyDiff(tt.old, tt.new)); got != tt.want {
				t.Errorf("BodyDiff =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestBodyDiffCoarse checks the fallback for bodies too big for go-diff's
// one-rune-per-line encoding against the fine diff on the same change.
func TestBodyDiffCoarse(t *testing.T) {
	a := numbered(1, 30)
	b := numbered(1, 14) + "new\n" + numbered(16, 30)
	var coarse []Line
	emitCoarse(a, b, func(k LineKind, text string) {
		for l := range strings.SplitSeq(strings.TrimSuffix(text, "\n"), "\n") {
			coarse = append(coarse, Line{Kind: k, Text: l})
		}
	})
	var fine []Line
	for _, l := range diffLines(a, b) {
		fine = append(fine, Line{Kind: l.Kind, Text: l.Text})
	}
	if fmt.Sprint(coarse) != fmt.Sprint(fine) {
		t.Errorf("coarse diff\n%v\ndiffers from\n%v", coarse, fine)
	}
}

// FuzzDiff checks that no pair of documents makes the split or the diffs
// panic, and that a body diffed with itself shows no change.
func FuzzDiff(f *testing.F) {
	f.Add([]byte("---\nversion: 1\n---\nbody\n"), []byte("---\nversion: 2\nx: &a [1, *a]\n---\nbody\nmore\n"))
	f.Add([]byte("---\r\n---\r\n"), []byte("---\n- a\n---\n\xff\n"))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		fa, ba := SplitFrontMatter(a)
		fb, bb := SplitFrontMatter(b)
		fieldChanges(fa, fb)
		BodyDiff(string(ba), string(bb))
		// The marked lines must give back both bodies.
		na, nb := normaliseEOL(string(ba)), normaliseEOL(string(bb))
		var ra, rb strings.Builder
		for _, l := range diffLines(na, nb) {
			if l.Kind != Added {
				ra.WriteString(l.Text + "\n")
			}
			if l.Kind != Removed {
				rb.WriteString(l.Text + "\n")
			}
		}
		if ra.String() != na || rb.String() != nb {
			t.Errorf("diff does not rebuild the bodies:\n%q\n%q", ra.String(), rb.String())
		}
		if h := BodyDiff(string(bb), string(bb)); h != nil {
			t.Errorf("body differs from itself: %v", h)
		}
	})
}

// fieldChanges compares two front-matters field by field, in the order of
// the keys in the new version, then the keys only the old one had. Values
// are compared as canonical text, so re-quoting or re-indenting a value is
// not a change. An error means one side is not a YAML mapping.
func fieldChanges(oldFront, newFront []byte) ([]Change, error) {
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

// lineModeDiff is go-diff's own line mode (DiffLinesToChars, DiffMain,
// DiffCharsToLines), which diffLines replaced: the reference it must
// agree with line for line.
func lineModeDiff(a, b string) []Line {
	var n numbering
	dmp := diffmatchpatch.New()
	dmp.DiffTimeout = 0
	ca, cb, lines := dmp.DiffLinesToChars(a, b)
	for _, d := range dmp.DiffCharsToLines(dmp.DiffMain(ca, cb, false), lines) {
		if d.Text == "" {
			continue
		}
		n.run(map[diffmatchpatch.Operation]LineKind{diffmatchpatch.DiffEqual: Unchanged, diffmatchpatch.DiffInsert: Added, diffmatchpatch.DiffDelete: Removed}[d.Type], d.Text)
	}
	return n.out
}

// TestDiffLinesIsLineMode: diffLines marks the same lines as go-diff's
// line mode on random edits of documents (moved, repeated, inserted and
// deleted lines, more distinct lines than the surrogate range skips), so
// history pages read as they did.
func TestDiffLinesIsLineMode(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pool := []string{"", "a", "b", "- item", "| x | y |", "```", "text \xff", "same", "same"}
	doc := func(n int) []string {
		d := make([]string, n)
		for i := range d {
			if rng.IntN(3) == 0 {
				d[i] = pool[rng.IntN(len(pool))]
			} else {
				d[i] = fmt.Sprintf("line %d", rng.IntN(2*n+1))
			}
		}
		return d
	}
	edit := func(d []string) []string {
		e := slices.Clone(d)
		for range rng.IntN(6) {
			switch k := rng.IntN(len(e) + 1); rng.IntN(4) {
			case 0:
				e = slices.Insert(e, k, fmt.Sprintf("new %d", rng.IntN(9)))
			case 1:
				if k < len(e) {
					e = slices.Delete(e, k, k+1)
				}
			case 2:
				if k < len(e) {
					e[k] = pool[rng.IntN(len(pool))]
				}
			case 3:
				if k+3 < len(e) {
					e = append(e[:k:k], append(slices.Clone(e[k+3:]), e[k:k+3]...)...) // move three lines to the end
				}
			}
		}
		return e
	}
	join := func(d []string) string {
		if len(d) == 0 {
			return ""
		}
		return strings.Join(d, "\n") + "\n"
	}
	for i := range 3000 {
		a := doc(rng.IntN(40))
		if i == 0 { // past the surrogates: distinct lines beyond U+D800
			a = make([]string, 60_000)
			for k := range a {
				a[k] = fmt.Sprintf("u%d", k)
			}
		}
		b := edit(a)
		if rng.IntN(5) == 0 {
			b = doc(rng.IntN(40))
		}
		sa, sb := join(a), join(b)
		got, want := diffLines(sa, sb), lineModeDiff(sa, sb)
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: diffLines\n%v\ngo-diff's line mode\n%v\nfor\n%q\n%q", i, got, want, sa, sb)
		}
	}
}

// BenchmarkDiffLines is one version of a bench document against the next
// (a paragraph rewritten, a row added), by diffLines and by go-diff's
// line mode it replaced.
func BenchmarkDiffLines(b *testing.B) {
	var old strings.Builder
	for i := range 120 {
		fmt.Fprintf(&old, "Paragraph %d of the policy says what the organisation does about item %d, in enough words to be a real line of text.\n\n", i, i*7)
	}
	a := old.String()
	c := strings.Replace(a, "Paragraph 60 of", "Paragraph sixty of", 1) + "| new | row |\n"
	for _, impl := range []struct {
		name string
		fn   func(a, b string) []Line
	}{{"diffLines", diffLines}, {"lineMode", lineModeDiff}} {
		b.Run(impl.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				impl.fn(a, c)
			}
		})
	}
}
