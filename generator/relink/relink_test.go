package relink

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRelative(t *testing.T) {
	for _, tc := range []struct{ u, root, up, want string }{
		{"/assets/style.css", "/", "../../", "../../assets/style.css"},
		{"/", "/", "../../", "../../index.html"},
		{"/", "/", "", "index.html"},
		{"/soa/#control-5-1", "/", "../", "../soa/index.html#control-5-1"},
		{"/search/?q=8.8", "/", "", "search/index.html?q=8.8"},
		{"/isms/policies/x/", "/isms/", "../../", "../../policies/x/index.html"},
		{"/other/x/", "/isms/", "../", "/other/x/"}, // outside the site
		{"#main", "/", "../", "#main"},
		{"?q=x", "/", "../", "?q=x"},
		{"https://example.org/", "/", "../", "https://example.org/"},
		{"mailto:ciso@example.org", "/", "../", "mailto:ciso@example.org"},
		{"//cdn.example/x.js", "/", "../", "//cdn.example/x.js"},
		{"files/report.pdf", "/", "../", "files/report.pdf"},
		{"../history/", "/", "../", "../history/index.html"},
		{"..", "/", "../", "../index.html"},
		{"/evidence/files/a%20b.csv", "/", "../../", "../../evidence/files/a%20b.csv"},
	} {
		if got := Relative(tc.u, tc.root, tc.up); got != tc.want {
			t.Errorf("Relative(%q, %q, %q) = %q, want %q", tc.u, tc.root, tc.up, got, tc.want)
		}
	}
}

func TestFile(t *testing.T) {
	src := `<!DOCTYPE html><html><head><link rel="stylesheet" href="/assets/style.css">` +
		`<script src='/assets/site.js' defer></script><script>var s = "<a href=\"/x/\">";</script></head>` +
		`<body data-root="/" class="k"><!-- <a href="/c/"> --><a href=/soa/ title="a &amp; b">SoA</a>` +
		`<form action="/search/" data-index="/search-index.json"></form><pre>&lt;a href="/p/"&gt;</pre>` +
		`<svg viewBox="0 0 1 1"><a xlink:href="/processes/p/" xlink:title="P"><text>P</text></a></svg>` +
		`<a href="/q?a=1&amp;b=2">q</a><img src="/evidence/files/x.png" alt=""/><a href="https://example.org/">e</a></body></html>`
	want := `<!DOCTYPE html><html><head><link rel="stylesheet" href="../../assets/style.css">` +
		`<script src="../../assets/site.js" defer></script><script>var s = "<a href=\"/x/\">";</script></head>` +
		`<body data-root="../../" class="k"><!-- <a href="/c/"> --><a href="../../soa/index.html" title="a &amp; b">SoA</a>` +
		`<form action="../../search/index.html" data-index="../../search-index.json"></form><pre>&lt;a href="/p/"&gt;</pre>` +
		`<svg viewBox="0 0 1 1"><a xlink:href="../../processes/p/index.html" xlink:title="P"><text>P</text></a></svg>` +
		`<a href="../../q?a=1&amp;b=2">q</a><img src="../../evidence/files/x.png" alt=""/><a href="https://example.org/">e</a></body></html>`
	got, err := File([]byte(src), "policies/x/index.html", "/", "")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	got, _ = File([]byte(`<body data-root="/"><a href="/">home</a></body>`), "index.html", "/", "")
	if string(got) != `<body data-root="./"><a href="index.html">home</a></body>` {
		t.Errorf("root page: %s", got)
	}
}

// Every byte of the sample's pages survives the tokenizer when nothing
// is rewritten: the copy is exact, not re-serialised.
func TestRewriteKeepsBytes(t *testing.T) {
	files, _ := filepath.Glob("../../themes/default/layouts/*.html")
	md, _ := filepath.Glob("../../content/*/*.md")
	files = append(files, md...)
	if len(files) < 10 {
		t.Fatalf("only %d files to try", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := rewrite(b, func(string, string) (string, bool) { return "", false })
		if err != nil || string(got) != string(b) {
			t.Errorf("%s: changed by a rewrite that changes nothing (%v)", f, err)
		}
	}
}

// FuzzRewrite: any input comes back byte for byte when nothing is
// rewritten, and rewriting every attribute never panics.
func FuzzRewrite(f *testing.F) {
	f.Add([]byte(`<a href="/x/" title='t' data-root=/>`))
	f.Add([]byte(`<script>"<a href=/y/>"</script><!-- <img src=/z> --><svg><a xlink:href = "/p/"/></svg>`))
	f.Add([]byte(`<a href=/x/ b c= =d>`))
	f.Fuzz(func(t *testing.T, src []byte) {
		got, err := rewrite(src, func(string, string) (string, bool) { return "", false })
		if err == nil && string(got) != string(src) {
			t.Fatalf("identity rewrite changed %q into %q", src, got)
		}
		if _, err := rewrite(src, func(k, v string) (string, bool) { return strings.ToUpper(v) + "&\"", true }); err != nil && err.Error() == "" {
			t.Fatal("error without a message")
		}
	})
}
