package print

import (
	"bytes"
	"html"
	"net/url"
	"strings"
)

// The auditor's copy puts every document and report page on one page, so
// the ids of each part are made unique and links are pointed inside:
//
//   - every id in a part becomes "<part>--<id>" (part: "doc-pol-ac-01",
//     "report-soa"), and so do the references to ids inside it: href="#x",
//     for, aria-labelledby, aria-describedby, aria-controls and an SVG's
//     url(#x);
//   - a link to a page that is in the copy becomes "#<part>", or
//     "#<part>--<fragment>" with a fragment;
//   - a link to anything else (a draft, a history page, an artefact) stays
//     a link to the site, absolute when base_url is, and the print style
//     sheet prints it after the text.
//
// It is a scanner over the markup the theme and goldmark write, not a
// parser: it copies everything but the attributes above byte for byte,
// and skips comments and the raw text of script and style elements.

// copyMap is where each page of the site is in the copy.
type copyMap struct {
	root    string            // the site's URL path prefix, "/" by default
	abs     string            // base_url when absolute, with a trailing slash; else ""
	anchors map[string]string // page URL relative to root ("policies/x/") → part id
}

// target is href (as written, entities and all) from the page at
// pageURL, seen from part: its place in the copy, or the site URL to print.
func (c *copyMap) target(href, pageURL, part string) string {
	u := html.UnescapeString(href)
	if strings.HasPrefix(u, "#") {
		return "#" + joinID(part, u[1:])
	}
	if i := strings.IndexAny(u, ":/?#"); i >= 0 && u[i] == ':' {
		return href // a scheme: mailto:, https:, …
	}
	if strings.HasPrefix(u, "//") {
		return href
	}
	p, frag, _ := strings.Cut(u, "#")
	var rel string
	switch {
	case strings.HasPrefix(p, c.root):
		rel = p[len(c.root):]
	case strings.HasPrefix(p, "/"):
		return href // outside the site
	default: // relative to the page
		ref, err := url.Parse(p)
		if err != nil {
			return href
		}
		base := &url.URL{Path: c.root + pageURL}
		res := base.ResolveReference(ref).Path
		if !strings.HasPrefix(res, c.root) {
			return href
		}
		rel = res[len(c.root):]
	}
	rel = strings.TrimSuffix(rel, "index.html")
	if a, ok := c.anchors[rel]; ok {
		return "#" + joinID(a, frag)
	}
	if unq, err := url.PathUnescape(rel); err == nil {
		if a, ok := c.anchors[unq]; ok {
			return "#" + joinID(a, frag)
		}
	}
	if c.abs == "" {
		if strings.HasPrefix(u, "/") {
			return href
		}
		return html.EscapeString(c.root + rel + fragSuffix(frag))
	}
	return html.EscapeString(c.abs + rel + fragSuffix(frag))
}

func fragSuffix(f string) string {
	if f == "" {
		return ""
	}
	return "#" + f
}

// joinID is id inside part ("" is the part itself). A percent-encoded
// fragment names the id it decodes to.
func joinID(part, id string) string {
	if id == "" {
		return part
	}
	if strings.Contains(id, "%") {
		if d, err := url.PathUnescape(id); err == nil {
			id = d
		}
	}
	return html.EscapeString(part + "--" + id)
}

// isIDRefs reports whether an attribute names ids of the same page,
// space separated.
func isIDRefs(attr []byte) bool {
	for _, a := range []string{"for", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns"} {
		if is(attr, a) {
			return true
		}
	}
	return false
}

// is reports whether a tag or attribute name is name, in any case.
func is(b []byte, name string) bool {
	return len(b) == len(name) && bytes.EqualFold(b, []byte(name))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rewrite appends src to dst with its ids prefixed by part and its
// links pointed inside the copy; pageURL is the page src was made for
// (relative links resolve against it). With skipFirst the first tag (the
// part's own wrapper, which the copy names) is copied as it is.
func (c *copyMap) rewrite(dst, src []byte, pageURL, part string, skipFirst bool) []byte {
	first := skipFirst
	for len(src) > 0 {
		i := bytes.IndexByte(src, '<')
		if i < 0 || i+1 >= len(src) {
			return append(dst, src...)
		}
		dst = append(dst, src[:i]...)
		src = src[i:]
		switch {
		case bytes.HasPrefix(src, []byte("<!--")):
			end := bytes.Index(src[4:], []byte("-->"))
			if end < 0 {
				return append(dst, src...)
			}
			dst = append(dst, src[:4+end+3]...)
			src = src[4+end+3:]
			continue
		case !isLetter(src[1]):
			dst = append(dst, '<')
			src = src[1:]
			continue
		}
		n := tagEnd(src)
		tag := src[:n]
		src = src[n:]
		if first {
			first = false
			dst = append(dst, tag...)
		} else {
			dst = c.rewriteTag(dst, tag, pageURL, part)
		}
		if name := tagName(tag); bytes.EqualFold(name, []byte("script")) || bytes.EqualFold(name, []byte("style")) {
			end := indexFold(src, "</"+string(name))
			if end < 0 {
				return append(dst, src...)
			}
			dst = append(dst, src[:end]...)
			src = src[end:]
		}
	}
	return dst
}

// rewriteTag appends one start tag with its attributes rewritten.
func (c *copyMap) rewriteTag(dst, tag []byte, pageURL, part string) []byte {
	// Most tags have nothing to rewrite: copy them whole.
	if bytes.IndexByte(tag, '=') < 0 {
		return append(dst, tag...)
	}
	j := 1
	for j < len(tag) && !isSpace(tag[j]) && tag[j] != '>' && tag[j] != '/' {
		j++
	}
	dst = append(dst, tag[:j]...)
	for j < len(tag) {
		// white space and stray bytes up to the next attribute name
		k := j
		for k < len(tag) && (isSpace(tag[k]) || tag[k] == '/' || tag[k] == '>') {
			k++
		}
		dst = append(dst, tag[j:k]...)
		j = k
		if j >= len(tag) {
			break
		}
		k = j
		for k < len(tag) && !isSpace(tag[k]) && tag[k] != '=' && tag[k] != '>' && tag[k] != '/' {
			k++
		}
		attr := tag[j:k]
		dst = append(dst, attr...)
		j = k
		if j >= len(tag) || tag[j] != '=' {
			continue
		}
		dst = append(dst, '=')
		j++
		var q byte
		if j < len(tag) && (tag[j] == '"' || tag[j] == '\'') {
			q = tag[j]
			j++
		}
		k = j
		if q != 0 {
			for k < len(tag) && tag[k] != q {
				k++
			}
		} else {
			for k < len(tag) && !isSpace(tag[k]) && tag[k] != '>' {
				k++
			}
		}
		raw := tag[j:k]
		plain := bytes.IndexByte(raw, '%') < 0 // no percent-encoding to undo
		var val string
		switch {
		case plain && q == '"' && (is(attr, "id") || is(attr, "href") && len(raw) > 0 && raw[0] == '#'):
			// The common cases, without a string: the id as written, after
			// the part's prefix (which needs no escaping).
			dst = append(dst, '"')
			if len(raw) > 0 && raw[0] == '#' {
				dst = append(dst, '#')
				raw = raw[1:]
			}
			dst = append(dst, part...)
			if len(raw) > 0 {
				dst = append(dst, "--"...)
				dst = append(dst, raw...)
			}
			dst = append(dst, '"')
			if k < len(tag) {
				k++
			}
			j = k
			continue
		case is(attr, "id") || is(attr, "name") && is(tagName(tag), "a"):
			val = joinID(part, html.UnescapeString(string(raw)))
		case is(attr, "href") || is(attr, "xlink:href"):
			val = c.target(string(raw), pageURL, part)
		case isIDRefs(attr):
			fs := strings.Fields(html.UnescapeString(string(raw)))
			for i, f := range fs {
				fs[i] = joinID(part, f)
			}
			val = strings.Join(fs, " ")
		case bytes.Contains(raw, []byte("url(#")):
			val = prefixURLRefs(string(raw), part)
		default: // copied as it is
			if q != 0 && k < len(tag) {
				k++
			}
			dst = append(dst, tag[j-boolInt(q != 0):k]...)
			j = k
			continue
		}
		if q != 0 {
			dst = append(dst, q)
			dst = append(dst, val...)
			dst = append(dst, q)
			if k < len(tag) {
				k++
			}
		} else {
			dst = append(dst, '"')
			dst = append(dst, val...)
			dst = append(dst, '"')
		}
		j = k
	}
	return dst
}

// prefixURLRefs rewrites each url(#x) in an attribute value.
func prefixURLRefs(v, part string) string {
	var b strings.Builder
	for {
		i := strings.Index(v, "url(#")
		if i < 0 {
			b.WriteString(v)
			return b.String()
		}
		b.WriteString(v[:i+5])
		v = v[i+5:]
		end := strings.IndexByte(v, ')')
		if end < 0 {
			b.WriteString(v)
			return b.String()
		}
		b.WriteString(joinID(part, html.UnescapeString(v[:end])))
		v = v[end:]
	}
}

// tagEnd is the length of the tag at the start of s (through its '>',
// quotes respected), or len(s) if it never ends.
func tagEnd(s []byte) int {
	var q byte
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			// a quote opens a value only after '='
			if s[i-1] == '=' || (i > 1 && isSpace(s[i-1]) && lastNonSpace(s[:i]) == '=') {
				q = c
			}
		case c == '>':
			return i + 1
		}
	}
	return len(s)
}

func lastNonSpace(s []byte) byte {
	for i := len(s) - 1; i >= 0; i-- {
		if !isSpace(s[i]) {
			return s[i]
		}
	}
	return 0
}

func tagName(tag []byte) []byte {
	j := 1
	for j < len(tag) && !isSpace(tag[j]) && tag[j] != '>' && tag[j] != '/' {
		j++
	}
	return tag[1:j]
}

func indexFold(s []byte, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := bytes.IndexByte(s[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if i+len(sub) <= len(s) && strings.EqualFold(string(s[i:i+len(sub)]), sub) {
			return i
		}
	}
	return -1
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isSpace(c byte) bool  { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// mainOf is the inside of a framed page's <main> element: the report
// page as the reader sees it, without the site's header, navigation and
// footer. ok is false when the theme's frame has no <main>.
func mainOf(page []byte) (inner []byte, ok bool) {
	i := bytes.Index(page, []byte("<main"))
	if i < 0 {
		return nil, false
	}
	n := tagEnd(page[i:])
	end := bytes.LastIndex(page, []byte("</main>"))
	if end < i+n {
		return nil, false
	}
	return page[i+n : end], true
}

// bodyOf is the inside of a page's <body>, or the page if it has none.
func bodyOf(page []byte) []byte {
	i := bytes.Index(page, []byte("<body"))
	end := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 || end < 0 {
		return page
	}
	n := tagEnd(page[i:])
	if end < i+n {
		return page
	}
	return page[i+n : end]
}
