// Package relink makes a finished output tree work when it is opened from
// disk, as an auditor does with an unzipped snapshot: a browser reading
// file:// URLs resolves "/assets/style.css" against the disk's root and
// does not open a folder's index.html. So every URL that starts at the
// site root becomes relative to the file holding it (a page at
// /policies/x/ links to ../../assets/style.css), and every folder URL names
// its index.html (../../soa/index.html#control-5-1).
//
// It runs on the rendered bytes, after every template and report, so that
// none of them needs to know: the URLs of a page are made in many places
// (templates, reports, the Markdown renderer, Graphviz), all from the site
// root. HTML and SVG files are split into tags with golang.org/x/net/html's
// tokenizer, which knows where scripts, comments and raw text end; only the
// values of URL attributes are replaced in place, every other byte is kept.
//
// 404.html is left as it is: a server shows it at any depth, where
// relative URLs would point elsewhere, and from disk it is never shown.
package relink

import (
	"bytes"
	"errors"
	"io"
	"path"
	"strings"

	"golang.org/x/net/html"

	"github.com/isms-project/isms/generator/view"
)

// urlAttrs are the attributes holding a URL, by lower-case name.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "poster": true, "xlink:href": true,
	"data-index": true, // the search index the search form fetches
}

// rootAttr holds the site root itself, which scripts prefix URLs with.
const rootAttr = "data-root"

// Tree returns a copy of t whose HTML and SVG files (except 404.html) use
// relative URLs in place of those starting at root (the site's URL path,
// "/" or "/isms/") or at abs (the site's absolute URL, as the printed
// copy writes links to pages outside it; "" = none). Files are shared
// with t where nothing changed.
func Tree(t view.Tree, root, abs string) (view.Tree, error) {
	out := make(view.Tree, len(t))
	for name, b := range t {
		out[name] = b
		if name == "404.html" || !(strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".svg")) {
			continue
		}
		nb, err := File(b, name, root, abs)
		if err != nil {
			return nil, errors.New(name + ": " + err.Error())
		}
		out[name] = nb
	}
	return out, nil
}

// File rewrites the URL attributes of one HTML or SVG file published at
// name (a slash path under the output root, such as
// "policies/x/index.html").
func File(src []byte, name, root, abs string) ([]byte, error) {
	up := strings.Repeat("../", strings.Count(name, "/"))
	return rewrite(src, func(key, val string) (string, bool) {
		if abs != "" && strings.HasPrefix(val, abs) && urlAttrs[key] {
			val = root + strings.TrimPrefix(val, abs)
			return Relative(val, root, up), true
		}
		switch {
		case key == rootAttr && val == root:
			if up == "" {
				return "./", true
			}
			return up, true
		case urlAttrs[key]:
			nv := Relative(val, root, up)
			return nv, nv != val
		}
		return "", false
	})
}

// Relative is u as seen from a file up folders below the output root
// (up is "../" repeated, or ""): a URL starting at root is made relative,
// and a folder URL, this one or a relative one, names its index.html.
// Other URLs (other hosts, mailto:, #fragments, paths outside root) are
// returned as they are.
func Relative(u, root, up string) string {
	if u == "" || strings.HasPrefix(u, "#") || strings.HasPrefix(u, "//") || hasScheme(u) {
		return u
	}
	p, rest := u, ""
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		p, rest = u[:i], u[i:]
	}
	switch {
	case strings.HasPrefix(p, "/") && strings.HasPrefix(p, root):
		p = up + strings.TrimPrefix(p, root)
	case strings.HasPrefix(p, "/"):
		return u // outside the site
	case p == "" && rest != "":
		return u // "?q=x": this same page
	}
	switch base := path.Base(p); {
	case p == "" || strings.HasSuffix(p, "/"):
		p += "index.html"
	case base == "." || base == "..":
		p += "/index.html"
	}
	return p + rest
}

// hasScheme reports whether u starts with a URL scheme (https:, mailto:).
func hasScheme(u string) bool {
	for i, c := range u {
		switch {
		case c == ':':
			return i > 0
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return false
}

// rewrite copies src, replacing the values of the attributes fix changes
// (by lower-case name and unescaped value). Tags are found by the HTML
// tokenizer; everything but a replaced value is copied byte for byte.
func rewrite(src []byte, fix func(key, val string) (string, bool)) ([]byte, error) {
	z := html.NewTokenizer(bytes.NewReader(src))
	var out bytes.Buffer
	out.Grow(len(src) + len(src)/16)
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if err := z.Err(); err != io.EOF {
				return nil, err
			}
			out.Write(z.Raw()) // an unfinished tag at the end: kept as it is
			return out.Bytes(), nil
		}
		raw := z.Raw()
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			out.Write(rewriteTag(raw, fix))
		} else {
			out.Write(raw)
		}
	}
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

// rewriteTag rewrites the attribute values of one start tag as written,
// "<a class=x href='/y/'>", reading attributes as the HTML tokenizer does:
// a name ends at a space, '/', '=' or '>'; a value is quoted with " or ',
// or runs to a space or '>'. A replaced value is written double-quoted.
func rewriteTag(raw []byte, fix func(key, val string) (string, bool)) []byte {
	var out []byte // nil until something changes
	last := 0
	i := 1
	for i < len(raw) && !isSpace(raw[i]) && raw[i] != '/' && raw[i] != '>' {
		i++ // the tag name
	}
	for i < len(raw) {
		for i < len(raw) && (isSpace(raw[i]) || raw[i] == '/') {
			i++
		}
		if i >= len(raw) || raw[i] == '>' {
			break
		}
		ns := i
		i++ // a name may start with '='
		for i < len(raw) && !isSpace(raw[i]) && raw[i] != '/' && raw[i] != '=' && raw[i] != '>' {
			i++
		}
		name := strings.ToLower(string(raw[ns:i]))
		for i < len(raw) && isSpace(raw[i]) {
			i++
		}
		if i >= len(raw) || raw[i] != '=' {
			continue // no value
		}
		i++
		for i < len(raw) && isSpace(raw[i]) {
			i++
		}
		var vs, ve, end int // value bytes, and where the attribute ends (after a closing quote)
		if i < len(raw) && (raw[i] == '"' || raw[i] == '\'') {
			q := raw[i]
			vs = i + 1
			ve = bytes.IndexByte(raw[vs:], q)
			if ve < 0 {
				return raw // unterminated: the tokenizer would not have ended the tag here
			}
			ve += vs
			end = ve + 1
			i = end
			vs-- // include the quotes in what is replaced
			ve++
		} else {
			vs = i
			for i < len(raw) && !isSpace(raw[i]) && raw[i] != '>' {
				i++
			}
			ve, end = i, i
		}
		val := string(raw[vs:ve])
		if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') {
			val = val[1 : len(val)-1]
		}
		nv, ok := fix(name, html.UnescapeString(val))
		if !ok {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(raw)+32)
		}
		out = append(out, raw[last:vs]...)
		out = append(out, '"')
		out = append(out, html.EscapeString(nv)...)
		out = append(out, '"')
		last = end
	}
	if out == nil {
		return raw
	}
	return append(out, raw[last:]...)
}
