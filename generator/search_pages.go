package generator

import (
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/render"
)

// renderSearch is not written yet.
func renderSearch(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {}
