package markdown

import (
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// linkifyPair is goldmark with its GFM extension and with gfm (the
// linkify parser behind quickLinkify), otherwise alike.
func linkifyPair() (want, got goldmark.Markdown) {
	return goldmark.New(goldmark.WithExtensions(extension.GFM)), goldmark.New(goldmark.WithExtensions(gfm{}))
}

var linkifyCases = []string{
	"see http://example.com/a?b=c and https://x.org/.",
	"www.example.com, ftp://files.example.com/x (www.a.b) *www.c.d* _https://e.f_ ~www.g.h~",
	"mail ops@example.com or (it@example.org). not@ or a@b or x@y.z-",
	"a long local part aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com here",
	"exactly sixty-four 1234567890123456789012345678901234567890123456789012345678901234@example.com",
	"[link www.example.com](http://x.y) and `code http://x.y`",
	"hTTP://x.y WWW.x.y http:/x ftp: w",
	"- [ ] task www.x.y\n- [x] ~~gone~~ ops@x.y\n\n| a | b |\n|---|---|\n| www.c.d | e@f.g |\n",
	"@x.y @ a@ *@x.y*",
}

// TestLinkifyMatchesGFM: the GFM extension with quickLinkify writes what
// goldmark's GFM writes.
func TestLinkifyMatchesGFM(t *testing.T) {
	t.Parallel()
	want, got := linkifyPair()
	for _, src := range linkifyCases {
		convertBoth(t, want, got, src)
	}
}

func FuzzLinkify(f *testing.F) {
	for _, src := range linkifyCases {
		f.Add(src)
	}
	want, got := linkifyPair()
	f.Fuzz(func(t *testing.T, src string) { convertBoth(t, want, got, src) })
}
