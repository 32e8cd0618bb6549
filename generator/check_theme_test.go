package generator

import (
	"context"
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/themes"
)

// themeDiags are the "theme" diagnostics of a build or check, as printed.
func themeDiags(t *testing.T, check bool, site fs.FS) []string {
	t.Helper()
	run := Build
	if check {
		run = Check
	}
	res, err := run(context.Background(), Options{Site: site, Today: asOf})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range res.Diags {
		if d.Code == "theme" {
			out = append(out, d.String())
		}
	}
	return out
}

// TestCheckReportsThemeErrorsLikeBuild: check no longer parses the theme
// it does not render, but still reports every theme error a build
// reports, and none for a site theme that copies the built-in layouts.
func TestCheckReportsThemeErrorsLikeBuild(t *testing.T) {
	t.Parallel()
	broken := siteFromTxtar(t, "../testdata/sites/basic.txtar")
	broken["themes/default/layouts/_broken.html"] = &fstest.MapFile{Data: []byte("{{define \"x\"}}{{nosuchfunc .}}{{end}}\n")}
	broken["themes/default/layouts/document.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n{{if}}\n{{end}}{{end}}\n")}
	broken["themes/default/layouts/extra.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}{{.Doc.Title | lower | upperz}}{{end}}\n")}

	missing := siteFromTxtar(t, "../testdata/sites/basic.txtar")
	missing["isms.yaml"] = &fstest.MapFile{Data: append(slices.Clone(missing["isms.yaml"].Data), "theme: corporate\n"...)}

	copied := siteFromTxtar(t, "../testdata/sites/basic.txtar")
	delete(copied, "themes/default/layouts/document.html")
	delete(copied, "themes/default/layouts/base.html")
	layouts, err := fs.Glob(themes.Default(), "layouts/*.html")
	if err != nil || len(layouts) == 0 {
		t.Fatalf("no built-in layouts: %v", err)
	}
	for _, l := range layouts {
		b, _ := fs.ReadFile(themes.Default(), l)
		copied["themes/default/"+l] = &fstest.MapFile{Data: b}
	}

	for _, tc := range []struct {
		name string
		site fs.FS
		want int // theme diagnostics
	}{{"broken", broken, 3}, {"missing", missing, 1}, {"copied", copied, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			build, check := themeDiags(t, false, tc.site), themeDiags(t, true, tc.site)
			if len(build) != tc.want {
				t.Errorf("build reported %d theme errors, want %d:\n%q", len(build), tc.want, build)
			}
			if !slices.Equal(build, check) {
				t.Errorf("check's theme diagnostics differ from build's:\nbuild: %q\ncheck: %q", build, check)
			}
		})
	}
}
