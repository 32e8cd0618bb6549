package markdown

import (
	"strings"
	"testing"
)

// A ```mermaid fence becomes its escaped source in a figure, which the
// theme's mermaid.js draws; the document says it needs that script. Other
// fences, and a Mermaid fence shown inside another fence, stay code.
func TestMermaidFence(t *testing.T) {
	m := New(Options{})
	cases := []struct {
		src     string
		mermaid bool
		want    []string
		not     []string
	}{
		{
			src:     "# Flow\n\n```mermaid\nflowchart LR\n  A[\"<b>x</b> & y\"] --> B\n```\n",
			mermaid: true,
			want:    []string{"<figure class=\"mermaid\"><pre class=\"mermaid-source\"><code>flowchart LR\n  A[&quot;&lt;b&gt;x&lt;/b&gt; &amp; y&quot;] --&gt; B\n</code></pre></figure>\n"},
			not:     []string{"<b>", "chroma"},
		},
		{
			src:     "~~~mermaid\npie\n  \"a\" : 1\n~~~\n\n```mermaid\nsequenceDiagram\n```\n",
			mermaid: true,
			want:    []string{"<code>pie\n  &quot;a&quot; : 1\n</code>", "<code>sequenceDiagram\n</code>"},
		},
		{
			src:  "````markdown\n```mermaid\nflowchart LR\n```\n````\n\n```go\nvar x = 1\n```\n",
			want: []string{`<pre class="chroma">`},
			not:  []string{"mermaid-source"},
		},
		{
			src:  "Text mentioning mermaid.\n\n    indented mermaid code\n",
			not:  []string{"mermaid-source"},
			want: []string{"<pre><code>indented mermaid code\n</code></pre>"},
		},
	}
	for _, c := range cases {
		d := m.Parse([]byte(c.src))
		if d.Mermaid != c.mermaid {
			t.Errorf("%q: Mermaid = %v, want %v", c.src, d.Mermaid, c.mermaid)
		}
		got := string(frozen(t, m, []byte(c.src), func(int, Link) string { return "" }))
		if want := string(direct(t, m, []byte(c.src), func(int, Link) string { return "" })); got != want {
			t.Errorf("%q: frozen body differs from goldmark's:\n%s\nwant\n%s", c.src, got, want)
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q: body lacks %q:\n%s", c.src, w, got)
			}
		}
		for _, w := range c.not {
			if strings.Contains(got, w) {
				t.Errorf("%q: body has %q:\n%s", c.src, w, got)
			}
		}
	}
}

// The build's cost of a Mermaid block is escaping its text.
func BenchmarkMermaidFence(b *testing.B) {
	m := New(Options{})
	src := []byte("# Flow\n\n```mermaid\nflowchart LR\n  A[Risk assessment] --> B{Acceptable?}\n  B -- yes --> C[Accept]\n  B -- no --> D[Treat]\n```\n")
	for b.Loop() {
		d := m.Parse(src)
		if _, err := m.Render(d, nil); err != nil {
			b.Fatal(err)
		}
	}
}
