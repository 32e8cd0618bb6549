package publish

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Zip writes files as a zip archive to w, each entry under prefix (a folder
// name such as "snapshot-2026-03-01"; "" puts entries at the top). The bytes
// depend only on the tree, prefix and modified: entries are sorted by path,
// every entry carries the time modified (in UTC; a zero or pre-1980 time,
// which zip cannot store, becomes 1980-01-01) and mode 0644, and all are
// deflated. The same input gives the same bytes with the same Go release.
func Zip(w io.Writer, files fs.FS, prefix string, modified time.Time) error {
	prefix = strings.Trim(prefix, "/")
	if prefix != "" && !fs.ValidPath(prefix) {
		return fmt.Errorf("zip: invalid prefix %q", prefix)
	}
	modified = zipTime(modified)
	var names []string
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	slices.Sort(names)
	zw := zip.NewWriter(w)
	for _, name := range names {
		h := &zip.FileHeader{
			Name:     path.Join(prefix, name),
			Method:   zip.Deflate,
			Modified: modified,
		}
		h.SetMode(fileMode)
		if err := copyEntry(zw, h, files, name); err != nil {
			return fmt.Errorf("zip: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("zip: %w", err)
	}
	return nil
}

func copyEntry(zw *zip.Writer, h *zip.FileHeader, files fs.FS, name string) error {
	src, err := files.Open(name)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = io.Copy(dst, src)
	return err
}

var zipEpoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// zipTime pins the location to UTC: archive/zip writes the MS-DOS date in
// the time's own location, so a local time would make the bytes depend on
// the machine's time zone.
func zipTime(t time.Time) time.Time {
	t = t.UTC()
	if t.Before(zipEpoch) {
		return zipEpoch
	}
	return t
}

// Unpack writes every file of the zip z under dir, as an auditor unzips
// a snapshot: entries must be plain relative slash paths (no "..", no
// absolute path), or it fails before writing that entry.
func Unpack(z []byte, dir string) error {
	zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	if err != nil {
		return err
	}
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, "/")
		if !fs.ValidPath(name) || name == "." {
			return fmt.Errorf("unpack: entry %q is not a relative path", f.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if f.FileInfo().IsDir() {
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		r, err := f.Open()
		if err != nil {
			return err
		}
		b, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			return err
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
