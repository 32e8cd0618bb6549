package model_test

import (
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

func TestClassificationScheme(t *testing.T) {
	c, d := model.DecodeConfig("isms.yaml", []byte("classifications: [Public, Internal, Confidential, Strictly Confidential]\ndefault_classification: internal\n"))
	if len(d) != 0 {
		t.Fatalf("diagnostics:\n%s", d)
	}
	if got := strings.Join(c.Classifications, "|"); got != "Public|Internal|Confidential|Strictly Confidential" {
		t.Errorf("scheme %q", got)
	}
	if c.DefaultClassification != "Internal" || c.Rank("strictly confidential") != 3 || c.Rank("secret") != -1 {
		t.Errorf("default %q, ranks %d %d", c.DefaultClassification, c.Rank("strictly confidential"), c.Rank("secret"))
	}
	if got := c.ClassificationOf(&model.Document{}); got != "Internal" {
		t.Errorf("a document with none is %q, want the default Internal", got)
	}
	if def := model.DefaultConfig(); def.Rank("restricted") != 3 || def.ClassificationOf(&model.Document{}) != "internal" {
		t.Error("the default scheme is not the four levels with internal as default")
	}

	for _, tc := range []struct{ yaml, want string }{
		{"classifications: [a, b, A]\n", `isms.yaml:1:25: error: classification "A" is listed twice (bad-value)`},
		{"classifications: []\n", `isms.yaml:1:18: error: classifications must list at least one level, lowest first (bad-value)`},
		{"classifications: [open, closed]\ndefault_classification: closd\n", `isms.yaml:2:25: error: classification "closd" is not one of open, closed: did you mean "closed"? (bad-classification)`},
	} {
		_, d := model.DecodeConfig("isms.yaml", []byte(tc.yaml))
		if !strings.Contains(d.String(), tc.want) {
			t.Errorf("%q:\n%s\nwant %s", tc.yaml, d, tc.want)
		}
	}

	schema := model.NewSchema().WithClassifications([]string{"Public", "Internal", "Strictly Confidential"})
	doc := func(class string) (*model.Document, string) {
		d, diags := schema.Decode("p.md", "content/p.md", []byte("---\nid: P\ntitle: P\ntype: policy\nowner: o\nclassification: "+class+"\n---\nx\n"))
		return d, diags.String()
	}
	if d, diags := doc("strictly confidential"); diags != "" || d.Classification != "Strictly Confidential" {
		t.Errorf("a level with a space, in another case: %q, %s", d.Classification, diags)
	}
	if _, diags := doc("restricted"); !strings.Contains(diags, `content/p.md:6:17: error: classification "restricted" is not one of Public, Internal, Strictly Confidential`) {
		t.Errorf("a level outside the site's scheme:\n%s", diags)
	}
}

// TestEditionsConfig: editions, marking_from and certification are read
// strictly against the site's scheme, each mistake located.
func TestEditionsConfig(t *testing.T) {
	c, d := model.DecodeConfig("isms.yaml", []byte(`classifications: [open, staff only, board only]
marking_from: Board Only
editions:
  everyone: { max: open, title: Trust centre }
  staff: { max: STAFF ONLY }
certification: { standard: ISO/IEC 27001:2022, certificate: C-1, valid_until: 2028-01-01 }
`))
	if len(d) != 0 {
		t.Fatalf("diagnostics:\n%s", d)
	}
	if got := strings.Join(c.EditionNames(), ","); got != "everyone,staff" {
		t.Errorf("editions %q", got)
	}
	if e, _ := c.Edition("staff"); e.Max != "staff only" || c.Rank(e.Max) != 1 {
		t.Errorf("staff edition %+v", e)
	}
	if e, _ := c.Edition("everyone"); e.Title != "Trust centre" {
		t.Errorf("everyone edition %+v", e)
	}
	if c.MarkingRank() != 2 || c.Certification == nil || c.Certification.Number != "C-1" || c.Certification.ValidUntil.String() != "2028-01-01" {
		t.Errorf("marking rank %d, certification %+v", c.MarkingRank(), c.Certification)
	}
	if def := model.DefaultConfig(); def.MarkingRank() != 2 {
		t.Errorf("default marking_from is rank %d, want confidential (2)", def.MarkingRank())
	}
	for _, tc := range []struct{ yaml, want string }{
		{"editions:\n  staff: { max: internl }\n", `isms.yaml:2:17: error: classification "internl" is not one of public, internal, confidential, restricted: did you mean "internal"? (bad-classification)`},
		{"editions:\n  staff: { title: x }\n", `isms.yaml:2:3: error: edition staff needs max: the highest classification it may publish (bad-value)`},
		{"editions:\n  Staff Site: { max: internal }\n", `isms.yaml:2:3: error: edition name "Staff Site" must be lower-case letters, digits, - and _ (it names the edition's folder) (bad-value)`},
		{"editions:\n  a: { max: public }\n  a: { max: internal }\n", `isms.yaml:3:3: error: edition "a" is declared twice (duplicate-key)`},
		{"editions:\n  a: { max: public, maxx: x }\n", `isms.yaml:2:21: warning: unknown key "maxx" in editions entry: did you mean "max"? (unknown-key)`},
		{"editions: [staff]\n", `isms.yaml:1:11: error: editions maps an edition name to its settings, e.g. staff: { max: internal } (bad-value)`},
		{"marking_from: secret\n", `isms.yaml:1:15: error: classification "secret" is not one of public, internal, confidential, restricted (bad-classification)`},
		{"certification: { valid_until: 31.12.2028 }\n", `isms.yaml:1:31: error:`},
	} {
		_, d := model.DecodeConfig("isms.yaml", []byte(tc.yaml))
		if !strings.Contains(d.String(), tc.want) {
			t.Errorf("%q:\n%s\nwant %s", tc.yaml, d, tc.want)
		}
	}
}

// FuzzDecodeConfig: any isms.yaml decodes without a panic, and every
// edition it accepts without an error names a level of the scheme.
func FuzzDecodeConfig(f *testing.F) {
	for _, s := range []string{
		"editions:\n  staff: { max: internal }\n",
		"classifications: [a, b c]\nmarking_from: B C\neditions: { x: { max: a, title: T } }\ncertification: { standard: S, issued: 2020-01-01, valid_until: 2021-01-01, scope: z }\n",
		"editions: { a: { max: [x] }, b: 3 }\ncertification: [1]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c, d := model.DecodeConfig("isms.yaml", b)
		if d.HasErrors() {
			return
		}
		for _, e := range c.Editions {
			if c.Rank(e.Max) < 0 {
				t.Fatalf("edition %+v accepted with a level outside %v", e, c.Classifications)
			}
		}
	})
}
