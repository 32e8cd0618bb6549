package generator

import (
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/render"
)

// renderPrint is not written yet.
func renderPrint(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {}
