// Package search is the search report: /search-index.json for the
// theme's client-side search, and /search/, where the search form lands
// without JavaScript. Text (the body text the index keeps) is taken while
// each document is parsed, before its syntax tree is dropped.
package search

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

// searchBodyLimit caps each document's body text in the index. The
// client-side search matches words and prefixes and shows a snippet; the
// opening of a document carries most of what staff search for, and the cap
// keeps the index at about 2 kB per document however long a document is.
const searchBodyLimit = 1500

// searchDoc is one document in /search-index.json. Keys are one letter
// because the index is downloaded whole by every reader who searches.
type searchDoc struct {
	ID       string   `json:"i"`
	Title    string   `json:"t"`
	Type     string   `json:"y"`
	Owner    string   `json:"o,omitempty"`
	URL      string   `json:"u"` // relative to the site root
	Clauses  []string `json:"k,omitempty"`
	Controls []string `json:"c,omitempty"`
	Headings []string `json:"h,omitempty"`
	Body     string   `json:"b,omitempty"`
}

// searchIndex is the whole file; V lets the script refuse an index it does
// not understand after a theme upgrade.
type searchIndex struct {
	V    int         `json:"v"`
	Docs []searchDoc `json:"d"`
}

// Report is the search report. It adds no findings.
type Report struct{}

// New returns the report.
func New() *Report { return &Report{} }

// Analyze has nothing to check.
func (*Report) Analyze(*report.Input) ([]model.Finding, diag.List) { return nil, nil }

// Publish writes /search-index.json for the theme's search.js, and
// /search/, where the search form lands without JavaScript (it lists every
// document) and which shows full results with it.
func (*Report) Publish(r report.Renderer) ([]report.Page, diag.List) {
	var diags diag.List
	s := r.Input().Site
	b, err := json.Marshal(buildIndex(s, r.Input().Records))
	if err != nil {
		diags.Errorf(diag.Pos{Path: "content"}, "search", "search index: %v", err)
		return nil, diags
	}
	return []report.Page{
		{URL: "search-index.json", Bytes: b},
		{URL: "search/", Layout: "search", Title: "Search", Crumbs: report.Crumbs("Search"), Data: view.Groups(s)},
	}, nil
}

func buildIndex(s *link.Site, records report.Records) searchIndex {
	idx := searchIndex{V: 1, Docs: []searchDoc{}}
	for _, p := range s.Pages {
		d := p.Doc
		if d.IsRetired() {
			continue
		}
		sd := searchDoc{ID: d.ID, Title: d.Title, Type: d.Type, Owner: d.Owner, URL: p.Href,
			Clauses: d.Clauses, Controls: p.Controls}
		for _, h := range p.MD.Headings {
			if h.Level > 1 && h.Text != "" {
				sd.Headings = append(sd.Headings, h.Text)
			}
		}
		sd.Body = p.MD.Text(Text)
		idx.Docs = append(idx.Docs, sd)
	}
	// Every record (a risk, an action, an exception) is found by its id
	// and title, and leads to its row in the document that holds it.
	for _, kind := range slices.Sorted(maps.Keys(records)) {
		for _, id := range records.IDs(kind) {
			rec, _ := records.Get(kind, id)
			if rec.Page == nil || rec.Page.Doc.IsRetired() {
				continue
			}
			idx.Docs = append(idx.Docs, searchDoc{ID: id, Title: rec.Title, Type: kind,
				URL: rec.Page.Href + "#" + url.PathEscape(id), Controls: rec.Refs["control"]})
		}
	}
	return idx
}

// Text is the opening of a document's body text that the index keeps.
// The build takes it while parsing, so the document keeps only this (a
// full text is 10 kB a document, 100 MB at 10,000).
func Text(md *markdown.Doc) string {
	return strings.Clone(truncateWords(bodyText(md, 4*searchBodyLimit), searchBodyLimit)) // not a window on the whole text
}

// bodyText is a document's prose as one line: the text of every paragraph,
// heading, list item and table cell separated by spaces. Code blocks and
// raw HTML are left out: they are rarely what people search for. With
// enough > 0 it stops after the block that brings the text past enough
// bytes (before spaces are collapsed).
func bodyText(md *markdown.Doc, enough int) string {
	var b strings.Builder
	if enough > 0 {
		b.Grow(min(len(md.Src), enough+enough/4))
	}
	for n := md.Root.FirstChild(); n != nil && (enough <= 0 || b.Len() <= enough); n = n.NextSibling() {
		_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch c.Kind() {
			case ast.KindFencedCodeBlock, ast.KindCodeBlock, ast.KindHTMLBlock, ast.KindRawHTML:
				return ast.WalkSkipChildren, nil
			}
			if c.Type() == ast.TypeBlock && c.FirstChild() != nil && c.FirstChild().Type() == ast.TypeInline {
				b.WriteString(markdown.PlainText(c, md.Src))
				b.WriteByte(' ')
				return ast.WalkSkipChildren, nil
			}
			return ast.WalkContinue, nil
		})
	}
	return collapseSpace(b.String())
}

// collapseSpace is strings.Join(strings.Fields(s), " ") in one pass and
// one allocation: runs of white space become one space, none at the ends.
// Bytes that are not UTF-8 are kept as they are, as Fields keeps them.
func collapseSpace(s string) string {
	var out strings.Builder
	out.Grow(len(s))
	gap := false
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			gap = out.Len() > 0
		} else {
			if gap {
				out.WriteByte(' ')
				gap = false
			}
			out.WriteString(s[i : i+n])
		}
		i += n
	}
	return out.String()
}

// truncateWords cuts s to at most limit bytes at a word boundary.
func truncateWords(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	if i := strings.LastIndexFunc(s[:cut], unicode.IsSpace); i > limit/2 {
		cut = i
	}
	return s[:cut]
}
