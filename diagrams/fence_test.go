package diagrams

import (
	"bytes"
	"strings"
	"testing"

	highlighting "github.com/yuin/goldmark-highlighting/v2"
	meta "github.com/yuin/goldmark-meta"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

const fenceDoc = "---\ntitle: Incident handling\n---\n" + // lines 1–3: front-matter
	"# Incident handling\n" + // 4
	"\n" + // 5
	"```go\n" + // 6
	"func main() {}\n" + // 7
	"```\n" + // 8
	"\n" + // 9
	"```dot\n" + // 10
	"digraph {\n" + // 11
	"  detect -> \"respond & <contain>\";\n" + // 12
	"}\n" + // 13
	"```\n" + // 14
	"\n" + // 15
	"- In a list:\n" + // 16
	"\n" + // 17
	"  ```dot\n" + // 18
	"  digraph {\n" + // 19
	"    a -> b;\n" + // 20
	"    c -> ;\n" + // 21
	"  }\n" + // 22
	"  ```\n" + // 23
	"\n" + // 24
	"```dot\n" + // 25
	"```\n" // 26

func TestFenceWithHighlighting(t *testing.T) {
	r := NewRenderer("")
	md := goldmark.New(goldmark.WithExtensions(
		extension.GFM, meta.Meta,
		highlighting.NewHighlighting(highlighting.WithFormatOptions()),
		Fence(r),
	))
	src := []byte(fenceDoc)
	pc := parser.NewContext()
	var out bytes.Buffer
	if err := md.Convert(src, &out, parser.WithContext(pc)); err != nil {
		t.Fatal(err)
	}
	html := out.String()

	// The go block is still highlighted by chroma.
	if !strings.Contains(html, `<span style="color:#cf222e">func</span>`) || strings.Contains(html, "language-go") {
		t.Errorf("go block not highlighted by goldmark-highlighting:\n%s", html)
	}
	// The good dot block became an inline SVG with its node text escaped.
	if strings.Count(html, `<figure class="diagram"><svg`) != 1 || !strings.Contains(html, "respond &amp; &lt;contain&gt;") {
		t.Errorf("dot block not drawn as one inline SVG:\n%s", html)
	}
	// The bad ones became escaped code plus a note.
	if strings.Count(html, `<p class="diagram-error" role="alert">`) != 2 || !strings.Contains(html, "\n  c -&gt; ;\n") {
		t.Errorf("bad dot blocks not shown as code with an error note:\n%s", html)
	}

	errs := FenceErrors(pc)
	if len(errs) != 2 {
		t.Fatalf("FenceErrors = %+v, want 2", errs)
	}
	if e := errs[0]; e.Line != 21 || !strings.HasPrefix(fenceDoc[e.Offset:], "  c -> ;\n") || !strings.Contains(e.Msg, "syntax error") {
		t.Errorf("list block error = %+v (at %q), want line 21 at the DOT line \"  c -> ;\"", e, fenceDoc[e.Offset:min(len(fenceDoc), e.Offset+10)])
	}
	if e := errs[1]; e.Line != 25 || !strings.HasPrefix(fenceDoc[e.Offset:], "```dot\n```") {
		t.Errorf("empty block error = %+v, want line 25 at its fence", e)
	}

	// A document without diagrams reports no errors.
	pc2 := parser.NewContext()
	if err := md.Convert([]byte("# x\n\n```dot\ndigraph { a }\n```\n"), &out, parser.WithContext(pc2)); err != nil || FenceErrors(pc2) != nil {
		t.Errorf("clean document: err %v, FenceErrors %v", err, FenceErrors(pc2))
	}
}
