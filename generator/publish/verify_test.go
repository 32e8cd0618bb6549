package publish

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// verifyQuick runs Verify and fails the test if it does not return within
// a few seconds (a named pipe opened for reading blocks forever).
func verifyQuick(t *testing.T, o VerifyOptions, dir string) (Report, error) {
	t.Helper()
	type result struct {
		r   Report
		err error
	}
	done := make(chan result, 1)
	go func() {
		r, err := o.Verify(dir)
		done <- result{r, err}
	}()
	select {
	case res := <-done:
		return res.r, res.err
	case <-time.After(20 * time.Second):
		t.Fatal("Verify hangs")
	}
	return Report{}, nil
}

// rezip rewrites the snapshot zip in dir, entry by entry (raw copies),
// through edit, which may drop, repeat or add entries.
func rezip(t *testing.T, dir string, m Manifest, edit func(zw *zip.Writer, entries []*zip.File)) []byte {
	t.Helper()
	p := filepath.Join(dir, m.Zip)
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	edit(zw, zr.File)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func copyEntries(t *testing.T, zw *zip.Writer, entries ...*zip.File) {
	t.Helper()
	for _, f := range entries {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
}

// TestVerifyZipTampering: the zip must hold exactly the manifest's files,
// once each, with nothing around or between them.
func TestVerifyZipTampering(t *testing.T) {
	t.Parallel()
	dir, m := publishSnapshot(t)
	orig, err := os.ReadFile(filepath.Join(dir, m.Zip))
	if err != nil {
		t.Fatal(err)
	}
	prefix := zipFolder(m.Zip) + "/"
	find := func(entries []*zip.File, name string) *zip.File {
		for _, f := range entries {
			if f.Name == prefix+name {
				return f
			}
		}
		t.Fatalf("no entry %s", name)
		return nil
	}
	others := func(entries []*zip.File, names ...string) []*zip.File {
		return slices.DeleteFunc(slices.Clone(entries), func(f *zip.File) bool {
			return slices.Contains(names, strings.TrimPrefix(f.Name, prefix))
		})
	}
	tests := []struct {
		name string
		zip  func() []byte
		why  string
	}{
		{"comment", func() []byte {
			return rezip(t, dir, m, func(zw *zip.Writer, e []*zip.File) {
				copyEntries(t, zw, e...)
				zw.SetComment("hello")
			})
		}, "comment"},
		{"prefixed bytes", func() []byte { return append([]byte("#!/bin/sh\nexit 0\n"), orig...) }, "before the first entry"},
		{"appended bytes", func() []byte { return append(slices.Clone(orig), "trailer"...) }, "after the end"},
		{"a file missing, another twice", func() []byte {
			return rezip(t, dir, m, func(zw *zip.Writer, e []*zip.File) {
				copyEntries(t, zw, others(e, "style.css")...)
				copyEntries(t, zw, find(e, "index.html"))
			})
		}, `entry "snapshot-2026-03-01/index.html" twice; lacks "snapshot-2026-03-01/style.css"`},
		{"extra entry", func() []byte {
			return rezip(t, dir, m, func(zw *zip.Writer, e []*zip.File) {
				copyEntries(t, zw, e...)
				w, _ := zw.Create(prefix + "planted.html")
				w.Write([]byte("<script>alert(1)</script>"))
			})
		}, `entry "snapshot-2026-03-01/planted.html" is not in the manifest`},
		{"folder entry", func() []byte {
			return rezip(t, dir, m, func(zw *zip.Writer, e []*zip.File) {
				zw.Create(prefix + "policies/")
				copyEntries(t, zw, e...)
			})
		}, "not in the manifest"},
		{"entry outside the folder", func() []byte {
			return rezip(t, dir, m, func(zw *zip.Writer, e []*zip.File) {
				copyEntries(t, zw, others(e, "style.css")...)
				w, _ := zw.Create("style.css")
				w.Write([]byte("body{}"))
			})
		}, `entry "style.css" is not in the manifest`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tt.zip()
			d := filepath.Join(t.TempDir(), "snapshot")
			must(t, os.CopyFS(d, os.DirFS(dir)))
			must(t, os.WriteFile(filepath.Join(d, m.Zip), data, 0o644))
			r, err := Verify(d)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Changed, []string{m.Zip}) || !strings.Contains(r.Why[m.Zip], tt.why) {
				t.Errorf("Verify = %q, want the zip changed because %q", r.String(), tt.why)
			}
		})
	}
}

// TestZipLayout: bytes anywhere outside the entries, in an archive that
// archive/zip still reads, are found.
func TestZipLayout(t *testing.T) {
	t.Parallel()
	var good bytes.Buffer
	if err := Zip(&good, siteV2, "snap", asOf); err != nil {
		t.Fatal(err)
	}
	check := func(data []byte) string {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return "unreadable: " + err.Error()
		}
		return zipLayout(bytes.NewReader(data), int64(len(data)), zr.File)
	}
	if why := check(good.Bytes()); why != "" {
		t.Fatalf("a zip Zip wrote: %q", why)
	}
	// Stored entries written by hand, with a gap after the first.
	var gap bytes.Buffer
	zw := zip.NewWriter(&gap)
	for _, name := range []string{"a", "b"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(name))
	}
	zw.Close()
	if why := check(gap.Bytes()); why != "" {
		t.Fatalf("plain zip: %q", why)
	}
	zr, _ := zip.NewReader(bytes.NewReader(gap.Bytes()), int64(gap.Len()))
	off, _ := zr.File[1].DataOffset()
	start := off - localLen - int64(len("b")) // the second local header
	withGap := slices.Concat(gap.Bytes()[:start], []byte("GAP!"), gap.Bytes()[start:])
	// Fix the directory's offset of the second entry and the directory's
	// own offset, so archive/zip reads the result without complaint.
	withGap = fixOffsets(t, withGap, 4)
	if why := check(withGap); why != "bytes between entries" {
		t.Errorf("a gap between entries: %q", why)
	}
}

// fixOffsets adds delta to the local-header offset of every directory
// record but the first, and to the directory's offset in the end record,
// as a tamperer who inserted delta bytes after the first entry would.
func fixOffsets(t *testing.T, data []byte, delta uint32) []byte {
	t.Helper()
	end := len(data) - endLen
	cdOff := int(le32At(data, end+16)) + int(delta)
	putLe32(data, end+16, uint32(cdOff))
	for i, p := 0, cdOff; p < end; i++ {
		if le32At(data, p) != 0x02014b50 {
			t.Fatalf("no directory record at %d", p)
		}
		if i > 0 {
			putLe32(data, p+42, le32At(data, p+42)+delta)
		}
		n, e, c := int(le16At(data, p+28)), int(le16At(data, p+30)), int(le16At(data, p+32))
		p += centralLen + n + e + c
	}
	return data
}

func le16At(b []byte, i int) uint16 { return uint16(b[i]) | uint16(b[i+1])<<8 }
func le32At(b []byte, i int) uint32 {
	return uint32(b[i]) | uint32(b[i+1])<<8 | uint32(b[i+2])<<16 | uint32(b[i+3])<<24
}
func putLe32(b []byte, i int, v uint32) {
	b[i], b[i+1], b[i+2], b[i+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
}

func TestVerifyEmptyFolderAndMarker(t *testing.T) {
	t.Parallel()
	dir, _ := publishSnapshot(t)
	must(t, os.MkdirAll(filepath.Join(dir, "added", "empty"), 0o755))
	must(t, os.MkdirAll(filepath.Join(dir, "policies", "x"), 0o755))
	r, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Extra, []string{"added/empty/", "policies/x/"}) {
		t.Errorf("Verify = %q", r.String())
	}
	// The marker Folder writes passes; the same name with other bytes is
	// an added file.
	dir, _ = publishSnapshot(t)
	if r, err := Verify(dir); err != nil || !r.OK() {
		t.Fatalf("published snapshot with its marker: %q, %v", r.String(), err)
	}
	must(t, os.WriteFile(filepath.Join(dir, MarkerName), []byte("<script>"), 0o644))
	if r, _ := Verify(dir); !slices.Equal(r.Extra, []string{MarkerName}) {
		t.Errorf("a planted %s: %q", MarkerName, r.String())
	}
}

// TestVerifyExpect: a file edited together with its manifest entry (and
// the zip left out) passes a plain verify, and fails against the root hash
// the build printed.
func TestVerifyExpect(t *testing.T) {
	t.Parallel()
	dir, _ := publishSnapshot(t)
	r, err := Verify(dir)
	if err != nil || !r.OK() {
		t.Fatal(r, err)
	}
	root := r.Root
	if r, err := (VerifyOptions{Expect: strings.ToUpper(root)}).Verify(dir); err != nil || !r.OK() {
		t.Errorf("the right root hash: %q, %v", r.String(), err)
	}
	// Rewrite index.html, its manifest entry, and the zip.
	snap, _, err := Snapshot(withFile(siteV2, "index.html", "<h1>forged</h1>"), asOf, Stamp{Commit: "abc123", Generator: "isms test"})
	if err != nil {
		t.Fatal(err)
	}
	forged := filepath.Join(t.TempDir(), "snapshot")
	if err := Folder(forged, snap); err != nil {
		t.Fatal(err)
	}
	if r, err := Verify(forged); err != nil || !r.OK() {
		t.Fatalf("a consistent forgery: %q, %v", r.String(), err)
	}
	r, err = (VerifyOptions{Expect: root}).Verify(forged)
	if err != nil {
		t.Fatal(err)
	}
	if r.OK() || len(r.Problems) != 1 || !strings.Contains(r.Problems[0], "expected "+root) {
		t.Errorf("forgery against the recorded root hash: %q", r.String())
	}
}

func withFile(site fstest.MapFS, name, data string) fstest.MapFS {
	out := maps.Clone(site)
	out[name] = &fstest.MapFile{Data: []byte(data)}
	return out
}

// sshKey makes an ed25519 key pair and an allowed_signers file naming it
// as identity, or skips the test without ssh-keygen.
func sshKey(t *testing.T, identity string) (key, signers string) {
	t.Helper()
	if _, err := exec.LookPath("ssh-keygen"); err != nil {
		t.Skip("ssh-keygen not installed (apt-get install openssh-client):", err)
	}
	dir := t.TempDir()
	key = filepath.Join(dir, "id_ed25519")
	if out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", identity, "-f", key).CombinedOutput(); err != nil {
		t.Fatalf("ssh-keygen: %v: %s", err, out)
	}
	pub, err := os.ReadFile(key + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	signers = filepath.Join(dir, "allowed_signers")
	must(t, os.WriteFile(signers, []byte(identity+" "+string(pub)), 0o644))
	return key, signers
}

func TestSignAndVerify(t *testing.T) {
	t.Parallel()
	key, signers := sshKey(t, "auditor@example.com")
	_, otherSigners := sshKey(t, "mallory@example.com")
	snap, _, err := Snapshot(siteV2, asOf, Stamp{Commit: "abc123", Generator: "isms test"})
	if err != nil {
		t.Fatal(err)
	}
	signed, err := Sign(snap, key)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "snapshot")
	if err := Folder(dir, signed); err != nil {
		t.Fatal(err)
	}
	r, err := Verify(dir)
	if err != nil || !r.OK() || !r.Unchecked {
		t.Fatalf("signed snapshot without signers: %q unchecked %v, %v", r.String(), r.Unchecked, err)
	}
	r, err = (VerifyOptions{Signers: signers}).Verify(dir)
	if err != nil || !r.OK() || r.Signer != "auditor@example.com" {
		t.Fatalf("good signature: %q signer %q, %v", r.String(), r.Signer, err)
	}
	if r, _ := (VerifyOptions{Signers: signers, Identity: "auditor@example.com"}).Verify(dir); !r.OK() {
		t.Errorf("good signature, identity given: %q", r.String())
	}
	if r, _ := (VerifyOptions{Signers: signers, Identity: "ceo@example.com"}).Verify(dir); r.OK() || !strings.Contains(r.String(), "signature") {
		t.Errorf("another identity passed: %q", r.String())
	}
	if r, _ := (VerifyOptions{Signers: otherSigners}).Verify(dir); r.OK() || !strings.Contains(r.String(), "signature") {
		t.Errorf("a key not in the signers file passed: %q", r.String())
	}

	// A forged manifest (with the file it lists, so a plain verify
	// passes) keeps the old signature, which no longer matches.
	forgedSnap, _, err := Snapshot(withFile(siteV2, "index.html", "<h1>forged</h1>"), asOf, Stamp{Commit: "abc123", Generator: "isms test"})
	if err != nil {
		t.Fatal(err)
	}
	forged := filepath.Join(t.TempDir(), "snapshot")
	if err := Folder(forged, forgedSnap); err != nil {
		t.Fatal(err)
	}
	sig, err := os.ReadFile(filepath.Join(dir, SignatureName))
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(filepath.Join(forged, SignatureName), sig, 0o644))
	if r, _ := (VerifyOptions{Signers: signers}).Verify(forged); r.OK() || !strings.Contains(r.String(), "not a good signature") {
		t.Errorf("forged manifest with the old signature: %q", r.String())
	}
	// No signature at all, when one is asked for.
	must(t, os.Remove(filepath.Join(forged, SignatureName)))
	if r, _ := (VerifyOptions{Signers: signers}).Verify(forged); !slices.Equal(r.Missing, []string{SignatureName}) {
		t.Errorf("unsigned snapshot: %q", r.String())
	}
	// The signature checks with OpenSSH alone, as the README says.
	cmd := exec.Command("ssh-keygen", "-Y", "verify", "-f", signers, "-I", "auditor@example.com", "-n", SignatureNamespace, "-s", filepath.Join(dir, SignatureName))
	manifest, _ := os.Open(filepath.Join(dir, ManifestName))
	defer manifest.Close()
	cmd.Stdin = manifest
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("ssh-keygen -Y verify: %v: %s", err, out)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// FuzzCheckZip: whatever bytes sit where the snapshot zip should be,
// checking them never panics, and only the zip Snapshot wrote passes.
func FuzzCheckZip(f *testing.F) {
	snap, m, err := Snapshot(siteV2, asOf, Stamp{Commit: "abc123", Generator: "isms test"})
	if err != nil {
		f.Fatal(err)
	}
	good, err := fs.ReadFile(snap, m.Zip)
	if err != nil {
		f.Fatal(err)
	}
	manifest, err := fs.ReadFile(snap, ManifestName)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(append([]byte("x"), good...))
	f.Add(good[:len(good)-1])
	f.Fuzz(func(t *testing.T, data []byte) {
		why := checkZip(bytes.NewReader(data), int64(len(data)), m, manifest)
		if why == "" && !bytes.Equal(data, good) {
			// Another encoding of the same entries may pass; it must
			// still hold exactly the manifest's files.
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil || len(zr.File) != len(m.Files)+1 || zr.Comment != "" {
				t.Fatalf("accepted a zip that is not the snapshot's: %v", err)
			}
		}
	})
}
