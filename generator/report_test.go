package generator

import (
	"context"
	"errors"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"

	"github.com/isms-project/isms/generator/currency"
	"github.com/isms-project/isms/generator/diag"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/report"
	"github.com/isms-project/isms/generator/view"
)

const policy = "---\nid: POL-1\ntitle: A policy\ntype: policy\nowner: CISO\nreviewed: 2026-06-01\n---\nBody.\n"

// Two things publishing at one URL is an error at the site's file, which
// the author can rename; nothing is built.
func TestURLTaken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, path, data, other, url string
	}{
		{"document against a report", "content/soa.md", strings.Replace(policy, "POL-1", "POL-SOA", 1), "the soa report", "/soa/index.html"},
		{"copied file against the home page", "content/index.html", "<p>hello</p>", "the home page", "/index.html"},
		{"root _index.md against the home page", "content/_index.md", strings.Replace(policy, "POL-1", "HOME", 1), "the home page", "/index.html"},
		{"copied file against a theme asset", "content/assets/site.js", "alert(1)", "the theme's themes/default/static/site.js", "/assets/site.js"},
		{"copied file against a report's file", "content/currency.json", "{}", "the currency report", "/currency.json"},
		{"document against history pages", "content/policies/a/history.md", strings.Replace(policy, "POL-1", "POL-H", 1), "the history report", "/policies/a/history/index.html"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			site := fstest.MapFS{
				"content/policies/a.md": {Data: []byte(policy)},
				tc.path:                 {Data: []byte(tc.data)},
			}
			res, err := Build(context.Background(), Options{Site: site, Today: asOf})
			if err != nil {
				t.Fatal(err)
			}
			if res.Tree != nil {
				t.Error("a site with a taken URL was built")
			}
			var got []diag.Diagnostic
			for _, d := range res.Diags {
				if d.Code == "url-taken" {
					got = append(got, d)
				}
			}
			if len(got) != 1 {
				t.Fatalf("want one url-taken error, got:\n%s", res.Diags)
			}
			d := got[0]
			if d.Pos.Path != tc.path || d.Severity != diag.Error {
				t.Errorf("at %s (%v), want an error at %s", d.Pos.Path, d.Severity, tc.path)
			}
			for _, want := range []string{tc.path, tc.other, tc.url} {
				if !strings.Contains(d.Msg, want) {
					t.Errorf("message %q does not name %q", d.Msg, want)
				}
			}
		})
	}
}

// A check then a build on one cache (the preview runs both) renders
// every page: the check's parses kept no bodies.
func TestCheckThenBuildOnOneCache(t *testing.T) {
	t.Parallel()
	site := siteFromTxtar(t, "../testdata/sites/basic.txtar")
	c := NewCache()
	if res, err := Check(context.Background(), Options{Site: site, AsOf: asOf, Cache: c}); err != nil || res.Diags.HasErrors() {
		t.Fatalf("check: %v\n%s", err, res.Diags)
	}
	got := cacheBuild(t, site, c)
	want := cacheBuild(t, site, nil)
	if p := treeDiff(got, want); p != "" {
		t.Errorf("build after check differs from a fresh build at %s", p)
	}
}

// noteReport is a report that exists only in this test: adding it is
// one value in Options.Reports, and it brings a front-matter key, a page,
// a header link, a finding and a part of every document page without
// touching another report.
type noteReport struct{ count int }

func (r *noteReport) Sections() []model.Section {
	return []model.Section{{Key: "notes", Decode: func(v model.Values, n *yaml.Node) any {
		var out []string
		for _, e := range v.List(n, "notes") {
			if s := v.Str(e); s != "" {
				out = append(out, s)
			}
		}
		return out
	}}}
}

func (r *noteReport) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	r.count = len(in.Site.Pages)
	return []model.Finding{{Severity: "minor", Rule: "note-test", IDs: []string{"POL-1"}, Message: "a note on POL-1"}}, nil
}

func (r *noteReport) HeaderLink() report.Link {
	return report.Link{Title: "Notes", URL: "notes/", Weight: 15}
}

func (r *noteReport) Annotate(_ report.Renderer, p *link.Page, v *view.DocView) {
	notes, _ := p.Doc.Sections["notes"].([]string)
	v.LastChanged += " (noted: " + strings.Join(notes, "; ") + ")"
	if len(notes) > 0 {
		var b strings.Builder
		for _, n := range notes {
			b.WriteString("<li>" + template.HTMLEscapeString(n) + "</li>")
		}
		v.Sections = append(v.Sections, view.DocSection{ID: "notes", Title: "Notes", HTML: template.HTML("<ul>" + b.String() + "</ul>")})
	}
}

func (r *noteReport) Publish(rr report.Renderer) ([]report.Page, diag.List) {
	var findings []string
	for _, f := range rr.Findings() {
		findings = append(findings, f.Rule)
	}
	return []report.Page{
		{URL: "notes/", Layout: "search", Title: "Notes", Crumbs: report.Crumbs("Notes"), Data: view.Groups(rr.Input().Site)},
		{URL: "notes.txt", Bytes: []byte(strings.Join(findings, "\n"))},
	}, nil
}

func TestAddedReport(t *testing.T) {
	t.Parallel()
	noted := strings.Replace(policy, "---\nBody", "notes: [first, second]\n---\nBody", 1)
	site := fstest.MapFS{"content/policies/a.md": {Data: []byte(noted)}}
	res, err := Build(context.Background(), Options{Site: site, Today: asOf, Reports: []report.Report{&noteReport{}}})
	if err != nil || res.Tree == nil {
		t.Fatalf("build: %v\n%s", err, res.Diags)
	}
	if !strings.Contains(string(res.Tree["notes.txt"]), "note-test") {
		t.Errorf("the report's file does not see its own finding among every report's: %q", res.Tree["notes.txt"])
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.Rule == "note-test"
	}
	if !found {
		t.Error("the report's finding is not in the build's findings (isms check, currency.json)")
	}
	if !strings.Contains(string(res.Tree["currency.json"]), `"note-test"`) {
		t.Error("the report's finding is not in /currency.json")
	}
	page := string(res.Tree["policies/a/index.html"])
	if !strings.Contains(page, "(noted: first; second)") {
		t.Error("the report's part of the document page, from its front-matter section, is missing")
	}
	if !strings.Contains(page, `<section class="doc-section" id="notes"><h2>Notes</h2><ul><li>first</li><li>second</li></ul></section>`) {
		t.Error("the report's section after the body is missing")
	}
	home := string(res.Tree["index.html"])
	i, j := strings.Index(home, `href="/processes/">Process map`), strings.Index(home, `href="/notes/">Notes`)
	k := strings.Index(home, `href="/currency/">Currency`)
	if i < 0 || j < 0 || k < 0 || !(i < j && j < k) {
		t.Errorf("header: want Process map (10), Notes (15), Currency (20) in weight order; got positions %d %d %d", i, j, k)
	}
	if _, ok := res.Tree["notes/index.html"]; !ok {
		t.Error("the report's page was not published")
	}
}

// A report's front-matter key is checked as strictly as the document's
// own: located errors from its decoder, did-you-mean hints that know it;
// without the report the key is unknown.
func TestReportSectionDecoding(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, front string
		reports     []report.Report
		want        string // line:col: severity: text
	}{
		{"bad value inside the section", "notes: [ok, {a: b}]\n", []report.Report{&noteReport{}}, "7:13: error: expected a single value, found a mapping (bad-value)"},
		{"typo names the section", "nots: [x]\n", []report.Report{&noteReport{}}, `7:1: warning: unknown key "nots": did you mean "notes"? (unknown-key)`},
		{"without the report the key is unknown", "notes: [x]\n", nil, `7:1: warning: unknown key "notes"`},
		{"the SoA's section: an unknown control", "applicability:\n  - { control: \"5.99\", applicable: true }\n", nil, `8:16: error: "5.99" is not an Annex A control: did you mean`},
		{"the SoA's section: not a mapping", "applicability: [5.1]\n", nil, "7:17: error: applicability entry must be { control, applicable, status, justification, reasons, evidence_every }, found a value (bad-value)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(policy, "---\nBody", tc.front+"---\nBody", 1)
			site := fstest.MapFS{"content/policies/a.md": {Data: []byte(src)}}
			res, err := Build(context.Background(), Options{Site: site, Today: asOf, Reports: tc.reports})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Diags.String(), "content/policies/a.md:"+tc.want) {
				t.Errorf("diagnostics:\n%s\nwant content/policies/a.md:%s", res.Diags, tc.want)
			}
			if res.Diags.HasErrors() && res.Tree != nil {
				t.Error("a site with errors was built")
			}
		})
	}
}

// ledgerReport owns ledger: entries { id, due, refs } declaring records
// of kind "entry"; refs name other entries, checked through the site-wide
// record index. It gives each due date to the review calendar and counts
// its entries on the home page.
type ledgerReport struct {
	entries []ledgerEntry
}

type ledgerEntry struct {
	ID   string
	Due  model.Date
	Refs []string
	pos  diag.Pos
	refs []diag.Pos
}

func (r *ledgerReport) Sections() []model.Section {
	return []model.Section{{
		Key: "ledger",
		Decode: func(v model.Values, n *yaml.Node) any {
			var out []ledgerEntry
			for _, e := range v.List(n, "ledger") {
				f := v.Fields(e, "ledger", []string{"id", "due", "refs"})
				if f == nil || f["id"] == nil {
					continue
				}
				le := ledgerEntry{ID: v.Str(f["id"]), pos: v.Pos(f["id"])}
				if x := f["due"]; x != nil {
					le.Due = v.Date(x)
				}
				if x := f["refs"]; x != nil {
					for _, r := range v.StrList(x) {
						le.Refs = append(le.Refs, v.Str(r))
						le.refs = append(le.refs, v.Pos(r))
					}
				}
				out = append(out, le)
			}
			return out
		},
		Records: func(decoded any) []model.Record {
			var out []model.Record
			for _, e := range decoded.([]ledgerEntry) {
				out = append(out, model.Record{Kind: "entry", ID: e.ID, Title: "Entry " + e.ID, Pos: e.pos})
			}
			return out
		},
	}}
}

func (r *ledgerReport) Analyze(in *report.Input) ([]model.Finding, diag.List) {
	var diags diag.List
	for _, p := range in.Site.Pages {
		es, _ := p.Doc.Sections["ledger"].([]ledgerEntry)
		for _, e := range es {
			for i, ref := range e.Refs {
				in.Records.Check("entry", ref, "ledger entry", e.refs[i], &diags)
			}
			r.entries = append(r.entries, e)
		}
	}
	return nil, diags
}

func (r *ledgerReport) Events() []currency.Event {
	var out []currency.Event
	for _, e := range r.entries {
		out = append(out, currency.Event{UID: "entry-" + e.ID, Date: e.Due, Summary: "Entry " + e.ID + " due", URL: "ledger/#" + e.ID})
	}
	return out
}

func (r *ledgerReport) Tiles() []view.Tile {
	return []view.Tile{{Label: "ledger entries", Class: "ok", URL: "ledger/", Value: len(r.entries)}}
}

func TestReportRecordsEventsTiles(t *testing.T) {
	t.Parallel()
	build := func(front string) *Result {
		t.Helper()
		src := strings.Replace(policy, "---\nBody", front+"---\nBody", 1)
		other := strings.Replace(strings.Replace(policy, "POL-1", "POL-2", 1), "---\nBody", "ledger:\n  - { id: E-3, due: 2027-02-01 }\n---\nBody", 1)
		site := fstest.MapFS{
			"isms.yaml":             {Data: []byte("base_url: https://intranet.example/isms/\n")},
			"content/policies/a.md": {Data: []byte(src)},
			"content/policies/b.md": {Data: []byte(other)},
		}
		res, err := Build(context.Background(), Options{Site: site, Today: asOf, Reports: []report.Report{&ledgerReport{}}})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := build("ledger:\n  - { id: E-1, due: 2027-01-15, refs: [E-3] }\n  - { id: E-2, refs: [E-1] }\n")
	if res.Tree == nil {
		t.Fatalf("build failed:\n%s", res.Diags)
	}
	ics := string(res.Tree["reviews.ics"])
	for _, want := range []string{"UID:entry-E-1@intranet.example", "DTSTART;VALUE=DATE:20270115", "SUMMARY:Entry E-1 due", "URL:https://intranet.example/isms/ledger/#E-1", "UID:entry-E-3@"} {
		if !strings.Contains(ics, want) {
			t.Errorf("reviews.ics lacks %q", want)
		}
	}
	if strings.Contains(ics, "UID:entry-E-2@") {
		t.Error("an entry without a date is in the calendar")
	}
	if home := string(res.Tree["index.html"]); !strings.Contains(home, `href="/isms/ledger/"`) || !strings.Contains(home, "ledger entries") {
		t.Error("the report's tile is not on the home page")
	}

	res = build("ledger:\n  - { id: E-1, refs: [E-4] }\n  - { id: E-3 }\n")
	got := res.Diags.String()
	for _, want := range []string{
		`content/policies/a.md:8:23: error: no ledger entry has id "E-4": did you mean "E-1"? (unknown-id)`,
		`content/policies/b.md:8:11: error: entry id "E-3" is already used at content/policies/a.md:9:11 (duplicate-id)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics:\n%s\nwant %s", got, want)
		}
	}
	if res.Tree != nil {
		t.Error("a site with record errors was built")
	}
}

// ConfigSections gives the ledger report its own isms.yaml key.
func (r *ledgerReport) ConfigSections() []model.Section {
	return []model.Section{{Key: "ledger", Decode: func(v model.Values, n *yaml.Node) any {
		f := v.Fields(n, "ledger", []string{"horizon"})
		if x := f["horizon"]; x != nil {
			return v.Interval(x)
		}
		return model.Interval{}
	}}}
}

// A report's isms.yaml section is decoded as strictly as the rest of
// isms.yaml, and hints know it.
func TestReportConfigSection(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ yaml, want string }{
		{"ledger: { horizon: 3 weeks }\n", `isms.yaml:1:20: error: "3 weeks" is not an interval`},
		{"ledgr: { horizon: 3w }\n", `isms.yaml:1:1: warning: unknown key "ledgr": did you mean "ledger"? (unknown-key)`},
		{"ledger: { horizon: 3w, span: 1 }\n", `isms.yaml:1:24: warning: unknown key "span" in ledger entry is ignored (known keys: horizon)`},
	} {
		site := fstest.MapFS{"isms.yaml": {Data: []byte(tc.yaml)}, "content/policies/a.md": {Data: []byte(policy)}}
		res, err := Build(context.Background(), Options{Site: site, Today: asOf, Reports: []report.Report{&ledgerReport{}}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(res.Diags.String(), tc.want) {
			t.Errorf("%q:\n%s\nwant %s", tc.yaml, res.Diags, tc.want)
		}
	}
	site := fstest.MapFS{"isms.yaml": {Data: []byte("ledger: { horizon: 3w }\n")}, "content/policies/a.md": {Data: []byte(policy)}}
	res, _ := Build(context.Background(), Options{Site: site, Today: asOf, Reports: []report.Report{&ledgerReport{}}})
	if got, _ := res.Config.Sections["ledger"].(model.Interval); got.String() != "3w" {
		t.Errorf("Config.Sections[ledger] = %v, want 3w", res.Config.Sections["ledger"])
	}
}

// A site with no document in force, or none at all, builds: the home
// page says so instead of the build failing inside a template.
func TestEmptySites(t *testing.T) {
	t.Parallel()
	retired := strings.Replace(policy, "reviewed: 2026-06-01\n", "status: retired\n", 1)
	for name, site := range map[string]fstest.MapFS{
		"only retired": {"content/policies/a.md": {Data: []byte(retired)}},
		"no documents": {"content/.keep": {Data: nil}},
	} {
		res, err := Build(context.Background(), Options{Site: site, Today: asOf})
		if err != nil || res.Tree == nil {
			t.Fatalf("%s: build failed: %v\n%s", name, err, res.Diags)
		}
		home := string(res.Tree["index.html"])
		if name == "no documents" && !strings.Contains(home, "There are no documents yet") {
			t.Errorf("%s: the home page does not say the site is empty", name)
		}
		if !strings.Contains(string(res.Tree["currency/index.html"]), "No document is in force yet") {
			t.Errorf("%s: /currency/ does not say nothing is in force", name)
		}
	}
}

// A cancelled build stops and returns the context's error and no tree.
func TestBuildCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	site := fstest.MapFS{"content/policies/a.md": {Data: []byte(policy)}}
	res, err := Build(ctx, Options{Site: site, Today: asOf, Cache: NewCache()})
	if !errors.Is(err, context.Canceled) || res.Tree != nil {
		t.Errorf("cancelled build: err %v, tree %v; want context.Canceled and no tree", err, res.Tree != nil)
	}
}
