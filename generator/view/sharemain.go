package view

import (
	"html/template"
	"text/template/parse"
)

// SharesMain reports whether a page of kind and its part in the auditor's
// copy may show one execution of the kind's main block (PageData.Main).
// The copy frames a report's page again without breadcrumbs and scripts
// and cuts out its <main>; the report's own data is the same, and
// executing its main block once saves a second pass over the largest
// tables of a build (the currency page's one row a document). It may
// where:
//   - the kind's frame shows .Main in place of main and nowhere else, as
//     the default base.html does:
//     {{if .Main}}{{.Main}}{{else}}{{template "main" .}}{{end}};
//   - its main block, with every template it calls, reads none of what
//     the page and its part are given apart (Crumbs, Scripts, Marking),
//     and uses neither the page nor its Site whole (printed, or handed
//     to a function), directly, through a variable or as a partial's dot,
//     where they could show those.
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
	if frame == nil || frame.Tree == nil || set.Lookup("main") == nil || !showsMain(frame.Tree.Root) {
		return false
	}
	c := &shareCheck{set: set, frame: frame.Name(), seen: map[called]bool{}, ok: true}
	c.template("main", pageDot)
	return c.ok
}

// showsMain reports whether a frame's only mention of .Main and of main
// is {{if .Main}}{{.Main}}{{else}}{{template "main" .}}{{end}}.
func showsMain(root *parse.ListNode) bool {
	pattern, mains, calls := 0, 0, 0
	walkNodes(root, func(n parse.Node) {
		switch n := n.(type) {
		case *parse.IfNode:
			if isField(n.Pipe, "Main") && n.List != nil && len(n.List.Nodes) == 1 && n.ElseList != nil && len(n.ElseList.Nodes) == 1 {
				a, _ := n.List.Nodes[0].(*parse.ActionNode)
				tn, _ := n.ElseList.Nodes[0].(*parse.TemplateNode)
				if a != nil && isField(a.Pipe, "Main") && tn != nil && tn.Name == "main" && isDot(tn.Pipe) {
					pattern++
				}
			}
		case *parse.FieldNode:
			if len(n.Ident) > 0 && n.Ident[0] == "Main" {
				mains++
			}
		case *parse.TemplateNode:
			if n.Name == "main" {
				calls++
			}
		}
	})
	return pattern == 1 && mains == 2 && calls == 1
}

// isField reports whether p is the plain pipeline {{.name}}.
func isField(p *parse.PipeNode, name string) bool {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 1 && f.Ident[0] == name
}

// isDot reports whether p is the plain pipeline {{.}}.
func isDot(p *parse.PipeNode) bool {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	_, ok := p.Cmds[0].Args[0].(*parse.DotNode)
	return ok
}

// dotKind is what a value in a template may be, as far as sharing goes.
type dotKind int

const (
	otherDot   dotKind = iota // anything but the two below: safe to use whole
	siteDot                   // the page's Site (it holds Scripts)
	pageDot                   // the PageData itself
	unknownDot                // a variable's value: may be either
)

type called struct {
	name string
	dot  dotKind
}

// shareCheck follows main and what it calls, knowing what dot, $ and
// each variable may be. (PageData and SiteView have no methods, so a
// field read is all a template can do with them short of using them
// whole.)
type shareCheck struct {
	set   *template.Template
	frame string
	seen  map[called]bool
	ok    bool
	vars  map[string]dotKind // the template's variables, each at its worst
}

func (c *shareCheck) template(name string, dot dotKind) {
	k := called{name, dot}
	if !c.ok || c.seen[k] {
		return
	}
	c.seen[k] = true
	if name == c.frame {
		c.ok = false // main calls the frame back: not worth following
		return
	}
	t := c.set.Lookup(name)
	if t == nil || t.Tree == nil {
		return // fails the same way however it is executed
	}
	outer := c.vars
	c.vars = map[string]dotKind{"$": dot} // $ is the data the template was called with
	c.list(t.Tree.Root, dot)
	c.vars = outer
}

func (c *shareCheck) list(l *parse.ListNode, dot dotKind) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		c.node(n, dot)
	}
}

func (c *shareCheck) node(n parse.Node, dot dotKind) {
	switch n := n.(type) {
	case *parse.ActionNode:
		k := c.pipe(n.Pipe, dot)
		if len(n.Pipe.Decl) == 0 && k != otherDot {
			c.ok = false // printed whole
		}
		c.declare(n.Pipe.Decl, k)
	case *parse.IfNode:
		c.declare(n.Pipe.Decl, c.pipe(n.Pipe, dot)) // only its truth is used
		c.list(n.List, dot)
		c.list(n.ElseList, dot)
	case *parse.WithNode:
		k := c.pipe(n.Pipe, dot)
		c.declare(n.Pipe.Decl, k)
		c.list(n.List, k)
		c.list(n.ElseList, dot)
	case *parse.RangeNode:
		elem := c.pipe(n.Pipe, dot)
		if elem != otherDot {
			elem = unknownDot // ranging over a struct fails; over anything else, who knows
		}
		switch d := n.Pipe.Decl; len(d) {
		case 1:
			c.declare(d, elem)
		case 2:
			c.declare(d[:1], otherDot) // the index or key
			c.declare(d[1:], elem)
		}
		c.list(n.List, elem)
		c.list(n.ElseList, dot)
	case *parse.TemplateNode:
		c.template(n.Name, c.pipe(n.Pipe, dot))
	}
}

// declare records what the variables of decl may hold.
func (c *shareCheck) declare(decl []*parse.VariableNode, k dotKind) {
	for _, v := range decl {
		c.vars[v.Ident[0]] = max(c.vars[v.Ident[0]], k)
	}
}

// pipe returns what the pipeline's value may be.
func (c *shareCheck) pipe(p *parse.PipeNode, dot dotKind) dotKind {
	if p == nil {
		return otherDot
	}
	k := otherDot
	for i, cmd := range p.Cmds {
		k = c.command(cmd, dot, i > 0, k)
	}
	return k
}

// command returns what a command's value may be. A value a function or
// method is handed, as an argument or through the pipe, is used whole.
func (c *shareCheck) command(cmd *parse.CommandNode, dot dotKind, piped bool, prev dotKind) dotKind {
	_, fn := cmd.Args[0].(*parse.IdentifierNode)
	if len(cmd.Args) == 1 && !fn && !piped {
		return c.value(cmd.Args[0], dot) // a value, not a call
	}
	if piped && prev != otherDot {
		c.ok = false
	}
	for _, a := range cmd.Args {
		if c.value(a, dot) != otherDot {
			c.ok = false
		}
	}
	return otherDot
}

// value returns what an operand may be, checking the fields it reads.
func (c *shareCheck) value(n parse.Node, dot dotKind) dotKind {
	switch n := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.VariableNode:
		k, ok := c.vars[n.Ident[0]]
		if !ok {
			k = unknownDot
		}
		return c.fields(k, n.Ident[1:])
	case *parse.FieldNode:
		return c.fields(dot, n.Ident)
	case *parse.ChainNode:
		return c.fields(c.value(n.Node, dot), n.Field)
	case *parse.PipeNode:
		return c.pipe(n, dot)
	}
	return otherDot
}

// fields returns what reading idents from a value of kind k may give.
func (c *shareCheck) fields(k dotKind, idents []string) dotKind {
	for _, id := range idents {
		if apart[id] {
			c.ok = false
		}
		switch {
		case id == "Site" && k == pageDot:
			k = siteDot
		case id == "Site" && k == unknownDot:
			// still unknown: the Site of a page, maybe
		default:
			k = otherDot
		}
	}
	return k
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
