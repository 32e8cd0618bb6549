package serve

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestServeDeferredPages: the preview builds without the site-wide pages
// (print, search index, history, currency), makes them when a browser
// asks, and after a save names the ones asked for as changed, so a
// browser on /print/ reloads and gets the edit.
func TestServeDeferredPages(t *testing.T) {
	t.Parallel()
	dir := bigSite(t, 12)
	s, hs := newServer(t, dir)
	tree := s.current().tree
	for _, u := range []string{"print/index.html", "search-index.json", "currency/index.html", "area03/doc-0003/history/index.html"} {
		if _, ok := tree[u]; ok {
			t.Errorf("the preview's build rendered %s on its own", u)
		}
	}
	if _, ok := tree["area03/doc-0003/index.html"]; !ok {
		t.Fatal("no document page in the tree")
	}
	st := openStream(t, hs.URL)
	st.next(t) // hello
	for _, u := range []string{"/print/", "/search-index.json", "/currency/", "/area03/doc-0003/history/"} {
		if res, body := get(t, hs.URL+u); res.StatusCode != 200 || !strings.Contains(body, "Document number") {
			t.Fatalf("GET %s: %d\n%.300s", u, res.StatusCode, body)
		}
	}
	if res, _ := get(t, hs.URL+"/print"); res.Request.URL.Path != "/print/" {
		t.Errorf("/print was not sent to /print/ (%s)", res.Request.URL.Path)
	}
	if res, _ := get(t, hs.URL+"/nothing-here/"); res.StatusCode != 404 {
		t.Errorf("GET /nothing-here/: %d", res.StatusCode)
	}

	doc := filepath.Join(dir, "content", "area03", "doc-0003.md")
	b, _ := os.ReadFile(doc)
	if err := os.WriteFile(doc, append(b, "\nA sentence saved just now.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	s.Rebuild([]string{"content/area03/doc-0003.md"})
	ev := st.next(t)
	for _, u := range []string{"/area03/doc-0003/", "/print/", "/search-index.json"} {
		if !slices.Contains(ev.Changed, u) {
			t.Errorf("event after the save does not name %s: %v", u, ev.Changed)
		}
	}
	if slices.Contains(ev.Changed, "/area04/doc-0004/history/") {
		t.Errorf("event names a history page nobody asked for: %v", ev.Changed)
	}
	if _, body := get(t, hs.URL+"/print/"); !strings.Contains(body, "A sentence saved just now.") {
		t.Error("/print/ after the save does not show the edit")
	}
}

// TestMemoFSKeepsOneCopy: the preview's file system hands every build
// the bytes it keeps (one copy of each source in memory, no garbage per
// save), capped so that an append cannot write into them, and reads the
// disk again once the watcher says the file changed.
func TestMemoFSKeepsOneCopy(t *testing.T) {
	t.Parallel()
	dir := writeSite(t, map[string]string{"content/a.md": "first"})
	m := newMemoFS(dir)
	a, err := m.ReadFile("content/a.md")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := m.ReadFile("content/a.md")
	if &a[0] != &b[0] {
		t.Error("a second read copied the bytes")
	}
	_ = append(a, " and more"...)
	if c, _ := m.ReadFile("content/a.md"); string(c) != "first" {
		t.Errorf("an append changed the kept bytes: %q", c)
	}
	if err := os.WriteFile(filepath.Join(dir, "content", "a.md"), []byte("second"), 0o644); err != nil {
		t.Fatal(err)
	}
	m.forget([]string{"content/a.md"})
	if c, _ := m.ReadFile("content/a.md"); string(c) != "second" || string(a) != "first" {
		t.Errorf("after the save: %q (the earlier read now %q)", c, a)
	}
}
