package history

import (
	"reflect"
	"testing"
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
