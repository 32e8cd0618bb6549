package generator

import (
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/render"
)

// renderCurrency is not written yet.
func renderCurrency(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {}
