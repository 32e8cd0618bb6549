package diagrams

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/parser"
)

// TestFenceLimits: a fence over the byte, node or edge limit is refused
// before any layout, with the error at its opening fence line.
func TestFenceLimits(t *testing.T) {
	var edges, nodes strings.Builder
	edges.WriteString("digraph {\n")
	for i := range FenceLimits.Edges + 1 {
		fmt.Fprintf(&edges, "a -> b%d;\n", i%7) // many parallel edges, few nodes
	}
	edges.WriteString("}\n")
	nodes.WriteString("digraph {\n")
	for i := range FenceLimits.Nodes + 1 {
		fmt.Fprintf(&nodes, "n%d;\n", i)
	}
	nodes.WriteString("}\n")
	big := "digraph {\n  a [label=\"" + strings.Repeat("x", FenceLimits.Bytes) + "\"];\n}\n"

	for _, tc := range []struct{ name, dot, want string }{
		{"edges", edges.String(), fmt.Sprintf("%d edges, the limit is %d", FenceLimits.Edges+1, FenceLimits.Edges)},
		{"nodes", nodes.String(), fmt.Sprintf("%d nodes, the limit is %d", FenceLimits.Nodes+1, FenceLimits.Nodes)},
		{"bytes", big, fmt.Sprintf("%d bytes, the limit is %d", len(big), FenceLimits.Bytes)},
	} {
		src := "# Doc\n\nText.\n\n```dot\n" + tc.dot + "```\n"
		r := NewRenderer("")
		md := goldmark.New(goldmark.WithExtensions(Fence(r)))
		pc := parser.NewContext()
		var out bytes.Buffer
		if err := md.Convert([]byte(src), &out, parser.WithContext(pc)); err != nil {
			t.Fatal(err)
		}
		errs := FenceErrors(pc)
		if len(errs) != 1 || errs[0].Line != 5 || !strings.Contains(errs[0].Msg, tc.want) {
			t.Errorf("%s: FenceErrors = %+v, want one at line 5 (the fence) saying %q", tc.name, errs, tc.want)
		}
		if r.Renders() != 0 {
			t.Errorf("%s: %d layouts ran; the limit must stop it before", tc.name, r.Renders())
		}
		if strings.Contains(out.String(), "<svg") {
			t.Errorf("%s: drawn anyway", tc.name)
		}
	}

	// Exactly at the limits is fine.
	var ok strings.Builder
	ok.WriteString("digraph {\n")
	for i := range FenceLimits.Edges {
		fmt.Fprintf(&ok, "a%d -> b%d;\n", i%20, i/20)
	}
	ok.WriteString("}\n")
	if _, err := NewRenderer("").SVGWithin(t.Context(), []byte(ok.String()), FenceLimits); err != nil {
		t.Errorf("a diagram within the limits: %v", err)
	}
}
