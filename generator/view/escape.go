package view

import "strings"

// WriteText writes s as html/template writes a string into element text
// or a quoted attribute value (other than a URL, a script or a style),
// so that HTML written in Go for a part of a layout (a history page's
// versions, a table of contents) is what the template wrote, byte for
// byte: NUL becomes U+FFFD and " & ' + < > references; every other byte,
// invalid UTF-8 included, passes as it is. TestWriteText, and the tests
// of each part written with it, hold it to html/template.
func WriteText(b *strings.Builder, s string) {
	written := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[written:i])
		b.WriteString(repl)
		written = i + 1
	}
	b.WriteString(s[written:])
}
