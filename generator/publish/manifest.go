package publish

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
)

// ManifestName is where the manifest lives in a published tree.
const ManifestName = "manifest.json"

// Manifest is /manifest.json: what a snapshot contained when it was handed
// over, so that anyone can check later that nothing was changed.
type Manifest struct {
	AsOf      string         `json:"as_of"`
	Commit    string         `json:"commit,omitempty"`
	Generator string         `json:"generator"`
	Zip       string         `json:"zip,omitempty"` // the snapshot archive beside manifest.json, if any
	Files     []ManifestFile `json:"files"`
}

// ManifestFile is one published file. Path is slash-separated and relative
// to the site root.
type ManifestFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // lowercase hex
}

// BuildManifest hashes every file of files except manifest.json itself and
// returns the manifest, sorted by path, and its JSON encoding.
func BuildManifest(files fs.FS, asOf, commit, generator string) (Manifest, []byte, error) {
	m := Manifest{AsOf: asOf, Commit: commit, Generator: generator, Files: []ManifestFile{}}
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == ManifestName {
			return err
		}
		f, err := hashFile(files, p)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, f)
		return nil
	})
	if err != nil {
		return Manifest{}, nil, fmt.Errorf("manifest: %w", err)
	}
	// WalkDir's order puts "a/b" before "a.txt"; a plain sort by path is
	// what a reader (and sort(1)) expects.
	slices.SortFunc(m.Files, func(a, b ManifestFile) int { return strings.Compare(a.Path, b.Path) })
	data, err := m.Encode()
	if err != nil {
		return Manifest{}, nil, err
	}
	return m, data, nil
}

// Encode returns the manifest as indented JSON with a trailing newline, the
// form written to manifest.json.
func (m Manifest) Encode() ([]byte, error) {
	if m.Files == nil {
		m.Files = []ManifestFile{}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	return append(data, '\n'), nil
}

func hashFile(files fs.FS, name string) (ManifestFile, error) {
	f, err := files.Open(name)
	if err != nil {
		return ManifestFile{}, err
	}
	defer f.Close()
	return hashReader(name, f)
}

func hashReader(name string, r io.Reader) (ManifestFile, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return ManifestFile{}, fmt.Errorf("%s: %w", name, err)
	}
	return ManifestFile{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Report is the outcome of Verify. Each list is sorted.
type Report struct {
	Changed []string // listed, present, but different content (or no longer a file)
	Missing []string // listed but absent
	Extra   []string // present but not listed
}

// OK reports whether the folder matches its manifest exactly.
func (r Report) OK() bool {
	return len(r.Changed) == 0 && len(r.Missing) == 0 && len(r.Extra) == 0
}

// String prints one "changed: path" (or missing, extra) line per problem.
func (r Report) String() string {
	var b strings.Builder
	for _, l := range []struct {
		word  string
		paths []string
	}{{"changed", r.Changed}, {"missing", r.Missing}, {"extra", r.Extra}} {
		for _, p := range l.paths {
			fmt.Fprintf(&b, "%s: %s\n", l.word, p)
		}
	}
	return b.String()
}

// Verify recomputes dir/manifest.json over dir. Files that are not listed are
// Extra, except manifest.json and the snapshot zip the manifest names. When
// that zip is present, its entries are checked against the manifest too, and
// a zip that does not match is reported as Changed; a missing zip is not a
// problem, because an auditor may verify the unpacked copy. The error is for
// a folder that cannot be checked at all (no or malformed manifest, I/O).
func Verify(dir string) (Report, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Report{}, fmt.Errorf("verify: %w", err)
	}
	defer root.Close()
	// os.Root keeps a tampered manifest ("../../etc/passwd") or a planted
	// symlink from reaching outside dir.
	fsys := root.FS()
	m, err := readManifest(fsys)
	if err != nil {
		return Report{}, fmt.Errorf("verify %s: %w", dir, err)
	}
	var r Report
	listed := make(map[string]bool, len(m.Files))
	for _, want := range m.Files {
		listed[want.Path] = true
		got, err := hashFile(fsys, want.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			r.Missing = append(r.Missing, want.Path)
		case err != nil:
			// A folder where a file was, a link that escapes dir: either
			// way the listed content is not there any more.
			r.Changed = append(r.Changed, want.Path)
		case got != want:
			r.Changed = append(r.Changed, want.Path)
		}
	}
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || listed[p] || p == ManifestName || (p == m.Zip && m.Zip != "") || (p == MarkerName && hasMarker(dir)) {
			return err
		}
		r.Extra = append(r.Extra, p)
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("verify %s: %w", dir, err)
	}
	if m.Zip != "" {
		if ok, err := zipMatches(fsys, m); err != nil {
			return Report{}, fmt.Errorf("verify %s: %w", dir, err)
		} else if !ok {
			r.Changed = append(r.Changed, m.Zip)
		}
	}
	slices.Sort(r.Changed)
	slices.Sort(r.Missing)
	slices.Sort(r.Extra)
	return r, nil
}

func readManifest(fsys fs.FS) (Manifest, error) {
	data, err := fs.ReadFile(fsys, ManifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, errors.New("no manifest.json: not a snapshot")
	}
	if err != nil {
		return Manifest{}, err
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("manifest.json: %w", err)
	}
	seen := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		switch {
		case !fs.ValidPath(f.Path) || f.Path == "." || f.Path == ManifestName:
			return Manifest{}, fmt.Errorf("manifest.json: invalid path %q", f.Path)
		case seen[f.Path]:
			return Manifest{}, fmt.Errorf("manifest.json: %s listed twice", f.Path)
		case !isSHA256(f.SHA256):
			return Manifest{}, fmt.Errorf("manifest.json: %s: sha256 is not 64 lowercase hex digits", f.Path)
		}
		seen[f.Path] = true
	}
	if m.Zip != "" && (!fs.ValidPath(m.Zip) || m.Zip == "." || seen[m.Zip] || m.Zip == ManifestName) {
		return Manifest{}, fmt.Errorf("manifest.json: invalid zip %q", m.Zip)
	}
	return m, nil
}

func isSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// zipMatches reports whether the snapshot zip holds exactly the files of the
// manifest plus manifest.json itself, under the folder zipFolder names. An absent
// zip matches.
func zipMatches(fsys fs.FS, m Manifest) (bool, error) {
	data, err := fs.ReadFile(fsys, m.Zip)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false, nil
	}
	manifestData, err := fs.ReadFile(fsys, ManifestName)
	if err != nil {
		return false, err
	}
	want := make(map[string]ManifestFile, len(m.Files)+1)
	for _, f := range m.Files {
		want[f.Path] = f
	}
	mf, _ := hashReader(ManifestName, bytes.NewReader(manifestData))
	want[ManifestName] = mf
	seen := 0
	for _, zf := range zr.File {
		if strings.HasSuffix(zf.Name, "/") {
			continue
		}
		name, inFolder := strings.CutPrefix(zf.Name, zipFolder(m.Zip)+"/")
		w, listed := want[name]
		if !inFolder {
			return false, nil
		}
		if !listed {
			return false, nil
		}
		rc, err := zf.Open()
		if err != nil {
			return false, nil
		}
		got, err := hashReader(name, rc)
		rc.Close()
		if err != nil || got != w {
			return false, nil
		}
		seen++
	}
	return seen == len(want), nil
}
