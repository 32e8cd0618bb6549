package history

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	git "github.com/isms-project/isms/generator/history"
	"github.com/isms-project/isms/internal/testmode"
)

// cacheRepo is a real repository of documents with a few versions each,
// some renamed, one with no front-matter, and run runs git in it.
func cacheRepo(t *testing.T) (dir string, paths []string, run func(args ...string), write func(path, text string)) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git binary; skipping tests on a git repository")
	}
	dir = t.TempDir()
	run = func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(testmode.GitEnviron(),
			"GIT_AUTHOR_NAME=A", "GIT_AUTHOR_EMAIL=a@example.org", "GIT_COMMITTER_NAME=A", "GIT_COMMITTER_EMAIL=a@example.org",
			"GIT_AUTHOR_DATE=2026-01-01T10:00:00+00:00", "GIT_COMMITTER_DATE=2026-01-01T10:00:00+00:00")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write = func(path, text string) {
		t.Helper()
		full := filepath.Join(dir, "content", path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("init", "-q", "-b", "main")
	for edit := range 4 {
		for d := range 6 {
			path := fmt.Sprintf("policies/pol-%d.md", d)
			if edit == 0 {
				paths = append(paths, path)
			}
			text := fmt.Sprintf("---\nid: POL-%d\ntitle: Policy <%d>\nversion: \"1.%d\"\nstatus: draft\n---\n# Purpose\n\n", d, d, edit/2)
			for l := range 30 {
				if l == 7*edit+d%3 {
					text += fmt.Sprintf("Line %d, edited in round %d & more.\n", l, edit)
					continue
				}
				text += fmt.Sprintf("Line %d of policy %d.\n", l, d)
			}
			if d == 5 {
				text = fmt.Sprintf("No front-matter, round %d.\n", edit)
			}
			write(path, text)
		}
		run("add", "-A")
		run("commit", "-q", "-m", fmt.Sprintf("round %d", edit))
	}
	run("mv", "content/policies/pol-1.md", "content/policies/renamed.md")
	run("commit", "-q", "-m", "rename")
	paths[1] = "policies/renamed.md"
	return dir, paths, run, write
}

func readLog(t *testing.T, dir string) *git.Log {
	t.Helper()
	log, err := git.Read(t.Context(), dir, "content")
	if err != nil || !log.Available {
		t.Fatalf("reading the history: %v", err)
	}
	return log
}

// TestDiskCache: the versions a build reads and diffs are kept on disk
// and the next build takes them from there, the same to the last field,
// without asking git for one old version (here git has none left); a
// document a new commit touched is read and diffed again, and the cache
// then holds what the documents have now, and nothing else.
func TestDiskCache(t *testing.T) {
	dir, paths, run, write := cacheRepo(t)
	cacheDir := t.TempDir()
	log := readLog(t, dir)
	want, err := diffWithin(t.Context(), log, paths, maxUndiffed, nil)
	if err != nil {
		t.Fatal(err)
	}
	cold, save, err := diffVersions(t.Context(), log, paths, openCache(cacheDir, dir, "content"))
	if err != nil || save == nil {
		t.Fatalf("cold: %v, save %v", err, save != nil)
	}
	if !reflect.DeepEqual(cold, want) {
		t.Fatal("the versions made with a cache differ from those made without")
	}
	save()
	files, _ := filepath.Glob(filepath.Join(cacheDir, "*.bin"))
	if len(files) != 1 {
		t.Fatalf("cache files: %v", files)
	}
	if st, err := os.Stat(files[0]); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("cache file: %v, %v", st.Mode(), err)
	}

	// Every old version gone from the repository: only the cache can
	// answer.
	objects := filepath.Join(dir, ".git", "objects")
	hidden := filepath.Join(t.TempDir(), "objects")
	if err := os.Rename(objects, hidden); err != nil {
		t.Fatal(err)
	}
	warm, save, err := diffVersions(t.Context(), log, paths, openCache(cacheDir, dir, "content"))
	if err != nil || save != nil {
		t.Fatalf("warm: %v, writes again %v", err, save != nil)
	}
	if !reflect.DeepEqual(warm, want) {
		for _, p := range paths {
			if !reflect.DeepEqual(warm[p], want[p]) {
				t.Errorf("%s: from the cache\n%+v\nwant\n%+v", p, warm[p], want[p])
			}
		}
	}
	if err := os.Rename(hidden, objects); err != nil {
		t.Fatal(err)
	}

	// A new commit to one document: it alone is read again.
	write("policies/pol-2.md", "---\nid: POL-2\ntitle: Policy 2\nversion: \"2.0\"\n---\nRewritten.\n")
	run("commit", "-q", "-am", "rewrite")
	log = readLog(t, dir)
	want, err = diffWithin(t.Context(), log, paths, maxUndiffed, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := openCache(cacheDir, dir, "content")
	if len(c.entries) != len(paths) {
		t.Fatalf("%d entries for %d documents", len(c.entries), len(paths))
	}
	got, save, err := diffVersions(t.Context(), log, paths, c)
	if err != nil || save == nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("after a commit: %v, save %v, same %v", err, save != nil, reflect.DeepEqual(got, want))
	}
	save()
	old := time.Now().Add(-cacheMaxAge / 2)
	os.Chtimes(c.path, old, old)
	c = openCache(cacheDir, dir, "content")
	k, _ := cacheKey(log.Revisions("policies/pol-2.md"))
	if _, ok := c.entries[k]; !ok || len(c.entries) != len(paths) {
		t.Errorf("the cache holds %d entries, the new versions %v", len(c.entries), ok)
	}
	if st, err := os.Stat(c.path); err != nil || time.Since(st.ModTime()) > time.Hour {
		t.Errorf("a cache file a build used was not made fresh: %v", err)
	}
}

// TestDiskCacheRefused: a cache file cut short anywhere, with any byte
// changed, written by another isms binary or not a cache at all is not
// used, and never fails the build: the versions are read from git.
func TestDiskCacheRefused(t *testing.T) {
	dir, paths, _, _ := cacheRepo(t)
	cacheDir := t.TempDir()
	log := readLog(t, dir)
	want, save, err := diffVersions(t.Context(), log, paths, openCache(cacheDir, dir, "content"))
	if err != nil {
		t.Fatal(err)
	}
	save()
	c := openCache(cacheDir, dir, "content")
	good, err := os.ReadFile(c.path)
	if err != nil {
		t.Fatal(err)
	}
	if entries, err := decodeCache(good, c.id); err != nil || len(entries) != len(paths) {
		t.Fatalf("the cache as written: %v, %d entries", err, len(entries))
	}
	var bad [][]byte
	for n := 0; n < len(good); n += 1 + n/8 {
		bad = append(bad, good[:n])
	}
	for i := 0; i < len(good); i += 1 + i/16 {
		b := bytes.Clone(good)
		b[i] ^= 0x20
		bad = append(bad, b)
	}
	other := bytes.Replace(good, []byte(c.id), []byte(strings.Repeat("x", len(c.id))), 1)
	bad = append(bad, other, []byte("junk"), nil)
	for i, b := range bad {
		if entries, err := decodeCache(b, c.id); err == nil {
			t.Fatalf("damaged file %d (%d bytes) accepted with %d entries", i, len(b), len(entries))
		}
	}
	for _, b := range [][]byte{good[:len(good)/2], other} {
		if err := os.WriteFile(c.path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		got, save, err := diffVersions(t.Context(), log, paths, openCache(cacheDir, dir, "content"))
		if err != nil || save == nil || !reflect.DeepEqual(got, want) {
			t.Errorf("from a refused cache: %v, rewritten %v, same %v", err, save != nil, reflect.DeepEqual(got, want))
		}
	}
}

// TestDiskCacheEntryChecked: an entry that does not fit the revisions it
// is asked for (a forged or stale count) is not used for them.
func TestDiskCacheEntryChecked(t *testing.T) {
	dir, paths, _, _ := cacheRepo(t)
	log := readLog(t, dir)
	want, err := diffWithin(t.Context(), log, paths, maxUndiffed, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		revs := log.Revisions(p)
		e := encodeVersions(nil, want[p])
		if vs, ok := decodeVersions(e, p, revs); !ok || !reflect.DeepEqual(vs, want[p]) {
			t.Fatalf("%s: round trip %v", p, ok)
		}
		if _, ok := decodeVersions(e, p, revs[1:]); ok {
			t.Errorf("%s: an entry of %d versions used for %d", p, len(revs), len(revs)-1)
		}
		if _, ok := decodeVersions(append(bytes.Clone(e), 0), p, revs); ok {
			t.Errorf("%s: an entry with a byte too many used", p)
		}
		for n := range len(e) {
			if _, ok := decodeVersions(e[:n], p, revs); ok {
				t.Fatalf("%s: an entry cut at %d of %d bytes used", p, n, len(e))
			}
		}
	}
}

// FuzzDiskCache: no file or entry, however made, panics the reading.
func FuzzDiskCache(f *testing.F) {
	v := VersionView{Version: "1.0", Changes: []git.Change{{Field: "version", Old: "0.9", New: "1.0"}},
		Hunks: []git.Hunk{{Skipped: 3, Lines: []git.Line{{Kind: git.Added, Text: "new", NewNo: 4}}}}, diffed: true}
	e := encodeVersions(nil, []VersionView{v, {}})
	var key [32]byte
	body := append(key[:], byte(len(e)))
	body = append(body, e...)
	sum := sha256.Sum256(body)
	f.Add(append(append([]byte(cacheMagic+"\x02id"), body...), sum[:]...))
	f.Add(e)
	revs := []git.Rev{{Blob: strings.Repeat("a", 40)}, {Blob: strings.Repeat("b", 40)}}
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeCache(b, "id")
		decodeVersions(b, "p.md", revs)
	})
}

// TestIdentity: binaries whose diffs may differ never share a cache. A
// released module version or the commit of a checkout left as committed
// names the source; two builds of one edited checkout (Go stamps both
// v0.0.0-…+dirty and the same commit) are told apart by their
// executables, and a binary that can be told apart by nothing gets no
// cache at all.
func TestIdentity(t *testing.T) {
	build := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26", Main: debug.Module{Path: "github.com/isms-project/isms", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	exeA := func() (string, bool) { return "/usr/bin/isms 100 t1", true }
	exeB := func() (string, bool) { return "/usr/bin/isms 101 t2", true }
	none := func() (string, bool) { return "", false }
	const rev = "fa27ed760e95"
	for _, c := range []struct {
		name   string
		bi     *debug.BuildInfo
		sameAB bool // the same identity whatever the executable
	}{
		{"released", build("v1.4.0"), true},
		{"commit of a clean checkout", build("v0.0.0-20261205-fa27ed760e95", "vcs.revision", rev, "vcs.modified", "false"), true},
		{"edited checkout", build("v0.0.0-20261205-fa27ed760e95+dirty", "vcs.revision", rev, "vcs.modified", "true"), false},
		{"dirty version, no vcs settings", build("v0.0.0-20261205-fa27ed760e95+dirty"), false},
		{"devel, -buildvcs=false", build("(devel)"), false},
		{"test binary", build(""), false},
		{"no build information", nil, false},
	} {
		a, b := identity(c.bi, exeA), identity(c.bi, exeB)
		if a == "" || (a == b) != c.sameAB {
			t.Errorf("%s: identities %q and %q with two executables", c.name, a, b)
		}
		if got := identity(c.bi, none); c.sameAB && got != a || !c.sameAB && got != "" {
			t.Errorf("%s: without the executable %q", c.name, got)
		}
	}
	if identity(build("v1.4.0"), exeA) == identity(build("v1.4.1"), exeA) {
		t.Error("two released versions share an identity")
	}
	clean := func(r string) *debug.BuildInfo {
		return build("v0.0.0", "vcs.revision", r, "vcs.modified", "false")
	}
	if identity(clean("aaa"), exeA) == identity(clean("bbb"), exeA) {
		t.Error("two commits share an identity")
	}
	withDep := clean("aaa")
	withDep.Deps = []*debug.Module{{Path: "github.com/sergi/go-diff", Version: "v1.4.0"}}
	if identity(clean("aaa"), exeA) == identity(withDep, exeA) {
		t.Error("two builds with other dependencies share an identity")
	}
}

// TestDiskCacheWithoutIdentity: a binary that cannot be told from
// another keeps no cache.
func TestDiskCacheWithoutIdentity(t *testing.T) {
	saved := binaryID
	binaryID = func() string { return "" }
	defer func() { binaryID = saved }()
	if c := openCache(t.TempDir(), t.TempDir(), "content"); c != nil {
		t.Error("a cache without an identity")
	}
}

// TestDiskCacheSkipsMissing: a document with a version the repository
// no longer has (a shallow or partial clone) is not kept: what the cache
// would say of it depends on what git has, not on its blobs.
func TestDiskCacheSkipsMissing(t *testing.T) {
	dir, paths, _, _ := cacheRepo(t)
	log := readLog(t, dir)
	revs := log.Revisions(paths[0])
	old := revs[len(revs)-1].Blob
	if err := os.Remove(filepath.Join(dir, ".git", "objects", old[:2], old[2:])); err != nil {
		t.Fatalf("removing a loose blob: %v", err)
	}
	cacheDir := t.TempDir()
	got, save, err := diffVersions(t.Context(), log, paths, openCache(cacheDir, dir, "content"))
	if err != nil || save == nil {
		t.Fatal(err)
	}
	if vs := got[paths[0]]; !vs[len(vs)-1].Missing {
		t.Fatal("the removed version is not missing")
	}
	save()
	c := openCache(cacheDir, dir, "content")
	k, _ := cacheKey(revs)
	if _, ok := c.entries[k]; ok || len(c.entries) != len(paths)-1 {
		t.Errorf("%d entries kept; the document missing a version kept: %v", len(c.entries), ok)
	}
}

// TestDiskCacheNotAFile: a link at the cache's path is not followed.
func TestDiskCacheNotAFile(t *testing.T) {
	dir, paths, _, _ := cacheRepo(t)
	log := readLog(t, dir)
	cacheDir := t.TempDir()
	_, save, err := diffVersions(t.Context(), log, paths, openCache(cacheDir, dir, "content"))
	if err != nil {
		t.Fatal(err)
	}
	save()
	c := openCache(cacheDir, dir, "content")
	if len(c.entries) != len(paths) {
		t.Fatalf("%d entries", len(c.entries))
	}
	good := c.path + ".good"
	if err := os.Rename(c.path, good); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(good, c.path); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if c := openCache(cacheDir, dir, "content"); len(c.entries) != 0 {
		t.Error("entries read through a link")
	}
}
