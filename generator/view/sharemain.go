package view

import (
	"html/template"
	"maps"
	"text/template/parse"
)

// SharesMain reports whether a page of kind and its part in the auditor's
// copy may show one execution of the kind's main block (PageData.Main).
// The copy frames a report's page again without breadcrumbs and scripts
// and cuts out its <main>; the report's own data is the same, and
// executing its main block once saves a second pass over the largest
// tables of a build (the currency page's one row a document). It may
// where:
//   - the kind's frame is the default theme's base.html, byte for byte,
//     which shows .Main in place of main, in HTML text:
//     {{if .Main}}{{.Main}}{{else}}{{template "main" .}}{{end}};
//     and no other template of the kind mentions Main or calls main;
//   - its main block, with every template it calls, reads none of what
//     the page and its part are given apart (Crumbs, Scripts, Marking),
//     and uses neither the page nor its Site whole (printed, or handed
//     to a function), directly, through a variable (whatever it was
//     given last, in a loop) or as a partial's dot, where they could
//     show those.
func (t *Theme) SharesMain(kind string) bool { return t.shares[kind] }

// apart are the fields a report's page and its part in the copy are given
// apart, and Main itself.
var apart = map[string]bool{"Crumbs": true, "Scripts": true, "Marking": true, "Main": true}

// sharesMain decides SharesMain for one kind's template set, parsed and
// not yet executed, whose frame is the default base.html.
func sharesMain(set *template.Template) bool {
	if set.Lookup("page") != nil || set.Lookup("base") == nil || set.Lookup("main") == nil {
		return false
	}
	// The default base.html mentions Main twice and calls main once, in
	// its pattern; anything else (a partial printing $.Main, a layout
	// calling main again) would show the block where the preview, which
	// never sets Main, does not.
	mains, calls := 0, 0
	for _, t := range set.Templates() {
		if t.Tree == nil {
			continue
		}
		walkNodes(t.Tree.Root, func(n parse.Node) {
			if c, ok := n.(*parse.TemplateNode); ok && c.Name == "main" {
				calls++
			}
			mains += countOf(fieldIdents(n), "Main")
		})
	}
	if mains != 2 || calls != 1 {
		return false
	}
	c := &shareCheck{set: set, seen: map[called]bool{}, ok: true, apart: apart}
	c.template("main", pageDot)
	return c.ok
}

// fieldIdents is the names of the fields n reads, if it reads any.
func fieldIdents(n parse.Node) []string {
	switch n := n.(type) {
	case *parse.FieldNode:
		return n.Ident
	case *parse.ChainNode:
		return n.Field
	case *parse.VariableNode:
		return n.Ident[1:]
	}
	return nil
}

func countOf(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
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
	seen  map[called]bool
	ok    bool
	vars  map[string]dotKind // the template's variables, each at its worst
	apart map[string]bool    // fields that may not be read: apart, or controlApart
}

func (c *shareCheck) template(name string, dot dotKind) {
	k := called{name, dot}
	if !c.ok || c.seen[k] {
		return
	}
	c.seen[k] = true
	if name == "base" {
		c.ok = false // main calls the frame back: not worth following
		return
	}
	t := c.set.Lookup(name)
	if t == nil || t.Tree == nil {
		return // fails the same way however it is executed
	}
	outer := c.vars
	c.vars = map[string]dotKind{"$": dot} // $ is the data the template was called with
	for {
		// Again until no variable can hold worse: a loop may print a
		// variable before the assignment that gives it the page.
		before := maps.Clone(c.vars)
		c.list(t.Tree.Root, dot)
		if maps.Equal(before, c.vars) || !c.ok {
			break
		}
	}
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
		if c.apart[id] {
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
