package generator

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/internal/testmode"
)

// TestSpeculateMatchesBuildHostile: edits and file shapes
// TestSpeculateMatchesBuild does not try (CRLF files, a BOM, an empty
// body, a body starting with a thematic break, duplicate heading ids,
// footnotes, placeholders, very long lines, invalid UTF-8) on documents
// of several kinds: whenever Speculate takes one, its page is the build's.
func TestSpeculateMatchesBuildHostile(t *testing.T) {
	testmode.Slow(t) // about 150 builds of the sample
	t.Parallel()
	docs := []string{
		"content/policies/access-control.md",
		"content/processes/risk-assessment.md",
		"content/registers/risk-register.md",
		"content/plans/isms-objectives-2026.md",
		"content/minutes/management-review-2026-10.md",
		"content/records/corrective-action-2026-09.md",
		"content/policies/zz-empty.md", // front-matter, no body
	}
	shapes := []struct {
		name string
		f    func(string) string
	}{
		{"as is", func(s string) string { return s }},
		{"CRLF", func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }},
	}
	edits := []struct {
		name string
		f    func(src string, body int) string
	}{
		{"append", func(s string, _ int) string { return s + "\nAppended words.\n" }},
		{"empty the body", func(s string, body int) string { return s[:body] }},
		{"body starts with ---", func(s string, body int) string { return s[:body] + "---\n\nAfter a rule.\n" + s[body:] }},
		{"body starts with a setext line", func(s string, body int) string { return s[:body] + "Title\n---\n" + s[body:] }},
		{"duplicate headings", func(s string, _ int) string { return s + "\n## Purpose\n\nOne.\n\n## Purpose\n\nTwo.\n" }},
		{"footnote", func(s string, _ int) string { return s + "\nA claim.[^1]\n\n[^1]: Its source.\n" }},
		{"placeholder", func(s string, _ int) string { return s + "\nOwner of this step: TBD.\n" }},
		{"long line", func(s string, _ int) string { return s + "\n" + strings.Repeat("word ", 4000) + "\n" }},
		{"invalid UTF-8", func(s string, _ int) string { return s + "\nbad \xff\xfe bytes\n" }},
		{"NUL", func(s string, _ int) string { return s + "\nnul \x00 byte\n" }},
		{"raw HTML", func(s string, _ int) string { return s + "\n<div>raw</div>\n" }},
		{"heading with markup", func(s string, _ int) string { return s + "\n## A *marked* `head` [x]\n" }},
		{"a dot diagram added", func(s string, _ int) string { return s + "\n```dot\ndigraph { a -> b }\n```\n" }},
		{"a table", func(s string, _ int) string { return s + "\n| a | b |\n|---|---|\n| 1 | 2 |\n" }},
		{"headings named like the template's sections", func(s string, _ int) string {
			return s + "\n## Controls\n\n## History\n\n## Contents\n\n## Related\n\n## Version history\n\n## Main\n"
		}},
		{"a footnote definition only", func(s string, _ int) string { return s + "\n[^x]: dangling.\n" }},
		{"a reference definition", func(s string, _ int) string { return s + "\n[unused]: https://example.com\n" }},
		{"a BOM added", func(s string, _ int) string { return "\ufeff" + s }},
		{"blank lines first", func(s string, body int) string { return s[:body] + "\n\n\n" + s[body:] }},
	}
	for _, shape := range shapes {
		site := sampleMap(t)
		site["content/policies/zz-empty.md"] = &fstest.MapFile{Data: []byte("---\nid: POL-EMPTY\ntitle: Empty\ntype: policy\nowner: X\nreviewed: 2026-10-01\n---\n")}
		for _, d := range docs {
			site[d] = &fstest.MapFile{Data: []byte(shape.f(string(site[d].Data))), Mode: 0o644}
		}
		c := NewCache()
		res := lazyBuild(t, site, "", c) // the base every edit is speculated against
		for _, d := range docs {
			base := string(site[d].Data)
			var body int
			for _, lp := range res.Site.Pages {
				if lp.Display == d {
					body = lp.Doc.BodyOffset
				}
			}
			if body == 0 {
				t.Fatalf("%s, %s: not a page", shape.name, d)
			}
			for _, e := range edits {
				src := e.f(base, body)
				name := fmt.Sprintf("%s, %s, %s", shape.name, d, e.name)
				key, b, ok := res.Speculate(d, []byte(src))
				if !ok {
					t.Logf("%s: declined", name)
					continue
				}
				site[d] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
				r2, err := Build(t.Context(), Options{Site: site, AsOf: asOf, Cache: c, Lazy: true})
				if err != nil || r2.Tree == nil {
					t.Logf("%s: speculated, then the build failed: %v %s", name, err, r2.Diags)
				} else if got := r2.Tree[key]; string(got) != string(b) {
					t.Errorf("%s: the speculated %s differs from the build's:\n%s", name, key, firstDiff(string(b), string(got)))
				}
			}
			site[d] = &fstest.MapFile{Data: []byte(base), Mode: 0o644}
		}
	}
}
