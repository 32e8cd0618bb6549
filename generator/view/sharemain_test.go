package view

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/themes"
)

// TestSharesMain: a kind's main block is made once for its page and its
// part in the auditor's copy only where the frame shows .Main and main
// (with what it calls) reads nothing the two are given apart.
func TestSharesMain(t *testing.T) {
	t.Parallel()
	def, d := LoadTheme(themes.Default())
	if len(d) != 0 {
		t.Fatal(d)
	}
	for _, kind := range []string{"currency", "soa", "processes", "risks", "evidence"} {
		if !def.SharesMain(kind) {
			t.Errorf("the default theme's %s page: main not shared", kind)
		}
	}
	const frame = `{{define "base"}}<main>{{if .Main}}{{.Main}}{{else}}{{template "main" .}}{{end}}</main>{{end}}`
	for _, c := range []struct {
		name, base, main string
		shares           bool
		extra            string // one more partial
	}{
		{"plain", frame, `{{.Title}} {{range .Data}}{{.}}{{end}}`, true, ""},
		{"frame without Main", `{{define "base"}}<main>{{template "main" .}}</main>{{end}}`, `{{.Title}}`, false, ""},
		{"crumbs", frame, `{{len .Crumbs}}`, false, ""},
		{"scripts", frame, `{{range .Site.Scripts}}{{.}}{{end}}`, false, ""},
		{"marking in a variable", frame, `{{$p := .}}{{with $p.Marking}}{{.}}{{end}}`, false, ""},
		{"crumbs in a partial", frame, `{{template "part" .}}`, false, ""},
		{"crumbs in a partial's partial", frame, `{{template "outer" .}}`, false, ""},
		{"crumbs in a branch", frame, `{{if .Title}}x{{else}}{{.Crumbs}}{{end}}`, false, ""},
		{"crumbs in a pipeline", frame, `{{.Title | printf "%s %v" .Crumbs}}`, false, ""},
		{"a field of the data called Crumbs", frame, `{{.Data.Crumbs}}`, false, ""}, // conservative
		{"the Site printed whole", frame, `{{with .Site}}{{print .}}{{end}}`, false, ""},
		{"the Site handed to a function", frame, `{{printf "%v" .Site}}`, false, ""},
		{"the Site piped to a function", frame, `{{.Site | printf "%v"}}`, false, ""},
		{"the page printed", frame, `{{.}}`, false, ""},
		{"the page as $", frame, `{{with .Data}}{{$}}{{end}}`, false, ""},
		{"the page indexed", frame, `{{index . "Title"}}`, false, ""},
		{"the page in a variable, printed", frame, `{{$p := .}}{{$p}}`, false, ""},
		{"the Site in a variable, printed", frame, `{{$s := .Site}}{{$s}}`, false, ""},
		{"the page's Site through a variable", frame, `{{$p := .}}{{$p.Site}}`, false, ""},
		{"the page to a partial that prints it", frame, `{{template "whole" .}}`, false, ""},
		{"the page in a variable, a field read", frame, `{{$p := .}}{{$p.Title}}`, true, ""},
		{"the Site's fields", frame, `{{with .Site}}{{.Title}} {{len .Header}}{{end}} {{(.Site).Title}} {{$.Site.Title}}`, true, ""},
		{"the Site's truth", frame, `{{if .Site}}x{{end}}`, true, ""},
		{"the data whole", frame, `{{with .Data}}{{.}} {{print .}}{{end}} {{range $i, $c := .Data}}{{$i}}{{$c}}{{end}}`, true, ""},
		{"the data to a partial that prints it", frame, `{{template "whole" .Data}}`, true, ""},
		{"a frame that shows Main and calls main", `{{define "base"}}{{.Main}}{{template "main" .}}{{end}}`, `{{.Title}}`, false, ""},
		{"a frame that shows Main alone", `{{define "base"}}{{.Main}}{{end}}`, `{{.Title}}`, false, ""},
		{"a frame that shows Main twice", `{{define "base"}}` + frame[len(`{{define "base"}}`):len(frame)-len(`{{end}}`)] + `{{.Main}}{{end}}`, `{{.Title}}`, false, ""},
		// After a second hostile review:
		{"the Site given to a variable after it is printed, in a loop", frame, `{{$x := 0}}{{range 2}}{{print $x}}{{$x = $.Site}}{{end}}`, false, ""},
		{"the page given to a variable after it is printed, in a loop", frame, `{{$x := 0}}{{range 2}}{{$x}}{{$x = $}}{{end}}`, false, ""},
		{"a variable given the page, then its field read", frame, `{{$x := 0}}{{range 2}}{{$x.Title}}{{$x = $}}{{end}}`, true, ""},
		{"a partial shows $.Main", frame, `{{.Title}}`, false, `{{define "probe"}}{{$.Main}}{{end}}`},
		{"the layout shows (.).Main", frame, `{{.Title}}`, false, `{{define "probe"}}{{(.).Main}}{{end}}`},
		{"a partial calls main", frame, `{{.Title}}`, false, `{{define "probe"}}{{template "main" .}}{{end}}`},
	} {
		fsys := fstest.MapFS{
			"layouts/base.html":  {Data: []byte(c.base)},
			"layouts/_part.html": {Data: []byte(`{{define "part"}}{{.Crumbs}}{{end}}{{define "outer"}}{{template "part" .}}{{end}}{{define "whole"}}{{.}}{{end}}`)},
			"layouts/_more.html": {Data: []byte(c.extra)},
			"layouts/x.html":     {Data: []byte(`{{define "main"}}` + c.main + `{{end}}`)},
		}
		th, d := LoadTheme(fsys)
		if len(d) != 0 {
			t.Fatalf("%s: %v", c.name, d)
		}
		if got := sharesMain(th.kinds["x"]); got != c.shares {
			t.Errorf("%s: sharesMain %v, want %v", c.name, got, c.shares)
		}
		if th.SharesMain("x") {
			t.Errorf("%s: shared, with a frame of the theme's own", c.name)
		}
	}
	// The default frame with a report layout of the site's own.
	base, err := fs.ReadFile(themes.Default(), "layouts/base.html")
	if err != nil {
		t.Fatal(err)
	}
	for main, want := range map[string]bool{`{{.Title}}`: true, `{{len .Crumbs}}`: false} {
		th, d := LoadTheme(fstest.MapFS{
			"layouts/base.html": {Data: base},
			"layouts/x.html":    {Data: []byte(`{{define "main"}}` + main + `{{end}}`)},
		})
		if len(d) != 0 {
			t.Fatal(d)
		}
		if got := th.SharesMain("x"); got != want {
			t.Errorf("the default frame, main %s: SharesMain %v, want %v", main, got, want)
		}
	}
}

// TestSharesControl: a document's control panel is made once for its page
// and its part in the auditor's copy only where the document and print
// kinds define it, and every partial it calls, alike; a panel that html/
// template cannot escape on its own fails ControlPanel and leaves the
// pages' own sets able to execute it.
func TestSharesControl(t *testing.T) {
	t.Parallel()
	def, d := LoadTheme(themes.Default())
	if len(d) != 0 {
		t.Fatal(d)
	}
	if !def.SharesControl() {
		t.Error("the default theme: control panel not shared")
	}
	const (
		panel = `{{define "control-panel"}}<p>{{.ID}}{{template "cp-part" .}}</p>{{end}}{{define "cp-part"}} {{.Title}}{{end}}`
		shown = `{{define "main"}}{{if .Doc.Control}}{{.Doc.Control}}{{else}}{{template "control-panel" .Doc}}{{end}}{{end}}` +
			`{{define "print-doc"}}{{if .Doc.Control}}{{.Doc.Control}}{{else}}{{template "control-panel" .Doc}}{{end}}{{end}}`
		inside = shown + `{{define "cp-part"}}{{if .ID}}{{template "cp-inner" .}}{{end}}{{end}}`
	)
	for _, c := range []struct {
		name, panel, doc, print string
		shares                  bool
	}{
		{"alike", panel, shown, shown, true},
		{"called in place", panel, `{{define "main"}}{{template "control-panel" .Doc}}{{end}}`, shown, false},
		{"the copy calls it in place", panel, shown, `{{define "main"}}{{range .Data}}{{template "print-doc" .}}{{end}}{{end}}{{define "print-doc"}}{{template "control-panel" .Doc}}{{end}}`, false},
		{"called in place, a partial reading a Control of its own", panel + `{{define "row"}}{{.Control}}{{end}}`,
			`{{define "main"}}{{template "control-panel" .Doc}}{{template "row" .Data}}{{end}}`, `{{define "main"}}{{template "row" .Data}}{{end}}{{define "print-doc"}}{{template "control-panel" .Doc}}{{end}}`, false},
		{"print redefines the panel", panel, shown, shown + `{{define "control-panel"}}<p>{{.ID}}</p>{{end}}`, false},
		{"document redefines a partial the panel calls", panel, shown + `{{define "cp-part"}}{{.Owner}}{{end}}`, shown, false},
		{"print redefines alike", panel, shown, shown + `{{define "cp-part"}} {{.Title}}{{end}}`, true},
		{"a partial called in a branch, redefined", panel, inside + `{{define "cp-inner"}}{{.Owner}}{{end}}`, inside + `{{define "cp-inner"}}{{.Title}}{{end}}`, false},
		{"a partial called in a branch, alike", panel, inside + `{{define "cp-inner"}}{{.Owner}}{{end}}`, inside + `{{define "cp-inner"}}{{.Owner}}{{end}}`, true},
		{"no print page", panel, shown, "", false},
		{"the panel prints its dot", `{{define "control-panel"}}{{printf "%v" .}}{{end}}`, shown, shown, false},
		{"the panel prints $", `{{define "control-panel"}}{{with .ID}}{{$}}{{end}}{{end}}`, shown, shown, false},
		{"the panel reads Control", `{{define "control-panel"}}{{.Control}}{{end}}`, shown, shown, false},
		{"the panel's partial prints its dot", `{{define "control-panel"}}{{template "cp-part" .}}{{end}}{{define "cp-part"}}{{.}}{{end}}`, shown, shown, false},
		{"the panel prints a field's value", `{{define "control-panel"}}{{with .Currency}}<b class="x-{{.}}">{{.}}</b>{{end}}{{range .Clauses}}{{.}}{{end}}{{end}}`, shown, shown, true},
	} {
		fsys := fstest.MapFS{
			"layouts/base.html":     {Data: []byte(`{{define "base"}}{{template "main" .}}{{end}}`)},
			"layouts/_control.html": {Data: []byte(c.panel)},
			"layouts/document.html": {Data: []byte(c.doc)},
		}
		if c.print != "" {
			fsys["layouts/print.html"] = &fstest.MapFile{Data: []byte(c.print)}
		}
		th, d := LoadTheme(fsys)
		if len(d) != 0 {
			t.Fatalf("%s: %v", c.name, d)
		}
		if th.SharesControl() != c.shares {
			t.Errorf("%s: SharesControl %v, want %v", c.name, th.SharesControl(), c.shares)
		}
		if h, err := th.ControlPanel(&DocView{ID: "POL-<1>", Title: "A & B"}); c.name == "alike" && (err != nil || h != "<p>POL-&lt;1&gt; A &amp; B</p>") {
			t.Errorf("%s: ControlPanel %q, %v", c.name, h, err)
		} else if !c.shares && err == nil {
			t.Errorf("%s: ControlPanel %q, not shared", c.name, h)
		}
	}
	// A panel that ends inside a tag cannot be escaped on its own: the
	// shared execution fails, and the document page still executes it.
	th, d := LoadTheme(fstest.MapFS{
		"layouts/base.html":     {Data: []byte(`{{define "base"}}{{template "main" .}}{{end}}`)},
		"layouts/_control.html": {Data: []byte(`{{define "control-panel"}}<p title="{{.ID}}{{end}}`)},
		"layouts/document.html": {Data: []byte(`{{define "main"}}{{template "control-panel" .Doc}}">{{.Doc.Title}}</p>{{with .Doc.Control}}{{.}}{{end}}{{end}}`)},
		"layouts/print.html":    {Data: []byte(`{{define "main"}}x{{end}}{{define "print-doc"}}{{.Doc.Control}}{{end}}`)},
	})
	if len(d) != 0 || !th.SharesControl() {
		t.Fatal(d, th.SharesControl())
	}
	if _, err := th.ControlPanel(&DocView{ID: "X"}); err == nil {
		t.Error("a panel ending in an attribute executed on its own")
	}
	page, err := th.Execute("document", &PageData{Doc: &DocView{ID: `a"b`, Title: "T"}})
	if err != nil || string(page) != `<p title="a&#34;b">T</p>` {
		t.Errorf("the document page after the failed panel: %q, %v", page, err)
	}
}
