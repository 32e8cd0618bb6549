// Package jsonw writes JSON strings as encoding/json does, for the files
// a build writes directly rather than through the reflecting encoder
// (currency.json, search-index.json): byte for byte the same, held to
// encoding/json by FuzzMatchesEncoding.
package jsonw

import "unicode/utf8"

// AppendString appends s as a JSON string as encoding/json does with
// HTML escaping off (Encoder.SetEscapeHTML(false)): the quote, the
// backslash and the control characters escaped (\b \f \n \r \t by name,
// the rest as \u00XX), each byte that is not UTF-8 as \ufffd, and U+2028
// and U+2029 as \u escapes (for JSONP); every other character as it is.
func AppendString(b []byte, s string) []byte { return appendString(b, s, false) }

// AppendHTMLString is AppendString escaping <, > and & as \u00XX too, as
// json.Marshal does.
func AppendHTMLString(b []byte, s string) []byte { return appendString(b, s, true) }

func appendString(b []byte, s string, html bool) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	plain := 0 // s[plain:i] is still to be copied
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf && !(html && (c == '<' || c == '>' || c == '&')) {
			i++
			continue
		}
		var esc string
		size := 1
		switch {
		case c == '"':
			esc = `\"`
		case c == '\\':
			esc = `\\`
		case c == '\b':
			esc = `\b`
		case c == '\f':
			esc = `\f`
		case c == '\n':
			esc = `\n`
		case c == '\r':
			esc = `\r`
		case c == '\t':
			esc = `\t`
		case c < utf8.RuneSelf: // a control character, or <, > or & for HTML
			esc = string([]byte{'\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf]})
		default:
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				esc = `\ufffd`
			case r == '\u2028':
				esc = `\u2028`
			case r == '\u2029':
				esc = `\u2029`
			default:
				i += size
				continue
			}
		}
		b = append(b, s[plain:i]...)
		b = append(b, esc...)
		i += size
		plain = i
	}
	b = append(b, s[plain:]...)
	return append(b, '"')
}
