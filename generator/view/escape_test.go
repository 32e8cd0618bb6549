package view

import (
	"html/template"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/markdown"
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

func tocOracle(t *testing.T, l TOCList) {
	t.Helper()
	var want strings.Builder
	if err := tocItems.Execute(&want, l); err != nil {
		t.Fatal(err)
	}
	if got := string(l.Items()); got != want.String() {
		t.Errorf("%+v:\nItems    %q\ntemplate %q", l, got, want.String())
	}
}

// TestTOCItems: a table of contents written in Go is the template's, byte
// for byte, with ids it writes itself and ids it leaves to html/template
// (anything but letters, digits and - . _ ~, which a URL escapes).
func TestTOCItems(t *testing.T) {
	ids := []string{"purpose", "a-b_c.d~e", "x1", "2fa", "sécurité", "a b", "a%20b", "a/b", "a?b", "a#b", "a'b", `a"b`, "a<b", "a+b", "a&b", "\x00", "Z", "..", "~",
		"a:b", "a%", "a=b", "a!b", "a*b", "a(b)", "a,b", "a;b", "a@b", "a$b", "[a]", "a\\b", "a|b", "a^b", "a`b", "a{b}", "javascript:x"}
	for _, id := range ids {
		for _, text := range hostileTexts {
			tocOracle(t, TOCList{{Level: 2, ID: "intro", Text: "Intro"}, {Level: 3, ID: id, Text: text}})
		}
	}
	tocOracle(t, nil)
	if !plainID("a-b_c.d~e") || plainID("") || plainID("a b") || plainID("é") {
		t.Error("plainID")
	}
}

func FuzzTOCItems(f *testing.F) {
	f.Add(2, "purpose", "Purpose", 3, "sécurité", "<b>")
	f.Fuzz(func(t *testing.T, l1 int, id1, text1 string, l2 int, id2, text2 string) {
		tocOracle(t, TOCList{markdown.Heading{Level: l1, ID: id1, Text: text1}, markdown.Heading{Level: l2, ID: id2, Text: text2}})
	})
}
