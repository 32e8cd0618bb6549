package markdown

import (
	"regexp"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// anchorTag is raw HTML that only names a link target: <a id="x"> or
// <a name="x">, as authors and other tools' exports mark sections.
var anchorTag = regexp.MustCompile(`^<a\s+(?:id|name)\s*=\s*(?:"([\p{L}\p{N}._:-]+)"|'([\p{L}\p{N}._:-]+)')\s*/?>$`)

// anchorID is the target raw HTML names, if that is all it does.
func anchorID(raw []byte) (string, bool) {
	m := anchorTag.FindSubmatch(raw)
	if m == nil {
		return "", false
	}
	if len(m[1]) > 0 {
		return string(m[1]), true
	}
	return string(m[2]), true
}

// rawHTML is the text of an inline raw HTML node.
func rawHTML(n *ast.RawHTML, src []byte) []byte {
	var b []byte
	for i := range n.Segments.Len() {
		seg := n.Segments.At(i)
		b = append(b, seg.Value(src)...)
	}
	return b
}

// anchors keeps named link targets when raw HTML is dropped: an anchor
// becomes an empty <span id="x"></span> (an id runs nothing), any other
// raw HTML is omitted as goldmark omits it.
type anchors struct{}

func (anchors) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkSkipChildren, nil
		}
		if id, ok := anchorID(rawHTML(n.(*ast.RawHTML), src)); ok {
			_, _ = w.WriteString(`<span id="`)
			_, _ = w.Write(util.EscapeHTML([]byte(id)))
			_, _ = w.WriteString(`"></span>`)
			return ast.WalkSkipChildren, nil
		}
		_, _ = w.WriteString("<!-- raw HTML omitted -->")
		return ast.WalkSkipChildren, nil
	})
}
