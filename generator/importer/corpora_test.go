package importer

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/isms-project/isms/generator/model"
)

// TestCorpora imports the shared real-world policy sets, when present
// beside the repository, and requires the imported sites to build with
// zero errors. What could not be mapped is counted and logged (-v).
func TestCorpora(t *testing.T) {
	for _, c := range []struct{ format, dir string }{
		{"comply", "comply-soc2"},
		{"jupiterone", "jupiterone-psp-templates"},
	} {
		for _, org := range []string{"", "Example Org"} {
			t.Run(c.dir+"/org="+org, func(t *testing.T) {
				dir := filepath.Join("..", "..", "..", "shared", "corpora", c.dir)
				if _, err := os.Stat(dir); err != nil {
					t.Skipf("corpus %s not found (%v): skipped", dir, err)
				}
				s, err := Import(c.format, os.DirFS(dir), Options{Today: model.DateOf(2026, 11, 27), Org: org})
				if err != nil {
					t.Fatal(err)
				}
				r, err := Finish(s, model.DateOf(2026, 11, 27))
				if err != nil {
					t.Fatal(err)
				}
				nerr, nwarn := r.Diags.Count()
				if nerr != 0 {
					for _, d := range r.Diags {
						t.Log(d)
					}
					t.Errorf("%d build errors", nerr)
				}
				counts := r.Counts()
				t.Logf("%s (--org %q): %d documents, %d errors, %d warnings", c.dir, org, r.Documents, nerr, nwarn)
				for _, k := range kindOrder {
					t.Logf("  %-18s %d", k, counts[k])
				}
				if r.Documents == 0 || !slices.Contains(sortedKeys(r.Files), "IMPORT.md") {
					t.Error("nothing imported")
				}
			})
		}
	}
}
