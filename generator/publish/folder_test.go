package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/isms-project/isms/internal/testmode"
)

// readTree returns every file and folder under dir as path → "mode content",
// so that one comparison covers contents, permissions and stale files.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			out[filepath.ToSlash(rel)+"/"] = info.Mode().String()
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = info.Mode().String() + " " + string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// siblings lists what else is in dest's parent, to catch leftover temporary
// folders.
func siblings(t *testing.T, dest string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dest))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != filepath.Base(dest) {
			names = append(names, e.Name())
		}
	}
	return names
}

var (
	siteV1 = fstest.MapFS{
		"index.html":                 {Data: []byte("<h1>v1</h1>")},
		"policies/access/index.html": {Data: []byte("access v1")},
		"old/stale.html":             {Data: []byte("only in v1")},
		"style.css":                  {Data: []byte("body{}")},
	}
	siteV2 = fstest.MapFS{
		"index.html":                 {Data: []byte("<h1>v2</h1>")},
		"policies/access/index.html": {Data: []byte("access v2")},
		"policies/new/index.html":    {Data: []byte("new in v2")},
		"style.css":                  {Data: []byte("body{}")},
		"empty.txt":                  {Data: nil},
	}
)

func TestFolderFirstPublish(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "not", "yet", "public")
	if err := Folder(dest, siteV1); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"/":                          "drwxr-xr-x",
		MarkerName:                   "-rw-r--r-- " + string(markerFor([]string{"index.html", "policies/access/index.html", "old/stale.html", "style.css"})),
		"index.html":                 "-rw-r--r-- <h1>v1</h1>",
		"old/":                       "drwxr-xr-x",
		"old/stale.html":             "-rw-r--r-- only in v1",
		"policies/":                  "drwxr-xr-x",
		"policies/access/":           "drwxr-xr-x",
		"policies/access/index.html": "-rw-r--r-- access v1",
		"style.css":                  "-rw-r--r-- body{}",
	}
	got := readTree(t, dest)
	got["/"] = got["./"]
	delete(got, "./")
	if !maps.Equal(got, want) {
		t.Errorf("published tree:\n%v\nwant:\n%v", got, want)
	}
	if s := siblings(t, dest); len(s) != 0 {
		t.Errorf("left beside dest: %v", s)
	}
}

func TestFolderReplacesAndRemovesStale(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "public")
	if err := Folder(dest, siteV1); err != nil {
		t.Fatal(err)
	}
	if err := Folder(dest, siteV2); err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if err := Folder(fresh, siteV2); err != nil {
		t.Fatal(err)
	}
	got, want := readTree(t, dest), readTree(t, fresh)
	if !maps.Equal(got, want) {
		t.Errorf("after republishing:\n%v\nwant the same as a fresh publish:\n%v", got, want)
	}
	if _, ok := got["old/stale.html"]; ok {
		t.Error("stale file from the previous build survived")
	}
	if s := siblings(t, dest); len(s) != 1 || s[0] != ".public.spare" {
		t.Errorf("beside dest: %v, want the previous build kept as .public.spare", s)
	}
}

// TestFolderUpdatesSpare: the third publish brings the kept previous
// build up to date, whatever happened to it, and leaves the live site's
// files (which the spare shares by hard link) alone while doing so.
func TestFolderUpdatesSpare(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dest := filepath.Join(dir, "public")
	spare := filepath.Join(dir, ".public.spare")
	for _, site := range []fstest.MapFS{siteV1, siteV2} {
		if err := Folder(dest, site); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := readTree(t, spare), publishFresh(t, siteV1); !maps.Equal(got, want) {
		t.Fatalf("spare after two publishes:\n%v\nwant the first build:\n%v", got, want)
	}
	// Meddle with the spare: junk, a wrong mode, a symlink, a folder where
	// a file will go and a file where a folder will go.
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(spare, "junk.txt"), []byte("junk"), 0o644))
	must(os.Chmod(filepath.Join(spare, "style.css"), 0o600))
	must(os.Remove(filepath.Join(spare, "index.html")))
	must(os.Symlink("/etc/passwd", filepath.Join(spare, "index.html")))
	must(os.MkdirAll(filepath.Join(spare, "empty.txt", "sub"), 0o755))
	v3 := fstest.MapFS{
		"index.html":                 {Data: []byte("<h1>v3</h1>")},
		"policies/access/index.html": {Data: []byte("access v2")},
		"policies":                   nil,
		"old":                        {Data: []byte("a file where a folder was")},
		"style.css":                  {Data: []byte("body{}")},
		"empty.txt":                  {Data: []byte("now a file")},
	}
	delete(v3, "policies")
	live := readTree(t, dest)
	if err := Folder(dest, v3); err != nil {
		t.Fatal(err)
	}
	if got, want := readTree(t, dest), publishFresh(t, v3); !maps.Equal(got, want) {
		t.Errorf("published from the spare:\n%v\nwant the same as a fresh publish:\n%v", got, want)
	}
	if got := readTree(t, spare); !maps.Equal(got, live) {
		t.Errorf("the build that was live changed while the spare was updated:\n%v\nwas:\n%v", got, live)
	}
}

func publishFresh(t *testing.T, site fs.FS) map[string]string {
	t.Helper()
	fresh := filepath.Join(t.TempDir(), "fresh")
	if err := Folder(fresh, site); err != nil {
		t.Fatal(err)
	}
	return readTree(t, fresh)
}

// failingFS is a site whose one file cannot be read, as when a renderer
// fails half-way through writing the tree.
type failingFS struct {
	fstest.MapFS
	bad string
}

var errBroken = errors.New("disk on fire")

func (f failingFS) Open(name string) (fs.File, error) {
	if name == f.bad {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errBroken}
	}
	return f.MapFS.Open(name)
}

func TestFolderFailureLeavesPreviousIntact(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"index.html", "policies/new/index.html", "style.css"} {
		t.Run(bad, func(t *testing.T) {
			dest := filepath.Join(t.TempDir(), "public")
			if err := Folder(dest, siteV1); err != nil {
				t.Fatal(err)
			}
			before := readTree(t, dest)
			err := Folder(dest, failingFS{siteV2, bad})
			if !errors.Is(err, errBroken) {
				t.Fatalf("Folder = %v, want the read error", err)
			}
			if after := readTree(t, dest); !maps.Equal(before, after) {
				t.Errorf("dest changed by a failed publish:\n%v\nwas:\n%v", after, before)
			}
			if s := siblings(t, dest); len(s) != 0 {
				t.Errorf("left beside dest: %v", s)
			}
		})
	}
}

func TestFolderRefusesDangerousDest(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file.txt")
	site := filepath.Join(base, "site")
	repo := filepath.Join(base, "repo")
	bare := filepath.Join(base, "bare-site")
	home := filepath.Join(base, "home")
	for p, data := range map[string]string{
		file:                                "keep me",
		filepath.Join(site, "isms.yaml"):    "title: x",
		filepath.Join(repo, ".git", "HEAD"): "ref: refs/heads/main",
		filepath.Join(bare, "content", "policy.md"): "---\nid: X\n---",
		filepath.Join(home, "notes.txt"):            "mine",
	} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("HOME", home)
	wd, _ := os.Getwd()
	before := readTree(t, base)
	for _, dest := range []string{"", "  ", "/", ".", "..", wd, filepath.Dir(wd), file, site, repo, bare, home, base} {
		if err := Folder(dest, siteV1); err == nil || !strings.Contains(err.Error(), "publish") {
			t.Errorf("Folder(%q) = %v, want a refusal", dest, err)
		}
	}
	if after := readTree(t, base); !maps.Equal(before, after) {
		t.Errorf("a refused publish changed files:\n%v\nwas:\n%v", after, before)
	}
	// A previous build that happens to have a content/ section is still
	// an output folder: it has index.html.
	out := filepath.Join(base, "out")
	site2 := fstest.MapFS{"index.html": {Data: []byte("home")}, "content/x/index.html": {Data: []byte("x")}}
	if err := Folder(out, site2); err != nil {
		t.Fatal(err)
	}
	if err := Folder(out, site2); err != nil {
		t.Errorf("republishing a site with a content/ section: %v", err)
	}
}

func TestFolderThroughSymlink(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	real := filepath.Join(base, "www", "site")
	link := filepath.Join(base, "public")
	if err := Folder(real, siteV1); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symlinks:", err)
	}
	if err := Folder(link, siteV2); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", info, err)
	}
	if got := readTree(t, real); got["index.html"] != "-rw-r--r-- <h1>v2</h1>" || got["old/stale.html"] != "" {
		t.Errorf("link target not republished: %v", got)
	}
}

// blockingFS signals that Folder has started writing the tree and then
// never returns from Open, so the test can kill the process mid-write.
type blockingFS struct {
	fstest.MapFS
	marker string
}

func (b blockingFS) Open(name string) (fs.File, error) {
	if name == "style.css" {
		os.WriteFile(b.marker, nil, 0o644)
		select {}
	}
	return b.MapFS.Open(name)
}

// TestHelperKilledPublish is not a test on its own: TestFolderKilled runs
// the test binary with it selected, and kills it while Folder is writing.
func TestHelperKilledPublish(t *testing.T) {
	dest, marker := os.Getenv("PUBLISH_HELPER_DEST"), os.Getenv("PUBLISH_HELPER_MARKER")
	if dest == "" {
		t.Skip("helper process only")
	}
	Folder(dest, blockingFS{siteV2, marker})
	t.Fatal("Folder returned though it should have blocked")
}

func TestFolderKilled(t *testing.T) {
	t.Parallel()
	testmode.Medium(t) // starts a subprocess
	dir := t.TempDir()
	dest := filepath.Join(dir, "public")
	marker := filepath.Join(t.TempDir(), "writing")
	if err := Folder(dest, siteV1); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, dest)
	killMidPublish(t, dest, marker)

	if after := readTree(t, dest); !maps.Equal(before, after) {
		t.Errorf("dest changed by a killed publish:\n%v\nwas:\n%v", after, before)
	}
	// The killed build's lock file stays too (the kernel released its
	// lock when the process died); the next build takes it and removes it.
	left := slices.DeleteFunc(siblings(t, dest), func(n string) bool { return n == ".public.lock" })
	if len(left) != 1 || !strings.HasPrefix(left[0], ".public.tmp-") {
		t.Fatalf("expected the killed build's temporary folder beside dest, found %v", left)
	}
	// The next publish sweeps the leftover.
	if err := Folder(dest, siteV2); err != nil {
		t.Fatal(err)
	}
	if s := siblings(t, dest); len(s) != 1 || s[0] != ".public.spare" {
		t.Errorf("leftover not swept: %v", s)
	}
	if got := readTree(t, dest); got["index.html"] != "-rw-r--r-- <h1>v2</h1>" {
		t.Errorf("after recovery: %v", got)
	}

	// Killed again, now while bringing the spare up to date: dest stays,
	// and the next publish is whole.
	before = readTree(t, dest)
	os.Remove(marker)
	killMidPublish(t, dest, marker)
	if after := readTree(t, dest); !maps.Equal(before, after) {
		t.Errorf("dest changed by a publish killed while updating the spare:\n%v\nwas:\n%v", after, before)
	}
	if err := Folder(dest, siteV1); err != nil {
		t.Fatal(err)
	}
	if got, want := readTree(t, dest), publishFresh(t, siteV1); !maps.Equal(got, want) {
		t.Errorf("after a killed update of the spare:\n%v\nwant:\n%v", got, want)
	}
}

// killMidPublish runs Folder(dest, siteV2) in a subprocess and kills it
// once it is reading the tree.
func killMidPublish(t *testing.T, dest, marker string) {
	t.Helper()
	killHelper(t, "TestHelperKilledPublish", dest, marker)
}

// TestHelperKilledStream is the subprocess of TestStreamKilled: a
// streamed build that has written half the site and then hangs.
func TestHelperKilledStream(t *testing.T) {
	dest, marker := os.Getenv("PUBLISH_HELPER_DEST"), os.Getenv("PUBLISH_HELPER_MARKER")
	if dest == "" {
		t.Skip("helper process only")
	}
	s, err := Options{}.Begin(dest)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"index.html", "policies/new/index.html"} {
		if err := s.Write(n, siteV2[n].Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	select {} // killed here
}

// TestStreamKilled: a streamed build killed half-way (isms build writes
// its pages as it renders them) leaves dest whole, in a fresh folder and
// while bringing the kept build up to date; the next build sweeps what
// it left and publishes what a fresh build does.
func TestStreamKilled(t *testing.T) {
	t.Parallel()
	testmode.Medium(t) // starts a subprocess
	dest := filepath.Join(t.TempDir(), "public")
	if err := Folder(dest, siteV1); err != nil {
		t.Fatal(err)
	}
	for round := range 2 { // without, then with a kept build
		marker := filepath.Join(t.TempDir(), "writing")
		before := readTree(t, dest)
		killHelper(t, "TestHelperKilledStream", dest, marker)
		if after := readTree(t, dest); !maps.Equal(before, after) {
			t.Errorf("round %d: dest changed by a killed stream:\n%v\nwas:\n%v", round, after, before)
		}
		if err := streamTree(t, dest, siteV1, 1); err != nil {
			t.Fatalf("round %d: the next build: %v", round, err)
		}
		if got, want := readTree(t, dest), publishFresh(t, siteV1); !maps.Equal(got, want) {
			t.Errorf("round %d: after a killed stream:\n%v\nwant:\n%v", round, got, want)
		}
		if s := siblings(t, dest); len(s) != 1 || s[0] != ".public.spare" {
			t.Errorf("round %d: beside dest: %v", round, s)
		}
	}
}

// killHelper runs the helper test name in a subprocess publishing to
// dest and kills it once it has created marker.
func killHelper(t *testing.T, name, dest, marker string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$")
	cmd.Env = append(os.Environ(), "PUBLISH_HELPER_DEST="+dest, "PUBLISH_HELPER_MARKER="+marker)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := os.Stat(marker); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatal("helper never started writing")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
}

func TestSwapAside(t *testing.T) {
	t.Parallel()
	// The portable swap is used where renameat2 is missing; run it here too.
	dir := t.TempDir()
	dest := filepath.Join(dir, "public")
	fresh := filepath.Join(dir, tmpPrefix("public")+"123")
	for p, data := range map[string]string{
		filepath.Join(dest, "old.html"):    "old",
		filepath.Join(fresh, "index.html"): "new",
	} {
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	old, err := swapAside(fresh, dest)
	if err != nil {
		t.Fatal(err)
	}
	if old != filepath.Join(dir, oldPrefix("public")+"123") {
		t.Errorf("old build set aside at %s", old)
	}
	if got := readTree(t, dest); got["index.html"] != "-rw-r--r-- new" || got["old.html"] != "" {
		t.Errorf("dest after swap: %v", got)
	}
	if got := readTree(t, old); got["old.html"] != "-rw-r--r-- old" {
		t.Errorf("old build: %v", got)
	}
	// No previous build: a plain rename.
	os.RemoveAll(dest)
	os.MkdirAll(fresh, 0o755)
	if old, err := swapAside(fresh, dest); err != nil || old != "" {
		t.Errorf("swapAside onto nothing = %q, %v", old, err)
	}
}

func BenchmarkFolder(b *testing.B) {
	site := fstest.MapFS{}
	page := []byte(strings.Repeat("<p>Access to dispatch systems is restricted.</p>\n", 200))
	for i := range 1000 {
		site[fmt.Sprintf("docs/d%03d/doc%d/index.html", i/50, i)] = &fstest.MapFile{Data: page}
	}
	dest := filepath.Join(b.TempDir(), "public")
	for b.Loop() {
		if err := Folder(dest, site); err != nil {
			b.Fatal(err)
		}
	}
}
