package diagrams

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Options shape one DOT drawing.
type Options struct {
	Title  string // shown above the map and as the SVG's accessible title
	Focus  string // node id drawn emphasised, e.g. the process of a neighbourhood
	Legend bool   // add a key explaining status colours and external documents
}

// The palette keeps status colours away from the phase colours so an
// overdue box never blends into its cluster: phases are pale blue, green,
// yellow and violet; statuses use white, amber, red and grey.
type phaseStyle struct{ title, fill, border string }

var phaseStyles = map[string]phaseStyle{
	"plan":  {"Plan", "#eff6ff", "#93c5fd"},
	"do":    {"Do", "#f0fdf4", "#86efac"},
	"check": {"Check", "#fefce8", "#fde047"},
	"act":   {"Act", "#f5f3ff", "#c4b5fd"},
}

type statusStyle struct {
	fill, border, font, style, penwidth string
	note                                string // printed after the id, so status does not rely on colour alone
}

var statusStyles = map[string]statusStyle{
	"":               {"#ffffff", "#4b5563", "#111827", "rounded,filled", "1", ""},
	"current":        {"#ffffff", "#15803d", "#111827", "rounded,filled", "1.2", ""},
	"due-soon":       {"#fef3c7", "#b45309", "#111827", "rounded,filled", "1.6", "due soon"},
	"overdue":        {"#fecaca", "#b91c1c", "#7f1d1d", "rounded,filled,bold", "2.5", "OVERDUE"},
	"never-reviewed": {"#f3f4f6", "#6b7280", "#111827", "rounded,filled,dashed", "1.2", "never reviewed"},
}

var externalStyle = statusStyle{"#f9fafb", "#9ca3af", "#4b5563", "filled", "1", ""}

// legendOrder lists the statuses the legend explains, in reading order.
var legendOrder = []string{"current", "due-soon", "overdue", "never-reviewed"}

// largeMap is the node count above which a map trades polish for layout
// time: edge labels move into the edges' tooltips (every label is a layer
// node Graphviz must place) and crossing minimisation does fewer passes.
// Measured on a generated map of 250 processes: 17 s → 3.6 s; 500
// processes with labels took 277 s.
const largeMap = 150

// wrapWidth is the longest title line, in characters, before it wraps at a
// space; it keeps boxes narrow so wide maps stay readable.
const wrapWidth = 22

// DOT writes g as Graphviz DOT text. The output depends only on g's content
// and opts, never on the order of g's slices or on map iteration: nodes and
// edges are sorted before writing. Edges naming an id that is not a node are
// left out. Every string from content is escaped, so no title, URL or label
// can break the syntax or inject attributes.
func DOT(g Graph, opts Options) []byte {
	nodes := canonicalNodes(g.Nodes)
	known := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		known[n.ID] = true
	}
	names := make(map[string]string, len(nodes))
	titles := make(map[string]string, len(nodes))
	for i, n := range nodes {
		names[n.ID] = nodeName(n.ID, i)
		titles[n.ID] = displayTitle(n)
	}
	var edges []Edge
	for _, e := range mergeEdges(g.Edges) {
		if known[e.From] && known[e.To] {
			edges = append(edges, e)
		}
	}

	var b bytes.Buffer
	name := opts.Title
	if name == "" {
		name = "processes"
	}
	b.WriteString("digraph " + quote(name) + " {\n")
	// The map stacks the phase bands top to bottom, which suits a page that
	// scrolls down; ranks() decides every row and the DOT pins the rows with
	// rank=same groups chained by invisible edges. A neighbourhood reads
	// left to right instead: inputs → process → outputs.
	rank, neighbourhood := neighbourhoodRanks(nodes, edges, opts.Focus)
	rankdir := "LR"
	if !neighbourhood {
		rank, rankdir = ranks(nodes, edges), "TB"
	}
	large := len(nodes) > largeMap
	b.WriteString("\tgraph [rankdir=" + rankdir + ", newrank=true, ")
	if large {
		b.WriteString("mclimit=0.2, remincross=false, ")
	}
	b.WriteString("nodesep=0.25, ranksep=0.5, pad=0.2, bgcolor=\"transparent\", fontname=\"Helvetica\", fontsize=12")
	if opts.Title != "" || opts.Legend {
		b.WriteString(", labelloc=t, labeljust=l, label=<" + graphLabel(opts) + ">")
	}
	b.WriteString("];\n")
	b.WriteString("\tnode [shape=box, fontname=\"Helvetica\", fontsize=11, margin=\"0.12,0.06\"];\n")
	b.WriteString("\tedge [fontname=\"Helvetica\", fontsize=9, color=\"#6b7280\", fontcolor=\"#374151\", arrowsize=0.7];\n")

	for _, p := range Phases {
		var in []Node
		for _, n := range nodes {
			if n.Phase == p && !n.External {
				in = append(in, n)
			}
		}
		if len(in) == 0 {
			continue
		}
		st := phaseStyles[p]
		b.WriteString("\tsubgraph " + quote("cluster_"+p) + " {\n")
		b.WriteString("\t\tgraph [label=<<B>" + st.title + "</B>>, class=\"phase phase-" + p + "\", style=\"rounded,filled\", fillcolor=\"" + st.fill + "\", color=\"" + st.border + "\", fontsize=13, labeljust=l, margin=12];\n")
		for _, n := range in {
			writeNode(&b, "\t\t", names[n.ID], n, opts)
		}
		b.WriteString("\t}\n")
	}
	for _, n := range nodes {
		if n.External || phaseRank(n.Phase) == len(Phases) {
			writeNode(&b, "\t", names[n.ID], n, opts)
		}
	}
	var rows [][]string
	for i, n := range nodes {
		for len(rows) <= rank[i] {
			rows = append(rows, nil)
		}
		rows[rank[i]] = append(rows[rank[i]], names[n.ID])
	}
	for r, row := range rows {
		if len(row) > 1 {
			b.WriteString("\t{ rank=same; " + strings.Join(row, "; ") + "; }\n")
		}
		if r > 0 && len(row) > 0 && len(rows[r-1]) > 0 {
			b.WriteString("\t" + rows[r-1][0] + " -> " + row[0] + " [style=invis];\n")
		}
	}
	index := make(map[string]int, len(nodes))
	for i, n := range nodes {
		index[n.ID] = i
	}
	for _, e := range edges {
		tip := titles[e.From] + " → " + titles[e.To]
		from, to, attrs := names[e.From], names[e.To], ""
		if rank[index[e.From]] > rank[index[e.To]] {
			// An edge pointing up the page is written downwards and drawn
			// with its arrow reversed, so it cannot fight the rows.
			from, to, attrs = to, from, "dir=back, "
		}
		b.WriteString("\t" + from + " -> " + to + " [" + attrs)
		if len(e.Labels) > 0 {
			if !large {
				// decorate: a line from the label to its edge, so a label
				// that the layout placed beside a long edge is still read
				// as that edge's.
				b.WriteString("label=<" + htmlText(strings.Join(e.Labels, "\n")) + ">, decorate=true, ")
			}
			tip += ": " + strings.Join(e.Labels, "; ")
		}
		b.WriteString("tooltip=" + quoteTooltip(tip) + "];\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// nodeName is the DOT name of the node with the given id at index i of the
// sorted nodes. Ids in the ISMS convention (PRC-RISK-01) are used as they
// are, which keeps the DOT and the SVG's <title>s readable; anything else
// gets a positional name, because Graphviz reads backslashes in names
// inconsistently. '#' cannot occur in a kept id, so the two never collide.
func nodeName(id string, i int) string {
	if safeName.MatchString(id) {
		return `"` + id + `"`
	}
	return `"#` + strconv.Itoa(i) + `"`
}

var safeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)

func writeNode(b *bytes.Buffer, indent, name string, n Node, opts Options) {
	st, ok := statusStyles[n.Status]
	if !ok {
		st = statusStyles[""]
	}
	class := "status-" + n.Status
	if n.Status == "" || !ok {
		class = "status-none"
	}
	shape := "box"
	if n.External {
		st, shape, class = externalStyle, "note", "external"
	}
	if n.ID == opts.Focus {
		// The focus keeps its status fill but gets a heavy blue frame.
		st.border, st.penwidth = "#1d4ed8", "3"
		class += " focus"
	}
	title := displayTitle(n)
	label := "<B>" + htmlText(wrap(title, wrapWidth)) + "</B>"
	if n.External {
		label = htmlText(wrap(title, wrapWidth))
	}
	sub := strings.Join(strings.Fields(clean(n.ID)+" · "+st.note), " ")
	sub = strings.TrimSuffix(strings.TrimPrefix(sub, "· "), " ·")
	if sub != "·" && sub != "" {
		// Graphviz drops an HTML label with an empty element, so the id
		// line is only written when it has text.
		label += `<BR/><FONT POINT-SIZE="9">` + htmlText(sub) + "</FONT>"
	}

	b.WriteString(indent + name + " [label=<" + label + ">, shape=" + shape +
		", style=\"" + st.style + "\", fillcolor=\"" + st.fill + "\", color=\"" + st.border +
		"\", fontcolor=\"" + st.font + "\", penwidth=" + st.penwidth + ", class=" + quote(class))
	if n.URL != "" {
		b.WriteString(", URL=" + quote(n.URL))
	}
	tip := n.Tooltip
	if tip == "" {
		tip = title
	}
	// Without a tooltip Graphviz uses the label text, which for an HTML label
	// is empty; an explicit one always reads well.
	b.WriteString(", tooltip=" + quoteTooltip(tip) + "];\n")
}

// displayTitle is the text drawn in a node's box: its label, else its id,
// else a placeholder, so the box never has an empty HTML label.
func displayTitle(n Node) string {
	for _, s := range []string{n.Label, n.ID} {
		if t := strings.Join(strings.Fields(clean(s)), " "); t != "" {
			return t
		}
	}
	return "(untitled)"
}

// graphLabel builds the title and legend as one HTML-like table at the top
// of the drawing, so the key never takes part in the layout.
func graphLabel(opts Options) string {
	var b strings.Builder
	b.WriteString(`<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="4" CELLPADDING="2">`)
	if opts.Title != "" {
		b.WriteString(`<TR><TD ALIGN="LEFT" COLSPAN="6"><FONT POINT-SIZE="16"><B>` + htmlText(opts.Title) + `</B></FONT></TD></TR>`)
	}
	if opts.Legend {
		b.WriteString(`<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10">Key:</FONT></TD>`)
		for _, s := range legendOrder {
			st := statusStyles[s]
			b.WriteString(`<TD BORDER="1" STYLE="ROUNDED" BGCOLOR="` + st.fill + `" COLOR="` + st.border + `"><FONT POINT-SIZE="10" COLOR="` + st.font + `">` + strings.ReplaceAll(s, "-", " ") + `</FONT></TD>`)
		}
		b.WriteString(`<TD BORDER="1" BGCOLOR="` + externalStyle.fill + `" COLOR="` + externalStyle.border + `"><FONT POINT-SIZE="10" COLOR="` + externalStyle.font + `">document (not a process)</FONT></TD></TR>`)
	}
	b.WriteString(`</TABLE>`)
	return b.String()
}

// wrap breaks s at spaces so no line is longer than width runes, unless a
// single word is.
func wrap(s string, width int) string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, w := range strings.Fields(para) {
			switch {
			case line == "":
				line = w
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) <= width:
				line += " " + w
			default:
				lines = append(lines, line)
				line = w
			}
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// clean makes s safe to hand to Graphviz at all: valid UTF-8 (Graphviz
// would otherwise re-read it as Latin-1 and warn), and no control
// characters, which are invalid in the SVG it writes (NUL would even cut the
// C string short). Newlines survive for the callers to translate; tabs
// become spaces.
func clean(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case unicode.IsControl(r), r == '\uFEFF', r >= 0xFFFE && r <= 0xFFFF:
			return -1
		}
		return r
	}, s)
}

// quote returns s as a DOT double-quoted string. Graphviz reads backslash
// sequences in most attributes (\N is the node name, \l a left-justified
// line break), so a literal backslash is doubled; a newline becomes \n.
// Graphviz copies an existing entity such as "&amp;" into the SVG as it is,
// so '&' is written as "&amp;" to make "&amp;" in content survive as text.
func quote(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "&", "&amp;", "\r\n", `\n`, "\r", `\n`, "\n", `\n`).Replace(clean(s))
	return `"` + s + `"`
}

// quoteTooltip quotes a tooltip. Graphviz 12 expands backslash sequences in
// tooltips twice (once when reading, once when writing the SVG link), so a
// literal backslash needs four; the fuzz test pins this down.
func quoteTooltip(s string) string {
	return quote(strings.ReplaceAll(s, `\`, `\\`))
}

// htmlText escapes s for the inside of a DOT HTML-like label: XML rules for
// & < > ", and, because Graphviz still expands \N, \G and friends in the
// text of HTML labels, a doubled backslash. Newlines become line breaks.
func htmlText(s string) string {
	s = strings.NewReplacer(`\`, `\\`, "&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\r\n", "<BR/>", "\r", "<BR/>", "\n", "<BR/>").Replace(clean(s))
	return s
}
