package generator

import (
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/render"
)

// renderEvidence is not written yet.
func renderEvidence(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {}
