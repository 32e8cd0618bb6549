package publish

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// Report is the outcome of Verify. Each list is sorted.
type Report struct {
	// Root is the SHA-256 of manifest.json in lowercase hex: the snapshot's
	// root hash, which pins every file through the hashes it lists.
	Root    string
	Changed []string // listed, present, but different content (or no longer a regular file)
	Missing []string // listed but absent
	Extra   []string // present but not listed; an added empty folder ends in "/"
	// Why says, for some of the paths above, what is wrong beyond the
	// list's word: a named pipe or link that was not opened, what does not
	// match in the zip.
	Why map[string]string
	// Problems are about the snapshot as a whole: a root hash other than
	// the expected one, a signature that does not verify.
	Problems []string
	// Signer is the identity whose good signature of manifest.json was
	// checked (VerifyOptions.Signers), or "" if none was.
	Signer string
	// Unchecked is set when manifest.json.sig is present but was not
	// checked because no signers file was given.
	Unchecked bool
	// Edition and Max are what the manifest says the snapshot is: the
	// audience's edition and the highest classification it holds ("" for
	// a whole-site build).
	Edition, Max string
}

// OK reports whether the folder matches its manifest exactly and every
// expectation held.
func (r Report) OK() bool {
	return len(r.Changed) == 0 && len(r.Missing) == 0 && len(r.Extra) == 0 && len(r.Problems) == 0
}

// String prints one "changed: path" (or missing, extra) line per problem,
// with why in brackets where known, then the whole-snapshot problems.
func (r Report) String() string {
	var b strings.Builder
	for _, l := range []struct {
		word  string
		paths []string
	}{{"changed", r.Changed}, {"missing", r.Missing}, {"extra", r.Extra}} {
		for _, p := range l.paths {
			if why := r.Why[p]; why != "" {
				fmt.Fprintf(&b, "%s: %s (%s)\n", l.word, p, why)
			} else {
				fmt.Fprintf(&b, "%s: %s\n", l.word, p)
			}
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintln(&b, p)
	}
	return b.String()
}

// VerifyOptions add expectations to Verify.
type VerifyOptions struct {
	// Expect is the root hash (SHA-256 of manifest.json, hex) the snapshot
	// must have: with it, a file edited together with its manifest entry
	// is caught.
	Expect string
	// Signers is an ssh-keygen allowed_signers file: manifest.json.sig must
	// be a good signature of manifest.json by one of them.
	Signers string
	// Identity is the signer the signature must be from (default: whichever
	// the signers file names for the signature's key).
	Identity string
}

// Verify checks dir against its manifest with no further expectations.
func Verify(dir string) (Report, error) { return VerifyOptions{}.Verify(dir) }

// Verify recomputes dir/manifest.json over dir. Files that are not listed
// are Extra, except manifest.json, the snapshot zip the manifest names,
// manifest.json.sig and the build marker. The zip must hold exactly the
// listed files and manifest.json, once each, with no comment and no bytes
// before, between or after its entries; it may be missing only from a
// folder named like the zip's own folder (an unpacked copy, which cannot
// hold the zip it came from). Nothing that is not a regular file is opened
// or followed: a named pipe, device, socket or link is reported as such.
// The error is for a folder that cannot be checked at all (no or malformed
// manifest, I/O, ssh-keygen missing when a signature is to be checked).
func (o VerifyOptions) Verify(dir string) (Report, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return Report{}, fmt.Errorf("verify: %w", err)
	}
	defer root.Close()
	// os.Root keeps a tampered manifest ("../../etc/passwd") or a planted
	// symlink from reaching outside dir.
	fail := func(err error) (Report, error) { return Report{}, fmt.Errorf("verify %s: %w", dir, err) }
	mdata, why, err := readRegular(root, ManifestName, maxManifest)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fail(errors.New("no manifest.json: not a snapshot"))
	case why != "":
		return fail(fmt.Errorf("manifest.json is %s", why))
	case err != nil:
		return fail(err)
	}
	m, err := parseManifest(mdata)
	if err != nil {
		return fail(err)
	}
	sum := sha256.Sum256(mdata)
	r := Report{Root: hex.EncodeToString(sum[:]), Why: map[string]string{}, Edition: m.Edition, Max: m.Max}
	if want := strings.ToLower(strings.TrimSpace(o.Expect)); want != "" && want != r.Root {
		r.Problems = append(r.Problems, fmt.Sprintf("root hash: manifest.json has SHA-256 %s, expected %s", r.Root, want))
	}

	listed := make(map[string]bool, len(m.Files))
	dirs := map[string]bool{".": true} // folders that hold a listed file
	for _, want := range m.Files {
		listed[want.Path] = true
		for d := path.Dir(want.Path); !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
		got, why, err := hashRegular(root, want.Path, want.Size)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			r.Missing = append(r.Missing, want.Path)
		case why != "":
			r.Changed = append(r.Changed, want.Path)
			r.Why[want.Path] = why
		case err != nil:
			// A link that escapes dir, a folder in the path: either way
			// the listed content is not there any more.
			r.Changed = append(r.Changed, want.Path)
		case got != want:
			r.Changed = append(r.Changed, want.Path)
		}
	}

	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if !dirs[p] {
				if empty, err := rootDirEmpty(root, p); err != nil {
					return err
				} else if empty {
					r.Extra = append(r.Extra, p+"/")
				}
			}
			return nil
		}
		regular := d.Type().IsRegular()
		switch {
		case listed[p], p == ManifestName, p == m.Zip && m.Zip != "":
			return nil // checked above or below
		case p == SignatureName && regular:
			return nil
		case p == MarkerName && regular && markerOK(root, m):
			return nil
		}
		r.Extra = append(r.Extra, p)
		if !regular {
			r.Why[p] = kind(d.Type())
		}
		return nil
	})
	if err != nil {
		return fail(err)
	}

	if m.Zip != "" {
		if why, err := checkZipFile(root, m, mdata); errors.Is(err, fs.ErrNotExist) {
			abs, _ := filepath.Abs(dir)
			if filepath.Base(abs) != zipFolder(m.Zip) {
				r.Missing = append(r.Missing, m.Zip)
			}
		} else if err != nil {
			return fail(err)
		} else if why != "" {
			r.Changed = append(r.Changed, m.Zip)
			r.Why[m.Zip] = why
		}
	}

	if err := o.checkSignature(root, mdata, &r); err != nil {
		return fail(err)
	}
	slices.Sort(r.Changed)
	slices.Sort(r.Missing)
	slices.Sort(r.Extra)
	return r, nil
}

// maxManifest bounds what Verify reads of manifest.json and its signature:
// far above any real manifest (100 bytes per file), far below memory.
const maxManifest = 256 << 20

// openRegular opens name under root only if it is a regular file, without
// blocking on a named pipe swapped in after the check. why says what it is
// when it is not a regular file.
func openRegular(root *os.Root, name string) (f *os.File, size int64, why string, err error) {
	st, err := root.Lstat(name)
	if err != nil {
		return nil, 0, "", err
	}
	if !st.Mode().IsRegular() {
		return nil, 0, kind(st.Mode().Type()), nil
	}
	f, err = root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, "", err
	}
	now, err := f.Stat()
	if err != nil || !now.Mode().IsRegular() || !os.SameFile(st, now) {
		f.Close()
		if err != nil {
			return nil, 0, "", err
		}
		return nil, 0, "replaced while being checked", nil
	}
	return f, now.Size(), "", nil
}

// hashRegular hashes the regular file name under root, reading at most
// one byte more than want, the size the manifest lists.
func hashRegular(root *os.Root, name string, want int64) (ManifestFile, string, error) {
	f, size, why, err := openRegular(root, name)
	if err != nil || why != "" {
		return ManifestFile{}, why, err
	}
	defer f.Close()
	if size != want {
		return ManifestFile{Path: name, Size: size}, "", nil
	}
	got, err := hashReader(name, io.LimitReader(f, want+1))
	return got, "", err
}

// readRegular reads the regular file name under root, up to max bytes.
func readRegular(root *os.Root, name string, max int64) ([]byte, string, error) {
	f, _, why, err := openRegular(root, name)
	if err != nil || why != "" {
		return nil, why, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err == nil && int64(len(data)) > max {
		err = fmt.Errorf("%s is larger than %d bytes", name, max)
	}
	return data, "", err
}

func rootDirEmpty(root *os.Root, name string) (bool, error) {
	// O_NONBLOCK: a folder swapped for a named pipe fails to list rather
	// than blocking the open.
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false, err
	}
	defer f.Close()
	_, err = f.Readdirnames(1)
	if err == io.EOF {
		return true, nil
	}
	return false, err
}

// markerOK reports whether the marker under root is the one Folder wrote
// when it published this snapshot: it lists exactly the manifest's files,
// manifest.json, the zip and, if present, the signature.
func markerOK(root *os.Root, m Manifest) bool {
	names := make([]string, 0, len(m.Files)+3)
	for _, f := range m.Files {
		names = append(names, f.Path)
	}
	names = append(names, ManifestName)
	if m.Zip != "" {
		names = append(names, m.Zip)
	}
	if st, err := root.Lstat(SignatureName); err == nil && st.Mode().IsRegular() {
		names = append(names, SignatureName)
	}
	want := markerFor(names)
	data, why, err := readRegular(root, MarkerName, int64(len(want)))
	return err == nil && why == "" && bytes.Equal(data, want)
}

// kind names a file that is not a regular file, and what Verify did not do
// with it.
func kind(t fs.FileMode) string {
	switch {
	case t&fs.ModeSymlink != 0:
		return "a symbolic link, not followed"
	case t&fs.ModeNamedPipe != 0:
		return "a named pipe, not opened"
	case t&fs.ModeSocket != 0:
		return "a socket, not opened"
	case t&fs.ModeDevice != 0:
		return "a device, not opened"
	case t.IsDir():
		return "a folder"
	}
	return "not a regular file, not opened"
}

// checkZipFile checks the snapshot zip under root against the manifest and
// says what is wrong with it, or "" if nothing is.
func checkZipFile(root *os.Root, m Manifest, manifestData []byte) (string, error) {
	f, size, why, err := openRegular(root, m.Zip)
	if err != nil || why != "" {
		return why, err
	}
	defer f.Close()
	return checkZip(f, size, m, manifestData), nil
}

// checkZip says what is wrong with the snapshot zip r, or "" if it holds
// exactly the manifest's files and manifest.json itself, each once, under
// the folder zipFolder names, laid out as Zip writes it.
func checkZip(r io.ReaderAt, size int64, m Manifest, manifestData []byte) string {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "not a zip archive: " + err.Error()
	}
	if zr.Comment != "" {
		return "the archive has a comment"
	}
	if why := zipLayout(r, size, zr.File); why != "" {
		return why
	}
	want := make(map[string]ManifestFile, len(m.Files)+1)
	for _, f := range m.Files {
		want[f.Path] = f
	}
	mf := sha256.Sum256(manifestData)
	want[ManifestName] = ManifestFile{Path: ManifestName, Size: int64(len(manifestData)), SHA256: hex.EncodeToString(mf[:])}
	prefix := zipFolder(m.Zip) + "/"
	seen := make(map[string]bool, len(want))
	var probs []string
	for _, zf := range zr.File {
		name, inFolder := strings.CutPrefix(zf.Name, prefix)
		w, listed := want[name]
		switch {
		case !inFolder || !listed:
			probs = append(probs, fmt.Sprintf("entry %q is not in the manifest", zf.Name))
			continue
		case seen[name]:
			probs = append(probs, fmt.Sprintf("entry %q twice", zf.Name))
			continue
		case zf.Comment != "":
			probs = append(probs, fmt.Sprintf("entry %q has a comment", zf.Name))
			continue
		}
		seen[name] = true
		if zf.UncompressedSize64 != uint64(w.Size) {
			probs = append(probs, fmt.Sprintf("entry %q differs from the manifest", zf.Name))
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			probs = append(probs, fmt.Sprintf("entry %q: %v", zf.Name, err))
			continue
		}
		got, err := hashReader(name, io.LimitReader(rc, w.Size+1))
		rc.Close()
		if err != nil || got != w {
			probs = append(probs, fmt.Sprintf("entry %q differs from the manifest", zf.Name))
		}
	}
	var lacking []string
	for name := range want {
		if !seen[name] {
			lacking = append(lacking, name)
		}
	}
	slices.Sort(lacking)
	for _, name := range lacking {
		probs = append(probs, fmt.Sprintf("lacks %q", prefix+name))
	}
	if len(probs) > 3 {
		probs = append(probs[:3], fmt.Sprintf("and %d more", len(probs)-3))
	}
	return strings.Join(probs, "; ")
}
