package importer

import (
	"bytes"
	"testing"
	"testing/fstest"
)

func TestRenderMustache(t *testing.T) {
	vars := map[string]any{"org": "Fjordline", "empty": "", "yes": true, "no": false, "url": "https://x.example/a?b=1&c=2"}
	for _, c := range []struct{ in, want, missing string }{
		{"{{org}} and {{ org }}", "Fjordline and Fjordline", ""},
		{"{{&url}} {{{url}}}", "https://x.example/a?b=1&c=2 https://x.example/a?b=1&c=2", ""},
		{"a {{empty}} b {{unset}}", "a {{empty}} b {{unset}}", ""},
		{"{{#yes}}\nshown\n{{/yes}}\n{{#no}}\nhidden\n{{/no}}\nend", "shown\nend", ""},
		{"{{^no}}not {{org}}{{/no}}", "not Fjordline", ""},
		{"{{#unset}}gone{{/unset}}x", "x", "unset"},
		{"{{#yes}}{{#yes}}in{{/yes}}out{{/yes}}", "inout", ""},
		{"{{! a comment }}text", "text", ""},
		{"{{#yes}}never closed", "{{#yes}}never closed", ""},
	} {
		got, missing := renderMustache(c.in, vars)
		m := ""
		if len(missing) > 0 {
			m = missing[0]
		}
		if got != c.want || m != c.missing {
			t.Errorf("renderMustache(%q) = %q, %v; want %q, %q", c.in, got, missing, c.want, c.missing)
		}
	}
}

func TestInlineRefLinks(t *testing.T) {
	in := "See [the list][1], [Two][] and [two], not [three] or - [ ] a box.\n\n[1]: list.md\n[two]: two.md \"Title\"\n"
	want := "See [the list](list.md), [Two](two.md \"Title\") and [two](two.md \"Title\"), not [three] or - [ ] a box.\n\n"
	if got := inlineRefLinks(in); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func TestRelPath(t *testing.T) {
	for _, c := range [][3]string{
		{"policies", "policies/a.md", "a.md"},
		{"policies", "references/b.md", "../references/b.md"},
		{".", "policies/a.md", "policies/a.md"},
		{"a/b", "a/c/d.md", "../c/d.md"},
	} {
		if got := relPath(c[0], c[1]); got != c[2] {
			t.Errorf("relPath(%q, %q) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}

func TestLinkSpan(t *testing.T) {
	src := []byte("A [b [c] d](x.md#y) and ![img](p.png \"t\") and [ref][1].")
	for _, c := range []struct {
		off        int
		dest, text string
		ok         bool
	}{
		{2, "x.md#y", "b [c] d", true},
		{24, "p.png", "img", true},
		{46, "x.md", "", false},
	} {
		from, to, text, destAt, ok := linkSpan(src, c.off, c.dest)
		if ok != c.ok || text != c.text || (ok && (from != c.off || !bytes.HasPrefix(src[destAt:], []byte(c.dest)) || src[to-1] != ')')) {
			t.Errorf("linkSpan at %d = %d %d %q %d %v", c.off, from, to, text, destAt, ok)
		}
	}
}

// TestDeterministic: the same source imports to the same bytes.
func TestDeterministic(t *testing.T) {
	src := fstest.MapFS{
		"policies/a.md": {Data: []byte("name: A\nacronym: A\n---\n[b](b.md) [gone](gone.md)\n")},
		"policies/b.md": {Data: []byte("name: B\nacronym: B\n---\n[a](a.md#nope)\n")},
	}
	a := archive(importFS(t, "comply", src, Options{Today: testToday}).Files)
	b := archive(importFS(t, "comply", src, Options{Today: testToday}).Files)
	if !bytes.Equal(a, b) {
		t.Error("two imports of one source differ")
	}
	if !bytes.Contains(a, []byte("[b](b.md) gone\n")) || !bytes.Contains(a, []byte("[a](a.md)\n")) {
		t.Errorf("links not cut as expected:\n%s", a)
	}
}

// TestOddSources: malformed or unusual sources give notes, never a panic
// or a site that fails to build.
func TestOddSources(t *testing.T) {
	cases := map[string]fstest.MapFS{
		"comply": {
			"policies/list.md":  {Data: []byte("name: L\nacronym: L\nsatisfies: [CC1.1, CC2.1]\n---\nx\n")},
			"policies/bad.md":   {Data: []byte("name: [unclosed\n---\nx\n")},
			"policies/none.md":  {Data: []byte("# Just a body\n")},
			"policies/dup.md":   {Data: []byte("name: D\nacronym: L\nmajorRevisions: nope\n---\n")},
			"procedures/x.md":   {Data: []byte("name: X\ncron: \"@daily\"\nextra: {a: 1}\n---\n")},
			"narratives/a b.md": {Data: []byte("name: Space\n---\n")},
		},
		"frontmatter": {
			"policies/a.md": {Data: []byte("---\ntitle: {x: 1}\nowner: [A, B]\nstatus: Live\ntype: Gizmo\ninputs: [NOPE]\nreviewed: 2026-02-30\n---\n# A\n")},
			"policies/b.md": {Data: []byte("---\nunclosed: x\n")},
			"c.md":          {Data: []byte("no front matter, [link](nowhere)")},
		},
	}
	for format, src := range cases {
		t.Run(format, func(t *testing.T) {
			r := importFS(t, format, src, Options{Today: testToday})
			if n := r.Errors(); n != 0 {
				// inputs: [NOPE] is isms's own structure, copied for the
				// decoder to check: that one error is expected.
				for _, d := range r.Diags {
					if d.Code != "unknown-id" {
						t.Errorf("unexpected error: %v", d)
					}
				}
			}
			if len(r.Notes) == 0 {
				t.Error("no checklist items")
			}
		})
	}
}
