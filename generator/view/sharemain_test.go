package view

import (
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
	}{
		{"plain", frame, `{{.Title}} {{range .Data}}{{.}}{{end}}`, true},
		{"frame without Main", `{{define "base"}}<main>{{template "main" .}}</main>{{end}}`, `{{.Title}}`, false},
		{"crumbs", frame, `{{len .Crumbs}}`, false},
		{"scripts", frame, `{{range .Site.Scripts}}{{.}}{{end}}`, false},
		{"marking in a variable", frame, `{{$p := .}}{{with $p.Marking}}{{.}}{{end}}`, false},
		{"crumbs in a partial", frame, `{{template "part" .}}`, false},
		{"crumbs in a partial's partial", frame, `{{template "outer" .}}`, false},
		{"crumbs in a branch", frame, `{{if .Title}}x{{else}}{{.Crumbs}}{{end}}`, false},
		{"crumbs in a pipeline", frame, `{{.Title | printf "%s %v" .Crumbs}}`, false},
		{"a field of the data called Crumbs", frame, `{{.Data.Crumbs}}`, false}, // conservative
	} {
		fsys := fstest.MapFS{
			"layouts/base.html":  {Data: []byte(c.base)},
			"layouts/_part.html": {Data: []byte(`{{define "part"}}{{.Crumbs}}{{end}}{{define "outer"}}{{template "part" .}}{{end}}`)},
			"layouts/x.html":     {Data: []byte(`{{define "main"}}` + c.main + `{{end}}`)},
		}
		th, d := LoadTheme(fsys)
		if len(d) != 0 {
			t.Fatalf("%s: %v", c.name, d)
		}
		if got := th.SharesMain("x"); got != c.shares {
			t.Errorf("%s: SharesMain %v, want %v", c.name, got, c.shares)
		}
	}
}
