package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
)

// importSource writes the src/ files of a testdata/import fixture into a
// temp folder and returns it.
func importSource(t *testing.T, fixture string) string {
	t.Helper()
	a, err := txtar.ParseFile(filepath.Join("..", "..", "testdata", "import", fixture))
	must(t, err)
	dir := t.TempDir()
	for _, f := range a.Files {
		if name, ok := strings.CutPrefix(f.Name, "src/"); ok {
			p := filepath.Join(dir, filepath.FromSlash(name))
			must(t, os.MkdirAll(filepath.Dir(p), 0o755))
			must(t, os.WriteFile(p, f.Data, 0o644))
		}
	}
	return dir
}

// snapshotTree maps every file under dir to its contents.
func snapshotTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	must(t, filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	}))
	return out
}

// TestImportWritesSite: the imported site has isms.yaml, .gitignore and
// IMPORT.md beside content/, builds with isms build, and the source is
// left as it was.
func TestImportWritesSite(t *testing.T) {
	t.Parallel()
	src := importSource(t, "comply/basic.txtar")
	before := snapshotTree(t, src)
	dest := filepath.Join(t.TempDir(), "site")
	code, out, errOut := runCLI(t, "import", "comply", src, dest)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	for _, f := range []string{"isms.yaml", ".gitignore", "IMPORT.md", "content/policies/boarding.md", "content/procedures/tablets.md"} {
		if _, err := os.Stat(filepath.Join(dest, f)); err != nil {
			t.Errorf("%s not written: %v", f, err)
		}
	}
	checklist, _ := os.ReadFile(filepath.Join(dest, "IMPORT.md"))
	if out != string(checklist) || !strings.Contains(out, "content/policies/boarding.md:5: owner is the placeholder") {
		t.Errorf("stdout is not IMPORT.md, or lacks the placeholder owner:\n%s", out)
	}
	if !strings.Contains(errOut, "wrote 4 documents") {
		t.Errorf("summary: %s", errOut)
	}
	if code, _, errOut := runCLI(t, "build", "-s", dest, "-d", filepath.Join(t.TempDir(), "out"), "--as-of", "2026-11-27"); code != 0 {
		t.Errorf("build of the imported site: exit %d\n%s", code, errOut)
	}
	after := snapshotTree(t, src)
	if len(after) != len(before) {
		t.Errorf("source changed: %d files before, %d after", len(before), len(after))
	}
	for p, b := range before {
		if after[p] != b {
			t.Errorf("source file %s changed", p)
		}
	}
}

// TestImportUsage: wrong invocations exit 2 and write nothing.
func TestImportUsage(t *testing.T) {
	t.Parallel()
	src := importSource(t, "comply/basic.txtar")
	full := t.TempDir()
	must(t, os.WriteFile(filepath.Join(full, "keep.txt"), []byte("mine"), 0o644))
	for _, c := range []struct {
		name string
		args []string
		msg  string
	}{
		{"non-empty dest", []string{"comply", src, full}, "exists and is not empty"},
		{"dest inside src", []string{"comply", src, filepath.Join(src, "out")}, "inside the source"},
		{"dest is src", []string{"comply", src, src}, "not empty"},
		{"unknown format", []string{"word", src, filepath.Join(t.TempDir(), "x")}, `unknown format "word"`},
		{"missing source", []string{"comply", filepath.Join(src, "nope"), filepath.Join(t.TempDir(), "x")}, "does not exist"},
		{"map for comply", []string{"comply", src, filepath.Join(t.TempDir(), "x"), "--map", "m.yaml"}, "frontmatter format only"},
		{"too few", []string{"comply", src}, "usage: isms import"},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := snapshotTree(t, src)
			code, _, errOut := runCLI(t, append([]string{"import"}, c.args...)...)
			if code != 2 || !strings.Contains(errOut, c.msg) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, c.msg)
			}
			if len(snapshotTree(t, src)) != len(before) {
				t.Error("wrote into the source")
			}
		})
	}
	if b, _ := os.ReadFile(filepath.Join(full, "keep.txt")); string(b) != "mine" {
		t.Error("non-empty dest was touched")
	}
	entries, _ := os.ReadDir(full)
	if len(entries) != 1 {
		t.Errorf("non-empty dest got files: %v", entries)
	}
}

// TestImportHelp: isms import -h explains the formats and the checklist.
func TestImportHelp(t *testing.T) {
	t.Parallel()
	code, _, errOut := runCLI(t, "import", "-h")
	for _, w := range []string{"comply", "jupiterone", "frontmatter", "IMPORT.md", "-map", "-org", "Exit status"} {
		if !strings.Contains(errOut, w) {
			t.Errorf("help lacks %q:\n%s", w, errOut)
		}
	}
	if code != 2 {
		t.Errorf("exit %d", code)
	}
}

// TestImportFrontMatterMap: --map is read, and a bad mapping is a usage
// error that names the key.
func TestImportFrontMatterMap(t *testing.T) {
	t.Parallel()
	src := importSource(t, "frontmatter/docusaurus.txtar")
	m := filepath.Join(t.TempDir(), "map.yaml")
	must(t, os.WriteFile(m, []byte("defaults:\n  owner: Security lead\nfolders:\n  procedures: { type: procedure }\n"), 0o644))
	dest := filepath.Join(t.TempDir(), "site")
	code, out, errOut := runCLI(t, "import", "frontmatter", src, dest, "--map", m)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, `owner is the placeholder "Security lead"`) {
		t.Errorf("mapping default owner not used:\n%s", out)
	}
	must(t, os.WriteFile(m, []byte("default:\n  owner: x\n"), 0o644))
	code, _, errOut = runCLI(t, "import", "frontmatter", src, filepath.Join(t.TempDir(), "s2"), "--map", m)
	if code == 0 || !strings.Contains(errOut, `unknown key "default"`) {
		t.Errorf("bad mapping: exit %d, %s", code, errOut)
	}
}
