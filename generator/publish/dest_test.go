package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/isms-project/isms/internal/testmode"
)

// notes collects what Folder tells the user.
type notes struct {
	mu   sync.Mutex
	msgs []string
}

func (n *notes) add(msg string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.msgs = append(n.msgs, msg)
}

func (n *notes) String() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.msgs, "\n")
}

func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	for p, data := range files {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestFolderRefusesForeignFolder: the case. A folder that holds a
// user's files and no marker is refused, untouched; with Force it is
// replaced, its files are kept in the spare, and later builds never reuse
// or clean that spare.
func TestFolderRefusesForeignFolder(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	u := filepath.Join(base, "u")
	thesis := filepath.Join(u, "thesis.docx")
	writeFiles(t, map[string]string{thesis: "my thesis"})
	before := readTree(t, base)
	for range 2 {
		err := Folder(u, siteV1)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("Folder into a folder of someone's files = %v, want a refusal naming --force", err)
		}
	}
	if err := (Options{}).CheckDest(u); !errors.Is(err, ErrRefused) {
		t.Errorf("CheckDest = %v", err)
	}
	if after := readTree(t, base); !maps.Equal(before, after) {
		t.Fatalf("a refused publish touched files:\n%v\nwas:\n%v", after, before)
	}

	var n notes
	o := Options{Force: true, Notify: n.add}
	if err := o.Folder(u, siteV1); err != nil {
		t.Fatal(err)
	}
	spareThesis := filepath.Join(base, ".u.spare", "thesis.docx")
	if !strings.Contains(n.String(), "kept in "+filepath.Join(base, ".u.spare")) {
		t.Errorf("not told where the files went: %q", n.String())
	}
	// The next builds need no --force (u is a build now) and leave the
	// spare that holds the user's files alone, saying so.
	for _, site := range []fs.FS{siteV2, siteV1, siteV2} {
		if err := (Options{Notify: n.add}).Folder(u, site); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(spareThesis); err != nil || string(b) != "my thesis" {
			t.Fatalf("the user's file in the spare: %q, %v", b, err)
		}
	}
	if got, want := readTree(t, u), publishFresh(t, siteV2); !maps.Equal(got, want) {
		t.Errorf("published:\n%v\nwant:\n%v", got, want)
	}
	if !strings.Contains(n.String(), "left "+filepath.Join(base, ".u.spare")+" as it is") {
		t.Errorf("not told that the spare was left alone: %q", n.String())
	}
}

// TestFolderRefusesSiteFolders: the site, its parents, and anything
// inside its content/ or themes/ are refused, even with Force and through
// a symlink, and nothing is written.
func TestFolderRefusesSiteFolders(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	site := filepath.Join(base, "sites", "isms")
	writeFiles(t, map[string]string{
		filepath.Join(site, "content", "policies", "a.md"): "---\nid: A\n---\n",
		filepath.Join(site, "themes", "default", "x.css"):  "",
	})
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(filepath.Join(site, "content"), link); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, base)
	for _, dest := range []string{
		site, filepath.Dir(site), base,
		filepath.Join(site, "content"), filepath.Join(site, "content", "policies"), filepath.Join(site, "content", "new", "out"),
		filepath.Join(site, "themes"), filepath.Join(site, "themes", "default", "out"),
		link, filepath.Join(link, "out"),
	} {
		for _, force := range []bool{false, true} {
			err := (Options{Site: site, Force: force}).Folder(dest, siteV1)
			if !errors.Is(err, ErrRefused) {
				t.Errorf("Folder(%s, force %v) = %v, want a refusal", dest, force, err)
			}
		}
	}
	if after := readTree(t, base); !maps.Equal(before, after) {
		t.Errorf("a refused publish touched files:\n%v\nwas:\n%v", after, before)
	}
	// The site's own public/ is fine, and so is a relative site path.
	if err := (Options{Site: site}).Folder(filepath.Join(site, "public"), siteV1); err != nil {
		t.Errorf("SITE/public: %v", err)
	}
}

// TestFolderForeignSpareAndLeftovers: a spare or a leftover temporary
// folder without the marker is somebody's files: never reused or deleted.
func TestFolderForeignSpareAndLeftovers(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dest := filepath.Join(base, "public")
	if err := Folder(dest, siteV1); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, map[string]string{
		filepath.Join(base, ".public.spare", "mine.txt"):     "mine",
		filepath.Join(base, ".public.tmp-123", "also.txt"):   "also mine",
		filepath.Join(base, ".public.old-456", "x", "y.txt"): "mine too",
		filepath.Join(base, ".public.tmp-789", MarkerName):   markerHeader, // a killed build's
		filepath.Join(base, ".public.tmp-789", "index.html"): "half",
	})
	foreign := func() map[string]string {
		all := readTree(t, base)
		for p := range all {
			if !strings.HasPrefix(p, ".public.spare") && !strings.HasPrefix(p, ".public.tmp-123") && !strings.HasPrefix(p, ".public.old-456") {
				delete(all, p)
			}
		}
		return all
	}
	before := foreign()
	var n notes
	for _, site := range []fs.FS{siteV2, siteV1} {
		if err := (Options{Notify: n.add}).Folder(dest, site); err != nil {
			t.Fatal(err)
		}
	}
	if after := foreign(); !maps.Equal(before, after) {
		t.Errorf("folders isms did not write changed:\n%v\nwere:\n%v", after, before)
	}
	if exists(filepath.Join(base, ".public.tmp-789")) {
		t.Error("a killed build's own leftover was not removed")
	}
	if got, want := readTree(t, dest), publishFresh(t, siteV1); !maps.Equal(got, want) {
		t.Errorf("published:\n%v\nwant:\n%v", got, want)
	}
	for _, name := range []string{".public.spare", ".public.tmp-123", ".public.old-456"} {
		if !strings.Contains(n.String(), filepath.Join(base, name)+" as it is") {
			t.Errorf("not told about %s: %q", name, n.String())
		}
	}
}

func TestFolderRefusesSiteMarkerFile(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "public")
	if err := Folder(dest, fstest.MapFS{MarkerName: {Data: []byte("x")}}); err == nil || exists(dest) {
		t.Errorf("a site with its own %s: %v", MarkerName, err)
	}
}

// bigSite is a site of n files that all carry its name, so that a mix of
// two of them shows.
func bigSite(name string, n int) fstest.MapFS {
	site := fstest.MapFS{}
	for i := range n {
		site[fmt.Sprintf("d%02d/f%03d.html", i%10, i)] = &fstest.MapFile{Data: []byte(name + fmt.Sprint(i))}
	}
	site["only-"+name+".html"] = &fstest.MapFile{Data: []byte(name)}
	return site
}

// TestFolderConcurrent: two publishes into one folder at once both
// succeed, and the folder (and the spare) is always one site whole, never
// a mix.
func TestFolderConcurrent(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "public")
	// Each publish of the two sites takes a few milliseconds even at the
	// quick suite's 100 files, so the two goroutines still meet at the
	// lock; the full suite keeps 300 files and eight rounds.
	n := testmode.Rounds(100, 300)
	a, b := bigSite("a", n), bigSite("b", n)
	wantA, wantB := publishFresh(t, a), publishFresh(t, b)
	rounds := testmode.Rounds(2, 8)
	for round := range rounds {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, site := range []fs.FS{a, b} {
			wg.Go(func() { errs[i] = Folder(dest, site) })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("round %d: %v, %v", round, errs[0], errs[1])
		}
		for _, dir := range []string{dest, filepath.Join(filepath.Dir(dest), ".public.spare")} {
			got := readTree(t, dir)
			if !maps.Equal(got, wantA) && !maps.Equal(got, wantB) {
				t.Fatalf("round %d: %s is a mix of the two sites (%d files)", round, dir, len(got))
			}
		}
	}
}

func TestFolderLockTimeout(t *testing.T) {
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "public")
	if err := Folder(dest, siteV1); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, dest)
	unlock, err := lockDest(filepath.Dir(dest), "public", time.Second, func(string, ...any) {})
	if err != nil {
		t.Fatal(err)
	}
	var n notes
	err = (Options{LockWait: 100 * time.Millisecond, Notify: n.add}).Folder(dest, siteV2)
	if err == nil || !strings.Contains(err.Error(), "another build is still publishing") {
		t.Errorf("Folder while another holds the lock = %v", err)
	}
	if !strings.Contains(n.String(), "waiting") {
		t.Errorf("not told it waits: %q", n.String())
	}
	if after := readTree(t, dest); !maps.Equal(before, after) {
		t.Error("dest changed by a build that never got the lock")
	}
	unlock()
	if err := Folder(dest, siteV2); err != nil {
		t.Fatal(err)
	}
	if s := siblings(t, dest); len(s) != 1 || s[0] != ".public.spare" {
		t.Errorf("beside dest after the lock was released: %v", s)
	}
}

// failUnder makes every file written under dir fail as on a full disk.
// It swaps the package's createFile: a test that calls it must not call
// t.Parallel (most tests of this package do; Go runs the others first).
func failUnder(t *testing.T, dir string) {
	t.Helper()
	createFile = func(target string, files fs.FS, name string, chmod bool) error {
		if strings.HasPrefix(target, dir+string(filepath.Separator)) {
			return &os.PathError{Op: "write", Path: target, Err: syscall.ENOSPC}
		}
		return writeFile(target, files, name, chmod)
	}
	t.Cleanup(func() { createFile = writeFile })
}

// TestFolderDiskFullDropsSpare: a full disk while the spare is updated
// drops the spare, says so, and publishes from a fresh folder.
func TestFolderDiskFullDropsSpare(t *testing.T) {
	base := t.TempDir()
	dest, spare := filepath.Join(base, "public"), filepath.Join(base, ".public.spare")
	for _, site := range []fs.FS{siteV1, siteV2} {
		if err := Folder(dest, site); err != nil {
			t.Fatal(err)
		}
	}
	live := readTree(t, dest)
	failUnder(t, spare)
	var n notes
	v3 := fstest.MapFS{"index.html": {Data: []byte("<h1>v3</h1>")}, "style.css": {Data: []byte("body{}")}}
	if err := (Options{Notify: n.add}).Folder(dest, v3); err != nil {
		t.Fatalf("Folder after a full disk while updating the spare: %v", err)
	}
	if !strings.Contains(n.String(), "disk filled up") || !strings.Contains(n.String(), spare) {
		t.Errorf("not told: %q", n.String())
	}
	if got, want := readTree(t, dest), publishFresh(t, v3); !maps.Equal(got, want) {
		t.Errorf("published:\n%v\nwant:\n%v", got, want)
	}
	if got := readTree(t, spare); !maps.Equal(got, live) {
		t.Errorf("the spare is not the build that was live:\n%v\nwant:\n%v", got, live)
	}
}

// TestFolderDiskFullTwice: when the fresh folder does not fit either, the
// build fails, dest stays, and nothing is left beside it.
func TestFolderDiskFullTwice(t *testing.T) {
	base := t.TempDir()
	dest := filepath.Join(base, "public")
	for _, site := range []fs.FS{siteV1, siteV2} {
		if err := Folder(dest, site); err != nil {
			t.Fatal(err)
		}
	}
	live := readTree(t, dest)
	failUnder(t, base)
	err := Folder(dest, fstest.MapFS{"index.html": {Data: []byte("<h1>v3</h1>")}})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Folder = %v, want ENOSPC", err)
	}
	if got := readTree(t, dest); !maps.Equal(got, live) {
		t.Error("dest changed by a failed publish")
	}
	if s := siblings(t, dest); len(s) != 0 {
		t.Errorf("left beside dest: %v (the spare should be dropped, the fresh folder removed)", s)
	}
}

// TestFolderRefusesUnlistedFile: a file added by hand to an earlier build
// (a CNAME, a verification page) is not the build's: the next build
// refuses rather than moving it to the spare, where the build after would
// delete it. With Force it ends up in a spare no build touches again.
func TestFolderRefusesUnlistedFile(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dest := filepath.Join(base, "public")
	if err := Folder(dest, siteV1); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, map[string]string{
		filepath.Join(dest, "CNAME"):                   "isms.example.com",
		filepath.Join(dest, "policies", "notes.txt"):   "mine",
		filepath.Join(dest, "policies", "x", "y.html"): "mine too",
		// A listed file edited by hand is the build's own: replaced.
		filepath.Join(dest, "style.css"): "edited",
	})
	before := readTree(t, base)
	err := Folder(dest, siteV2)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "CNAME, policies/notes.txt, policies/x/y.html") {
		t.Fatalf("Folder over a build with files added by hand = %v", err)
	}
	if after := readTree(t, base); !maps.Equal(before, after) {
		t.Fatalf("a refused publish touched files:\n%v\nwas:\n%v", after, before)
	}

	var n notes
	if err := (Options{Force: true, Notify: n.add}).Folder(dest, siteV2); err != nil {
		t.Fatal(err)
	}
	spare := filepath.Join(base, ".public.spare")
	if !strings.Contains(n.String(), "kept in "+spare) || hasMarker(spare) {
		t.Errorf("the replaced build: told %q, marker kept %v", n.String(), hasMarker(spare))
	}
	for _, site := range []fs.FS{siteV1, siteV2} {
		if err := (Options{Notify: n.add}).Folder(dest, site); err != nil {
			t.Fatal(err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(spare, "CNAME")); err != nil || string(b) != "isms.example.com" {
		t.Errorf("CNAME after three builds: %q, %v", b, err)
	}
	if got, want := readTree(t, dest), publishFresh(t, siteV2); !maps.Equal(got, want) {
		t.Errorf("published:\n%v\nwant:\n%v", got, want)
	}
}

// TestMarkerNames: names with a newline or a leading quote are listed one
// a line and read back, so such a build is not mistaken for foreign files.
func TestMarkerNames(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{"x\ny.html": {Data: []byte("a")}, `"q".html`: {Data: []byte("b")}, "ok/é.html": {Data: []byte("c")}}
	dest := filepath.Join(t.TempDir(), "public")
	for range 2 {
		if err := Folder(dest, site); err != nil {
			t.Fatal(err)
		}
	}
	listed, ok := readMarker(dest)
	if !ok || len(listed) != 3 || !listed["x\ny.html"] || !listed[`"q".html`] || !listed["ok/é.html"] {
		t.Errorf("marker lists %v", listed)
	}
}

// streamSite is a fill for Options.Stream that writes site and says
// whether every write went through.
func streamSite(site fstest.MapFS, runs *int) func(*Stream) (bool, error) {
	return func(s *Stream) (bool, error) {
		*runs++
		ok := true
		for _, n := range slices.Sorted(maps.Keys(site)) {
			if s.Write(n, site[n].Data) != nil {
				ok = false
			}
		}
		return ok, nil
	}
}

// TestStreamDiskFullDropsSpare: Options.Stream keeps Folder's promise:
// a full disk while the spare is updated drops the spare, says so, and
// runs the build once more into a fresh folder; when that does not fit
// either, dest stays and nothing is left beside it.
func TestStreamDiskFullDropsSpare(t *testing.T) {
	base := t.TempDir()
	dest, spare := filepath.Join(base, "public"), filepath.Join(base, ".public.spare")
	for _, site := range []fs.FS{siteV1, siteV2} {
		if err := Folder(dest, site); err != nil {
			t.Fatal(err)
		}
	}
	live := readTree(t, dest)
	failUnder(t, spare)
	var n notes
	v3 := fstest.MapFS{"index.html": {Data: []byte("<h1>v3</h1>")}, "style.css": {Data: []byte("body{}")}}
	runs := 0
	if err := (Options{Notify: n.add}).Stream(dest, streamSite(v3, &runs)); err != nil {
		t.Fatalf("Stream after a full disk while updating the spare: %v", err)
	}
	if runs != 2 || !strings.Contains(n.String(), "disk filled up") || !strings.Contains(n.String(), spare) {
		t.Errorf("%d runs, told %q", runs, n.String())
	}
	if got, want := readTree(t, dest), publishFresh(t, v3); !maps.Equal(got, want) {
		t.Errorf("published:\n%v\nwant:\n%v", got, want)
	}
	if got := readTree(t, spare); !maps.Equal(got, live) {
		t.Errorf("the spare is not the build that was live:\n%v\nwant:\n%v", got, live)
	}

	live = readTree(t, dest)
	failUnder(t, base)
	runs = 0
	err := Options{}.Stream(dest, streamSite(siteV1, &runs))
	if err != nil || runs != 2 {
		t.Fatalf("Stream on a full disk = %v after %d runs, want a failed build (nil) after 2", err, runs)
	}
	if got := readTree(t, dest); !maps.Equal(got, live) {
		t.Error("dest changed by a failed publish")
	}
	if s := siblings(t, dest); len(s) != 0 {
		t.Errorf("left beside dest: %v (the spare should be dropped, the fresh folder removed)", s)
	}
}
