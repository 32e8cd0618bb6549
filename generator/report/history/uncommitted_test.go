package history

import (
	"bytes"
	"runtime"
	"testing"
	"weak"

	git "github.com/isms-project/isms/generator/history"
	"github.com/isms-project/isms/generator/link"
	"github.com/isms-project/isms/generator/model"
)

// The analysis's verdicts on uncommitted text do not keep the text alive:
// a one-shot build lets each document's source go once the analysis has
// read it (link.Page.DropSource), and the history's state lives until the
// history pages are written. Pointing into the text, as it once did, kept
// every source of the site in memory to the end (150 MB of peak RSS at
// 10,000 documents with history). The verdicts still answer after the
// text is gone, and a new text of the same document is hashed again.
func TestUncommittedHoldsNoText(t *testing.T) {
	committed := bytes.Repeat([]byte("Committed text of the policy.\n"), 200)
	edited := append(bytes.Clone(committed), "An uncommitted line.\n"...)
	const path = "policies/a.md"
	log := git.Memory("c1", map[string][]git.Rev{path: {{Hash: "c1", Blob: blobID(committed, 40), Status: 'A'}}}, nil)

	doc := &model.Document{Path: path, Src: bytes.Clone(edited)} // its own allocation, over the tiny-object size
	text := weak.Make(&doc.Src[0])
	p := &link.Page{Doc: doc}
	out, analysed := uncommitted(log, &link.Site{Pages: []*link.Page{p}})
	h := &State{log: log, uncommitted: out, analysed: analysed}
	if !h.isUncommitted(p) {
		t.Fatal("an edited text is not reported uncommitted")
	}

	doc.Src = nil // DropSource
	runtime.GC()
	runtime.GC()
	if text.Value() != nil {
		t.Error("the text the analysis decided on is still reachable after the document let it go")
	}
	if !h.isUncommitted(p) {
		t.Error("after the text was let go the analysis's verdict is lost")
	}

	// A saved text is a new Document (model.Document.Src): it is hashed.
	saved := &link.Page{Doc: &model.Document{Path: path, Src: bytes.Clone(committed)}}
	if h.isUncommitted(saved) {
		t.Error("a text equal to the last commit, saved after the analysis, is reported uncommitted")
	}
	runtime.KeepAlive(h)
}
