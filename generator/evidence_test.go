package generator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

func TestEvidenceHashing(t *testing.T) {
	t.Parallel()
	// Bytes that are not text: any re-encoding on the way would change the hash.
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	csv := []byte(strings.Repeat("user,role,decision\n", 100))
	sum := func(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }
	ev := func(id, date, controls, clause, file string) string {
		return "---\nid: " + id + "\ntitle: Evidence <" + id + ">\ntype: evidence\nowner: Ops\nreviewed: 2026-01-01\ndate: " + date +
			"\ncontrols: " + controls + "\nclause: " + clause + "\nfile: " + file + "\n---\nDone.\n"
	}
	site := fstest.MapFS{
		"content/evidence/a.md":        {Data: []byte(ev("EVD-A", "2026-03-01", `["A.5.18", "8.2"]`, `"9.1"`, "evidence/files/a.csv"))},
		"content/evidence/b.md":        {Data: []byte(ev("EVD-B", "2026-06-30", `["6.3"]`, `["7.3", "9.1"]`, "evidence/files/b.png"))},
		"content/evidence/files/a.csv": {Data: csv},
		"content/evidence/files/b.png": {Data: png},
	}
	res := buildOK(t, site)
	idx := string(res.Tree["evidence/index.html"])
	for _, want := range []string{
		sum(csv), sum(png),
		"1.9 KB", fmt.Sprintf("%d bytes", len(png)), // 1,900 bytes, and the small PNG
		`<a href="/evidence/files/a.csv" download>a.csv</a>`,
		`<img src="/evidence/files/b.png" alt="Preview of b.png"`,
		`data-controls="5.18 8.2" data-clauses="9.1"`,
		`data-controls="6.3" data-clauses="7.3 9.1"`,
		`<a href="/soa/#control-5-18" title="Access rights">5.18</a>`,
		`id="ev-control-6-3"`, `id="ev-clause-7-3"`,
		"Evidence &lt;EVD-A&gt;",
		`<option value="9.1">9.1 Performance evaluation</option>`,
	} {
		if !strings.Contains(idx, want) {
			t.Errorf("/evidence/ lacks %q", want)
		}
	}
	if strings.Contains(idx, "<EVD-A>") {
		t.Error("title is not escaped")
	}
	// Newest first.
	if a, b := strings.Index(idx, `id="EVD-A"`), strings.Index(idx, `id="EVD-B"`); a < 0 || b < 0 || b > a {
		t.Errorf("EVD-B (June) at %d should come before EVD-A (March) at %d", b, a)
	}
	// The artefact is published byte for byte, and the document page shows the same hash.
	if got := res.Tree["evidence/files/b.png"]; string(got) != string(png) {
		t.Error("artefact not published unchanged")
	}
	if doc := string(res.Tree["evidence/a/index.html"]); !strings.Contains(doc, sum(csv)) {
		t.Error("the evidence page does not show the artefact's SHA-256")
	}
}

func TestEvidenceMissingFile(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"content/evidence/a.md": {Data: []byte("---\nid: EVD-A\ntitle: A\ntype: evidence\nowner: Ops\nreviewed: 2026-01-01\nfile: files/nope.pdf\n---\nx\n")},
	}
	res, err := Build(context.Background(), Options{Site: site})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree != nil || !strings.Contains(res.Diags.String(), "content/evidence/a.md:7:7: error: evidence file") {
		t.Errorf("want an error at the file: value, got:\n%s", res.Diags.String())
	}
}
