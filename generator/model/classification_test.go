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
