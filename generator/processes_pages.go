package generator

import (
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/render"
)

// renderProcesses is not written yet.
func renderProcesses(in renderInput, sv *render.SiteView, tree render.Tree, diags *diag.List) {}
