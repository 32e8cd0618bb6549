package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCorpora builds real policy sets written for other tools (in
// ../shared/corpora, beside the clone) as if they were our content. They
// lack our front-matter, so the build must fail — without panicking, and
// saying for each document what it lacks.
func TestCorpora(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..", "shared", "corpora")
	dirs, _ := filepath.Glob(filepath.Join(root, "*"))
	if len(dirs) == 0 {
		t.Skipf("no corpora at %s (it sits beside the clone in CI); skipping", root)
	}
	for _, dir := range dirs {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			site := &prefixFS{dir: dir}
			res, err := Build(context.Background(), Options{Site: site, Today: asOf})
			if err != nil {
				t.Fatal(err)
			}
			out := res.Diags.String()
			if len(res.Diags) == 0 {
				t.Skip("no Markdown documents in this corpus")
			}
			for _, d := range res.Diags {
				if d.Pos.Line < 1 && d.Pos.Path != "content" {
					t.Errorf("unlocated: %v", d)
				}
			}
			if strings.Contains(out, "content/") && !strings.Contains(out, "missing") && !strings.Contains(out, "no front-matter") {
				t.Errorf("diagnostics do not say what documents lack:\n%s", out)
			}
			t.Logf("%d diagnostics, e.g.\n%s", len(res.Diags), strings.Join(strings.SplitN(out, "\n", 6)[:min(5, strings.Count(out, "\n"))], "\n"))
		})
	}
}
