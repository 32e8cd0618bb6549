package generator

import (
	"context"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/model"
	"github.com/isms-project/isms/generator/view"
)

// mapSink collects what a build hands its sink.
type mapSink struct {
	mu     sync.Mutex
	files  view.Tree
	pieces []string // files written with WriteStream
}

func (s *mapSink) WriteStream(name string, stream func(write func([]byte) error) error) error {
	s.mu.Lock()
	s.pieces = append(s.pieces, name)
	s.mu.Unlock()
	var b []byte
	if err := stream(func(p []byte) error { b = append(b, p...); return nil }); err != nil {
		return err
	}
	return s.Write(name, b)
}

func (s *mapSink) Write(name string, data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.files[name]; dup {
		panic("written twice: " + name)
	}
	s.files[name] = slices.Clone(data)
	return nil
}

// TestSinkBuildIsTreeBuild: a build that hands its files to a sink (isms
// build, which lets pages and source text go as soon as it can) hands
// over exactly the tree a build in memory makes: every file, byte for
// byte, with the same taint. On a git site with an uncommitted change
// (history reads the text the sink build lets go) and on the sample.
func TestSinkBuildIsTreeBuild(t *testing.T) {
	t.Parallel()
	clean, dir := gitSite(t), gitSite(t)
	p := dir + "/content/policies/access-control.md"
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, append(src, "\nNot committed yet.\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	sites := map[string]Options{
		"git":       {Site: os.DirFS(clean), SiteDir: clean, Today: asOf},
		"git-dirty": {Site: os.DirFS(dir), SiteDir: dir, Today: asOf},
		"sample":    {Site: sampleMap(t), Today: asOf},
	}
	for name, o := range sites {
		t.Run(name, func(t *testing.T) {
			whole, err := Build(context.Background(), o)
			if err != nil || whole.Tree == nil {
				t.Fatalf("build: %v\n%s", err, whole.Diags)
			}
			sink := &mapSink{files: view.Tree{}}
			o.Sink = sink
			res, err := Build(context.Background(), o)
			if err != nil || res.Tree != nil || res.Written != len(whole.Tree) {
				t.Fatalf("sink build: %v, tree %v, %d written of %d\n%s", err, res.Tree != nil, res.Written, len(whole.Tree), res.Diags)
			}
			if got, want := slices.Sorted(maps.Keys(sink.files)), slices.Sorted(maps.Keys(whole.Tree)); !slices.Equal(got, want) {
				t.Fatalf("sink got %d files, the tree has %d", len(got), len(want))
			}
			for f, b := range whole.Tree {
				if string(sink.files[f]) != string(b) {
					t.Errorf("%s differs", f)
				}
			}
			if !maps.Equal(res.Taint, whole.Taint) {
				t.Error("taints differ")
			}
			if whole.Diags.String() != res.Diags.String() {
				t.Errorf("diagnostics differ:\n%s\nwant\n%s", res.Diags, whole.Diags)
			}
			// The history's findings come from diffs made while the
			// document pages render (report.Finisher): they must all be there.
			if !reflect.DeepEqual(res.Findings, whole.Findings) {
				t.Errorf("findings differ:\n%v\nwant\n%v", res.Findings, whole.Findings)
			}
			if strings.HasPrefix(name, "git") && !slices.ContainsFunc(res.Findings, func(f model.Finding) bool { return strings.HasPrefix(f.Rule, "history-") }) {
				t.Error("no finding on the history: the test does not see the diffs")
			}
			if !slices.Contains(sink.pieces, "print/index.html") {
				t.Errorf("the print page was not handed over in pieces (%v)", sink.pieces)
			}
			if name == "git-dirty" && !strings.Contains(string(sink.files["policies/access-control/index.html"]), "uncommitted changes") {
				t.Error("the sink build lost the uncommitted change")
			}
		})
	}
	if _, err := Build(context.Background(), Options{Site: sampleMap(t), Today: asOf, Sink: &mapSink{}, Edition: "public"}); err == nil {
		t.Error("a sink with an edition was accepted")
	}
}

// TestFileAndFolderOfOneName: a document whose page needs a folder where
// the site has a file (a copied file, a theme file, a page a deferred
// report publishes) fails every build, in memory, lazy (the preview) and
// into a sink (isms build), with the same located words: the disk would
// refuse it anyway (publish.Stream: "both a file and a folder"), and
// the preview served it.
func TestFileAndFolderOfOneName(t *testing.T) {
	t.Parallel()
	doc := []byte("---\nid: DOC-FF\ntitle: File and folder\ntype: procedure\nowner: CISO\nreviewed: 2026-10-01\n---\n\nBody.\n")
	for name, c := range map[string]struct {
		files map[string]string
		at    string
	}{
		"copied file":   {map[string]string{"content/policies/list.csv": "a,b\n", "content/policies/list.csv.md": ""}, "/policies/list.csv"},
		"theme file":    {map[string]string{"content/assets/chroma.css.md": ""}, "/assets/chroma.css"},
		"deferred page": {map[string]string{"content/currency.json.md": ""}, "/currency.json"},
		"file in page":  {map[string]string{"content/policies/backup/index.html/x.txt": "x\n"}, "/policies/backup/index.html"},
	} {
		t.Run(name, func(t *testing.T) {
			// A site of two documents: the sample's 57 made this test
			// 0.8 s of the quick suite's CPU, for the same words.
			site := fstest.MapFS{
				"content/policies/backup.md": &fstest.MapFile{Data: []byte("---\nid: POL-BAK\ntitle: Backup\ntype: policy\nowner: CISO\nreviewed: 2026-10-01\n---\n\nBody.\n"), Mode: 0o644},
			}
			for p, b := range c.files {
				if b == "" {
					site[p] = &fstest.MapFile{Data: doc, Mode: 0o644}
				} else {
					site[p] = &fstest.MapFile{Data: []byte(b), Mode: 0o644}
				}
			}
			want := "which needs " + c.at + " to be a folder"
			var said []string
			for how, o := range map[string]Options{
				"eager": {Site: site, AsOf: asOf},
				"lazy":  {Site: site, AsOf: asOf, Lazy: true, Cache: NewCache()},
				"sink":  {Site: site, AsOf: asOf, Sink: &mapSink{files: view.Tree{}}},
			} {
				res, err := Build(context.Background(), o)
				if err != nil || res.Tree != nil || res.Written != 0 || !strings.Contains(res.Diags.String(), want) {
					t.Errorf("%s build: %v, tree %v, %d written; want %q in\n%s", how, err, res.Tree != nil, res.Written, want, res.Diags)
				}
				said = append(said, res.Diags.String())
			}
			if said[0] != said[1] || said[1] != said[2] {
				t.Errorf("the builds say different things:\n%s", strings.Join(said, "\n---\n"))
			}
		})
	}
}
