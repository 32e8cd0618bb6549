package markdown

import (
	stdhtml "html"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// taskBoxes renders a task list's checkbox with the item's text as its
// accessible name: GFM's bare <input type="checkbox"> has none, and a
// screen reader announces "checkbox, checked" with nothing to say what
// was done (axe-core: label, critical).
type taskBoxes struct{}

func (taskBoxes) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(east.KindTaskCheckBox, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var text strings.Builder
		for s := n.NextSibling(); s != nil; s = s.NextSibling() {
			_ = ast.Walk(s, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
				switch t := c.(type) {
				case *ast.Text:
					if entering {
						text.Write(t.Segment.Value(src))
						if t.SoftLineBreak() || t.HardLineBreak() {
							text.WriteByte(' ')
						}
					}
				case *ast.String:
					if entering {
						text.WriteString(stdhtml.UnescapeString(string(t.Value)))
					}
				}
				return ast.WalkContinue, nil
			})
		}
		_, _ = w.WriteString(`<input `)
		if n.(*east.TaskCheckBox).IsChecked {
			_, _ = w.WriteString(`checked="" `)
		}
		_, _ = w.WriteString(`disabled="" type="checkbox"`)
		if label := strings.Join(strings.Fields(text.String()), " "); label != "" {
			_, _ = w.WriteString(` aria-label="`)
			_, _ = w.Write(util.EscapeHTML([]byte(label)))
			_, _ = w.WriteString(`"`)
		}
		_, _ = w.WriteString(" /> ")
		return ast.WalkContinue, nil
	})
}
