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
