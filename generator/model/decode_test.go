package model_test

import (
	"strings"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

const head = "---\nid: POL-1\ntitle: Access\ntype: policy\nowner: CISO\n"

// TestDecodeMessages pins messages that used to mislead: each input gets
// exactly one error, at the given place, saying the given thing.
func TestDecodeMessages(t *testing.T) {
	for _, tc := range []struct {
		name, src, at, code, msg string
	}{
		{"BOM", "\xEF\xBB\xBF" + head + "---\n# x\n", "content/a.md:1:1", "encoding", "starts with a UTF-8 byte-order mark"},
		{"Windows-1252 in the body", head + "---\n# Title\n\nIt\x92s the \x93policy\x94.\n", "content/a.md:9:3", "encoding", "invalid UTF-8 (byte 0x92)"},
		{"Windows-1252 in the front-matter", "---\nid: POL-1\ntitle: Caf\xe9 policy\ntype: policy\nowner: CISO\n---\n", "content/a.md:3:11", "encoding", "invalid UTF-8 (byte 0xE9)"},
		{"30 February", head + "reviewed: 2026-02-30\n---\n", "content/a.md:6:11", "bad-date", `"2026-02-30" is not a real date: February 2026 has 28 days`},
		{"31 April", head + "approved: 2024-04-31\n---\n", "content/a.md:6:11", "bad-date", "April 2024 has 30 days"},
		{"month 13", head + "approved: 2024-13-01\n---\n", "content/a.md:6:11", "bad-date", `"2024-13-01" is not a date of the form YYYY-MM-DD`},
		{"tab in a list", head + "inputs:\n\t- POL-2\n---\n", "content/a.md:7:1", "yaml", "tabs are not allowed for indentation in YAML; use spaces"},
		{"tab after spaces", head + "history:\n  - version: 1\n  \tdate: 2024-01-01\n---\n", "content/a.md:8:3", "yaml", "tabs are not allowed for indentation in YAML; use spaces"},
		{"huge title", "---\nid: POL-1\ntitle: " + strings.Repeat("é", 501) + "\ntype: policy\nowner: CISO\n---\n", "content/a.md:3:8", "too-long", "title is 501 characters long; the limit is 500"},
		{"huge owner", "---\nid: POL-1\ntitle: T\ntype: policy\nowner: " + strings.Repeat("x", 600) + "\n---\n", "content/a.md:5:8", "too-long", "owner is 600 characters long"},
		{"huge id", "---\nid: " + strings.Repeat("A", 501) + "\ntitle: T\ntype: policy\nowner: O\n---\n", "content/a.md:2:5", "too-long", "id is 501 characters long"},
		{"deep list on one line", head + "---\n# x\n\n" + strings.Repeat("- ", 5000) + "x\n", "content/a.md:9:1", "too-deep", "nested 5000 levels deep here; the limit is 100"},
		{"deep quote", head + "---\n# x\n\n" + strings.Repeat(">", 101) + " x\n", "content/a.md:9:1", "too-deep", "nested 101 levels deep"},
		{"deep indented list", head + "---\n" + deepIndented(150), "content/a.md:107:1", "too-deep", "the limit is 100"},
	} {
		doc, diags := model.Decode("a.md", "content/a.md", []byte(tc.src))
		var errs []string
		for _, d := range diags {
			if d.Severity.String() == "error" {
				errs = append(errs, d.String())
			}
		}
		want := tc.at + ": error: "
		if len(errs) != 1 || !strings.HasPrefix(errs[0], want) || !strings.Contains(errs[0], tc.msg) || !strings.HasSuffix(errs[0], "("+tc.code+")") {
			t.Errorf("%s: errors\n%s\nwant one %s… %s … (%s)", tc.name, strings.Join(errs, "\n"), want, tc.msg, tc.code)
		}
		if tc.code == "encoding" || tc.code == "too-deep" {
			if doc != nil {
				t.Errorf("%s: a document was returned, so its body would be parsed and published", tc.name)
			}
		}
		if tc.code == "too-long" && doc != nil && (len([]rune(doc.Title)) > model.MaxText || len([]rune(doc.Owner)) > model.MaxText || len(doc.ID) > model.MaxText) {
			t.Errorf("%s: the over-long value was kept whole", tc.name)
		}
	}
}

// deepIndented nests n lists by indentation, one level per line.
func deepIndented(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	return b.String()
}

// TestDecodeAcceptsNormalNesting: nesting within the limit, list markers in
// text and deep code indentation are no errors.
func TestDecodeAcceptsNormalNesting(t *testing.T) {
	src := head + "---\n" + deepIndented(100) + "\n> > quote\n\n    " + strings.Repeat(" ", 300) + "indented code\n\n2026-01-01 is a date - not a list\n"
	if _, diags := model.Decode("a.md", "content/a.md", []byte(src)); diags.HasErrors() {
		t.Errorf("errors: %v", diags)
	}
}

func TestDecodeConfigSaysIsmsYaml(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"title: [x\n", "isms.yaml is not valid YAML"},
		{"title: x\nreview_every_by_type:\n\tpolicy: 1y\n", "isms.yaml:3:1: error: tabs are not allowed for indentation in YAML; use spaces (yaml)"},
	} {
		_, diags := model.DecodeConfig("isms.yaml", []byte(tc.src))
		if len(diags) != 1 || !strings.Contains(diags[0].String(), tc.want) || strings.Contains(diags[0].String(), "front-matter") {
			t.Errorf("%q: %v, want one saying %q", tc.src, diags, tc.want)
		}
	}
}
