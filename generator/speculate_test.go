package generator

import (
	"context"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/view"
	"github.com/isms-project/isms/internal/testmode"
)

// sampleMap is the sample site (content/ and isms.yaml) as a file system
// a test may edit.
func sampleMap(t testing.TB) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	root := os.DirFS("..")
	for _, top := range []string{"content", "isms.yaml"} {
		err := fs.WalkDir(root, top, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(root, p)
			m[p] = &fstest.MapFile{Data: b, Mode: 0o644}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return m
}

func lazyBuild(t testing.TB, site fs.FS, dir string, c *Cache) *Result {
	t.Helper()
	res, err := Build(context.Background(), Options{Site: site, SiteDir: dir, AsOf: asOf, Cache: c, Lazy: true})
	if err != nil || res.Tree == nil {
		t.Fatalf("build: %v\n%s", err, res.Diags)
	}
	return res
}

// bodyEdits are saves that change a document's body and nothing any other
// page shows: Speculate must take each, and render what the build renders.
var bodyEdits = []struct {
	name string
	edit func(src string, body int, step int) string
}{
	{"append a paragraph", func(s string, _, step int) string {
		return s + fmt.Sprintf("\nA paragraph saved at step %d, with *emphasis* and `code`.\n", step)
	}},
	{"insert a paragraph first (every line moves)", func(s string, body, step int) string {
		return s[:body] + fmt.Sprintf("\nInserted first, step %d.\n\n", step) + s[body:]
	}},
	{"add a heading (the table of contents changes)", func(s string, _, step int) string {
		return s + fmt.Sprintf("\n## Added section %d\n\nUnder it.\n", step)
	}},
	{"change a word", func(s string, body, step int) string {
		if i := strings.Index(s[body:], " the "); i >= 0 {
			return s[:body+i] + fmt.Sprintf(" the%d ", step) + s[body+i+len(" the "):]
		}
		return s + "\nthe end\n"
	}},
}

// speculateDocs are the documents of site the speculation tests edit:
// in the quick suite the first two of each folder (every kind, each
// edit about as often), in the full suite every one.
func speculateDocs(site fstest.MapFS) []string {
	var docs []string
	for p := range site {
		if strings.HasSuffix(p, ".md") {
			docs = append(docs, p)
		}
	}
	slices.Sort(docs)
	if testmode.Full() {
		return docs
	}
	var some []string
	for i, p := range docs {
		if i < 2 || path.Dir(docs[i-2]) != path.Dir(p) {
			some = append(some, p)
		}
	}
	return some
}

// speculateEach saves edit's text to each document speculateDocs takes
// from the sample, one after another, each against the build of the one
// before (res, in which old is the document's page): Speculate must
// take the save exactly when edit says it should, and the page it
// renders must be, byte for byte, the page the build that follows
// renders (a save it declines is not made). An edit returns "" to skip
// a document. It returns how many saves were speculated.
func speculateEach(t *testing.T, edit func(i int, res *Result, old *link.Page, src string) (next, name string, want bool)) int {
	site := sampleMap(t)
	c := NewCache()
	res := lazyBuild(t, site, "", c)
	docs := speculateDocs(site)
	taken := 0
	for i, p := range docs {
		var old *link.Page
		for _, lp := range res.Site.Pages {
			if lp.Display == p {
				old = lp
			}
		}
		if old == nil {
			continue // not a document page (a draft left out, say)
		}
		src, name, want := edit(i, res, old, string(site[p].Data))
		if src == "" || src == string(site[p].Data) {
			continue
		}
		key, b, ok := res.Speculate(p, []byte(src))
		if ok != want {
			t.Errorf("%s, %s: Speculate took it %v, want %v", p, name, ok, want)
		}
		if !ok {
			continue // not saved: the build stands for the next document
		}
		site[p] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
		res = lazyBuild(t, site, "", c)
		taken++
		if got := res.Tree[key]; string(got) != string(b) {
			t.Fatalf("%s, %s: the speculated %s differs from the build's:\n%s", p, name, key, firstDiff(string(b), string(got)))
		}
	}
	if taken < len(docs)/3 {
		t.Errorf("only %d of %d saves were speculated", taken, len(docs))
	}
	return taken
}

// TestSpeculateMatchesBuild: the page Result.Speculate renders for a
// saved document is, byte for byte, the page the build that follows
// renders, for body edits of documents of every kind in the sample.
func TestSpeculateMatchesBuild(t *testing.T) {
	t.Parallel()
	speculateEach(t, func(i int, _ *Result, old *link.Page, src string) (string, string, bool) {
		e := bodyEdits[i%len(bodyEdits)]
		return e.edit(src, old.Doc.BodyOffset, i), e.name, true
	})
}

// setField replaces the value of the top-level front-matter key in src
// (its first "key: " line), or returns "" when src has no such line.
func setField(src, key, value string) string {
	i := strings.Index(src, "\n"+key+": ")
	if i < 0 {
		return ""
	}
	i += len(key) + 3
	j := strings.IndexByte(src[i:], '\n')
	return src[:i] + value + src[i+j:]
}

// setRefs gives src's front-matter the inputs or outputs list (key)
// refs in place of any it has, or none when refs is "".
func setRefs(src, key, refs string) string {
	end := strings.Index(src[3:], "\n---\n") + 3
	front, rest := src[:end], src[end:]
	if i := strings.Index(front, "\n"+key+":"); i >= 0 {
		j := i + 1 + strings.IndexByte(front[i+1:], '\n')
		for j < len(front) && strings.HasPrefix(front[j:], "\n  ") {
			j += 1 + strings.IndexByte(front[j+1:]+"\n", '\n')
		}
		front = front[:i] + front[j:]
	}
	if refs != "" {
		front += "\n" + key + ": " + refs
	}
	return front + rest
}

// frontEdits are saves that change only front-matter the document's own
// page shows as written, or works out from the document alone (its
// currency from its review dates): Speculate takes them where Standalone says the
// page shows them nowhere else, and renders the page the build renders,
// the navigation and pager included.
var frontEdits = []struct {
	name  string
	title bool
	edit  func(src string, step int) string
}{
	{"a title that sorts first in its group", true, func(s string, step int) string {
		return setField(s, "title", fmt.Sprintf("Aaa first %d", step))
	}},
	{"a new owner", false, func(s string, step int) string {
		return setField(s, "owner", fmt.Sprintf("Owner of step %d", step))
	}},
	{"a title that sorts last in its group", true, func(s string, step int) string {
		return setField(s, "title", fmt.Sprintf("Zzz last <b>%d</b> & co", step))
	}},
	{"a version bumped with a row in the revision table", false, func(s string, step int) string {
		s = setField(s, "version", fmt.Sprintf("\"9.%d\"", step))
		if i := strings.Index(s, "\nhistory:\n"); i >= 0 {
			i += len("\nhistory:\n")
			return s[:i] + fmt.Sprintf("  - { version: \"9.%d\", date: 2026-11-20, author: \"A. Author\", change: \"Step %d\" }\n", step, step) + s[i:]
		}
		return s
	}},
	{"a new approver", false, func(s string, step int) string {
		return setField(s, "approved_by", fmt.Sprintf("Approver %d", step))
	}},
	{"a draft (its badge in the navigation), or approved again", false, func(s string, step int) string {
		if strings.Contains(s, "\nstatus: retired\n") {
			return "" // brought back: the build decides (TestSpeculateDeclines)
		}
		if strings.Contains(s, "\nstatus: draft\n") {
			return setField(s, "status", "approved")
		}
		if d := setField(s, "status", "draft"); d != "" {
			return d
		}
		return strings.Replace(s, "\ntitle: ", "\nstatus: draft\ntitle: ", 1)
	}},
	{"other Annex A controls, one written the old way", false, func(s string, step int) string {
		return setField(s, "controls", fmt.Sprintf(`["A.5.%d", "8.2"]`, 1+step%37))
	}},
	{"other clauses: other groups of the navigation, another place on the process map", false, func(s string, step int) string {
		cs := fmt.Sprintf(`["%d.%d", "10.2"]`, 4+step%6, 1+step%3)
		if c := setField(s, "clause", cs); c != "" {
			return c
		}
		return strings.Replace(s, "\ntitle: ", "\nclause: "+cs+"\ntitle: ", 1)
	}},
	{"other inputs, one labelled (the page's list, a process's drawing)", false, func(s string, step int) string {
		var ids []string
		for _, id := range []string{"PRC-RISK-01", "PRC-OPS-01", "POL-AC-01"} {
			if !strings.Contains(s, "\nid: "+id+"\n") {
				ids = append(ids, id)
			}
		}
		return setRefs(s, "inputs", fmt.Sprintf(`[{ from: %s, what: "Step %d <output>" }, { from: %s }]`, ids[step%2], step, ids[1-step%2]))
	}},
	{"classified another level (the page's marking)", false, func(s string, step int) string {
		level := []string{"confidential", "public", "restricted", "internal"}[step%4]
		if c := setField(s, "classification", level); c != "" {
			return c
		}
		return strings.Replace(s, "\ntitle: ", "\nclassification: "+level+"\ntitle: ", 1)
	}},
	{"outputs dropped", false, func(s string, step int) string {
		if !strings.Contains(s, "\noutputs:") {
			return ""
		}
		return setRefs(s, "outputs", "")
	}},
	{"another phase (a process's drawing places it in another cluster)", false, func(s string, step int) string {
		return setField(s, "phase", []string{"plan", "do", "check", "act"}[step%4])
	}},
	{"reviewed two years ago: overdue", false, func(s string, step int) string {
		return setField(s, "reviewed", fmt.Sprintf("2024-10-%02d", 1+step%28))
	}},
	{"reviewed now, on a six-month cycle, approved again", false, func(s string, step int) string {
		s = setField(s, "reviewed", "2026-11-20")
		if a := setField(s, "approved", "2026-11-21"); a != "" {
			s = a
		}
		if e := setField(s, "review_every", "6m"); e != "" {
			return e
		}
		return strings.Replace(s, "\nreviewed: ", "\nreview_every: 6m\nreviewed: ", 1)
	}},
}

// TestSpeculateFrontMatterMatchesBuild: a save that changes only what
// the page shows as written or works out from the document alone (title,
// owner, version, approver, revision table, review dates and cycle: its
// currency) is speculated where the page shows it nowhere else
// (Standalone), and the page is the one the build renders: a new title
// moves the document in the navigation and changes its pager's
// neighbours, and a process's neighbourhood drawing shows its node as
// saved. Nine of the sample's 52 pages carry a report's part (registers,
// records, minutes with actions, policies with exceptions): those
// decline.
func TestSpeculateFrontMatterMatchesBuild(t *testing.T) {
	t.Parallel()
	titles := 0
	speculateEach(t, func(i int, res *Result, old *link.Page, src string) (string, string, bool) {
		e := frontEdits[i%len(frontEdits)]
		next := e.edit(src, i)
		want := res.lazy.d.Standalone(old)
		if e.title && want && next != "" {
			titles++
		}
		return next, e.name, want
	})
	if titles == 0 {
		t.Error("no new title was speculated")
	}
}

// TestSpeculateRetitleLargeSite: on a site whose pages carry a window
// of the navigation (over view.NavFullMax documents), a new title that
// moves a document from one end of its group to the other speculates
// the page the build renders: the window and the pager around its new
// place.
func TestSpeculateRetitleLargeSite(t *testing.T) {
	t.Parallel()
	// Short documents, two types (a group that is windowed and one that
	// is not), a few clauses: the navigation is what is tested.
	site := fstest.MapFS{"isms.yaml": {Data: []byte("title: Large\norganization: Example\n")}}
	for i := range view.NavFullMax + 20 {
		typ := "policy"
		if i%10 == 0 {
			typ = "record"
		}
		site[fmt.Sprintf("content/p/d%03d.md", i)] = &fstest.MapFile{Mode: 0o644, Data: fmt.Appendf(nil,
			"---\nid: D-%03d\ntitle: Document %03d\ntype: %s\nowner: X\nclause: [\"%d.1\"]\nreviewed: 2026-10-01\n---\nBody of %d.\n", i, (i*37)%1000, typ, 4+i%7, i)}
	}
	c := NewCache()
	res := lazyBuild(t, site, "", c)
	if len(res.Site.Pages) <= view.NavFullMax {
		t.Fatalf("%d pages: the navigation is not windowed", len(res.Site.Pages))
	}
	var p string
	for _, lp := range res.Site.Pages {
		if lp.Doc.Type == "policy" && res.lazy.d.Standalone(lp) {
			p = lp.Display
			break
		}
	}
	if p == "" {
		t.Fatal("no policy to retitle")
	}
	for step, title := range []string{"Aaa moved to the start", "Zzz moved to the end"} {
		src := setField(string(site[p].Data), "title", title)
		key, b, ok := res.Speculate(p, []byte(src))
		if !ok {
			t.Fatalf("%s: a new title was not speculated", title)
		}
		site[p] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
		res = lazyBuild(t, site, "", c)
		if got := res.Tree[key]; string(got) != string(b) {
			t.Fatalf("step %d, %s: the speculated %s differs from the build's:\n%s", step, title, key, firstDiff(string(b), string(got)))
		}
		if !strings.Contains(string(b), `aria-current="page">`+title) {
			t.Errorf("step %d: the navigation does not mark %q as the current page", step, title)
		}
	}
	// Other clauses: the counts of the closed "By ISO clause" groups.
	src := setField(string(site[p].Data), "clause", `["10.1", "9.3"]`)
	key, b, ok := res.Speculate(p, []byte(src))
	if !ok {
		t.Fatal("other clauses were not speculated")
	}
	site[p] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
	res = lazyBuild(t, site, "", c)
	if got := res.Tree[key]; string(got) != string(b) {
		t.Fatalf("other clauses: the speculated %s differs from the build's:\n%s", key, firstDiff(string(b), string(got)))
	}
}

// TestSpeculateDeclines: a save that may change another page, or that
// the build would reject, is not speculated.
func TestSpeculateDeclines(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	res := lazyBuild(t, site, "", NewCache())
	const p = "content/policies/access-control.md"
	src := string(site[p].Data)
	body := strings.Index(src[3:], "\n---\n") + 3 + len("\n---\n")
	// The backup policy's page shows its front-matter only where the
	// page is made again (Standalone): what the page shows as written or
	// works out from the document alone is speculated there, any other
	// field is not.
	const plain = "content/policies/backup.md"
	psrc := string(site[plain].Data)
	for _, f := range []struct{ key, value string }{
		{"title", "Renamed"}, {"owner", "Someone else"}, {"reviewed", "2024-11-01"}, {"approved", "2026-11-01"},
		{"review_every", "6m"}, {"version", `"3.1"`}, {"status", "draft"}, {"controls", `["5.15", "A.8.13"]`},
		{"clause", `["9.1", "10.2"]`}, {"classification", "confidential"},
	} {
		if _, _, ok := res.Speculate(plain, []byte(setField(psrc, f.key, f.value))); !ok {
			t.Errorf("%s: a new %s was declined: the cases below prove nothing", plain, f.key)
		}
	}
	for _, f := range []struct{ key, value string }{
		{"status", "retired"}, {"classification", "secret"}, {"controls", `["5.15", "9.99"]`},
		{"id", "POL-BCK-99"}, {"type", "standard"}, {"title", "TBD"}, {"owner", "TBD"},
	} {
		if _, _, ok := res.Speculate(plain, []byte(setField(psrc, f.key, f.value))); ok {
			t.Errorf("%s: its %s changed to %s: speculated", plain, f.key, f.value)
		}
	}
	const retired = "content/procedures/tape-rotation.md"
	if _, _, ok := res.Speculate(retired, []byte(setField(string(site[retired].Data), "status", "approved"))); ok {
		t.Errorf("%s: brought back from retired: speculated", retired)
	}
	if _, _, ok := res.Speculate(plain, []byte(setRefs(psrc, "inputs", "[POL-AC-01]"))); !ok {
		t.Errorf("%s: an input added was declined", plain)
	}
	for _, refs := range []string{"[POL-NOPE-99]", "[POL-BCK-01]", "[{ from: POL-AC-01 }, { from: POL-BCK-01 }]"} {
		if _, _, ok := res.Speculate(plain, []byte(setRefs(psrc, "inputs", refs))); ok {
			t.Errorf("%s: inputs %s (unknown, itself): speculated", plain, refs)
		}
	}
	if _, _, ok := res.Speculate(plain, []byte(strings.Replace(psrc, "\n---\n", "\nphase: sometime\n---\n", 1))); ok {
		t.Errorf("%s: a phase the build rejects: speculated", plain)
	}
	for _, c := range []struct{ name, src string }{
		{"a new title where a report lists the document (exceptions granted against it)", setField(src, "title", "Renamed")},
		{"a new owner there", setField(src, "owner", "Someone else")},
		{"a link added", src + "\nSee [the manual](../manual/isms-manual.md).\n"},
		{"an image added", src + "\n![logo](/logo.png)\n"},
		{"a Mermaid diagram added", src + "\n```mermaid\ngraph TD; A-->B\n```\n"},
		{"a diagram that does not parse", src + "\n```dot\ndigraph { a -> }\n```\n"},
		{"the front-matter broken", "---\ntitle: [\n" + src[body:]},
		{"another file", src},
	} {
		path := p
		if c.name == "another file" {
			path = "content/nothing/here.md"
		}
		if _, _, ok := res.Speculate(path, []byte(c.src)); ok {
			t.Errorf("%s: speculated", c.name)
		}
	}
	if _, _, ok := res.Speculate(p, []byte(src+"\nPlain words.\n")); !ok {
		t.Error("a plain body edit was declined: the cases above prove nothing")
	}
	if _, _, ok := (&Result{Site: res.Site, Tree: res.Tree}).Speculate(p, []byte(src+"\nPlain words.\n")); ok {
		t.Error("an eager build (no Options.Lazy) speculated")
	}
	// An edition's tree is redacted whole: a page rendered against it
	// alone would not be (isms serve --edition never speculates).
	ed, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: NewCache(), Lazy: true, Edition: "staff"})
	if err != nil || ed.Tree == nil {
		t.Fatalf("staff edition: %v\n%s", err, ed.Diags)
	}
	if _, _, ok := ed.Speculate(p, []byte(src+"\nPlain words.\n")); ok {
		t.Error("an edition's build speculated")
	}
}

// TestSpeculateUncommitted: in a git repository, the first save after a
// commit turns the page's "last changed" into "uncommitted changes", and
// a save back to the committed text turns it back — in the speculated
// page as in the build's.
func TestSpeculateUncommitted(t *testing.T) {
	t.Parallel()
	dir := gitSite(t)
	site := os.DirFS(dir)
	c := NewCache()
	res := lazyBuild(t, site, dir, c)
	const p = "content/policies/access-control.md"
	committed, err := os.ReadFile(filepath.Join(dir, p))
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		src  []byte
		want string
	}{
		{append(slices.Clone(committed), "\nSaved, not committed.\n"...), "uncommitted changes"},
		{committed, "2025-08-01 by Ada Auditor"},
	} {
		key, b, ok := res.Speculate(p, step.src)
		if !ok {
			t.Fatal("Speculate declined a body edit")
		}
		if !strings.Contains(string(b), step.want) {
			t.Errorf("speculated page lacks %q", step.want)
		}
		if err := os.WriteFile(filepath.Join(dir, p), step.src, 0o644); err != nil {
			t.Fatal(err)
		}
		res = lazyBuild(t, site, dir, c)
		if got := res.Tree[key]; string(got) != string(b) {
			t.Fatalf("the speculated page differs from the build's:\n%s", firstDiff(string(b), string(got)))
		}
	}
	// A new title is uncommitted too.
	retitled := setField(string(committed), "title", "Access and identity")
	key, b, ok := res.Speculate(p, []byte(retitled))
	if !ok || !strings.Contains(string(b), "uncommitted changes") {
		t.Fatalf("a new title: speculated %v, page says uncommitted %v", ok, strings.Contains(string(b), "uncommitted changes"))
	}
	if err := os.WriteFile(filepath.Join(dir, p), []byte(retitled), 0o644); err != nil {
		t.Fatal(err)
	}
	res = lazyBuild(t, site, dir, c)
	if got := res.Tree[key]; string(got) != string(b) {
		t.Fatalf("a new title: the speculated page differs from the build's:\n%s", firstDiff(string(b), string(got)))
	}
}

// TestSpeculateDrawerNavigation: a theme whose frame shows the site's
// navigation in its drawer (the "site-drawer" partial of _frame.html,
// executed once per build with the shared navigation): a new title is
// speculated with the drawer made again, so the page is still the
// build's. (Found by a hostile review: the drawer kept the old title.)
func TestSpeculateDrawerNavigation(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	frame, err := os.ReadFile("../themes/default/layouts/_frame.html")
	if err != nil {
		t.Fatal(err)
	}
	custom := strings.Replace(string(frame), `{{define "site-drawer" -}}`, `{{define "site-drawer" -}}
<nav class="drawer-docs">{{.Nav}}</nav>`, 1)
	if custom == string(frame) {
		t.Fatal("no site-drawer in the default frame")
	}
	site["themes/default/layouts/_frame.html"] = &fstest.MapFile{Data: []byte(custom)}
	c := NewCache()
	res := lazyBuild(t, site, "", c)
	const p = "content/policies/backup.md"
	for _, title := range []string{"Aaa backup policy", "Zzz backup policy"} {
		src := setField(string(site[p].Data), "title", title)
		key, b, ok := res.Speculate(p, []byte(src))
		if !ok {
			t.Fatalf("%s: not speculated", title)
		}
		if n := strings.Count(string(b), ">"+title+"<"); n < 2 {
			t.Errorf("%s: shown %d times, want the heading, the navigation and the drawer", title, n)
		}
		site[p] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
		res = lazyBuild(t, site, "", c)
		if got := res.Tree[key]; string(got) != string(b) {
			t.Fatalf("%s: the speculated page differs from the build's:\n%s", title, firstDiff(string(b), string(got)))
		}
	}
}

// TestSpeculateProcessEdges: a process saved with other inputs or
// outputs is speculated with the edges the build will draw: its page's
// lists of inputs and outputs (others' declarations naming it
// included) and its neighbourhood drawing, a document that is not a
// process among its neighbours.
func TestSpeculateProcessEdges(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	c := NewCache()
	res := lazyBuild(t, site, "", c)
	for _, lp := range res.Site.Pages { // a document saved as it was: the build's edges
		if edges, ok := res.Site.EdgesWith(lp); !ok || !reflect.DeepEqual(edges, res.Site.Edges) {
			t.Fatalf("EdgesWith(%s) = %v, %v; the build has %v", lp.Display, edges, ok, res.Site.Edges)
		}
	}
	const p = "content/processes/risk-treatment.md"
	for _, e := range []struct{ name, key, refs string }{
		{"other inputs, labelled", "inputs", `[{ from: PRC-OPS-01, what: "Incidents <and> changes" }, { from: PRC-RISK-01 }]`},
		{"outputs dropped", "outputs", ""},
		{"a policy among its outputs", "outputs", `[{ to: POL-BCK-01, what: "Backup needs" }]`},
	} {
		src := setRefs(string(site[p].Data), e.key, e.refs)
		key, b, ok := res.Speculate(p, []byte(src))
		if !ok {
			t.Fatalf("%s: not speculated", e.name)
		}
		site[p] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
		res = lazyBuild(t, site, "", c)
		if got := res.Tree[key]; string(got) != string(b) {
			t.Fatalf("%s: the speculated %s differs from the build's:\n%s", e.name, key, firstDiff(string(b), string(got)))
		}
	}
	if page := string(res.Tree["processes/risk-treatment/index.html"]); !strings.Contains(page, "Backup needs") || !strings.Contains(page, "Incidents &lt;and&gt; changes") {
		t.Error("the page does not list its new input and output")
	}
}

// TestOnlyMatchesBuild: saves Speculate declines (a new id, another
// type, a register's records, a record's actions, a link added) are
// answered by a build of the saved page alone (Options.Only, on the
// preview's cache): that page is, byte for byte, the one the whole
// build that follows renders, and the whole build, after the partial
// one, is a fresh eager build's (deferred pages included: the partial
// build left the cache's other entries as they were). Each save is built
// alone twice: reading the whole site, and on the last whole build
// (Options.Base, as the preview builds it), which must give the same
// page.
func TestOnlyMatchesBuild(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	c := NewCache()
	res := lazyBuild(t, site, "", c)
	res.lazy.pages() // a browser looked at the deferred pages: their memos are kept
	edits := []struct{ name, path, old, new, old2, new2 string }{
		{"a new id", "content/policies/backup.md", "id: POL-BCK-01", "id: POL-BCK-02", "", ""},
		{"a risk scored again", "content/registers/risk-register.md", "    likelihood: 3\n    impact: 5\n", "    likelihood: 2\n    impact: 5\n", "", ""},
		{"another type", "content/standards/endpoint-configuration.md", "type: standard", "type: procedure", "", ""},
		{"a link added to the exceptions' policy", "content/policies/access-control.md", "\n## ", "\nSee [the manual](../manual/isms-manual.md).\n\n## ", "", ""},
		{"an action closed", "content/minutes/management-review-2026-10.md", "status: open }", "status: done, done: 2026-11-20 }", "", ""},
		// Its place in the navigation moves (a partial build on a base
		// moves it in the base's groups, view.NavData.With).
		{"a new title and a link", "content/policies/acceptable-use.md", "title: Acceptable use policy\n", "title: Zz use policy\n", "\n## Who this applies to", "\nSee [the manual](../manual/isms-manual.md).\n\n## Who this applies to"},
		// Its page shows its file's size and hash, which a partial build
		// on a base reads alone of the site's files.
		{"a link added to an evidence record", "content/evidence/access-review-2026-q3.md", "\n## Outcome", "\nSee [the manual](../manual/isms-manual.md).\n\n## Outcome", "", ""},
	}
	for i, e := range edits {
		src := string(site[e.path].Data)
		if !strings.Contains(src, e.old) {
			t.Fatalf("%s: %s has no %q", e.name, e.path, e.old)
		}
		src = strings.Replace(src, e.old, e.new, 1)
		if e.old2 != "" {
			if !strings.Contains(src, e.old2) {
				t.Fatalf("%s: %s has no %q", e.name, e.path, e.old2)
			}
			src = strings.Replace(src, e.old2, e.new2, 1)
		}
		if _, _, ok := res.Speculate(e.path, []byte(src)); ok {
			t.Errorf("%s: Speculate took it: the case proves nothing of Only", e.name)
		}
		site[e.path] = &fstest.MapFile{Data: []byte(src), Mode: 0o644}
		memos := len(c.memos)
		var parts []*Result
		for _, base := range []*Result{nil, res} {
			part, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c, Lazy: true, Only: e.path, Base: base})
			if err != nil || part.Tree == nil || len(part.Tree) != 1 || part.Diags.HasErrors() {
				t.Fatalf("%s: partial build (base %v): %v, %d files\n%s", e.name, base != nil, err, len(part.Tree), part.Diags)
			}
			if len(c.memos) < memos {
				t.Fatalf("%s: the partial build dropped %d of the cache's %d memos", e.name, memos-len(c.memos), memos)
			}
			parts = append(parts, part)
		}
		res = lazyBuild(t, site, "", c)
		for i, part := range parts {
			for k, b := range part.Tree {
				if got := res.Tree[k]; string(got) != string(b) {
					t.Fatalf("%s: the partial build's %s (base %v) differs from the build's:\n%s", e.name, k, i == 1, firstDiff(string(b), string(got)))
				}
			}
		}
		// The build after each partial one is compared with a fresh one
		// in the full suite; the quick suite compares after the last
		// edit, which is the edits before taken together (six fresh
		// builds of the sample: 0.4 s of its CPU).
		if !testmode.Full() && i < len(edits)-1 {
			continue
		}
		fresh, err := Build(context.Background(), Options{Site: site, AsOf: asOf})
		if err != nil || fresh.Tree == nil {
			t.Fatalf("%s: fresh build: %v\n%s", e.name, err, fresh.Diags)
		}
		whole := maps.Clone(res.Tree)
		deferred, _ := res.lazy.pages()
		maps.Copy(whole, deferred)
		if p := treeDiff(whole, fresh.Tree); p != "" {
			t.Fatalf("%s: the build after the partial one differs from a fresh one at %s", e.name, p)
		}
	}
	if _, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Edition: "staff", Only: "content/policies/backup.md"}); err == nil {
		t.Error("Only with an edition: no error")
	}
}

// TestOnlyDeclines: a partial build gives no page where the rest of the
// render could refuse it, as the whole build then does: a link to a
// page no document publishes (a report's pages are not made in a
// partial build), and a copied file that claims the page's URL.
func TestOnlyDeclines(t *testing.T) {
	t.Parallel()
	const p = "content/policies/backup.md"
	for _, c := range []struct {
		name  string
		edit  func(site fstest.MapFS)
		whole bool // the whole build succeeds
	}{
		{"a link to a missing report page", func(site fstest.MapFS) {
			site[p] = &fstest.MapFile{Data: append(slices.Clone(site[p].Data), "\nSee [the map](/processes/nope/).\n"...)}
		}, false},
		{"a link to a report page", func(site fstest.MapFS) {
			site[p] = &fstest.MapFile{Data: append(slices.Clone(site[p].Data), "\nSee [the map](/processes/).\n"...)}
		}, true},
		{"a copied file at the page's URL", func(site fstest.MapFS) {
			site[p] = &fstest.MapFile{Data: append(slices.Clone(site[p].Data), "\nMore.\n"...)}
			site["content/policies/backup/index.html"] = &fstest.MapFile{Data: []byte("<p>hi</p>")}
		}, false},
	} {
		site := sampleMap(t)
		c2 := NewCache()
		lazyBuild(t, site, "", c2)
		c.edit(site)
		part, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c2, Lazy: true, Only: p})
		if err != nil || len(part.Tree) != 0 {
			t.Errorf("%s: the partial build gave %d files (%v)", c.name, len(part.Tree), err)
		}
		whole, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c2, Lazy: true})
		if err != nil || (whole.Tree != nil) != c.whole {
			t.Errorf("%s: the whole build: %v, tree %v, want %v\n%s", c.name, err, whole.Tree != nil, c.whole, whole.Diags)
		}
	}
}

// TestFailedBuildKeepsMemos: a build that fails (a typo in one document)
// leaves the cache's memos, so the build after the fix renders only
// what changed.
func TestFailedBuildKeepsMemos(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	c := NewCache()
	lazyBuild(t, site, "", c)
	memos := len(c.memos)
	const p = "content/policies/backup.md"
	orig := site[p].Data
	site[p] = &fstest.MapFile{Data: []byte(strings.Replace(string(orig), "type: policy", "type: polcy", 1))}
	if res, _ := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c, Lazy: true}); res.Tree != nil {
		t.Fatal("the typo did not fail the build")
	}
	if len(c.memos) < memos {
		t.Fatalf("the failed build dropped %d of %d memos", memos-len(c.memos), memos)
	}
}

// TestOnlyOnBaseChecksLinksToItsHeadings: a save that renames a heading
// another document links to fails the whole build (a broken link in
// physical-security.md); a partial build, on a base (which checks the
// other documents' links to the saved page alone: link.Options.Recheck)
// as when reading the whole site, gives no page for it, with the same
// words.
func TestOnlyOnBaseChecksLinksToItsHeadings(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	c := NewCache()
	res := lazyBuild(t, site, "", c)
	const p = "content/policies/incident-management.md"
	src := string(site[p].Data)
	if !strings.Contains(src, "\n## Reporting\n") {
		t.Fatalf("%s has no Reporting heading", p)
	}
	site[p] = &fstest.MapFile{Data: []byte(strings.Replace(src, "\n## Reporting\n", "\n## Raising it\n", 1)), Mode: 0o644}
	whole, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: NewCache(), Lazy: true})
	if err != nil || whole.Tree != nil {
		t.Fatalf("the whole build should fail: %v\n%s", err, whole.Diags)
	}
	for _, base := range []*Result{nil, res} {
		part, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c, Lazy: true, Only: p, Base: base})
		if err != nil || len(part.Tree) != 0 {
			t.Errorf("base %v: the partial build serves %s, which isms build refuses:\n%s", base != nil, p, whole.Diags)
		}
		if got, want := part.Diags.String(), whole.Diags.String(); got != want {
			t.Errorf("base %v: the partial build says\n%s\nwhere the build says\n%s", base != nil, got, want)
		}
	}
}

// TestOnlyNewDocumentOnBase: a document the base did not list, built
// alone on it (listed after the others), gets the page the whole build
// then renders, byte for byte, in the navigation grouped again; one
// whose name the listing refuses (an invisible character) is read from
// the files, and refused as the whole build refuses it.
func TestOnlyNewDocumentOnBase(t *testing.T) {
	t.Parallel()
	site := sampleMap(t)
	c := NewCache()
	res := lazyBuild(t, site, "", c)
	const p = "content/procedures/zz-new-procedure.md"
	site[p] = &fstest.MapFile{Data: []byte("---\nid: PRO-NEW-01\ntitle: A new procedure\ntype: procedure\nowner: CISO\nreviewed: 2026-10-01\nclause: [\"8.1\"]\n---\n\n## Steps\n\nSee [the backup policy](../policies/backup.md).\n"), Mode: 0o644}
	part, err := Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c, Lazy: true, Only: p, Base: res})
	if err != nil || len(part.Tree) != 1 || part.Diags.HasErrors() {
		t.Fatalf("partial build: %v, %d files\n%s", err, len(part.Tree), part.Diags)
	}
	whole := lazyBuild(t, site, "", c)
	for k, b := range part.Tree {
		if got := whole.Tree[k]; string(got) != string(b) {
			t.Fatalf("the partial build's %s differs from the build's:\n%s", k, firstDiff(string(b), string(got)))
		}
	}
	const bad = "content/procedures/in\u200bvisible.md"
	site[bad] = &fstest.MapFile{Data: site[p].Data, Mode: 0o644}
	delete(site, p)
	part, err = Build(context.Background(), Options{Site: site, AsOf: asOf, Cache: c, Lazy: true, Only: bad, Base: res})
	if err != nil || len(part.Tree) != 0 || !strings.Contains(part.Diags.String(), "bad-name") {
		t.Fatalf("a refused name: %v, %d files\n%s", err, len(part.Tree), part.Diags)
	}
}
