package markdown

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/yuin/goldmark"
	highlighting "github.com/yuin/goldmark-highlighting/v2"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// highlightPair is goldmark with goldmark-highlighting's own extension
// and with the highlighter, otherwise alike.
func highlightPair() (want, got goldmark.Markdown) {
	opts := func(hl goldmark.Extender) goldmark.Markdown {
		return goldmark.New(goldmark.WithExtensions(extension.GFM, hl), goldmark.WithRendererOptions(html.WithXHTML()))
	}
	return opts(highlighting.NewHighlighting(highlightOptions()...)), opts(newHighlighter())
}

var highlightCases = []string{
	"```yaml\nid: POL-1\nlist: [a, b]\n# comment\n```\n",
	"```sh\nisms build -s . && echo \"<done>\" | tee x\n```\n",
	"```go\nfunc main() { fmt.Println(\"<&>\") }\n```\n",
	"```\nno language <b>\n```\n",
	"```nosuchlanguage\nx < y\n```\n",
	"```x\"y<z&amp;\nx < y & \"z\"\n```\n",
	"```conf\nkey = <value>\n```\n",
	"```yaml\x00sh\na: 1\n```\n```yaml\nsh\x00a: 1\n```\n", // a language and code that run into each other
	"```nosuchlanguage {linenos=table hl_lines=[1]}\na < b\n```\n",
	"```nosuchlanguage{nohl}\na\n```\n",
	"- a\n\n  ```nosuchlanguage\n  indented <b>\n  ```\n",
	"```yaml {linenos=table}\na: 1\nb: 2\n```\n",
	"```yaml {hl_lines=[2]}\na: 1\nb: 2\n```\n",
	"```yaml {nohl}\na: <1>\n```\n",
	"```yaml {style=monokai}\na: 1\n```\n",
	"```yaml{linenos=true\na: 1\n```\n",
	"~~~ sh extra words\nls\n~~~\n",
	"    indented code\n",
	"```yaml\n```\n",
	"- item\n\n  ```json\n  {\"a\": [1, 2]}\n  ```\n",
	"```YAML\nA: b\n```\n",
	"```html\n<script>alert(1)</script>\n```\n",
}

// TestHighlighterMatchesGoldmarkHighlighting: the highlighter writes
// exactly what goldmark-highlighting writes, for fences it renders
// itself and those it hands back (attributes, unknown languages).
func TestHighlighterMatchesGoldmarkHighlighting(t *testing.T) {
	t.Parallel()
	want, got := highlightPair()
	for range 2 { // the second time from the highlighter's cache
		for _, src := range highlightCases {
			convertBoth(t, want, got, src)
		}
	}
	if _, ok := highlighted.get("2:shisms build -s . && echo \"<done>\" | tee x\n"); !ok {
		t.Error("a highlighted block is not remembered")
	}
}

// BenchmarkHighlightShell: a document's five lines of shell, the first
// time (chroma lexes them) and again (a save in the preview renders its
// unchanged code blocks again).
func BenchmarkHighlightShell(b *testing.B) {
	_, got := highlightPair()
	const sh = "```sh\nsudo systemctl restart evidence-0 && journalctl -u incident --since \"-18h\" | grep -c error\n" +
		"sudo systemctl restart contract-1 && journalctl -u recovery --since \"-36h\" | grep -c error\n```\n"
	var out bytes.Buffer
	b.Run("new", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			out.Reset()
			_ = got.Convert(fmt.Appendf(nil, "%s\n```sh\necho %d\n```\n", sh[:len(sh)-5], i), &out)
		}
	})
	b.Run("again", func(b *testing.B) {
		for b.Loop() {
			out.Reset()
			_ = got.Convert([]byte(sh), &out)
		}
	})
}

func FuzzHighlighter(f *testing.F) {
	for _, src := range highlightCases {
		f.Add(src)
	}
	want, got := highlightPair()
	f.Fuzz(func(t *testing.T, src string) { convertBoth(t, want, got, src) })
}

// convertBoth renders src with want and with got and reports where they
// differ, in output or in failing.
func convertBoth(t *testing.T, want, got goldmark.Markdown, src string) {
	t.Helper()
	var w, g bytes.Buffer
	werr := want.Convert([]byte(src), &w)
	gerr := got.Convert([]byte(src), &g)
	if (werr == nil) != (gerr == nil) || w.String() != g.String() {
		t.Errorf("%q:\n got %s (%v)\nwant %s (%v)", src, g.String(), gerr, w.String(), werr)
	}
}

// BenchmarkHighlightUnknownLanguage: a fence in a language chroma does
// not know costs what a plain code block costs, not a lookup of its name
// against every lexer's file patterns (5–10 ms a fence before).
func BenchmarkHighlightUnknownLanguage(b *testing.B) {
	_, got := highlightPair()
	src := []byte("```nosuchlanguage\nx < y\n```\n\n```conf\nkey = value\n```\n")
	var out bytes.Buffer
	for b.Loop() {
		out.Reset()
		if err := got.Convert(src, &out); err != nil {
			b.Fatal(err)
		}
	}
}
