package markdown

import (
	"bytes"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// codeStyle is chroma's style for code blocks; with classes, it only
// decides which classes a token gets.
const codeStyle = "github"

// highlightOptions are goldmark-highlighting's options: classes rather
// than inline styles, which the CSP forbids.
func highlightOptions() []highlighting.Option {
	return []highlighting.Option{
		highlighting.WithStyle(codeStyle),
		highlighting.WithFormatOptions(chromahtml.WithClasses(true)),
	}
}

// highlighter renders fenced code blocks as goldmark-highlighting does,
// with one chroma formatter for all of them. goldmark-highlighting makes
// a formatter for each block, and each new formatter works out the
// style's CSS again (a fifth of highlighting's cost: 50 ms of a
// 1,000-document build). A fence with attributes ({linenos=table}, …), in
// a language chroma does not know, or without one goes to
// goldmark-highlighting's own renderer, which the highlighter embeds
// (goldmark hands it the renderer's options through SetOption).
type highlighter struct {
	*highlighting.HTMLRenderer
	formatter *chromahtml.Formatter
	style     *chroma.Style
	limit     time.Duration // how long one fence may take (fenceLimit)
}

// fenceLimit bounds the time one fence may take to highlight. Some of
// chroma's lexers loop for ever on some text; fastLexer stops the loops it
// can be sure of in the fence's own language, but a language nested in
// another (a fence inside a ```markdown fence) is lexed by chroma itself.
// Past the limit the fence is written as plain code, as for a language
// chroma does not know, and remembered so; the lexing it gave up on runs
// on until the process ends. Real fences take milliseconds.
const fenceLimit = 30 * time.Second

func newHighlighter() *highlighter {
	return &highlighter{
		HTMLRenderer: highlighting.NewHTMLRenderer(highlightOptions()...).(*highlighting.HTMLRenderer),
		formatter:    chromahtml.New(chromahtml.WithClasses(true)),
		style:        styles.Get(codeStyle),
		limit:        fenceLimit,
	}
}

// plain writes the fence as code without highlighting, in its language's
// class: what goldmark-highlighting writes for a language chroma does not
// know.
func (h *highlighter) plain(w util.BufWriter, lang []byte, n *ast.FencedCodeBlock, source []byte) {
	_, _ = w.WriteString("<pre><code class=\"language-")
	h.Writer.Write(w, lang)
	_, _ = w.WriteString("\">")
	lines := n.Lines()
	for i := range lines.Len() {
		line := lines.At(i)
		h.Writer.RawWrite(w, line.Value(source))
	}
	_, _ = w.WriteString("</code></pre>\n")
}

// format is the formatter's HTML for tokens, or ok false when it took
// longer than h.limit.
func (h *highlighter) format(tokens chroma.Iterator) (html []byte, ok bool, err error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		var out bytes.Buffer
		err := h.formatter.Format(&out, h.style, tokens)
		done <- result{out.Bytes(), err}
	}()
	t := time.NewTimer(h.limit)
	defer t.Stop()
	select {
	case r := <-done:
		return r.b, true, r.err
	case <-t.C:
		return nil, false, nil
	}
}

// Extend puts the highlighter before goldmark-highlighting's place (200).
func (h *highlighter) Extend(m goldmark.Markdown) {
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(h, 150)))
}

// captured is a registerer that keeps the fenced code block's function.
type captured struct{ fn renderer.NodeRendererFunc }

func (c *captured) Register(k ast.NodeKind, fn renderer.NodeRendererFunc) {
	if k == ast.KindFencedCodeBlock {
		c.fn = fn
	}
}

func (h *highlighter) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	var own captured
	h.HTMLRenderer.RegisterFuncs(&own)
	fallback := own.fn
	reg.Register(ast.KindFencedCodeBlock, func(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		n := node.(*ast.FencedCodeBlock)
		lang := n.Language(source)
		if lang == nil {
			return fallback(w, source, node, entering)
		}
		lexer, known := lexerFor(string(lang))
		if !known {
			// As goldmark-highlighting writes a language chroma does not
			// know, whatever its attributes, without asking chroma again.
			h.plain(w, lang, n, source)
			return ast.WalkContinue, nil
		}
		if n.Attributes() != nil || n.Info != nil && bytes.IndexByte(n.Info.Segment.Value(source), '{') >= 0 {
			return fallback(w, source, node, entering)
		}
		var code strings.Builder // the cache's key: the language's length, the language, the code
		code.WriteString(strconv.Itoa(len(lang)))
		code.WriteByte(':')
		code.Write(lang)
		head := code.Len()
		lines := n.Lines()
		for i := range lines.Len() {
			line := lines.At(i)
			code.Write(line.Value(source))
		}
		key := code.String()
		if b, ok := highlighted.get(key); ok {
			_, _ = w.Write(b)
			return ast.WalkContinue, nil
		}
		tokens, err := chroma.Coalesce(lexer).Tokenise(nil, key[head:])
		if err != nil {
			return fallback(w, source, node, entering)
		}
		out, ok, err := h.format(tokens)
		if !ok {
			var b bytes.Buffer
			h.plain(bufWriter{&b}, lang, n, source)
			out = b.Bytes()
		}
		if err == nil {
			highlighted.put(key, out)
		}
		_, _ = w.Write(out)
		return ast.WalkContinue, nil
	})
}

// highlighted holds the HTML of fenced code blocks, by language and
// code, for the process: chroma's lexers run regular expressions at
// every position (110 µs for five lines of shell with fastLexer, 280 µs
// without), and a save in the
// preview renders the saved document's unchanged code blocks again.
// Up to maxHighlighted bytes of code and HTML; then it starts afresh.
var highlighted codeCache

const maxHighlighted = 16 << 20

type codeCache struct {
	mu   sync.Mutex
	m    map[string][]byte
	size int
}

func (c *codeCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[key]
	return b, ok
}

func (c *codeCache) put(key string, b []byte) {
	n := len(key) + len(b)
	if n > maxHighlighted/16 {
		return // one block of megabytes is not worth keeping
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.size+n > maxHighlighted {
		c.m, c.size = map[string][]byte{}, 0
	}
	if _, ok := c.m[key]; !ok {
		c.m[key] = bytes.Clone(b)
		c.size += n
	}
}

// lexerFor is lexers.Get(name), remembered: chroma looks a name it does
// not know up again as a file name against every lexer's patterns, 5–10
// ms a fence (a site of 200 fences in a language chroma lacks, ```conf
// or ```pseudo, spent 2 s there). At most maxLexerNames names are kept.
func lexerFor(name string) (chroma.Lexer, bool) {
	if l, ok := lexerNames.Load(name); ok {
		lexer, _ := l.(chroma.Lexer)
		return lexer, lexer != nil
	}
	lexer := fastOf(lexers.Get(name))
	if lexerCount.Add(1) <= maxLexerNames {
		lexerNames.Store(name, lexer) // nil too: not known
	}
	return lexer, lexer != nil
}

const maxLexerNames = 512

var (
	lexerNames sync.Map // name → chroma.Lexer, or nil for one chroma does not know
	lexerCount atomic.Int64
)
