package search

import (
	"bytes"
	"encoding/json"
	"testing"
)

var hostileText = []string{
	"", "plain", `"quoted" \ back\slash`, "tab\tnew\nline", "\x00\x1f\x7f", "<b>&amp;</b>",
	"line\u2028para\u2029", "bad \xff utf-8", "ünïcödé 🙂", "\x1e\x1f",
}

func indexOf(s string, n int) searchIndex {
	idx := searchIndex{V: 2, Docs: []searchDoc{}}
	for i := range n {
		d := searchDoc{ID: s, Title: s + "t", Type: "policy", URL: "p/" + s + "/"}
		if i%2 == 0 {
			d.Owner, d.Body = s, s+" body"
			d.Clauses = []string{"6.1", s}
			d.Controls = []string{}
			d.Sections = [][3]string{{s, "Title", s}, {"", "", ""}}
		} else {
			d.Controls = []string{"A.5.1", s}
			d.Sections = [][3]string{}
		}
		idx.Docs = append(idx.Docs, d)
	}
	return idx
}

func marshalled(t testing.TB, idx searchIndex) []byte {
	b, err := json.Marshal(idx)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestIndexJSONMatchesMarshal: the index is what json.Marshal wrote, byte
// for byte: hostile text, fields left out when empty, no documents.
func TestIndexJSONMatchesMarshal(t *testing.T) {
	cases := []searchIndex{{V: 2}, {V: 2, Docs: []searchDoc{}}, {V: 2, Docs: []searchDoc{{}}}}
	for i, s := range hostileText {
		cases = append(cases, indexOf(s, i+1))
	}
	for i, idx := range cases {
		if got, want := idx.json(), marshalled(t, idx); !bytes.Equal(got, want) {
			t.Errorf("case %d:\n%s\nwant\n%s", i, got, want)
		}
	}
}

func FuzzIndexJSONMatchesMarshal(f *testing.F) {
	for _, s := range hostileText {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, n uint8) {
		idx := indexOf(s, int(n%5))
		if got, want := idx.json(), marshalled(t, idx); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n%s\nwant\n%s", s, got, want)
		}
	})
}
