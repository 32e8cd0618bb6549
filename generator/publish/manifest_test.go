package publish

import (
	"archive/zip"
	"bytes"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestBuildManifest(t *testing.T) {
	t.Parallel()
	site := fstest.MapFS{
		"a/b.html":        {Data: []byte("hello")},
		"a.txt":           {Data: []byte("")},
		"manifest.json":   {Data: []byte("an old manifest is not listed")},
		"z/manifest.json": {Data: []byte("only the root one is excluded")},
	}
	m, data, err := BuildManifest(site, "2026-03-01", "abc123", "isms test")
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "as_of": "2026-03-01",
  "commit": "abc123",
  "generator": "isms test",
  "files": [
    {
      "path": "a.txt",
      "size": 0,
      "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    },
    {
      "path": "a/b.html",
      "size": 5,
      "sha256": "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    },
    {
      "path": "z/manifest.json",
      "size": 29,
      "sha256": "` + m.Files[2].SHA256 + `"
    }
  ]
}
`
	if string(data) != want {
		t.Errorf("manifest.json:\n%s\nwant:\n%s", data, want)
	}
	again, data2, err := BuildManifest(site, "2026-03-01", "abc123", "isms test")
	if err != nil || !bytes.Equal(data, data2) || !slices.Equal(m.Files, again.Files) {
		t.Error("building the manifest twice gave different results")
	}
	// Without a commit the key is left out; an empty site lists [] not null.
	_, data, err = BuildManifest(fstest.MapFS{}, "2026-03-01", "", "isms")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "commit") || !strings.Contains(string(data), `"files": []`) {
		t.Errorf("empty manifest:\n%s", data)
	}
}

var asOf = time.Date(2026, 3, 1, 15, 4, 5, 0, time.FixedZone("CET", 3600))

// publishSnapshot writes a snapshot of siteV2 to a fresh folder.
func publishSnapshot(t *testing.T) (string, Manifest) {
	t.Helper()
	snap, m, err := Snapshot(siteV2, asOf, Stamp{Commit: "abc123", Generator: "isms test"})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "snapshot")
	if err := Folder(dir, snap); err != nil {
		t.Fatal(err)
	}
	return dir, m
}

func TestVerify(t *testing.T) {
	t.Parallel()
	write := func(p, data string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			t.Helper()
			p := filepath.Join(dir, filepath.FromSlash(p))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	remove := func(p string) func(t *testing.T, dir string) {
		return func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		tamper func(t *testing.T, dir string)
		want   Report
	}{
		{"untouched", func(*testing.T, string) {}, Report{}},
		{"one byte changed", write("policies/access/index.html", "access v3"), Report{Changed: []string{"policies/access/index.html"}}},
		{"same size, other bytes", write("index.html", "<h1>v9</h1>"), Report{Changed: []string{"index.html"}}},
		{"grown", write("empty.txt", "x"), Report{Changed: []string{"empty.txt"}}},
		{"removed", remove("style.css"), Report{Missing: []string{"style.css"}}},
		{"added", write("policies/new/extra.html", "planted"), Report{Extra: []string{"policies/new/extra.html"}}},
		{"added at root", write("robots.txt", ""), Report{Extra: []string{"robots.txt"}}},
		{"file became folder", func(t *testing.T, dir string) {
			remove("style.css")(t, dir)
			write("style.css/x", "")(t, dir)
		}, Report{Changed: []string{"style.css"}, Extra: []string{"style.css/x"}}},
		{"zip tampered", write("snapshot-2026-03-01.zip", "not a zip"), Report{Changed: []string{"snapshot-2026-03-01.zip"}}},
		{"zip removed", remove("snapshot-2026-03-01.zip"), Report{Missing: []string{"snapshot-2026-03-01.zip"}}},
		{"several", func(t *testing.T, dir string) {
			write("index.html", "changed")(t, dir)
			write("policies/access/index.html", "changed")(t, dir)
			remove("policies/new/index.html")(t, dir)
			write("a.html", "")(t, dir)
		}, Report{Changed: []string{"index.html", "policies/access/index.html"}, Missing: []string{"policies/new/index.html"}, Extra: []string{"a.html"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _ := publishSnapshot(t)
			tt.tamper(t, dir)
			got, err := Verify(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Changed, tt.want.Changed) || !slices.Equal(got.Missing, tt.want.Missing) || !slices.Equal(got.Extra, tt.want.Extra) {
				t.Errorf("Verify = %+v, want %+v", got, tt.want)
			}
			if got.OK() != (tt.want.OK()) {
				t.Errorf("OK() = %v", got.OK())
			}
		})
	}
}

func TestVerifyZipContentsChecked(t *testing.T) {
	t.Parallel()
	dir, m := publishSnapshot(t)
	// A well-formed zip of a different site under the same name.
	var buf bytes.Buffer
	if err := Zip(&buf, siteV1, zipFolder(m.Zip), asOf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, m.Zip), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Changed, []string{m.Zip}) || !strings.HasPrefix(r.String(), "changed: "+m.Zip+" (entry ") {
		t.Errorf("Verify = %+v", r)
	}
}

func TestVerifyRejectsBadManifest(t *testing.T) {
	t.Parallel()
	sha := strings.Repeat("0", 64)
	for name, manifest := range map[string]string{
		"absent":       "",
		"not json":     "{",
		"escaping":     `{"files":[{"path":"../secret","size":1,"sha256":"` + sha + `"}]}`,
		"absolute":     `{"files":[{"path":"/etc/passwd","size":1,"sha256":"` + sha + `"}]}`,
		"duplicate":    `{"files":[{"path":"a","size":1,"sha256":"` + sha + `"},{"path":"a","size":1,"sha256":"` + sha + `"}]}`,
		"short hash":   `{"files":[{"path":"a","size":1,"sha256":"00"}]}`,
		"zip escaping": `{"zip":"../x.zip","files":[]}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if manifest != "" {
				os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(manifest), 0o644)
			}
			if _, err := Verify(dir); err == nil {
				t.Error("Verify accepted it")
			}
		})
	}
}

func TestVerifySymlinkCannotEscape(t *testing.T) {
	t.Parallel()
	dir, _ := publishSnapshot(t)
	outside := filepath.Join(t.TempDir(), "style.css")
	os.WriteFile(outside, []byte("body{}"), 0o644) // same content as listed
	p := filepath.Join(dir, "style.css")
	os.Remove(p)
	if err := os.Symlink(outside, p); err != nil {
		t.Skip("no symlinks:", err)
	}
	r, err := Verify(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Changed, []string{"style.css"}) {
		t.Errorf("a link out of the snapshot passed as the listed file: %+v", r)
	}
}

func TestZipReproducible(t *testing.T) {
	t.Parallel()
	var a, b, c bytes.Buffer
	if err := Zip(&a, siteV2, "snap", asOf); err != nil {
		t.Fatal(err)
	}
	if err := Zip(&b, siteV2, "snap/", asOf.UTC()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two zips of the same tree differ")
	}
	if err := Zip(&c, siteV1, "snap", asOf); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("zips of different trees are equal")
	}

	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Method != zip.Deflate || f.Mode() != 0o644 || !f.Modified.Equal(asOf) {
			t.Errorf("%s: method %d mode %v modified %v", f.Name, f.Method, f.Mode(), f.Modified)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		src := siteV2[strings.TrimPrefix(f.Name, "snap/")]
		if src == nil || !bytes.Equal(data, src.Data) {
			t.Errorf("%s: content %q does not match the tree", f.Name, data)
		}
	}
	want := []string{"snap/empty.txt", "snap/index.html", "snap/policies/access/index.html", "snap/policies/new/index.html", "snap/style.css"}
	if !slices.Equal(names, want) {
		t.Errorf("entries %v, want %v", names, want)
	}
}

func TestZipTimes(t *testing.T) {
	t.Parallel()
	var zero, early bytes.Buffer
	if err := Zip(&zero, siteV1, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := Zip(&early, siteV1, "", time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(zero.Bytes(), early.Bytes()) {
		t.Error("times zip cannot store are not pinned to one value")
	}
	zr, err := zip.NewReader(bytes.NewReader(zero.Bytes()), int64(zero.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if got := zr.File[0].Modified; !got.Equal(zipEpoch) || zr.File[0].Name != "index.html" {
		t.Errorf("first entry %s at %v", zr.File[0].Name, got)
	}
	if err := Zip(io.Discard, siteV1, "../up", asOf); err == nil {
		t.Error("a prefix leaving the archive was accepted")
	}
}

func TestSnapshot(t *testing.T) {
	t.Parallel()
	snap, m, err := Snapshot(siteV2, asOf, Stamp{Commit: "abc123", Generator: "isms test"})
	if err != nil {
		t.Fatal(err)
	}
	if m.AsOf != "2026-03-01" || m.Zip != "snapshot-2026-03-01.zip" || m.Commit != "abc123" || len(m.Files) != len(siteV2) {
		t.Errorf("manifest %+v", m)
	}
	if err := fstest.TestFS(snap, "manifest.json", "snapshot-2026-03-01.zip", "index.html", "policies/access/index.html"); err != nil {
		t.Fatal(err)
	}
	again, _, err := Snapshot(siteV2, asOf, Stamp{Commit: "abc123", Generator: "isms test"})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"manifest.json", "snapshot-2026-03-01.zip"} {
		x, err1 := fs.ReadFile(snap, name)
		y, err2 := fs.ReadFile(again, name)
		if err1 != nil || err2 != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two snapshots of the same site", name)
		}
	}
	if _, _, err := Snapshot(fstest.MapFS{"manifest.json": {}}, asOf, Stamp{Generator: "isms"}); err == nil {
		t.Error("a site with its own manifest.json was accepted")
	}
}

// An auditor unpacks the zip they were handed and verifies the folder.
func TestVerifyUnpackedZip(t *testing.T) {
	t.Parallel()
	dir, m := publishSnapshot(t)
	zr, err := zip.OpenReader(filepath.Join(dir, m.Zip))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := t.TempDir()
	if err := os.CopyFS(out, zr); err != nil {
		t.Fatal(err)
	}
	unpacked := filepath.Join(out, zipFolder(m.Zip))
	r, err := Verify(unpacked)
	if err != nil || !r.OK() {
		t.Fatalf("Verify(unpacked) = %+v, %v", r, err)
	}
	os.WriteFile(filepath.Join(unpacked, "index.html"), []byte("<h1>v3</h1>"), 0o644)
	if r, _ := Verify(unpacked); !slices.Equal(r.Changed, []string{"index.html"}) {
		t.Errorf("change in the unpacked copy not found: %+v", r)
	}
}

// TestUnpack: a snapshot zip unpacks to its files; an entry that climbs
// out ("../evil") is refused and written nowhere.
func TestUnpack(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Zip(&buf, siteV2, "snap", asOf); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := Unpack(buf.Bytes(), dir); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "snap", "index.html")); err != nil || len(b) == 0 {
		t.Fatalf("snap/index.html: %v", err)
	}
	var evil bytes.Buffer
	zw := zip.NewWriter(&evil)
	w, _ := zw.Create("../evil")
	w.Write([]byte("x"))
	zw.Close()
	inner := filepath.Join(t.TempDir(), "in")
	if err := Unpack(evil.Bytes(), inner); err == nil {
		t.Fatal("an entry ../evil was unpacked")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(inner), "evil")); err == nil {
		t.Fatal("../evil was written beside the folder")
	}
}
