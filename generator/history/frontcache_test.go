package history

import (
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

var frontSeeds = []string{
	"id: POL-01\ntitle: Access control\nversion: \"1.2\"\nreviewed: 2026-01-01\ncontrols:\n- \"5.15\"\n- 8.2\nhistory:\n  - version: \"1.0\"\n    date: 2025-01-01\n",
	"id: POL-01\ntitle: Access control\nversion: \"1.3\"\nreviewed: 2026-02-01\ncontrols: [\"5.15\", 8.2]\n",
	"# comment\ntitle: x\n\n# between\nowner: y   # trailing\n",
	"a: &anchor 1\nb: *anchor\n",
	"title: \"hello\nworld\"\n",
	"title: \"hello\nkey: value\"\n",
	"text: |\n  block\n  scalar\nnext: 1\n",
	"a: 1\na: 2\nb: ~\n",
	"- just\n- a list\n",
	"{a: 1, b: 2}\n",
	"%YAML 1.2\n---\na: 1\n",
	"title: x\n- y\n",
	"title: x\nbroken\n",
	"a:\n  b:\n    c: [1, {d: e}]\n",
	"? complex\n: key\n",
	"a: 1\r\nb: 2\r\n",
	"",
	"---\n",
	"a: 'it''s'\n\"q\": 1\n",
	" 0",
	"history:\n  - { version: \"2\", date: 2026-01-01 }\n  - { version: \"1\", date: 2025-01-01 }\n",
	"history:\n- a\n- [b, c]\n-d\n",
	"list:\n  - a: 1\n  - b\n    c\n",
	"list:\n  - x\n   - y\n",
	":\n- 0",
	"history:\n  - { version: \"2\", date: 2026-01-01 }\n  - { version: \"1\", date: 2025-01-01 }\n",
	"history:\n- a\n- [b, c]\n-d\n",
	"list:\n  - a: 1\n  - b\n    c\n",
	"list:\n  - x\n   - y\n",
	"#\x15",
	"#0\xe6",
	"history:\n  - { version: \"1.1\", date: 2026-10-20, author: \"P. Natarajan\", change: \"Objectives for April 2026 – March 2027\" }\n",
	"history:\n  - { version: 1.0, date: 2026-02-30, author: 'R. Osei', change: Raised from audit }\n  - { version: 01, date: 2026-1-2, by: null, x: true, y: yes, z: ~ }\n",
	"clause: [\"6.1.3\", 8.2]\ncontrols: []\nx: {a: 1}\ny: [a, b, ]\nz: [ ]\nw: [\"a\"] # c\nv: [[1]]\nu: {}\n",
	"history:\n  - { a: \"x, y\", b: 'q' , c: 2026-01-01 # c\n  - { a: 1, a: 2 }\n  - { a: 1, }\n  - {}\n  - { a: \"\\t\" }\n",
}

var flowRows = []string{
	`- { version: "1.1", date: 2026-10-20, author: "P. Natarajan", change: "Progress updated" }`,
	`- { version: 1.0, date: 2026-02-28, author: 'R. Osei', change: Raised from audit IA-2026-01 }`, `- { date: 2026-02-30 }`,
	`- { version: 01, date: 2026-1-2, by: null, x: true, y: yes, z: ~, w: .5, v: 1e3, u: 0x1F }`,
	`- { a: "x, y", b: 'q' , c: 2026-01-01 }`, `- { a: "x" # c }`, `- { a: 1, a: 2 }`, `- { a: 1, }`, `- {}`,
	`- { a: "\t" }`, `- { a: "it's" }`, `- { a: 'say "hi"' }`, `- { a: "–" }`, `- { a: "\u00e9" }`, `- {a: b}`,
	`- { a:b }`, `- { a: b: c }`, `- { a: [1, 2] }`, `- { a: {b: c} }`, `- { a: 1.2.3 }`, `- { a: 12345678901234567890 }`,
	`- { a: Null }`, `- { null: 1 }`, `- { TRUE: 1 }`, `- { a: 2026-12-31T10:00:00Z }`, `- { a: x y }`, `- { a: x  }`,
	"- { a: \"\x7f\" }", "- { a: \"\u00a0\" }", "- { a: \"\ufeff\" }", `- { a: &x 1 }`, `- { a: !!str 1 }`,
	`- { a: 2023-02-29 }`, `- { a: 2024-02-29 }`, `- { a: -1 }`, `- { a: +1 }`, `- { a: 1. }`, `- { a: 1_000 }`,
	"- { a: 1 }\r", `- ["a", 1]`, `- []`, `- [ ]`, `- [a, ]`, `- [a b, 2026-01-01, 'x']`, `- [{a: 1}]`, `-  { a: 1 }`, `- { _a: "" }`, `- { a: '' }`, `- { a: "a\\b" }`, `- { a: .inf }`, `- { a: x-y (z) /w }`,
}

// flowItemByYAML is canonical's text for a revision-table row as YAML
// reads it (what listField did before flowItem), ok false where YAML
// does not read it as a one-item list.
func flowItemByYAML(row string) (string, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(row), &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return "", false
	}
	if seq := doc.Content[0]; seq.Kind == yaml.SequenceNode && len(seq.Content) == 1 {
		return canonical(seq.Content[0], 1, false), true
	}
	return "", false
}

// TestFlowItemIsYAML: a row flowItem reads gives YAML's text for it, and
// the rows of real revision tables are read without YAML.
func TestFlowItemIsYAML(t *testing.T) {
	for _, row := range flowRows {
		checkFlowItem(t, row)
	}
	for _, row := range flowRows[:2] {
		if _, ok := flowItem([]byte(row)); !ok {
			t.Errorf("%s: left to YAML", row)
		}
	}
	if k, v, ok := flowField([]byte(`clause: ["6.1.3", 8.2]`)); !ok || k != "clause" || v != `["6.1.3", 8.2]` {
		t.Errorf("flowField: %q %q %v", k, v, ok)
	}
	// YAML refuses a key whose ":" is more than 1,024 characters on.
	long := strings.Repeat("a", 1100)
	checkFlowItem(t, "- {"+long+": b}")
	var c FrontCache
	for _, src := range []string{"x: {" + long + ": b}\n", long + ": [b]\n", long + ": b\n", "h:\n  - {" + long + ": b}\n"} {
		checkFrontCache(t, &c, src, 0)
	}
}

func checkFlowItem(t *testing.T, row string) {
	t.Helper()
	got, ok := flowItem([]byte(row))
	if !ok {
		return
	}
	want, wok := flowItemByYAML(row)
	if !wok || got != want {
		t.Fatalf("%q: flowItem %q, YAML %q (ok %v)", row, got, want, wok)
	}
}

func FuzzFlowItem(f *testing.F) {
	for _, row := range flowRows {
		f.Add(row)
	}
	f.Fuzz(func(t *testing.T, row string) { checkFlowItem(t, row) })
}

// TestFrontCacheIsParseFront: the cache gives ParseFront's result, whether
// its fields were seen before or not.
func TestFrontCacheIsParseFront(t *testing.T) {
	var c FrontCache
	for round := range 2 {
		for _, s := range frontSeeds {
			checkFrontCache(t, &c, s, round)
		}
	}
	if len(c.fields) == 0 {
		t.Error("nothing was cached")
	}
}

func checkFrontCache(t *testing.T, c *FrontCache, src string, round int) {
	t.Helper()
	want, werr := ParseFront([]byte(src))
	got, gerr := c.Parse([]byte(src))
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("round %d, %q: error %v, ParseFront's %v", round, src, gerr, werr)
	}
	if werr != nil {
		return
	}
	if len(got.Keys) == 0 && len(want.Keys) == 0 && len(got.Vals) == 0 && len(want.Vals) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round %d, %q:\ncache      %#v\nParseFront %#v", round, src, got, want)
	}
}

func FuzzFrontCache(f *testing.F) {
	for _, s := range frontSeeds {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		var c FrontCache
		checkFrontCache(t, &c, a, 0)
		checkFrontCache(t, &c, b, 1) // sharing a's fields
		checkFrontCache(t, &c, a, 2)
	})
}
