package publish

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// MarkerName is the file Folder writes at the root of every folder it
// publishes (and of every folder it writes a build into): a fixed header,
// then the path of every file that build wrote, one a line, sorted. A
// later build replaces a non-empty folder only if it holds this file and
// no file the marker does not list, and reuses or removes a folder beside
// DEST only if it holds the marker: that is how isms tells its own output
// from somebody's files.
const MarkerName = ".isms-build"

const markerHeader = "This folder was written by `isms build`, which replaces it on the next build.\n" +
	"These are the files it wrote; a build refuses to replace the folder while it holds any other.\n\n"

// markerFor returns the marker of a build of the files names. It depends
// only on the set of names, so two builds of one site stay byte-identical
// and Verify can recompute a snapshot's marker from its manifest.
func markerFor(names []string) []byte {
	names = slices.Clone(names)
	slices.Sort(names)
	var b bytes.Buffer
	b.WriteString(markerHeader)
	for _, n := range names {
		// A name with a newline or another control character (or one
		// that starts with a quote) is written quoted, so every line is
		// one name.
		if q := strconv.Quote(n); q != `"`+n+`"` || strings.HasPrefix(n, `"`) {
			n = q
		}
		b.WriteString(n)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// hasMarker reports whether dir holds a marker: a regular file that starts
// with the marker's header.
func hasMarker(dir string) bool {
	// O_NONBLOCK: a named pipe under the marker's name must not block.
	f, err := os.OpenFile(filepath.Join(dir, MarkerName), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return false
	}
	head := make([]byte, len(markerHeader))
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == markerHeader
}

// readMarker returns the files dir's marker lists, or ok false if dir has
// no marker (or not one isms could have written).
func readMarker(dir string) (listed map[string]bool, ok bool) {
	if !hasMarker(dir) {
		return nil, false
	}
	data, err := os.ReadFile(filepath.Join(dir, MarkerName))
	if err != nil {
		return nil, false
	}
	rest, found := bytes.CutPrefix(data, []byte(markerHeader))
	if !found {
		return nil, false
	}
	listed = map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(rest))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		n := sc.Text()
		if strings.HasPrefix(n, `"`) {
			if n, err = strconv.Unquote(n); err != nil {
				return nil, false
			}
		}
		listed[n] = true
	}
	if sc.Err() != nil {
		return nil, false
	}
	return listed, true
}

// foreignFiles returns up to max paths (slash-separated, relative to dir)
// of what dir holds that is not a folder or a regular file the marker
// lists, and how many there are in all. Folders do not count: they hold
// no data of their own.
func foreignFiles(dir string, listed map[string]bool, max int) ([]string, int, error) {
	var some []string
	n := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == MarkerName || (listed[rel] && d.Type().IsRegular()) {
			return nil
		}
		if n++; len(some) < max {
			some = append(some, rel)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		err = nil
	}
	return some, n, err
}

func writeMarker(dir string, data []byte) error {
	p := filepath.Join(dir, MarkerName)
	if hasMarker(dir) {
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
			return nil
		}
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.WriteFile(p, data, fileMode)
}
