package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A ```mermaid fence is drawn in the browser, by the theme's copy of
// Mermaid, not at build time: the build only
// escapes its text into
//
//	<figure class="mermaid"><pre class="mermaid-source"><code>…</code></pre></figure>
//
// which is what readers without scripts see, and what the theme's
// mermaid.js replaces with the drawing. Doc.Mermaid tells the render
// stage that the page needs those scripts. The fence never reaches chroma,
// whose guess at an unknown language cost milliseconds per block.

// kindMermaid is the AST node kind that replaces a ```mermaid fenced block.
var kindMermaid = ast.NewNodeKind("Mermaid")

// mermaidBlock is a ```mermaid fenced block: the source's lines, as the
// fenced block held them.
type mermaidBlock struct {
	ast.BaseBlock
}

func (m *mermaidBlock) Kind() ast.NodeKind { return kindMermaid }

func (m *mermaidBlock) Dump(source []byte, level int) { ast.DumpHelper(m, source, level, nil, nil) }

// mermaid is the transformer and renderer of ```mermaid fences. Its
// transformer runs before the diagrams extension's (500), which leaves
// other languages alone anyway.
type mermaid struct{}

func (mermaid) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(mermaid{}, 400)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(mermaid{}, 400)))
}

// Transform replaces every ```mermaid fenced block by a mermaidBlock with
// the same lines.
func (mermaid) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	source := reader.Source()
	var blocks []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if b, ok := n.(*ast.FencedCodeBlock); ok && entering && string(b.Language(source)) == "mermaid" {
			blocks = append(blocks, b)
		}
		return ast.WalkContinue, nil
	})
	for _, b := range blocks {
		m := &mermaidBlock{}
		m.SetLines(b.Lines())
		b.Parent().ReplaceChild(b.Parent(), b, m)
	}
}

// RegisterFuncs implements renderer.NodeRenderer.
func (mermaid) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMermaid, renderMermaid)
}

func renderMermaid(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<figure class="mermaid"><pre class="mermaid-source"><code>`)
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
	}
	_, _ = w.WriteString("</code></pre></figure>\n")
	return ast.WalkSkipChildren, nil
}
