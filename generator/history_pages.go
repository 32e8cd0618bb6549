package generator

import (
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/render"
)

// renderHistory is not written yet.
func renderHistory(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {}
