package diagrams

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestSVGKeepsLinksLabelsAndClasses(t *testing.T) {
	g := sampleISMS()
	svg, err := NewRenderer("").SVG(context.Background(), DOT(g, Options{Title: "ISMS process map", Legend: true}))
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.HasPrefix(s, "<svg") || !strings.HasSuffix(s, "</svg>") {
		t.Errorf("not a bare <svg> element: %.80q … %q", s, s[max(0, len(s)-20):])
	}
	for _, banned := range []string{"<?xml", "<!DOCTYPE", "<!--"} {
		if strings.Contains(s, banned) {
			t.Errorf("SVG still contains %q", banned)
		}
	}
	root := s[:strings.IndexByte(s, '>')]
	// No style attribute anywhere: the theme's CSP (style-src 'self')
	// blocks inline styles; the root's width and height give the natural
	// size, which the theme's CSS caps at the column width.
	if !strings.Contains(root, "viewBox=") || !strings.Contains(root, " width=") || !strings.Contains(root, " height=") {
		t.Errorf("root should keep viewBox, width and height: %s", root)
	}
	if strings.Contains(s, " style=") {
		t.Errorf("SVG has a style attribute, which the CSP blocks: %s", root)
	}
	// Its links stay reachable by assistive technology: an img hides them.
	if !strings.Contains(root, ` role="group"`) || strings.Contains(root, ` role="img"`) {
		t.Errorf("root should have role=group, not img: %s", root)
	}
	for _, n := range g.Nodes {
		if want := `xlink:href="` + n.URL + `"`; !strings.Contains(s, want) {
			t.Errorf("link of %s lost: no %s", n.ID, want)
		}
	}
	for _, label := range []string{"Audit findings", "Status of actions", "Nonconformities", "Scope &amp; interested parties", "Risk register"} {
		if !strings.Contains(s, ">"+label+"</text>") {
			t.Errorf("edge label %q not drawn", label)
		}
	}
	// Graphviz writes '-' in attributes as &#45;, which browsers and CSS
	// selectors read as '-'.
	for _, class := range []string{`class="node status&#45;overdue"`, `class="node status&#45;current"`, `class="node external"`, `class="edge"`, `class="cluster phase phase&#45;plan"`} {
		if !strings.Contains(s, class) {
			t.Errorf("no %s in the SVG", class)
		}
	}
	if !strings.Contains(s, `xlink:title="Risk assessment — owner: Head of Risk"`) {
		t.Errorf("tooltip lost")
	}
}

func TestRendererCache(t *testing.T) {
	ctx := context.Background()
	dot := DOT(sampleISMS().Neighbourhood("PRC-AUDIT-01"), Options{Focus: "PRC-AUDIT-01"})
	dir := t.TempDir()

	r := NewRenderer(dir)
	first, err := r.SVG(ctx, dot)
	if err != nil {
		t.Fatal(err)
	}
	second, err := r.SVG(ctx, dot)
	if err != nil {
		t.Fatal(err)
	}
	if r.Renders() != 1 || !bytes.Equal(first, second) {
		t.Errorf("second call: renders = %d, same SVG = %v; want 1, true", r.Renders(), bytes.Equal(first, second))
	}
	sum := sha256.Sum256(dot)
	onDisk, err := os.ReadFile(filepath.Join(dir, cacheVersion, hex.EncodeToString(sum[:])+".svg"))
	if err != nil || !bytes.Equal(onDisk, cacheEntry(first)) {
		t.Errorf("disk cache: err %v, same SVG = %v", err, bytes.Equal(onDisk, cacheEntry(first)))
	}
	if leftovers, _ := filepath.Glob(filepath.Join(dir, cacheVersion, ".tmp-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	// A rebuild: a new Renderer on the same folder renders nothing.
	r2 := NewRenderer(dir)
	again, err := r2.SVG(ctx, dot)
	if err != nil || !bytes.Equal(again, first) || r2.Renders() != 0 {
		t.Errorf("rebuild: err %v, same SVG = %v, renders = %d; want nil, true, 0", err, bytes.Equal(again, first), r2.Renders())
	}

	// A changed diagram is rendered.
	if _, err := r2.SVG(ctx, DOT(sampleISMS().Neighbourhood("PRC-MR-01"), Options{})); err != nil || r2.Renders() != 1 {
		t.Errorf("changed DOT: err %v, renders = %d; want 1", err, r2.Renders())
	}

	// Memory only.
	m := NewRenderer("")
	for range 3 {
		if _, err := m.SVG(ctx, dot); err != nil {
			t.Fatal(err)
		}
	}
	if m.Renders() != 1 {
		t.Errorf("memory cache: renders = %d, want 1", m.Renders())
	}

	// Bounded: past memLimit the memory cache starts again, so a long-lived
	// Renderer does not keep every drawing it ever made.
	svg, _ := m.SVG(ctx, dot)
	m.memLimit = 2*len(svg) + 1
	other := DOT(sampleISMS().Neighbourhood("PRC-MR-01"), Options{})
	third := DOT(sampleISMS().Neighbourhood("PRC-RISK-01"), Options{})
	for _, d := range [][]byte{other, third} {
		if _, err := m.SVG(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if len(m.mem) > 2 || m.memBytes > m.memLimit {
		t.Errorf("memory cache past its limit: %d entries, %d bytes, limit %d", len(m.mem), m.memBytes, m.memLimit)
	}
	before := m.Renders()
	if _, err := m.SVG(ctx, third); err != nil || m.Renders() != before {
		t.Errorf("the latest drawing was dropped: err %v, renders %d → %d", err, before, m.Renders())
	}
}

func TestSyntaxErrorLine(t *testing.T) {
	tests := []struct {
		dot  string
		line int
	}{
		{"digraph {\n  a -> b;\n  c -> ;\n  d;\n}\n", 3},
		{"digraph {\n  a -> b;\n  c [label=\"x\" color=];\n}", 3},
		{"digraph { a -> }", 1},
		{"digraph {\n\n\n\n a b c -> -> d\n}\n", 5},
		{"", 1},
		{"  \n", 1},
		{"digraph {\r\n  a -> b;\r\n  c -> ;\r\n}\r\n", 3},
	}
	r := NewRenderer("")
	for _, tt := range tests {
		_, err := r.SVG(context.Background(), []byte(tt.dot))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: error %v, want a *SyntaxError", tt.dot, err)
			continue
		}
		if se.Line != tt.line || strings.Contains(se.Msg, "line") || se.Msg == "" {
			t.Errorf("%q: %+v, want line %d and a message without a line number", tt.dot, se, tt.line)
		}
	}
	if r.Renders() != 0 {
		t.Errorf("failed parses counted as renders: %d", r.Renders())
	}
}

// TestConcurrentRenders runs 4 goroutines on one Renderer and on separate
// Renderers; go-graphviz itself would crash here without the package lock.
func TestConcurrentRenders(t *testing.T) {
	ctx := context.Background()
	var dots [][]byte
	for i := range 8 {
		g := New([]Node{{ID: "A", Phase: "plan"}, {ID: fmt.Sprintf("B%d", i), Phase: "do"}}, []Edge{{From: "A", To: fmt.Sprintf("B%d", i), Labels: []string{fmt.Sprint(i)}}})
		dots = append(dots, DOT(g, Options{}))
	}
	want := make([][]byte, len(dots))
	seq := NewRenderer("")
	for i, d := range dots {
		var err error
		if want[i], err = seq.SVG(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	shared := NewRenderer("")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for w := range 4 {
		wg.Go(func() {
			own := NewRenderer("")
			for i := range dots {
				for _, r := range []*Renderer{shared, own} {
					got, err := r.SVG(ctx, dots[(i+w)%len(dots)])
					if err == nil && !bytes.Equal(got, want[(i+w)%len(dots)]) {
						err = fmt.Errorf("dot %d: SVG differs from the sequential render", (i+w)%len(dots))
					}
					if err != nil && errs[w] == nil {
						errs[w] = err
					}
				}
			}
		})
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", w, err)
		}
	}
	if n := shared.Renders(); n != int64(len(dots)) {
		t.Errorf("shared renderer rendered %d times, want %d (one per distinct DOT)", n, len(dots))
	}
}

// TestSyntaxErrorLineAfterSuccess pins the off-by-one: Graphviz reports the
// next error one line late after a successful parse of a text that ends in
// a newline, as every DOT this package writes does.
func TestSyntaxErrorLineAfterSuccess(t *testing.T) {
	r := NewRenderer("")
	for i, ok := range []string{"digraph { a }\n", "digraph { b }\n\n\n", "digraph { c }", "digraph {\r\nd\r\n}\r\n"} {
		if _, err := r.SVG(context.Background(), []byte(ok)); err != nil {
			t.Fatal(err)
		}
		bad := fmt.Sprintf("digraph {\n  a -> b;\n  c%d -> ;\n}\n", i)
		_, err := r.SVG(context.Background(), []byte(bad))
		var se *SyntaxError
		if !errors.As(err, &se) || se.Line != 3 {
			t.Errorf("after %q: %v, want line 3", ok, err)
		}
	}
}

// TestDiskCacheRejectsPlantedEntries plants entries in the cache folder
// that a rebuild must not inline: an SVG with script under a correct hash
// (anyone who can write the folder can compute one), an edited SVG under
// the old hash, and a bare SVG in the format before hashes. Each is
// rendered again and overwritten.
func TestDiskCacheRejectsPlantedEntries(t *testing.T) {
	ctx := context.Background()
	dot := []byte("digraph { a -> b }\n")
	dir := t.TempDir()
	good, err := NewRenderer(dir).SVG(ctx, dot)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(dot)
	path := filepath.Join(dir, cacheVersion, hex.EncodeToString(sum[:])+".svg")
	planted := []byte(`<svg onload="alert(1)"><script>alert(2)</script><a xlink:href="javascript:alert(3)">x</a></svg>`)
	edited := cacheEntry(good)
	edited = bytes.Replace(edited, []byte("<svg"), []byte(`<svg onload="alert(4)"`), 1)
	for name, entry := range map[string][]byte{
		"script under a correct hash": cacheEntry(planted),
		"edited under the old hash":   edited,
		"no hash":                     planted,
		"foreign link, correct hash":  cacheEntry(bytes.Replace(good, []byte("</svg>"), []byte(`<a href="//evil.example/"><text>x</text></a></svg>`), 1)),
	} {
		if err := os.WriteFile(path, entry, 0o644); err != nil {
			t.Fatal(err)
		}
		r := NewRenderer(dir)
		svg, err := r.SVG(ctx, dot)
		if err != nil || !bytes.Equal(svg, good) || r.Renders() != 1 {
			t.Errorf("%s: err %v, renders %d, SVG %.120q; want a fresh render", name, err, r.Renders(), svg)
		}
		if onDisk, _ := os.ReadFile(path); !bytes.Equal(onDisk, cacheEntry(good)) {
			t.Errorf("%s: the entry was not replaced", name)
		}
	}
}
