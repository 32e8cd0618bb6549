package diagrams

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"strings"
)

// The sanitiser is the last line of defence between a ```dot fence (or a
// file in the on-disk cache) and a page: whatever DOT attributes Graphviz
// copied into its SVG, the inline SVG keeps only the elements and
// attributes a diagram needs. It never parses into a tree and writes back,
// so Graphviz's own bytes survive unchanged wherever they are safe.
//
// Rules:
//   - elements outside svgElements make the whole SVG unusable (an error):
//     no <script>, <style>, <foreignObject>, <image>, <use>, <animate>, <set>;
//   - attributes outside svgAttributes are dropped: no on* handlers, no
//     unknown namespaces;
//   - href and xlink:href survive only as a relative link within the site
//     or an http(s) URL (safeURL); anything else (javascript:, data:,
//     vbscript:, //host, \host) is dropped, leaving the shape without a link;
//   - style attributes (blocked by the theme's CSP, and a way to load from
//     other hosts) become presentation attributes where Graphviz uses them
//     (gradient stops), else are dropped;
//   - a value may use url() only as url(#fragment).

// svgElements are the SVG elements Graphviz writes for the dot layout.
var svgElements = map[string]bool{
	"svg": true, "g": true, "title": true, "a": true, "defs": true,
	"path": true, "polygon": true, "polyline": true, "ellipse": true, "circle": true,
	"rect": true, "line": true, "text": true, "tspan": true,
	"linearGradient": true, "radialGradient": true, "stop": true,
}

// svgAttributes are the attributes kept. URL-bearing ones are checked by
// safeURL on top.
var svgAttributes = map[string]bool{
	"id": true, "class": true, "role": true, "aria-label": true, "width": true, "height": true, "viewBox": true,
	"xmlns": true, "xmlns:xlink": true, "preserveAspectRatio": true, "transform": true,
	"fill": true, "fill-opacity": true, "stroke": true, "stroke-width": true, "stroke-opacity": true,
	"stroke-dasharray": true, "stroke-linecap": true, "stroke-linejoin": true,
	"points": true, "d": true, "cx": true, "cy": true, "r": true, "rx": true, "ry": true,
	"x": true, "y": true, "x1": true, "y1": true, "x2": true, "y2": true, "fx": true, "fy": true,
	"text-anchor": true, "font-family": true, "font-size": true, "font-style": true,
	"font-weight": true, "text-decoration": true, "baseline-shift": true,
	"offset": true, "stop-color": true, "stop-opacity": true,
	"gradientUnits": true, "gradientTransform": true,
	"href": true, "xlink:href": true, "xlink:title": true, "target": true,
}

// styleProperties are the declarations of a style attribute turned into
// attributes of the same name.
var styleProperties = map[string]bool{"stop-color": true, "stop-opacity": true, "fill": true, "stroke": true}

var namespaces = map[string]string{
	"xmlns":       "http://www.w3.org/2000/svg",
	"xmlns:xlink": "http://www.w3.org/1999/xlink",
}

// sanitizeSVG returns svg with every unsafe attribute neutralised, or an
// error if it holds an element that has no place in a diagram or is not
// the well-formed markup Graphviz writes. It is idempotent: a sanitised SVG
// comes back unchanged, which is how the disk cache checks its entries.
func sanitizeSVG(svg []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(svg))
	rest := svg
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '<')
		if i < 0 {
			out.Write(rest)
			break
		}
		out.Write(rest[:i])
		rest = rest[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest[4:], []byte("-->"))
			if end < 0 {
				return nil, errors.New("unterminated comment")
			}
			rest = rest[4+end+3:]
		case bytes.HasPrefix(rest, []byte("</")):
			name, n := xmlName(rest[2:])
			after := bytes.TrimLeft(rest[2+n:], " \t\r\n")
			if name == "" || len(after) == 0 || after[0] != '>' {
				return nil, errors.New("malformed end tag")
			}
			if !svgElements[name] {
				return nil, fmt.Errorf("element <%s> is not allowed in a diagram", name)
			}
			out.WriteString("</" + name + ">")
			rest = after[1:]
		default:
			n, err := startTag(&out, rest)
			if err != nil {
				return nil, err
			}
			rest = rest[n:]
		}
	}
	return out.Bytes(), nil
}

// startTag writes the sanitised start tag at the beginning of s to out and
// returns its length in s.
func startTag(out *bytes.Buffer, s []byte) (int, error) {
	name, n := xmlName(s[1:])
	if name == "" {
		return 0, errors.New("malformed tag: '<' not followed by an element name")
	}
	if !svgElements[name] {
		return 0, fmt.Errorf("element <%s> is not allowed in a diagram", name)
	}
	out.WriteString("<" + name)
	i := 1 + n
	for {
		j := i
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		switch {
		case j >= len(s):
			return 0, errors.New("unterminated tag <" + name + ">")
		case s[j] == '>':
			out.WriteByte('>')
			return j + 1, nil
		case s[j] == '/' && j+1 < len(s) && s[j+1] == '>':
			out.WriteString("/>")
			return j + 2, nil
		case j == i:
			return 0, errors.New("malformed attributes in <" + name + ">")
		}
		attr, an := xmlName(s[j:])
		if attr == "" {
			return 0, errors.New("malformed attributes in <" + name + ">")
		}
		k := j + an
		for k < len(s) && isSpace(s[k]) {
			k++
		}
		if k >= len(s) || s[k] != '=' {
			return 0, fmt.Errorf("attribute %s in <%s> has no value", attr, name)
		}
		k++
		for k < len(s) && isSpace(s[k]) {
			k++
		}
		if k >= len(s) || (s[k] != '"' && s[k] != '\'') {
			return 0, fmt.Errorf("attribute %s in <%s> is not quoted", attr, name)
		}
		q := s[k]
		end := bytes.IndexByte(s[k+1:], q)
		if end < 0 {
			return 0, fmt.Errorf("attribute %s in <%s> is not closed", attr, name)
		}
		value := s[k+1 : k+1+end]
		if bytes.IndexByte(value, '<') >= 0 {
			return 0, fmt.Errorf("attribute %s in <%s> holds '<'", attr, name)
		}
		i = k + 1 + end + 1
		writeAttr(out, attr, string(q), string(value))
	}
}

// writeAttr writes ` name="value"` if the attribute may stay.
func writeAttr(out *bytes.Buffer, name, q, value string) {
	if name == "style" {
		for _, decl := range strings.Split(html.UnescapeString(value), ";") {
			prop, v, ok := strings.Cut(decl, ":")
			prop, v = strings.TrimSpace(prop), strings.TrimSpace(v)
			if ok && styleProperties[prop] && safeValue(v) && !strings.ContainsAny(v, `"'&<>`) {
				out.WriteString(" " + prop + `="` + v + `"`)
			}
		}
		return
	}
	if !svgAttributes[name] {
		return
	}
	plain := html.UnescapeString(value)
	if ns, ok := namespaces[name]; ok && plain != ns {
		return
	}
	if (name == "href" || name == "xlink:href") && !safeURL(plain) {
		return
	}
	if !safeValue(plain) {
		return
	}
	out.WriteString(" " + name + "=" + q + value + q)
}

// safeValue reports whether an attribute value refers to nothing outside
// the SVG: url() only as url(#id).
func safeValue(v string) bool {
	lower := strings.ToLower(v)
	for {
		i := strings.Index(lower, "url(")
		if i < 0 {
			return true
		}
		rest := strings.TrimLeft(lower[i+4:], " \t\r\n\f")
		if !strings.HasPrefix(rest, "#") {
			return false
		}
		lower = rest
	}
}

// safeURL reports whether a link target (entities already decoded) is an
// http(s) URL or a relative link within the site. Browsers strip and skip
// control characters and white space in URLs and read '\' as '/', so any
// of those makes a URL unsafe rather than something to normalise.
func safeURL(u string) bool {
	for _, r := range u {
		if r <= ' ' || r == 0x7f || r == '\\' || (r >= 0x80 && r <= 0x9f) || r == '\u00a0' || r == '\ufeff' {
			return false
		}
	}
	if strings.HasPrefix(u, "//") {
		return false // protocol-relative: another host
	}
	scheme, _, hasColon := strings.Cut(u, ":")
	if !hasColon || strings.ContainsAny(scheme, "/?#") {
		return true // no scheme: relative (a colon after the path starts is not one)
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
		return true
	}
	return false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// xmlName reads an element or attribute name at the start of s.
func xmlName(s []byte) (string, int) {
	n := 0
	for n < len(s) {
		c := s[n]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
		if !letter && (n == 0 || !(c >= '0' && c <= '9' || c == '-' || c == '.')) {
			break
		}
		n++
	}
	return string(s[:n]), n
}
