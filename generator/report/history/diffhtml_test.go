package history

import (
	"html/template"
	"strings"
	"testing"

	git "github.com/isms-project/isms/generator/history"
)

// diffTemplate is how history.html drew a diff before VersionView.Diff.
var diffTemplate = template.Must(template.New("diff").Parse(
	`{{range .Hunks}}{{if .Skipped}}<div class="diff-skip">… {{.Skipped}} unchanged lines</div>{{end}}` +
		`{{range .Lines}}<div class="diff-{{.Kind.Class}}"><span class="sign" aria-hidden="true">{{.Kind.Sign}}</span>{{.Text}}</div>{{end}}{{end}}`))

func templateDiff(t *testing.T, v VersionView) string {
	t.Helper()
	var b strings.Builder
	if err := diffTemplate.Execute(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestDiffMatchesTemplate: the diff written in Go is the template's, byte
// for byte, on text that html/template escapes, text it leaves alone
// (invalid UTF-8, noncharacters, control characters) and every layout of
// hunks BodyDiff makes.
func TestDiffMatchesTemplate(t *testing.T) {
	texts := []string{
		"", "plain", `<script>alert("x")</script>`, "a & b + c's", "\x00nul", "\xff\xfe invalid", "\uFDD0\uFFFE\uFFFF",
		"\ufeffbom", "tab\tand\rcr", "{{.Site}}", "&amp; already", "emoji 🔒 and ü",
	}
	for _, text := range texts {
		for _, v := range []VersionView{
			{},
			{Hunks: []git.Hunk{{Skipped: 7}}},
			{Hunks: []git.Hunk{{Lines: []git.Line{{Kind: git.Added, Text: text}, {Kind: git.Removed, Text: text}, {Kind: git.Unchanged, Text: text}}}}},
			{Hunks: []git.Hunk{{Skipped: 3, Lines: []git.Line{{Kind: git.Unchanged, Text: text}}}, {Skipped: 12}}},
		} {
			if got, want := string(v.Diff()), templateDiff(t, v); got != want {
				t.Errorf("text %q:\nDiff     %q\ntemplate %q", text, got, want)
			}
		}
	}
	old := strings.Repeat("same line\n", 20) + "old <b>\n" + strings.Repeat("tail 'x'\n", 20)
	v := VersionView{Hunks: git.BodyDiff(old, strings.Replace(old, "old <b>", "new & <i>", 1)+"added +\n")}
	if len(v.Hunks) < 2 {
		t.Fatalf("want several hunks, got %d", len(v.Hunks))
	}
	if got, want := string(v.Diff()), templateDiff(t, v); got != want {
		t.Errorf("BodyDiff's hunks:\nDiff     %q\ntemplate %q", got, want)
	}
}

// FuzzDiffHTML holds Diff to the template on any pair of bodies.
func FuzzDiffHTML(f *testing.F) {
	f.Add("a\nb\n", "a\n<c>\n")
	f.Add("\x00\n\xff\n", "'+'\n\"&\"\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		v := VersionView{Hunks: git.BodyDiff(a, b)}
		if got, want := string(v.Diff()), templateDiff(t, v); got != want {
			t.Errorf("Diff     %q\ntemplate %q", got, want)
		}
	})
}
