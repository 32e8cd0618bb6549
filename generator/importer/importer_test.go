package importer

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/isms-project/isms/generator/model"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/import")

var testToday = model.DateOf(2026, 11, 27)

// TestGolden imports each fixture under testdata/import/<format>/ — a
// txtar whose src/ files are the source, with an optional mapping.yaml
// and org (the --org value) — and compares every file of the new site,
// IMPORT.md included, with <name>.golden. The imported site must build
// with zero errors.
func TestGolden(t *testing.T) {
	for _, format := range Formats {
		fixtures, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "import", format, "*.txtar"))
		if len(fixtures) == 0 {
			t.Errorf("no fixtures for %s", format)
		}
		for _, fx := range fixtures {
			name := format + "/" + strings.TrimSuffix(filepath.Base(fx), ".txtar")
			t.Run(name, func(t *testing.T) {
				a, err := txtar.ParseFile(fx)
				if err != nil {
					t.Fatal(err)
				}
				src := fstest.MapFS{}
				o := Options{Today: testToday}
				for _, f := range a.Files {
					switch {
					case strings.HasPrefix(f.Name, "src/"):
						src[strings.TrimPrefix(f.Name, "src/")] = &fstest.MapFile{Data: f.Data}
					case f.Name == "mapping.yaml":
						o.Mapping, o.MappingPath = f.Data, f.Name
					case f.Name == "org":
						o.Org = strings.TrimSpace(string(f.Data))
					default:
						t.Fatalf("fixture file %s: want src/…, mapping.yaml or org", f.Name)
					}
				}
				r := importFS(t, format, src, o)
				if n := r.Errors(); n != 0 {
					t.Errorf("imported site has %d build errors:\n%s", n, r.Diags)
				}
				got := archive(r.Files)
				golden := strings.TrimSuffix(fx, ".txtar") + ".golden"
				if *update {
					if err := os.WriteFile(golden, got, 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to write it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("output differs from %s (go test -update rewrites it; review the diff):\n%s", golden, firstDiff(string(want), string(got)))
				}
			})
		}
	}
}

func importFS(t *testing.T, format string, src fstest.MapFS, o Options) *Result {
	t.Helper()
	s, err := Import(format, src, o)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Finish(s, o.Today)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// archive is the new site as a txtar, files sorted by path.
func archive(files map[string][]byte) []byte {
	var a txtar.Archive
	for _, p := range sortedKeys(files) {
		a.Files = append(a.Files, txtar.File{Name: p, Data: files[p]})
	}
	return txtar.Format(&a)
}

func sortedKeys(m map[string][]byte) []string {
	var k []string
	for p := range m {
		k = append(k, p)
	}
	slices.Sort(k)
	return k
}

func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + a + "\n  got:  " + b
		}
	}
	return ""
}
