package history

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestDiskLog: a build keeps git's log beside the versions' cache, 0600,
// and the next build reads it back whole; a file damaged anywhere, cut
// short, or not a regular file holds nothing, and the build reads git.
func TestDiskLog(t *testing.T) {
	dir, paths, _, _ := cacheRepo(t)
	cacheDir := t.TempDir()
	want := readLog(t, dir)
	start := func() *Read {
		r := Start(t.Context(), nil, dir, "content", cacheDir, paths)
		r.Wait()
		if r.err != nil || r.blobErr != nil {
			t.Fatal(r.err, r.blobErr)
		}
		if !reflect.DeepEqual(r.log.Files(), want.Files()) || r.log.Head != want.Head {
			t.Fatal("the log read with a cache differs from git's")
		}
		for _, p := range want.Files() {
			if !reflect.DeepEqual(r.log.Revisions(p), want.Revisions(p)) {
				t.Fatalf("%s: %v, want %v", p, r.log.Revisions(p), want.Revisions(p))
			}
		}
		return r
	}
	start()
	d := openLog(cacheDir, dir, "content")
	st, err := os.Lstat(d.path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("log file: %v, %v", st, err)
	}
	key, head, out, ok := d.Load()
	if !ok || head != want.Head || !bytes.Contains(out, []byte("round 3")) {
		t.Fatalf("kept: %v, head %q, %d bytes", ok, head, len(out))
	}
	good, _ := os.ReadFile(d.path)

	// Read back: a subject changed in the file (and its checksum made
	// good) shows that the next build took the log from it.
	forged := &loggedOutput{key: key, head: head, out: bytes.Replace(bytes.Clone(out), []byte("round 3"), []byte("round 9"), 1)}
	d.Store(forged.key, forged.head, forged.out)
	d.flush()
	r := Start(t.Context(), nil, dir, "content", cacheDir, paths)
	r.Wait()
	if got := r.log.Revisions(paths[0])[0].Subject; got != "round 9" {
		t.Fatalf("subject %q: the log was not read from the cache", got)
	}

	for name, bad := range map[string][]byte{
		"a byte changed": func() []byte { b := bytes.Clone(good); b[len(b)/2] ^= 1; return b }(),
		"cut short":      good[:len(good)-1],
		"the magic only": []byte(logMagic),
		"empty":          nil,
	} {
		if err := os.WriteFile(d.path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, _, ok := d.Load(); ok {
			t.Errorf("%s: loaded", name)
		}
		start()
		if b, _ := os.ReadFile(d.path); !bytes.Equal(b, good) {
			t.Errorf("%s: the build did not write the log again", name)
		}
	}

	// A link to a good file is not followed.
	if err := os.WriteFile(d.path+".good", good, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(d.path)
	if err := os.Symlink(d.path+".good", d.path); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	if _, _, _, ok := d.Load(); ok {
		t.Error("loaded through a link")
	}
	if matches, _ := filepath.Glob(filepath.Join(cacheDir, ".tmp-*")); len(matches) != 0 {
		t.Errorf("temporary files left: %v", matches)
	}
}

// TestDiskLogWithoutCache: with no cache folder nothing is kept.
func TestDiskLogWithoutCache(t *testing.T) {
	if openLog("", ".", "content") != nil {
		t.Error("a log store without a folder")
	}
	var d *diskLog
	d.flush() // a nil store flushes nothing, and does not panic
}

func FuzzDiskLog(f *testing.F) {
	var buf bytes.Buffer
	lo := &loggedOutput{head: "abc", out: []byte("\x1eabc\x00A\x002026-01-01\x00s")}
	buf.Write(encodeLogHead(lo))
	buf.Write(lo.out)
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])
	if got, err := decodeLog(buf.Bytes()); err != nil || got.head != lo.head || !bytes.Equal(got.out, lo.out) {
		f.Fatalf("a good file: %v", err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(logMagic))
	f.Fuzz(func(t *testing.T, b []byte) {
		lo, err := decodeLog(b)
		if err == nil && len(lo.out) > len(b) {
			t.Fatal("a log longer than its file")
		}
	})
}

// TestCacheSwept: writing a cache deletes the caches no build has used
// for cacheMaxAge and the temporary files older than tmpMaxAge, and
// nothing else: not a fresh one, not a name the caches do not write,
// not a folder or a link of such a name. A build that uses an old file
// makes it fresh.
func TestCacheSwept(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-cacheMaxAge - time.Hour)
	oldTmp := time.Now().Add(-tmpMaxAge - time.Minute)
	hex := strings.Repeat("0123456789abcdef", 2)
	files := map[string]time.Time{
		hex + ".bin":                  old, // gone
		hex[1:] + "f.log":             old, // gone
		hex[2:] + "ff.bin":            time.Now(),
		".tmp-123.bin":                oldTmp,     // gone
		".tmp-456.log":                time.Now(), // a build writing now
		strings.ToUpper(hex) + ".bin": old,
		hex + ".txt":                  old,
		"notes":                       old,
		".tmp-x.bin":                  old,
	}
	for name, at := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, at, at); err != nil {
			t.Fatal(err)
		}
	}
	folder := filepath.Join(dir, "ffffffffffffffffffffffffffffffff.bin")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(folder, old, old)
	link := filepath.Join(dir, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee.log")
	if err := os.Symlink(filepath.Join(dir, "notes"), link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}

	d := &diskLog{path: filepath.Join(dir, "dddddddddddddddddddddddddddddddd.log")}
	d.Store([32]byte{1}, strings.Repeat("a", 40), []byte("log"))
	d.flush()
	gone := map[string]bool{hex + ".bin": true, hex[1:] + "f.log": true, ".tmp-123.bin": true}
	for name := range files {
		_, err := os.Lstat(filepath.Join(dir, name))
		if gone[name] != os.IsNotExist(err) {
			t.Errorf("%s: deleted %v, want %v", name, os.IsNotExist(err), gone[name])
		}
	}
	for _, p := range []string{folder, link, filepath.Join(dir, "notes"), d.path} {
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}

	// An old file a build reads is made fresh, and survives the sweep.
	os.Chtimes(d.path, old, old)
	if _, _, _, ok := d.Load(); !ok {
		t.Fatal("not loaded")
	}
	if st, err := os.Stat(d.path); err != nil || time.Since(st.ModTime()) > time.Hour {
		t.Errorf("a used log file was not made fresh: %v", err)
	}
}
