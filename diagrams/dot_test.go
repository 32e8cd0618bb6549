package diagrams

import (
	"bytes"
	"context"
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./diagrams -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output; review with go test ./diagrams -update && git diff\n--- got ---\n%s", path, got)
	}
}

func TestDOTGolden(t *testing.T) {
	g := sampleISMS()
	tests := []struct {
		name string
		g    Graph
		opts Options
	}{
		{"map.dot", g, Options{Title: "ISMS process map", Legend: true}},
		{"neighbourhood.dot", g.Neighbourhood("PRC-RISK-01"), Options{Focus: "PRC-RISK-01"}},
		{"escaping.dot", Graph{
			Nodes: []Node{
				{ID: `odd "id" \`, Label: "Quote \" back\\slash \\N \\G <b>&amp;\nnew line", URL: `a b\c".html`, Tooltip: "tip \\E\t\x00end", Phase: "plan"},
				{ID: "PRC-1", Label: "", Status: "no-such-status", Phase: "nonsense"},
			},
			Edges: []Edge{{From: `odd "id" \`, To: "PRC-1", Labels: []string{"\\L left", "</TD>"}}, {From: "PRC-1", To: "missing"}},
		}, Options{Title: `T "\G"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DOT(tt.g, tt.opts)
			golden(t, tt.name, got)
			// Deterministic whatever the order of the input slices.
			rev := Graph{Nodes: reversed(tt.g.Nodes), Edges: reversed(tt.g.Edges)}
			if again := DOT(rev, tt.opts); !bytes.Equal(again, got) {
				t.Errorf("DOT depends on input order")
			}
		})
	}
}

func reversed[T any](s []T) []T {
	out := make([]T, len(s))
	for i, v := range s {
		out[len(s)-1-i] = v
	}
	return out
}

var (
	textRE  = regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)
	titleRE = regexp.MustCompile(`xlink:title="([^"]*)"`)
)

// renderedNode renders a one-node graph and returns what a reader sees:
// the node's text (title lines and the id line) and its tooltip.
func renderedNode(t *testing.T, r *Renderer, n Node) (text, tooltip string) {
	t.Helper()
	svg, err := r.SVG(context.Background(), DOT(Graph{Nodes: []Node{n}}, Options{}))
	if err != nil {
		t.Fatalf("label %q: %v", n.Label, err)
	}
	var parts []string
	for _, m := range textRE.FindAllSubmatch(svg, -1) {
		parts = append(parts, html.UnescapeString(string(m[1])))
	}
	m := titleRE.FindSubmatch(svg)
	if m == nil {
		t.Fatalf("label %q: no tooltip in\n%s", n.Label, svg)
	}
	return strings.Join(parts, " "), html.UnescapeString(string(m[1]))
}

func FuzzDOTEscaping(f *testing.F) {
	for _, s := range []string{"", "plain", `\N \G \E \L \l \n \r \T \H`, `back\`, `"quoted"`, "<b>&amp;</b>", "]]><!--", "line\nbreak", "\x00\x01\x7f", "\xff\xfe bad utf8", "tab\there", "über ünïcödé — ✓", `<TABLE><TR><TD>x</TD></TR></TABLE>`, "&#92;N"} {
		f.Add(s)
	}
	r := NewRenderer("")
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 { // long strings add render time, not coverage
			return
		}
		text, tooltip := renderedNode(t, r, Node{ID: "N", Label: s, Tooltip: s + "."})
		want := strings.Join(strings.Fields(clean(s)), " ")
		if want == "" {
			want = "N"
		}
		if got := strings.Join(strings.Fields(text), " "); got != want+" N" {
			t.Errorf("label %q: drawn as %q, want %q", s, got, want+" N")
		}
		// Graphviz keeps runs of spaces visible by writing every second one
		// as a no-break space.
		tooltip = strings.ReplaceAll(tooltip, "\u00a0", " ")
		wantTip := strings.ReplaceAll(clean(s), "\u00a0", " ") + "."
		if tooltip != wantTip {
			t.Errorf("tooltip %q: drawn as %q, want %q", s+".", tooltip, wantTip)
		}
	})
}

func TestDOTRepeatedIDDrawnOnce(t *testing.T) {
	g := Graph{Nodes: []Node{{ID: "A", Phase: "act"}, {ID: "B", Phase: "do"}, {ID: "A", Phase: "plan"}}}
	dot := string(DOT(g, Options{}))
	if n := strings.Count(dot, "\t\"A\" ["); n != 1 || !strings.Contains(dot, "cluster_act") || strings.Contains(dot, "cluster_plan") {
		t.Errorf("repeated id: want one node A in Act (first wins), got\n%s", dot)
	}
}

func TestDOTLargeMapMovesEdgeLabelsToTooltips(t *testing.T) {
	small := string(DOT(generatedISMS(100), Options{}))
	large := string(DOT(generatedISMS(200), Options{}))
	if !regexp.MustCompile(`-> [^\n]*label=<`).MatchString(small) || strings.Contains(small, "mclimit") {
		t.Errorf("a 100-process map should keep edge labels and full crossing minimisation")
	}
	if regexp.MustCompile(`-> [^\n]*label=<`).MatchString(large) || !strings.Contains(large, "mclimit=0.2") || !strings.Contains(large, `records"];`) {
		t.Errorf("a 200-process map should carry edge labels in tooltips only")
	}
}
