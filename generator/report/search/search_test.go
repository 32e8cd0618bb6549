package search

import (
	"slices"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/markdown"
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
	f.Add("a · b\u2003c ·")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapseSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Fatalf("collapseSpace(%q) = %q, want %q", s, got, want)
		}
	})
}

func TestBodySections(t *testing.T) {
	md := markdown.New(markdown.Options{})
	for _, tc := range []struct {
		name, src string
		want      [][3]string
	}{
		{"intro only", "Who gets access\nto what.\n", [][3]string{{"", "", "Who gets access to what."}}},
		{"sections with heading ids", "Intro.\n\n## Scope {#the-scope}\n\nAll depots.\n\n### Risk treatment\n\nPlan it.\n",
			[][3]string{{"", "", "Intro."}, {"the-scope", "Scope", "All depots."}, {"risk-treatment", "Risk treatment", "Plan it."}}},
		{"list items kept apart", "- quarterly\n- by owners\n- done.\n- next\n",
			[][3]string{{"", "", "quarterly · by owners · done. next"}}},
		{"table cells and rows kept apart", "| Severity | Internet-facing | Internal |\n|---|---|---|\n| Critical (9.0–10) | 7 days | 14 days |\n| High | 14 days | 30 days |\n",
			[][3]string{{"", "", "Severity · Internet-facing · Internal | Critical (9.0–10) · 7 days · 14 days | High · 14 days · 30 days"}}},
		{"code and html left out", "Text\n\n```\nsecret\n```\n\n<div>raw</div>\n",
			[][3]string{{"", "", "Text"}}},
		{"separators in the source are dropped", "a\x1eb\x1fc\n\n## x\x1ey\n", [][3]string{{"", "", "a b c"}, {"xy", "x y", ""}}},
		{"empty section", "## A\n\n## B\n\ntext\n", [][3]string{{"", "", ""}, {"a", "A", ""}, {"b", "B", "text"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := bodySections(md.Parse([]byte(tc.src)), 1000)
			if !slices.Equal(got, tc.want) {
				t.Errorf("bodySections(%q)\n got %q\nwant %q", tc.src, got, tc.want)
			}
			if back := decodeSections(encodeSections(got)); !slices.Equal(back, got) {
				t.Errorf("decode(encode(x)) = %q, want %q", back, got)
			}
		})
	}
}

func TestFitTextSharesTheLimit(t *testing.T) {
	long := strings.Repeat("word ", 100) // 500 bytes
	for _, tc := range []struct {
		name  string
		lens  []int // text lengths in
		limit int
		want  []int // at most these lengths out
	}{
		{"under the limit", []int{10, 20}, 100, []int{10, 20}},
		{"short sections kept, long ones share the rest", []int{10, 500, 500}, 210, []int{10, 100, 100}},
		{"all long", []int{500, 500, 500}, 300, []int{100, 100, 100}},
		{"too many sections for an ellipsis each", []int{500, 500, 500, 500}, 8, []int{0, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var secs [][3]string
			for _, l := range tc.lens {
				secs = append(secs, [3]string{"id", "T", strings.TrimSpace(long[:l])})
			}
			total := 0
			for i, s := range fitText(secs, tc.limit) {
				total += len(s[2])
				if len(s[2]) > tc.want[i] || len(s[2]) < tc.want[i]-8 {
					t.Errorf("section %d: %d bytes, want about %d", i, len(s[2]), tc.want[i])
				}
				if cut := tc.lens[i] > tc.want[i]; s[2] != "" && cut != strings.HasSuffix(s[2], "…") {
					t.Errorf("section %d: %q, want an ellipsis only where the text was cut", i, s[2])
				}
			}
			if total > tc.limit {
				t.Errorf("total %d bytes, over the limit %d", total, tc.limit)
			}
		})
	}
}

// FuzzSections checks that whatever the Markdown, the sections survive
// their encoding, hold no separator, and fit the limit once shared.
func FuzzSections(f *testing.F) {
	f.Add("Intro.\n\n## Scope {#s}\n\n| a | b |\n|---|---|\n| c | d |\n\n- x\n- y.\n")
	f.Add("# T\n\n## A\x1e\n\ntext\x1f\n\n```\ncode\n```\n")
	md := markdown.New(markdown.Options{})
	f.Fuzz(func(t *testing.T, src string) {
		secs := fitText(bodySections(md.Parse([]byte(src)), 200), 200)
		total := 0
		for _, s := range secs {
			for _, field := range s {
				if strings.ContainsAny(field, sectionSep+fieldSep) {
					t.Fatalf("a separator inside %q", field)
				}
			}
			total += len(s[2])
		}
		if total > 200 {
			t.Fatalf("%d bytes of text, over the limit of 200", total)
		}
		if back := decodeSections(encodeSections(secs)); !slices.Equal(back, secs) {
			t.Fatalf("decode(encode(%q)) = %q", secs, back)
		}
	})
}
