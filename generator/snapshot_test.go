package generator

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/publish"

	"github.com/isms-project/isms/internal/testmode"
)

// UnzipSnapshot builds a snapshot of the site, unzips its zip into a new
// folder and returns the folder the zip holds (snapshot-<as-of>).
func unzipSnapshot(t *testing.T, site fs.FS, baseURL string) string {
	t.Helper()
	res, err := Build(context.Background(), Options{Site: site, AsOf: model.DateOf(2026, 11, 27), Snapshot: true, BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	if res.Tree == nil {
		t.Fatalf("build failed:\n%s", res.Diags.String())
	}
	out, err := Snapshot(res)
	if err != nil {
		t.Fatal(err)
	}
	z, err := fs.ReadFile(out, "snapshot-2026-11-27.zip")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := publish.Unpack(z, dir); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "snapshot-2026-11-27")
}

// TestSnapshotWorksFromDisk: in an unzipped snapshot of the sample, every
// URL of every page and drawing (links, stylesheets, scripts, images, the
// favicon, the search form and index, the process map's links) is
// relative and names a file that is there, folders by their index.html;
// the zip holds README.txt and the search index as a script, and the
// unzipped copy verifies. The quick suite checks the site with a base
// URL (whose absolute addresses the snapshot must make relative); the full
// suite the one without too.
func TestSnapshotWorksFromDisk(t *testing.T) {
	t.Parallel()
	bases := []string{"https://intranet.example/isms/"}
	if testmode.Full() {
		bases = append(bases, "")
	}
	for _, base := range bases {
		t.Run("base_url="+base, func(t *testing.T) {
			dir := unzipSnapshot(t, os.DirFS(".."), base)
			checked := 0
			err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || !(strings.HasSuffix(p, ".html") || strings.HasSuffix(p, ".svg")) || d.Name() == "404.html" {
					return err
				}
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				rel, _ := filepath.Rel(dir, p)
				rel = filepath.ToSlash(rel)
				for _, a := range urls(b) {
					checked++
					if a.Key == "data-root" {
						if want := strings.Repeat("../", strings.Count(rel, "/")); a.Val != want && !(want == "" && a.Val == "./") {
							t.Errorf("%s: data-root=%q, want %q", rel, a.Val, want)
						}
						continue
					}
					if msg := brokenFromDisk(dir, rel, a.Val); msg != "" {
						t.Errorf("%s: %s=%q %s", rel, a.Key, a.Val, msg)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if checked < 10000 {
				t.Errorf("only %d URLs checked", checked)
			}
			for _, f := range []string{"README.txt", "search-index.js", "manifest.json"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("the zip lacks %s: %v", f, err)
				}
			}
			readme, _ := os.ReadFile(filepath.Join(dir, "README.txt"))
			for _, want := range []string{"index.html", "isms verify snapshot-2026-11-27 --expect", "manifest.json"} {
				if !strings.Contains(string(readme), want) {
					t.Errorf("README.txt does not say %q:\n%s", want, readme)
				}
			}
			js, _ := os.ReadFile(filepath.Join(dir, "search-index.js"))
			if !bytes.HasPrefix(js, []byte("window.ISMS_SEARCH_INDEX = {")) {
				t.Errorf("search-index.js starts %q", js[:min(len(js), 60)])
			}
			if rep, err := publish.Verify(dir); err != nil || !rep.OK() {
				t.Errorf("the unzipped snapshot does not verify: %v\n%s", err, rep)
			}
		})
	}
}

// urls are the URL attributes (and data-root) of a page.
func urls(b []byte) []html.Attribute {
	var out []html.Attribute
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		for _, a := range z.Token().Attr {
			switch a.Key {
			case "href", "src", "action", "xlink:href", "data-index", "data-root", "poster":
				out = append(out, a)
			}
		}
	}
}

// brokenFromDisk says what is wrong with URL u on the page at rel (a
// slash path in dir) when the page is opened from disk, or "".
func brokenFromDisk(dir, rel, u string) string {
	switch {
	case u == "" || strings.HasPrefix(u, "#") || strings.HasPrefix(u, "mailto:") || strings.HasPrefix(u, "https://") && !strings.Contains(u, "intranet.example"):
		return ""
	case strings.HasPrefix(u, "/") || strings.Contains(u, "://"):
		return "is not relative"
	}
	p := u
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		return ""
	}
	target := path.Join(path.Dir(rel), p)
	if strings.HasPrefix(target, "../") {
		return "leads out of the snapshot"
	}
	st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(target)))
	switch {
	case err != nil:
		return "names no file: " + target
	case st.IsDir():
		return "names a folder, which a browser does not open from disk"
	}
	return ""
}
