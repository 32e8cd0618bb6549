package generator

import (
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/render"
)

// renderSoA is not written yet.
func renderSoA(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {}
