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

// versionTemplate is how history.html drew a version before
// VersionView.Item (its range, as it stood in the layout).
var versionTemplate = template.Must(template.New("version").Parse(`{{range .}}
<li class="version">
  <div class="version-head">
    <time>{{.Date}}</time>
    {{if .Version}}<span class="badge">v{{.Version}}</span>{{end}}
    {{if .Status}}<span class="badge badge-{{.Status}}">{{.Status}}</span>{{end}}
    <span class="subject">{{if .SubjectWithheld}}<em class="muted">(message not shown: the commit also changed a document not in this edition)</em>{{else if .Subject}}{{.Subject}}{{else}}<em class="muted">(no message)</em>{{end}}</span>
    <span class="muted">{{.Author}} · <code title="{{.Hash}}">{{.Short}}</code></span>
  </div>
  {{if .Path}}<p class="muted small">then named <code>{{.Path}}</code></p>{{end}}
  {{if .Added}}<p class="muted small">Document created.</p>{{end}}
  {{if .Missing}}<p class="muted small">Content not available in this clone.</p>{{end}}
  {{- if .PrevWithheld}}
  <p class="muted small">Changes not shown: the version before is not in this edition.</p>{{end}}
  {{if .Changes}}<ul class="field-changes">{{range .Changes}}<li><code>{{.Field}}</code>: {{if .Old}}<del>{{.Old}}</del>{{else}}<em>(none)</em>{{end}} → {{if .New}}<ins>{{.New}}</ins>{{else}}<em>(removed)</em>{{end}}</li>{{end}}</ul>{{end}}
  {{if .Hunks}}<details class="diff"><summary>Text changes</summary>
  <div class="diff-body" role="table" aria-label="Text changes">{{.Diff}}</div>
  </details>{{end}}
</li>
{{end}}`))

func templateItem(t *testing.T, v VersionView) string {
	t.Helper()
	var b strings.Builder
	if err := versionTemplate.Execute(&b, []VersionView{v}); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// versionOf fills every field of a VersionView from text, the flags from
// the bits of mask, so that one text reaches each place Item writes it.
func versionOf(text string, mask uint, hunks []git.Hunk) VersionView {
	pick := func(bit uint, mark string) string {
		if mask&(1<<bit) != 0 {
			return text + mark
		}
		return ""
	}
	// Each field gets text with a mark of its own, so that a field
	// written in another's place shows.
	v := VersionView{
		Date: text + "d", Author: "a" + text, Short: text + "s", Hash: "h" + text + "h",
		Subject: pick(0, "!"), Version: pick(1, "1"), Status: pick(2, "-x"), Path: pick(3, "/p"),
		Added: mask&(1<<4) != 0, Missing: mask&(1<<5) != 0, PrevWithheld: mask&(1<<6) != 0, SubjectWithheld: mask&(1<<7) != 0,
	}
	if mask&(1<<8) != 0 {
		v.Changes = []git.Change{{Field: "f" + text, Old: pick(9, "o"), New: pick(10, "n")}, {Field: "version", Old: "1.0", New: text}}
	}
	if mask&(1<<11) != 0 {
		v.Hunks = hunks
	}
	return v
}

// TestItemMatchesTemplate: a version written in Go is the template's,
// byte for byte, with every field and flag set and unset, on text
// html/template escapes in element text and in attribute values (the
// status in a class, the hash in a title) and text it leaves alone.
func TestItemMatchesTemplate(t *testing.T) {
	texts := []string{
		"x", `<script>alert("x")</script>`, `" onmouseover="alert(1)`, "a & b + c's", "\x00nul", "\xff\xfe invalid",
		"\uFDD0\uFFFE\uFFFF", "tab\tand\r\ncr", "{{.Site}}", "&amp; already", "emoji 🔒 and ü", "javascript:alert(1)",
	}
	hunks := git.BodyDiff("a\n<b>\nc\n", "a\n&b\nc\nd'\n")
	check := func(text string, mask uint) {
		t.Helper()
		v := versionOf(text, mask, hunks)
		if got, want := string(v.Item()), templateItem(t, v); got != want {
			t.Fatalf("text %q, mask %012b:\nItem     %q\ntemplate %q", text, mask, got, want)
		}
	}
	for mask := uint(0); mask < 1<<12; mask++ { // every combination, on one hostile text
		check("<a href='x'>\x00&+\"", mask)
	}
	for _, text := range texts { // every text, each field and flag alone, all of them, and alternate halves
		for _, mask := range []uint{0, 1<<12 - 1, 0x555, 0xaaa} {
			check(text, mask)
		}
		for bit := uint(0); bit < 12; bit++ {
			check(text, 1<<bit)
		}
	}
	if got, want := string(VersionView{}.Item()), templateItem(t, VersionView{}); got != want {
		t.Errorf("empty version:\nItem     %q\ntemplate %q", got, want)
	}
}

// FuzzItemHTML holds Item to the template on any text in any field.
func FuzzItemHTML(f *testing.F) {
	f.Add("v1.0 <b>", uint16(0xfff), "a\n", "b\n")
	f.Add("\x00'\"+&", uint16(0x155), "", "x")
	f.Fuzz(func(t *testing.T, text string, mask uint16, a, b string) {
		v := versionOf(text, uint(mask), git.BodyDiff(a, b))
		if got, want := string(v.Item()), templateItem(t, v); got != want {
			t.Errorf("Item     %q\ntemplate %q", got, want)
		}
	})
}
