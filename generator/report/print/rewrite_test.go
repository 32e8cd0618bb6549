package print

import (
	"strings"
	"testing"
)

func TestRewrite(t *testing.T) {
	cm := &copyMap{root: "/", anchors: map[string]string{"policies/a/": "doc-pol-a", "soa/": "report-soa", "policies/café/": "doc-pol-c"}}
	for _, c := range []struct{ in, want string }{
		{`<h2 id="purpose">P</h2>`, `<h2 id="doc-x--purpose">P</h2>`},
		{`<a href="#purpose">x</a>`, `<a href="#doc-x--purpose">x</a>`},
		{`<a href="/policies/a/">A</a>`, `<a href="#doc-pol-a">A</a>`},
		{`<a href="/policies/a/#scope">A</a>`, `<a href="#doc-pol-a--scope">A</a>`},
		{`<a href="/policies/a/index.html">A</a>`, `<a href="#doc-pol-a">A</a>`},
		{`<a href="../a/#scope">A</a>`, `<a href="#doc-pol-a--scope">A</a>`},
		{`<a href="/policies/caf%C3%A9/">C</a>`, `<a href="#doc-pol-c">C</a>`},
		{`<a href="/soa/#control-8-8">8.8</a>`, `<a href="#report-soa--control-8-8">8.8</a>`},
		{`<a href="/policies/draft/">D</a>`, `<a href="/policies/draft/">D</a>`},
		{`<a href="https://example.com/x">E</a> <a href='mailto:a@b'>M</a>`, `<a href="https://example.com/x">E</a> <a href='mailto:a@b'>M</a>`},
		{`<label for="q">Q</label><input id=q aria-describedby="h1 h2">`, `<label for="doc-x--q">Q</label><input id="doc-x--q" aria-describedby="doc-x--h1 doc-x--h2">`},
		{`<sup id="fnref:1"><a href="#fn:1">1</a></sup>`, `<sup id="doc-x--fnref:1"><a href="#doc-x--fn:1">1</a></sup>`},
		{`<g id="d1-node1"><path fill="url(#d1-g)" d="M0"/><a xlink:href="/policies/a/" xlink:title="A &gt; B">`, `<g id="doc-x--d1-node1"><path fill="url(#doc-x--d1-g)" d="M0"/><a xlink:href="#doc-pol-a" xlink:title="A &gt; B">`},
		{`<!-- <a id="c"> --><script>if (a<b) x = '<a id="s">'</script><p title="a>b" id="p">`, `<!-- <a id="c"> --><script>if (a<b) x = '<a id="s">'</script><p title="a>b" id="doc-x--p">`},
		{`1 < 2 and <b>bold</b> & <br/>`, `1 < 2 and <b>bold</b> & <br/>`},
		{`<a href="/page/?q=a&amp;b=1#x">`, `<a href="/page/?q=a&amp;b=1#x">`},
		{`<td class=x data-a='1' hidden>y</td>`, `<td class=x data-a='1' hidden>y</td>`},
	} {
		if got := string(cm.rewrite(nil, []byte(c.in), "policies/x/", "doc-x", false)); got != c.want {
			t.Errorf("rewrite(%s)\n got %s\nwant %s", c.in, got, c.want)
		}
	}
	// The wrapper, named by the copy, keeps its id.
	if got := string(cm.rewrite(nil, []byte(`<section id="doc-x"><h1 id="t">`), "policies/x/", "doc-x", true)); got != `<section id="doc-x"><h1 id="doc-x--t">` {
		t.Errorf("skipFirst: %s", got)
	}
	// With an absolute base_url, a link out of the copy is absolute.
	abs := &copyMap{root: "/isms/", abs: "https://intranet.example/isms/", anchors: map[string]string{}}
	if got := string(abs.rewrite(nil, []byte(`<a href="/isms/risks/#R-1">`), "soa/", "report-soa", false)); got != `<a href="https://intranet.example/isms/risks/#R-1">` {
		t.Errorf("absolute: %s", got)
	}
}

func TestMainOf(t *testing.T) {
	in, ok := mainOf([]byte(`<body><nav>n</nav><main id="main" tabindex="-1"><h1>T</h1></main><footer>f</footer>`))
	if !ok || string(in) != "<h1>T</h1>" {
		t.Errorf("mainOf = %q, %v", in, ok)
	}
	if _, ok := mainOf([]byte(`<body>no main</body>`)); ok {
		t.Error("mainOf found a main in a page without one")
	}
}

// BenchmarkRewrite is the copy's work per document: a 13 kB body of
// headings, paragraphs, links to other documents and a table.
func BenchmarkRewrite(b *testing.B) {
	cm := &copyMap{root: "/", anchors: map[string]string{}}
	for i := range 1000 {
		cm.anchors["policies/p"+strings.Repeat("x", i%7)+"/"] = "doc-p"
	}
	unit := `<h2 id="purpose">Purpose</h2>
<p>This policy sets out how <a href="/policies/px/">access</a> is granted, reviewed and removed, see <a href="/soa/#control-5-15">5.15</a> and <a href="#scope">scope</a>.</p>
<table><thead><tr><th>Role</th><th>Access</th></tr></thead><tbody><tr><td>Admin</td><td><code>root</code></td></tr></tbody></table>
`
	src := []byte(strings.Repeat(unit, 13000/len(unit)))
	dst := make([]byte, 0, 2*len(src))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		dst = cm.rewrite(dst[:0], src, "policies/a/", "doc-pol-a", false)
	}
}

// FuzzRewrite: any markup is rewritten without a panic or new markup
// (values from attributes are escaped), and an id comes out prefixed.
func FuzzRewrite(f *testing.F) {
	for _, s := range []string{`<h2 id="a">A</h2><a href="#a">x</a>`, `<a href="/policies/a/#b">`, `<svg><g id="n"><path fill="url(#g)"/></g></svg>`,
		`<script>"<a id=x>"</script>`, `<!-- <p id=c> -->`, `<p title='a>b' id=q>`, `<a href=../a/>`, `<`, `<a`, `<a href="`, `<x y=`} {
		f.Add(s)
	}
	cm := &copyMap{root: "/", anchors: map[string]string{"policies/a/": "doc-a"}}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(cm.rewrite(nil, []byte(s), "policies/x/", "doc-x", false))
		if strings.Count(out, "<") > strings.Count(s, "<") {
			t.Errorf("rewrite(%q) = %q: markup added", s, out)
		}
		if strings.Contains(s, `<p id="k">`) && !strings.Contains(out, `<p id="doc-x--k">`) {
			t.Errorf("rewrite(%q) = %q: id not prefixed", s, out)
		}
	})
}
