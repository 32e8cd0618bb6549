package generator

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSearchIndex(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"content/policies/ac.md": {Data: []byte("---\nid: POL-AC-01\ntitle: Access <control> policy\ntype: policy\nowner: CISO\nclause: \"5.2\"\ncontrols: [\"A.5.15\"]\nreviewed: 2026-01-01\n---\n" +
			"# Purpose\n\nWho gets **access**\nto what.\n\n## Reviews\n\n- quarterly\n- by owners\n\n```\nsecret code\n```\n\n| a | b |\n|---|---|\n| cell1 | cell2 |\n")},
		"content/policies/old.md": {Data: []byte("---\nid: POL-OLD\ntitle: Old\ntype: policy\nowner: CISO\nstatus: retired\n---\nGone.\n")},
	}
	res := buildOK(t, site)
	var idx struct {
		V int
		D []map[string]any
	}
	if err := json.Unmarshal(res.Tree["search-index.json"], &idx); err != nil {
		t.Fatal(err)
	}
	if idx.V != 2 || len(idx.D) != 1 {
		t.Fatalf("index: %+v, want version 2 and only the live document", idx)
	}
	got, _ := json.Marshal(idx.D[0])
	want := `{"c":["5.15"],"i":"POL-AC-01","k":["5.2"],"o":"CISO","s":[["purpose","Purpose","Who gets access to what."],["reviews","Reviews","quarterly · by owners · a · b | cell1 · cell2"]],"t":"Access \u003ccontrol\u003e policy","u":"policies/ac/","y":"policy"}`
	if string(got) != want {
		t.Errorf("entry:\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(string(res.Tree["search/index.html"]), `href="/policies/ac/"`) {
		t.Error("/search/ does not list the documents for readers without JavaScript")
	}
}

func TestSearchIndexSize(t *testing.T) {
	t.Parallel()
	if os.Getenv("ISMS_MEASURE") == "" {
		t.Skip("set ISMS_MEASURE=1 to build 1,000 documents and measure the search index")
	}
	words := strings.Fields("access control policy review risk supplier backup restore incident asset owner encryption key network logging monitoring training awareness audit evidence approval classification retention")
	site := fstest.MapFS{}
	for i := range 1000 {
		var body strings.Builder
		for j := range 12 {
			fmt.Fprintf(&body, "## Section %d\n\n", j)
			for k := range 40 {
				body.WriteString(words[(i*7+j*13+k)%len(words)] + " ")
			}
			body.WriteString("\n\n")
		}
		site[fmt.Sprintf("content/procedures/p%04d.md", i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"---\nid: PRO-%04d\ntitle: Procedure %d for %s and %s\ntype: procedure\nowner: Head of Operations\nclause: [\"8.1\", \"7.5\"]\ncontrols: [\"5.15\", \"8.13\"]\nreviewed: 2026-01-01\n---\n%s",
			i, i, words[i%len(words)], words[(i+3)%len(words)], body.String()))}
	}
	res := buildOK(t, site)
	n := len(res.Tree["search-index.json"])
	t.Logf("search-index.json for 1,000 documents of about %d bytes each: %d bytes (%.0f bytes per document)",
		len(site["content/procedures/p0000.md"].Data), n, float64(n)/1000)
	if n > 2500*1000 {
		t.Errorf("index is %d bytes for 1,000 documents", n)
	}
}
