package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
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
	Zip       string         `json:"zip,omitempty"`     // the snapshot archive beside manifest.json, if any
	Edition   string         `json:"edition,omitempty"` // the audience the snapshot is for (isms.yaml's editions)
	Max       string         `json:"max,omitempty"`     // the highest classification that edition holds
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

// parseManifest decodes manifest.json and checks that every path in it is
// one a snapshot could hold.
func parseManifest(data []byte) (Manifest, error) {
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
