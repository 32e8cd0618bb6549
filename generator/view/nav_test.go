package view

import (
	"fmt"
	"html/template"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
)

func navData(n int) NavData {
	nd := NavData{Root: "/base/"}
	var big, small []NavPage
	for i := range n {
		big = append(big, NavPage{ID: fmt.Sprint(i), Title: fmt.Sprintf("Record <%04d>", i), URL: fmt.Sprintf("records/r%04d/", i)})
	}
	small = append(small, NavPage{Title: "Access", URL: "policies/access/", Badge: "draft"})
	nd.ByType = []NavGroup{{Title: "Policies", Pages: small}, {Title: "Records", Pages: big}}
	nd.ByClause = []NavGroup{{Number: "9", Title: "Performance evaluation", Pages: big[:min(7, n)]}}
	return nd
}

func TestNavsSmallSiteKeepsTheFullNavigation(t *testing.T) {
	full := template.HTML(`<a href="/base/a/">A</a><a href="/base/b/">B</a>`)
	got := NewNavs(navData(7), full, NavFullMax).For("b/")
	if want := `<a href="/base/a/">A</a><a href="/base/b/" aria-current="page">B</a>`; string(got) != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
}

func TestNavsLargeSiteListsNeighboursOnly(t *testing.T) {
	n := NavFullMax + 100
	navs := NewNavs(navData(n), "unused", n+1)
	got := string(navs.For("records/r0300/"))
	if c := strings.Count(got, `aria-current="page"`); c != 1 {
		t.Fatalf("%d current links, want 1:\n%s", c, got)
	}
	if !strings.Contains(got, `<a href="/base/records/r0300/" aria-current="page">Record &lt;0300&gt;</a>`) {
		t.Errorf("current page not marked or not escaped:\n%s", got)
	}
	if c := strings.Count(got, `<a href="/base/records/r`); c != 2*navWindow+1 {
		t.Errorf("%d record links, want %d", c, 2*navWindow+1)
	}
	for _, want := range []string{
		"275 more before", fmt.Sprintf("%d more after", n-326),
		`<summary>Records <span class="count">600</span>`,
		`<li><details><summary>Policies <span class="count">1</span></summary><ul><li class="nav-more"><a href="/base/">All 1 on the home page</a>`,
		`<summary>9 Performance evaluation <span class="count">7</span></summary>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("navigation has no %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "policies/access/") {
		t.Error("another group's pages are listed")
	}
	first := string(navs.For("records/r0000/"))
	if strings.Contains(first, "more before") || !strings.Contains(first, `aria-current="page">Record &lt;0000&gt;`) {
		t.Errorf("first page's navigation:\n%s", first)
	}
	if c := strings.Count(first, `<a href="/base/records/r`); c != navWindow+1 {
		t.Errorf("first page: %d record links, want %d", c, navWindow+1)
	}
}

func TestNavsShared(t *testing.T) {
	if got := NewNavs(navData(3), "full", 3).Shared(); got != "full" {
		t.Errorf("small site: %q", got)
	}
	got := string(NewNavs(navData(NavFullMax+1), "full", NavFullMax+2).Shared())
	if strings.Contains(got, "records/r") || strings.Contains(got, "aria-current") || !strings.Contains(got, "All 501 on the home page") {
		t.Errorf("large site: shared navigation should close every group:\n%s", got)
	}
}

// Previous and next follow the "By type" navigation top to bottom, across
// groups; the first page has no previous and the last no next.
func TestPagersFollowNavigationOrder(t *testing.T) {
	nd := NavData{ByType: []NavGroup{
		{Title: "Policies", Pages: []NavPage{{URL: "policies/a/", Title: "A"}, {URL: "policies/b/", Title: "B"}}},
		{Title: "Processes", Pages: []NavPage{{URL: "processes/c/", Title: "C"}}},
	}}
	ps := Pagers(nd)
	title := func(p *NavPage) string {
		if p == nil {
			return "-"
		}
		return p.Title
	}
	for url, want := range map[string]string{"policies/a/": "- B", "policies/b/": "A C", "processes/c/": "B -"} {
		p := ps[url]
		if p == nil {
			t.Fatalf("no pager for %s", url)
		}
		if got := title(p.Prev) + " " + title(p.Next); got != want {
			t.Errorf("%s: prev/next %q, want %q", url, got, want)
		}
	}
	if len(ps) != 3 {
		t.Errorf("%d pagers, want 3", len(ps))
	}
}

// A site of one document has no previous or next.
func TestPagersOfOneDocument(t *testing.T) {
	if ps := Pagers(NavData{ByType: []NavGroup{{Pages: []NavPage{{URL: "a/"}}}}}); ps["a/"] != nil {
		t.Errorf("a lone document has a pager: %+v", ps["a/"])
	}
}

// TestNavsKey: on a large site, two builds give a document page the same
// navigation exactly when they give it the same Key — whatever changes
// (a title near the page or far from it, a badge, a page added, a group
// count), so the preview re-renders the pages whose navigation changed
// and only those.
func TestNavsKey(t *testing.T) {
	site := func(edit func(*NavData)) NavData {
		nd := NavData{Root: "/"}
		for g, n := range []int{400, 150, 3} {
			grp := NavGroup{Title: fmt.Sprintf("Group %d", g)}
			for i := range n {
				grp.Pages = append(grp.Pages, NavPage{ID: fmt.Sprintf("D-%d-%d", g, i), Title: fmt.Sprintf("Doc %d/%d", g, i), URL: fmt.Sprintf("g%d/d%d/", g, i)})
			}
			nd.ByType = append(nd.ByType, grp)
		}
		nd.ByClause = []NavGroup{{Number: "6.1", Title: "Risks", Pages: nd.ByType[2].Pages}}
		if edit != nil {
			edit(&nd)
		}
		return nd
	}
	base := NewNavs(site(nil), "", 553)
	var urls []string
	for _, g := range site(nil).ByType {
		for _, p := range g.Pages {
			urls = append(urls, p.URL)
		}
	}
	for _, c := range []struct {
		name string
		edit func(*NavData)
		some bool // some pages keep their navigation
	}{
		{"a title", func(nd *NavData) { nd.ByType[0].Pages[200].Title = "Renamed" }, true},
		{"a badge", func(nd *NavData) { nd.ByType[1].Pages[0].Badge = "draft" }, true},
		{"a page added at the end of a group", func(nd *NavData) {
			nd.ByType[0].Pages = append(nd.ByType[0].Pages, NavPage{Title: "New", URL: "g0/new/"})
		}, false}, // the group's count is on every page
		{"a clause group", func(nd *NavData) { nd.ByClause[0].Title = "Risk" }, false},
		{"nothing", func(*NavData) {}, true},
	} {
		n := NewNavs(site(c.edit), "", 554)
		same := 0
		for _, u := range urls {
			navSame := base.For(u) == n.For(u)
			keySame := string(base.Key(u)) == string(n.Key(u))
			if navSame != keySame {
				t.Fatalf("%s: %s: navigation same %v, key same %v", c.name, u, navSame, keySame)
			}
			if keySame {
				same++
			}
		}
		if c.some && same < len(urls)/2 {
			t.Errorf("%s: only %d of %d pages keep their key", c.name, same, len(urls))
		}
	}
}

// With is what Groups gives once one document has a new title, badge or
// list of clauses: the entry replaced and moved to its place in every
// group that lists it, added to the clause groups it joins and taken
// from those it leaves (an emptied one as Groups leaves it), the other
// groups as they were, the groups it was called on untouched; and
// PagerFor is Pagers for one page, whatever moved it.
func TestWithIsGroupsOfTheChangedSite(t *testing.T) {
	mk := func(id, typ, title string, clauses ...string) *link.Page {
		return link.NewPage(&model.Document{ID: id, Type: typ, Title: title, Path: typ + "/" + id + ".md", Clauses: clauses}, nil, "")
	}
	pages := []*link.Page{
		mk("p1", "policy", "Backup", "8.1"), mk("p2", "policy", "Access", "8.1", "6.1"),
		mk("p3", "policy", "Cryptography"), mk("p4", "policy", "Backup"), // a title two share: then by URL
		mk("r1", "record", "Audit", "9.2"), mk("r2", "record", "Training", "7.2", "9.2"),
	}
	site := &link.Site{Pages: pages, Root: "/"}
	base, orig := Groups(site), Groups(site)
	for _, target := range pages {
		for _, title := range []string{"", "Aaa", "Backup", "Backup policy", "Zzz <b>", target.Doc.Title} {
			for _, status := range []string{"", "draft", "approved"} {
				for _, clauses := range [][]string{target.Doc.Clauses, nil, {"9.2"}, {"6.1.2", "6.2", "10.1"}, {"4.1", "11", "x"}} {
					was, wasStatus, wasClauses := target.Doc.Title, target.Doc.Status, target.Doc.Clauses
					target.Doc.Title, target.Doc.Status, target.Doc.Clauses = title, status, clauses
					got := base.With(NavPageOf(target), clauses)
					want := Groups(site)
					wantPagers := Pagers(want)
					target.Doc.Title, target.Doc.Status, target.Doc.Clauses = was, wasStatus, wasClauses
					if !reflect.DeepEqual(base, orig) {
						t.Fatalf("%s as %q (%s, %v): With changed the groups it was called on", target.Href, title, status, clauses)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s as %q (%s, %v):\n got %+v\nwant %+v", target.Href, title, status, clauses, got, want)
					}
					for _, p := range pages {
						if g, w := PagerFor(got, p.Href), wantPagers[p.Href]; !reflect.DeepEqual(g, w) {
							t.Errorf("%s as %q (%s): PagerFor(%s) = %+v, want %+v", target.Href, title, status, p.Href, g, w)
						}
					}
				}
			}
		}
	}
}

// randomNavSite is a site of n documents with titles that repeat, of
// every type, in zero to three clauses.
func randomNavSite(n int, seed uint64) *link.Site {
	r := rand.New(rand.NewPCG(seed, 1))
	clauses := []string{"4.1", "5.2", "6.1.2", "7.5", "8.1", "9.2", "10.1", "A.5.15"}
	var pages []*link.Page
	for i := range n {
		typ := model.Types[r.IntN(len(model.Types))]
		var cs []string
		for range r.IntN(4) {
			cs = append(cs, clauses[r.IntN(len(clauses))])
		}
		d := &model.Document{ID: fmt.Sprintf("D-%05d", i), Type: typ, Title: fmt.Sprintf("Document number %d", r.IntN(n/2+1)), Path: fmt.Sprintf("%s/d%05d.md", typ, i), Clauses: cs}
		pages = append(pages, link.NewPage(d, nil, ""))
	}
	return &link.Site{Pages: pages, Root: "/"}
}

// Groups lists each group's pages by title, then URL: as sorting each
// group on its own does.
func TestGroupsSortsEachGroup(t *testing.T) {
	for seed := range uint64(20) {
		site := randomNavSite(300, seed)
		nd := Groups(site)
		n := 0
		for _, g := range nd.ByType {
			n += len(g.Pages)
			if !slices.IsSortedFunc(g.Pages, navOrder) {
				t.Fatalf("seed %d: type %s out of order", seed, g.Type)
			}
		}
		for _, g := range nd.ByClause {
			if !slices.IsSortedFunc(g.Pages, navOrder) {
				t.Fatalf("seed %d: clause %s out of order", seed, g.Number)
			}
			for _, p := range g.Pages {
				d := site.Pages[slices.IndexFunc(site.Pages, func(sp *link.Page) bool { return sp.Href == p.URL })].Doc
				if !slices.ContainsFunc(d.Clauses, func(c string) bool { return iso.MainClause(c) == g.Number }) {
					t.Fatalf("seed %d: %s listed under clause %s", seed, p.URL, g.Number)
				}
			}
		}
		if n != len(site.Pages) {
			t.Fatalf("seed %d: %d pages listed by type, the site has %d", seed, n, len(site.Pages))
		}
	}
}

func BenchmarkGroups(b *testing.B) {
	site := randomNavSite(10000, 1)
	for b.Loop() {
		Groups(site)
	}
}
