package view

import (
	"html/template"
	"strings"
	"testing"
	"time"

	"github.com/isms-project/isms/generator/markdown"
	"github.com/isms-project/isms/generator/model"
)

// frameParts is base.html's breadcrumbs and pager as they stood before
// CrumbList.Items and Pager.Links, in the page's own words ($.Site.Root).
var frameParts = template.Must(template.New("frame").Funcs(funcs).Parse(
	`{{if .Crumbs}}<ol>{{range $i, $c := .Crumbs}}<li>{{if lastCrumb $i $.Crumbs}}<span aria-current="page">{{$c.Title}}</span>{{else}}<a href="{{$.Site.Root}}{{$c.URL}}">{{$c.Title}}</a>{{end}}</li>{{end}}</ol>{{end}}` +
		`{{with .Pager}}<nav>{{with .Prev}}<a class="pager-prev" href="{{$.Site.Root}}{{.URL}}" rel="prev"><span class="pager-dir">Previous</span> <span class="pager-title">{{.Title}}</span></a>{{end}}{{with .Next}}<a class="pager-next" href="{{$.Site.Root}}{{.URL}}" rel="next"><span class="pager-dir">Next</span> <span class="pager-title">{{.Title}}</span></a>{{end}}</nav>{{end}}`))

type framePage struct {
	Crumbs CrumbList
	Site   struct{ Root string }
	Pager  *Pager
}

func frameOracle(t *testing.T, p framePage) {
	t.Helper()
	var want strings.Builder
	if err := frameParts.Execute(&want, p); err != nil {
		t.Fatal(err)
	}
	got := ""
	if len(p.Crumbs) > 0 {
		got += "<ol>" + string(p.Crumbs.Items(p.Site.Root)) + "</ol>"
	}
	if p.Pager != nil {
		got += "<nav>" + string(p.Pager.Links(p.Site.Root)) + "</nav>"
	}
	if got != want.String() {
		t.Errorf("root %q, crumbs %+v, pager %+v:\nGo       %q\ntemplate %q", p.Site.Root, p.Crumbs, p.Pager, got, want.String())
	}
}

var frameURLs = []string{
	"", "/", "/isms/", "#type-policy", "policies/pol-1/", "a-b_c.d~e/#x", "https://example.org/isms/", "javascript:alert(1)",
	"JavaScript:x", "a b/", "é/", "a%20b", "a?q=1&r=2", `a"b`, "a'b", "a<b>", "a+b", "//evil.example/", "/a#b/", "data:text/html,x", "\x00",
	"a&b", "a%", "50%zz", "a:b/", "a?", "a=b", "a!b*c", "a(b)", "a,b;c", "a@b", "a$b", "[a]", "a\\b", "a|b", "a^b", "a`b", "a{b}",
}

// TestFramePartsMatchTemplate: the breadcrumbs and the pager written in
// Go are the template's, byte for byte, under every root, with URLs Go
// writes itself and URLs it leaves to html/template (a scheme it filters,
// anything it escapes or normalises).
func TestFramePartsMatchTemplate(t *testing.T) {
	for _, root := range frameURLs {
		for _, u := range frameURLs {
			for _, title := range []string{`<b>"A" & 'B' + C</b>\x00\xff`} {
				p := framePage{
					Crumbs: CrumbList{{Title: "Home"}, {Title: title, URL: u}, {Title: title, URL: u}},
					Pager:  &Pager{Prev: &NavPage{Title: title, URL: u}, Next: &NavPage{Title: "Next", URL: "policies/b/"}},
				}
				p.Site.Root = root
				frameOracle(t, p)
				p.Pager = &Pager{Next: p.Pager.Prev}
				p.Crumbs = p.Crumbs[:1]
				frameOracle(t, p)
			}
		}
	}
	frameOracle(t, framePage{Pager: &Pager{}})
	frameOracle(t, framePage{Crumbs: CrumbList{}})
}

func FuzzFrameParts(f *testing.F) {
	f.Add("/", "policies/pol-1/", "#type-policy", "A & B", "x/", true)
	f.Add("javascript:", "a b", "", "<i>", "", false)
	f.Fuzz(func(t *testing.T, root, u1, u2, title, u3 string, next bool) {
		p := framePage{
			Crumbs: CrumbList{{Title: "Home", URL: u3}, {Title: title, URL: u1}, {Title: title, URL: u2}},
			Pager:  &Pager{Prev: &NavPage{Title: title, URL: u1}},
		}
		if next {
			p.Pager.Next = &NavPage{Title: title, URL: u2}
		}
		p.Site.Root = root
		frameOracle(t, p)
	})
}

// revisionRows is how the default layouts listed a revision table's rows
// before RevisionList.Rows.
var revisionRows = template.Must(template.New("revisions").Parse(
	`{{range .}}<tr><td>{{.Version}}</td><td>{{.Date}}</td><td>{{.Author}}</td><td>{{.Change}}</td></tr>{{end}}`))

func revisionOracle(t *testing.T, l RevisionList) {
	t.Helper()
	var want strings.Builder
	if err := revisionRows.Execute(&want, l); err != nil {
		t.Fatal(err)
	}
	if got := string(l.Rows()); got != want.String() {
		t.Errorf("%+v:\nRows     %q\ntemplate %q", l, got, want.String())
	}
}

// TestRevisionRows: a revision table's rows written in Go are the
// template's, byte for byte, each field marked apart, with dates given
// and not.
func TestRevisionRows(t *testing.T) {
	for _, text := range hostileTexts {
		revisionOracle(t, RevisionList{
			{Version: text + "v", Date: model.DateOf(2026, 1, 2), Author: "a" + text, Change: text + "c"},
			{Version: "", Author: text, Change: ""},
		})
	}
	revisionOracle(t, nil)
}

func FuzzRevisionRows(f *testing.F) {
	f.Add("1.0", "G. Lloyd", "First <issue> & more", 2026, 5, 11)
	f.Fuzz(func(t *testing.T, version, author, change string, y, m, d int) {
		revisionOracle(t, RevisionList{{Version: version, Author: author, Change: change, Date: model.DateOf(y, time.Month(m), d)}})
	})
}

func tocOracle(t *testing.T, l TOCList) {
	t.Helper()
	var want strings.Builder
	if err := tocItems.Execute(&want, l); err != nil {
		t.Fatal(err)
	}
	if got := string(l.Items()); got != want.String() {
		t.Errorf("%+v:\nItems    %q\ntemplate %q", l, got, want.String())
	}
}

// TestTOCItems: a table of contents written in Go is the template's, byte
// for byte, with ids it writes itself and ids it leaves to html/template
// (anything but letters, digits and - . _ ~, which a URL escapes).
func TestTOCItems(t *testing.T) {
	ids := []string{"purpose", "a-b_c.d~e", "x1", "2fa", "sécurité", "a b", "a%20b", "a/b", "a?b", "a#b", "a'b", `a"b`, "a<b", "a+b", "a&b", "\x00", "Z", "..", "~",
		"a:b", "a%", "a=b", "a!b", "a*b", "a(b)", "a,b", "a;b", "a@b", "a$b", "[a]", "a\\b", "a|b", "a^b", "a`b", "a{b}", "javascript:x"}
	for _, id := range ids {
		for _, text := range hostileTexts {
			tocOracle(t, TOCList{{Level: 2, ID: "intro", Text: "Intro"}, {Level: 3, ID: id, Text: text}})
		}
	}
	tocOracle(t, nil)
	if !plainID("a-b_c.d~e") || plainID("") || plainID("a b") || plainID("é") {
		t.Error("plainID")
	}
}

func FuzzTOCItems(f *testing.F) {
	f.Add(2, "purpose", "Purpose", 3, "sécurité", "<b>")
	f.Fuzz(func(t *testing.T, l1 int, id1, text1 string, l2 int, id2, text2 string) {
		tocOracle(t, TOCList{markdown.Heading{Level: l1, ID: id1, Text: text1}, markdown.Heading{Level: l2, ID: id2, Text: text2}})
	})
}
