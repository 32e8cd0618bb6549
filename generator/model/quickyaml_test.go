package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/isms-project/isms/generator/load"
)

// sameNode reports where a differs from b, field by field, "" when it
// does not.
func sameNode(a, b *yaml.Node, at string) string {
	if a == nil || b == nil {
		if a != b {
			return at + ": one node is nil"
		}
		return ""
	}
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		a.Line != b.Line || a.Column != b.Column || a.HeadComment != b.HeadComment ||
		a.LineComment != b.LineComment || a.FootComment != b.FootComment || (a.Alias == nil) != (b.Alias == nil) {
		return fmt.Sprintf("%s: quick %+v, yaml %+v", at, *a, *b)
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Sprintf("%s: %d children, yaml %d", at, len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if d := sameNode(a.Content[i], b.Content[i], fmt.Sprintf("%s/%d", at, i)); d != "" {
			return d
		}
	}
	return ""
}

// checkQuick fails if quickYAML reads src and yaml.v3 reads it otherwise.
func checkQuick(t *testing.T, src []byte) bool {
	t.Helper()
	got, ok := quickYAML(src)
	if !ok {
		return false
	}
	var want yaml.Node
	if err := yaml.Unmarshal(src, &want); err != nil {
		t.Fatalf("quickYAML read what yaml.v3 refuses (%v):\n%s", err, src)
	}
	if d := sameNode(got, &want, "root"); d != "" {
		t.Fatalf("quickYAML differs from yaml.v3 at %s\n%s", d, src)
	}
	return true
}

func TestQuickYAMLIsYAML(t *testing.T) {
	read := []string{
		"id: POL-01\ntitle: Access control\n",
		"id: POL-00001\ntitle: Site policy 1\ntype: policy\nowner: HR Director\nclause: [\"6.2\", \"4.2\", \"5.3\"]\nversion: \"3.0\"\nstatus: approved\nclassification: restricted\napproved_by: Managing Director\napproved: 2026-10-06\nreviewed: 2026-10-06\nreview_every: 12m\nhistory:\n  - { version: \"0\", date: 2023-01-02, author: \"G. Lloyd\", change: \"First issue\" }\n",
		"\n\nid: a\n\ntitle: b\n",
		"history:\n- {version: 1, date: 2026-01-01}\n-   [a, b]\n- plain text\n- 'single'\n",
		"owner: Zoë O'Brien & Co (IT)\ntitle: ÄÖÜ — über\nx: 'Grüße'\n",
		"a: true\nb: False\nc: NULL\nd: 12\ne: 1.5\nf: 3.0\ng: 12m\nh: 30d\ni: 0\nj: yes\nk: y\nl: on\n",
		"clause: [6.1.2, 8.2, a b , \"c\"]\n",
		"title:    spaced   words   \n",
		"controls: [A.5.1,A.8.2]\n",
		"x: 2026-02-28\ny: \"2026-02-30\"\n",
	}
	for _, s := range read {
		if !checkQuick(t, []byte(s)) {
			t.Errorf("quickYAML did not read\n%s", s)
		}
	}
	left := []string{
		"", "# c\nid: a\n", "id: a # c\n", "id: &x a\n", "id: *x\n", "id: !!str a\n", "id: |\n  a\n",
		"id:\n", "id:\ntitle: b\n", "inputs:\n  - from: X\n    what: Y\n", "a:\n  b: c\n", "id: \"a\\\"b\"\n",
		"id: 'it''s'\n", "id:\ta\n", "id: a\r\n", "id: 0123\n", "id: 0x1F\n", "id: 1e5\n", "id: 1_000\n",
		"id: 2026-13-01\n", "id: 2026-01-01T10:00:00Z\n", "id: 99999999999999999999\n", "id: .inf\n",
		"id: -1\n", "id: [a, [b]]\n", "id: [a,]\n", "id: []\n", "id: {}\n", "id: {a: {b: c}}\n",
		"id: a: b\n", "id:a\n", "\"id\": a\n", "true: a\n", "id: a\n  b\n", "- a\n", "id: ~\n",
		"id: \"\x01\"\n", "id: \u2028\n", "id: a\u0085b\n", "---\nid: a\n", "id: a\n...\n",
	}
	for _, s := range left {
		if _, ok := quickYAML([]byte(s)); ok {
			t.Errorf("quickYAML read what it should leave to yaml.v3:\n%q", s)
		}
	}
}

// TestQuickYAMLReadsRealFrontMatter holds quickYAML to yaml.v3 on every
// front-matter of the sample site and the corpora, and checks that the
// sample's take the quick path (else the speed-up is silently gone).
func TestQuickYAMLReadsRealFrontMatter(t *testing.T) {
	var files []string
	for _, g := range []string{"../../content/*/*.md", "../../content/*/*/*.md", "../../../shared/corpora/*/*/*.md", "../../../shared/corpora/*/*/*/*.md"} {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Fatal("no documents found")
	}
	sample, quick := 0, 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		fm, err := load.Split(src)
		if err != nil || !fm.Present {
			continue
		}
		ok := checkQuick(t, fm.YAML)
		if strings.HasPrefix(f, "../../content/") {
			sample++
			if ok {
				quick++
			}
		}
	}
	if sample == 0 || quick*4 < sample*3 { // registers with nested mappings (actions:, risks:) go to YAML
		t.Errorf("only %d of the sample's %d front-matters take the quick path", quick, sample)
	}
}

func FuzzQuickYAML(f *testing.F) {
	for _, s := range []string{
		"id: POL-01\ntitle: Access control\nclause: [\"6.2\", 4.2]\nhistory:\n  - { version: \"0\", date: 2023-01-02, author: \"G. Lloyd\" }\n",
		"a: true\nb: 12m\nc: 2026-01-01\nd: 1.5\n", "x: [a , b]\n- y\n", "k:\n- [a]\n- 'b'\n", "o: Zoë\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkQuick(t, src)
	})
}
