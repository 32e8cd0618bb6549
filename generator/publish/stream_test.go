package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
)

// streamTree publishes site through a Stream, writing its files from
// several goroutines in a shuffled order, as a build does.
func streamTree(t *testing.T, dest string, site fstest.MapFS, seed uint64) error {
	t.Helper()
	s, err := Options{}.Begin(dest)
	if err != nil {
		return err
	}
	defer s.Abort()
	names := slices.Sorted(maps.Keys(site))
	rng := rand.New(rand.NewPCG(seed, 1))
	rng.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	// Every other file is written as it is made, in pieces, but for
	// style.css: such a file is always written anew, never linked to the
	// earlier build's, and TestStreamIsFolder's meddling changes the mode
	// of style.css in the spare, which Folder's dest shares when linked.
	parts := map[string][][]byte{}
	for i, n := range names {
		if i%2 == 1 && n != "style.css" {
			parts[n] = cut(site[n].Data, rng)
		}
	}
	var wg sync.WaitGroup
	work := make(chan string)
	for range 3 {
		wg.Go(func() {
			for n := range work {
				if p, ok := parts[n]; ok {
					s.WriteStream(n, func(write func([]byte) error) error {
						for _, b := range p {
							if err := write(b); err != nil {
								return err
							}
						}
						return nil
					})
				} else {
					s.Write(n, site[n].Data) // the first error is Commit's
				}
			}
		})
	}
	for _, n := range names {
		work <- n
	}
	close(work)
	wg.Wait()
	return s.Commit()
}

// cut splits b into pieces at random places, empty pieces included.
func cut(b []byte, rng *rand.Rand) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		k := rng.IntN(len(b) + 1)
		out = append(out, b[:k:k])
		b = b[k:]
	}
	return append(out, []byte{})
}

// TestStreamFile: a file made as it is written writes itself as its
// pieces joined, whatever their sizes (past the 1 MiB a write gathers),
// once; it cannot be read, and its size is not known, so same never
// finds it unchanged; an error of the stream or of the writer ends it.
func TestStreamFile(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	for _, size := range []int{0, 1, 5000, 3 << 20} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(rng.IntN(256))
		}
		pieces := [][]byte{}
		for rest := data; len(rest) > 0; {
			k := min(len(rest), []int{0, 1, 700, 300 << 10, 2 << 20}[rng.IntN(5)])
			pieces = append(pieces, rest[:k:k])
			rest = rest[k:]
		}
		stream := func(write func([]byte) error) error {
			for _, p := range pieces {
				if err := write(p); err != nil {
					return err
				}
			}
			return nil
		}
		f, err := oneFile{name: "x", stream: stream}.Open("x")
		if err != nil {
			t.Fatal(err)
		}
		sf := f.(*streamFile)
		if st, _ := sf.Stat(); st.Size() != -1 {
			t.Errorf("%d bytes: Stat says %d", size, st.Size())
		}
		if n, err := sf.Read(make([]byte, 10)); n != 0 || err == nil {
			t.Errorf("%d bytes: Read = %d, %v", size, n, err)
		}
		var w bytes.Buffer
		if n, err := sf.WriteTo(&w); err != nil || n != int64(size) || !bytes.Equal(w.Bytes(), data) {
			t.Errorf("%d bytes: WriteTo wrote %d (%v), equal %v", size, n, err, bytes.Equal(w.Bytes(), data))
		}
		if _, err := sf.WriteTo(&w); err == nil {
			t.Errorf("%d bytes: written twice", size)
		}
	}
	boom := errors.New("boom")
	f, _ := oneFile{name: "x", stream: func(write func([]byte) error) error {
		write([]byte("some"))
		return boom
	}}.Open("x")
	if _, err := f.(*streamFile).WriteTo(io.Discard); err != boom {
		t.Errorf("the stream's error: %v", err)
	}
	f, _ = oneFile{name: "x", stream: func(write func([]byte) error) error {
		for {
			if err := write(make([]byte, 1<<20)); err != nil {
				return err
			}
		}
	}}.Open("x")
	if _, err := f.(*streamFile).WriteTo(failWriter{boom}); err != boom {
		t.Errorf("the writer's error: %v", err)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

// TestStreamIsFolder: a sequence of publishes through Stream leaves dest
// and the kept spare exactly as Folder leaves them, from a fresh folder,
// an earlier build, and a spare someone meddled with.
func TestStreamIsFolder(t *testing.T) {
	t.Parallel()
	v3 := fstest.MapFS{
		"index.html":                 {Data: []byte("<h1>v3</h1>")},
		"policies/access/index.html": {Data: []byte("access v2")},
		"old":                        {Data: []byte("a file where a folder was")},
		"style.css":                  {Data: []byte("body{}")},
		"empty.txt":                  {Data: []byte("now a file")},
		"deep/a/b/c/d.html":          {Data: []byte("deep")},
	}
	meddle := func(t *testing.T, spare string) {
		for _, err := range []error{
			os.WriteFile(filepath.Join(spare, "junk.txt"), []byte("junk"), 0o644),
			os.Chmod(filepath.Join(spare, "style.css"), 0o600),
			os.Remove(filepath.Join(spare, "index.html")),
			os.Symlink("/etc/passwd", filepath.Join(spare, "index.html")),
			os.MkdirAll(filepath.Join(spare, "empty.txt", "sub"), 0o755),
			os.MkdirAll(filepath.Join(spare, "deep"), 0o700),
		} {
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			dirA, dirB := t.TempDir(), t.TempDir()
			a, b := filepath.Join(dirA, "public"), filepath.Join(dirB, "public")
			for i, site := range []fstest.MapFS{siteV1, siteV2, v3, siteV1} {
				if i == 2 {
					meddle(t, filepath.Join(dirA, ".public.spare"))
					meddle(t, filepath.Join(dirB, ".public.spare"))
				}
				var live map[string]string
				if i >= 1 {
					live = readTree(t, a)
				}
				if err := Folder(a, site); err != nil {
					t.Fatal(err)
				}
				if err := streamTree(t, b, site, seed); err != nil {
					t.Fatalf("publish %d: %v", i, err)
				}
				if got, want := readTree(t, b), readTree(t, a); !maps.Equal(got, want) {
					t.Fatalf("publish %d: Stream made\n%v\nFolder made\n%v", i, got, want)
				}
				if got, want := siblings(t, b), siblings(t, a); !slices.Equal(got, want) {
					t.Fatalf("publish %d: beside dest: Stream left %v, Folder %v", i, got, want)
				}
				if i >= 1 {
					if got, want := readTree(t, filepath.Join(dirB, ".public.spare")), live; !maps.Equal(got, want) {
						t.Fatalf("publish %d: the spare is not the build that was live:\n%v\nwant\n%v", i, got, want)
					}
				}
			}
		})
	}
}

// TestStreamAbortLeavesDest: a stream that ends without Commit, or whose
// Write failed, leaves dest as it was and nothing beside it but the
// spare, and the next publish works.
func TestStreamAbortLeavesDest(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		write func(s *Stream) error
	}{
		{"abort", func(s *Stream) error { s.Write("index.html", []byte("half")); s.Abort(); return nil }},
		{"marker name", func(s *Stream) error { s.Write("index.html", []byte("x")); s.Write(MarkerName, nil); return s.Commit() }},
		{"twice", func(s *Stream) error {
			s.Write("a.html", []byte("x"))
			s.Write("a.html", []byte("y"))
			return s.Commit()
		}},
		{"file and folder", func(s *Stream) error { s.Write("a", []byte("x")); s.Write("a/b.html", []byte("y")); return s.Commit() }},
		{"folder and file", func(s *Stream) error { s.Write("a/b.html", []byte("x")); s.Write("a", []byte("y")); return s.Commit() }},
		{"invalid", func(s *Stream) error { s.Write("../escape.html", []byte("x")); return s.Commit() }},
		{"stream failed", func(s *Stream) error {
			s.Write("index.html", []byte("x"))
			s.WriteStream("print/index.html", func(write func([]byte) error) error {
				write([]byte("the first half"))
				return errBroken
			})
			return s.Commit()
		}},
		{"write failed", func(s *Stream) error {
			s.Write("index.html", []byte("x"))
			s.fail(errBroken)
			return s.Commit()
		}},
	} {
		for _, spare := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/spare=%v", tc.name, spare), func(t *testing.T) {
				dest := filepath.Join(t.TempDir(), "public")
				if err := Folder(dest, siteV1); err != nil {
					t.Fatal(err)
				}
				if spare {
					if err := Folder(dest, siteV2); err != nil {
						t.Fatal(err)
					}
				}
				before, beside := readTree(t, dest), siblings(t, dest)
				s, err := Options{}.Begin(dest)
				if err != nil {
					t.Fatal(err)
				}
				err = tc.write(s)
				if tc.name != "abort" && err == nil {
					t.Fatal("Commit succeeded")
				}
				if (tc.name == "write failed" || tc.name == "stream failed") && !errors.Is(err, errBroken) {
					t.Errorf("Commit = %v, want the write's error", err)
				}
				if after := readTree(t, dest); !maps.Equal(before, after) {
					t.Errorf("dest changed:\n%v\nwas\n%v", after, before)
				}
				if got := siblings(t, dest); !slices.Equal(got, beside) {
					t.Errorf("beside dest: %v, was %v", got, beside)
				}
				if err := streamTree(t, dest, siteV2, 1); err != nil {
					t.Fatalf("the next publish: %v", err)
				}
				if got, want := readTree(t, dest), publishFresh(t, siteV2); !maps.Equal(got, want) {
					t.Errorf("the next publish made\n%v\nwant\n%v", got, want)
				}
			})
		}
	}
}

// TestStreamRefuses: Begin refuses what Folder refuses, before writing.
func TestStreamRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	foreign := filepath.Join(dir, "docs")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, "thesis.tex"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dest := range []string{"", "/", foreign, filepath.Join(foreign, "thesis.tex")} {
		if s, err := (Options{}).Begin(dest); !errors.Is(err, ErrRefused) {
			if s != nil {
				s.Abort()
			}
			t.Errorf("Begin(%q) = %v, want refused", dest, err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("Begin left %s beside the foreign folder", strings.Join(names, ", "))
	}
	if b, err := os.ReadFile(filepath.Join(foreign, "thesis.tex")); err != nil || string(b) != "mine" {
		t.Errorf("the foreign file: %q, %v", b, err)
	}
	_ = fs.ErrNotExist
}

// TestStreamWritesBack: a stream asks the file system to write back what
// it wrote as it goes (Stream.wrote), counting the pieces of a file made
// as it is written as well as whole files; it changes nothing that is
// published, and Commit and Abort wait for a writeback still running
// (the race detector watches the work folder's removal).
func TestStreamWritesBack(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	dest := filepath.Join(base, "out")
	site := fstest.MapFS{}
	for i := range 40 {
		site[fmt.Sprintf("d%d/index.html", i)] = &fstest.MapFile{Data: bytes.Repeat([]byte{byte('a' + i%26)}, 3000+i), Mode: fileMode}
	}
	big := bytes.Repeat([]byte("0123456789"), 1<<17) // 1.25 MiB in pieces
	for _, commit := range []bool{true, false} {
		s, err := Options{}.Begin(dest)
		if err != nil {
			t.Fatal(err)
		}
		s.every = 64 << 10
		var wg sync.WaitGroup
		names := slices.Sorted(maps.Keys(site))
		for w := range 3 {
			wg.Go(func() {
				for i := w; i < len(names); i += 3 {
					if err := s.Write(names[i], site[names[i]].Data); err != nil {
						t.Error(err)
					}
				}
			})
		}
		wg.Wait()
		before := s.flushed
		err = s.WriteStream("print/index.html", func(write func([]byte) error) error {
			for rest := big; len(rest) > 0; rest = rest[min(len(rest), 100<<10):] {
				if err := write(rest[:min(len(rest), 100<<10)]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		s.flushes.Wait()
		if s.flushed == 0 || s.flushed == before && s.unflushed < s.every {
			t.Errorf("writebacks: %d after the pages, %d after the stream (%d bytes not yet written back)", before, s.flushed, s.unflushed)
		}
		if !commit {
			s.Abort()
			if left, _ := filepath.Glob(filepath.Join(base, ".out.tmp*")); len(left) != 0 {
				t.Errorf("Abort left %v", left)
			}
			continue
		}
		if err := s.Commit(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dest, "print", "index.html"))
		if err != nil || !bytes.Equal(got, big) {
			t.Fatalf("the streamed file: %d bytes, %v", len(got), err)
		}
		for n, f := range site {
			if got, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(n))); err != nil || !bytes.Equal(got, f.Data) {
				t.Fatalf("%s: %v", n, err)
			}
		}
	}
}

// TestStreamWritebackFailsCommit: a writeback in the background that
// fails fails Commit, and dest keeps the earlier build. (Linux tells a
// writeback error once to each open file: the error the background
// writeback was told may be the only report of it.)
func TestStreamWritebackFailsCommit(t *testing.T) {
	if !canWriteBack {
		t.Skip("no writeback in the background on this system")
	}
	t.Parallel()
	dest := filepath.Join(t.TempDir(), "out")
	if err := Folder(dest, siteV1); err != nil {
		t.Fatal(err)
	}
	before := readTree(t, dest)
	s, err := Options{}.Begin(dest)
	if err != nil {
		t.Fatal(err)
	}
	eio := &os.PathError{Op: "syncfs", Path: "x", Err: syscall.EIO}
	s.every = 1
	s.writeBack = func(string) error { return eio }
	for n, f := range siteV2 {
		if err := s.Write(n, f.Data); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Commit(); !errors.Is(err, syscall.EIO) {
		t.Fatalf("Commit = %v, want the writeback's error", err)
	}
	if after := readTree(t, dest); !maps.Equal(before, after) {
		t.Errorf("dest changed:\n%v\nwas\n%v", after, before)
	}
	if left := siblings(t, dest); len(left) != 0 {
		t.Errorf("left beside dest: %v", left)
	}
}
