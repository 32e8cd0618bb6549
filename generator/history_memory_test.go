package generator

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	githistory "github.com/isms-project/isms/generator/history"
)

// The history report reads through a one-method Reader; an in-memory
// history stands in for git: versions are diffed and judged as from a
// repository, with no git and no folder on disk.
func TestHistoryFromMemory(t *testing.T) {
	t.Parallel()
	v1 := "---\nid: POL-1\ntitle: A policy\ntype: policy\nowner: CISO\nversion: \"1.0\"\nreviewed: 2026-06-01\n---\nOld text.\n"
	v2 := "---\nid: POL-1\ntitle: A policy\ntype: policy\nowner: CISO\nversion: \"1.0\"\nreviewed: 2026-06-01\n---\nNew text.\n"
	log := githistory.Memory("c2", map[string][]githistory.Rev{
		"policies/a.md": {
			{Hash: "c2", Short: "c2", Author: "Ann", Date: "2026-06-02", Subject: "Reword", Path: "policies/a.md", Status: 'M', Blob: "b2"},
			{Hash: "c1", Short: "c1", Author: "Ann", Date: "2026-06-01", Subject: "First", Path: "policies/a.md", Status: 'A', Blob: "b1"},
		},
	}, map[string][]byte{"b1": []byte(v1), "b2": []byte(v2)})
	site := fstest.MapFS{"content/policies/a.md": {Data: []byte(v2)}}
	res, err := Build(context.Background(), Options{Site: site, SiteDir: "in-memory", Today: asOf, History: githistory.Fixed{Log: log}})
	if err != nil || res.Tree == nil {
		t.Fatalf("%v\n%s", err, res.Diags)
	}
	page := string(res.Tree["policies/a/history/index.html"])
	for _, want := range []string{"Reword", "First", "Old text.", "New text."} {
		if !strings.Contains(page, want) {
			t.Errorf("history page lacks %q", want)
		}
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.Rule == "history-version-unchanged"
	}
	if !found {
		t.Error("the text changed but the version did not: no history-version-unchanged finding")
	}
	if res.Commit != "c2" {
		t.Errorf("commit %q, want the memory log's head c2", res.Commit)
	}
}
