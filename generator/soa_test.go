package generator

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/iso"
	"github.com/isms-project/isms/generator/model"
)

// soaSite is a site whose register decides every control as applicable
// and implemented, and whose one policy cites every control, except where
// the overrides say otherwise: decision lines by control id ("" drops the
// decision), and cite, the controls the policy cites (nil: all).
func soaSite(decisions map[string]string, cite []string, extra map[string]string) fstest.MapFS {
	var reg strings.Builder
	reg.WriteString("---\nid: REG-SOA\ntitle: SoA\ntype: register\nowner: CISO\nreviewed: 2026-01-01\napplicability:\n")
	var all []string
	for _, c := range iso.All() {
		all = append(all, c.ID)
		line := fmt.Sprintf(`{ control: "%s", applicable: true, status: implemented, justification: "needed" }`, c.ID)
		if l, ok := decisions[c.ID]; ok {
			line = l
		}
		if line != "" {
			reg.WriteString("  - " + line + "\n")
		}
	}
	reg.WriteString("---\nDecisions.\n")
	if cite == nil {
		cite = all
	}
	policy := fmt.Sprintf("---\nid: POL-ALL\ntitle: Everything\ntype: policy\nowner: CISO\nreviewed: 2026-01-01\ncontrols: [\"%s\"]\n---\nBody.\n",
		strings.Join(cite, `", "`))
	if len(cite) == 0 {
		policy = "---\nid: POL-ALL\ntitle: Everything\ntype: policy\nowner: CISO\nreviewed: 2026-01-01\n---\nBody.\n"
	}
	site := fstest.MapFS{
		"content/registers/soa.md": {Data: []byte(reg.String())},
		"content/policies/all.md":  {Data: []byte(policy)},
	}
	for p, d := range extra {
		site[p] = &fstest.MapFile{Data: []byte(d)}
	}
	return site
}

func buildOK(t *testing.T, site fstest.MapFS) *Result {
	t.Helper()
	res, err := Build(context.Background(), Options{Site: site, Today: model.DateOf(2026, 11, 27)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree == nil || res.Diags.HasErrors() {
		t.Fatalf("build failed:\n%s", res.Diags.String())
	}
	return res
}

func soaOnly(fs []model.Finding) []model.Finding {
	var out []model.Finding
	for _, f := range fs {
		if strings.HasPrefix(f.Rule, "soa-") {
			out = append(out, f)
		}
	}
	return out
}

func TestSoARules(t *testing.T) {
	t.Parallel()
	without := func(ids ...string) []string {
		var out []string
		for _, c := range iso.All() {
			if !slices.Contains(ids, c.ID) {
				out = append(out, c.ID)
			}
		}
		return out
	}
	tests := []struct {
		name      string
		decisions map[string]string
		cite      []string
		want      []model.Finding // Message checked by substring
	}{
		{name: "clean"},
		{
			name:      "no decision",
			decisions: map[string]string{"5.2": "", "8.34": ""},
			want: []model.Finding{
				{Severity: "major", Rule: "soa-no-decision", IDs: []string{"5.2"}, Message: "5.2 Information security roles and responsibilities has no decision"},
				{Severity: "major", Rule: "soa-no-decision", IDs: []string{"8.34"}, Message: "8.34"},
			},
		},
		{
			name:      "entry without applicable or status",
			decisions: map[string]string{"6.1": `{ control: "A.6.1", justification: "maybe" }`},
			want:      []model.Finding{{Severity: "major", Rule: "soa-no-decision", IDs: []string{"6.1", "REG-SOA"}, Message: "neither applicable nor status"}},
		},
		{
			name: "excluded without justification",
			decisions: map[string]string{
				"7.6":  `{ control: "7.6", applicable: false, status: not-applicable }`,
				"7.7":  `{ control: "7.7", applicable: false, status: not-applicable, justification: "  " }`,
				"8.11": `{ control: "8.11", applicable: false, status: not-applicable, justification: "no masking use case" }`,
			},
			cite: without("7.6", "7.7", "8.11"),
			want: []model.Finding{
				{Severity: "major", Rule: "soa-excluded-unjustified", IDs: []string{"7.6", "REG-SOA"}, Message: "excluded without a justification"},
				{Severity: "major", Rule: "soa-excluded-unjustified", IDs: []string{"7.7", "REG-SOA"}, Message: "7.7"},
			},
		},
		{
			name:      "status not-applicable alone excludes",
			decisions: map[string]string{"7.6": `{ control: "7.6", status: not-applicable }`},
			cite:      without("7.6"),
			want:      []model.Finding{{Severity: "major", Rule: "soa-excluded-unjustified", IDs: []string{"7.6", "REG-SOA"}, Message: "7.6"}},
		},
		{
			name: "applicable but uncited",
			cite: without("5.10", "5.9"),
			want: []model.Finding{
				{Severity: "minor", Rule: "soa-applicable-uncited", IDs: []string{"5.9"}, Message: "5.9 Inventory of information and other associated assets is applicable but no document or evidence cites it"},
				{Severity: "minor", Rule: "soa-applicable-uncited", IDs: []string{"5.10"}, Message: "5.10"},
			},
		},
		{
			name:      "cited but excluded",
			decisions: map[string]string{"8.30": `{ control: "8.30", applicable: false, status: not-applicable, justification: "no outsourcing" }`},
			want:      []model.Finding{{Severity: "minor", Rule: "soa-cited-but-excluded", IDs: []string{"8.30", "POL-ALL"}, Message: "cited by POL-ALL"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := buildOK(t, soaSite(tt.decisions, tt.cite, nil))
			got := soaOnly(res.Findings)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d findings, want %d:\n%+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Severity != w.Severity || g.Rule != w.Rule || !slices.Equal(g.IDs, w.IDs) || !strings.Contains(g.Message, w.Message) {
					t.Errorf("finding %d = %+v\nwant %+v", i, g, w)
				}
			}
		})
	}
}

func TestSoAEvidenceCounts(t *testing.T) {
	t.Parallel()
	// 5.9 is cited only by evidence: not uncited.
	ev := "---\nid: EVD-1\ntitle: Asset check\ntype: evidence\nowner: CISO\nreviewed: 2026-01-01\ndate: 2026-01-01\ncontrols: [\"A.5.9\"]\nfile: files/x.csv\n---\nDone.\n"
	cite := []string{}
	for _, c := range iso.All() {
		if c.ID != "5.9" {
			cite = append(cite, c.ID)
		}
	}
	res := buildOK(t, soaSite(nil, cite, map[string]string{"content/evidence/x.md": ev, "content/files/x.csv": "a,b\n"}))
	if got := soaOnly(res.Findings); len(got) != 0 {
		t.Errorf("evidence citing 5.9 should count: %+v", got)
	}
	page := string(res.Tree["soa/index.html"])
	row := page[strings.Index(page, `id="control-5-9"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, `href="/evidence/x/"`) || !strings.Contains(row, ">EVD-1<") {
		t.Errorf("row 5.9 does not link the evidence:\n%s", row)
	}
}

func TestSoANoRegister(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{"content/policies/p.md": {Data: []byte("---\nid: P\ntitle: P\ntype: policy\nowner: O\nreviewed: 2026-01-01\n---\nx\n")}}
	res := buildOK(t, site)
	got := soaOnly(res.Findings)
	if len(got) != 1 || got[0].Rule != "soa-no-decision" || got[0].Severity != "major" || !strings.Contains(got[0].Message, "no Statement of Applicability") {
		t.Errorf("findings = %+v, want one soa-no-decision for the missing SoA", got)
	}
	if n := strings.Count(string(res.Tree["soa/index.html"]), `class="soa-row decision-none`); n != 93 {
		t.Errorf("/soa/ has %d undecided rows, want 93", n)
	}
}

func TestSoADuplicateDecision(t *testing.T) {
	t.Parallel()
	site := soaSite(map[string]string{
		"5.15": `{ control: "5.15", applicable: true, status: implemented, justification: "x" }` + "\n" +
			`  - { control: "A.5.15", applicable: false, status: not-applicable, justification: "y" }`,
	}, nil, nil)
	res, err := Build(context.Background(), Options{Site: site, Today: model.DateOf(2026, 11, 27)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree != nil {
		t.Fatal("a control decided twice must fail the build")
	}
	// Line 1 is "---"; 5.15 is the 15th entry at line 22, its duplicate at 23.
	want := `content/registers/soa.md:23:16: error: control 5.15 is already decided at content/registers/soa.md:22:16`
	if !strings.Contains(res.Diags.String(), want) {
		t.Errorf("diagnostics:\n%s\nwant a line containing\n%s", res.Diags.String(), want)
	}
}

func TestSoAPage(t *testing.T) {
	t.Parallel()
	site := soaSite(map[string]string{
		"5.1": `{ control: "5.1", applicable: true, status: partial, justification: "<script>alert(1)</script> & more" }`,
	}, nil, nil)
	res := buildOK(t, site)
	page := string(res.Tree["soa/index.html"])
	if n := strings.Count(page, `<tr id="control-`); n != 93 {
		t.Errorf("/soa/ has %d control rows, want 93", n)
	}
	for _, want := range []string{
		`id="theme-5"`, `id="theme-8"`, "8 Technological controls",
		"&lt;script&gt;alert(1)&lt;/script&gt; &amp; more",
		`<span class="badge badge-partial">partial</span>`,
		`<a href="/policies/all/" title="Everything">POL-ALL</a>`,
		`<a href="/registers/soa/">SoA</a>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/soa/ lacks %q", want)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("justification is not escaped")
	}
	// Catalogue order inside a theme: 5.2 before 5.10.
	if i, j := strings.Index(page, `id="control-5-2"`), strings.Index(page, `id="control-5-10"`); i < 0 || j < i {
		t.Errorf("5.2 at %d, 5.10 at %d: want catalogue order", i, j)
	}
}

// TestSoAUndecided: an applicability entry whose applicable: (or status:
// without applicable:) is a placeholder such as TBD awaits a decision. It
// does not fail the build: the register gets one soa-undecided warning
// and one soa-undecided finding listing what is left, and each control's
// row on /soa/ says it awaits a decision.
func TestSoAUndecided(t *testing.T) {
	t.Parallel()
	site := soaSite(map[string]string{
		"5.1":  `{ control: "5.1", applicable: TBD }`,
		"5.2":  `{ control: "5.2", applicable: TBD, status: planned, justification: "" }`,
		"8.34": `{ control: "8.34", status: "[TBD]" }`,
	}, nil, nil)
	res := buildOK(t, site)
	var warns []string
	for _, d := range res.Diags {
		if d.Code == "soa-undecided" {
			warns = append(warns, d.String())
		}
	}
	want := "content/registers/soa.md:8:16: warning: 3 of 93 Annex A controls await a decision (applicable: TBD): 5.1, 5.2, 8.34; set applicable: true or false on each (soa-undecided)"
	if len(warns) != 1 || warns[0] != want {
		t.Errorf("soa-undecided warnings = %q\nwant [%q]", warns, want)
	}
	got := soaOnly(res.Findings)
	wantMsg := "3 of 93 Annex A controls await a decision in REG-SOA (applicable: TBD): 5.1, 5.2, 8.34"
	if len(got) != 1 || got[0].Rule != "soa-undecided" || got[0].Severity != "major" || !slices.Equal(got[0].IDs, []string{"REG-SOA"}) || !strings.HasPrefix(got[0].Message, wantMsg) {
		t.Errorf("findings = %+v\nwant one soa-undecided for REG-SOA: %q", got, wantMsg)
	}
	page := string(res.Tree["soa/index.html"])
	if n := strings.Count(page, `class="soa-row decision-undecided`); n != 3 {
		t.Errorf("/soa/ has %d rows awaiting a decision, want 3", n)
	}
	if !strings.Contains(page, "Awaiting a decision") {
		t.Error("/soa/ does not group the undecided controls")
	}
}

// A placeholder status or justification beside a decision is a warning
// and counts as not given: "TBD" does not justify an exclusion.
func TestSoAPlaceholderJustification(t *testing.T) {
	t.Parallel()
	res := buildOK(t, soaSite(map[string]string{
		"7.6": `{ control: "7.6", applicable: false, status: not-applicable, justification: TBD }`,
		"7.7": `{ control: "7.7", applicable: true, status: TBD, justification: "needed" }`,
	}, nil, nil))
	var warned []string
	for _, d := range res.Diags {
		if d.Code == "placeholder" {
			warned = append(warned, d.Msg)
		}
	}
	if len(warned) != 2 || !strings.Contains(warned[0], "justification is the placeholder") || !strings.Contains(warned[1], "status is the placeholder") {
		t.Errorf("placeholder warnings = %q", warned)
	}
	var rules []string
	for _, f := range soaOnly(res.Findings) {
		rules = append(rules, f.Rule+" "+f.IDs[0])
	}
	if !slices.Equal(rules, []string{"soa-excluded-unjustified 7.6", "soa-cited-but-excluded 7.6"}) {
		t.Errorf("findings %v: want 7.6 unjustified (and cited), 7.7 decided", rules)
	}
}
