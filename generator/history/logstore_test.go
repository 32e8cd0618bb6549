package history

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// memStore is a LogStore in memory that counts what it was asked.
type memStore struct {
	key    [32]byte
	head   string
	out    []byte
	ok     bool
	loads  int
	stores int
}

func (m *memStore) Load() ([32]byte, string, []byte, bool) {
	m.loads++
	return m.key, m.head, m.out, m.ok
}

func (m *memStore) Store(key [32]byte, head string, out []byte) {
	m.stores++
	m.key, m.head, m.out, m.ok = key, head, bytes.Clone(out), true
}

// readWith reads with store and checks that the log is the one a read
// without a store gives.
func readWith(t *testing.T, dir string, store LogStore) *Log {
	t.Helper()
	l, err := Git{Store: store}.Read(context.Background(), dir, "content")
	if err != nil {
		t.Fatal(err)
	}
	full := mustRead(t, dir, "content")
	if l.Head != full.Head || !reflect.DeepEqual(l.revs, full.revs) {
		t.Fatalf("read with a store differs from git's:\n%v\n%v", l.revs, full.revs)
	}
	return l
}

// gitLog is what git prints for the content folder of dir, whole.
func gitLog(t *testing.T, dir string) []byte {
	t.Helper()
	r, _, err := locate(context.Background(), dir, "content")
	if err != nil {
		t.Fatal(err)
	}
	out, err := runGit(context.Background(), r.git, r.dir, logArgs(r.head)...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestLogStore: a build keeps git's log, the next one with the same HEAD
// reads it instead of git, and one whose HEAD moved on asks git only for
// the commits since and keeps exactly what git would print for all.
func TestLogStore(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("content/a.md", long("A"))
	r.write("content/b.md", "b\n")
	r.commit("Start")
	r.write("content/a.md", long("A2"))
	r.commit("Edit a")
	s := &memStore{}
	readWith(t, r.root, s)
	if s.loads != 1 || s.stores != 1 || !bytes.Equal(s.out, gitLog(t, r.root)) {
		t.Fatalf("first read: %d loads, %d stores, kept %q", s.loads, s.stores, s.out)
	}

	// The same HEAD: what the store holds is the log, git is not asked
	// for it. A subject changed in the store shows that it was read.
	s.out = bytes.Replace(s.out, []byte("Edit a"), []byte("Edit A"), 1)
	l, err := Git{Store: s}.Read(context.Background(), r.root, "content")
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Revisions("a.md")[0].Subject; got != "Edit A" || s.stores != 1 {
		t.Fatalf("same HEAD: subject %q, %d stores; want the store's, and nothing stored", got, s.stores)
	}
	s.out = gitLog(t, r.root)

	// New commits on the line, one outside the content folder, a rename:
	// read from the old head on, kept whole.
	r.write("README", "outside\n")
	r.commit("Outside")
	r.git("mv", "content/b.md", "content/c.md")
	r.write("content/a.md", long("A3"))
	r.commit("Rename b, edit a")
	readWith(t, r.root, s)
	if want := gitLog(t, r.root); s.stores != 2 || !bytes.Equal(s.out, want) {
		t.Fatalf("after new commits the store holds\n%q\nwant\n%q", s.out, want)
	}
	if !strings.Contains(string(s.out), "Rename b") {
		t.Fatal("the new commits are not in the store")
	}

	// A rewrite (amend) and a reset: the old head is not on the line,
	// everything is read again.
	r.write("content/a.md", long("A4"))
	r.git("add", "-A")
	r.git("commit", "-q", "--amend", "-m", "Amended")
	readWith(t, r.root, s)
	r.git("reset", "-q", "--hard", "HEAD~2")
	readWith(t, r.root, s)
	if want := gitLog(t, r.root); !bytes.Equal(s.out, want) {
		t.Fatalf("after a reset the store holds\n%q\nwant\n%q", s.out, want)
	}
}

// TestLogStoreSetting: what git prints besides the commits (the .mailmap,
// the configuration) is part of the key; a log read in another setting
// is not used.
func TestLogStoreSetting(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("content/a.md", "a\n")
	r.commit("Start")
	s := &memStore{}
	readWith(t, r.root, s)
	key := s.key

	r.write(".mailmap", "Ann Other <ann@example.org>\n")
	l := readWith(t, r.root, s)
	if got := l.Revisions("a.md")[0].Author; got != "Ann Other" || s.key == key {
		t.Fatalf("with a .mailmap: author %q, key unchanged %v", got, s.key == key)
	}
	key = s.key
	r.git("config", "i18n.logOutputEncoding", "ISO-8859-1")
	readWith(t, r.root, s)
	if s.key == key {
		t.Fatal("a configuration change left the key as it was")
	}

	// A log kept under another key is not read, though it parses.
	s.key[0] ^= 1
	s.out = bytes.Replace(gitLog(t, r.root), []byte("Start"), []byte("Forged"), 1)
	readWith(t, r.root, s)
}

// TestLogStoreNotKept: where the log may depend on what the key cannot
// see, nothing is stored or loaded.
func TestLogStoreNotKept(t *testing.T) {
	t.Parallel()
	setup := func(t *testing.T) *testRepo {
		r := newRepo(t)
		r.write("content/a.md", "a1\n")
		r.commit("One")
		r.write("content/a.md", "a2\n")
		r.commit("Two")
		return r
	}
	for name, change := range map[string]func(r *testRepo) string{
		"mailmap.file": func(r *testRepo) string {
			r.git("config", "mailmap.file", filepath.Join(r.root, "names"))
			return r.root
		},
		"mailmap.blob": func(r *testRepo) string {
			r.git("config", "mailmap.blob", "main:names")
			return r.root
		},
		"replace ref": func(r *testRepo) string {
			r.git("replace", "HEAD", "HEAD~1")
			return r.root
		},
		"packed replace ref": func(r *testRepo) string {
			r.git("replace", "HEAD", "HEAD~1")
			r.git("pack-refs", "--all")
			return r.root
		},
		"grafts": func(r *testRepo) string {
			info := filepath.Join(r.root, ".git", "info") // no templates: git init made no info/
			if err := os.MkdirAll(info, 0o755); err != nil {
				r.t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(info, "grafts"), nil, 0o644); err != nil {
				r.t.Fatal(err)
			}
			return r.root
		},
		"mailmap link": func(r *testRepo) string {
			if err := os.Symlink("names", filepath.Join(r.root, ".mailmap")); err != nil {
				r.t.Fatal(err)
			}
			return r.root
		},
		"shallow": func(r *testRepo) string {
			clone := filepath.Join(r.t.TempDir(), "clone")
			r.git("clone", "-q", "--depth", "1", "file://"+filepath.ToSlash(r.root), clone)
			return clone
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := setup(t)
			dir := change(r)
			s := &memStore{}
			readWith(t, dir, s)
			if s.loads != 0 || s.stores != 0 {
				t.Errorf("%d loads, %d stores; want none", s.loads, s.stores)
			}
		})
	}
	// Replacement refs switched off in the configuration are no reason.
	r := setup(t)
	r.git("replace", "HEAD", "HEAD~1")
	r.git("config", "core.useReplaceRefs", "false")
	s := &memStore{}
	readWith(t, r.root, s)
	if s.stores != 1 {
		t.Errorf("with replacement refs switched off: %d stores, want 1", s.stores)
	}
}

// TestLogStoreDistrusted: a store is not trusted over git. Output that
// does not parse is read from git again; a head that is not a commit id
// never reaches git's command line.
func TestLogStoreDistrusted(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("content/a.md", "a1\n")
	r.commit("One")
	r.write("content/a.md", "a2\n")
	r.commit("Two")
	s := &memStore{}
	readWith(t, r.root, s)
	s.out = []byte("\x1egarbage")
	readWith(t, r.root, s)
	if !bytes.Equal(s.out, gitLog(t, r.root)) {
		t.Errorf("after unreadable output the store holds %q", s.out)
	}
	mark := filepath.Join(t.TempDir(), "written")
	for _, head := range []string{"--output=" + mark, "HEAD", "main", strings.Repeat("g", 40), ""} {
		s.head = head
		readWith(t, r.root, s)
		if _, err := os.Stat(mark); err == nil {
			t.Fatalf("head %q reached git as an option", head)
		}
		if s.head != gitLogHead(t, r) {
			t.Errorf("head %q: stored %q", head, s.head)
		}
	}
}

func gitLogHead(t *testing.T, r *testRepo) string { return r.git("rev-parse", "HEAD") }

// TestIsCommitID: only a full commit id from a store reaches git's
// command line.
func TestIsCommitID(t *testing.T) {
	for s, want := range map[string]bool{
		strings.Repeat("a", 40): true, strings.Repeat("0", 64): true,
		strings.Repeat("A", 40): false, strings.Repeat("a", 39): false, strings.Repeat("a", 41): false,
		"--output=x": false, "HEAD": false, "": false, "-" + strings.Repeat("a", 39): false,
	} {
		if isCommitID(s) != want {
			t.Errorf("isCommitID(%q) = %v", s, !want)
		}
	}
}

// TestCutPrefix: the .mailmap is looked for at the top of the work tree,
// and not at all when the content folder's path does not say where that
// is.
func TestCutPrefix(t *testing.T) {
	for _, c := range []struct {
		dir, prefix, top string
		ok               bool
	}{
		{"/r/site/content", "site/content/", "/r", true},
		{"/r/content", "content/", "/r", true},
		{"/r", "", "/r", true},
		{"/elsewhere/content", "site/content/", "", false},
		{"/r/xcontent", "content/", "", false},
		{"/content", "content/", "", false},
	} {
		top, ok := cutPrefix(filepath.FromSlash(c.dir), c.prefix)
		if ok != c.ok || ok && top != filepath.FromSlash(c.top) {
			t.Errorf("cutPrefix(%q, %q) = %q, %v; want %q, %v", c.dir, c.prefix, top, ok, c.top, c.ok)
		}
	}
}

// TestLogStoreLinkedSite: a site reached through a link is read where
// git reads it: the .mailmap at the real top of the work tree is in the
// key, not one beside the link.
func TestLogStoreLinkedSite(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("site/content/a.md", "a\n")
	r.commit("Start")
	links := t.TempDir()
	site := filepath.Join(links, "site")
	if err := os.Symlink(filepath.Join(r.root, "site"), site); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	s := &memStore{}
	readWith(t, site, s)
	r.write(".mailmap", "Ann Other <ann@example.org>\n")
	if l := readWith(t, site, s); l.Revisions("a.md")[0].Author != "Ann Other" {
		t.Fatal("the .mailmap at the top was not read")
	}
}

// changingStore changes the setting when the log is looked for, after
// the key was taken and before git prints the log.
type changingStore struct {
	memStore
	change func()
}

func (c *changingStore) Load() ([32]byte, string, []byte, bool) {
	if c.change != nil {
		c.change()
		c.change = nil
	}
	return c.memStore.Load()
}

// TestLogStoreSettingChangedWhileRead: a log git printed after the
// setting changed is not kept under the key of the setting before.
func TestLogStoreSettingChangedWhileRead(t *testing.T) {
	t.Parallel()
	r := newRepo(t)
	r.write("content/a.md", "a\n")
	r.commit("Start")
	s := &changingStore{change: func() { r.write(".mailmap", "Ann Other <ann@example.org>\n") }}
	l, err := Git{Store: s}.Read(context.Background(), r.root, "content")
	if err != nil {
		t.Fatal(err)
	}
	if l.Revisions("a.md")[0].Author != "Ann Other" || s.stores != 0 {
		t.Fatalf("author %q, %d stores; want the new name, and nothing kept", l.Revisions("a.md")[0].Author, s.stores)
	}
	readWith(t, r.root, s)
	if s.stores != 1 {
		t.Fatalf("%d stores once the setting held still", s.stores)
	}
}

// TestLogStoreLinkedGit: a git on PATH that is a link to the binary (as
// package managers install it) still has its log kept.
func TestLogStoreLinkedGit(t *testing.T) {
	r := newRepo(t)
	r.write("content/a.md", "a\n")
	r.commit("Start")
	real, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git")
	}
	bin := t.TempDir()
	if err := os.Symlink(real, filepath.Join(bin, "git")); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	s := &memStore{}
	readWith(t, r.root, s)
	if s.stores != 1 {
		t.Fatalf("%d stores with git behind a link", s.stores)
	}
}
