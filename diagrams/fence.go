package diagrams

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// FenceError is a ```dot block that could not be drawn.
type FenceError struct {
	Offset int    // byte offset, in the source given to goldmark, of the line in error
	Line   int    // 1-based line of that offset in the same source
	Msg    string // e.g. "syntax error near ';'"
}

// KindDiagram is the AST node kind that replaces a ```dot fenced block.
var KindDiagram = ast.NewNodeKind("Diagram")

// Diagram is a ```dot fenced block after rendering: the SVG, or, when the
// DOT could not be drawn, the DOT text and the error.
type Diagram struct {
	ast.BaseBlock
	SVG []byte // inline SVG; nil on error
	DOT []byte // the block's text, shown as code on error
	Err *FenceError
}

// Kind implements ast.Node.
func (d *Diagram) Kind() ast.NodeKind { return KindDiagram }

// Dump implements ast.Node.
func (d *Diagram) Dump(source []byte, level int) {
	ast.DumpHelper(d, source, level, map[string]string{"Error": fmt.Sprint(d.Err)}, nil)
}

var fenceErrorsKey = parser.NewContextKey()

// FenceErrors returns the errors of the ```dot blocks in the document just
// converted with pc, in source order.
func FenceErrors(pc parser.Context) []FenceError {
	errs, _ := pc.Get(fenceErrorsKey).([]FenceError)
	return errs
}

// Fence returns a goldmark extension that draws every ```dot fenced block
// through r as an inline SVG in <figure class="diagram">. A block that
// cannot be drawn is shown as escaped code with an error note, and the
// error is recorded for FenceErrors. Other fenced blocks are left alone, so
// the extension works beside goldmark-highlighting.
func Fence(r *Renderer) goldmark.Extender { return &fence{r: r} }

type fence struct{ r *Renderer }

func (f *fence) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(f, 500)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(f, 500)))
}

// Transform replaces ```dot blocks with Diagram nodes. Rendering happens
// here rather than in the HTML renderer because only the transformer has
// the parser.Context to record errors in.
func (f *fence) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	source := reader.Source()
	var blocks []*ast.FencedCodeBlock
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if b, ok := n.(*ast.FencedCodeBlock); ok && entering && string(b.Language(source)) == "dot" {
			blocks = append(blocks, b)
		}
		return ast.WalkContinue, nil
	})
	errs := FenceErrors(pc)
	for _, b := range blocks {
		var dot bytes.Buffer
		lines := b.Lines()
		for i := range lines.Len() {
			seg := lines.At(i)
			dot.Write(seg.Value(source))
		}
		d := &Diagram{DOT: dot.Bytes()}
		svg, err := f.r.SVGWithin(context.Background(), d.DOT, FenceLimits)
		if err != nil {
			d.Err = locate(err, b, source)
			errs = append(errs, *d.Err)
		} else {
			d.SVG = svg
		}
		b.Parent().ReplaceChild(b.Parent(), b, d)
	}
	if len(blocks) > 0 {
		pc.Set(fenceErrorsKey, errs)
	}
}

// locate maps an error in a block's DOT text to the source. A syntax error
// points at its line in the block; a diagram over the limits at the
// opening fence; anything else at the block's first line.
func locate(err error, b *ast.FencedCodeBlock, source []byte) *FenceError {
	fe := &FenceError{Msg: err.Error()}
	line := 1
	var se *SyntaxError
	if errors.As(err, &se) {
		fe.Msg, line = se.Msg, se.Line
	}
	var le *LimitError
	lines := b.Lines()
	switch {
	case lines.Len() == 0 || errors.As(err, &le):
		// An empty block: point at its opening fence.
		fe.Offset = fenceStart(b, source)
	default:
		fe.Offset = lines.At(min(line, lines.Len()) - 1).Start
	}
	fe.Line = 1 + bytes.Count(source[:fe.Offset], []byte("\n"))
	return fe
}

// fenceStart is the offset of the line holding a block's opening fence:
// the line before its info string.
func fenceStart(b *ast.FencedCodeBlock, source []byte) int {
	if b.Info == nil {
		return 0
	}
	start := b.Info.Segment.Start
	return bytes.LastIndexByte(source[:start], '\n') + 1
}

// RegisterFuncs implements renderer.NodeRenderer.
func (f *fence) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindDiagram, renderDiagram)
}

func renderDiagram(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	d := n.(*Diagram)
	if d.Err == nil {
		_, _ = w.WriteString(`<figure class="diagram">`)
		_, _ = w.Write(d.SVG)
		_, _ = w.WriteString("</figure>\n")
		return ast.WalkSkipChildren, nil
	}
	_, _ = w.WriteString(`<pre class="diagram-source"><code class="language-dot">`)
	_, _ = w.WriteString(html.EscapeString(string(d.DOT)))
	_, _ = w.WriteString("</code></pre>\n")
	_, _ = fmt.Fprintf(w, `<p class="diagram-error" role="alert">This diagram could not be drawn: line %d: %s</p>`+"\n",
		d.Err.Line, html.EscapeString(d.Err.Msg))
	return ast.WalkSkipChildren, nil
}
