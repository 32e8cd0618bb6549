package view

import (
	"html/template"
	"text/template/parse"
)

// SharesMain reports whether a page of kind and its part in the auditor's
// copy may show one execution of the kind's main block (PageData.Main):
// the kind's frame shows .Main when it is set, as the default base.html
// does, and its main block (with every template it calls) reads none of
// what the page and its part are given apart: Crumbs, Scripts, Marking.
// The copy frames a report's page again without breadcrumbs and cuts out
// its <main>; the report's own data is the same, and executing its main
// block once saves a second pass over the largest tables of a build
// (the currency page's one row a document).
func (t *Theme) SharesMain(kind string) bool { return t.shares[kind] }

// apart are the fields a report's page and its part in the copy are given
// apart, and Main itself.
var apart = map[string]bool{"Crumbs": true, "Scripts": true, "Marking": true, "Main": true}

// sharesMain decides SharesMain for one kind's template set, parsed and
// not yet executed.
func sharesMain(set *template.Template) bool {
	frame := set.Lookup("page")
	if frame == nil {
		frame = set.Lookup("base")
	}
	if frame == nil || frame.Tree == nil || set.Lookup("main") == nil {
		return false
	}
	showsMain := false
	walkNodes(frame.Tree.Root, func(n parse.Node) {
		if f, ok := n.(*parse.FieldNode); ok && len(f.Ident) == 1 && f.Ident[0] == "Main" {
			showsMain = true
		}
	})
	if !showsMain {
		return false
	}
	seen := map[string]bool{}
	var clean func(name string) bool
	clean = func(name string) bool {
		if seen[name] {
			return true
		}
		seen[name] = true
		if name == frame.Name() {
			return false // main calls the frame back: not worth following
		}
		t := set.Lookup(name)
		if t == nil || t.Tree == nil {
			return true // fails the same way however it is executed
		}
		ok := true
		walkNodes(t.Tree.Root, func(n parse.Node) {
			var idents []string
			switch n := n.(type) {
			case *parse.FieldNode:
				idents = n.Ident
			case *parse.ChainNode:
				idents = n.Field
			case *parse.VariableNode:
				idents = n.Ident[1:]
			case *parse.TemplateNode:
				ok = ok && clean(n.Name)
			}
			for _, id := range idents {
				ok = ok && !apart[id]
			}
		})
		return ok
	}
	return clean("main")
}

// walkNodes calls visit on n and every node below it.
func walkNodes(n parse.Node, visit func(parse.Node)) {
	if n == nil {
		return
	}
	visit(n)
	switch n := n.(type) {
	case *parse.ListNode:
		if n != nil {
			for _, c := range n.Nodes {
				walkNodes(c, visit)
			}
		}
	case *parse.ActionNode:
		walkNodes(n.Pipe, visit)
	case *parse.PipeNode:
		if n != nil {
			for _, d := range n.Decl {
				walkNodes(d, visit)
			}
			for _, c := range n.Cmds {
				walkNodes(c, visit)
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			walkNodes(a, visit)
		}
	case *parse.ChainNode:
		walkNodes(n.Node, visit)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, visit)
	case *parse.TemplateNode:
		walkNodes(n.Pipe, visit)
	}
}

func walkBranch(b *parse.BranchNode, visit func(parse.Node)) {
	walkNodes(b.Pipe, visit)
	walkNodes(b.List, visit)
	walkNodes(b.ElseList, visit)
}
