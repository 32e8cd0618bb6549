package markdown

import (
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// gfm is goldmark's GFM extension (linkify, tables, strikethrough, task
// lists) with its linkify parser behind quickLinkify, and its tables as
// table makes them (nil: extension.Table). One table extension only: a
// second puts a second table transformer on every paragraph, which looks
// again at each one the first left as it was. noLinkify leaves linkify
// out (Markdown.noLinks).
type gfm struct {
	table     goldmark.Extender
	noLinkify bool
}

func (g gfm) Extend(m goldmark.Markdown) {
	if !g.noLinkify {
		// Where extension.Linkify puts its parser (999).
		m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(quickLinkify{extension.NewLinkifyParser()}, 999)))
	}
	if g.table == nil {
		g.table = extension.Table
	}
	g.table.Extend(m)
	extension.Strikethrough.Extend(m)
	extension.TaskList.Extend(m)
}

// quickLinkify is goldmark's linkify parser behind a cheaper first look.
// goldmark asks it at every space, and at each it tries the URL prefixes
// and then reads the word as a possible e-mail address: 3 % of a
// 1,000-document build's CPU. It finds something only where, past the
// space (or *, _, ~, () it was asked at, the text starts with "http:",
// "https:", "ftp:" or "www.", or its first word has an @ within 64
// bytes (an address's local part is at most 64 of the bytes
// util.FindEmailIndex takes); any other text is plain without asking it. It is held to goldmark's GFM by
// TestLinkifyMatchesGFM and FuzzLinkify.
type quickLinkify struct{ parser.InlineParser }

func (q quickLinkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if len(line) > 0 && !mayLink(line) {
		return nil
	}
	return q.InlineParser.Parse(parent, block, pc)
}

// mayLink reports whether linkify could find a link at the start of line.
func mayLink(line []byte) bool {
	switch line[0] {
	case ' ', '*', '_', '~', '(':
		line = line[1:]
	}
	if len(line) == 0 {
		return false
	}
	switch line[0] {
	case 'h', 'f', 'w': // http:, https:, ftp:, www.
		return true
	}
	// An address's local part is the run of address bytes before the @;
	// a space or control byte is none of them and ends the word.
	for _, c := range line[:min(len(line), 65)] {
		switch {
		case c == '@':
			return true
		case c <= ' ':
			return false
		}
	}
	return false
}
