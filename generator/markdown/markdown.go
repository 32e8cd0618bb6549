// Package markdown wraps the one goldmark instance the build shares: GFM,
// footnotes, typographer, heading ids, goldmark-meta (which strips the
// front-matter block, so the whole file can be handed over and AST offsets
// stay file offsets), and chroma highlighting with CSS classes.
//
// Parsing and rendering are separate steps: the link stage needs every
// document's headings before any link can be checked, and sets link
// destinations after the body was rendered (see Freeze).
package markdown

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"github.com/isms-project/isms/generator/load"
	stdhtml "html"
	"slices"
	"strconv"
	"strings"
	"sync"

	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	meta "github.com/yuin/goldmark-meta"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configures the shared instance.
type Options struct {
	UnsafeHTML bool                // pass raw HTML through (off by default)
	Extensions []goldmark.Extender // e.g. the dot-fence diagrams extension
}

// Markdown is safe for concurrent use.
type Markdown struct {
	md goldmark.Markdown
	// noLinks is md without linkify, for a text in which linkify can
	// find nothing (linkifyFree).
	noLinks goldmark.Markdown
	unsafe  bool
}

// New builds the shared instance.
func New(o Options) *Markdown {
	htmlOpts := []renderer.Option{html.WithXHTML(),
		// Before GFM's task list renderer (500): checkboxes get a name.
		renderer.WithNodeRenderers(util.Prioritized(taskBoxes{}, 100))}
	if o.UnsafeHTML {
		htmlOpts = append(htmlOpts, html.WithUnsafe())
	} else {
		// Before the HTML renderer (1000): named anchors survive.
		htmlOpts = append(htmlOpts, renderer.WithNodeRenderers(util.Prioritized(anchors{}, 100)))
	}
	// Tables with align="" rather than style="": the CSP forbids inline styles.
	table := extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute))
	hl := newHighlighter()
	build := func(g gfm) goldmark.Markdown {
		exts := []goldmark.Extender{
			g, extension.Footnote, extension.Typographer, meta.Meta,
			hl,
			mermaid{}, // ```mermaid fences: drawn in the browser (mermaid.go)
		}
		exts = append(exts, o.Extensions...)
		return goldmark.New(
			goldmark.WithExtensions(exts...),
			goldmark.WithParserOptions(parser.WithAutoHeadingID(), parser.WithHeadingAttribute()), // {#id} after a heading sets its id
			goldmark.WithRendererOptions(htmlOpts...),
		)
	}
	return &Markdown{md: build(gfm{table: table}), noLinks: build(gfm{table: table, noLinkify: true}), unsafe: o.UnsafeHTML}
}

// linkifyFree reports whether parsing src without linkify gives the tree
// parsing it with linkify gives. goldmark asks linkify at every space,
// and at each it cuts the text there, asks, and puts the text back
// together: 5 % of the CPU of a build of 10,000 documents. Most of an
// ISMS's documents qualify (50 of the sample's 52, 28 of strongDM
// comply's 36 as imported, 19 of JupiterOne's 35). Two conditions:
//
//   - linkify can find nothing in src: a URL it links starts "http:",
//     "https:", "ftp:" or "www.", and an address has an @;
//   - no line ends in white space that the cutting changes. goldmark
//     trims the white space at a line's end (spaces, tabs, a carriage
//     return) from the last piece of its text only; cut at each space
//     or tab for linkify, that piece starts at the last of them. So the
//     two agree where the white space ending a line holds no space or
//     tab, or only one, first; or is the whole line, a blank one, which
//     is never parsed as text (but in a block goldmark-meta could not
//     read: Parse parses those again with linkify). Not even the two
//     spaces of a hard break: a table's transformer can take the line
//     end off after them, and then they are text.
//
// TestNoLinksParserMatches and FuzzNoLinksParserMatches hold the two
// parsers to the same output wherever this says they may be swapped.
// The reasoning is goldmark 1.8.7's (what it trims, where linkify cuts):
// after an upgrade, run the fuzzer for some minutes.
func linkifyFree(src []byte) bool {
	if bytes.IndexByte(src, '@') >= 0 || bytes.Contains(src, []byte("http")) ||
		bytes.Contains(src, []byte("ftp:")) || bytes.Contains(src, []byte("www.")) {
		return false
	}
	for rest := src; len(rest) > 0; {
		line := rest
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = nil
		}
		// The white space ending the line, and the spaces and tabs in it.
		end, spaces, first := len(line), 0, -1
		for end > 0 && (isInlineSpace(line[end-1]) || line[end-1] == '\r') {
			end--
			if isInlineSpace(line[end]) {
				spaces++
				first = end
			}
		}
		switch {
		case end == 0 && len(bytes.Trim(line, " \t\r")) == 0:
			// A blank line (the blanked front-matter's too) holds no text.
		case spaces == 0, spaces == 1 && first == end:
		default:
			return false
		}
	}
	return true
}

// isInlineSpace is the white space within a line: the space and tab
// goldmark trims (util.IsSpace less the line ends), and the vertical tab
// and form feed, which goldmark 1.8.7 neither trims nor cuts at; counted
// here all the same, they only make linkifyFree say no more often.
func isInlineSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' }

// Heading is a section heading with its generated id.
type Heading struct {
	Level int
	Text  string
	ID    string
}

// Link is a link or image destination found in the document.
type Link struct {
	Dest   string // as written
	Offset int    // byte offset in the source
	// ExternalImage marks an image on another host (![alt](https://…)),
	// which is rendered as a link to it with its alt text unless raw HTML
	// is allowed: pages load nothing from other hosts.
	ExternalImage bool
	node          ast.Node
}

// Doc is a parsed document. Between Parse and Freeze it holds goldmark's
// syntax tree; Freeze renders the body once and drops the tree, keeping
// what the later stages read: Src, Headings, Links, Lead and the text.
type Doc struct {
	Src      []byte
	Root     ast.Node       // nil once frozen or released
	Context  parser.Context // nil once frozen or released
	Headings []Heading
	Anchors  []string // ids named by <a id="…"> or <a name="…"> in the text
	Links    []Link
	Lead     string // the plain text of the first top-level paragraph
	Mermaid  bool   // the body has a ```mermaid diagram: its page needs the theme's Mermaid scripts

	textOnce sync.Once
	text     string

	freezeOnce sync.Once
	body       []byte // the rendered body with every link destination cut out
	holes      []hole // where they were
	unsafe     bool   // rendered with raw HTML (goldmark then keeps dangerous URLs)
	err        error
}

// hole is where link's destination goes in a frozen body.
type hole struct{ at, link int }

// Release drops the syntax tree (the bulk of a parsed document's memory):
// Src, Headings, Lead and the links' destinations and offsets stay. Text
// (if not yet computed) gives "" afterwards, and Render fails unless the
// document was frozen first.
func (d *Doc) Release() {
	d.Root, d.Context = nil, nil
	for i := range d.Links {
		d.Links[i].node = nil
	}
}

// Text returns f's result, computed once per parsed document: the preview
// reuses parsed documents across builds, so text derived from the tree
// alone (the search index's body text) is not derived again. It must be
// first called before the document is frozen.
func (d *Doc) Text(f func(*Doc) string) string {
	d.textOnce.Do(func() {
		if d.Root != nil {
			d.text = f(d)
		}
	})
	return d.text
}

// blankFrontMatter is src with its front-matter's YAML turned to spaces
// (line ends and every offset kept), for goldmark-meta to strip: it
// would parse it twice with yaml.v2 (a fifth of a document's parse), and
// the model has decoded it strictly already. src is not changed.
func blankFrontMatter(src []byte) []byte {
	fm, err := load.Split(src)
	if err != nil || !fm.Present || len(fm.YAML) == 0 {
		return src
	}
	out := bytes.Clone(src)
	start := bytes.IndexByte(src, '\n') + 1
	for i := start; i < start+len(fm.YAML); i++ {
		if out[i] != '\n' && out[i] != '\r' {
			out[i] = ' '
		}
	}
	return out
}

// Parse parses the whole file src (front-matter included; goldmark-meta
// strips it, blanked).
func (m *Markdown) Parse(src []byte) *Doc {
	blanked := blankFrontMatter(src)
	if linkifyFree(blanked) {
		d := m.parseWith(m.noLinks, src, blanked)
		// A block goldmark-meta opened and could not read as YAML (a
		// first line of dashes that is not front-matter) stays in the
		// tree as text, untrimmed, where the cutting shows: parse again.
		if _, err := meta.TryGet(d.Context); err == nil {
			return d
		}
	}
	return m.parseWith(m.md, src, blanked)
}

// parseWith is Parse with the goldmark md.
func (m *Markdown) parseWith(md goldmark.Markdown, src, blanked []byte) *Doc {
	pc := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	root := md.Parser().Parse(text.NewReader(blanked), parser.WithContext(pc))
	d := &Doc{Src: src, Root: root, Context: pc}
	var dropped map[ast.Node]bool
	if !m.unsafe {
		dropped = dropExternalImages(root)
	}
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			id, _ := n.AttributeString("id")
			ids, _ := id.([]byte)
			d.Headings = append(d.Headings, Heading{Level: n.Level, Text: plainText(n, src), ID: string(ids)})
		case *ast.Link:
			d.Links = append(d.Links, Link{node: n, Dest: string(n.Destination), Offset: offsetOf(n, src), ExternalImage: dropped[n]})
		case *ast.RawHTML:
			if id, ok := anchorID(rawHTML(n, src)); ok {
				d.Anchors = append(d.Anchors, id)
			}
		case *ast.Image:
			d.Links = append(d.Links, Link{node: n, Dest: string(n.Destination), Offset: offsetOf(n, src)})
		case *mermaidBlock:
			d.Mermaid = true
		}
		return ast.WalkContinue, nil
	})
	for n := root.FirstChild(); n != nil; n = n.NextSibling() {
		if n.Kind() == ast.KindParagraph {
			d.Lead = plainText(n, src)
			break
		}
	}
	return d
}

// dropExternalImages replaces every image whose source is on another host
// by a link to it holding the image's alt text, and returns those links.
func dropExternalImages(root ast.Node) map[ast.Node]bool {
	var images []*ast.Image
	_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering && external(string(img.Destination)) {
			images = append(images, img)
		}
		return ast.WalkContinue, nil
	})
	if len(images) == 0 {
		return nil
	}
	links := make(map[ast.Node]bool, len(images))
	for _, img := range images {
		l := ast.NewLink()
		l.Destination, l.Title = img.Destination, img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			l.AppendChild(l, c)
			c = next
		}
		img.Parent().ReplaceChild(img.Parent(), img, l)
		links[l] = true
	}
	return links
}

// external reports whether a link or image destination names another
// host: a scheme other than data:, or a protocol-relative //host (browsers
// read '\' as '/').
func external(dest string) bool {
	d := strings.TrimLeft(dest, " \t\r\n")
	if strings.HasPrefix(d, "//") || strings.HasPrefix(d, `\`) || strings.HasPrefix(d, `/\`) {
		return true
	}
	scheme, _, ok := strings.Cut(d, ":")
	if !ok || strings.ContainsAny(scheme, "/?#") {
		return false
	}
	return !strings.EqualFold(scheme, "data")
}

// Freeze renders the document's body now and drops its syntax tree, which
// is ten times the size of the HTML: a build of 10,000 documents would
// otherwise hold 850 MB of trees from parsing until rendering. Link
// destinations are not known yet (the link stage sets them after every
// document is parsed), so each is rendered as a placeholder and cut out;
// Render puts the final destinations in, escaped as goldmark would have.
// Freezing twice does nothing.
func (m *Markdown) Freeze(d *Doc) error {
	d.freezeOnce.Do(func() {
		if d.Root == nil {
			d.err = errors.New("markdown: the document was released before it was rendered")
			return
		}
		// The placeholder is letters, digits and hyphens, which URL and
		// HTML escaping leave alone; the source's hash makes sure the
		// document does not contain it.
		sum := sha256.Sum256(d.Src)
		mark := []byte("isms-" + hex.EncodeToString(sum[:8]) + "-")
		for i, l := range d.Links {
			dest := append(slices.Clip(mark), strconv.Itoa(i)+"-"...)
			switch n := l.node.(type) {
			case *ast.Link:
				n.Destination = dest
			case *ast.Image:
				n.Destination = dest
			}
		}
		buf := renderBufs.Get().(*bytes.Buffer)
		defer putRenderBuf(buf)
		buf.Grow(len(d.Src) * 2)
		d.err = m.md.Renderer().Render(bufWriter{buf}, d.Src, d.Root)
		d.unsafe = m.unsafe
		out := buf.Bytes()
		body := make([]byte, 0, len(out))
		for {
			j := bytes.Index(out, mark)
			if j < 0 {
				break
			}
			body = append(body, out[:j]...)
			rest := out[j+len(mark):]
			k := bytes.IndexByte(rest, '-')
			i, err := strconv.Atoi(string(rest[:max(k, 0)]))
			if k < 0 || err != nil || i >= len(d.Links) {
				body = append(body, mark...) // not ours after all
				out = rest
				continue
			}
			d.holes = append(d.holes, hole{at: len(body), link: i})
			out = rest[k+1:]
		}
		d.body = append(body, out...)
		d.Release()
	})
	return d.err
}

// renderBufs hold goldmark's output while Freeze copies it, without its
// placeholders, into the document's body: 29 MB of allocations at 1,000
// documents otherwise. A buffer grown past maxRenderBuf is let go.
var renderBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxRenderBuf = 1 << 20

// bufWriter is a bytes.Buffer as goldmark's util.BufWriter, which its
// renderer writes to directly: any other writer it puts behind a
// bufio.Writer of its own, 4 KB made for each document and its whole
// body copied once more on the way.
type bufWriter struct{ *bytes.Buffer }

var _ util.BufWriter = bufWriter{} // else goldmark would wrap it after all

func (bufWriter) Buffered() int { return 0 } // nothing is held back
func (bufWriter) Flush() error  { return nil }

func putRenderBuf(b *bytes.Buffer) {
	if b.Cap() <= maxRenderBuf {
		b.Reset()
		renderBufs.Put(b)
	}
}

// dangerousURL is goldmark's html.IsDangerousURL, which lower-cases a
// copy of the URL's start for each scheme it checks (a third of Render's
// time): every scheme it refuses ends in a colon, so a URL without one,
// as most of a site's links are, is never dangerous.
func dangerousURL(url []byte) bool {
	return bytes.IndexByte(url, ':') >= 0 && html.IsDangerousURL(url)
}

// Withheld, as a link's destination in Render's out, renders the link as
// its text marked "not in this edition": its target is a document the
// edition does not publish, whose URL must not appear either.
const Withheld = "\x00withheld"

// withheldNote closes the text of a withheld link.
const withheldNote = `</span> <span class="withheld-note">(not in this edition)</span>`

// Render returns the document's body HTML with the link destinations out
// (the link stage's: out[i] for d.Links[i], "" or missing = as written,
// Withheld = no link at all), freezing the document first if that was not
// done.
func (m *Markdown) Render(d *Doc, out []string) ([]byte, error) {
	if err := m.Freeze(d); err != nil {
		return nil, err
	}
	dests := make([][]byte, len(d.Links))
	withheld := false
	size := len(d.body)
	for _, h := range d.holes {
		if dests[h.link] == nil {
			dest := d.Links[h.link].Dest
			if h.link < len(out) && out[h.link] != "" {
				dest = out[h.link]
			}
			if dest == Withheld {
				withheld = true
				dests[h.link] = []byte{}
				continue
			}
			e := util.URLEscape([]byte(dest), true)
			if !d.unsafe && dangerousURL(e) {
				e = nil
			}
			dests[h.link] = append([]byte{}, util.EscapeHTML(e)...)
		}
		size += len(dests[h.link])
	}
	if withheld {
		return m.renderWithheld(d, out, dests), nil
	}
	html := make([]byte, 0, size)
	last := 0
	for _, h := range d.holes {
		html = append(html, d.body[last:h.at]...)
		html = append(html, dests[h.link]...)
		last = h.at
	}
	return append(html, d.body[last:]...), nil
}

// renderWithheld is Render for a body with withheld links: each such
// <a href="…" …>text</a> becomes <span class="withheld">text</span> and a
// note, the text's own markup (an image, emphasis) kept. Links do not
// nest, so the first </a> after a withheld link's tag closes it.
func (m *Markdown) renderWithheld(d *Doc, out []string, dests [][]byte) []byte {
	var html []byte
	open := false // inside a withheld link's text
	emit := func(chunk []byte) {
		if open {
			if i := bytes.Index(chunk, []byte("</a>")); i >= 0 {
				html = append(html, chunk[:i]...)
				html = append(html, withheldNote...)
				chunk, open = chunk[i+len("</a>"):], false
			}
		}
		html = append(html, chunk...)
	}
	last := 0
	for _, h := range d.holes {
		chunk := d.body[last:h.at]
		last = h.at
		if h.link >= len(out) || out[h.link] != Withheld {
			emit(chunk)
			html = append(html, dests[h.link]...)
			continue
		}
		const tag = `<a href="`
		if open || !bytes.HasSuffix(chunk, []byte(tag)) {
			emit(chunk) // not a link's href (an image's src): left empty
			continue
		}
		emit(chunk[:len(chunk)-len(tag)])
		if gt := bytes.IndexByte(d.body[h.at:], '>'); gt >= 0 {
			last = h.at + gt + 1 // the rest of the tag: a title, which is the link's too
		}
		html = append(html, `<span class="withheld">`...)
		open = true
	}
	emit(d.body[last:])
	if open {
		html = append(html, withheldNote...)
	}
	return html
}

// plainText is the text of an inline container, without markup.
func plainText(n ast.Node, src []byte) string { return string(AppendPlainText(nil, n, src)) }

// PlainText is the text of a node (for search and previews): its text and
// code spans, a soft line break as a space, the typographer's entities
// decoded, without white space at either end.
func PlainText(n ast.Node, src []byte) string { return plainText(n, src) }

// AppendPlainText appends PlainText(n, src) to dst: the search index
// gathers a document's blocks into one buffer this way, where a string a
// block cost 2 % of a build's CPU in growing and copying.
func AppendPlainText(dst []byte, n ast.Node, src []byte) []byte {
	start := len(dst)
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			dst = append(dst, t.Segment.Value(src)...)
			if t.SoftLineBreak() {
				dst = append(dst, ' ')
			}
		case *ast.String:
			// The typographer stores entities such as &ldquo; here.
			dst = append(dst, stdhtml.UnescapeString(string(t.Value))...)
		case *ast.CodeSpan:
			for ch := t.FirstChild(); ch != nil; ch = ch.NextSibling() {
				if tx, ok := ch.(*ast.Text); ok {
					dst = append(dst, tx.Segment.Value(src)...)
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	text := bytes.TrimSpace(dst[start:])
	return dst[:start+copy(dst[start:], text)]
}

// offsetOf finds a byte offset for an inline node: its first text segment,
// else the first line of the block that holds it.
func offsetOf(n ast.Node, src []byte) int {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off >= 0 {
		// Back up to the opening bracket so the column points at the link.
		for i := off - 1; i >= 0 && i >= off-2; i-- {
			if src[i] == '[' {
				off = i
				if i > 0 && src[i-1] == '!' {
					off = i - 1
				}
				break
			}
		}
		return off
	}
	for p := n.Parent(); p != nil; p = p.Parent() {
		if p.Type() == ast.TypeBlock && p.Lines().Len() > 0 {
			return p.Lines().At(0).Start
		}
	}
	return 0
}

// CSS returns the stylesheet for highlighted code: chroma's github style,
// and github-dark under prefers-color-scheme: dark. Written once per site.
func CSS() []byte { return bytes.Clone(css()) }

// css is computed once per process: the styles are fixed.
var css = sync.OnceValue(func() []byte {
	var buf bytes.Buffer
	f := chromahtml.New(chromahtml.WithClasses(true))
	_ = f.WriteCSS(&buf, styles.Get(codeStyle))
	buf.WriteString("@media (prefers-color-scheme: dark) {\n")
	var dark bytes.Buffer
	_ = f.WriteCSS(&dark, styles.Get("github-dark"))
	buf.Write(dark.Bytes())
	buf.WriteString("}\n")
	return buf.Bytes()
})

// Lines maps byte offsets to line and column.
type Lines []int

// NewLines indexes the line starts of src.
func NewLines(src []byte) Lines {
	l := Lines{0}
	for i, c := range src {
		if c == '\n' {
			l = append(l, i+1)
		}
	}
	return l
}

// Pos returns the 1-based line and column (in bytes) of off.
func (l Lines) Pos(off int) (line, col int) {
	lo, hi := 0, len(l)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if l[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1, off - l[lo] + 1
}
