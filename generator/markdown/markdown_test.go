package markdown

import (
	"bytes"
	"fmt"
	"github.com/yuin/goldmark/renderer/html"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"

	"github.com/isms-project/isms/bench/synth"
)

// direct renders d the way goldmark does with the destinations set in the
// syntax tree: what a frozen document must reproduce byte for byte.
func direct(t testing.TB, m *Markdown, src []byte, dest func(i int, l Link) string) []byte {
	t.Helper()
	d := m.Parse(src)
	for i, l := range d.Links {
		out := dest(i, l)
		if out == "" {
			continue
		}
		switch n := l.node.(type) {
		case *ast.Link:
			n.Destination = []byte(out)
		case *ast.Image:
			n.Destination = []byte(out)
		}
	}
	var buf bytes.Buffer
	if err := m.md.Renderer().Render(&buf, d.Src, d.Root); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func frozen(t testing.TB, m *Markdown, src []byte, dest func(i int, l Link) string) []byte {
	t.Helper()
	d := m.Parse(src)
	if err := m.Freeze(d); err != nil {
		t.Fatal(err)
	}
	if d.Root != nil {
		t.Fatal("Freeze kept the syntax tree")
	}
	out := make([]string, len(d.Links))
	for i, l := range d.Links {
		out[i] = dest(i, l)
	}
	b, err := m.Render(d, out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// rewrite gives every other link a new destination, some with characters
// that URL and HTML escaping change.
func rewrite(i int, l Link) string {
	switch i % 3 {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("/root/page %d/?a=1&b=\"2\"#h", i)
	}
	return "/" + l.Dest
}

var freezeCases = []string{
	"plain paragraph\n",
	"---\nid: X\n---\n# Title\n\nSee [a](a.md), [b](../b.md#sec \"Title & more\") and ![img](pic.png).\n",
	"[x](javascript:alert(1)) [y](<with space.md>) [z](q?x=1&y=2)\n\n<https://auto.link/>\n",
	"[ref][r] and [r]\n\n[r]: target.md\n",
	"| a | [t](t.md) |\n|---|---|\n| ![i](i.png) | [u](u.md#x) |\n",
	"text mentioning isms-0000000000000000-0- literally, and [l](isms-1-2-)\n",
	"```go\n[not a link](x.md)\n```\n\n- [item](i.md)\n  - [nested](n.md)\n",
	"[outer ![inner](in.png)](out.md)\n",
	"Footnote[^1].\n\n[^1]: With [a link](f.md).\n",
	"- [x] Done *with* [a link](l.md) & `code`\n- [ ] \"Quoted\" <b>\n",
}

func TestFreezeMatchesGoldmark(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		m := New(Options{UnsafeHTML: unsafe})
		for _, src := range freezeCases {
			want := direct(t, m, []byte(src), rewrite)
			got := frozen(t, m, []byte(src), rewrite)
			if !bytes.Equal(got, want) {
				t.Errorf("unsafe=%v %q:\nfrozen  %s\ngoldmark %s", unsafe, src, got, want)
			}
		}
	}
}

func TestFreezeKeepsLeadHeadingsAndText(t *testing.T) {
	m := New(Options{})
	d := m.Parse([]byte("# T\n\nFirst *para*.\n\n## Sub\n\nSecond.\n"))
	d.Text(func(d *Doc) string { return PlainText(d.Root, d.Src) })
	if err := m.Freeze(d); err != nil {
		t.Fatal(err)
	}
	if d.Lead != "First para." || len(d.Headings) != 2 || d.Headings[1].ID != "sub" {
		t.Errorf("lead %q, headings %+v", d.Lead, d.Headings)
	}
	if got := d.Text(nil); !strings.Contains(got, "Second.") {
		t.Errorf("text computed before freezing was lost: %q", got)
	}
	r := m.Parse([]byte("x\n"))
	r.Release()
	if _, err := m.Render(r, nil); err == nil {
		t.Error("rendering a released document did not fail")
	}
}

// FuzzFreeze: for any Markdown, a frozen body with destinations put back
// is what goldmark renders.
func FuzzFreeze(f *testing.F) {
	for _, s := range freezeCases {
		f.Add(s)
	}
	m := New(Options{})
	f.Fuzz(func(t *testing.T, src string) {
		want := direct(t, m, []byte(src), rewrite)
		got := frozen(t, m, []byte(src), rewrite)
		if !bytes.Equal(got, want) {
			t.Fatalf("frozen:\n%s\ngoldmark:\n%s", got, want)
		}
	})
}

// BenchmarkMarkdown is parse, freeze (render with placeholders, drop the
// tree) and render with the destinations, over bench/synth's 1,000
// documents.
func BenchmarkMarkdown(b *testing.B) {
	var docs [][]byte
	for _, f := range synth.Site(1000, nil) {
		if strings.HasSuffix(f.Path, ".md") {
			docs = append(docs, f.Data)
		}
	}
	m := New(Options{})
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range docs {
			d := m.Parse(src)
			if err := m.Freeze(d); err != nil {
				b.Fatal(err)
			}
			out := make([]string, len(d.Links))
			for i, l := range d.Links {
				out[i] = "/" + l.Dest
			}
			if _, err := m.Render(d, out); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(len(docs)), "µs/doc")
}

// TestExternalImageBecomesLink: pages load nothing from other hosts, so an
// image on another host is rendered as a link to it, with its alt text,
// unless raw HTML is allowed.
func TestExternalImageBecomesLink(t *testing.T) {
	src := []byte("# T\n\nA ![diagram *one*](https://cdn.example/a.png \"t\") and ![proto](//cdn.example/b.png)\nand ![local](img/c.png) and ![inline](data:image/png;base64,AAAA).\n")
	d := New(Options{}).Parse(src)
	body, err := New(Options{}).Render(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	html := string(body)
	for _, want := range []string{
		`<a href="https://cdn.example/a.png" title="t">diagram <em>one</em></a>`,
		`<a href="//cdn.example/b.png">proto</a>`,
		`<img src="img/c.png" alt="local" />`,
		`<img src="data:image/png;base64,AAAA" alt="inline" />`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("no %s in\n%s", want, html)
		}
	}
	if strings.Contains(html, `<img src="https:`) || strings.Contains(html, `<img src="//`) {
		t.Errorf("an external image is still embedded:\n%s", html)
	}
	var flagged []string
	for _, l := range d.Links {
		if l.ExternalImage {
			flagged = append(flagged, fmt.Sprintf("%s@%d", l.Dest, l.Offset))
		}
	}
	want := fmt.Sprintf("[https://cdn.example/a.png@%d //cdn.example/b.png@%d]", bytes.Index(src, []byte("![diagram")), bytes.Index(src, []byte("![proto")))
	if fmt.Sprint(flagged) != want {
		t.Errorf("flagged %v, want %s", flagged, want)
	}

	unsafe := New(Options{UnsafeHTML: true})
	u := unsafe.Parse(src)
	body, err = unsafe.Render(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `<img src="https://cdn.example/a.png"`) || u.Links[0].ExternalImage {
		t.Errorf("with unsafe_html the image stays:\n%s", body)
	}
}

// A task list's checkbox is named by its item's text: a bare GFM checkbox
// has no accessible name (axe-core "label", critical).
func TestTaskCheckboxIsNamed(t *testing.T) {
	src := []byte("- [x] Restore *tested* on 2026-03-01\n- [ ] Offsite copy\n")
	d := New(Options{}).Parse(src)
	body, err := New(Options{}).Render(d, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<input checked="" disabled="" type="checkbox" aria-label="Restore tested on 2026-03-01" /> Restore <em>tested</em>`,
		`<input disabled="" type="checkbox" aria-label="Offsite copy" /> Offsite copy`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("no %s in\n%s", want, body)
		}
	}
}

// TestFrontMatterBlanked: goldmark-meta strips the front-matter it is
// handed blanked, so the body renders as from the file itself, the
// document keeps the file's bytes, and offsets point into them — even
// for YAML that yaml.v2 rejects, which goldmark-meta used to leave in
// the page as text.
func TestFrontMatterBlanked(t *testing.T) {
	m := New(Options{})
	for _, fm := range []string{
		"id: POL-1\ntitle: \"Access\"\n",
		"id: POL-1\r\ntitle: x\r\n",
		"key: [unclosed\n", // yaml.v2 rejects it
	} {
		src := []byte("---\n" + fm + "---\n# Title\n\nSee [the policy](policy.md).\n")
		if strings.Contains(fm, "\r\n") {
			src = []byte("---\r\n" + fm + "---\r\n# Title\r\n\r\nSee [the policy](policy.md).\r\n")
		}
		orig := bytes.Clone(src)
		d := m.Parse(src)
		if !bytes.Equal(d.Src, orig) || !bytes.Equal(src, orig) {
			t.Fatalf("%q: the source was changed", fm)
		}
		if len(d.Links) != 1 || !bytes.HasPrefix(src[d.Links[0].Offset:], []byte("policy.md")) && !bytes.Contains(src[d.Links[0].Offset:], []byte("policy.md")) {
			t.Errorf("%q: link offset %v does not point at it", fm, d.Links)
		}
		if err := m.Freeze(d); err != nil {
			t.Fatal(err)
		}
		body, err := m.Render(d, []string{""})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(body), "id:") || strings.Contains(string(body), "key:") || strings.Contains(string(body), "<hr") {
			t.Errorf("%q: front-matter in the body:\n%s", fm, body)
		}
		if !strings.Contains(string(body), `<h1 id="title">Title</h1>`) {
			t.Errorf("%q: body:\n%s", fm, body)
		}
	}
}

// FuzzDangerousURL: dangerousURL answers as goldmark's IsDangerousURL.
func FuzzDangerousURL(f *testing.F) {
	for _, s := range []string{"", "/a/b", "#x", "javascript:alert(1)", "JavaScript:x", "vbscript:", "FILE:///etc",
		"data:image/png;base64,AA", "data:image/svg+xml,<svg>", "data:text/html,x", "https://x", "mailto:a@b", "a:b", "data:image/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := dangerousURL([]byte(s)), html.IsDangerousURL([]byte(s)); got != want {
			t.Fatalf("dangerousURL(%q) = %v, goldmark says %v", s, got, want)
		}
	})
}

// TestTableAlignsWithoutStyle: a column's alignment is an align
// attribute, never a style attribute, which the pages' CSP forbids; and
// a table after text in the same paragraph, or two tables one after the
// other, come out whole.
func TestTableAlignsWithoutStyle(t *testing.T) {
	src := []byte("Intro line\n| Left | Centre | Right |\n|:-----|:------:|------:|\n| a \\| b | `c \\| d` | e |\n\n| x |\n|---|\n| y |\n")
	m := New(Options{})
	body, err := m.Render(m.Parse(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	for _, want := range []string{
		"<p>Intro line</p>",
		`<th align="left">Left</th>`, `<th align="center">Centre</th>`, `<th align="right">Right</th>`,
		`<td align="left">a | b</td>`, `<td align="center"><code>c | d</code></td>`,
		"<th>x</th>", "<td>y</td>",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("no %s in\n%s", want, s)
		}
	}
	if strings.Contains(s, "style=") || strings.Count(s, "<table>") != 2 {
		t.Errorf("a style attribute, or not two tables:\n%s", s)
	}
}
