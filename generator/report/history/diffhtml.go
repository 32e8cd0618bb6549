package history

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/isms-project/isms/generator/view"
)

// Diff is the body of the version's text diff as HTML: its hunks, each
// line a div with its sign, as the default theme's history.html showed
// them with
//
//	{{range .Hunks}}{{if .Skipped}}<div class="diff-skip">… {{.Skipped}} unchanged lines</div>{{end}}
//	{{range .Lines}}<div class="diff-{{.Kind.Class}}"><span class="sign" aria-hidden="true">{{.Kind.Sign}}</span>{{.Text}}</div>{{end}}{{end}}
//
// (on one line), byte for byte. Written in Go because a history page holds
// thousands of diff lines and html/template spends three reflective calls
// on each (a quarter of a build's template time at 1,000 documents with
// 2,000 commits). Hunks stays for themes that lay the lines out otherwise.
func (v VersionView) Diff() template.HTML {
	if len(v.Hunks) == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(v.diffSize())
	v.writeDiff(&b)
	return template.HTML(b.String())
}

// diffSize is about what writeDiff writes, a little more.
func (v VersionView) diffSize() int {
	n := 0
	for _, h := range v.Hunks {
		n += 40 + len(h.Lines)*80
		for _, l := range h.Lines {
			n += len(l.Text)
		}
	}
	return n
}

func (v VersionView) writeDiff(b *strings.Builder) {
	for _, h := range v.Hunks {
		if h.Skipped != 0 {
			b.WriteString(`<div class="diff-skip">… `)
			b.WriteString(strconv.Itoa(h.Skipped))
			b.WriteString(` unchanged lines</div>`)
		}
		for _, l := range h.Lines {
			b.WriteString(`<div class="diff-`)
			b.WriteString(l.Kind.Class())
			b.WriteString(`"><span class="sign" aria-hidden="true">`)
			view.WriteText(b, l.Kind.Sign()) // "+" is "&#43;"
			b.WriteString(`</span>`)
			view.WriteText(b, l.Text)
			b.WriteString(`</div>`)
		}
	}
}

// Item is the version as one entry of the history page's list of
// versions: the li element with its head (date, version, status, subject,
// author, commit), its notes, its field changes and its Diff, with the
// line ends around it, byte for byte what the default theme's
// history.html wrote from these fields (versionTemplate in the tests
// keeps that template). Written in Go for the same reason as Diff: the
// entry took some thirty reflective template calls, and the history
// pages' template was the most expensive of a build with history
// (1,000 documents, 2,000 commits: 0.12 s of CPU of 1.4 s). Every
// value is element text or a quoted attribute value, which html/template
// escapes alike (view.WriteText). A theme that lays a version out otherwise
// still has every field.
func (v VersionView) Item() template.HTML {
	var b strings.Builder
	n := 900 + len(v.Date) + len(v.Version) + 2*len(v.Status) + len(v.Subject) + len(v.Author) + len(v.Hash) + len(v.Short) + len(v.Path)
	for _, c := range v.Changes {
		n += 60 + len(c.Field) + len(c.Old) + len(c.New)
	}
	if len(v.Hunks) != 0 {
		n += 200 + v.diffSize()
	}
	b.Grow(n)
	b.WriteString("\n<li class=\"version\">\n  <div class=\"version-head\">\n    <time>")
	view.WriteText(&b, v.Date)
	b.WriteString("</time>\n    ")
	if v.Version != "" {
		b.WriteString(`<span class="badge">v`)
		view.WriteText(&b, v.Version)
		b.WriteString(`</span>`)
	}
	b.WriteString("\n    ")
	if v.Status != "" {
		b.WriteString(`<span class="badge badge-`)
		view.WriteText(&b, v.Status)
		b.WriteString(`">`)
		view.WriteText(&b, v.Status)
		b.WriteString(`</span>`)
	}
	b.WriteString("\n    <span class=\"subject\">")
	switch {
	case v.SubjectWithheld:
		b.WriteString(`<em class="muted">(message not shown: the commit also changed a document not in this edition)</em>`)
	case v.Subject != "":
		view.WriteText(&b, v.Subject)
	default:
		b.WriteString(`<em class="muted">(no message)</em>`)
	}
	b.WriteString("</span>\n    <span class=\"muted\">")
	view.WriteText(&b, v.Author)
	b.WriteString(` · <code title="`)
	view.WriteText(&b, v.Hash)
	b.WriteString(`">`)
	view.WriteText(&b, v.Short)
	b.WriteString("</code></span>\n  </div>\n  ")
	if v.Path != "" {
		b.WriteString(`<p class="muted small">then named <code>`)
		view.WriteText(&b, v.Path)
		b.WriteString(`</code></p>`)
	}
	b.WriteString("\n  ")
	if v.Added {
		b.WriteString(`<p class="muted small">Document created.</p>`)
	}
	b.WriteString("\n  ")
	if v.Missing {
		b.WriteString(`<p class="muted small">Content not available in this clone.</p>`)
	}
	if v.PrevWithheld {
		b.WriteString("\n  <p class=\"muted small\">Changes not shown: the version before is not in this edition.</p>")
	}
	b.WriteString("\n  ")
	if len(v.Changes) != 0 {
		b.WriteString(`<ul class="field-changes">`)
		for _, c := range v.Changes {
			b.WriteString(`<li><code>`)
			view.WriteText(&b, c.Field)
			b.WriteString(`</code>: `)
			if c.Old != "" {
				b.WriteString(`<del>`)
				view.WriteText(&b, c.Old)
				b.WriteString(`</del>`)
			} else {
				b.WriteString(`<em>(none)</em>`)
			}
			b.WriteString(` → `)
			if c.New != "" {
				b.WriteString(`<ins>`)
				view.WriteText(&b, c.New)
				b.WriteString(`</ins>`)
			} else {
				b.WriteString(`<em>(removed)</em>`)
			}
			b.WriteString(`</li>`)
		}
		b.WriteString(`</ul>`)
	}
	b.WriteString("\n  ")
	if len(v.Hunks) != 0 {
		b.WriteString("<details class=\"diff\"><summary>Text changes</summary>\n  <div class=\"diff-body\" role=\"table\" aria-label=\"Text changes\">")
		v.writeDiff(&b)
		b.WriteString("</div>\n  </details>")
	}
	b.WriteString("\n</li>\n")
	return template.HTML(b.String())
}
