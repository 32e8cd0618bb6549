package view

import (
	"bytes"
	"html/template"
	"io/fs"
	"path"

	"github.com/isms-project/isms/generator/diag"
)

// CheckTheme reports what LoadTheme would report for the site's theme
// folder top (nil: none) laid over the built-in theme base, without
// building the template sets: for `isms check`, which renders nothing. A
// template's parse errors are its own file's, so only the layouts top
// adds or changes are parsed, each on its own; a copy of a built-in
// layout (the repository's own themes/default) parses nothing. Parsing
// and cloning every layout was a tenth of check's time.
func CheckTheme(top, base fs.FS) diag.List {
	if top == nil {
		return nil
	}
	var diags diag.List
	entries, err := fs.ReadDir(top, "layouts")
	if err != nil {
		return nil // the built-in layouts are used: they parse (TestCheckThemeAgreesWithLoadTheme)
	}
	for _, e := range entries {
		name := "layouts/" + e.Name()
		if e.IsDir() || path.Ext(name) != ".html" {
			continue
		}
		b, err := fs.ReadFile(top, name)
		if err == nil {
			if orig, err := fs.ReadFile(base, name); err == nil && bytes.Equal(b, orig) {
				continue
			}
			_, err = template.New("").Funcs(funcs).New(name).Parse(string(b))
		}
		if err != nil {
			diags.Errorf(diag.Pos{Path: "themes/" + name}, "theme", "%v", err)
		}
	}
	return diags
}
