// Package search is the search report: /search-index.json for the
// theme's client-side search, and /search/, where the search form lands
// without JavaScript. Text (the body text the index keeps) is taken while
// each document is parsed, before its syntax tree is dropped.
package search

import (
	"bytes"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
	"github.com/isms-project/isms/internal/jsonw"
)

// searchBodyLimit caps each document's body text in the index. The
// client-side search matches words and prefixes and shows a snippet; the
// cap keeps the index at about 2 kB per document however long a document
// is. It is shared fairly between the document's sections (see fitText),
// so every section of a long document is found by its opening words, not
// only the first pages.
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
	Body     string   `json:"b,omitempty"` // the text before the first heading
	// Sections are [heading id, heading text, text] from each heading to
	// the next, so that a hit inside a section leads to its heading.
	Sections [][3]string `json:"s,omitempty"`
}

// searchIndex is the whole file; V lets the script refuse an index it does
// not understand after a theme upgrade (2: sections replace headings).
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

// SiteWide marks the report as drawn from the whole site (report.SiteWide): the index holds every document.
func (*Report) SiteWide() {}

// Reserves lists the index and the search page (report.Reserver).
func (*Report) Reserves(*link.Site) []string {
	return []string{"search-index.json", "search/index.html"}
}

// Publish writes /search-index.json for the theme's search.js, and
// /search/, where the search form lands without JavaScript (it lists every
// document) and which shows full results with it.
func (*Report) Publish(r report.Renderer) ([]report.Page, diag.List) {
	s := r.Input().Site
	b := buildIndex(s, r.Input().Records).json()
	return []report.Page{
		{URL: "search-index.json", Bytes: b},
		{URL: "search/", Layout: "search", Title: "Search", Crumbs: report.Crumbs("Search"), Data: view.Groups(s)},
	}, nil
}

// json is the index as json.Marshal writes it, byte for byte
// (TestIndexJSONMatchesMarshal, FuzzIndexJSONMatchesMarshal), written
// directly: Marshal reflected over every field of 1,000 documents' 1.8
// MB.
func (idx searchIndex) json() []byte {
	n := 16
	for i := range idx.Docs {
		d := &idx.Docs[i]
		n += 64 + len(d.ID) + len(d.Title) + len(d.Type) + len(d.Owner) + len(d.URL) + len(d.Body)
		for _, k := range d.Clauses {
			n += 3 + len(k)
		}
		for _, c := range d.Controls {
			n += 3 + len(c)
		}
		for _, sec := range d.Sections {
			n += 12 + len(sec[0]) + len(sec[1]) + len(sec[2])
		}
	}
	b := make([]byte, 0, n+n/16) // a little room for escapes
	b = append(b, `{"v":`...)
	b = strconv.AppendInt(b, int64(idx.V), 10)
	b = append(b, `,"d":`...)
	if idx.Docs == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i := range idx.Docs {
		if i > 0 {
			b = append(b, ',')
		}
		b = idx.Docs[i].appendJSON(b)
	}
	return append(b, "]}"...)
}

// appendJSON writes the document as json.Marshal does (omitempty fields
// left out when empty).
func (d *searchDoc) appendJSON(b []byte) []byte {
	field := func(b []byte, key, v string) []byte {
		b = append(b, `,"`...)
		b = append(b, key...)
		b = append(b, `":`...)
		return jsonw.AppendHTMLString(b, v)
	}
	list := func(b []byte, key string, vs []string) []byte {
		if len(vs) == 0 {
			return b
		}
		b = append(b, `,"`...)
		b = append(b, key...)
		b = append(b, `":[`...)
		for i, v := range vs {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonw.AppendHTMLString(b, v)
		}
		return append(b, ']')
	}
	b = append(b, `{"i":`...)
	b = jsonw.AppendHTMLString(b, d.ID)
	b = field(b, "t", d.Title)
	b = field(b, "y", d.Type)
	if d.Owner != "" {
		b = field(b, "o", d.Owner)
	}
	b = field(b, "u", d.URL)
	b = list(b, "k", d.Clauses)
	b = list(b, "c", d.Controls)
	if d.Body != "" {
		b = field(b, "b", d.Body)
	}
	if len(d.Sections) > 0 {
		b = append(b, `,"s":[`...)
		for i, sec := range d.Sections {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			for j, v := range sec {
				if j > 0 {
					b = append(b, ',')
				}
				b = jsonw.AppendHTMLString(b, v)
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func buildIndex(s *link.Site, records report.Records) searchIndex {
	idx := searchIndex{V: 2, Docs: []searchDoc{}}
	for _, p := range s.Pages {
		d := p.Doc
		if d.IsRetired() {
			continue
		}
		sd := searchDoc{ID: d.ID, Title: d.Title, Type: d.Type, Owner: d.Owner, URL: p.Href,
			Clauses: d.Clauses, Controls: p.Controls}
		secs := decodeSections(p.MD.Text(Text))
		if len(secs) > 0 {
			sd.Body = secs[0][2]
			for _, sec := range secs[1:] {
				if sec[2] == "" && strings.EqualFold(sec[1], d.Title) {
					continue // a heading that repeats the title
				}
				sd.Sections = append(sd.Sections, sec)
			}
		}
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

// Text is what the index keeps of a document's body: its sections (see
// bodySections), fitted to searchBodyLimit and encoded as one string by
// encodeSections. The build takes it while parsing, so the document keeps
// only this (a full text is 10 kB a document, 100 MB at 10,000).
func Text(md *markdown.Doc) string {
	return encodeSections(fitText(bodySections(md, searchBodyLimit), searchBodyLimit))
}

// Section and field separators of encodeSections; removed from the text
// itself (sectionText does), so they cannot occur inside a field.
const (
	sectionSep = "\x1e"
	fieldSep   = "\x1f"
)

// encodeSections joins [id, title, text] triples into one string (the
// markdown.Doc caches a string per document).
func encodeSections(secs [][3]string) string {
	n := 0
	for _, s := range secs {
		n += len(sectionSep) + len(s[0]) + len(s[1]) + len(s[2]) + 2*len(fieldSep)
	}
	var b strings.Builder
	b.Grow(n)
	for i, s := range secs {
		if i > 0 {
			b.WriteString(sectionSep)
		}
		b.WriteString(s[0])
		b.WriteString(fieldSep)
		b.WriteString(s[1])
		b.WriteString(fieldSep)
		b.WriteString(s[2])
	}
	return b.String()
}

func decodeSections(s string) [][3]string {
	if s == "" {
		return nil
	}
	var out [][3]string
	for part := range strings.SplitSeq(s, sectionSep) {
		f := strings.SplitN(part, fieldSep, 3)
		if len(f) != 3 {
			continue
		}
		out = append(out, [3]string{f[0], f[1], f[2]})
	}
	return out
}

// bodySections is a document's prose cut at its headings: first the text
// before any heading (with an empty id and title), then one [heading id,
// heading text, text] per heading. Paragraphs, list items and table cells
// are kept apart in the text: a block that does not end a sentence is
// followed by " · ", a table's cells are joined by " · " and its rows by
// " | ", so that a snippet does not run a table's columns into one
// sentence. Code blocks and raw HTML are left out: they are rarely what
// people search for. A section stops taking text past limit bytes, and
// the walk stops once all sections hold 4 × limit (as much as the index
// took from a document before it had sections).
func bodySections(md *markdown.Doc, limit int) [][3]string {
	secs := [][3]string{{}}
	// One buffer for all sections, its room kept between them; each
	// section's text is copied out of it once.
	var b []byte
	total := 0
	flush := func() {
		// Every block leaves a separator behind it; the trailing space
		// goes before collapseSpace (which drops it anyway), so that text
		// already collapsed is copied once and not again.
		text := string(bytes.TrimRight(b, " "))
		secs[len(secs)-1][2] = strings.TrimSuffix(strings.TrimSuffix(collapseSpace(text), " ·"), " |")
		total += len(b)
		b = b[:0]
	}
	full := func() bool { return len(b) > limit || total+len(b) > 4*limit }
	// block appends a block's text, cleaned, and sep after it.
	block := func(n ast.Node, sep string) {
		start := len(b)
		b = markdown.AppendPlainText(b, n, md.Src)
		text := b[start:]
		if len(text) == 0 {
			return
		}
		cleanBytes(text)
		if sep == "" {
			sep = " · "
			if strings.IndexByte(".!?:;", text[len(text)-1]) >= 0 {
				sep = " "
			}
		}
		b = append(b, sep...)
	}
	for n := md.Root.FirstChild(); n != nil && total+len(b) <= 4*limit; n = n.NextSibling() {
		_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch c.Kind() {
			case ast.KindFencedCodeBlock, ast.KindCodeBlock, ast.KindHTMLBlock, ast.KindRawHTML:
				return ast.WalkSkipChildren, nil
			case ast.KindHeading:
				flush()
				id, _ := c.AttributeString("id")
				ids, _ := id.([]byte)
				secs = append(secs, [3]string{clean(string(ids)), clean(markdown.PlainText(c, md.Src)), ""})
				return ast.WalkSkipChildren, nil
			case east.KindTable:
				if !full() {
					for row := c.FirstChild(); row != nil; row = row.NextSibling() {
						for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
							sep := " · "
							if cell.NextSibling() == nil {
								sep = " | "
							}
							block(cell, sep)
						}
					}
				}
				return ast.WalkSkipChildren, nil
			}
			if c.Type() == ast.TypeBlock && c.FirstChild() != nil && c.FirstChild().Type() == ast.TypeInline {
				if !full() {
					block(c, "")
				}
				return ast.WalkSkipChildren, nil
			}
			return ast.WalkContinue, nil
		})
	}
	flush()
	return secs
}

// clean removes the section and field separators from s.
func clean(s string) string {
	if !strings.ContainsAny(s, sectionSep+fieldSep) {
		return s
	}
	return strings.NewReplacer(sectionSep, " ", fieldSep, " ").Replace(s)
}

// cleanBytes is clean in place: each separator is one byte.
func cleanBytes(b []byte) {
	for i, c := range b {
		if c == sectionSep[0] || c == fieldSep[0] {
			b[i] = ' '
		}
	}
}

// fitText shares limit bytes of text between the sections fairly: every
// section keeps its whole text if it is shorter than a common cap, and the
// longer ones are cut at a word boundary at that cap, the largest that
// keeps the total within limit. A cut text ends in "…".
func fitText(secs [][3]string, limit int) [][3]string {
	lens := make([]int, len(secs))
	sum := 0
	for i, s := range secs {
		lens[i] = len(s[2])
		sum += lens[i]
	}
	if sum <= limit {
		return secs
	}
	sorted := slices.Sorted(slices.Values(lens))
	capLen, left := 0, limit
	for i, l := range sorted {
		share := left / (len(sorted) - i)
		if l > share {
			capLen = share
			break
		}
		left -= l
		capLen = l
	}
	out := slices.Clone(secs)
	for i := range out {
		if len(out[i][2]) > capLen {
			if capLen <= len("…") {
				out[i][2] = ""
				continue
			}
			// "…" says the text goes on, so a snippet of its end says so too.
			out[i][2] = strings.TrimRight(truncateWords(out[i][2], max(capLen-len("…"), 0)), " ·|") + "…"
		}
	}
	return out
}

// collapseSpace is strings.Join(strings.Fields(s), " ") in one pass and
// one allocation: runs of white space become one space, none at the ends.
// Bytes that are not UTF-8 are kept as they are, as Fields keeps them.
func collapseSpace(s string) string {
	if collapsed(s) {
		return s // most text is: no copy
	}
	var out strings.Builder
	out.Grow(len(s))
	run := -1 // where the run of non-space bytes being read started
	for i := 0; i < len(s); {
		c, n, space := s[i], 1, false
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
		} else {
			var r rune
			r, n = utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
		}
		switch {
		case space && run >= 0:
			out.WriteString(s[run:i]) // whole runs, not rune by rune
			run = -1
		case !space && run < 0:
			if out.Len() > 0 {
				out.WriteByte(' ')
			}
			run = i
		}
		i += n
	}
	if run >= 0 {
		out.WriteString(s[run:])
	}
	return out.String()
}

// collapsed reports whether s has single ASCII spaces between words and
// none at either end, as collapseSpace would leave it. Other text than
// ASCII is looked at rune by rune (the " · " between a document's blocks
// is not ASCII): a Unicode space in it is not collapsed.
func collapsed(s string) bool {
	space := true // at the start, as after a space: a leading one is not collapsed
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				return false
			}
			space = false
			i += n - 1
		case c == ' ':
			if space {
				return false
			}
			space = true
		case asciiSpace[c]:
			return false
		default:
			space = false
		}
	}
	return !space || s == ""
}

// asciiSpace is unicode.IsSpace for ASCII.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

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
