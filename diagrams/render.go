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
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/goccy/go-graphviz"
)

// gvMu serialises every call into go-graphviz. Its WebAssembly module is a
// process-wide singleton without locking: concurrent renders crash or fail
// even with one graphviz.Graphviz per goroutine. gv is created on first use
// (never in init) and reused, since each instance costs milliseconds and
// holds memory that is never given back.
var (
	gvMu sync.Mutex
	gv   *graphviz.Graphviz
)

// cacheVersion names the on-disk cache generation. Bump it when the SVG
// post-processing or the Graphviz version changes, so old files are not
// served for the same DOT text. v2: sanitised SVG, entries carry their
// own SHA-256. v3: no <title> elements, an accessible name and role.
const cacheVersion = "v3"

// Renderer turns DOT text into SVG ready to inline in HTML, caching by the
// SHA-256 of the DOT text: in memory, then (if a cache directory is given)
// on disk, so a rebuild with unchanged diagrams performs no Graphviz work.
// A Renderer is safe for concurrent use; renders themselves run one at a
// time process-wide.
type Renderer struct {
	dir      string
	mu       sync.Mutex
	mem      map[[32]byte][]byte
	memBytes int // SVG bytes held in mem
	memLimit int // past it, mem is emptied before the next store
	renders  atomic.Int64
}

// memLimit bounds the SVG a Renderer holds in memory: a Renderer lives as
// long as a preview, or a process building one site after another, and
// each drawing it ever made would otherwise stay. Past the bound the
// memory cache starts again empty (the disk cache, if any, still answers).
const memLimit = 64 << 20

// NewRenderer returns a Renderer. With cacheDir "" it caches in memory only;
// otherwise SVGs are also kept as cacheDir/v2/<sha256-of-dot>.svg, written
// atomically. The disk cache is best-effort: a failed write costs a render
// next time, never a build. It is also untrusted: an entry is used only if
// it carries the SHA-256 of its SVG and that SVG is already what the
// sanitiser would make of it (see readCache); anything else is rendered
// again and overwritten.
func NewRenderer(cacheDir string) *Renderer {
	return &Renderer{dir: cacheDir, mem: make(map[[32]byte][]byte), memLimit: memLimit}
}

// SyntaxError is a DOT text Graphviz could not parse.
type SyntaxError struct {
	Line int    // 1-based line within the DOT text (Graphviz's number, corrected)
	Msg  string // Graphviz's message without the line, e.g. "syntax error near ';'"
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("dot: line %d: %s", e.Line, e.Msg)
}

// Renders reports how many real Graphviz renders this Renderer performed;
// cache hits do not count.
func (r *Renderer) Renders() int64 { return r.renders.Load() }

// SVG returns the SVG for dot, post-processed for inline use: no XML prolog,
// DOCTYPE or comments; viewBox kept; element ids prefixed per diagram so
// several diagrams can share one HTML page; Graphviz's class="node" and
// class="edge" kept (with any DOT class attribute appended). A DOT text
// Graphviz cannot parse gives a *SyntaxError.
func (r *Renderer) SVG(ctx context.Context, dot []byte) ([]byte, error) {
	return r.svg(ctx, dot, nil)
}

func (r *Renderer) svg(ctx context.Context, dot []byte, lim *Limits) ([]byte, error) {
	key := sha256.Sum256(dot)
	if svg, ok := r.lookup(key); ok {
		return svg, nil
	}
	path := r.path(key)
	if path != "" {
		if svg, ok := readCache(path); ok {
			r.store(key, svg)
			return svg, nil
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(dot)) == 0 {
		// Graphviz reports no error of its own for an empty text (it would
		// hand back whatever error it recorded last), so say it here.
		return nil, &SyntaxError{Line: 1, Msg: "empty DOT text: expected a graph"}
	}
	svg, err := r.render(ctx, key, dot, lim)
	if err != nil {
		return nil, err
	}
	if path != "" {
		writeAtomic(path, cacheEntry(svg))
	}
	return svg, nil
}

// cacheHeader starts every disk cache entry; the SHA-256 of the SVG that
// follows the header line comes after it, in hex.
const cacheHeader = "isms-diagram sha256:"

func cacheEntry(svg []byte) []byte {
	sum := sha256.Sum256(svg)
	return append([]byte(cacheHeader+hex.EncodeToString(sum[:])+"\n"), svg...)
}

// readCache returns the SVG of a disk cache entry if it is intact (its
// hash matches: no torn or edited file) and inert (sanitising it changes
// nothing: no script, event handler, foreign URL or style, whoever wrote
// it). The hash alone would not stop someone who can write the folder.
func readCache(path string) ([]byte, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	head, svg, ok := bytes.Cut(data, []byte("\n"))
	want, found := bytes.CutPrefix(head, []byte(cacheHeader))
	if !ok || !found {
		return nil, false
	}
	sum := sha256.Sum256(svg)
	if string(want) != hex.EncodeToString(sum[:]) || !bytes.HasPrefix(svg, []byte("<svg")) {
		return nil, false
	}
	if clean, err := sanitizeSVG(svg); err != nil || !bytes.Equal(clean, svg) {
		return nil, false
	}
	return svg, true
}

func (r *Renderer) lookup(key [32]byte) ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	svg, ok := r.mem[key]
	return svg, ok
}

func (r *Renderer) store(key [32]byte, svg []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.mem[key]; ok {
		return
	}
	if r.memBytes+len(svg) > r.memLimit {
		clear(r.mem)
		r.memBytes = 0
	}
	r.mem[key] = svg
	r.memBytes += len(svg)
}

func (r *Renderer) path(key [32]byte) string {
	if r.dir == "" {
		return ""
	}
	return filepath.Join(r.dir, cacheVersion, hex.EncodeToString(key[:])+".svg")
}

// render runs Graphviz under gvMu and stores the result before releasing
// it, so a concurrent call for the same text, waiting on the lock, finds it
// in the cache instead of rendering again.
func (r *Renderer) render(ctx context.Context, key [32]byte, dot []byte, lim *Limits) ([]byte, error) {
	gvMu.Lock()
	defer gvMu.Unlock()
	if svg, ok := r.lookup(key); ok {
		return svg, nil
	}
	// A caller that gave up while waiting for the lock does not render.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if gv == nil {
		g, err := graphviz.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("dot: starting graphviz: %w", err)
		}
		gv = g
	}
	graph, err := graphviz.ParseBytes(dot)
	if err != nil {
		// The line in the first error is off by one when the previous
		// successful parse in this process read a text ending in a newline
		// (Graphviz's scanner keeps its line count across parses). A failed
		// parse resets the scanner, so parsing once more yields the true line.
		if _, again := graphviz.ParseBytes(dot); again != nil {
			err = again
		}
		return nil, syntaxError(err, dot)
	}
	if graph == nil {
		return nil, &SyntaxError{Line: 1, Msg: "no graph in the text"}
	}
	defer graph.Close()
	if lim != nil {
		if err := lim.check(graph); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := gv.Render(ctx, graph, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("dot: %w", err)
	}
	r.renders.Add(1)
	svg, err := inlineSVG(buf.Bytes(), hex.EncodeToString(key[:4]))
	if err != nil {
		return nil, fmt.Errorf("dot: %w", err)
	}
	r.store(key, svg)
	return svg, nil
}

var lineRE = regexp.MustCompile(`\s*in line (\d+)`)

// syntaxError turns Graphviz's "syntax error in line 4 near 'x'" into a
// SyntaxError, its line clamped to the text.
func syntaxError(err error, dot []byte) error {
	msg := strings.TrimSpace(err.Error())
	line := 1
	if m := lineRE.FindStringSubmatchIndex(msg); m != nil {
		if n, convErr := strconv.Atoi(msg[m[2]:m[3]]); convErr == nil {
			line = n
		}
		msg = msg[:m[0]] + msg[m[1]:]
	}
	lines := bytes.Count(dot, []byte("\n"))
	if len(dot) > 0 && dot[len(dot)-1] != '\n' {
		lines++
	}
	line = max(1, min(line, max(lines, 1)))
	return &SyntaxError{Line: line, Msg: msg}
}

var (
	commentRE  = regexp.MustCompile(`(?s)<!--.*?-->\n?`)
	svgTitleRE = regexp.MustCompile(`(?s)<title>(.*?)</title>\n?`)
	idRE       = regexp.MustCompile(`\bid="([^"]*)"`)
	urlRefRE   = regexp.MustCompile(`url\(#([^)"]*)\)`)
)

// inlineSVG prepares Graphviz's SVG for embedding in HTML. Graphviz writes
// '-' in comments as "&#45;", so a comment can never contain "-->" early.
// The result has passed sanitizeSVG.
func inlineSVG(raw []byte, prefix string) ([]byte, error) {
	i := bytes.Index(raw, []byte("<svg"))
	if i < 0 {
		return nil, errors.New("graphviz wrote no <svg> element")
	}
	svg := commentRE.ReplaceAll(raw[i:], nil)
	end := bytes.IndexByte(svg, '>')
	if end < 0 {
		return nil, errors.New("graphviz wrote no <svg> element")
	}
	// The root keeps Graphviz's width, height and viewBox: the theme's
	// stylesheet caps the width at the column (max-width: 100%; height:
	// auto), so a small diagram keeps its natural size and a large one
	// shrinks. No style attribute: the theme's CSP (style-src 'self')
	// would block it.
	// Graphviz gives every graph, cluster, node and edge a <title> with
	// its DOT name ("cluster_plan", "A->B"), which browsers show as a
	// tooltip and screen readers read out. They go; the human text is in
	// the links' xlink:title (the DOT tooltips). The graph's own title, if
	// the DOT named it, becomes the SVG's accessible name: role "group"
	// when the drawing holds links (an image cannot hold focusable
	// content), "img" otherwise.
	root := string(svg[:end])
	body := svg[end:]
	name := ""
	if m := svgTitleRE.FindSubmatch(body); m != nil && !defaultGraphName(string(m[1])) {
		name = string(m[1])
	}
	body = svgTitleRE.ReplaceAll(body, nil)
	role := "img"
	if bytes.Contains(body, []byte("<a ")) {
		role = "group"
	}
	root += ` class="diagram-svg" role="` + role + `"`
	if name != "" {
		root += ` aria-label="` + name + `"`
	}
	var out bytes.Buffer
	out.WriteString(root)
	body = idRE.ReplaceAll(body, []byte(`id="`+prefix+`-$1"`))
	body = urlRefRE.ReplaceAll(body, []byte(`url(#`+prefix+`-$1)`))
	out.Write(body)
	return sanitizeSVG(bytes.TrimSpace(out.Bytes()))
}

// defaultGraphName reports whether Graphviz's <title> for the root is a
// name the DOT did not give: an anonymous graph is "%3" (or "%0", …), and
// "G" is the name every tutorial uses.
func defaultGraphName(t string) bool {
	t = strings.TrimSpace(t)
	return t == "" || t == "G" || t[0] == '%'
}

// writeAtomic writes data to path through a temporary file and a rename, so
// a reader never sees half an SVG. Errors are dropped: see NewRenderer.
func writeAtomic(path string, data []byte) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(dir, ".tmp-*.svg")
	if err != nil {
		return
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
	}
}
