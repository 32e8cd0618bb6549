package view

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"unsafe"
)

func themeFS(main, css string) fstest.MapFS {
	return fstest.MapFS{
		"layouts/base.html":    {Data: []byte(`{{define "base"}}<body>{{template "main" .}}</body>{{end}}`)},
		"layouts/_part.html":   {Data: []byte(`{{define "part"}}[{{.}}]{{end}}`)},
		"layouts/page.html":    {Data: []byte(`{{define "main"}}` + main + `{{end}}`)},
		"layouts/notes.txt":    {Data: []byte(`not a layout`)},
		"static/style.css":     {Data: []byte(css)},
		"layouts/sub/x.html":   {Data: []byte(`{{broken`)},
		"layouts/broken.htmlx": {Data: []byte(`{{broken`)},
	}
}

func run(t *testing.T, th *Theme, data any) string {
	t.Helper()
	b, err := th.Execute("page", data)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLoadThemeSharesParses: a theme whose layouts are byte for byte
// those of one loaded before shares its parsed templates (the sample
// site's own themes/ folder was parsed again for each build); a change to
// any layout is parsed afresh, and each Theme keeps its own static files.
func TestLoadThemeSharesParses(t *testing.T) {
	a, d := LoadTheme(themeFS(`A {{template "part" .}}`, "a{}"))
	if len(d) != 0 {
		t.Fatal(d)
	}
	b, d := LoadTheme(themeFS(`A {{template "part" .}}`, "b{}"))
	if len(d) != 0 {
		t.Fatal(d)
	}
	if a.kinds["page"] != b.kinds["page"] {
		t.Error("the same layouts were parsed twice")
	}
	if got := run(t, b, "<x>"); got != "<body>A [&lt;x&gt;]</body>" {
		t.Errorf("shared theme renders %q", got)
	}
	for th, css := range map[*Theme]string{a: "a{}", b: "b{}"} {
		tree := Tree{}
		if err := th.Static(tree, nil); err != nil {
			t.Fatal(err)
		}
		if string(tree["assets/style.css"]) != css {
			t.Errorf("static style.css is %q, want %q", tree["assets/style.css"], css)
		}
	}

	c, d := LoadTheme(themeFS(`C {{template "part" .}}`, "a{}"))
	if len(d) != 0 {
		t.Fatal(d)
	}
	if got := run(t, c, 1); got != "<body>C [1]</body>" {
		t.Errorf("a changed layout renders %q: the old parse was used", got)
	}

	// A layout that does not parse is reported each time, never cached
	// as a good theme.
	bad := themeFS(`{{if}}`, "")
	for i := 0; i < 2; i++ {
		_, d := LoadTheme(bad)
		if len(d) != 1 || !strings.Contains(d[0].Pos.Path, "layouts/page.html") {
			t.Fatalf("round %d: diagnostics %v", i, d)
		}
	}
}

// TestLayoutCacheBounded: the cache keeps the last few themes only.
func TestLayoutCacheBounded(t *testing.T) {
	c := layoutCache{max: 2}
	k := func(b byte) (k [32]byte) { k[0] = b; return }
	for i := byte(1); i <= 3; i++ {
		c.put(k(i), parsedSet{})
	}
	if _, ok := c.get(k(1)); ok {
		t.Error("the oldest set was kept")
	}
	for i := byte(2); i <= 3; i++ {
		if _, ok := c.get(k(i)); !ok {
			t.Errorf("set %d was dropped", i)
		}
	}
	if len(c.sets) != 2 || len(c.order) != 2 {
		t.Errorf("%d sets, %d in order", len(c.sets), len(c.order))
	}
}

func TestBytesHTML(t *testing.T) {
	b := []byte("<p>body</p>")
	h := BytesHTML(b)
	if string(h) != "<p>body</p>" || unsafe.StringData(string(h)) != &b[0] {
		t.Errorf("BytesHTML = %q, a copy: %v", h, unsafe.StringData(string(h)) != &b[0])
	}
	if BytesHTML(nil) != "" {
		t.Error("BytesHTML(nil) is not empty")
	}
}

// TestLoadThemeUnreadableLayout: a layout that cannot be read is reported
// even when the layouts that can are those of a theme loaded before.
func TestLoadThemeUnreadableLayout(t *testing.T) {
	good := themeFS(`U {{template "part" .}}`, "")
	if _, d := LoadTheme(good); len(d) != 0 {
		t.Fatal(d)
	}
	bad := themeFS(`U {{template "part" .}}`, "")
	bad["layouts/custom.html"] = &fstest.MapFile{Mode: fs.ModeSymlink | 0o777, Data: []byte("nowhere")}
	_, d := LoadTheme(unreadable{bad, "layouts/custom.html"})
	if len(d) != 1 || d[0].Pos.Path != "themes/layouts/custom.html" {
		t.Fatalf("diagnostics %v, want one for layouts/custom.html", d)
	}
}

// unreadable is an fs.FS in which one listed file cannot be opened.
type unreadable struct {
	fstest.MapFS
	name string
}

func (u unreadable) Open(name string) (fs.File, error) {
	if name == u.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return u.MapFS.Open(name)
}
