package diagrams

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hostileFence puts an unsafe target into every URL-bearing attribute
// Graphviz knows, next to safe ones that must survive.
const hostileFence = `digraph G {
	URL="javascript:alert('graph')";
	subgraph cluster_c { href="JaVaScRiPt:alert('cluster')"; label="C"; c1; }
	a [URL="javascript:alert(1)"];
	b [href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="];
	c [URL="vbscript:msgbox(1)"];
	d [URL="//evil.example/x"];
	e [URL="\\\\evil.example\\x"];
	f [URL="/\\evil.example/"];
	g [URL=" javascript:alert(2)"];
	h [URL="java&#x09;script:alert(3)"];
	i [URL="&#106;avascript:alert(4)"];
	j [label=<<TABLE HREF="javascript:alert(5)"><TR><TD HREF="javascript:alert(6)">x</TD></TR></TABLE>>];
	k [shape=record, label="<p>one|two", URL="ftp://evil.example/"];
	a -> b [edgeURL="javascript:alert(7)", headURL="javascript:alert(8)", tailURL="data:,x", labelURL="javascript:alert(9)", label="l", headlabel="h", taillabel="t"];
	b -> c [edgehref="javascript:alert(10)", headhref="javascript:alert(11)", tailhref="javascript:alert(12)", labelhref="javascript:alert(13)", label="m"];
	safe1 [URL="../policies/access/"];
	safe2 [URL="https://example.org/a?b=c#d"];
	safe3 [URL="#section"];
	safe4 [URL="http://example.org/"];
}`

var hrefRE = regexp.MustCompile(`(?:xlink:)?href="([^"]*)"`)

func TestFenceNeutralisesUnsafeURLs(t *testing.T) {
	svg, err := NewRenderer("").SVG(context.Background(), []byte(hostileFence))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range hrefRE.FindAllSubmatch(svg, -1) {
		got = append(got, string(m[1]))
	}
	want := []string{"../policies/access/", "https://example.org/a?b=c#d", "#section", "http://example.org/"}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == strings.ReplaceAll(w, "&", "&amp;")
		}
		if !found {
			t.Errorf("safe link %q was dropped; links kept: %q", w, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("links kept = %q, want only %q", got, want)
	}
	for _, bad := range []string{"javascript", "vbscript", "data:", "evil.example", "alert"} {
		for _, g := range got {
			if strings.Contains(strings.ToLower(g), bad) {
				t.Errorf("unsafe link kept: %q", g)
			}
		}
	}
}

func TestSanitizeSVG(t *testing.T) {
	for _, tc := range []struct {
		in, want, err string
	}{
		{in: `<svg><g id="a"><a xlink:href="x.html" xlink:title="t"><text>x</text></a></g></svg>`,
			want: `<svg><g id="a"><a xlink:href="x.html" xlink:title="t"><text>x</text></a></g></svg>`},
		{in: `<svg onload="alert(1)" width="1pt"><g onclick='x' class="c"/></svg>`, want: `<svg width="1pt"><g class="c"/></svg>`},
		{in: `<svg><a xlink:href="&#106;avascript:x" href="JAVASCRIPT:y">z</a></svg>`, want: `<svg><a>z</a></svg>`},
		{in: `<svg><a href="https://ok/">z</a><a href="/site/p/">y</a></svg>`, want: `<svg><a href="https://ok/">z</a><a href="/site/p/">y</a></svg>`},
		{in: `<svg style="max-width:9pt"><stop offset="0" style="stop-color:red;stop-opacity:1.;"/></svg>`,
			want: `<svg><stop offset="0" stop-color="red" stop-opacity="1."/></svg>`},
		{in: `<svg><path fill="url(#g1)" stroke="url(https://evil/x)"/></svg>`, want: `<svg><path fill="url(#g1)"/></svg>`},
		{in: `<svg><stop style="stop-color:url(//evil/x)"/></svg>`, want: `<svg><stop/></svg>`},
		{in: `<svg xmlns="http://evil/" xmlns:xlink="http://www.w3.org/1999/xlink"/>`, want: `<svg xmlns:xlink="http://www.w3.org/1999/xlink"/>`},
		{in: `<svg><!-- note --><text>a &lt; b</text></svg>`, want: `<svg><text>a &lt; b</text></svg>`},
		{in: `<svg><script>alert(1)</script></svg>`, err: "<script>"},
		{in: `<svg><foreignObject/></svg>`, err: "<foreignObject>"},
		{in: `<svg><image xlink:href="https://evil/x.png"/></svg>`, err: "<image>"},
		{in: `<svg><set attributeName="href" to="javascript:x"/></svg>`, err: "<set>"},
		{in: `<svg></script></svg>`, err: "<script>"},
		{in: `<svg><![CDATA[x]]></svg>`, err: "malformed"},
		{in: `<svg a=b>`, err: "not quoted"},
		{in: `<svg`, err: "unterminated"},
	} {
		got, err := sanitizeSVG([]byte(tc.in))
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("sanitizeSVG(%s): err %v, want one mentioning %q", tc.in, err, tc.err)
			}
		case err != nil:
			t.Errorf("sanitizeSVG(%s): %v", tc.in, err)
		case string(got) != tc.want:
			t.Errorf("sanitizeSVG(%s)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// FuzzSanitizeSVG checks, for any input, that the sanitiser either refuses
// it or returns markup in which an independent XML reading finds no
// element or attribute that could run script or load from another host,
// and that sanitising again changes nothing (the disk cache relies on it).
func FuzzSanitizeSVG(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.dot")
	r := NewRenderer("")
	for _, name := range files {
		dot, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		svg, err := r.SVG(context.Background(), dot)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(svg)
	}
	svg, err := r.SVG(context.Background(), []byte(hostileFence))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(svg)
	for _, s := range []string{
		`<svg onload="alert(1)"><a xlink:href="&#106;avascript:x">z</a></svg>`,
		`<svg><stop style="stop-color:red;fill:url(//evil/x)"/></svg>`,
		`<svg><a href=' javascript:x'>z</a><a href="//evil">y</a></svg>`,
		`<svg><script>alert(1)</script></svg>`,
		`<svg><title>&lt;script&gt;</title></svg>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := sanitizeSVG(in)
		if err != nil {
			return
		}
		again, err := sanitizeSVG(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not idempotent: %q → %q → %q (%v)", in, out, again, err)
		}
		checkInert(t, out)
	})
}

// checkInert reads svg with encoding/xml in its forgiving mode, so it is
// not the sanitiser's own tokenizer, and fails on anything active.
func checkInert(t *testing.T, svg []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict, d.AutoClose, d.Entity = false, xml.HTMLAutoClose, xml.HTMLEntity
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) || err != nil {
			return // what encoding/xml cannot read it cannot judge
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch strings.ToLower(se.Name.Local) {
		case "script", "style", "foreignobject", "image", "use", "animate", "set", "iframe", "object", "embed":
			t.Fatalf("active element <%s> in %q", se.Name.Local, svg)
		}
		for _, a := range se.Attr {
			name, v := strings.ToLower(a.Name.Local), strings.ToLower(a.Value)
			if strings.HasPrefix(name, "on") || name == "style" {
				t.Fatalf("attribute %s in %q", a.Name.Local, svg)
			}
			squeezed := strings.Map(func(r rune) rune {
				if r <= ' ' || r == 0x7f {
					return -1
				}
				return r
			}, v)
			if name == "href" {
				for _, bad := range []string{"javascript:", "vbscript:", "data:"} {
					if strings.Contains(squeezed, bad) {
						t.Fatalf("href %q in %q", a.Value, svg)
					}
				}
				if strings.HasPrefix(squeezed, "//") || strings.Contains(squeezed, `\`) {
					t.Fatalf("href to another host %q in %q", a.Value, svg)
				}
			}
			if i := strings.Index(squeezed, "url("); i >= 0 && !strings.HasPrefix(squeezed[i+4:], "#") {
				t.Fatalf("url() to outside the SVG in %s=%q", a.Name.Local, a.Value)
			}
		}
	}
}
