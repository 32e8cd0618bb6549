package view

import (
	"html/template"
	"strings"
	"testing"
)

// textAndAttr is how html/template writes a string into element text and
// into quoted attribute values; WriteText must write the same in each.
var textAndAttr = template.Must(template.New("t").Parse(
	`<p class="x-{{.}}" title="{{.}}" data-v='{{.}}'>{{.}}</p>`))

var hostileTexts = []string{
	"", "plain", `<script>alert("x")</script>`, `" onmouseover="alert(1)`, "a & b + c's", "\x00nul", "\xff\xfe invalid",
	"\uFDD0\uFFFE\uFFFF", "\ufeffbom", "tab\tand\r\ncr", "{{.Site}}", "&amp; already", "emoji 🔒 and ü", "javascript:alert(1)", "`back`=",
}

func writeTextOracle(t *testing.T, s string) {
	t.Helper()
	var want strings.Builder
	if err := textAndAttr.Execute(&want, s); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	WriteText(&b, s)
	e := b.String()
	if got := `<p class="x-` + e + `" title="` + e + `" data-v='` + e + `'>` + e + `</p>`; got != want.String() {
		t.Errorf("%q:\nWriteText %q\ntemplate  %q", s, got, want.String())
	}
}

// TestWriteText: WriteText is html/template's escaping of a string in
// element text and in quoted attribute values, byte for byte.
func TestWriteText(t *testing.T) {
	for _, s := range hostileTexts {
		writeTextOracle(t, s)
	}
	for c := 0; c < 256; c++ {
		writeTextOracle(t, "a"+string(rune(c))+"b"+string([]byte{byte(c)}))
	}
}

func FuzzWriteText(f *testing.F) {
	for _, s := range hostileTexts {
		f.Add(s)
	}
	f.Fuzz(writeTextOracle)
}
